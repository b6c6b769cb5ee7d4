"""Cancelling an account shreds the person's PI at once, except what a law or a legal hold keeps: that stays,
dated, until the retention sweep deletes it and shreds the subject."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from tests.conftest import Clock
from tests.support.accounts import register
from tests.support.http import api_key
from yinsi.adapters.db.rows import SubjectRow, table_of
from yinsi.api.app import create_app
from yinsi.bootstrap import Yinsi
from yinsi.services.vault import Actor

APP = Actor("key:app", "clinic_app")
OFFICER = Actor("operator:test", "operator")
FIELDS = ["mobile", "name", "email", "ip_address", "dental_notes"]


@pytest.fixture
def client(clinic: Yinsi) -> Iterator[TestClient]:
    with TestClient(create_app(clinic), raise_server_exceptions=False) as test_client:
        yield test_client


def person(client: TestClient, clinic: Yinsi, phone: str) -> tuple[str, dict[str, str]]:
    headers = register(client, clinic, phone)
    subject = clinic.accounts.authenticate(headers["Authorization"].split()[1])
    write = clinic.vault.write
    write(
        actor=APP,
        subject_id=subject,
        purpose="registration",
        values={"name": "李四", "email": "ls@example.com"},
        source="app",
    )
    write(actor=APP, subject_id=subject, purpose="network_logs", values={"ip_address": "203.0.113.5"}, source="app")
    return subject, headers


def cancel(client: TestClient, headers: dict[str, str]) -> None:
    filed = client.post("/v1/me/requests", json={"type": "cancel_account"}, headers=headers).json()
    if filed["state"] != "completed":
        filed = client.post(f"/v1/me/requests/{filed['id']}/proceed", headers=headers).json()
    assert filed["state"] == "completed", filed


def status(clinic: Yinsi, subject: str) -> str:
    subjects = table_of(SubjectRow)
    with clinic.engine.connect() as connection:
        return str(connection.execute(select(subjects.c.status).where(subjects.c.id == subject)).scalar_one())


def readable(clinic: Yinsi, subject: str) -> set[str]:
    with clinic.engine.connect() as connection:
        return set(clinic.vault.open_fields(connection, subject, FIELDS))


def test_network_logs_outlive_the_account_until_their_legal_minimum(
    clinic: Yinsi, client: TestClient, clock: Clock
) -> None:
    subject, headers = person(client, clinic, "13912340001")
    clock.advance(days=10)
    cancel(client, headers)
    assert readable(clinic, subject) == {"ip_address"}  # six months from collection (网络安全法 Art. 21)
    assert status(clinic, subject) == "restricted"  # kept for storage only: no role may read it
    denied = client.get(
        f"/v1/subjects/{subject}/pi", params={"purpose": "network_logs"}, headers=api_key(clinic, "clinic_app")
    )
    assert denied.json()["code"] == "subject_erased"
    clock.advance(days=170)
    assert clinic.retention.sweep().total == 0
    clock.advance(days=15)
    swept = clinic.retention.sweep()
    assert dict(swept.deleted) == {"ip_address": 1}
    assert swept.shredded == 1
    assert status(clinic, subject) == "shredded"
    assert readable(clinic, subject) == set()


def test_a_legal_hold_keeps_everything_through_a_cancellation(clinic: Yinsi, client: TestClient, clock: Clock) -> None:
    subject, headers = person(client, clinic, "13912340002")
    hold = clinic.retention.place_hold(subject=subject, reason="诉讼保全", actor=OFFICER)
    cancel(client, headers)
    assert readable(clinic, subject) == {"mobile", "name", "email", "ip_address"}
    clock.advance(days=400)
    assert clinic.retention.sweep().total == 0
    clinic.retention.release_hold(hold_id=hold, actor=OFFICER)
    swept = clinic.retention.sweep()
    assert swept.total == 4
    assert swept.shredded == 1
    assert status(clinic, subject) == "shredded"


def test_without_anything_the_law_keeps_cancellation_shreds_at_once(
    clinic: Yinsi, client: TestClient, clock: Clock
) -> None:
    headers = register(client, clinic, "13912340003")
    subject = clinic.accounts.authenticate(headers["Authorization"].split()[1])
    cancel(client, headers)
    assert status(clinic, subject) == "shredded"
