"""Seed 004 (a mini-program operator): the spec carries every promise PROMISES.md tags "M", gaps included."""

from __future__ import annotations

import warnings
from collections import Counter
from datetime import date
from functools import cache
from pathlib import Path

from pydantic.warnings import PydanticDeprecatedSince211

from yinsi.core.policy.load import LoadResult, load_policy_file
from yinsi.core.policy.model import PolicySpec
from yinsi.core.policy.problems import Severity
from yinsi.core.policy.types import Duration
from yinsi.core.policy.vocabulary import (
    Channel,
    ContactKind,
    CrossBorderRule,
    ExternalRemedy,
    FunctionKind,
    LegalBasis,
    MaterialChange,
    MinorsRule,
    Operation,
    PermissionKind,
    Principle,
    RecipientKind,
    Right,
    RoleKind,
    ScopeChannel,
    Sensitivity,
    Visibility,
)

SPEC_FILE = Path(__file__).resolve().parents[3] / "examples" / "policies" / "004_e38994de5eb8bac3.yaml"


@cache
def _result() -> LoadResult:
    # check._texts_without_english calls hasattr(instance, "model_fields"), which pydantic 2.11 deprecates;
    # ignore only that warning here until the checker is fixed.
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", category=PydanticDeprecatedSince211)
        return load_policy_file(SPEC_FILE)


def _spec() -> PolicySpec:
    spec = _result().spec
    assert spec is not None
    return spec


def test_loads_without_errors() -> None:
    result = _result()
    assert result.spec is not None
    assert [p.format("en") for p in result.problems if p.severity is Severity.ERROR] == []


def test_warnings_are_exactly_the_gaps_of_the_source() -> None:
    codes = Counter(p.code for p in _result().problems if p.severity is Severity.WARNING)
    assert set(codes) == {
        "no_operator_name",
        "no_dpo",
        "no_complaint_channel",
        "contact_without_value",
        "sensitive_without_necessity",
        "no_algorithm_disclosure",
        "entrustment_without_agreement",
        "provision_without_separate_consent",
        "right_not_offered",
        "no_incident_channels",
        "no_cross_border_rule",  # the policy says nothing about transfers abroad
        # other service partners, SDKs, third parties with consent, authorities: which PI is never said
        "recipient_fields_not_stated",
    }
    assert codes["recipient_fields_not_stated"] == 4
    # portability, restriction, next of kin, and complaints (only external routes are given).
    assert codes["right_not_offered"] == 4


def test_every_text_is_bilingual() -> None:
    assert not any(p.code == "no_english" for p in _result().problems)


def test_operator_left_blank() -> None:
    assert _spec().operator.name is None


def test_effective_and_updated_dates() -> None:
    policy = _spec().policy
    assert policy.effective_date == date(2023, 11, 1)
    assert policy.updated_date == date(2023, 11, 1)
    assert policy.previous_version_date is None


def test_scope_channels() -> None:
    scope = _spec().scope
    assert set(scope.channels) == {
        ScopeChannel.APP,
        ScopeChannel.H5,
        ScopeChannel.WECHAT_MINI_PROGRAM,
        ScopeChannel.ALIPAY_MINI_PROGRAM,
        ScopeChannel.WEB,
    }
    assert ScopeChannel.HARDWARE not in scope.channels
    assert scope.third_party_services_excluded


def test_principle_lawful_legitimate_necessary() -> None:
    assert _spec().principles == [Principle.LAWFULNESS]


def test_basic_and_additional_functions() -> None:
    purposes = _spec().purposes
    basic = {pid for pid, p in purposes.items() if p.function is FunctionKind.BASIC}
    additional = {pid for pid, p in purposes.items() if p.function is FunctionKind.ADDITIONAL}
    assert basic == {"account", "transactions", "security"}
    # general_push: the non-personalised alternative of recommendations (issue 11).
    assert additional == {"location_features", "album", "recommendations", "general_push", "staff_contact", "marketing"}
    for pid in additional:
        assert purposes[pid].legal_basis is LegalBasis.CONSENT


def test_others_pi_needs_their_authorisation() -> None:
    transactions = _spec().purposes["transactions"]
    assert transactions.others_pi
    assert set(transactions.fields) == {"name", "mobile", "shipping_address"}


def test_personalisation_with_opt_out() -> None:
    spec = _spec()
    purpose = spec.purposes["recommendations"]
    assert purpose.personalisation
    assert set(purpose.fields) == {"device_id", "behaviour_data"}
    assert spec.personalisation is not None
    assert spec.personalisation.opt_out is not None
    assert "关闭个性化推送" in spec.personalisation.opt_out.zh_CN
    assert spec.personalisation.algorithm_disclosure is None


def test_permissions_asked_at_first_use() -> None:
    spec = _spec()
    permissions = spec.permissions
    assert {p.kind for p in permissions.values()} == {
        PermissionKind.PHONE_NUMBER,
        PermissionKind.LOCATION,
        PermissionKind.PHOTOS,
    }
    assert all(p.prompt == "first_use" for p in permissions.values())
    used = {perm for purpose in spec.purposes.values() for perm in purpose.permissions}
    assert used == set(permissions)


def test_location_is_sensitive() -> None:
    assert _spec().fields["location"].sensitivity is Sensitivity.SENSITIVE


def test_withdrawal_does_not_undo_earlier_processing() -> None:
    withdraw = _spec().rights[Right.WITHDRAW]
    assert withdraw.how is not None
    assert "不会影响此前" in withdraw.how.zh_CN


def test_staff_friend_requests_are_limited() -> None:
    spec = _spec()
    staff_contact = spec.purposes["staff_contact"]
    assert staff_contact.function is FunctionKind.ADDITIONAL
    assert staff_contact.fields == ["mobile"]
    customer_service = spec.roles["customer_service"]
    assert customer_service.kind is RoleKind.STAFF
    assert "staff_contact" in customer_service.purposes
    assert customer_service.fields["mobile"] is Visibility.MASKED
    assert all(v is Visibility.MASKED for v in customer_service.fields.values())


def test_providers() -> None:
    recipients = _spec().recipients
    for rid in ("saas_providers", "operations_suppliers", "other_service_partners"):
        assert recipients[rid].kind is RecipientKind.PROCESSOR
        assert recipients[rid].agreement
        assert not recipients[rid].delete_on_end
    assert recipients["sdks"].kind is RecipientKind.SDK
    assert not recipients["sdks"].agreement
    security = recipients["security_partners"]
    assert security.kind is RecipientKind.PARTNER
    assert not security.separate_consent
    assert set(security.fields) == {"device_info", "log_info", "usage_habits", "installed_software"}
    marketing = recipients["marketing_partners"]
    assert marketing.kind is RecipientKind.PARTNER
    assert marketing.deidentified
    assert set(marketing.fields) == {"account_id", "behaviour_data"}


def test_separate_consent_for_provision() -> None:
    recipient = _spec().recipients["third_parties_with_consent"]
    assert recipient.kind is RecipientKind.PARTNER
    assert recipient.separate_consent


def test_transfer_and_disclosure() -> None:
    sharing = _spec().sharing
    assert sharing.transfer_on_merger
    assert sharing.merger_reconsent
    assert not sharing.merger_notice_recipient
    assert not sharing.public_disclosure_with_consent
    assert sharing.public_disclosure_on_compulsion


def test_storage_in_mainland_china() -> None:
    storage = _spec().storage
    assert storage.region == "CN"
    # The policy says nothing about transfers abroad: not stated, never "prohibited".
    assert storage.cross_border.rule is CrossBorderRule.UNSTATED
    assert storage.security_measures == []


def test_shutdown_by_push_and_announcement_without_period() -> None:
    shutdown = _spec().shutdown
    assert shutdown.notice is None
    assert set(shutdown.channels) == {Channel.PUSH, Channel.ANNOUNCEMENT}
    assert shutdown.stop_collection


def test_no_incident_notice_channels() -> None:
    incidents = _spec().incidents
    assert incidents.channels == []
    assert incidents.notice_contents == []


def test_rights_in_the_management_screen() -> None:
    rights = _spec().rights
    offered = {right for right, spec in rights.items() if spec.offered == "yes"}
    assert offered == {
        Right.ACCESS,
        Right.COPY,
        Right.CORRECT,
        Right.DELETE,
        Right.WITHDRAW,
        Right.EXPLAIN,
        Right.CANCEL_ACCOUNT,
    }
    assert rights[Right.COMPLAIN].offered == "unstated"
    assert rights[Right.ACCESS].self_service
    note = rights[Right.CANCEL_ACCOUNT].note
    assert note is not None
    assert "退出会员" in note.zh_CN


def test_requests_answered_within_fifteen_days() -> None:
    spec = _spec()
    assert spec.requests.deadline == Duration.parse("15 days")
    assert spec.contact.response == Duration.parse("15 days")
    assert spec.requests.complaints_deadline is None


def test_phone_contact_without_number() -> None:
    channels = _spec().contact.channels
    assert [c.kind for c in channels] == [ContactKind.PHONE]
    assert channels[0].value is None
    assert _spec().contact.dpo is None


def test_external_complaint_routes_and_baoshan_court() -> None:
    requests = _spec().requests
    assert set(requests.external_remedies) == {
        ExternalRemedy.CAC,
        ExternalRemedy.TELECOM,
        ExternalRemedy.POLICE,
        ExternalRemedy.MARKET_REGULATION,
        ExternalRemedy.COURT,
    }
    assert requests.court is not None
    assert requests.court.zh_CN == "上海市宝山区人民法院"


def test_minors_need_guardian_consent() -> None:
    minors = _spec().minors
    assert minors is not None
    assert minors.rule is MinorsRule.GUARDIAN_CONSENT
    assert minors.guardian_consent_under == 18
    assert minors.guardian_may == []


def test_changes_announced_on_website_and_popup() -> None:
    changes = _spec().changes
    assert set(changes.channels) == {Channel.WEBSITE, Channel.POPUP}
    assert set(changes.material_kinds) == {
        MaterialChange.OWNERSHIP,
        MaterialChange.SERVICE_MODEL,
        MaterialChange.RIGHTS,
        MaterialChange.CONTACT,
    }
    assert not changes.no_rights_reduction_without_consent


def test_new_features_need_opt_in() -> None:
    assert _spec().consent.new_purpose_opt_in


def test_privacy_officer_role() -> None:
    officer = _spec().roles["privacy_officer"]
    assert officer.kind is RoleKind.STAFF
    assert {Operation.VIEW_REQUESTS, Operation.HANDLE_REQUESTS, Operation.ERASE} <= set(officer.operations)


def test_silences_are_stated() -> None:
    unstated = " ".join(t.zh_CN for t in _spec().unstated)
    assert "小程序收集的个人信息种类及收集目的" in unstated
    assert "名称" in unstated
