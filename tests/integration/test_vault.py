"""The vault end to end on a real database: writes, reads, masking, decisions, lookups, shredding."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from tests.support.consent import accept_policy, act
from yinsi.adapters.db.rows import AuditEventRow, BlindIndexRow, DataKeyRow, PiValueRow, table_of
from yinsi.bootstrap import Yinsi
from yinsi.core.errors import AccessDenied, BadRequest
from yinsi.services.consent import Action, Kind
from yinsi.services.vault import Actor, ImmutableField, InvalidInput

APP = Actor("key:app", "clinic_app")
FRONT_DESK = Actor("staff:li", "front_desk")
DENTIST = Actor("staff:wang", "dentist")
MARKETING = Actor("key:mkt", "marketing")
DPO = Actor("staff:dpo", "privacy_officer")


def events(yinsi: Yinsi, action: str) -> list[dict[str, object]]:
    table = table_of(AuditEventRow)
    with yinsi.engine.connect() as connection:
        bodies = connection.execute(select(table.c.body).where(table.c.action == action).order_by(table.c.seq))
        return [json.loads(b) for b in bodies.scalars()]


@pytest.fixture
def patient(clinic: Yinsi) -> str:
    subject = clinic.vault.create_subject(actor=APP)
    accept_policy(clinic, subject)
    clinic.vault.write(
        actor=APP,
        subject_id=subject,
        purpose="registration",
        values={"mobile": "+86 139 1234 5678", "name": "张三丰", "email": "Zhang.San@Example.com"},
        source="clinic-app",
    )
    clinic.vault.write(
        actor=APP,
        subject_id=subject,
        purpose="real_name_visit",
        values={"id_number": "11010519491231002x"},
        source="clinic-app",
    )
    return subject


def test_each_role_sees_what_the_spec_says_masked_or_whole(clinic: Yinsi, patient: str) -> None:
    app = clinic.vault.read(actor=APP, subject_id=patient, purpose="registration")
    assert app.values == {"mobile": "139****5678", "name": "张三丰", "email": "z***@example.com"}
    desk = clinic.vault.read(actor=FRONT_DESK, subject_id=patient, purpose="real_name_visit")
    assert desk.values == {"name": "张**", "id_number": "1101**********002X"}
    assert {f: v.value for f, v in desk.forms.items()} == {"name": "masked", "id_number": "masked"}


def test_a_read_is_audited_with_the_forms_returned_and_never_the_values(clinic: Yinsi, patient: str) -> None:
    clinic.vault.read(actor=FRONT_DESK, subject_id=patient, purpose="registration", fields=["mobile", "email"])
    event = events(clinic, "pi-read")[-1]
    assert event["actor"] == "staff:li"
    assert event["role"] == "front_desk"
    assert event["purpose"] == "registration"
    assert event["requested"] == ["mobile", "email"]
    assert event["returned"] == {"mobile": "masked"}
    assert event["reasons"] == {"email": "field_not_visible"}
    assert event["decision"] == "partial"
    text = json.dumps(event, ensure_ascii=False)
    assert "13912345678" not in text
    assert "139****5678" not in text


def test_a_role_without_the_purpose_is_denied_audited_and_told_why(clinic: Yinsi, patient: str) -> None:
    with pytest.raises(AccessDenied) as denied:
        clinic.vault.read(actor=MARKETING, subject_id=patient, purpose="registration")
    assert denied.value.code == "purpose_not_permitted"
    assert "purpose" in denied.value.message.en
    event = events(clinic, "pi-read-denied")[-1]
    assert event["reasons"] == {"*": "purpose_not_permitted"}
    assert event["decision"] == "denied"


def test_an_undeclared_field_cannot_be_written_or_read(clinic: Yinsi, patient: str) -> None:
    with pytest.raises(AccessDenied) as denied:
        clinic.vault.write(
            actor=APP, subject_id=patient, purpose="registration", values={"religion": "none"}, source="clinic-app"
        )
    assert denied.value.code == "field_not_declared"
    with pytest.raises(AccessDenied) as misplaced:
        clinic.vault.write(
            actor=APP,
            subject_id=patient,
            purpose="registration",
            values={"id_number": "11010519491231002X"},
            source="clinic-app",
        )
    assert misplaced.value.code == "field_not_in_purpose"
    with pytest.raises(AccessDenied) as read:
        clinic.vault.read(actor=APP, subject_id=patient, purpose="registration", fields=["religion"])
    assert read.value.code == "field_not_declared"
    assert [e["reasons"] for e in events(clinic, "pi-write-denied")] == [
        {"religion": "field_not_declared"},
        {"id_number": "field_not_in_purpose"},
    ]


def test_a_purpose_that_needs_consent_is_denied_until_given_and_after_withdrawal(clinic: Yinsi, patient: str) -> None:
    with pytest.raises(AccessDenied) as before:
        clinic.vault.write(
            actor=APP, subject_id=patient, purpose="newsletter", values={"email": "zs@example.com"}, source="clinic-app"
        )
    assert before.value.code == "consent_required"
    act(clinic, patient, Kind.PURPOSE, "newsletter")
    clinic.vault.write(
        actor=APP, subject_id=patient, purpose="newsletter", values={"email": "zs@example.com"}, source="clinic-app"
    )
    assert clinic.vault.read(actor=MARKETING, subject_id=patient, purpose="newsletter").values["email"] == (
        "zs@example.com"
    )
    act(clinic, patient, Kind.PURPOSE, "newsletter", Action.WITHDRAW)
    with pytest.raises(AccessDenied) as after:
        clinic.vault.read(actor=MARKETING, subject_id=patient, purpose="newsletter")
    assert after.value.code == "consent_withdrawn"
    # Withdrawing an additional purpose never blocks a basic one, and contract processing goes on.
    assert clinic.vault.read(actor=APP, subject_id=patient, purpose="registration").values["email"]


def test_a_separate_consent_is_not_satisfied_by_accepting_the_policy(clinic: Yinsi, patient: str) -> None:
    with pytest.raises(AccessDenied) as denied:
        clinic.vault.write(
            actor=DENTIST,
            subject_id=patient,
            purpose="treatment",
            values={"dental_notes": "右下6龋齿"},
            source="chairside",
        )
    assert denied.value.code == "separate_consent_required"
    act(clinic, patient, Kind.SEPARATE, "treatment")
    clinic.vault.write(
        actor=DENTIST, subject_id=patient, purpose="treatment", values={"dental_notes": "右下6龋齿"}, source="chairside"
    )
    assert clinic.vault.read(actor=DENTIST, subject_id=patient, purpose="treatment").values["dental_notes"] == (
        "右下6龋齿"
    )


def test_a_basic_purpose_on_consent_is_covered_by_accepting_the_policy(clinic: Yinsi) -> None:
    subject = clinic.vault.create_subject(actor=APP)
    with pytest.raises(AccessDenied) as denied:
        clinic.vault.write(
            actor=APP, subject_id=subject, purpose="general_service", values={"name": "李四"}, source="clinic-app"
        )
    assert denied.value.code == "consent_required"
    accept_policy(clinic, subject)
    clinic.vault.write(
        actor=APP, subject_id=subject, purpose="general_service", values={"name": "李四"}, source="clinic-app"
    )


def test_a_turned_off_permission_stops_collection_but_not_reading_what_was_lawfully_collected(
    clinic: Yinsi, patient: str
) -> None:
    act(clinic, patient, Kind.SEPARATE, "nearby")
    act(clinic, patient, Kind.PERMISSION, "location")
    clinic.vault.write(
        actor=APP, subject_id=patient, purpose="nearby", values={"location": "31.23,121.47"}, source="clinic-app"
    )
    act(clinic, patient, Kind.PERMISSION, "location", Action.WITHDRAW)
    with pytest.raises(AccessDenied) as denied:
        clinic.vault.write(
            actor=APP, subject_id=patient, purpose="nearby", values={"location": "31.24,121.48"}, source="clinic-app"
        )
    assert denied.value.code == "permission_not_granted"
    assert clinic.vault.read(actor=APP, subject_id=patient, purpose="nearby").values == {"location": "31.23,121.47"}


def test_personalisation_off_denies_the_profiling_purpose(clinic: Yinsi, patient: str) -> None:
    act(clinic, patient, Kind.PURPOSE, "recommendations")
    clinic.vault.write(
        actor=APP, subject_id=patient, purpose="recommendations", values={"interests": "正畸"}, source="recommender"
    )
    act(clinic, patient, Kind.PERSONALISATION, "all", Action.WITHDRAW)
    with pytest.raises(AccessDenied) as denied:
        clinic.vault.read(actor=APP, subject_id=patient, purpose="recommendations")
    assert denied.value.code == "personalisation_off"


def test_invalid_values_are_refused_naming_the_field_never_the_value(clinic: Yinsi, patient: str) -> None:
    for field, bad in (("mobile", "12345"), ("email", "not-an-email"), ("name", "R2-D2")):
        with pytest.raises(InvalidInput) as refused:
            clinic.vault.write(
                actor=APP, subject_id=patient, purpose="registration", values={field: bad}, source="clinic-app"
            )
        assert refused.value.field == field
        assert bad not in refused.value.message.en
        assert bad not in refused.value.message.zh
    with pytest.raises(InvalidInput) as id_refused:
        clinic.vault.write(
            actor=APP,
            subject_id=patient,
            purpose="real_name_visit",
            values={"id_number": "110105194912310021"},
            source="clinic-app",
        )
    assert "110105194912310021" not in str(id_refused.value)
    with pytest.raises(BadRequest):
        clinic.vault.write(
            actor=APP,
            subject_id=patient,
            purpose="registration",
            values={"name": "王五"},
            source="a source with spaces and 13912345678",
        )


def test_an_immutable_field_cannot_be_changed_after_registration(clinic: Yinsi, patient: str) -> None:
    clinic.vault.write(
        actor=APP, subject_id=patient, purpose="registration", values={"mobile": "13912345678"}, source="clinic-app"
    )  # the same number again is fine
    with pytest.raises(ImmutableField):
        clinic.vault.write(
            actor=APP, subject_id=patient, purpose="registration", values={"mobile": "13800000000"}, source="clinic-app"
        )


def test_values_carry_collection_metadata_and_a_retention_deadline(clinic: Yinsi, patient: str) -> None:
    act(clinic, patient, Kind.SEPARATE, "nearby")
    result = clinic.vault.write(
        actor=APP, subject_id=patient, purpose="nearby", values={"location": "31.2,121.4"}, source="clinic-app"
    )
    deadline = result.retain_until["location"]
    assert deadline is not None
    assert 29 <= (deadline - clinic.now()).days <= 30
    table = table_of(PiValueRow)
    with clinic.engine.connect() as connection:
        row = connection.execute(select(table).where(table.c.subject_id == patient, table.c.field == "id_number")).one()
    assert row.source == "clinic-app"
    assert row.purposes == ["real_name_visit"]
    assert row.retain_until is None  # until the account is cancelled
    assert row.policy_version == "2026-01"


def test_lookup_finds_a_subject_by_phone_however_it_is_written(clinic: Yinsi, patient: str) -> None:
    for written in ("13912345678", "+8613912345678", "139 1234 5678", "0086-139-1234-5678"):
        assert clinic.vault.lookup(actor=FRONT_DESK, field="mobile", value=written, purpose="registration") == [patient]
    assert clinic.vault.lookup(
        actor=FRONT_DESK, field="id_number", value="11010519491231002X", purpose="real_name_visit"
    ) == [patient]
    assert clinic.vault.lookup(actor=APP, field="email", value="zhang.san@example.COM", purpose="registration") == [
        patient
    ]
    with pytest.raises(AccessDenied) as denied:
        clinic.vault.lookup(actor=FRONT_DESK, field="name", value="张三丰", purpose="registration")
    assert denied.value.code == "field_not_lookup"
    event = events(clinic, "subject-looked-up")[-1]
    assert event["details"] == {"matches": 1}
    assert event["requested"] == ["email"]


def test_shredding_makes_every_value_unreadable_at_once_and_keeps_the_audit(clinic: Yinsi, patient: str) -> None:
    other = clinic.vault.create_subject(actor=APP)
    accept_policy(clinic, other)
    clinic.vault.write(
        actor=APP, subject_id=other, purpose="registration", values={"name": "李四"}, source="clinic-app"
    )
    clinic.vault.read(actor=APP, subject_id=patient, purpose="registration")  # warms the key cache
    with pytest.raises(AccessDenied):
        clinic.vault.shred(actor=APP, subject_id=patient, reason="test")  # the app may not erase
    clinic.vault.shred(actor=DPO, subject_id=patient, reason="test")
    with pytest.raises(AccessDenied) as denied:
        clinic.vault.read(actor=APP, subject_id=patient, purpose="registration")
    assert denied.value.code == "subject_erased"
    with clinic.engine.connect() as connection:
        for table in (table_of(PiValueRow), table_of(BlindIndexRow), table_of(DataKeyRow)):
            assert connection.execute(select(table).where(table.c.subject_id == patient)).first() is None
        # Even with the key still in this process's cache, nothing can be opened: the join finds no key.
        assert clinic.vault.open_fields(connection, patient, ["name", "mobile"]) == {}
    assert clinic.vault.lookup(actor=FRONT_DESK, field="mobile", value="13912345678", purpose="registration") == []
    assert clinic.vault.read(actor=APP, subject_id=other, purpose="registration").values["name"] == "李四"
    assert [e["subject"] for e in events(clinic, "subject-shredded")] == [patient]
    assert events(clinic, "pi-written")  # the history of what happened stays
    assert clinic.audit.verify(clinic.engine).ok


def test_the_system_writes_without_a_role_decision_but_never_past_the_spec(clinic: Yinsi, patient: str) -> None:
    system = Actor.system()
    # A role the spec does not know is refused by ``write``; the system's own write is not decided by role.
    with pytest.raises(AccessDenied):
        clinic.vault.write(
            actor=system, subject_id=patient, purpose="registration", values={"name": "张三"}, source="test"
        )
    done = clinic.vault.write_as_system(
        actor=system, subject_id=patient, purpose="registration", values={"name": "张三"}, source="test"
    )
    assert done.written == ["name"]
    # ... but an undeclared purpose, or an erased subject, is refused to the system too.
    with pytest.raises(AccessDenied) as undeclared:
        clinic.vault.write_as_system(
            actor=system, subject_id=patient, purpose="no_such_purpose", values={"name": "张三"}, source="test"
        )
    assert undeclared.value.decision.reason is not None
    assert undeclared.value.decision.reason.value == "purpose_not_declared"
    clinic.vault.shred_as_system(actor=system, subject_id=patient, reason="test")
    with pytest.raises(AccessDenied) as erased:
        clinic.vault.write_as_system(
            actor=system, subject_id=patient, purpose="registration", values={"name": "张三"}, source="test"
        )
    assert erased.value.decision.reason is not None
    assert erased.value.decision.reason.value == "subject_erased"  # it said "role not declared" before


def test_shredding_is_decided_for_a_role_and_not_for_the_system(clinic: Yinsi, patient: str) -> None:
    with pytest.raises(AccessDenied):
        clinic.vault.shred(actor=MARKETING, subject_id=patient, reason="test")
    assert events(clinic, "subject-shred-denied")
    clinic.vault.shred_as_system(actor=Actor.system(), subject_id=patient, reason="cancelled")
    assert [e["details"] for e in events(clinic, "subject-shredded")] == [{"reason": "cancelled"}]
