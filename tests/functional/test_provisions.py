"""Providing PI to declared recipients only, with the consents they need, recorded; and the audit for staff."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from tests.support.consent import accept_policy, act
from tests.support.http import api_key, staff_session
from yinsi.api.app import create_app
from yinsi.bootstrap import Yinsi
from yinsi.core.export import build_export, read_export
from yinsi.services.consent import Kind
from yinsi.services.vault import Actor

APP = Actor("key:app", "clinic_app")


@pytest.fixture
def client(clinic: Yinsi) -> Iterator[TestClient]:
    with TestClient(create_app(clinic), raise_server_exceptions=False) as test_client:
        yield test_client


@pytest.fixture
def patient(clinic: Yinsi) -> str:
    subject = clinic.vault.create_subject(actor=APP)
    accept_policy(clinic, subject)
    act(clinic, subject, Kind.SEPARATE, "treatment")
    clinic.vault.write(
        actor=APP,
        subject_id=subject,
        purpose="registration",
        values={"name": "张三", "mobile": "13912345678"},
        source="app",
    )
    return subject


def test_provide_only_what_is_declared_with_the_consent_it_needs(
    client: TestClient, clinic: Yinsi, patient: str
) -> None:
    app = api_key(clinic, "clinic_app")
    url = f"/v1/subjects/{patient}/provisions"
    sms = client.post(
        url, headers=app, json={"recipient": "sms_gateway", "purpose": "registration", "fields": ["mobile"]}
    )
    assert sms.status_code == 201, sms.text
    assert sms.json()["values"] == {"mobile": "13912345678"}  # whole: the SMS provider must reach the number
    not_theirs = client.post(
        url, headers=app, json={"recipient": "sms_gateway", "purpose": "registration", "fields": ["name"]}
    )
    assert not_theirs.json()["code"] == "field_not_for_recipient"
    nobody = client.post(
        url, headers=app, json={"recipient": "data_broker", "purpose": "registration", "fields": ["mobile"]}
    )
    assert nobody.json()["code"] == "recipient_not_declared"
    insurer = {"recipient": "insurer", "purpose": "treatment", "fields": ["name"]}
    assert client.post(url, headers=app, json=insurer).json()["code"] == "separate_consent_required"
    act(clinic, patient, Kind.SEPARATE, "recipient.insurer")
    assert client.post(url, headers=app, json=insurer).json()["values"] == {"name": "张三"}
    marketing = client.post(url, headers=api_key(clinic, "marketing"), json=insurer)
    assert marketing.json()["code"] == "purpose_not_permitted"

    with clinic.engine.connect() as connection:
        copy = read_export(build_export(clinic.rights.bundle(connection, patient)))
    assert [(p["recipient"], p["fields"]) for p in copy["provisions.json"]] == [
        ("sms_gateway", ["mobile"]),
        ("insurer", ["name"]),
    ]


@pytest.mark.slow
def test_staff_see_the_audit_only_with_the_right_and_their_look_is_recorded(
    client: TestClient, clinic: Yinsi, patient: str
) -> None:
    officer = staff_session(client, clinic, "privacy_officer")
    events = client.get("/v1/staff/audit", params={"subject": patient}, headers=officer).json()["events"]
    assert {e["action"] for e in events} >= {"subject-created", "consent-granted", "pi-written"}
    assert all(e["subject"] == patient for e in events)
    desk = staff_session(client, clinic, "front_desk")
    assert client.get("/v1/staff/audit", headers=desk).json()["code"] == "forbidden"
    viewed = client.get("/v1/staff/audit", params={"action": "audit-viewed"}, headers=officer).json()["events"]
    assert viewed
    assert viewed[0]["actor"] == "staff:privacy.officer.test"
    assert client.post("/v1/staff/logout", headers=officer).status_code == 204
    assert client.get("/v1/staff/audit", headers=officer).json()["code"] == "unauthenticated"


def test_a_partner_is_told_to_delete_only_what_was_provided_to_it(
    client: TestClient, clinic: Yinsi, patient: str
) -> None:
    from yinsi.core.requests import RequestType
    from yinsi.services.rights import Filing

    other = clinic.vault.create_subject(actor=APP)
    accept_policy(clinic, other)
    clinic.vault.write(actor=APP, subject_id=other, purpose="registration", values={"name": "李四"}, source="app")
    act(clinic, patient, Kind.SEPARATE, "recipient.insurer")
    provided = client.post(
        f"/v1/subjects/{patient}/provisions",
        headers=api_key(clinic, "clinic_app"),
        json={"recipient": "insurer", "purpose": "treatment", "fields": ["name"]},
    )
    assert provided.status_code == 201
    told = {}
    for subject in (patient, other):
        done = clinic.rights.file(subject=subject, kind=RequestType.CANCEL_ACCOUNT, filing=Filing(), by=subject)
        assert done.answer is not None
        told[subject] = done.answer["recipients_told"]
    assert told[patient] == ["sms_gateway", "insurer"]  # the SMS provider handles its phone; the insurer got its name
    assert told[other] == []  # no phone, nothing provided: nobody holds anything of theirs


def test_provision_records_come_a_page_at_a_time(client: TestClient, clinic: Yinsi, patient: str) -> None:
    app = api_key(clinic, "clinic_app")
    body = {"recipient": "sms_gateway", "purpose": "registration", "fields": ["mobile"]}
    for _ in range(3):
        assert client.post(f"/v1/subjects/{patient}/provisions", headers=app, json=body).status_code == 201
    officer = staff_session(client, clinic, "privacy_officer")
    first = client.get("/v1/staff/provisions", params={"subject": patient, "limit": 2}, headers=officer).json()
    assert len(first["items"]) == 2
    assert first["next_cursor"] is not None
    rest = client.get(
        "/v1/staff/provisions", params={"subject": patient, "limit": 2, "cursor": first["next_cursor"]}, headers=officer
    ).json()
    assert len(rest["items"]) == 1
    assert rest["next_cursor"] is None
    ids = [r["id"] for r in first["items"] + rest["items"]]
    assert ids == sorted(ids, reverse=True)  # newest first, none twice
    assert len(set(ids)) == 3
    bad = client.get("/v1/staff/provisions", params={"subject": patient, "cursor": "eyJ4Ijo"}, headers=officer)
    assert bad.status_code == 400
    assert bad.json()["field"] == "cursor"
