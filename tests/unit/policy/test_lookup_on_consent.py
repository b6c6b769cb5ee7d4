"""policy check warns when a lookup field can never be looked up: only consent-based purposes collect it."""

from __future__ import annotations

from pathlib import Path

from yinsi.core.policy.load import LoadResult, load_policy_file, load_policy_text
from yinsi.core.policy.problems import Severity

ROOT = Path(__file__).resolve().parents[3]
SEED_000 = ROOT / "examples" / "policies" / "000_32df281e24e1e7b0.yaml"


def _lookup_warnings(result: LoadResult) -> list[str]:
    return [
        p.format("en") for p in result.problems if p.severity is Severity.WARNING and p.code == "lookup_only_on_consent"
    ]


def test_seed_000_warns_at_the_lookup_line_in_plain_words() -> None:
    result = load_policy_file(SEED_000)
    [warning] = _lookup_warnings(result)
    line = SEED_000.read_text(encoding="utf-8").splitlines().index("    lookup: true") + 1
    assert f":{line}:" in warning
    assert "'mobile'" in warning
    assert "(signup, account)" in warning
    assert "every lookup by this field will be refused" in warning
    assert "contract or legal_obligation" in warning
    [zh] = [p.format("zh-CN") for p in result.problems if p.code == "lookup_only_on_consent"]
    assert "signup、account" in zh
    assert "都会被拒绝" in zh


def test_one_purpose_on_another_basis_is_enough() -> None:
    text = SEED_000.read_text(encoding="utf-8")
    signup = text.replace(
        "    legal_basis: consent\n    fields: [mobile",
        "    legal_basis: contract\n    fields: [mobile",
        1,
    )
    assert signup != text, "seed 000's signup purpose changed shape: adjust this test"
    result = load_policy_text(signup, "contract-signup.yaml")
    assert result.spec is not None
    assert _lookup_warnings(result) == []
