"""Minors: adults-only policies delete a minor's PI once discovered; guardian policies let only guardians consent."""

from __future__ import annotations

import json
import random
from collections.abc import Iterator
from datetime import date, timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from tests.conftest import Clock
from tests.support import pi
from tests.support.accounts import last_code, register
from tests.support.consent import SHOWN
from yinsi.adapters.db.rows import AuditEventRow, PiValueRow, table_of
from yinsi.api.app import create_app
from yinsi.bootstrap import Yinsi
from yinsi.core.errors import AccessDenied, NotFound
from yinsi.core.policy.compiled import CompiledPolicy
from yinsi.services.minors import MinorNotAllowed
from yinsi.services.vault import Actor

RNG = random.Random(7)


def years_ago(years: int) -> date:
    """A birthday a month or less ago, `years` back: this old today and for most of a year (tests use real dates)."""
    today = date.today()
    return date(today.year - years, today.month, 1) - timedelta(days=1)


TEN_YEARS_OLD = pi.id_number(RNG, born=years_ago(10))
FIFTEEN = pi.id_number(RNG, born=years_ago(15))
ADULT = pi.id_number(RNG, born=date(1990, 3, 1))
APP = Actor("key:app", "clinic_app")


def consent_body(kind: str, scope: str, action: str = "grant") -> dict[str, object]:
    return {
        "kind": kind,
        "scope": scope,
        "action": action,
        "text_hash": SHOWN,
        "language": "zh-CN",
        "channel": "app",
        "affirmative": True,
    }


def test_adults_only_refuses_a_minor_and_deletes_their_pi_at_once(yinsi: Yinsi) -> None:
    booking = Actor("key:booking", "booking_service")
    subject = yinsi.vault.create_subject(actor=booking)
    yinsi.vault.write(
        actor=booking, subject_id=subject, purpose="registration", values={"mobile": "13912345678"}, source="app"
    )
    with pytest.raises(MinorNotAllowed):
        yinsi.vault.write(
            actor=booking,
            subject_id=subject,
            purpose="booking",
            values={"real_name": "小明", "id_number": TEN_YEARS_OLD},
            source="app",
        )
    with pytest.raises(AccessDenied) as gone:
        yinsi.vault.read(actor=booking, subject_id=subject, purpose="registration")
    assert gone.value.code == "subject_erased"
    with yinsi.engine.connect() as connection:
        assert (
            connection.execute(select(table_of(PiValueRow)).where(table_of(PiValueRow).c.subject_id == subject)).first()
            is None
        )
        events = [json.loads(b) for b in connection.execute(select(table_of(AuditEventRow).c.body)).scalars()]
    refused = next(e for e in events if e["action"] == "pi-write-refused")
    assert refused["reasons"] == {"*": "minor_not_allowed"}
    shredded = next(e for e in events if e["action"] == "subject-shredded")
    assert shredded["details"] == {"reason": "minor_discovered"}
    # An adult's ID is accepted as usual.
    adult = yinsi.vault.create_subject(actor=booking)
    yinsi.vault.write(actor=booking, subject_id=adult, purpose="booking", values={"id_number": ADULT}, source="app")


@pytest.fixture
def client(clinic: Yinsi) -> Iterator[TestClient]:
    with TestClient(create_app(clinic), raise_server_exceptions=False) as test_client:
        yield test_client


def test_under_fourteen_only_a_linked_guardian_consents_corrects_and_deletes(
    client: TestClient, clinic: Yinsi, clock: Clock
) -> None:
    child = register(client, clinic, "13912345678")  # accepted the policy alone, before their age was known
    child_id = clinic.accounts.authenticate(child["Authorization"].split()[1])
    clinic.vault.write(
        actor=APP, subject_id=child_id, purpose="real_name_visit", values={"id_number": TEN_YEARS_OLD}, source="app"
    )
    state = client.get("/v1/me/consents", headers=child).json()
    assert (state["minor"], state["needs_guardian"]) == ("under_14", True)
    assert state["policy"]["accepted"] is False  # their own acceptance no longer counts
    own = client.post("/v1/me/consents", json=consent_body("purpose", "newsletter"), headers=child)
    assert (own.status_code, own.json()["code"]) == (403, "guardian_consent_required")
    with pytest.raises(AccessDenied):
        clinic.vault.write(
            actor=APP, subject_id=child_id, purpose="general_service", values={"name": "小明"}, source="app"
        )

    clock.advance(seconds=61)
    parent = register(client, clinic, "13800138000")
    clock.advance(seconds=61)  # the parent's phone just received a login code; one code a minute per phone
    assert client.post("/v1/me/guardian", json={"guardian_phone": "13800138000"}, headers=child).status_code == 202
    wrong = client.post("/v1/me/wards", json={"code": "000000"}, headers=parent)
    assert wrong.json()["code"] == "guardian_link_invalid"
    linked = client.post("/v1/me/wards", json={"code": last_code(clinic)}, headers=parent)
    assert linked.json() == {"wards": [child_id]}

    for body in (
        {**consent_body("policy", "current"), "policy_version": "2026-01"},
        consent_body("purpose", "newsletter"),
    ):
        given = client.post(f"/v1/me/wards/{child_id}/consents", json=body, headers=parent)
        assert given.status_code == 201, given.text
        assert given.json()["given_by"] == "guardian"
    clinic.vault.write(actor=APP, subject_id=child_id, purpose="general_service", values={"name": "小明"}, source="app")
    clinic.vault.write(
        actor=APP, subject_id=child_id, purpose="newsletter", values={"email": "xm@example.com"}, source="app"
    )

    corrected = client.put(f"/v1/me/wards/{child_id}/pi", json={"values": {"name": "王小明"}}, headers=parent)
    assert corrected.json() == {"fields": ["name"]}
    assert clinic.vault.read(actor=APP, subject_id=child_id, purpose="registration").values["name"] == "王小明"
    assert client.delete(f"/v1/me/wards/{child_id}/pi/email", headers=parent).json() == {"fields": ["email"]}
    held = client.delete(f"/v1/me/wards/{child_id}/pi/id_number", headers=parent)
    assert (held.status_code, held.json()["code"]) == (409, "legal_retention_applies")

    stranger = client.put(f"/v1/me/wards/{child_id}/pi", json={"values": {"name": "X"}}, headers=child)
    assert stranger.json()["code"] == "forbidden"  # the child is not their own guardian

    # Requests on the ward's behalf go as far as the policy lets guardians act, and no further.
    access = client.post("/v1/me/requests", json={"type": "access", "on_behalf_of": child_id}, headers=parent)
    assert (access.status_code, access.json()["filed_by"]) == (201, "guardian")
    assert {f["field"] for f in access.json()["answer"]["fields"]} >= {"name", "id_number"}
    spec = clinic.policy.current().spec
    assert spec.minors is not None
    narrowed = spec.model_copy(update={"minors": spec.minors.model_copy(update={"guardian_may": ["correct"]})})
    clinic.policy.install(CompiledPolicy.from_spec(narrowed))
    for kind in ("access", "copy", "explain", "delete", "cancel_account"):
        refused = client.post(
            "/v1/me/requests", json={"type": kind, "on_behalf_of": child_id, "fields": ["name"]}, headers=parent
        )
        assert (kind, refused.status_code, refused.json()["code"]) == (kind, 403, "forbidden")
    corrected = client.post(
        "/v1/me/requests",
        json={"type": "correct", "on_behalf_of": child_id, "values": {"name": "王小明"}},
        headers=parent,
    )
    assert corrected.json()["state"] == "completed"
    # What was filed before stays listed; the ward's PI in its answer is no longer shown.
    assert client.get(f"/v1/me/requests/{access.json()['id']}", headers=parent).json()["answer"] is None


def test_fifteen_needs_no_guardian_under_a_fourteen_rule(client: TestClient, clinic: Yinsi) -> None:
    teen = register(client, clinic, "13912345678")
    teen_id = clinic.accounts.authenticate(teen["Authorization"].split()[1])
    clinic.vault.write(
        actor=APP, subject_id=teen_id, purpose="real_name_visit", values={"id_number": FIFTEEN}, source="app"
    )
    state = client.get("/v1/me/consents", headers=teen).json()
    assert (state["minor"], state["needs_guardian"]) == ("under_18", False)
    assert client.post("/v1/me/consents", json=consent_body("purpose", "newsletter"), headers=teen).status_code == 201


def test_a_minor_found_through_any_write_path_loses_their_pi(yinsi: Yinsi) -> None:
    """Inside a caller's own transaction too (corrections, a guardian's or a request's writes), not only in
    a write that opens its own."""
    booking = Actor("key:booking", "booking_service")
    subject = yinsi.vault.create_subject(actor=booking)
    yinsi.vault.write(
        actor=booking, subject_id=subject, purpose="registration", values={"mobile": "13912345678"}, source="app"
    )
    with pytest.raises(MinorNotAllowed), yinsi.vault.unit() as uow:
        yinsi.vault.write(
            actor=booking,
            subject_id=subject,
            purpose="booking",
            values={"id_number": TEN_YEARS_OLD},
            source="app",
            uow=uow,
        )
    with yinsi.engine.connect() as connection:
        assert yinsi.vault.subject_status(connection, subject) == "shredded"
        values = table_of(PiValueRow)
        assert connection.execute(select(values).where(values.c.subject_id == subject)).first() is None
    # A minor refused as a new subject in the same transaction leaves nothing behind to shred.
    created: list[str] = []

    def register_a_child() -> None:
        with yinsi.vault.unit() as uow:
            created.append(yinsi.vault.create_subject(actor=booking, uow=uow))
            yinsi.vault.write(
                actor=booking,
                subject_id=created[0],
                purpose="booking",
                values={"id_number": TEN_YEARS_OLD},
                source="app",
                uow=uow,
            )

    with pytest.raises(MinorNotAllowed):
        register_a_child()
    child = created[0]
    with yinsi.engine.connect() as connection, pytest.raises(NotFound):
        yinsi.vault.subject_status(connection, child)
    assert yinsi.audit.verify(yinsi.engine).ok
