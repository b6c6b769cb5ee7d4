"""Seed 004 needs a guardian's consent under 18: its sign-up now asks a birth date, so the rule runs as in 000."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta

import pytest
from fastapi.testclient import TestClient

from tests.conftest import EXAMPLES, Backend, Clock
from tests.support.accounts import last_code, register
from tests.support.consent import SHOWN
from yinsi.api.app import create_app
from yinsi.bootstrap import Yinsi, open_yinsi
from yinsi.core.errors import AccessDenied
from yinsi.core.policy.compiled import CompiledPolicy
from yinsi.core.policy.load import load_policy_file
from yinsi.services.vault import Actor

APP = Actor("key:app", "app_service")
MARKETING = Actor("key:marketing", "marketing_service")


def _born(years: int) -> str:
    today = date.today()
    return (date(today.year - years, today.month, 1) - timedelta(days=1)).isoformat()


@pytest.fixture
def mini_program(backend: Backend, clock: Clock) -> Iterator[Yinsi]:
    result = load_policy_file(EXAMPLES / "004_e38994de5eb8bac3.yaml")
    assert result.spec is not None
    instance = open_yinsi(backend.settings, migrate=False, policy=CompiledPolicy.from_spec(result.spec), now=clock)
    yield instance
    instance.close()


@pytest.fixture
def client(mini_program: Yinsi) -> Iterator[TestClient]:
    with TestClient(create_app(mini_program), raise_server_exceptions=False) as test_client:
        yield test_client


def _consent(kind: str, scope: str) -> dict[str, object]:
    return {
        "kind": kind,
        "scope": scope,
        "action": "grant",
        "text_hash": SHOWN,
        "language": "zh-CN",
        "channel": "wechat_mini_program",
        "affirmative": True,
    }


def test_a_sixteen_year_old_signs_up_with_a_birth_date_and_only_a_guardian_consents(
    client: TestClient, mini_program: Yinsi, clock: Clock
) -> None:
    teen = register(client, mini_program, "13912345678")
    teen_id = mini_program.accounts.authenticate(teen["Authorization"].split()[1])
    mini_program.vault.write(
        actor=APP, subject_id=teen_id, purpose="account", values={"birth_date": _born(16)}, source="sign-up"
    )
    state = client.get("/v1/me/consents", headers=teen).json()
    assert (state["minor"], state["needs_guardian"]) == ("under_18", True)
    own = client.post("/v1/me/consents", json=_consent("purpose", "marketing"), headers=teen)
    assert (own.status_code, own.json()["code"]) == (403, "guardian_consent_required")
    with pytest.raises(AccessDenied):
        mini_program.vault.write(
            actor=MARKETING, subject_id=teen_id, purpose="marketing", values={"behaviour_data": "x"}, source="app"
        )

    clock.advance(seconds=61)
    parent = register(client, mini_program, "13800138000")
    clock.advance(seconds=61)
    assert client.post("/v1/me/guardian", json={"guardian_phone": "13800138000"}, headers=teen).status_code == 202
    linked = client.post("/v1/me/wards", json={"code": last_code(mini_program)}, headers=parent)
    assert linked.json() == {"wards": [teen_id]}
    version = mini_program.policy.current().version
    for body in ({**_consent("policy", "current"), "policy_version": version}, _consent("purpose", "marketing")):
        given = client.post(f"/v1/me/wards/{teen_id}/consents", json=body, headers=parent)
        assert given.status_code == 201, given.text
    mini_program.vault.write(
        actor=MARKETING, subject_id=teen_id, purpose="marketing", values={"behaviour_data": "浏览手表"}, source="app"
    )


def test_an_adult_declares_a_birth_date_and_consents_alone(client: TestClient, mini_program: Yinsi) -> None:
    adult = register(client, mini_program, "13912345678")
    adult_id = mini_program.accounts.authenticate(adult["Authorization"].split()[1])
    mini_program.vault.write(
        actor=APP, subject_id=adult_id, purpose="account", values={"birth_date": "1990-03-01"}, source="sign-up"
    )
    state = client.get("/v1/me/consents", headers=adult).json()
    assert (state["minor"], state["needs_guardian"]) == ("adult", False)
    assert client.post("/v1/me/consents", json=_consent("purpose", "marketing"), headers=adult).status_code == 201
