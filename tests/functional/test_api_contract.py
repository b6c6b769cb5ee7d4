"""The API keeps its published contract: Schemathesis drives every operation of /openapi.json.

Each operation is called as its audience calls it (a service's API key for
/v1/subjects, a person's session for /v1/me and /v1/auth/logout, a staff
session for /v1/staff) with data Schemathesis generates from the document,
valid and invalid. No answer may be a 5xx, and every answer must be one the
document declares: its status, its content type and its body's schema. The
run is bounded (a few examples per operation, derandomised) so that it stays
well under a minute.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from fastapi import FastAPI
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.core.failures import Failure, FailureGroup
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tests.conftest import Clock
from tests.support.accounts import register
from tests.support.http import api_key, staff_session
from yinsi.api.app import create_app
from yinsi.bootstrap import Yinsi

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]
EXAMPLES = 6
pytestmark = pytest.mark.slow


@pytest.fixture
def app(clinic: Yinsi) -> Iterator[FastAPI]:
    return create_app(clinic)


class Audiences:
    """A token for each audience; a person's session is new for each operation, since some end it (a
    cancellation filed through POST /v1/me/requests, a logout)."""

    def __init__(self, app: FastAPI, clinic: Yinsi) -> None:
        self.client = TestClient(app, raise_server_exceptions=False)
        self.clinic = clinic
        self.service = api_key(clinic, "clinic_app")
        self.staff = staff_session(self.client, clinic, "privacy_officer")
        self.people = 0

    def person(self) -> dict[str, str]:
        self.people += 1
        return register(self.client, self.clinic, f"139{self.people:08d}", address=f"198.51.100.{self.people}")

    def headers_for(self, path: str) -> dict[str, str]:
        if path.startswith("/v1/staff"):
            return {} if path == "/v1/staff/login" else self.staff
        if path.startswith("/v1/me") or path == "/v1/auth/logout":
            return self.person()
        if path.startswith("/v1/subjects"):
            return self.service
        return {}


def _exercise(operation: Any, headers: dict[str, str], failures: list[Failure]) -> None:
    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        database=None,
        derandomize=True,
        suppress_health_check=list(HealthCheck),
    )
    @given(case=operation.as_strategy())
    def call(case: Any) -> None:
        try:
            case.call_and_validate(headers={**headers, **(case.headers or {})}, checks=CHECKS)
        except FailureGroup as group:
            failures.extend(group.exceptions)
        except Failure as failure:
            failures.append(failure)

    call()


def _kinds(failures: list[Failure]) -> set[tuple[str, str, str]]:
    return {(f.operation or "", type(f).__name__, f._unique_key) for f in failures}


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
def test_every_operation_answers_within_its_contract(app: FastAPI, clinic: Yinsi) -> None:
    audiences = Audiences(app, clinic)
    schema = schemathesis.openapi.from_asgi("/openapi.json", app)
    failures: list[Failure] = []
    operations = 0
    # Logging out ends the session the other operations use: those two go last.
    every = sorted((r.ok() for r in schema.get_all_operations()), key=lambda o: o.path.endswith("/logout"))
    for operation in every:
        operations += 1
        headers = audiences.headers_for(operation.path)

        _exercise(operation, headers, failures)
    kinds = sorted(_kinds(failures))
    report = "\n".join(f"{op}: {kind} {key}" for op, kind, key in kinds)
    assert operations > 40
    assert not kinds, f"{len(kinds)} kinds of mismatch:\n{report}"


# --------------------------------------------------------------------------- the document itself


@pytest.fixture
def document(app: FastAPI) -> dict[str, Any]:
    with TestClient(app) as client:
        return dict(client.get("/openapi.json").json())


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
def test_each_audience_has_its_security_scheme(document: dict[str, Any]) -> None:
    schemes = document["components"]["securitySchemes"]
    assert set(schemes) == {"ServiceKey", "ServiceKeyHeader", "PersonSession", "StaffSession"}
    paths = document["paths"]
    assert paths["/v1/subjects/{subject_id}/pi"]["get"]["security"] == [
        {"ServiceKey": []},
        {"ServiceKeyHeader": []},
        {"StaffSession": []},
    ]
    assert paths["/v1/me/consents"]["get"]["security"] == [{"PersonSession": []}]
    assert paths["/v1/staff/requests"]["get"]["security"] == [{"StaffSession": []}]
    assert "security" not in paths["/v1/auth/login"]["post"]
    assert "security" not in paths["/health"]["get"]


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
def test_every_error_is_a_problem_with_its_codes(document: dict[str, Any]) -> None:
    operation_ids = []
    for path, item in document["paths"].items():
        for method, operation in item.items():
            operation_ids.append(operation["operationId"])
            for status, response in operation["responses"].items():
                if int(status) >= 400:
                    assert list(response["content"]) == ["application/problem+json"], (method, path, status)
                    assert response["x-problem-codes"], (method, path, status)
            if path.startswith("/v1/"):
                assert "busy" in operation["responses"]["503"]["x-problem-codes"]
            if "security" in operation:
                assert "unauthenticated" in operation["responses"]["401"]["x-problem-codes"]
            if operation.get("parameters") or "requestBody" in operation:
                assert "invalid_request" in operation["responses"]["422"]["x-problem-codes"]
    assert len(operation_ids) == len(set(operation_ids))
    assert "HTTPValidationError" not in document["components"]["schemas"]
    read = document["paths"]["/v1/subjects/{subject_id}/pi"]["get"]
    purpose = next(p for p in read["parameters"] if p["name"] == "purpose")
    assert purpose["required"] is True
    assert "purpose_required" in read["responses"]["400"]["x-problem-codes"]
    assert "subject_erased" in read["responses"]["403"]["x-problem-codes"]


# Generated clients name their methods after these: renaming one breaks every client, so it is a decision.
OPERATION_IDS = {
    ("GET", "/health"): "health",
    ("GET", "/v1/announcements"): "list_announcements",
    ("GET", "/policy"): "policy_html",
    ("GET", "/policy.md"): "policy_markdown",
    ("POST", "/v1/subjects"): "create_subject",
    ("PUT", "/v1/subjects/{subject_id}/pi"): "write_pi",
    ("GET", "/v1/subjects/{subject_id}/pi"): "read_pi",
    ("POST", "/v1/subjects/lookup"): "lookup_subjects",
    ("DELETE", "/v1/subjects/{subject_id}"): "shred_subject",
    ("POST", "/v1/subjects/{subject_id}/provisions"): "provide_to_recipient",
    ("POST", "/v1/subjects/{subject_id}/blockers"): "add_blocker",
    ("DELETE", "/v1/subjects/{subject_id}/blockers/{blocker_id}"): "clear_blocker",
    ("PUT", "/v1/subjects/{subject_id}/external-logins"): "link_external_login",
    ("POST", "/v1/auth/sms-code"): "send_sms_code",
    ("POST", "/v1/auth/login"): "login_with_code",
    ("POST", "/v1/auth/password-login"): "login_with_password",
    ("POST", "/v1/auth/logout"): "logout",
    ("GET", "/v1/me/consents"): "get_my_consents",
    ("POST", "/v1/me/consents"): "give_consent",
    ("GET", "/v1/me/consents/history"): "list_my_consent_history",
    ("GET", "/v1/me/consents/ask"): "may_ask_consent",
    ("POST", "/v1/me/policy/accept"): "accept_policy",
    ("PUT", "/v1/me/personalisation"): "set_personalisation",
    ("GET", "/v1/me/access-log"): "list_my_access_log",
    ("PUT", "/v1/me/password"): "set_my_password",
    ("POST", "/v1/me/handover"): "create_handover_code",
    ("POST", "/v1/me/guardian"): "request_guardian_link",
    ("POST", "/v1/me/wards"): "confirm_ward",
    ("GET", "/v1/me/wards"): "list_my_wards",
    ("GET", "/v1/me/wards/{ward_id}/consents"): "get_ward_consents",
    ("POST", "/v1/me/wards/{ward_id}/consents"): "give_ward_consent",
    ("PUT", "/v1/me/wards/{ward_id}/pi"): "correct_ward_pi",
    ("DELETE", "/v1/me/wards/{ward_id}/pi/{field}"): "delete_ward_pi",
    ("POST", "/v1/me/requests"): "file_request",
    ("GET", "/v1/me/requests"): "list_my_requests",
    ("GET", "/v1/me/requests/{request_id}"): "get_my_request",
    ("POST", "/v1/me/requests/{request_id}/withdraw"): "withdraw_my_request",
    ("POST", "/v1/me/requests/{request_id}/proceed"): "proceed_with_my_request",
    ("GET", "/v1/me/blockers"): "list_my_blockers",
    ("GET", "/v1/me/exports/{export_id}"): "download_my_export",
    ("POST", "/v1/staff/login"): "staff_login",
    ("POST", "/v1/staff/logout"): "staff_logout",
    ("GET", "/v1/staff/audit"): "list_audit_events",
    ("GET", "/v1/staff/requests"): "list_request_queue",
    ("GET", "/v1/staff/requests/{request_id}"): "get_queued_request",
    ("POST", "/v1/staff/requests/{request_id}/assign"): "assign_request",
    ("POST", "/v1/staff/requests/{request_id}/actions"): "act_on_request",
    ("GET", "/v1/staff/statistics"): "request_statistics",
    ("GET", "/v1/staff/webhooks"): "list_webhook_events",
    ("GET", "/v1/staff/webhooks/{event_id}"): "get_webhook_event",
    ("POST", "/v1/staff/webhooks/{event_id}/replay"): "replay_webhook_event",
    ("GET", "/v1/staff/provisions"): "list_provisions",
    ("POST", "/v1/staff/entrustments/{recipient}/end"): "end_entrustment",
    ("POST", "/v1/staff/entrustments/{ending_id}/confirmation"): "confirm_processor_deletion",
    ("POST", "/v1/staff/disclosures"): "request_disclosure",
    ("POST", "/v1/staff/disclosures/{disclosure_id}/decision"): "decide_disclosure",
    ("GET", "/v1/staff/disclosures"): "list_disclosures",
    ("POST", "/v1/public-disclosures"): "make_public",
    ("GET", "/v1/staff/public-disclosures"): "list_public_disclosures",
    ("POST", "/v1/staff/transfers"): "announce_business_transfer",
    ("GET", "/v1/staff/transfers"): "list_business_transfers",
    ("POST", "/v1/staff/incidents"): "record_incident",
    ("GET", "/v1/staff/incidents"): "list_incidents",
    ("GET", "/v1/staff/incidents/{incident_id}"): "show_incident",
    ("PATCH", "/v1/staff/incidents/{incident_id}"): "complete_incident",
    ("POST", "/v1/staff/incidents/{incident_id}/draft"): "draft_notice",
    ("POST", "/v1/staff/incidents/{incident_id}/notify"): "notify_subjects",
    ("POST", "/v1/staff/incidents/{incident_id}/report"): "regulator_report",
    ("GET", "/v1/staff/anonymous-statistics"): "anonymous_statistics",
    ("GET", "/v1/shutdown"): "shutdown_state",
}


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
def test_operation_ids_are_stable(document: dict[str, Any]) -> None:
    found = {
        (method.upper(), path): operation["operationId"]
        for path, item in document["paths"].items()
        for method, operation in item.items()
    }
    assert found == OPERATION_IDS


# --------------------------------------------------------------------------- pages


@pytest.mark.db
def test_the_staff_queue_and_the_audit_trail_come_in_pages(app: FastAPI, clinic: Yinsi, clock: Clock) -> None:
    with TestClient(app, raise_server_exceptions=False) as client:
        person = register(client, clinic, "13912345678")
        filed = []
        for i in range(5):
            clock.advance(seconds=1)
            done = client.post("/v1/me/requests", json={"type": "complain", "text": f"第 {i} 次投诉"}, headers=person)
            filed.append(done.json()["id"])
        staff = staff_session(client, clinic, "privacy_officer")
        seen: list[str] = []
        cursor = None
        pages = 0
        while True:
            params: dict[str, Any] = {"limit": 2, **({"cursor": cursor} if cursor else {})}
            page = client.get("/v1/staff/requests", params=params, headers=staff).json()
            seen += [r["id"] for r in page["items"]]
            pages += 1
            cursor = page["next_cursor"]
            if cursor is None:
                break
        assert pages == 3
        assert sorted(seen) == sorted(filed)
        assert len(seen) == 5
        mine = client.get("/v1/me/requests", params={"limit": 3}, headers=person).json()
        rest = client.get("/v1/me/requests", params={"limit": 3, "cursor": mine["next_cursor"]}, headers=person).json()
        assert [r["id"] for r in mine["items"] + rest["items"]] == list(reversed(filed))
        assert rest["next_cursor"] is None

        first = client.get("/v1/staff/audit", params={"limit": 3}, headers=staff).json()
        second = client.get("/v1/staff/audit", params={"limit": 3, "cursor": first["next_cursor"]}, headers=staff)
        assert len(first["events"]) == 3
        assert second.status_code == 200
        assert first["events"][-1] != second.json()["events"][0]

        for bad in ("not-a-cursor", "WyJ4Il0", "e30"):
            refused = client.get("/v1/staff/requests", params={"cursor": bad}, headers=staff)
            assert refused.status_code == 400, refused.text
            assert refused.json()["code"] == "bad_request"
            assert refused.json()["field"] == "cursor"
            assert client.get("/v1/staff/audit", params={"cursor": bad}, headers=staff).status_code == 400
