"""Every SMS yinsi sends starts with the spec's signature: login codes and request updates alike."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.support.accounts import register
from yinsi.adapters.notify.console import open_outbox_message
from yinsi.api.app import create_app
from yinsi.bootstrap import Yinsi


def _sms_bodies(yinsi: Yinsi) -> list[str]:
    secret = yinsi.keyring.secret("outbox")
    return [open_outbox_message(secret, m.sealed).body for m in yinsi.outbox.latest(50, "sms")]


def test_login_codes_and_request_updates_carry_the_signature(yinsi: Yinsi) -> None:
    """Seed 001 declares operator.sms_signature 上海预约挂号 (its product, not the company behind it)."""
    with TestClient(create_app(yinsi), raise_server_exceptions=False) as client:
        session = register(client, yinsi, "13912345601")
        filed = client.post("/v1/me/requests", json={"type": "explain", "fields": ["mobile"]}, headers=session)
        assert filed.status_code == 201, filed.text
    bodies = _sms_bodies(yinsi)
    assert len(bodies) >= 2
    assert all(body.startswith("【上海预约挂号】") for body in bodies), [body[:12] for body in bodies]
