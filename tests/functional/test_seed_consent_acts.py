"""Withdrawing or refusing needs no `affirmative`; a grant without it is named, not a generic 422."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from tests.support.accounts import register
from tests.support.consent import SHOWN
from yinsi.api.app import create_app
from yinsi.bootstrap import Yinsi


@pytest.fixture
def client(clinic: Yinsi) -> Iterator[TestClient]:
    with TestClient(create_app(clinic), raise_server_exceptions=False) as test_client:
        yield test_client


def _act(action: str, **extra: object) -> dict[str, object]:
    return {"kind": "purpose", "scope": "newsletter", "action": action, "text_hash": SHOWN, **extra}


def test_withdraw_and_refuse_need_no_affirmative(client: TestClient, clinic: Yinsi) -> None:
    session = register(client, clinic, "13912340001")
    granted = client.post("/v1/me/consents", headers=session, json=_act("grant", affirmative=True))
    assert granted.status_code == 201, granted.text
    withdrawn = client.post("/v1/me/consents", headers=session, json=_act("withdraw"))
    assert withdrawn.status_code == 201, withdrawn.text
    assert withdrawn.json()["action"] == "withdraw"
    refused = client.post("/v1/me/consents", headers=session, json=_act("refuse"))
    assert refused.status_code == 201, refused.text
    states = client.get("/v1/me/consents", headers=session).json()["states"]
    assert {"kind": "purpose", "scope": "newsletter"} in [{"kind": s["kind"], "scope": s["scope"]} for s in states]


def test_a_grant_without_affirmative_gets_the_documented_code(client: TestClient, clinic: Yinsi) -> None:
    session = register(client, clinic, "13912340002")
    for body in (_act("grant"), _act("grant", affirmative=False)):
        answer = client.post("/v1/me/consents", headers=session, json=body)
        assert (answer.status_code, answer.json()["code"]) == (422, "consent_not_affirmative"), answer.text
    accept = {"policy_version": clinic.policy.current().version, "text_hash": SHOWN}
    answer = client.post("/v1/me/policy/accept", headers=session, json=accept)
    assert (answer.status_code, answer.json()["code"]) == (422, "consent_not_affirmative"), answer.text


def test_accepting_at_login_without_affirmative_gets_the_documented_code(client: TestClient, clinic: Yinsi) -> None:
    from tests.support.accounts import last_code

    assert client.post("/v1/auth/sms-code", json={"phone": "13912340003"}).status_code == 202
    accept = {"policy_version": clinic.policy.current().version, "text_hash": SHOWN}
    body = {"phone": "13912340003", "code": last_code(clinic), "accept_policy": accept}
    answer = client.post("/v1/auth/login", json=body)
    assert (answer.status_code, answer.json()["code"]) == (422, "consent_not_affirmative"), answer.text
