"""Seed 003 (婦產科網, Traditional Chinese source): the spec loads and expresses every promise tagged O.

The real policy says PI may go abroad, profiles people for push without an opt-out, asks for the contacts
without a function needing them, and omits most rights; the checker must report exactly those gaps.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from functools import cache
from pathlib import Path

import opencc
from pydantic import BaseModel

from yinsi.core.policy.load import LoadResult, load_policy_file
from yinsi.core.policy.model import PolicySpec
from yinsi.core.policy.types import LocalText
from yinsi.core.policy.vocabulary import (
    Channel,
    CrossBorderRule,
    FieldSource,
    FieldType,
    FunctionKind,
    IncidentNoticeContent,
    LegalBasis,
    NoConsentCase,
    OnExpiry,
    PermissionKind,
    RecipientKind,
    RetentionEnd,
    Right,
    SecurityMeasure,
    Sensitivity,
)

SPEC_PATH = Path(__file__).resolve().parents[3] / "examples" / "policies" / "003_8bb812b8de66b6ab.yaml"

# The rights the law gives (the checker warns about each one not offered); leaving a membership is not among them.
STATUTORY_RIGHTS = {
    Right.ACCESS,
    Right.COPY,
    Right.PORTABILITY,
    Right.CORRECT,
    Right.DELETE,
    Right.WITHDRAW,
    Right.EXPLAIN,
    Right.RESTRICT,
    Right.CANCEL_ACCOUNT,
    Right.NEXT_OF_KIN,
    Right.COMPLAIN,
}
OFFERED = {Right.WITHDRAW, Right.CANCEL_ACCOUNT}

EXPECTED_WARNINGS = Counter(
    {
        "cross_border_without_consent": 1,  # "可能傳送至……境外"
        "personalisation_without_opt_out": 1,
        "no_algorithm_disclosure": 1,
        "permission_unused": 1,  # the contacts permission serves no stated function
        "sensitive_without_necessity": 3,  # payment account, bank card, location: impact never stated
        "sensitive_without_separate_consent": 2,  # location for location services and for profiling
        # affiliates, service partners, counterparts, respondents, violations (PIPL Art. 23)
        "provision_without_separate_consent": 5,
        "access_logs_period_unstated": 1,  # IP addresses and visit times recorded, no period stated
        "no_storage_region": 1,  # "保存在婦產科網及其關聯公司的服務器上": where the servers are is not said
        "open_list": 1,  # "包括但不限于您的IP地址……"
        "consent_bundled": 1,  # "同意……注冊服務協議之時，即視為您已經同意本隱私權政策全部內容"
        "right_not_offered": len(STATUTORY_RIGHTS - OFFERED),
        "retention_not_concrete": 1,  # visitors' browsing data: only "as long as the purposes need"
        "no_request_deadline": 1,
        "no_dpo": 1,
        "no_complaint_channel": 1,
        "no_minors_rule": 1,
        "no_effective_date": 1,
        # affiliates, service partners, third parties of violations, authorities: which PI is never said
        "recipient_fields_not_stated": 4,
    }
)


@cache
def _result() -> LoadResult:
    return load_policy_file(SPEC_PATH)


def _spec() -> PolicySpec:
    spec = _result().spec
    assert spec is not None
    return spec


def _texts(node: object) -> Iterator[LocalText]:
    if isinstance(node, LocalText):
        yield node
    elif isinstance(node, dict):
        for value in node.values():
            yield from _texts(value)
    elif isinstance(node, list):
        for value in node:
            yield from _texts(value)
    elif isinstance(node, BaseModel):
        for name in type(node).model_fields:
            yield from _texts(getattr(node, name))


def test_loads_without_errors() -> None:
    result = _result()
    assert result.errors == [], [p.format("en") for p in result.errors]
    assert result.spec is not None


def test_exact_warnings() -> None:
    codes = Counter(p.code for p in _result().warnings)
    assert codes == EXPECTED_WARNINGS


def test_texts_are_simplified_chinese_with_english() -> None:
    t2s = opencc.OpenCC("t2s")
    texts = list(_texts(_spec()))
    assert len(texts) > 50
    for text in texts:
        assert text.en, text.zh_CN
        assert t2s.convert(text.zh_CN) == text.zh_CN, text.zh_CN


def test_operator() -> None:
    spec = _spec()
    assert spec.operator.name is not None
    assert spec.operator.name.zh_CN == "北京亚普拓医疗科技股份有限公司"
    assert spec.policy.effective_date is None
    assert spec.contact.dpo is None


def test_cross_border_may_transfer() -> None:
    cross_border = _spec().storage.cross_border
    assert cross_border.rule is CrossBorderRule.MAY_TRANSFER
    assert cross_border.destinations == []
    assert cross_border.note is not None
    assert "境外" in cross_border.note.zh_CN


def test_course_purchase_with_payment_accounts() -> None:
    spec = _spec()
    purchase = spec.purposes["course_purchase"]
    assert set(purchase.fields) == {"payment_account", "bank_card"}
    assert purchase.function is FunctionKind.BASIC
    assert spec.fields["bank_card"].type is FieldType.BANK_CARD
    assert spec.fields["payment_account"].sensitivity is Sensitivity.SENSITIVE
    label = spec.fields["payment_account"].label.zh_CN
    assert "支付宝" in label
    assert "微信支付" in label


def test_additional_functions_behind_permissions_at_first_use() -> None:
    spec = _spec()
    assert {p.kind for p in spec.permissions.values()} == {
        PermissionKind.LOCATION,
        PermissionKind.CAMERA,
        PermissionKind.PHOTOS,
        PermissionKind.MICROPHONE,
        PermissionKind.CONTACTS,
    }
    assert all(p.prompt == "first_use" for p in spec.permissions.values())
    used = {perm for purpose in spec.purposes.values() for perm in purpose.permissions}
    assert used == {"location", "camera", "photos", "microphone"}
    for purpose in spec.purposes.values():
        if purpose.permissions:
            assert purpose.function is FunctionKind.ADDITIONAL
            assert purpose.legal_basis is LegalBasis.CONSENT
    withdraw = spec.rights[Right.WITHDRAW]
    assert withdraw.offered == "yes"
    assert withdraw.how is not None
    assert "不会影响此前" in withdraw.how.zh_CN


def test_personalised_push_without_opt_out() -> None:
    spec = _spec()
    push = spec.purposes["personalised_push"]
    assert push.personalisation
    assert push.function is FunctionKind.ADDITIONAL
    assert {"device_info", "browser_type", "log_info", "browsing_history"} <= set(push.fields)
    assert spec.fields["user_profile"].derived
    assert spec.personalisation is not None
    assert spec.personalisation.opt_out is None
    assert spec.personalisation.non_personalised_alternative is None


def test_cookies_and_automatic_browsing_data() -> None:
    spec = _spec()
    assert "site_cookies" in spec.cookies
    assert spec.purposes["browsing"].cookies == ["site_cookies"]
    assert {"ip_address", "visit_time", "pages_requested"} <= set(spec.purposes["browsing"].fields)
    # Visitors have no account: the only end the policy gives is "as long as the purposes need".
    assert spec.purposes["browsing"].retention.until is RetentionEnd.PURPOSE_FULFILLED
    assert spec.purposes["course_purchase"].retention.until is RetentionEnd.ACCOUNT_CANCELLATION


def test_data_from_business_partners() -> None:
    spec = _spec()
    assert spec.fields["partner_data"].sources == [FieldSource.PARTNER]
    assert "partner_data" in spec.purposes["partner_data"].fields


def test_counterparts_and_ip_complaint_respondents() -> None:
    recipients = _spec().recipients
    contact = {"contact_name", "contact_mobile", "contact_email"}
    for rid in ("transaction_counterparts", "ip_complaint_respondents"):
        recipient = recipients[rid]
        assert recipient.kind is RecipientKind.PARTNER
        assert set(recipient.fields) == contact
        assert recipient.purposes == ["dispute_handling"]
        assert not recipient.separate_consent
    assert recipients["authorities"].kind is RecipientKind.AUTHORITY
    assert recipients["affiliates"].kind is RecipientKind.AFFILIATE


def test_disclosure_rules() -> None:
    sharing = _spec().sharing
    assert sharing.transfer_with_explicit_consent
    assert sharing.public_disclosure_with_consent
    assert sharing.public_disclosure_on_compulsion
    assert sharing.transfer_on_merger is None  # mergers are not addressed
    assert NoConsentCase.LEGAL_OBLIGATION in sharing.exceptions
    assert NoConsentCase.NATIONAL_SECURITY not in sharing.exceptions


def test_security_measures_and_incidents() -> None:
    spec = _spec()
    measures = set(spec.storage.security_measures)
    assert {
        SecurityMeasure.PASSWORD_HASHING,
        SecurityMeasure.ENCRYPTION_AT_REST,
        SecurityMeasure.ACCESS_CONTROL,
        SecurityMeasure.CONFIDENTIALITY_AGREEMENTS,
        SecurityMeasure.TRAINING,
        SecurityMeasure.INCIDENT_RESPONSE_PLAN,
    } <= measures
    assert SecurityMeasure.MASKING not in measures
    incidents = spec.incidents
    assert set(incidents.channels) == {Channel.EMAIL, Channel.LETTER, Channel.PHONE, Channel.PUSH}
    assert incidents.public_announcement_fallback
    assert incidents.report_to_regulators is None
    assert set(incidents.notice_contents) == set(IncidentNoticeContent)


def test_rights_and_cancellation() -> None:
    spec = _spec()
    assert set(spec.rights) == STATUTORY_RIGHTS
    for right, declared in spec.rights.items():
        assert declared.offered == ("yes" if right in OFFERED else "unstated"), right
    assert spec.cancellation is not None
    assert spec.cancellation.after is OnExpiry.DELETE
    assert spec.minors is None
    assert spec.requests.deadline is None
    assert spec.requests.identity_verification is None
    assert spec.consent.new_purpose_opt_in is None
    assert spec.changes.notice_before_effect is None
    assert spec.shutdown.stop_collection is None


def test_scope_exclusions() -> None:
    scope = _spec().scope
    assert scope.visitors
    assert scope.third_party_services_excluded is None
    assert any("关键字" in text.zh_CN for text in scope.excluded)


def test_roles_are_need_to_know() -> None:
    roles = _spec().roles
    officer = roles["privacy_officer"]
    assert {"view_requests", "handle_requests", "decide_next_of_kin", "view_audit", "publish_policy", "erase"} <= {
        op.value for op in officer.operations
    }
    assert roles["site_service"].fields["bank_card"].value == "masked"
    assert "provide" in {op.value for op in roles["dispute_desk"].operations}
