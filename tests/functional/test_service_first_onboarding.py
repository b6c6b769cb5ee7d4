"""Service-first onboarding: a back end creates the subject and writes the mobile number before the person opens
the app; their first login opens the account for that very subject. And app-first: the back end finds the subject
of a person who registered in the app by a purposeful look-up through the blind index."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from tests.conftest import Clock
from tests.support.accounts import acceptance, last_code, register
from tests.support.http import api_key
from yinsi.api.app import create_app
from yinsi.bootstrap import Yinsi

PHONE = "13912345678"


@pytest.fixture
def client(clinic: Yinsi) -> Iterator[TestClient]:
    with TestClient(create_app(clinic), raise_server_exceptions=False) as test_client:
        yield test_client


def service_writes_the_number(client: TestClient, clinic: Yinsi) -> str:
    """What the booking back end does: a subject, then the number and name it collected, for its purpose."""
    key = api_key(clinic, "clinic_app")
    created = client.post("/v1/subjects", headers=key)
    assert created.status_code == 201, created.text
    subject = str(created.json()["id"])
    written = client.put(
        f"/v1/subjects/{subject}/pi",
        headers=key,
        json={"purpose": "registration", "source": "booking-desk", "values": {"mobile": "+86 139 1234 5678"}},
    )
    assert written.status_code == 200, written.text
    return subject


def test_the_first_login_opens_the_account_of_the_subject_a_service_created(
    client: TestClient, clinic: Yinsi, clock: Clock
) -> None:
    subject = service_writes_the_number(client, clinic)
    assert client.post("/v1/auth/sms-code", json={"phone": PHONE}).status_code == 202
    code = last_code(clinic)
    asked = client.post("/v1/auth/login", json={"phone": PHONE, "code": code})
    assert (asked.status_code, asked.json()["code"]) == (400, "policy_acceptance_required")
    done = client.post("/v1/auth/login", json={"phone": PHONE, "code": code, "accept_policy": acceptance(clinic)})
    assert done.status_code == 200, done.text
    assert (done.json()["subject_id"], done.json()["new_account"]) == (subject, True)
    session = {"Authorization": f"Bearer {done.json()['token']}"}
    consents = client.get("/v1/me/consents", headers=session)
    assert consents.status_code == 200, consents.text
    assert consents.json()["policy"]["accepted"] is True
    assert client.get("/v1/me/access-log", headers=session).status_code == 200
    # The next login is an ordinary one, on the same subject.
    clock.advance(seconds=61)
    assert client.post("/v1/auth/sms-code", json={"phone": PHONE}).status_code == 202
    again = client.post("/v1/auth/login", json={"phone": PHONE, "code": last_code(clinic)})
    assert (again.json()["subject_id"], again.json()["new_account"]) == (subject, False)
    assert (
        client.get("/v1/me/consents", headers={"Authorization": f"Bearer {again.json()['token']}"}).status_code == 200
    )


def test_a_number_on_a_service_subject_and_an_account_logs_in_to_the_account(
    client: TestClient, clinic: Yinsi, clock: Clock
) -> None:
    session = register(client, clinic, PHONE)
    account = clinic.accounts.authenticate(session["Authorization"].split()[1])
    service_writes_the_number(client, clinic)  # a second subject holding the same number
    clock.advance(seconds=61)
    assert client.post("/v1/auth/sms-code", json={"phone": PHONE}).status_code == 202
    again = client.post("/v1/auth/login", json={"phone": PHONE, "code": last_code(clinic)})
    assert (again.json()["subject_id"], again.json()["new_account"]) == (account, False)


def test_a_back_end_finds_the_subject_of_someone_who_registered_in_the_app(client: TestClient, clinic: Yinsi) -> None:
    session = register(client, clinic, PHONE)
    subject = clinic.accounts.authenticate(session["Authorization"].split()[1])
    found = client.post(
        "/v1/subjects/lookup",
        headers=api_key(clinic, "clinic_app"),
        json={"field": "mobile", "value": "+86 139-1234-5678", "purpose": "registration"},
    )
    assert found.status_code == 200, found.text
    assert found.json() == {"subjects": [subject]}
