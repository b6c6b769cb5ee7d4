"""Logging in through the HTTP API as a person would, with the code read from the console outbox."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

from tests.support.consent import SHOWN
from yinsi.adapters.notify.console import open_outbox_message
from yinsi.bootstrap import Yinsi


def last_code(yinsi: Yinsi) -> str:
    entry = yinsi.outbox.latest(1, "sms")[0]
    message = open_outbox_message(yinsi.keyring.secret("outbox"), entry.sealed)
    found = re.search(r"\b(\d{6})\b", message.body)
    assert found is not None
    return found.group(1)


def acceptance(yinsi: Yinsi) -> dict[str, object]:
    return {
        "policy_version": yinsi.policy.current().version,
        "text_hash": SHOWN,
        "language": "zh-CN",
        "channel": "app",
        "affirmative": True,
    }


def register(client: TestClient, yinsi: Yinsi, phone: str, address: str = "198.51.100.7") -> dict[str, str]:
    """Registers (or logs in) ``phone``; returns the Authorization header of the new session."""
    sent = client.post("/v1/auth/sms-code", json={"phone": phone}, headers={"X-Test-Client": address})
    assert sent.status_code == 202, sent.text
    done = client.post(
        "/v1/auth/login", json={"phone": phone, "code": last_code(yinsi), "accept_policy": acceptance(yinsi)}
    )
    assert done.status_code == 200, done.text
    return {"Authorization": f"Bearer {done.json()['token']}"}
