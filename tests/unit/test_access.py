"""The access decision, pure: every reason to deny, and the consent rules of PIPL Art. 13-16 and 29."""

from __future__ import annotations

from pathlib import Path

import pytest

from yinsi.core.access import ConsentSnapshot, Deny, decide
from yinsi.core.policy.compiled import CompiledPolicy
from yinsi.core.policy.load import load_policy_file
from yinsi.core.policy.vocabulary import Operation, Visibility

FIXTURE = Path(__file__).resolve().parent.parent / "fixtures" / "clinic.yaml"


@pytest.fixture(scope="module")
def policy() -> CompiledPolicy:
    result = load_policy_file(FIXTURE)
    assert result.spec is not None
    return CompiledPolicy.from_spec(result.spec)


def consents(*granted: tuple[str, str], accepted: bool = True, **states: str) -> ConsentSnapshot:
    table = dict.fromkeys(granted, "granted")
    table.update({tuple(k.split("__")): v for k, v in states.items()})  # type: ignore[misc]
    return ConsentSnapshot(states=table, policy_accepted=accepted)


@pytest.mark.parametrize(
    ("role", "purpose", "fields", "operation", "reason"),
    [
        ("hacker", "registration", ["name"], Operation.READ, Deny.ROLE_NOT_DECLARED),
        ("front_desk", "profiling", ["name"], Operation.READ, Deny.PURPOSE_NOT_DECLARED),
        ("marketing", "registration", ["name"], Operation.READ, Deny.PURPOSE_NOT_PERMITTED),
        ("front_desk", "registration", ["name"], Operation.WRITE, Deny.OPERATION_NOT_PERMITTED),
        ("front_desk", "registration", ["religion"], Operation.READ, Deny.FIELD_NOT_DECLARED),
        ("front_desk", "registration", ["id_number"], Operation.READ, Deny.FIELD_NOT_IN_PURPOSE),
        ("front_desk", "registration", ["email"], Operation.READ, Deny.FIELD_NOT_VISIBLE),
        ("front_desk", "registration", ["name"], Operation.LOOKUP, Deny.FIELD_NOT_LOOKUP),
    ],
)
def test_each_structural_reason_to_deny(
    policy: CompiledPolicy, role: str, purpose: str, fields: list[str], operation: Operation, reason: Deny
) -> None:
    decision = decide(policy, role=role, purpose=purpose, fields=fields, operation=operation, consent=consents())
    assert not decision.any_allowed
    assert decision.first_reason is reason
    assert decision.denied == dict.fromkeys(fields, reason)


def test_deny_is_per_field_and_the_rest_is_masked_or_whole_as_the_role_sees_it(policy: CompiledPolicy) -> None:
    decision = decide(
        policy,
        role="front_desk",
        purpose="registration",
        fields=["mobile", "name", "email", "x"],
        operation=Operation.READ,
        consent=consents(),
    )
    assert decision.allowed_fields == ["mobile", "name"]
    assert decision.form_of("mobile") is Visibility.MASKED
    assert decision.denied == {"email": Deny.FIELD_NOT_VISIBLE, "x": Deny.FIELD_NOT_DECLARED}
    app = decide(policy, role="clinic_app", purpose="registration", fields=["name"], operation=Operation.READ)
    assert app.form_of("name") is Visibility.WHOLE


def test_an_erased_subject_is_denied_to_everyone(policy: CompiledPolicy) -> None:
    decision = decide(
        policy,
        role="clinic_app",
        purpose="registration",
        fields=["name"],
        operation=Operation.READ,
        subject_erased=True,
    )
    assert decision.first_reason is Deny.SUBJECT_ERASED


def test_other_legal_bases_need_no_consent_even_after_withdrawal(policy: CompiledPolicy) -> None:
    nothing = ConsentSnapshot()
    for purpose in ("registration", "real_name_visit", "payment", "network_logs"):
        role = {"payment": "billing"}.get(purpose, "clinic_app")
        field = next(iter(policy.purpose_fields[purpose] & set(policy.role_fields[role])))
        decision = decide(policy, role=role, purpose=purpose, fields=[field], operation=Operation.READ, consent=nothing)
        assert decision.all_allowed, purpose
    withdrawn = ConsentSnapshot(states={("policy", "current"): "withdrawn"})
    assert decide(
        policy, role="clinic_app", purpose="registration", fields=["name"], operation=Operation.READ, consent=withdrawn
    ).all_allowed


def test_an_additional_function_needs_its_own_opt_in(policy: CompiledPolicy) -> None:
    ask = {"role": "marketing", "purpose": "newsletter", "fields": ["email"], "operation": Operation.READ}
    assert decide(policy, **ask, consent=consents()).first_reason is Deny.CONSENT_REQUIRED  # type: ignore[arg-type]
    assert decide(policy, **ask, consent=consents(("purpose", "newsletter"))).all_allowed  # type: ignore[arg-type]
    refused = ConsentSnapshot(states={("purpose", "newsletter"): "refused"}, policy_accepted=True)
    assert decide(policy, **ask, consent=refused).first_reason is Deny.CONSENT_REQUIRED  # type: ignore[arg-type]
    withdrawn = ConsentSnapshot(states={("purpose", "newsletter"): "withdrawn"}, policy_accepted=True)
    assert decide(policy, **ask, consent=withdrawn).first_reason is Deny.CONSENT_WITHDRAWN  # type: ignore[arg-type]


def test_a_basic_function_on_consent_is_covered_by_the_policy_unless_withdrawn(policy: CompiledPolicy) -> None:
    ask = {"role": "clinic_app", "purpose": "general_service", "fields": ["name"], "operation": Operation.READ}
    assert decide(policy, **ask, consent=ConsentSnapshot()).first_reason is Deny.CONSENT_REQUIRED  # type: ignore[arg-type]
    assert decide(policy, **ask, consent=consents()).all_allowed  # type: ignore[arg-type]
    withdrawn = ConsentSnapshot(states={("purpose", "general_service"): "withdrawn"}, policy_accepted=True)
    assert decide(policy, **ask, consent=withdrawn).first_reason is Deny.CONSENT_WITHDRAWN  # type: ignore[arg-type]


def test_a_separate_consent_is_never_satisfied_by_the_policy_or_a_plain_grant(policy: CompiledPolicy) -> None:
    ask = {"role": "dentist", "purpose": "treatment", "fields": ["dental_notes"], "operation": Operation.READ}
    plain = consents(("purpose", "treatment"))
    assert decide(policy, **ask, consent=plain).first_reason is Deny.SEPARATE_CONSENT_REQUIRED  # type: ignore[arg-type]
    assert decide(policy, **ask, consent=consents(("separate", "treatment"))).all_allowed  # type: ignore[arg-type]


def test_a_material_policy_change_pauses_consent_based_processing_only(policy: CompiledPolicy) -> None:
    pending = ConsentSnapshot(
        states={("purpose", "newsletter"): "granted"}, policy_accepted=True, reconsent_required=True
    )
    newsletter = decide(
        policy, role="marketing", purpose="newsletter", fields=["email"], operation=Operation.READ, consent=pending
    )
    assert newsletter.first_reason is Deny.RECONSENT_REQUIRED
    contract = decide(
        policy, role="clinic_app", purpose="registration", fields=["name"], operation=Operation.READ, consent=pending
    )
    assert contract.all_allowed


def test_a_turned_off_permission_stops_collection_only(policy: CompiledPolicy) -> None:
    off = consents(("separate", "nearby"), permission__location="withdrawn")
    write = decide(
        policy, role="clinic_app", purpose="nearby", fields=["location"], operation=Operation.WRITE, consent=off
    )
    assert write.first_reason is Deny.PERMISSION_NOT_GRANTED
    read = decide(
        policy, role="clinic_app", purpose="nearby", fields=["location"], operation=Operation.READ, consent=off
    )
    assert read.all_allowed


def test_personalisation_off_denies_profiling_but_nothing_else(policy: CompiledPolicy) -> None:
    off = consents(("purpose", "recommendations"), ("purpose", "newsletter"), personalisation__all="withdrawn")
    profiled = decide(
        policy,
        role="clinic_app",
        purpose="recommendations",
        fields=["interests"],
        operation=Operation.READ,
        consent=off,
    )
    assert profiled.first_reason is Deny.PERSONALISATION_OFF
    assert decide(
        policy, role="marketing", purpose="newsletter", fields=["email"], operation=Operation.READ, consent=off
    ).all_allowed


def test_erasing_needs_no_consent(policy: CompiledPolicy) -> None:
    decision = decide(
        policy,
        role="privacy_officer",
        purpose="registration",
        fields=["name"],
        operation=Operation.ERASE,
        consent=ConsentSnapshot(),
    )
    assert decision.all_allowed
