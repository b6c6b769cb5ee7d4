"""A next-of-kin filing answers the same whether or not the number has an account, so it cannot be used to learn
who has one; the privacy officer still sees that no account matched, and cannot approve such a request."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.conftest import Clock
from tests.support.accounts import register
from tests.support.http import staff_session
from yinsi.api.app import create_app
from yinsi.bootstrap import Yinsi

DECEASED, RELATIVE, NOBODY = "13912345678", "13800138000", "13700001234"
BODY = {"type": "next_of_kin", "relationship": "child", "wants": "delete", "text": "死亡证明编号 2026-0001"}


@pytest.fixture
def client(clinic: Yinsi) -> Iterator[TestClient]:
    with TestClient(create_app(clinic), raise_server_exceptions=False) as test_client:
        yield test_client


def comparable(answer: dict[str, Any]) -> dict[str, Any]:
    """What may differ between two filings at all: their ids and times."""
    history = [{k: v for k, v in h.items() if k != "at"} for h in answer["history"]]
    return {**{k: v for k, v in answer.items() if k not in ("id", "created_at")}, "history": history}


def test_a_number_without_an_account_answers_like_one_with_an_account(
    client: TestClient, clinic: Yinsi, clock: Clock
) -> None:
    register(client, clinic, DECEASED)
    clock.advance(seconds=61)
    relative = register(client, clinic, RELATIVE)
    matched = client.post("/v1/me/requests", headers=relative, json={**BODY, "deceased_phone": DECEASED})
    unmatched = client.post("/v1/me/requests", headers=relative, json={**BODY, "deceased_phone": NOBODY})
    assert (matched.status_code, unmatched.status_code) == (201, 201), unmatched.text
    assert matched.headers.keys() == unmatched.headers.keys()
    assert comparable(matched.json()) == comparable(unmatched.json())
    listed = {r["id"] for r in client.get("/v1/me/requests", headers=relative).json()["items"]}
    assert listed == {unmatched.json()["id"], matched.json()["id"]}

    # The officer sees that no account matched (in what the relative wrote), and can only refuse that one.
    dpo = staff_session(client, clinic, "privacy_officer", "dpo.kin")
    seen = client.get(f"/v1/staff/requests/{unmatched.json()['id']}", headers=dpo).json()
    assert seen["payload"]["no_account"] is True
    assert "no_account" not in client.get(f"/v1/staff/requests/{matched.json()['id']}", headers=dpo).json()["payload"]
    url = f"/v1/staff/requests/{unmatched.json()['id']}/actions"
    assert client.post(url, json={"action": "verify"}, headers=dpo).json()["state"] == "verified"
    approve = client.post(
        url, json={"action": "complete", "decision": "approve"}, headers={**dpo, "Accept-Language": "en"}
    )
    assert (approve.status_code, approve.json()["code"]) == (400, "bad_request")
    assert "matches no account" in approve.json()["detail"]
    refused = client.post(url, json={"action": "refuse", "ground": "not_applicable"}, headers=dpo).json()
    assert refused["state"] == "refused"
    assert client.get(f"/v1/me/requests/{unmatched.json()['id']}", headers=relative).json()["state"] == "refused"
