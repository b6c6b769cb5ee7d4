"""Seed 002 (hardware/software maker, zh + en): the spec loads and expresses every promise tagged H.

The real policy has gaps (no company name, an empty rights chapter, no contact, date, minors rule or incident
notice); the spec encodes them faithfully, so the checker must report exactly those warnings and no error.
"""

from __future__ import annotations

from collections import Counter
from functools import cache
from pathlib import Path

from yinsi.core.policy.load import LoadResult, load_policy_file
from yinsi.core.policy.model import PolicySpec
from yinsi.core.policy.vocabulary import (
    Channel,
    CookieCategory,
    CrossBorderRule,
    FieldSource,
    FieldType,
    FunctionKind,
    LegalBasis,
    MaterialChange,
    NoConsentCase,
    OnExpiry,
    RecipientKind,
    RetentionEnd,
    Right,
    ScopeChannel,
    SecurityMeasure,
    Sensitivity,
    Technology,
)

SPEC_PATH = Path(__file__).resolve().parents[3] / "examples" / "policies" / "002_83f8c652f43b02ec.yaml"

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

EXPECTED_WARNINGS = Counter(
    {
        "no_operator_name": 1,  # the company name is blank in both languages
        "no_effective_date": 1,  # the policy carries no date at all
        "no_dpo": 1,  # no contact of any kind
        "no_complaint_channel": 1,
        "no_request_deadline": 1,
        "right_not_offered": len(STATUTORY_RIGHTS),  # 第五章 您的权利 is empty
        "no_minors_rule": 1,
        "no_incident_channels": 1,
        "sensitive_without_necessity": 2,  # password, order information: impact never stated
        # affiliates, operations suppliers, third-party merchants: a contract with the person does not make
        # provision to another processor lawful without a separate consent (PIPL Art. 23)
        "provision_without_separate_consent": 3,
        "access_logs_period_unstated": 1,  # network logs recorded (第一章 一（二）2), no period stated
        "exception_beyond_law": 1,  # sharing "to protect [the company] and its affiliates"
        # affiliates, the analysis processor and the authorities: the policy never says which PI they get
        "recipient_fields_not_stated": 3,
    }
)


@cache
def _result() -> LoadResult:
    return load_policy_file(SPEC_PATH)


def _spec() -> PolicySpec:
    spec = _result().spec
    assert spec is not None
    return spec


def test_loads_without_errors() -> None:
    result = _result()
    assert result.errors == [], [p.format("en") for p in result.errors]
    assert result.spec is not None


def test_exact_warnings() -> None:
    codes = Counter(p.code for p in _result().warnings)
    assert codes == EXPECTED_WARNINGS


def test_every_right_is_unstated_because_the_chapter_is_empty() -> None:
    spec = _spec()
    assert set(spec.rights) == STATUTORY_RIGHTS
    for right, declared in spec.rights.items():
        assert declared.offered == "unstated", right
        assert declared.note is not None
        assert "第五章" in declared.note.zh_CN
        assert declared.note.en is not None
        assert "Chapter 5" in declared.note.en
    right_warnings = [p for p in _result().warnings if p.code == "right_not_offered"]
    assert all("silent" in p.message.en for p in right_warnings)


def test_operator_is_unnamed_and_unreachable() -> None:
    spec = _spec()
    assert spec.operator.name is None
    assert spec.contact.channels == []
    assert spec.contact.dpo is None
    assert spec.policy.effective_date is None
    assert spec.minors is None


def test_bilingual_everywhere() -> None:
    assert "no_english" not in {p.code for p in _result().problems}
    spec = _spec()
    assert spec.policy.title.en == "User Agreement & Privacy Policy"


def test_scope_and_supplementary_notices() -> None:
    scope = _spec().scope
    assert ScopeChannel.HARDWARE in scope.channels
    assert ScopeChannel.APP in scope.channels
    assert ScopeChannel.WECHAT_MINI_PROGRAM in scope.channels
    assert scope.third_party_services_excluded
    assert len(scope.supplementary_notices) == 1
    notice = scope.supplementary_notices[0]
    assert notice.prevails
    assert notice.text is not None
    assert "为准" in notice.text.zh_CN


def test_registration_with_phone_password_and_code() -> None:
    spec = _spec()
    reg = spec.purposes["registration"]
    assert {"mobile", "password", "verification_code"} <= set(reg.fields)
    assert reg.function is FunctionKind.BASIC
    assert reg.legal_basis is LegalBasis.LEGAL_OBLIGATION
    assert reg.retention.until is RetentionEnd.ACCOUNT_CANCELLATION
    assert reg.retention.on_expiry is OnExpiry.DELETE
    assert spec.fields["mobile"].type is FieldType.MOBILE
    assert spec.fields["password"].type is FieldType.CREDENTIAL
    assert spec.fields["password"].sensitivity is Sensitivity.SENSITIVE
    assert spec.fields["password"].impact is None


def test_device_and_operation_data() -> None:
    spec = _spec()
    device = set(spec.purposes["security_operations"].fields)
    assert {
        "device_model",
        "os_version",
        "browser_type",
        "imei",
        "mac_address",
        "ip_address",
        "app_version",
        "network_type",
    } <= device
    assert {"crash_data", "performance_data"} <= set(spec.purposes["service_monitoring"].fields)
    assert spec.fields["imei"].type is FieldType.DEVICE_ID
    assert spec.fields["mac_address"].sources == [FieldSource.DEVICE]
    assert spec.access_logs is not None
    assert spec.access_logs.kept


def test_basic_and_additional_functions() -> None:
    purposes = _spec().purposes
    kinds = {p.function for p in purposes.values()}
    assert kinds == {FunctionKind.BASIC, FunctionKind.ADDITIONAL}
    for purpose in purposes.values():
        if purpose.function is FunctionKind.ADDITIONAL:
            assert purpose.legal_basis is LegalBasis.CONSENT


def test_uses_fraud_statistics_and_others_pi() -> None:
    spec = _spec()
    assert spec.purposes["fraud_prevention"].function is FunctionKind.BASIC
    stats = spec.purposes["usage_statistics"]
    assert stats.deidentified_only
    assert spec.sharing.anonymised_statistics
    assert spec.purposes["orders_delivery"].others_pi
    assert not any(p.personalisation for p in spec.purposes.values())
    assert spec.personalisation is None


def test_cookies_and_similar_technologies() -> None:
    cookies = _spec().cookies
    assert cookies["login_state"].category is CookieCategory.ESSENTIAL
    assert {Technology.WEB_BEACON, Technology.PIXEL_TAG} <= set(cookies["preferences"].technologies)
    assert cookies["advertising"].category is CookieCategory.ADVERTISING
    assert _spec().permissions == {}


def test_recipients() -> None:
    recipients = _spec().recipients
    assert recipients["affiliates"].kind is RecipientKind.AFFILIATE
    for rid in ("messaging_processor", "analysis_processor"):
        processor = recipients[rid]
        assert processor.kind is RecipientKind.PROCESSOR
        assert processor.agreement
        assert processor.delete_on_end
    suppliers = recipients["operations_suppliers"]
    assert suppliers.kind is RecipientKind.PARTNER
    assert set(suppliers.fields) == {"order_info", "product_info"}
    assert not suppliers.separate_consent
    merchants = recipients["third_party_merchants"]
    assert merchants.kind is RecipientKind.PARTNER
    assert merchants.purposes == ["merchant_services"]
    assert recipients["authorities"].kind is RecipientKind.AUTHORITY
    assert all(r.region in (None, "CN") for r in recipients.values())  # None: stored where the operator stores PI


def test_sharing_transfer_and_disclosure() -> None:
    sharing = _spec().sharing
    assert sharing.transfer_with_explicit_consent
    assert sharing.transfer_on_merger
    assert sharing.merger_reconsent
    assert not sharing.merger_notice_recipient
    assert sharing.public_disclosure_with_consent
    assert sharing.public_disclosure_on_compulsion
    assert sharing.deidentified_without_notice
    assert {
        NoConsentCase.NATIONAL_SECURITY,
        NoConsentCase.PUBLIC_SAFETY_HEALTH,
        NoConsentCase.CRIMINAL_JUSTICE,
        NoConsentCase.VITAL_INTERESTS,
        NoConsentCase.SELF_DISCLOSED,
        NoConsentCase.LAWFULLY_PUBLIC,
        NoConsentCase.SERVICE_SECURITY,
        NoConsentCase.OPERATOR_INTERESTS,
    } <= set(sharing.exceptions)


def test_storage_in_china_and_masking() -> None:
    storage = _spec().storage
    assert storage.region == "CN"
    assert storage.cross_border.rule is CrossBorderRule.LAW_OR_SEPARATE_CONSENT
    assert SecurityMeasure.MASKING in storage.security_measures
    assert SecurityMeasure.DEDICATED_TEAM in storage.security_measures
    assert SecurityMeasure.ENCRYPTION_AT_REST not in storage.security_measures


def test_changes_and_new_purposes() -> None:
    spec = _spec()
    changes = spec.changes
    assert changes.no_rights_reduction_without_consent
    assert changes.no_settings_change
    assert set(changes.material_kinds) == set(MaterialChange)
    assert {Channel.PUSH, Channel.POPUP} <= set(changes.channels)
    assert changes.notice_before_effect is None  # notice is promised, its timing is not
    assert spec.consent.new_purpose_opt_in


def test_shutdown_and_cancellation() -> None:
    spec = _spec()
    assert set(spec.shutdown.channels) == {Channel.IN_APP_MESSAGE, Channel.ANNOUNCEMENT, Channel.SMS, Channel.EMAIL}
    assert spec.shutdown.notice is None
    assert spec.cancellation is not None
    assert spec.cancellation.after is OnExpiry.DELETE
    assert spec.shutdown.stop_collection is None


def test_silences_are_null_not_promises() -> None:
    spec = _spec()
    assert spec.incidents.channels == []
    assert spec.incidents.report_to_regulators is None
    assert spec.incidents.public_announcement_fallback is None
    assert spec.requests.identity_verification is None
    assert spec.requests.free is None
    assert spec.requests.deadline is None


def test_roles_are_need_to_know() -> None:
    roles = _spec().roles
    officer = roles["privacy_officer"]
    assert {"view_requests", "handle_requests", "decide_next_of_kin", "view_audit", "publish_policy", "erase"} <= {
        op.value for op in officer.operations
    }
    assert roles["customer_service"].fields["mobile"].value == "masked"
    assert all(v.value == "masked" for v in officer.fields.values())


def test_unstated_is_documented() -> None:
    spec = _spec()
    assert len(spec.unstated) >= 5
    assert all(text.en for text in spec.unstated)
