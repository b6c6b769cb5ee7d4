"""``policy diff``: every difference is reported, and substantive ones are material.

Variants of seed 001 are built by editing its dumped data and validating it
again, so every variant is a spec the loader could have produced.
"""

from __future__ import annotations

import copy
import typing
from collections.abc import Callable, Iterator
from datetime import date, timedelta
from enum import Enum
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from pydantic import BaseModel, ValidationError

from yinsi.core.policy import diff as diff_module
from yinsi.core.policy.diff import (
    EXIT_MATERIAL,
    EXIT_MINOR,
    EXIT_NO_CHANGE,
    Change,
    DiffStatus,
    PolicyDiff,
    diff_policies,
)
from yinsi.core.policy.load import load_policy_file, load_policy_text
from yinsi.core.policy.model import PolicySpec
from yinsi.core.policy.types import Duration
from yinsi.core.policy.vocabulary import MaterialChange, StatisticsDimension

SPEC_FILE = Path(__file__).resolve().parents[3] / "examples" / "policies" / "001_b323a55268a82f2d.yaml"

SERVICE_MODEL = MaterialChange.SERVICE_MODEL
OWNERSHIP = MaterialChange.OWNERSHIP
RECIPIENTS = MaterialChange.RECIPIENTS
RIGHTS = MaterialChange.RIGHTS
CONTACT = MaterialChange.CONTACT
IMPACT_ASSESSMENT = MaterialChange.IMPACT_ASSESSMENT


def _load_base() -> PolicySpec:
    result = load_policy_file(SPEC_FILE)
    assert result.spec is not None, [p.format() for p in result.errors]
    return result.spec


BASE = _load_base()


def _full_base() -> PolicySpec:
    """The seed with the keys it does not use added, so that the mutations reach every key of the model."""
    result = load_policy_file(SPEC_FILE)
    assert result.spec is not None
    # Keys the seed does not use are added, so that the mutations reach every key of the model.
    data = result.spec.model_dump(by_alias=True)
    data["public_disclosures"] = {
        "reviews": {"label": "公开的评价", "fields": [next(iter(data["fields"]))], "default_on": False}
    }
    data["open_lists"] = [{"what": "recipients", "how": "not_limited_to"}]
    first_recipient = next(iter(data["recipients"].values()))
    first_recipient["uses"] = {"delivery": "配送"}
    # Seed 001 has no statistics section (optional, and left out of the dump when absent).
    data["statistics"] = {"dimensions": [StatisticsDimension.AGE_BAND.value], "min_group_size": 10}
    return PolicySpec.model_validate(data)


FULL = _full_base()

Data = dict[str, Any]


def variant(edit: Callable[[Data], object], base: PolicySpec = BASE) -> PolicySpec:
    data = base.model_dump(by_alias=True)
    edit(data)
    return PolicySpec.model_validate(data)


def diff_after(edit: Callable[[Data], object], base: PolicySpec = BASE) -> PolicyDiff:
    return diff_policies(base, variant(edit, base))


def only(result: PolicyDiff) -> Change:
    assert len(result.changes) == 1, [(c.path, c.change, c.summary.en) for c in result.changes]
    return result.changes[0]


def assert_material(result: PolicyDiff, kind: MaterialChange) -> None:
    assert result.status is DiffStatus.MATERIAL, [(c.path, c.summary.en) for c in result.changes]
    assert result.exit_code == EXIT_MATERIAL
    assert result.material
    assert kind in result.material_kinds


def assert_minor(result: PolicyDiff) -> None:
    assert result.changes, "a difference must be reported"
    assert result.status is DiffStatus.MINOR, [(c.path, c.kind, c.summary.en) for c in result.changes]
    assert result.exit_code == EXIT_MINOR
    assert not result.material
    assert result.material_kinds == []


# --------------------------------------------------------------------------- no change


def test_identical_specs_have_no_changes() -> None:
    result = diff_policies(BASE, BASE)
    assert result.changes == []
    assert result.status is DiffStatus.NONE
    assert result.exit_code == EXIT_NO_CHANGE == 0
    assert not result.material
    assert result.material_kinds == []


def test_reloading_the_same_text_is_no_change() -> None:
    again = load_policy_text(SPEC_FILE.read_text(encoding="utf-8"), "again").spec
    assert again is not None
    assert diff_policies(BASE, again).status is DiffStatus.NONE


def test_exit_codes_are_the_documented_ones() -> None:
    assert (diff_module.EXIT_NO_CHANGE, diff_module.EXIT_MINOR, diff_module.EXIT_MATERIAL) == (0, 1, 2)
    assert diff_module.EXIT_INVALID == 3
    doc = diff_module.__doc__ or ""
    for code in ("``0``", "``1``", "``2``", "``3``"):
        assert code in doc


# --------------------------------------------------------------------------- minor: wording, dates


def test_purpose_label_reworded_is_minor() -> None:
    def edit(d: Data) -> None:
        d["purposes"]["booking"]["label"]["zh-CN"] = "实名预约挂号"

    result = diff_after(edit)
    assert_minor(result)
    change = only(result)
    assert change.path == ("purposes", "booking", "label")
    assert change.change == "changed"
    assert change.kind is None
    assert "booking" in change.summary.zh
    assert "booking" in change.summary.en


def test_description_and_introduction_reworded_are_minor() -> None:
    def edit(d: Data) -> None:
        d["purposes"]["registration"]["description"]["en"] += " Really."
        d["policy"]["introduction"]["zh-CN"] += "欢迎使用。"
        d["rights"]["access"]["how"]["en"] = "Open Me."

    result = diff_after(edit)
    assert_minor(result)
    assert {c.path for c in result.changes} == {
        ("policy", "introduction"),
        ("purposes", "registration", "description"),
        ("rights", "access", "how"),
    }


def test_dates_version_and_unstated_are_minor() -> None:
    def edit(d: Data) -> None:
        d["policy"]["version"] = "2023-01-01"
        d["policy"]["effective_date"] = date(2023, 1, 1)
        d["policy"]["previous_version_date"] = date(2022, 5, 30)
        d["unstated"].pop()
        d["principles"] = ["transparency"]
        d["incidents"]["channels"].append("email")
        d["changes"]["channels"] = ["website"]

    result = diff_after(edit)
    assert_minor(result)
    assert len(result.changes) == 7


def test_security_measure_added_is_minor_but_removed_is_material() -> None:
    assert_minor(diff_after(lambda d: d["storage"]["security_measures"].append("password_hashing")))
    assert_material(diff_after(lambda d: d["storage"]["security_measures"].remove("encryption_at_rest")), SERVICE_MODEL)


def test_roles_are_minor_and_flag_a_sensitive_field_seen_whole() -> None:
    def edit(d: Data) -> None:
        d["roles"]["customer_service"]["fields"]["id_number"] = "whole"

    change = only(diff_after(edit))
    assert change.kind is None
    assert change.path == ("roles", "customer_service", "fields", "id_number")
    assert "published notice" in change.summary.en
    assert "id_number" in change.summary.en
    assert "sensitive" in change.summary.en
    assert "敏感" in change.summary.zh

    def auditor(d: Data) -> None:
        d["roles"]["auditor"] = {
            "label": "审计",
            "kind": "staff",
            "purposes": ["booking"],
            "fields": {"real_name": "whole"},
        }

    added = only(diff_after(auditor))
    assert (added.path, added.change, added.kind) == (("roles", "auditor"), "added", None)
    assert "'real_name'" in added.summary.en

    plain = only(diff_after(lambda d: d["roles"]["security_team"]["operations"].append("lookup")))
    assert plain.kind is None
    assert "published notice" in plain.summary.en
    assert "sensitive" not in plain.summary.en


def test_reordering_a_list_is_reported_as_minor() -> None:
    result = diff_after(lambda d: d["purposes"]["booking"]["fields"].reverse())
    assert_minor(result)
    assert only(result).path == ("purposes", "booking", "fields")
    assert "reordered" in only(result).summary.en


# --------------------------------------------------------------------------- service model


def test_purpose_now_collects_a_field() -> None:
    result = diff_after(lambda d: d["purposes"]["registration"]["fields"].append("id_number"))
    assert_material(result, SERVICE_MODEL)
    change = only(result)
    assert change.path == ("purposes", "registration", "fields", 3)
    assert change.change == "added"
    assert change.summary.zh == "目的 'registration' 新增收集字段 'id_number'"
    assert change.summary.en == "Purpose 'registration' now collects 'id_number'"


def test_purpose_no_longer_collects_a_field_is_still_material() -> None:
    result = diff_after(lambda d: d["purposes"]["fraud_prevention"]["fields"].remove("login_time"))
    assert_material(result, SERVICE_MODEL)
    change = only(result)
    assert change.change == "removed"
    assert change.path == ("purposes", "fraud_prevention", "fields", 4)
    assert "no longer collects 'login_time'" in change.summary.en


def test_purpose_added_and_removed() -> None:
    def add(d: Data) -> None:
        d["purposes"]["marketing"] = {
            "label": "营销推送",
            "function": "additional",
            "legal_basis": "consent",
            "fields": ["mobile"],
            "retention": {"period": "1 year"},
        }

    added = only(diff_after(add))
    assert (added.path, added.change, added.kind) == (("purposes", "marketing"), "added", SERVICE_MODEL)
    assert added.summary.en == "Purpose 'marketing' added"
    assert added.summary.zh == "新增目的 'marketing'"

    removed = only(diff_after(lambda d: d["purposes"].pop("fraud_prevention")))
    assert (removed.path, removed.change, removed.kind) == (("purposes", "fraud_prevention"), "removed", SERVICE_MODEL)


@pytest.mark.parametrize(
    ("purpose", "key", "value"),
    [
        ("booking", "legal_basis", "consent"),
        ("booking", "function", "additional"),
        ("booking", "separate_consent", True),
        ("booking", "personalisation", True),
        ("booking", "automated_decision", True),
        ("booking", "deidentified_only", True),
        ("booking", "others_pi", True),
        ("registration", "cookies", []),
        ("account_security", "permissions", ["phone_state"]),
    ],
)
def test_purpose_substance_changes_are_service_model(purpose: str, key: str, value: object) -> None:
    def edit(d: Data) -> None:
        d["purposes"][purpose][key] = value

    result = diff_after(edit)
    assert_material(result, SERVICE_MODEL)
    assert result.material_kinds == [SERVICE_MODEL]


def test_retention_lengthened_is_material_and_shortened_is_minor() -> None:
    def set_period(text: str) -> Callable[[Data], None]:
        def edit(d: Data) -> None:
            d["purposes"]["network_logs"]["retention"]["period"] = text

        return edit

    longer = diff_after(set_period("1 year"))
    assert_material(longer, SERVICE_MODEL)
    assert only(longer).path == ("purposes", "network_logs", "retention", "period")
    assert "1 year" in only(longer).summary.en

    assert_minor(diff_after(set_period("3 months")))
    # The same length in other units is a difference but not a longer one.
    assert_minor(diff_after(set_period("180 days")))


def test_retention_from_period_to_until_cancellation_is_material() -> None:
    def edit(d: Data) -> None:
        d["purposes"]["network_logs"]["retention"] = {"until": "account_cancellation"}

    result = diff_after(edit)
    assert_material(result, SERVICE_MODEL)
    # period and until are one choice: one change for the switch, plus the dropped legal minimum.
    paths = [c.path for c in result.changes]
    assert ("purposes", "network_logs", "retention", "until") in paths
    assert not any(p[-1] == "period" for p in paths)


def test_retention_anonymised_instead_of_deleted_is_material() -> None:
    def edit(d: Data) -> None:
        d["purposes"]["booking"]["retention"]["on_expiry"] = "anonymise"

    assert_material(diff_after(edit), SERVICE_MODEL)


@pytest.mark.parametrize(
    ("key", "value", "material"),
    [
        ("sensitivity", "general", True),  # lowering drops separate consent: material as well
        ("category", "basic", True),
        ("type", "free_text", True),
        ("derived", True, True),
        ("sources", ["device", "generated"], True),  # a source added
        ("lookup", True, True),
        ("necessity", {"zh-CN": "需要。"}, False),
        ("label", {"zh-CN": "验证码"}, False),
    ],
)
def test_field_changes(key: str, value: object, material: bool) -> None:
    def edit(d: Data) -> None:
        d["fields"]["sms_code"][key] = value

    result = diff_after(edit)
    if material:
        assert_material(result, SERVICE_MODEL)
    else:
        assert_minor(result)


def test_sensitivity_raised_and_source_removed() -> None:
    assert_material(diff_after(lambda d: d["fields"]["ip_address"].update(sensitivity="sensitive")), SERVICE_MODEL)

    def two_sources(d: Data) -> None:
        d["fields"]["device_info"]["sources"] = ["device", "user"]

    with_two = variant(two_sources)
    assert_minor(diff_after(lambda d: d["fields"]["device_info"].update(sources=["device"]), base=with_two))


def test_new_field_declared_is_material() -> None:
    def edit(d: Data) -> None:
        d["fields"]["email"] = {"type": "email", "label": "邮箱", "category": "basic"}

    change = only(diff_after(edit))
    assert (change.path, change.change, change.kind) == (("fields", "email"), "added", SERVICE_MODEL)


def test_permissions_cookies_personalisation_storage_logs() -> None:
    def camera(d: Data) -> None:
        d["permissions"]["camera"] = {"kind": "camera", "label": "相机"}

    assert_material(diff_after(camera), SERVICE_MODEL)
    assert_material(diff_after(lambda d: d["permissions"]["accounts"].update(prompt="install")), SERVICE_MODEL)
    assert_minor(diff_after(lambda d: d["permissions"]["accounts"].update(label="查找账户")))
    assert_material(diff_after(lambda d: d["cookies"]["remember_login"].update(category="advertising")), SERVICE_MODEL)
    session_cookie = variant(lambda d: d["cookies"]["remember_login"].update(expiry="session"))
    assert_material(
        diff_after(lambda d: d["cookies"]["remember_login"].update(expiry="1 year"), session_cookie), SERVICE_MODEL
    )
    # From "the policy does not say" to a stated expiry narrows what was possible: minor.
    assert_minor(diff_after(lambda d: d["cookies"]["remember_login"].update(expiry="1 year")))
    assert_material(diff_after(lambda d: d.update(personalisation={"offered": True})), SERVICE_MODEL)
    assert_material(diff_after(lambda d: d["storage"].update(region="SG")), SERVICE_MODEL)
    assert_material(diff_after(lambda d: d["access_logs"].update(retention="1 year")), SERVICE_MODEL)
    assert_minor(diff_after(lambda d: d["access_logs"].update(retention="3 months")))


def test_personalisation_withdrawn_is_material() -> None:
    with_it = variant(lambda d: d.update(personalisation={"offered": True}))
    assert_material(diff_policies(with_it, BASE), SERVICE_MODEL)
    assert_material(diff_after(lambda d: d["personalisation"].update(offered=False), base=with_it), SERVICE_MODEL)


# --------------------------------------------------------------------------- ownership


def test_operator_renamed_is_ownership() -> None:
    def edit(d: Data) -> None:
        d["operator"]["name"] = {"zh-CN": "上海某某科技有限公司", "en": "Shanghai Something Tech Co., Ltd."}

    result = diff_after(edit)
    assert result.material_kinds == [OWNERSHIP]
    change = only(result)
    assert change.path == ("operator", "name")
    assert "上海某某科技有限公司" in change.summary.zh


def test_app_operator_and_affiliates_are_ownership() -> None:
    assert diff_after(lambda d: d["operator"].update(includes_affiliates=True)).material_kinds == [OWNERSHIP]
    assert diff_after(lambda d: d["operator"].update(app_operator="另一家公司")).material_kinds == [OWNERSHIP]


# --------------------------------------------------------------------------- recipients


def test_recipient_added_is_material() -> None:
    def edit(d: Data) -> None:
        d["recipients"]["sms_gateway"] = {
            "kind": "processor",
            "name": "短信服务商",
            "fields": ["mobile"],
            "purposes": ["registration"],
        }

    change = only(diff_after(edit))
    assert (change.path, change.change, change.kind) == (("recipients", "sms_gateway"), "added", RECIPIENTS)


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("region", "US"),
        ("kind", "partner"),
        ("name", "某机关"),
        ("fields", ["real_name", "id_number", "mobile"]),
        ("purposes", ["booking", "registration"]),
        ("deidentified", True),
        ("separate_consent", True),
        ("cross_border_consent", True),
        ("agreement", False),
    ],
)
def test_recipient_substance_changes_are_recipients(key: str, value: object) -> None:
    def edit(d: Data) -> None:
        d["recipients"]["public_interest"][key] = value

    assert diff_after(edit).material_kinds == [RECIPIENTS]


def test_recipient_description_is_minor() -> None:
    assert_minor(diff_after(lambda d: d["recipients"]["public_interest"].update(description="依法提供。")))


def test_sharing_rules_widening_is_material_and_narrowing_minor() -> None:
    assert_material(diff_after(lambda d: d["sharing"]["exceptions"].append("court_order")), RECIPIENTS)
    assert_minor(diff_after(lambda d: d["sharing"]["exceptions"].remove("self_disclosed")))
    assert_material(diff_after(lambda d: d["sharing"].update(checks_legal_documents=False)), RECIPIENTS)
    assert_material(diff_after(lambda d: d["sharing"].update(anonymised_statistics=True)), RECIPIENTS)
    assert_minor(diff_after(lambda d: d["sharing"].update(deidentified_without_notice=False)))
    assert_minor(diff_after(lambda d: d["sharing"].update(merger_reconsent=True)))


def test_cross_border_rule_and_destinations() -> None:
    assert_material(diff_after(lambda d: d["storage"]["cross_border"].update(rule="may_transfer")), RECIPIENTS)
    assert_material(
        diff_after(lambda d: d["storage"]["cross_border"].update(destinations=["SG"])),
        RECIPIENTS,
    )
    two = variant(lambda d: d["storage"]["cross_border"].update(destinations=["SG", "JP"]))
    assert_minor(diff_after(lambda d: d["storage"]["cross_border"].update(destinations=["SG"]), base=two))
    one = variant(lambda d: d["storage"]["cross_border"].update(destinations=["SG"]))
    # Dropping the last destination leaves them unspecified: wider, not narrower.
    assert_material(diff_after(lambda d: d["storage"]["cross_border"].update(destinations=[]), base=one), RECIPIENTS)


# --------------------------------------------------------------------------- rights


def test_right_removed_is_material() -> None:
    change = only(diff_after(lambda d: d["rights"].pop("copy")))
    assert (change.path, change.change, change.kind) == (("rights", "copy"), "removed", RIGHTS)
    assert change.summary.en == "Right 'copy' removed"


def test_right_added_is_material() -> None:
    change = only(diff_after(lambda d: d["rights"].update(portability={"how": "联系客服。"})))
    assert (change.path, change.change, change.kind) == (("rights", "portability"), "added", RIGHTS)


@pytest.mark.parametrize(
    ("key", "value"),
    [("offered", "unstated"), ("self_service", False), ("path", {"zh-CN": "设置 → 注销"})],
)
def test_how_a_right_is_exercised_is_material(key: str, value: object) -> None:
    def edit(d: Data) -> None:
        d["rights"]["cancel_account"][key] = value

    assert diff_after(edit).material_kinds == [RIGHTS]


def test_request_deadline_lengthened_is_material_and_shortened_minor() -> None:
    longer = diff_after(lambda d: d["requests"].update(deadline="30 days"))
    assert_material(longer, RIGHTS)
    assert only(longer).path == ("requests", "deadline")
    assert_minor(diff_after(lambda d: d["requests"].update(deadline="10 days")))
    # Dropping a promised deadline is the longest lengthening there is.
    assert_material(diff_after(lambda d: d["requests"].update(deadline=None)), RIGHTS)
    assert_material(diff_after(lambda d: d["requests"].update(complaints_deadline="1 month")), RIGHTS)


def test_a_rights_own_deadline_is_compared_with_the_effective_one() -> None:
    assert_material(diff_after(lambda d: d["rights"]["complain"].update(deadline="20 days")), RIGHTS)
    assert_minor(diff_after(lambda d: d["rights"]["complain"].update(deadline="7 days")))
    # Dropping an override equal to the general deadline changes nothing the person waits for.
    assert_minor(diff_after(lambda d: d["rights"]["complain"].update(deadline=None)))
    assert_material(diff_after(lambda d: d["rights"]["access"].update(deadline="30 days")), RIGHTS)


@pytest.mark.parametrize(
    "edit",
    [
        pytest.param(lambda d: d["requests"].update(free=False), id="fee-introduced"),
        pytest.param(lambda d: d["requests"]["refusal_grounds"].append("trade_secrets"), id="refusal-ground-added"),
        pytest.param(lambda d: d["requests"]["excessive"].update(max_requests=1), id="fewer-free-requests"),
        pytest.param(lambda d: d["requests"]["excessive"].update(action="refuse"), id="excessive-refused"),
        pytest.param(lambda d: d["requests"].update(court="被告住所地法院"), id="court-clause"),
        pytest.param(lambda d: d["cancellation"]["blockers"].append("结清未完成的订单"), id="blocker-added"),
        pytest.param(lambda d: d["minors"].update(rule="guardian_consent", guardian_consent_under=14), id="minors"),
        pytest.param(lambda d: d["consent"].update(refusal_cooldown="1 hour"), id="cooldown-shortened"),
        pytest.param(lambda d: d["changes"].update(notice_before_effect=False), id="no-notice-before-effect"),
        pytest.param(lambda d: d.pop("cancellation"), id="cancellation-section-removed"),
    ],
)
def test_rights_disfavouring_changes_are_material(edit: Callable[[Data], object]) -> None:
    result = diff_after(edit)
    assert_material(result, RIGHTS)
    assert result.material_kinds == [RIGHTS]


@pytest.mark.parametrize(
    "edit",
    [
        pytest.param(lambda d: d["requests"].pop("excessive"), id="excessive-rule-dropped"),
        pytest.param(lambda d: d["requests"]["external_remedies"].append("cac"), id="remedy-added"),
        pytest.param(lambda d: d["requests"].update(may_refuse_unreasonable=False), id="no-refusal"),
        pytest.param(lambda d: d["requests"]["excessive"].update(max_requests=10), id="more-free-requests"),
        pytest.param(lambda d: d["consent"].update(refusal_cooldown="7 days"), id="cooldown-lengthened"),
        pytest.param(lambda d: d["cancellation"].update(third_party_login_release=True), id="login-released"),
        pytest.param(lambda d: d["changes"].update(no_settings_change=True), id="new-promise"),
        pytest.param(lambda d: d["shutdown"].update(notice="30 days"), id="shutdown-notice-promised"),
    ],
)
def test_rights_favouring_changes_are_minor(edit: Callable[[Data], object]) -> None:
    assert_minor(diff_after(edit))


def test_promises_withdrawn_and_remedies_removed_are_material() -> None:
    def promises(d: Data) -> None:
        d["changes"].update(no_rights_reduction_without_consent=True, no_settings_change=True)
        d["requests"]["external_remedies"] = ["cac", "court"]
        d["shutdown"]["notice"] = "30 days"
        d["cancellation"]["blockers"] = ["结清订单"]

    generous = variant(promises)
    result = diff_policies(generous, BASE)
    assert result.material_kinds == [RIGHTS]
    assert all(c.kind is RIGHTS for c in result.changes if c.path[0] != "cancellation")
    shorter = diff_after(lambda d: d["shutdown"].update(notice="7 days"), base=generous)
    assert_material(shorter, RIGHTS)
    # A blocker dropped favours the person.
    assert_minor(diff_after(lambda d: d["cancellation"].update(blockers=[]), base=generous))


def test_cancellation_review_deadline() -> None:
    # Promising a deadline where there was none favours the person; lengthening it does not.
    assert_minor(diff_after(lambda d: d["cancellation"].update(review_deadline="15 days")))
    with_deadline = variant(lambda d: d["cancellation"].update(review_deadline="15 days"))
    assert_material(
        diff_after(lambda d: d["cancellation"].update(review_deadline="30 days"), base=with_deadline), RIGHTS
    )
    assert_minor(diff_after(lambda d: d["cancellation"].update(review_deadline="7 days"), base=with_deadline))
    assert_material(diff_after(lambda d: d["cancellation"].update(review_deadline=None), base=with_deadline), RIGHTS)


# --------------------------------------------------------------------------- contact


def test_contact_channel_added_and_removed() -> None:
    def add(d: Data) -> None:
        d["contact"]["channels"].append({"kind": "email", "value": "privacy@example.cn", "uses": ["rights"]})

    added = only(diff_after(add))
    assert (added.path, added.change, added.kind) == (("contact", "channels", 3), "added", CONTACT)
    assert "privacy@example.cn" in added.summary.en

    removed = only(diff_after(lambda d: d["contact"]["channels"].pop(2)))
    assert (removed.path, removed.change, removed.kind) == (("contact", "channels", 2), "removed", CONTACT)


def test_contact_channel_value_changed_is_one_change() -> None:
    def edit(d: Data) -> None:
        d["contact"]["channels"][0]["value"] = "4001234567"

    change = only(diff_after(edit))
    assert (change.path, change.change, change.kind) == (("contact", "channels", 0, "value"), "changed", CONTACT)
    assert "4008805772" in change.summary.zh
    assert "4001234567" in change.summary.en


def test_contact_channel_uses_and_label() -> None:
    uses = only(diff_after(lambda d: d["contact"]["channels"][1]["uses"].remove("complaints")))
    assert uses.kind is CONTACT
    assert uses.path == ("contact", "channels", 1, "uses", 2)
    assert_minor(diff_after(lambda d: d["contact"]["channels"][0].update(label="客服电话")))


def test_dpo_and_response_time() -> None:
    def dpo(d: Data) -> None:
        d["contact"]["dpo"] = {"department": "法务部", "contact": "dpo@example.cn"}

    added = only(diff_after(dpo))
    assert (added.path, added.change, added.kind) == (("contact", "dpo"), "added", CONTACT)
    with_dpo = variant(dpo)
    assert diff_after(lambda d: d["contact"]["dpo"].update(department="合规部"), base=with_dpo).material_kinds == [
        CONTACT
    ]
    assert_material(diff_after(lambda d: d["contact"].update(response="30 working days")), CONTACT)
    assert_minor(diff_after(lambda d: d["contact"].update(response="10 working days")))


# --------------------------------------------------------------------------- impact assessment


def test_risk_becoming_high_is_impact_assessment() -> None:
    result = diff_after(lambda d: d["impact_assessment"].update(risk="high"))
    assert result.material_kinds == [IMPACT_ASSESSMENT]
    assert_minor(diff_after(lambda d: d["impact_assessment"].update(risk="medium")))
    high = variant(lambda d: d["impact_assessment"].update(risk="high"))
    assert_minor(diff_after(lambda d: d["impact_assessment"].update(risk="medium"), base=high))
    reassessed = diff_after(lambda d: d["impact_assessment"].update(last_assessed=date(2024, 1, 1)), base=high)
    assert reassessed.material_kinds == [IMPACT_ASSESSMENT]


# --------------------------------------------------------------------------- several at once


def test_several_changes_are_all_reported_in_spec_order() -> None:
    def edit(d: Data) -> None:
        d["impact_assessment"]["risk"] = "high"
        d["purposes"]["booking"]["label"]["en"] = "Booking"
        d["recipients"]["public_interest"]["region"] = "abroad"
        d["operator"]["name"]["en"] = "Wuhu Lancheng Ltd."
        d["contact"]["channels"].pop(1)
        d["purposes"]["booking"]["fields"].append("mobile")
        d["rights"].pop("copy")

    result = diff_after(edit)
    assert [c.path for c in result.changes] == [
        ("operator", "name"),
        ("contact", "channels", 1),
        ("purposes", "booking", "label"),
        ("purposes", "booking", "fields", 2),
        ("recipients", "public_interest", "region"),
        ("rights", "copy"),
        ("impact_assessment", "risk"),
    ]
    assert result.material_kinds == list(MaterialChange)
    assert result.status is DiffStatus.MATERIAL
    assert result.exit_code == EXIT_MATERIAL


def test_yaml_text_edit_round_trip() -> None:
    from io import StringIO

    from ruamel.yaml import YAML

    yaml = YAML(typ="rt")
    tree = yaml.load(SPEC_FILE.read_text(encoding="utf-8"))
    tree["requests"]["deadline"] = "30 days"
    tree["purposes"]["booking"]["description"]["zh-CN"] = "实名预约。"
    out = StringIO()
    yaml.dump(tree, out)
    new = load_policy_text(out.getvalue(), "edited").spec
    assert new is not None
    result = diff_policies(BASE, new)
    assert [(c.path, c.kind) for c in result.changes] == [
        (("purposes", "booking", "description"), None),
        (("requests", "deadline"), RIGHTS),
    ]


# --------------------------------------------------------------------------- completeness


def _resolve(spec: PolicySpec, path: tuple[str | int, ...]) -> object:
    node: object = spec
    for step in path:
        if isinstance(node, BaseModel):
            node = getattr(node, str(step))
        elif isinstance(node, dict):
            node = node[step]
        elif isinstance(node, list):
            assert isinstance(step, int)
            node = node[step]
        else:
            raise AssertionError(f"cannot step into {type(node).__name__} with {step!r}")
    return node


def _leaves(node: object, path: tuple[Any, ...] = ()) -> Iterator[tuple[tuple[Any, ...], object]]:
    yield path, node
    if isinstance(node, dict):
        for key, value in node.items():
            yield from _leaves(value, (*path, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _leaves(value, (*path, index))


_NONE_CANDIDATES: list[object] = [True, "3 days", {"zh-CN": "某文字"}, 14, "US", date(2024, 1, 1), "某文字", [], {}]


def _candidates(value: object) -> Iterator[object]:
    """Values of the same shape that differ from ``value``; the first that validates is used."""
    if value is None:
        yield from _NONE_CANDIDATES
    elif isinstance(value, bool):
        yield not value
    elif isinstance(value, Enum):
        yield from (member for member in type(value) if member is not value)
    elif isinstance(value, int):
        yield value + 1
        yield value - 1
    elif isinstance(value, date):
        yield value + timedelta(days=1)
    elif isinstance(value, str):
        try:
            period = Duration.parse(value)
        except ValueError:
            pass
        else:
            yield str(Duration(period.value + 1, period.unit))
        yield value + "x"
        yield "US" if value != "US" else "JP"
        yield from ("first_use", "install", "settings", "receipt", "identity_verified", "yes", "no", "unstated")
        yield None
    elif isinstance(value, list):
        if value:
            yield value[:-1]
            if len(value) > 1 and value != value[::-1]:
                yield value[::-1]
            yield [*value, copy.deepcopy(value[0])]
        else:
            yield ["x"]
            yield [{"zh-CN": "某文字"}]
            yield ["transparency"]
            yield ["email"]
        yield None
    elif isinstance(value, dict):
        if value:
            first = next(iter(value))
            yield {k: v for k, v in value.items() if k != first}
        yield None


def _set(data: Data, path: tuple[Any, ...], value: object) -> None:
    node: Any = data
    for step in path[:-1]:
        node = node[step]
    node[path[-1]] = value


def _mutations() -> list[tuple[tuple[Any, ...], object]]:
    """One valid single-point mutation per node of the dumped seed: each leaf, list and mapping."""
    base = FULL.model_dump(by_alias=True)
    found = []
    for path, value in _leaves(base):
        if not path:
            continue
        for candidate in _candidates(value):
            data = FULL.model_dump(by_alias=True)
            _set(data, path, copy.deepcopy(candidate))
            try:
                spec = PolicySpec.model_validate(data)
            except ValidationError:
                continue
            if spec != FULL:
                found.append((path, candidate))
                break
    return found


MUTATIONS = _mutations()


def _apply(mutations: list[tuple[tuple[Any, ...], object]]) -> PolicySpec | None:
    data = FULL.model_dump(by_alias=True)
    try:
        for path, value in mutations:
            _set(data, path, copy.deepcopy(value))
        return PolicySpec.model_validate(data)
    except (ValidationError, KeyError, IndexError, TypeError):
        return None


def _check_paths(old: PolicySpec, new: PolicySpec, result: PolicyDiff) -> None:
    for change in result.changes:
        _resolve(old if change.change == "removed" else new, change.path)
        assert change.summary.zh
        assert change.summary.en
        assert "\n" not in change.summary.zh
        assert "\n" not in change.summary.en


def test_the_mutation_set_covers_the_model() -> None:
    assert len(MUTATIONS) > 400
    touched = {path[0] for path, _ in MUTATIONS}
    assert touched >= set(PolicySpec.model_fields) - {"spec_version"}


def test_every_single_mutation_yields_a_change() -> None:
    silent = []
    for path, value in MUTATIONS:
        new = _apply([(path, value)])
        assert new is not None
        result = diff_policies(FULL, new)
        if not result.changes:
            silent.append(path)
            continue
        _check_paths(FULL, new, result)
        back = diff_policies(new, FULL)
        assert back.changes, path
        _check_paths(new, FULL, back)
    assert silent == []


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(MUTATIONS), min_size=1, max_size=5))
def test_diff_is_empty_exactly_when_specs_are_equal(mutations: list[tuple[tuple[Any, ...], object]]) -> None:
    new = _apply(mutations)
    assume(new is not None)
    assert new is not None
    result = diff_policies(FULL, new)
    assert bool(result.changes) == (new != FULL)
    assert diff_policies(new, new).changes == []
    _check_paths(FULL, new, result)
    assert result.material_kinds == [k for k in MaterialChange if any(c.kind is k for c in result.changes)]


# --------------------------------------------------------------------------- the rule table itself


def _pattern_exists(pattern: tuple[str, ...]) -> bool:
    tp: Any = PolicySpec
    for step in pattern:
        if step == "**":
            return True
        origin = typing.get_origin(tp)
        args = typing.get_args(tp)
        if origin is typing.Union or (args and type(None) in args):
            models = [a for a in args if isinstance(a, type) and issubclass(a, BaseModel)]
            containers = [a for a in args if typing.get_origin(a) in (list, dict)]
            tp = (models or containers or [tp])[0]
            origin, args = typing.get_origin(tp), typing.get_args(tp)
        if step == "*" and origin is dict:
            tp = args[1]
        elif step == "[]" and origin is list:
            tp = args[0]
        elif isinstance(tp, type) and issubclass(tp, BaseModel) and step in tp.model_fields:
            tp = tp.model_fields[step].annotation
        else:
            return False
    return True


def test_every_rule_pattern_names_a_real_path() -> None:
    wrong = [pattern for pattern in diff_module._RULES if not _pattern_exists(pattern)]
    assert wrong == []


def test_every_model_field_has_a_label() -> None:
    from yinsi.core.policy import model

    missing = []
    for value in vars(model).values():
        if isinstance(value, type) and issubclass(value, BaseModel) and value.__module__ == model.__name__:
            for name in value.model_fields:
                known = (f"{value.__name__}.{name}", name)
                if not any(k in diff_module._LABELS or k in diff_module._NOUNS for k in known):
                    missing.append(f"{value.__name__}.{name}")
    assert missing == []
