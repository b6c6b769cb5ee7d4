"""Disclosures to authorities (a legal document and another officer's approval) and business transfers.

Seed 001's only recipient is an authority: its sharing record is a disclosure, run here over HTTP as its
privacy office would. The transfer of the business and the disclosure commands run through the CLI.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from tests.conftest import EXAMPLES, Backend, Clock
from tests.functional.test_cli_operations import Cli, env_of
from tests.support.consent import accept_policy
from tests.support.http import staff_session
from yinsi.adapters.notify.console import open_outbox_message
from yinsi.api.app import create_app
from yinsi.bootstrap import Yinsi, open_yinsi
from yinsi.core.policy.compiled import CompiledPolicy
from yinsi.core.policy.load import load_policy_file
from yinsi.services.vault import Actor

SEED_001 = EXAMPLES / "001_b323a55268a82f2d.yaml"
BOOKING = Actor("key:booking", "booking_service")
ID_NUMBER = "11010519491231002X"
REFERENCE = "(2026)沪0101刑初123号"


def _policy(path: Path) -> CompiledPolicy:
    result = load_policy_file(path)
    assert result.spec is not None
    return CompiledPolicy.from_spec(result.spec)


@pytest.fixture
def appointments(backend: Backend, clock: Clock) -> Iterator[Yinsi]:
    instance = open_yinsi(backend.settings, migrate=False, policy=_policy(SEED_001), now=clock)
    yield instance
    instance.close()


@pytest.fixture
def client(appointments: Yinsi) -> Iterator[TestClient]:
    with TestClient(create_app(appointments), raise_server_exceptions=False) as test_client:
        yield test_client


def _patient(yinsi: Yinsi) -> str:
    subject = yinsi.vault.create_subject(actor=BOOKING)
    accept_policy(yinsi, subject)
    yinsi.vault.write(
        actor=BOOKING,
        subject_id=subject,
        purpose="booking",
        values={"real_name": "张三", "id_number": ID_NUMBER},
        source="app",
    )
    return subject


def test_001_a_disclosure_needs_a_legal_reference_and_another_officers_approval(
    client: TestClient, appointments: Yinsi
) -> None:
    subject = _patient(appointments)
    clerk = staff_session(client, appointments, "privacy_officer", "officer.wang")
    approver = staff_session(client, appointments, "privacy_officer", "officer.li")
    desk = staff_session(client, appointments, "customer_service")
    demand = {
        "subject": subject,
        "authority": "public_interest",
        "purpose": "booking",
        "fields": ["real_name", "id_number"],
        "legal_reference": REFERENCE,
    }
    no_reference = client.post("/v1/staff/disclosures", headers=clerk, json={**demand, "legal_reference": " "})
    assert no_reference.json()["code"] == "bad_request"
    en = {**clerk, "Accept-Language": "en"}
    undeclared = client.post("/v1/staff/disclosures", headers=en, json={**demand, "fields": ["mobile"]})
    assert undeclared.json()["code"] == "field_not_for_authority"
    assert "not declare this field for this authority" in undeclared.json()["detail"]
    nosuch = client.post("/v1/staff/disclosures", headers=en, json={**demand, "authority": "nosuch"})
    assert (nosuch.status_code, nosuch.json()["code"]) == (403, "authority_not_declared")
    assert "declares no such authority" in nosuch.json()["detail"]
    zh = client.post(
        "/v1/staff/disclosures", headers={**clerk, "Accept-Language": "zh-CN"}, json={**demand, "authority": "nosuch"}
    )
    assert "没有声明这个国家机关" in zh.json()["detail"]
    other = client.post("/v1/staff/disclosures", headers=clerk, json={**demand, "purpose": "registration"})
    assert other.json()["code"] == "purpose_not_for_authority"
    assert client.post("/v1/staff/disclosures", headers=desk, json=demand).json()["code"] == "operation_not_permitted"

    recorded = client.post("/v1/staff/disclosures", headers=clerk, json=demand)
    assert recorded.status_code == 201, recorded.text
    assert (recorded.json()["state"], recorded.json()["values"]) == ("pending", {})
    url = f"/v1/staff/disclosures/{recorded.json()['id']}/decision"
    own = client.post(url, headers=clerk, json={"approve": True})
    assert (own.status_code, own.json()["code"]) == (403, "forbidden")
    approved = client.post(url, headers=approver, json={"approve": True}).json()
    assert approved["state"] == "approved"
    assert approved["values"] == {"real_name": "张三", "id_number": ID_NUMBER}
    assert client.post(url, headers=approver, json={"approve": True}).json()["code"] == "conflict"

    [listed] = client.get("/v1/staff/disclosures", headers=approver, params={"subject": subject}).json()["items"]
    assert (listed["legal_reference"], listed["decided_by"], listed["values"]) == (REFERENCE, "staff:officer.li", {})
    events = appointments.audit.events(appointments.engine, subject=subject, action="pi-disclosed", limit=5)
    assert events[0]["details"]["legal_reference"] == REFERENCE
    assert "张三" not in json.dumps(events, ensure_ascii=False)
    unknown = client.get("/v1/staff/provisions", headers=approver, params={"recipient": "nosuch"})
    assert (unknown.status_code, unknown.json()["code"], unknown.json()["field"]) == (404, "not_found", "recipient")
    # An authority is declared too: it was given nothing as a provision (what it got is a disclosure, above).
    authority = client.get("/v1/staff/provisions", headers=approver, params={"recipient": "public_interest"})
    assert (authority.status_code, authority.json()["items"]) == (200, [])
    # Not in the person's copy: a law may require that they are not told.
    assert client.get("/v1/staff/provisions", headers=approver, params={"subject": subject}).json() == {
        "items": [],
        "next_cursor": None,
    }


@pytest.fixture
def cli(backend: Backend) -> Cli:
    return Cli(env_of(backend))


def test_the_terminal_records_disclosures_and_tells_everyone_of_a_transfer(
    cli: Cli, backend: Backend, tmp_path: Path
) -> None:
    cli.ok("policy", "publish", SEED_001)
    with open_yinsi(backend.settings, migrate=False) as yinsi:
        subject = _patient(yinsi)
        yinsi.vault.write(
            actor=BOOKING, subject_id=subject, purpose="registration", values={"mobile": "13912345678"}, source="app"
        )
        quiet = yinsi.vault.create_subject(actor=BOOKING)  # nothing to reach them by
        for name in ("officer.wang", "officer.li"):
            yinsi.staff.create(username=name, role="privacy_officer", password="x" * 16, issuer="t")

    refused = cli.fails(
        "sharing", "disclose", subject, "--authority", "public_interest", "--purpose", "booking",
        "--fields", "real_name", "--legal-reference", "", "--as", "officer.wang",
    )  # fmt: skip
    assert "legal document" in refused.stderr
    for wrong, problem in (("--authority", "declares no such authority"), ("--fields", "not declare this field")):
        arguments = {"--authority": "public_interest", "--fields": "real_name"}
        arguments[wrong] = "nosuch" if wrong == "--authority" else "mobile"
        named = cli.fails(
            "sharing", "disclose", subject, "--purpose", "booking", "--legal-reference", REFERENCE,
            *[part for pair in arguments.items() for part in pair], "--as", "officer.wang",
        )  # fmt: skip
        assert problem in named.output
        assert "privacy policy" not in named.output
    unknown = cli.fails("sharing", "provisions", "--recipient", "nosuch", "--as", "officer.wang")
    assert "No such recipient" in unknown.output
    cli.ok(
        "sharing", "disclose", subject, "--authority", "public_interest", "--purpose", "booking",
        "--fields", "real_name,id_number", "--legal-reference", REFERENCE, "--as", "officer.wang",
    )  # fmt: skip
    assert "another privacy officer" in cli.fails("sharing", "decide-disclosure", "1", "--approve", "--out",
                                                   tmp_path / "x.json", "--as", "officer.wang").stderr  # fmt: skip
    out = tmp_path / "disclosure-1.json"
    cli.ok("sharing", "decide-disclosure", "1", "--approve", "--out", out, "--as", "officer.li")
    assert json.loads(out.read_text(encoding="utf-8"))["values"]["real_name"] == "张三"
    listed = cli.ok("sharing", "disclosures", "--authority", "public_interest", "--as", "officer.li")
    assert REFERENCE in listed.stdout
    assert "张三" not in listed.output

    told = cli.ok(
        "sharing", "transfer", "--kind", "acquisition", "--to", "新健康科技有限公司", "--contact", "400-123-4567",
        "--as", "officer.li",
    )  # fmt: skip
    assert "1 person(s) told (sms 1" in told.stdout
    with open_yinsi(backend.settings, migrate=False) as yinsi:
        [entry] = yinsi.outbox.latest(5, "sms")
        message = open_outbox_message(yinsi.keyring.secret("outbox"), entry.sealed)
        feed = yinsi.audit.events(yinsi.engine, action="business-transfer-announced", limit=1)
    assert message.to == "13912345678"
    assert "新健康科技有限公司" in message.body
    assert "400-123-4567" in message.body
    assert feed[0]["details"]["subjects_told"] == 1
    assert quiet  # a person with no number or address is counted out, not failed


def test_001_a_business_transfer_through_the_api_is_announced_recorded_and_listed(
    client: TestClient, appointments: Yinsi
) -> None:
    _patient(appointments)
    officer = staff_session(client, appointments, "privacy_officer", "officer.wang")
    desk = staff_session(client, appointments, "customer_service")
    body = {"kind": "acquisition", "controller_name": "某某健康科技有限公司", "controller_contact": "400-000-0000"}
    assert client.post("/v1/staff/transfers", headers=desk, json=body).json()["code"] == "operation_not_permitted"
    wrong = client.post("/v1/staff/transfers", headers=officer, json={**body, "kind": "sale"})
    assert wrong.status_code == 400
    assert wrong.json()["field"] == "kind"
    first = client.post("/v1/staff/transfers", headers=officer, json=body)
    assert first.status_code == 201, first.text
    assert first.json()["controller_name"] == "某某健康科技有限公司"
    second = client.post("/v1/staff/transfers", headers=officer, json={**body, "kind": "merger"})
    page = client.get("/v1/staff/transfers", params={"limit": 1}, headers=officer).json()
    assert [t["id"] for t in page["items"]] == [second.json()["id"]]  # newest first
    rest = client.get("/v1/staff/transfers", params={"limit": 1, "cursor": page["next_cursor"]}, headers=officer)
    assert [t["id"] for t in rest.json()["items"]] == [first.json()["id"]]
    assert rest.json()["next_cursor"] is None
    assert client.get("/v1/staff/transfers", headers=desk).json()["code"] == "operation_not_permitted"
