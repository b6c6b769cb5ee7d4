"""Every SMS starts 【signature】: the spec's own, or a name never cut inside a bracket."""

from __future__ import annotations

from pathlib import Path

import pytest

from yinsi.core.policy.compiled import CompiledPolicy
from yinsi.core.policy.load import load_policy_file, load_policy_text
from yinsi.core.policy.model import PolicySpec, derive_sms_signature

ROOT = Path(__file__).resolve().parents[3]
EXAMPLES = ROOT / "examples" / "policies"


def _spec(name: str) -> PolicySpec:
    result = load_policy_file(EXAMPLES / name)
    assert result.spec is not None, [p.format("en") for p in result.errors]
    return result.spec


@pytest.mark.parametrize(
    ("seed", "signature"),
    [
        ("000_32df281e24e1e7b0.yaml", "德伦口腔"),
        ("001_b323a55268a82f2d.yaml", "上海预约挂号"),
        ("002_83f8c652f43b02ec.yaml", "我们的产品与/或服务"),
        ("003_8bb812b8de66b6ab.yaml", "妇产科网"),
        ("004_e38994de5eb8bac3.yaml", "本产品或服务"),
    ],
)
def test_each_seed_signs_its_sms(seed: str, signature: str) -> None:
    assert _spec(seed).sms_signature() == signature


@pytest.mark.parametrize(
    ("name", "derived"),
    [
        (
            "我们的产品与/或服务（自有品牌智能硬件、各软件，以及被集成入第三方产品或软件的部分功能/服务）",
            "我们的产品与/或服务",
        ),
        ("本产品或服务（App、H5、微信及支付宝小程序、网页等）", "本产品或服务"),
        ("示例（甲（乙）丙）书店", "示例书店"),
        ("示例书店（一个没有合上的括号", "示例书店"),
        ("【示例】书店", "书店"),
        ("（全在括号里）", ""),
        ("一二三四五六七八九十" * 3, "一二三四五六七八九十" * 2),
    ],
)
def test_a_derived_signature_is_never_cut_inside_brackets(name: str, derived: str) -> None:
    assert derive_sms_signature(name) == derived
    for bracket in "（）()【】[]":
        assert bracket not in derive_sms_signature(name)


def _with_signature(value: str) -> str:
    text = (EXAMPLES / "000_32df281e24e1e7b0.yaml").read_text(encoding="utf-8")
    replaced = text.replace("  sms_signature: 德伦口腔\n", f"  sms_signature: {value}\n", 1)
    assert replaced != text
    return replaced


def test_an_explicit_signature_wins() -> None:
    result = load_policy_text(_with_signature("德伦齿科"))
    assert result.spec is not None
    assert result.spec.sms_signature() == "德伦齿科"


@pytest.mark.parametrize(
    "bad", ['"【德伦口腔】"', "德", '"德伦 口腔 "', '"德伦（广州）"', "一二三四五六七八九十一二三四五六七八九十一"]
)
def test_a_signature_with_brackets_or_of_the_wrong_length_is_refused_in_plain_words(bad: str) -> None:
    result = load_policy_text(_with_signature(bad))
    assert result.spec is None
    [problem] = [p for p in result.errors if "sms_signature" in p.format("en")]
    assert "2 to 20 characters" in problem.format("en")
    assert "短信签名" in problem.format("zh-CN")


def test_a_spec_without_the_key_keeps_its_digest() -> None:
    """Adding the optional key must not change what an already published spec digests to."""
    spec = _spec("002_83f8c652f43b02ec.yaml")
    assert "sms_signature" not in spec.model_dump(mode="json")["operator"]
    # The digest of seed 002 as issue 11 left it (device and order services; the officer handles incidents).
    assert CompiledPolicy.from_spec(spec).digest == "707ad4337ed6e735" + CompiledPolicy.from_spec(spec).digest[16:]


def test_changing_the_signature_is_a_minor_change() -> None:
    from yinsi.core.policy.diff import diff_policies

    new = load_policy_text(_with_signature("德伦齿科")).spec
    assert new is not None
    change = diff_policies(_spec("000_32df281e24e1e7b0.yaml"), new)
    assert not change.material
    summaries = [c.summary.en for c in change.changes]
    assert any("SMS signature" in line for line in summaries), summaries
