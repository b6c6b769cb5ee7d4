"""The vault over HTTP: keys bound to roles, purposes on every read, problem+json for every failure."""

from __future__ import annotations

import logging
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from httpx2 import Response

from tests.support.consent import accept_policy
from tests.support.http import api_key, staff_session
from yinsi.api.app import create_app
from yinsi.bootstrap import Yinsi

PROBLEM = "application/problem+json"


@pytest.fixture
def client(clinic: Yinsi) -> Iterator[TestClient]:
    with TestClient(create_app(clinic), raise_server_exceptions=False) as test_client:
        yield test_client


@pytest.fixture
def keys(clinic: Yinsi, client: TestClient) -> dict[str, dict[str, str]]:
    """Services hold API keys; staff (front desk, privacy officer) log in with password and TOTP."""
    headers = {role: api_key(clinic, role) for role in ("clinic_app", "marketing")}
    headers.update({role: staff_session(client, clinic, role) for role in ("front_desk", "privacy_officer")})
    return headers


@pytest.fixture
def patient(client: TestClient, keys: dict[str, dict[str, str]], clinic: Yinsi) -> str:
    created = client.post("/v1/subjects", headers=keys["clinic_app"])
    assert created.status_code == 201
    subject = str(created.json()["id"])
    accept_policy(clinic, subject)
    written = client.put(
        f"/v1/subjects/{subject}/pi",
        headers=keys["clinic_app"],
        json={
            "purpose": "registration",
            "source": "clinic-app",
            "values": {"mobile": "13912345678", "name": "张三", "email": "zs@example.com"},
        },
    )
    assert written.status_code == 200, written.text
    assert written.json()["written"] == ["mobile", "name", "email"]
    return subject


def assert_problem(response: Response, status: int, code: str) -> dict[str, object]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith(PROBLEM)
    body = response.json()
    assert body["code"] == code
    assert body["status"] == status
    assert body["detail"]
    assert body["title"]
    assert body["type"].endswith(code)
    assert "Traceback" not in response.text
    return dict(body)


def test_a_key_of_one_role_cannot_read_what_another_role_may(
    client: TestClient, keys: dict[str, dict[str, str]], patient: str
) -> None:
    app = client.get(f"/v1/subjects/{patient}/pi", params={"purpose": "registration"}, headers=keys["clinic_app"])
    assert app.status_code == 200
    assert app.json()["values"] == {"mobile": "139****5678", "name": "张三", "email": "z***@example.com"}
    desk = client.get(f"/v1/subjects/{patient}/pi", params={"purpose": "registration"}, headers=keys["front_desk"])
    assert desk.json()["values"] == {"mobile": "139****5678", "name": "张*"}
    assert desk.json()["denied"] == {"email": "field_not_visible"}
    marketing = client.get(f"/v1/subjects/{patient}/pi", params={"purpose": "registration"}, headers=keys["marketing"])
    body = assert_problem(marketing, 403, "purpose_not_permitted")
    assert body["purpose"] == "registration"


def test_missing_and_wrong_keys_get_401(client: TestClient, patient: str) -> None:
    url = f"/v1/subjects/{patient}/pi?purpose=registration"
    assert_problem(client.get(url), 401, "unauthenticated")
    assert_problem(client.get(url, headers={"Authorization": "Bearer yk_nope_nope"}), 401, "unauthenticated")
    assert_problem(client.get(url, headers={"Authorization": "Basic dXNlcjpwYXNz"}), 401, "unauthenticated")
    assert_problem(client.get(url, headers={"X-API-Key": "garbage"}), 401, "unauthenticated")


def test_a_revoked_key_stops_working_at_once(client: TestClient, clinic: Yinsi, patient: str) -> None:
    headers = api_key(clinic, "clinic_app")
    url = f"/v1/subjects/{patient}/pi?purpose=registration"
    assert client.get(url, headers=headers).status_code == 200
    key_id = headers["Authorization"].split("_")[1]
    assert clinic.services.keys.revoke(key_id=key_id)
    assert_problem(client.get(url, headers=headers), 401, "unauthenticated")


def test_every_read_names_its_purpose(client: TestClient, keys: dict[str, dict[str, str]], patient: str) -> None:
    assert_problem(client.get(f"/v1/subjects/{patient}/pi", headers=keys["clinic_app"]), 400, "purpose_required")
    assert_problem(
        client.get(f"/v1/subjects/{patient}/pi", params={"purpose": "profiling"}, headers=keys["clinic_app"]),
        403,
        "purpose_not_declared",
    )


def test_writes_that_the_spec_does_not_allow_are_refused(
    client: TestClient, keys: dict[str, dict[str, str]], patient: str
) -> None:
    url = f"/v1/subjects/{patient}/pi"
    undeclared = client.put(
        url, headers=keys["clinic_app"], json={"purpose": "registration", "source": "x", "values": {"religion": "none"}}
    )
    body = assert_problem(undeclared, 403, "field_not_declared")
    assert body["reasons"] == {"religion": "field_not_declared"}
    invalid = client.put(
        url,
        headers=keys["clinic_app"],
        json={"purpose": "real_name_visit", "source": "x", "values": {"id_number": "110105194912310021"}},
    )
    problem = assert_problem(invalid, 422, "invalid_value")
    assert problem["field"] == "id_number"
    assert "110105194912310021" not in invalid.text


def test_malformed_json_and_wrong_shapes_get_problems_not_500s(
    client: TestClient, keys: dict[str, dict[str, str]], patient: str
) -> None:
    url = f"/v1/subjects/{patient}/pi"
    headers = {**keys["clinic_app"], "Content-Type": "application/json"}
    assert_problem(client.put(url, headers=headers, content=b'{"purpose": "registration",'), 400, "malformed_json")
    wrong = client.put(url, headers=keys["clinic_app"], json={"purpose": "registration", "values": "13912345678"})
    body = assert_problem(wrong, 422, "invalid_request")
    assert "13912345678" not in wrong.text  # the rejected input is never echoed
    assert {e["field"] for e in body["errors"]} >= {"source", "values"}  # type: ignore[union-attr]
    extra = client.put(
        url,
        headers=keys["clinic_app"],
        json={"purpose": "registration", "source": "x", "values": {"name": "王五"}, "debug": True},
    )
    assert_problem(extra, 422, "invalid_request")
    assert_problem(
        client.get("/v1/subjects/no-such-subject/pi?purpose=registration", headers=keys["clinic_app"]), 404, "not_found"
    )
    assert_problem(client.get("/v1/nothing-here", headers=keys["clinic_app"]), 404, "not_found")
    assert_problem(client.patch(url, headers=keys["clinic_app"]), 405, "method_not_allowed")


def test_a_huge_body_is_refused_before_it_is_read(
    client: TestClient, keys: dict[str, dict[str, str]], patient: str, clinic: Yinsi
) -> None:
    url = f"/v1/subjects/{patient}/pi"
    huge = b'{"purpose": "registration", "source": "x", "values": {"name": "' + b"a" * (2 * 1024 * 1024) + b'"}}'
    response = client.put(url, headers={**keys["clinic_app"], "Content-Type": "application/json"}, content=huge)
    assert_problem(response, 413, "payload_too_large")

    def chunks() -> Iterator[bytes]:  # no Content-Length: the limit must hold while streaming
        yield b'{"purpose": "registration", "values": {"name": "'
        for _ in range(40):
            yield b"b" * 65536
        yield b'"}}'

    streamed = client.put(url, headers={**keys["clinic_app"], "Content-Type": "application/json"}, content=chunks())
    assert_problem(streamed, 413, "payload_too_large")
    # Its language is chosen as every other problem's is: by preference, not by the header's first letters.
    english = client.put(
        url,
        headers={**keys["clinic_app"], "Content-Type": "application/json", "Accept-Language": "fr, en;q=0.8"},
        content=huge,
    )
    assert (english.headers["content-language"], english.json()["title"]) == ("en", "Request body too large")
    chinese = client.put(
        url,
        headers={**keys["clinic_app"], "Content-Type": "application/json", "Accept-Language": "en;q=0, zh"},
        content=huge,
    )
    assert chinese.headers["content-language"] == "zh-CN"


def test_problems_speak_chinese_by_default_and_english_on_request(client: TestClient, patient: str) -> None:
    url = f"/v1/subjects/{patient}/pi?purpose=registration"
    chinese = client.get(url).json()
    english = client.get(url, headers={"Accept-Language": "en-GB,en;q=0.9,zh;q=0.5"}).json()
    assert chinese["code"] == english["code"] == "unauthenticated"
    assert "密钥" in chinese["detail"]
    assert "API key" in english["detail"]


def test_lookup_takes_the_value_in_the_body_and_shred_needs_the_erase_operation(
    client: TestClient, keys: dict[str, dict[str, str]], patient: str
) -> None:
    found = client.post(
        "/v1/subjects/lookup",
        headers=keys["front_desk"],
        json={"field": "mobile", "value": "+86 139 1234 5678", "purpose": "registration"},
    )
    assert found.json() == {"subjects": [patient]}
    assert_problem(client.delete(f"/v1/subjects/{patient}", headers=keys["clinic_app"]), 403, "operation_not_permitted")
    assert client.delete(f"/v1/subjects/{patient}", headers=keys["privacy_officer"]).status_code == 204
    gone = client.get(f"/v1/subjects/{patient}/pi", params={"purpose": "registration"}, headers=keys["clinic_app"])
    assert_problem(gone, 403, "subject_erased")
    assert_problem(client.delete(f"/v1/subjects/{patient}", headers=keys["privacy_officer"]), 409, "conflict")


def test_the_api_is_described_and_the_policy_is_published(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    assert {"/v1/subjects", "/v1/subjects/{subject_id}/pi", "/v1/subjects/lookup"} <= set(spec["paths"])
    assert client.get("/docs").status_code == 200
    assert client.get("/health").json()["status"] == "ok"
    page = client.get("/policy")
    assert page.status_code == 200
    assert "测试诊所隐私政策" in page.text
    assert "Test Clinic Privacy Policy" in client.get("/policy", params={"lang": "en"}).text
    assert "測試診所隱私政策" in client.get("/policy", params={"lang": "zh-TW"}).text
    assert client.get("/policy.md").headers["content-type"].startswith("text/markdown")


def test_an_unexpected_failure_is_a_problem_without_details(
    client: TestClient,
    clinic: Yinsi,
    keys: dict[str, dict[str, str]],
    patient: str,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    async def broken(**_: object) -> None:
        raise RuntimeError("secret internal state: 13912345678")

    monkeypatch.setattr(clinic.vault, "read_served", broken)
    with caplog.at_level(logging.DEBUG):
        response = client.get(
            f"/v1/subjects/{patient}/pi", params={"purpose": "registration"}, headers=keys["clinic_app"]
        )
    assert_problem(response, 500, "internal_error")
    assert "13912345678" not in response.text
    assert "RuntimeError" not in response.text
    # The server's log names what failed and where, never what the exception said (nor its traceback).
    logged = "\n".join(r.getMessage() + (r.exc_text or "") for r in caplog.records)
    assert f"unexpected RuntimeError in GET /v1/subjects/{patient}/pi" in logged
    assert "13912345678" not in logged
    assert not any(r.exc_info for r in caplog.records)
