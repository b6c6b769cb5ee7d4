"""A blocked cancellation names its blockers: to staff in the 409, to the person on their request."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.conftest import ROOT, Backend, Clock
from tests.support.accounts import register
from tests.support.http import api_key, staff_session
from yinsi.api.app import create_app
from yinsi.bootstrap import Yinsi, open_yinsi
from yinsi.core.policy.compiled import CompiledPolicy
from yinsi.core.policy.load import load_policy_text

PHONE = "13912345670"
WALLET = {
    "kind": "wallet_balance",
    "label_zh": "钱包余额未使用",
    "label_en": "An unused wallet balance",
    "action_zh": "请先提现或使用余额",
    "action_en": "Withdraw or spend the balance first",
}


def _reviewed_clinic() -> CompiledPolicy:
    """The clinic, where staff review every cancellation (no self-service)."""
    text = (ROOT / "tests" / "fixtures" / "clinic.yaml").read_text(encoding="utf-8")
    reviewed = text.replace("cancel_account: {self_service: true, path:", "cancel_account: {path:", 1)
    assert reviewed != text
    result = load_policy_text(reviewed, "reviewed-clinic.yaml")
    assert result.spec is not None, [p.format("en") for p in result.errors]
    return CompiledPolicy.from_spec(result.spec)


@pytest.fixture
def reviewed(backend: Backend, clock: Clock) -> Iterator[Yinsi]:
    instance = open_yinsi(backend.settings, migrate=False, policy=_reviewed_clinic(), now=clock)
    yield instance
    instance.close()


def _client(yinsi: Yinsi) -> TestClient:
    return TestClient(create_app(yinsi), raise_server_exceptions=False)


def _blocked_person(client: TestClient, yinsi: Yinsi) -> tuple[dict[str, str], dict[str, Any]]:
    session = register(client, yinsi, PHONE)
    subject = yinsi.accounts.authenticate(session["Authorization"].split()[1])
    added = client.post(f"/v1/subjects/{subject}/blockers", headers=api_key(yinsi, "clinic_app"), json=WALLET)
    assert added.status_code == 201, added.text
    filed = client.post("/v1/me/requests", json={"type": "cancel_account"}, headers=session)
    assert filed.status_code == 201, filed.text
    return session, filed.json()


def _assert_names_the_blocker(answer: dict[str, Any] | None, then: str) -> None:
    assert answer is not None
    assert answer["blocked"] is True
    [blocker] = answer["blockers"]
    assert blocker["kind"] == "wallet_balance"
    assert blocker["label"] == {"zh-CN": "钱包余额未使用", "en": "An unused wallet balance"}
    assert blocker["what_to_do"] == {"zh-CN": "请先提现或使用余额", "en": "Withdraw or spend the balance first"}
    assert then in answer["what_next"]["en"]


def test_staff_are_told_which_blockers_stop_the_cancellation(reviewed: Yinsi) -> None:
    with _client(reviewed) as client:
        session, filed = _blocked_person(client, reviewed)
        _assert_names_the_blocker(filed["answer"], "staff then complete")
        seen = client.get(f"/v1/me/requests/{filed['id']}", headers=session).json()
        _assert_names_the_blocker(seen["answer"], "staff then complete")

        officer = staff_session(client, reviewed, "privacy_officer")
        url = f"/v1/staff/requests/{filed['id']}/actions"
        refused = client.post(url, json={"action": "complete"}, headers={**officer, "Accept-Language": "en"})
        assert refused.status_code == 409, refused.text
        body = refused.json()
        assert body["code"] == "cancellation_blocked"
        assert "An unused wallet balance (wallet_balance)" in body["detail"]
        assert [(b["kind"], b["label"]["en"], b["what_to_do"]["en"]) for b in body["blockers"]] == [
            ("wallet_balance", "An unused wallet balance", "Withdraw or spend the balance first")
        ]
        assert PHONE not in json.dumps(body, ensure_ascii=False)
        zh = client.post(url, json={"action": "complete"}, headers=officer).json()
        assert "钱包余额未使用（wallet_balance）" in zh["detail"]


def test_the_person_sees_what_a_self_service_cancellation_waits_on(clinic: Yinsi) -> None:
    with _client(clinic) as client:
        session, filed = _blocked_person(client, clinic)
        assert filed["state"] == "in_progress"
        _assert_names_the_blocker(filed["answer"], f"/v1/me/requests/{filed['id']}/proceed")
        seen = client.get(f"/v1/me/requests/{filed['id']}", headers=session).json()
        assert seen["state"] == "in_progress"
        _assert_names_the_blocker(seen["answer"], f"/v1/me/requests/{filed['id']}/proceed")
