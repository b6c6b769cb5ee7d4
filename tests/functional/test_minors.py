"""Minors: adults-only policies delete a minor's PI once discovered; guardian policies let only guardians consent."""

from __future__ import annotations

import json
import random
from collections.abc import Iterator
from datetime import date

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
from yinsi.core.errors import AccessDenied
from yinsi.services.minors import MinorNotAllowed
from yinsi.services.vault import Actor

RNG = random.Random(7)
TEN_YEARS_OLD = pi.id_number(RNG, born=date(2016, 3, 1))
FIFTEEN = pi.id_number(RNG, born=date(2011, 3, 1))
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


def test_fifteen_needs_no_guardian_under_a_fourteen_rule(client: TestClient, clinic: Yinsi) -> None:
    teen = register(client, clinic, "13912345678")
    teen_id = clinic.accounts.authenticate(teen["Authorization"].split()[1])
    clinic.vault.write(
        actor=APP, subject_id=teen_id, purpose="real_name_visit", values={"id_number": FIFTEEN}, source="app"
    )
    state = client.get("/v1/me/consents", headers=teen).json()
    assert (state["minor"], state["needs_guardian"]) == ("under_18", False)
    assert client.post("/v1/me/consents", json=consent_body("purpose", "newsletter"), headers=teen).status_code == 201
