"""The gaps two policies from outside the seeds found in the spec, each as a small spec.

Every test here failed on the format before issue 10: a policy's silence had no spelling and was rendered
as a promise, separate consent was the author's choice, public disclosure had no place, open lists and
recipients' own uses could not be said, diff rated a widened recipient as minor, zh-TW turned 发 into 髮,
and a null value read "None is not one of …".
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from yinsi.core.policy.diff import diff_policies
from yinsi.core.policy.load import LoadResult, load_policy_text
from yinsi.core.policy.model import PolicySpec
from yinsi.core.policy.render import render_policy

GOLDEN = Path(__file__).resolve().parents[2] / "golden"

BASE: dict[str, Any] = {
    "policy": {"id": "clinic", "version": "1", "title": {"zh-CN": "诊所隐私政策", "en": "Clinic privacy policy"}},
    "operator": {"name": {"zh-CN": "某诊所有限公司", "en": "A Clinic Ltd."}},
    "contact": {"channels": [{"kind": "email", "value": "privacy@clinic.invalid", "uses": ["general", "complaints"]}]},
    "fields": {
        "mobile": {"type": "mobile", "label": {"zh-CN": "手机号码", "en": "Mobile"}, "category": "online_identity"},
        "diagnosis": {
            "type": "free_text",
            "label": {"zh-CN": "诊断", "en": "Diagnosis"},
            "category": "health",
            "sensitivity": "sensitive",
            "necessity": {"zh-CN": "问诊所必需", "en": "Needed for the consultation"},
            "impact": {"zh-CN": "泄露会损害名誉", "en": "A leak harms reputation"},
        },
    },
    "purposes": {
        "consultation": {
            "label": {"zh-CN": "在线问诊", "en": "Online consultation"},
            "function": "basic",
            "legal_basis": "consent",
            "fields": ["mobile", "diagnosis"],
            "retention": {"period": "3 years"},
        }
    },
    "storage": {"region": "CN", "cross_border": {"rule": "prohibited"}},
}


def _yaml(data: dict[str, Any]) -> str:
    return json.dumps(data, ensure_ascii=False)  # JSON is YAML


def _load(change: dict[str, Any] | None = None, **top: Any) -> LoadResult:
    data = copy.deepcopy(BASE)
    data.update(top)
    if change:
        for dotted, value in change.items():
            node = data
            *parents, last = dotted.split(".")
            for key in parents:
                node = node.setdefault(key, {})
            node[last] = value
    return load_policy_text(_yaml(data), "gap.yaml")


def _spec(change: dict[str, Any] | None = None, **top: Any) -> PolicySpec:
    result = _load(change, **top)
    assert result.spec is not None, [p.format("en") for p in result.errors]
    return result.spec


def _codes(result: LoadResult) -> set[str]:
    return {p.code for p in result.problems}


def _all(spec: PolicySpec) -> str:
    return "\n".join(render_policy(spec, lang, "md") for lang in ("zh-CN", "zh-TW", "en"))  # type: ignore[arg-type]


# --------------------------------------------------------------------------- "not stated" where a policy is silent


def test_a_retention_can_be_unstated_and_no_period_is_rendered() -> None:
    spec = _spec({"purposes.consultation.retention": "unstated"})
    zh = render_policy(spec, "zh-CN", "md")
    en = render_policy(spec, "en", "md")
    assert "本政策未写明保存期限" in zh
    assert "Not stated in this policy" in en
    assert "之后删除" not in zh.split("保存期限")[1].split("\n")[0]
    assert "no_retention" in _codes(_load({"purposes.consultation.retention": "unstated"}))


def test_the_cross_border_rule_can_be_unstated() -> None:
    spec = _spec({"storage.cross_border": {"rule": "unstated"}})
    en = render_policy(spec, "en", "md")
    assert "does not say whether your personal information is transferred abroad" in en
    assert "We do not transfer" not in en
    assert "may be transferred" not in en


def test_an_unstated_storage_region_is_never_rendered_as_china() -> None:
    spec = _spec({"storage": {"cross_border": {"rule": "unstated"}}})
    text = _all(spec)
    assert "mainland China" not in text.replace("outside mainland China", "")
    assert "中华人民共和国境内" not in text


def test_access_log_period_is_rendered_only_when_stated() -> None:
    silent = render_policy(_spec(access_logs={"kept": True}), "en", "md")
    stated = render_policy(_spec(access_logs={"kept": True, "retention": "1 year"}), "en", "md")
    assert "6 months" not in silent
    assert "this policy does not say for how long" in silent
    assert "1 year" in stated


# --------------------------------------------------------------------------- separate consent derived from the law


def test_sensitive_pi_on_consent_is_rendered_as_needing_separate_consent() -> None:
    text = render_policy(_spec(), "zh-CN", "md")
    row = next(line for line in text.splitlines() if "**在线问诊**" in line and "|" in line)
    assert "依法需要（个人信息保护法第二十九条）" in row
    assert "不需要" not in row


def test_separate_consent_false_where_the_law_requires_it_is_an_error() -> None:
    result = _load({"purposes.consultation.separate_consent": False})
    assert result.spec is None
    assert "separate_consent_contradicts_law" in _codes(result)


def test_provision_to_an_affiliate_needs_separate_consent_by_law() -> None:
    affiliate = {"group": {"kind": "affiliate", "name": "集团关联公司", "purposes": ["consultation"]}}
    text = render_policy(_spec(recipients=affiliate), "en", "md")
    row = next(line for line in text.splitlines() if "**集团关联公司**" in line)
    assert "Required by law (PIPL Art. 23)" in row
    assert "Not required" not in row
    said_no = {"group": {**affiliate["group"], "separate_consent": False}}
    assert "separate_consent_contradicts_law" in _codes(_load(recipients=said_no))


def test_a_recipient_abroad_needs_separate_consent_by_law() -> None:
    abroad = {"cloud": {"kind": "processor", "name": "境外云服务", "region": "worldwide", "agreement": True}}
    text = render_policy(_spec(recipients=abroad), "en", "md")
    row = next(line for line in text.splitlines() if "**境外云服务**" in line)
    assert "PIPL Art. 39" in row
    assert "anywhere in the world" in row


# --------------------------------------------------------------------------- public disclosure


PUBLISHED_CASES = {
    "cases": {
        "label": {"zh-CN": "病例和问诊记录", "en": "Case records and consultations"},
        "fields": ["diagnosis"],
        "audience": {"zh-CN": "网站的所有访问者", "en": "Every visitor of the website"},
        "default_on": True,
        "deidentified": True,
        "opt_out_via_third_party": True,
    }
}


def test_public_disclosure_on_by_default_is_flagged_and_rendered_as_it_is() -> None:
    result = _load(public_disclosures=PUBLISHED_CASES, sharing={"public_disclosure_with_consent": True})
    assert {"disclosure_on_by_default", "disclosure_opt_out_not_direct", "disclosure_contradicts_consent"} <= _codes(
        result
    )
    assert result.spec is not None
    en = render_policy(result.spec, "en", "md")
    assert "Public unless you opt out" in en
    assert "only through a third party" in en
    assert "with your explicit consent" not in en  # never beside a disclosure that is on by default
    row = next(line for line in en.splitlines() if "**Case records and consultations" in line)
    assert "PIPL Art. 25, 29" in row


# --------------------------------------------------------------------------- open lists, recipients' own uses


def test_open_lists_are_said_and_flagged() -> None:
    result = _load(open_lists=[{"what": "sdks", "how": "image_only"}, {"what": "disclosures", "how": "at_discretion"}])
    assert "open_list" in _codes(result)
    assert result.spec is not None
    en = render_policy(result.spec, "en", "md")
    assert "third-party SDKs is not complete: published only as an image" in en
    assert "any other case we find appropriate" in en


def test_widening_a_recipients_own_uses_is_material() -> None:
    affiliate = {"kind": "affiliate", "name": "保险关联公司", "purposes": ["consultation"], "separate_consent": True}
    old = _spec(recipients={"insurer": {**affiliate, "uses": {"service": "健康服务"}}})
    new = _spec(
        recipients={"insurer": {**affiliate, "uses": {"service": "健康服务", "underwriting": "核保和理赔风险评估"}}}
    )
    result = diff_policies(old, new)
    assert result.material
    assert any(c.path[-1] == "underwriting" and c.material for c in result.changes)


def test_diffing_unrelated_policies_warns() -> None:
    other = _spec({"policy.id": "another", "operator.name": "另一家公司"})
    assert diff_policies(_spec(), other).unrelated is not None
    assert diff_policies(_spec(), _spec({"policy.version": "2"})).unrelated is None


# --------------------------------------------------------------------------- the missing vocabulary


def test_the_missing_vocabulary_is_accepted_and_rendered() -> None:
    result = _load(
        {
            "storage.certifications": [{"kind": "mlps", "level": 3}],
            "changes": {
                "archive": "https://clinic.invalid/privacy/archive",
                "effective_after_confirmation": True,
                "without_notice": True,
            },
            "requests": {"excessive": {"max_requests": 3, "fee": "按成本收取工本费"}},
            "sharing": {"exceptions": ["academic_research"]},
            "permissions": {
                "calendar": {"kind": "calendar", "label": "日历"},
                "sms": {"kind": "sms", "label": "短信"},
            },
            "rights": {"automated_decision": {"offered": "yes"}},
        }
    )
    assert {"change_without_notice", "exception_beyond_law", "permission_unused"} <= _codes(result)
    assert result.spec is not None
    zh = render_policy(result.spec, "zh-CN", "md")
    assert "网络安全等级保护（第 3 级）" in zh
    assert "按成本收取工本费" in zh
    assert "本政策称我们可以随时修改本政策而不另行通知" in zh
    assert "变更仅在您确认后对您生效" in zh
    assert "拒绝仅通过自动化决策作出的决定" in zh


def test_an_automated_decision_without_the_right_is_warned() -> None:
    result = _load({"purposes.consultation.automated_decision": True})
    assert any(p.code == "right_not_offered" and "Art. 24" in p.message.en for p in result.problems)


# --------------------------------------------------------------------------- plain words


def test_a_null_value_is_said_plainly() -> None:
    result = _load({"storage.cross_border": {"rule": None}})
    message = result.errors[0].message
    assert "None" not in message.en
    assert "no value is given here (null)" in message.en
    assert "没有填写" in message.zh


def test_only_the_missing_half_of_necessity_and_impact_is_named() -> None:
    result = _load({"fields.diagnosis.impact": None})
    text = next(p.message for p in result.problems if p.code == "sensitive_without_necessity")
    assert "its impact on the person" in text.en
    assert "necessary" not in text.en
    assert "对个人权益的影响" in text.zh
    assert "必要性" not in text.zh


# --------------------------------------------------------------------------- zh-TW pitfalls


ZH_TW_PITFALLS = GOLDEN / "zh-TW-pitfalls.json"


def test_zh_tw_one_to_many_characters() -> None:
    """医生发完医嘱 is 醫生發完醫囑 (髮 is hair): a golden list of such phrases and their Traditional text."""
    from yinsi.core.policy.render import to_traditional

    expected: dict[str, str] = json.loads(ZH_TW_PITFALLS.read_text(encoding="utf-8"))
    got = {simplified: to_traditional(simplified) for simplified in expected}
    assert got == expected


@pytest.mark.parametrize("phrase", ["医生发完医嘱", "医生发来的消息", "学生发现问题", "卫生发展规划"])
def test_fa_is_never_hair_after_sheng(phrase: str) -> None:
    from yinsi.core.policy.render import to_traditional

    assert "髮" not in to_traditional(phrase)


def test_storage_may_leave_cross_border_out_as_unstated() -> None:
    spec = _spec({"storage": {"region": "CN"}})
    assert spec.storage.cross_border.rule.value == "unstated"
    assert "no_cross_border_rule" in _codes(_load({"storage": {"region": "CN"}}))


def test_no_promise_to_delete_at_the_end_of_periods_nobody_stated() -> None:
    en = render_policy(_spec({"purposes.consultation.retention": "unstated"}), "en", "md")
    assert "When a retention period ends" not in en


def test_new_keys_left_at_their_default_do_not_change_the_digest() -> None:
    """Publishing the same file again after an upgrade stays 'unchanged': keys added by this issue are not dumped
    (and so not digested) while they hold their default."""
    dumped = _spec().model_dump(by_alias=True)
    for key in ("public_disclosures", "open_lists"):
        assert key not in dumped
    recipient = {"lab": {"kind": "processor", "name": "检验机构", "agreement": True}}
    assert "uses" not in _spec(recipients=recipient).model_dump(by_alias=True)["recipients"]["lab"]
    assert "public_disclosures" in _spec(public_disclosures=PUBLISHED_CASES).model_dump(by_alias=True)
