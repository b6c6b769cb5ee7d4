"""A phone number typed where a subject id belongs never reaches the store: every entry point says "no such
subject", and the audit trail refuses to hold anything but a subject id.

The sweep calls every entry point that takes a subject id from its caller (API paths and filters, the staff
console's filters, the terminal's sharing commands) with a phone number in its place, then searches the
database for the number (its files on SQLite, a logical dump on PostgreSQL) and the audit events for the
marker that says an entry point let a wrong id through.
"""

from __future__ import annotations

import json
import subprocess
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import make_url, select

from tests.conftest import ROOT, Backend, Clock
from tests.functional.test_cli_operations import Cli, env_of
from tests.functional.test_console_pages import csrf_of, staff_browser
from tests.support.http import api_key, staff_session
from yinsi.adapters.db.rows import AuditEventRow, table_of
from yinsi.api.app import create_app
from yinsi.bootstrap import Yinsi, open_yinsi
from yinsi.core.policy.compiled import CompiledPolicy
from yinsi.services.audit import NOT_A_SUBJECT_ID, AuditEvent
from yinsi.services.vault import Actor

PHONE = "13912345670"
APP = Actor("key:app", "clinic_app")


@pytest.fixture
def client(clinic: Yinsi) -> Iterator[TestClient]:
    with TestClient(create_app(clinic), raise_server_exceptions=False) as test_client:
        yield test_client


def _events(yinsi: Yinsi) -> list[tuple[str | None, str]]:
    table = table_of(AuditEventRow)
    with yinsi.engine.connect() as connection:
        rows = connection.execute(select(table.c.subject_id, table.c.body).order_by(table.c.seq))
        return [(r.subject_id, r.body) for r in rows]


def _stored(backend: Backend) -> bytes:
    """Every byte of the store: its files with their WAL on SQLite, a data-only dump on PostgreSQL."""
    if backend.name == "sqlite":
        return b"".join(p.read_bytes() for p in backend.settings.data_dir.iterdir() if p.is_file())
    assert backend.settings.pg_bindir is not None
    url = make_url(backend.settings.resolved_database_url).set(drivername="postgresql")
    command = [str(backend.settings.pg_bindir / "pg_dump"), "--data-only", url.render_as_string(False)]
    return subprocess.run(command, capture_output=True, check=True).stdout


def _assert_nowhere(yinsi: Yinsi, backend: Backend) -> None:
    events = _events(yinsi)
    assert events, "the sweep recorded nothing at all: it did not reach the store"
    assert not [body for subject, body in events if subject == NOT_A_SUBJECT_ID], "an entry point let it through"
    blob = _stored(backend)
    found = [name for name, form in (("utf-8", PHONE.encode()), ("utf-16", PHONE.encode("utf-16-le")),
                                     ("json", json.dumps(PHONE).encode())) if form in blob]  # fmt: skip
    assert found == []  # names the encoding, never the bytes around it


def test_every_api_entry_point_refuses_a_phone_number_as_a_subject_id(
    client: TestClient, clinic: Yinsi, backend: Backend
) -> None:
    real = clinic.vault.create_subject(actor=APP)  # something in the trail, so "nothing recorded" is told apart
    app = api_key(clinic, "clinic_app")
    officer = staff_session(client, clinic, "privacy_officer", "officer.li")
    calls = [
        client.put(f"/v1/subjects/{PHONE}/pi", headers=app, json={"purpose": "registration", "source": "t",
                                                                 "values": {"mobile": "13800138000"}}),
        client.get(f"/v1/subjects/{PHONE}/pi", headers=app, params={"purpose": "registration"}),
        client.delete(f"/v1/subjects/{PHONE}", headers=app),  # clinic_app may not erase: a refusal, audited
        client.post(f"/v1/subjects/{PHONE}/provisions", headers=app,
                    json={"recipient": "sms_gateway", "purpose": "registration", "fields": ["mobile"]}),
        client.post(f"/v1/subjects/{PHONE}/blockers", headers=app,
                    json={"kind": "wallet", "label_zh": "余额", "label_en": "Balance", "action_zh": "提现",
                          "action_en": "Withdraw"}),
        client.delete(f"/v1/subjects/{PHONE}/blockers/1", headers=app),
        client.put(f"/v1/subjects/{PHONE}/external-logins", headers=app,
                   json={"provider": "wechat", "identifier": "wx-1"}),
        client.post("/v1/public-disclosures", headers=app,
                    json={"subject": PHONE, "disclosure": "winners", "fields": ["name"]}),
        client.get("/v1/staff/provisions", headers=officer, params={"subject": PHONE}),
        client.get("/v1/staff/disclosures", headers=officer, params={"subject": PHONE}),
        client.get("/v1/staff/public-disclosures", headers=officer, params={"subject": PHONE}),
        client.get("/v1/staff/audit", headers=officer, params={"subject": PHONE}),
        client.post("/v1/staff/disclosures", headers=officer,
                    json={"subject": PHONE, "authority": "police", "purpose": "treatment", "fields": ["name"],
                          "legal_reference": "(2026)沪0101刑初1号"}),
        client.get("/v1/staff/requests", headers=officer, params={"subject": PHONE}),
    ]  # fmt: skip
    for response in calls:
        assert response.status_code in (200, 403, 404, 422), (response.request.url.path, response.status_code)
        assert PHONE not in response.text
    assert [r.json()["code"] for r in calls[8:13]] == ["not_found"] * 5
    assert client.get("/v1/staff/provisions", headers=officer, params={"subject": real}).status_code == 200
    _assert_nowhere(clinic, backend)


def test_the_console_filters_refuse_a_phone_number_as_a_subject_id(
    clinic: Yinsi, backend: Backend, clock: Clock
) -> None:
    clinic.vault.create_subject(actor=APP)
    officer = staff_browser(clinic, clock, "privacy_officer", "officer.li")
    for path in ("/console/audit", "/console/provisions", "/console/requests", f"/console/people/{PHONE}"):
        page = officer.get(path, params={"subject": PHONE})
        assert page.status_code in (200, 404), (path, page.status_code)
        assert page.headers["content-type"].startswith("text/html"), path
    token = csrf_of(officer.get("/console/requests").text)
    for form in ({"purpose": "registration"}, {"type": "access", "channel": "phone"}):
        action = "read" if "purpose" in form else "requests"
        done = officer.post(f"/console/people/{PHONE}/{action}", data={"csrf": token, **form})
        assert done.status_code == 404, (action, done.status_code)  # the page says "no such subject"
    _assert_nowhere(clinic, backend)


@pytest.fixture
def cli(backend: Backend) -> Cli:
    return Cli(env_of(backend))


def test_the_terminal_refuses_a_phone_number_as_a_subject_id(
    cli: Cli, backend: Backend, clinic_policy: CompiledPolicy
) -> None:
    cli.ok("policy", "publish", ROOT / "tests" / "fixtures" / "clinic.yaml")
    with open_yinsi(backend.settings, migrate=False, policy=clinic_policy) as yinsi:
        yinsi.vault.create_subject(actor=APP)
        yinsi.staff.create(username="dpo.li", role="privacy_officer", password="x" * 16, issuer="t")
    for command in (
        ("sharing", "provisions", "--subject", PHONE, "--as", "dpo.li"),
        ("sharing", "public-disclosures", "--subject", PHONE, "--as", "dpo.li"),
        ("sharing", "disclosures", "--subject", PHONE, "--as", "dpo.li"),
        ("sharing", "disclose", PHONE, "--authority", "police", "--purpose", "treatment", "--fields", "name",
         "--legal-reference", "(2026)沪0101刑初1号", "--as", "dpo.li"),
        ("retention", "hold", PHONE, "--reason", "案号 1"),
    ):  # fmt: skip
        refused = cli.fails(*command)
        assert "No such subject" in refused.output, command
        assert PHONE not in refused.output
    with open_yinsi(backend.settings, migrate=False, policy=clinic_policy) as yinsi:
        _assert_nowhere(yinsi, backend)


def test_the_audit_trail_holds_only_subject_ids(clinic: Yinsi) -> None:
    """Defence in depth: whatever an entry point let through, an event's subject is a subject id or a marker."""
    real = clinic.vault.create_subject(actor=APP)
    with clinic.vault.unit() as uow:
        uow.record(AuditEvent("provisions-viewed", "staff:li", subject=PHONE))
        uow.record(AuditEvent("provisions-viewed", "staff:li", subject=real.upper()))
        uow.record(AuditEvent("provisions-viewed", "staff:li", subject=real))
    events = _events(clinic)
    assert [s for s, _ in events][-3:] == [NOT_A_SUBJECT_ID, NOT_A_SUBJECT_ID, real]
    assert not [body for _, body in events if PHONE in body]
