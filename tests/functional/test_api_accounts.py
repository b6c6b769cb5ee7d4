"""Registering and logging in with an SMS code: abuse refused, clearly, without locking out anyone else."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from tests.conftest import Clock
from tests.support.accounts import acceptance, last_code, register
from tests.support.consent import act
from yinsi.api.app import create_app
from yinsi.bootstrap import Yinsi
from yinsi.services.consent import Kind

PHONE = "13912345678"


@pytest.fixture
def client(clinic: Yinsi) -> Iterator[TestClient]:
    with TestClient(create_app(clinic), raise_server_exceptions=False) as test_client:
        yield test_client


def code_for(client: TestClient, yinsi: Yinsi, phone: str = PHONE) -> str:
    assert client.post("/v1/auth/sms-code", json={"phone": phone}).status_code == 202
    return last_code(yinsi)


def login(client: TestClient, phone: str, code: str, yinsi: Yinsi | None = None):  # type: ignore[no-untyped-def]
    body: dict[str, object] = {"phone": phone, "code": code}
    if yinsi is not None:
        body["accept_policy"] = acceptance(yinsi)
    return client.post("/v1/auth/login", json=body)


def test_register_log_out_and_log_in_again(client: TestClient, clinic: Yinsi, clock: Clock) -> None:
    new = login(client, "+86 139 1234 5678", code_for(client, clinic), clinic)
    assert new.status_code == 200
    assert new.json()["new_account"] is True
    headers = {"Authorization": f"Bearer {new.json()['token']}"}
    assert client.get("/v1/me/consents", headers=headers).json()["policy"]["accepted"] is True
    assert client.post("/v1/auth/logout", headers=headers).status_code == 204
    assert client.get("/v1/me/consents", headers=headers).json()["code"] == "unauthenticated"
    clock.advance(seconds=61)
    again = login(client, PHONE, code_for(client, clinic))
    assert again.json()["new_account"] is False
    assert again.json()["subject_id"] == new.json()["subject_id"]
    mine = {"Authorization": f"Bearer {again.json()['token']}"}
    log = client.get("/v1/me/access-log", headers=mine).json()
    assert log["next_cursor"] is None
    assert len(log["items"]) == 2
    assert log["items"][1]["logout_at"] is not None
    assert log["items"][0]["logout_at"] is None
    assert log["items"][0]["address"] == "testclient"
    # A page at a time: the first page says where the next begins, and the next holds the older entry.
    first = client.get("/v1/me/access-log?limit=1", headers=mine).json()
    assert len(first["items"]) == 1
    assert first["items"][0]["logout_at"] is None
    older = client.get("/v1/me/access-log", params={"limit": 1, "cursor": first["next_cursor"]}, headers=mine).json()
    assert [e["logout_at"] is not None for e in older["items"]] == [True]
    assert older["next_cursor"] is None
    act(clinic, again.json()["subject_id"], Kind.POLICY, "current")  # a second act in the ledger
    history = client.get("/v1/me/consents/history?limit=1", headers=mine).json()
    assert len(history["items"]) == 1
    assert history["next_cursor"] is not None
    rest = client.get("/v1/me/consents/history", params={"cursor": history["next_cursor"]}, headers=mine).json()
    assert len(rest["items"]) == 1
    assert rest["items"][0]["id"] > history["items"][0]["id"]  # oldest first, nothing repeated
    bad = client.get("/v1/me/access-log", params={"cursor": "not-a-cursor"}, headers=mine)
    assert bad.status_code == 400
    assert bad.json()["field"] == "cursor"


def test_a_new_number_needs_the_policy_accepted_explicitly(client: TestClient, clinic: Yinsi) -> None:
    code = code_for(client, clinic)
    refused = login(client, PHONE, code)
    assert refused.json()["code"] == "policy_acceptance_required"
    body = {"phone": PHONE, "code": code, "accept_policy": {**acceptance(clinic), "affirmative": False}}
    pre_ticked = client.post("/v1/auth/login", json=body)
    assert pre_ticked.json()["code"] == "consent_not_affirmative"
    assert login(client, PHONE, code, clinic).status_code == 200  # the code was not used up by the refusals


def test_wrong_expired_and_replayed_codes_are_each_refused_clearly(
    client: TestClient, clinic: Yinsi, clock: Clock
) -> None:
    code = code_for(client, clinic)
    wrong = "000000" if code != "000000" else "111111"
    refused = login(client, PHONE, wrong, clinic)
    assert (refused.status_code, refused.json()["code"]) == (401, "code_invalid")
    assert "不正确" in refused.json()["detail"]
    assert login(client, PHONE, code, clinic).status_code == 200
    replayed = client.post("/v1/auth/login", json={"phone": PHONE, "code": code}, headers={"Accept-Language": "en"})
    assert replayed.json()["code"] == "code_invalid"
    assert "used already" in replayed.json()["detail"]
    clock.advance(seconds=61)
    stale = code_for(client, clinic)
    clock.advance(minutes=6)
    expired = client.post("/v1/auth/login", json={"phone": PHONE, "code": stale}, headers={"Accept-Language": "en"})
    assert "expired" in expired.json()["detail"]


def test_five_wrong_tries_burn_a_code(client: TestClient, clinic: Yinsi) -> None:
    code = code_for(client, clinic)
    wrong = [c for c in ("000000", "111111", "222222", "333333", "444444", "555555") if c != code][:5]
    for attempt in wrong:
        assert login(client, PHONE, attempt, clinic).json()["code"] == "code_invalid"
    locked = client.post(
        "/v1/auth/login",
        json={"phone": PHONE, "code": code, "accept_policy": acceptance(clinic)},
        headers={"Accept-Language": "en"},
    )
    assert locked.status_code == 401
    assert "Too many wrong tries" in locked.json()["detail"]


def test_a_flood_from_one_phone_is_refused_without_touching_another(client: TestClient, clinic: Yinsi) -> None:
    assert client.post("/v1/auth/sms-code", json={"phone": PHONE}).status_code == 202
    again = client.post("/v1/auth/sms-code", json={"phone": PHONE})
    assert (again.status_code, again.json()["code"]) == (429, "rate_limited")
    assert int(again.headers["Retry-After"]) > 0
    other = client.post("/v1/auth/sms-code", json={"phone": "13800138000"})
    assert other.status_code == 202
    assert login(client, "13800138000", last_code(clinic), clinic).status_code == 200


def test_hourly_limits_per_phone_and_per_address(client: TestClient, clinic: Yinsi, clock: Clock) -> None:
    for _ in range(5):
        assert client.post("/v1/auth/sms-code", json={"phone": PHONE}).status_code == 202
        clock.advance(seconds=61)
    sixth = client.post("/v1/auth/sms-code", json={"phone": PHONE})
    assert sixth.json()["code"] == "rate_limited"
    assert (
        "hour"
        in client.post("/v1/auth/sms-code", json={"phone": PHONE}, headers={"Accept-Language": "en"}).json()["detail"]
    )
    # The same client address asking for many different numbers hits the address limit instead (100 an hour:
    # high enough for the people behind one NAT; see test_lockout.py for what strangers cannot do).
    sent = 5
    for i in range(120):
        response = client.post("/v1/auth/sms-code", json={"phone": f"1370000{i:04d}"})
        if response.status_code == 429:
            assert (
                "network address"
                in client.post(
                    "/v1/auth/sms-code", json={"phone": "13600000000"}, headers={"Accept-Language": "en"}
                ).json()["detail"]
            )
            break
        sent += 1
    assert sent == 100


def test_failed_logins_are_limited_per_phone_and_per_address(client: TestClient, clinic: Yinsi) -> None:
    code = code_for(client, clinic)
    for _ in range(10):
        login(client, PHONE, "999999" if code != "999999" else "888888", clinic)
    blocked = login(client, PHONE, code, clinic)
    assert blocked.json()["code"] == "rate_limited"
    # Someone else logs in fine from elsewhere.
    other = code_for(client, clinic, "13800138000")
    assert login(client, "13800138000", other, clinic).status_code == 200


def test_password_login_after_setting_one(client: TestClient, clinic: Yinsi) -> None:
    headers = register(client, clinic, PHONE)
    short = client.put("/v1/me/password", json={"password": "short"}, headers=headers)
    assert short.json()["code"] == "invalid_value"
    assert client.put("/v1/me/password", json={"password": "correct horse 电池"}, headers=headers).status_code == 204
    good = client.post("/v1/auth/password-login", json={"phone": PHONE, "password": "correct horse 电池"})
    assert good.status_code == 200
    bad = client.post("/v1/auth/password-login", json={"phone": PHONE, "password": "wrong horse"})
    assert bad.json()["code"] == "credentials_invalid"
    nobody = client.post("/v1/auth/password-login", json={"phone": "13800138000", "password": "anything 123"})
    assert nobody.json() == {**bad.json()}  # an unknown number answers exactly like a wrong password


def test_a_session_expires(client: TestClient, clinic: Yinsi, clock: Clock) -> None:
    headers = register(client, clinic, PHONE)
    assert client.get("/v1/me/consents", headers=headers).status_code == 200
    clock.advance(days=31)
    assert client.get("/v1/me/consents", headers=headers).json()["code"] == "unauthenticated"


def test_a_session_reaches_only_its_own_records(client: TestClient, clinic: Yinsi, clock: Clock) -> None:
    alice = register(client, clinic, PHONE)
    clock.advance(seconds=61)
    bob = register(client, clinic, "13800138000")
    bob_id = client.get("/v1/me/wards", headers=bob)  # no wards: an empty list, not someone else's
    assert bob_id.json() == {"wards": []}
    alice_state = client.get("/v1/me/consents", headers=alice).json()
    bob_state = client.get("/v1/me/consents", headers=bob).json()
    assert alice_state["states"][0]["entry_id"] != bob_state["states"][0]["entry_id"]
    bob_subject = clinic.accounts.authenticate(bob["Authorization"].split()[1])
    peek = client.get(f"/v1/me/wards/{bob_subject}/consents", headers=alice)
    assert (peek.status_code, peek.json()["code"]) == (403, "forbidden")
    api_key_as_session = client.get("/v1/me/consents", headers={"Authorization": "Bearer yk_abc_def"})
    assert api_key_as_session.json()["code"] == "unauthenticated"
