"""Events reach the operator's endpoint signed (Standard Webhooks), retried with backoff, recorded, replayable."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from standardwebhooks.webhooks import Webhook

from tests.conftest import Backend, Clock
from tests.support.accounts import register
from tests.support.http import api_key, staff_session
from tests.support.webhooks import Receiver
from yinsi.adapters.db.rows import WebhookEventRow, table_of
from yinsi.adapters.notify.console import open_outbox_message
from yinsi.api.app import create_app
from yinsi.bootstrap import Yinsi, open_yinsi
from yinsi.core.policy.compiled import CompiledPolicy
from yinsi.core.webhook_signing import new_secret, sign, verify
from yinsi.services import webhooks

PHONE = "13912345678"
SECRET = new_secret()


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    with Receiver(SECRET, fail=2) as running:
        yield running


@pytest.fixture
def operator(backend: Backend, clinic_policy: CompiledPolicy, clock: Clock, receiver: Receiver) -> Iterator[Yinsi]:
    settings = backend.settings.model_copy(
        update={"events_url": receiver.url, "events_secret": SECRET, "staff_notices_to": "dpo@clinic.example"}
    )
    instance = open_yinsi(settings, migrate=False, policy=clinic_policy, now=clock)
    yield instance
    instance.close()


def _events(yinsi: Yinsi) -> list[Any]:
    table = table_of(WebhookEventRow)
    with yinsi.engine.connect() as connection:
        return list(connection.execute(select(table).order_by(table.c.seq)))


def test_the_signature_is_the_standard_webhooks_test_vector() -> None:
    secret, message, stamp, body = (
        "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
        "msg_p5jXN8AQM9LWM0D4loKWxJek",
        1614265330,
        b'{"test": 2432232314}',
    )
    expected = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="
    assert sign(secret, message, stamp, body) == expected
    assert Webhook(secret).sign(message, datetime.fromtimestamp(stamp, tz=UTC), body.decode()) == expected
    assert verify(secret, message, stamp, body, f"v1,bm90IGl0 {expected}", now=stamp + 60)
    assert not verify(secret, message, stamp, body + b" ", expected, now=stamp)
    assert not verify(secret, message, stamp, body, expected, now=stamp + 301)


@pytest.mark.db
def test_a_cancellation_reaches_a_receiver_that_fails_twice_on_the_third_try(
    operator: Yinsi, receiver: Receiver, clock: Clock
) -> None:
    """Service-first onboarding as docs/api.md walks through it: the back end creates the subject and writes the
    number, the person logs in with it and later cancels, and the operator's endpoint hears of it."""
    with TestClient(create_app(operator), raise_server_exceptions=False) as client:
        service = api_key(operator, "clinic_app")
        subject = client.post("/v1/subjects", headers=service).json()["id"]
        wrote = client.put(
            f"/v1/subjects/{subject}/pi",
            json={"purpose": "registration", "source": "front-desk", "values": {"mobile": PHONE}},
            headers=service,
        )
        assert wrote.status_code == 200, wrote.text
        session = register(client, operator, PHONE)
        assert operator.accounts.authenticate(session["Authorization"].split()[1]) == subject
        filed = client.post("/v1/me/requests", json={"type": "cancel_account"}, headers=session)
        assert filed.status_code == 201, filed.text
        assert filed.json()["state"] == "completed"

    types = [row.type for row in _events(operator)]
    assert types == [
        "consent.changed",  # the policy accepted at registration
        "request.created",
        "request.state_changed",  # verified
        "account.cancelled",
        "request.state_changed",  # completed
        "request.completed",
    ]
    delivery = operator.events
    assert delivery is not None
    first = delivery.deliver_due()
    assert (first.delivered, first.retrying, first.failed) == (0, 6, 0)
    clock.advance(seconds=9)
    assert delivery.deliver_due().retrying == 0  # the first wait (10 s) is not over: nothing is sent
    clock.advance(seconds=1)
    assert delivery.deliver_due().retrying == 6  # second try fails too; the next wait is 30 s
    clock.advance(seconds=29)
    assert delivery.deliver_due().delivered == 0
    clock.advance(seconds=1)
    assert delivery.deliver_due().delivered == 6

    cancelled = [r for r in receiver.received if r["body"]["type"] == "account.cancelled"]
    assert [r["try"] for r in cancelled] == [1, 2, 3]
    assert all(r["verified"] for r in receiver.received)
    assert len({r["id"] for r in cancelled}) == 1  # the same webhook-id on every try: receivers drop repeats
    data = cancelled[-1]["body"]["data"]
    assert data == {"subject_id": subject, "reason": "account_cancelled", "request_id": filed.json()["id"]}
    assert PHONE not in json.dumps(receiver.received)  # events carry ids, never PI

    event, attempts = delivery.get(cancelled[0]["id"])
    assert event.state == "delivered"
    assert [(a.attempt, a.status) for a in attempts] == [(1, 503), (2, 503), (3, 204)]
    assert attempts[0].error == "the endpoint answered 503"


@pytest.mark.db
def test_staff_see_the_deliveries_and_replay_one(operator: Yinsi, receiver: Receiver, clock: Clock) -> None:
    receiver.fail = 0
    with TestClient(create_app(operator), raise_server_exceptions=False) as client:
        register(client, operator, PHONE)
        assert operator.events is not None
        assert operator.events.deliver_due().delivered == 1
        officer = staff_session(client, operator, "privacy_officer")
        listed = client.get("/v1/staff/webhooks", headers=officer).json()
        [event] = listed["items"]
        assert event["type"] == "consent.changed"
        assert event["state"] == "delivered"
        assert listed["next_cursor"] is None
        shown = client.get(f"/v1/staff/webhooks/{event['id']}", headers=officer).json()
        assert [a["status"] for a in shown["attempt_log"]] == [204]

        replayed = client.post(f"/v1/staff/webhooks/{event['id']}/replay", headers=officer)
        assert replayed.status_code == 200, replayed.text
        assert replayed.json()["state"] == "pending"
        again = client.post(f"/v1/staff/webhooks/{event['id']}/replay", headers=officer)
        assert again.status_code == 409
        assert operator.events.deliver_due().delivered == 1
        assert [r["id"] for r in receiver.received] == [event["id"], event["id"]]
        assert client.get("/v1/staff/webhooks/msg_nothing", headers=officer).status_code == 404
        desk = staff_session(client, operator, "front_desk")
        assert client.get("/v1/staff/webhooks", headers=desk).json()["code"] == "forbidden"
        assert client.get("/v1/staff/webhooks", headers=officer | {"Authorization": "Bearer nope"}).status_code == 401
    viewed = operator.audit.events(operator.engine, action="webhook-replayed", limit=1)
    assert viewed[0]["details"]["event"] == event["id"]


@pytest.mark.db
def test_an_event_is_written_with_its_change_or_not_at_all(operator: Yinsi) -> None:
    def failing_change() -> None:
        with operator.vault.unit() as uow:
            webhooks.enqueue(uow.connection, webhooks.POLICY_PUBLISHED, {"version": "x"}, now=operator.now())
            raise RuntimeError("the change fails after its event was written")

    with pytest.raises(RuntimeError):
        failing_change()
    assert _events(operator) == []
    with pytest.raises(ValueError, match="not an event type"):
        webhooks.enqueue(operator.engine.connect(), "request.exploded", {}, now=operator.now())


@pytest.mark.db
def test_publishing_a_policy_is_an_event(operator: Yinsi) -> None:
    from tests.conftest import ROOT

    text = (ROOT / "tests" / "fixtures" / "clinic.yaml").read_text(encoding="utf-8")
    operator.services.policies.publish(text=text, actor="test")
    [event] = _events(operator)
    assert event.type == "policy.published"
    assert json.loads(event.payload)["data"]["previous_version"] is None


@pytest.mark.db
def test_staff_hear_of_a_new_request_and_of_one_about_to_be_overdue(operator: Yinsi, clock: Clock) -> None:
    with TestClient(create_app(operator), raise_server_exceptions=False) as client:
        session = register(client, operator, PHONE)
        filed = client.post("/v1/me/requests", json={"type": "complain", "text": "前台泄露了病历"}, headers=session)
        assert filed.status_code == 201, filed.text
    request_id = filed.json()["id"]
    secret = operator.keyring.secret("outbox")
    mails = [open_outbox_message(secret, m.sealed) for m in operator.outbox.latest(10, "email")]
    [new] = [m for m in mails if m.tags.get("kind") == "staff_new_request"]
    assert new.to == "dpo@clinic.example"
    assert request_id in new.body
    assert "病历" not in new.body
    assert PHONE not in new.body

    assert operator.services.staff_notices.remind_due_soon() == 0  # due in 15 days
    clock.advance(days=13)
    assert operator.services.staff_notices.remind_due_soon() == 1
    assert operator.services.staff_notices.remind_due_soon() == 0  # once per request
    mails = [open_outbox_message(secret, m.sealed) for m in operator.outbox.latest(10, "email")]
    [due] = [m for m in mails if m.tags.get("kind") == "staff_due_soon"]
    assert request_id in due.body


@pytest.mark.db
def test_delivered_events_are_kept_thirty_days(operator: Yinsi, receiver: Receiver, clock: Clock) -> None:
    receiver.fail = 0
    with operator.vault.unit() as uow:
        webhooks.enqueue(uow.connection, webhooks.POLICY_PUBLISHED, {"version": "x"}, now=operator.now())
        webhooks.enqueue(uow.connection, webhooks.POLICY_PUBLISHED, {"version": "y"}, now=operator.now())
    assert operator.events is not None
    assert operator.events.deliver_due(limit=1).delivered == 1  # the other one waits (for a later round)
    clock.advance(days=31)
    later = webhooks.EventDelivery(
        operator.engine, url=receiver.url, secret=SECRET, now=clock, unit=operator.vault.unit
    )  # a process started later: its first round purges
    try:
        assert later.deliver_due().delivered == 1
    finally:
        later.close()
    assert [json.loads(e.payload)["data"]["version"] for e in _events(operator)] == ["y"]


def test_the_retry_schedule_is_the_documented_one() -> None:
    waits = [webhooks.wait_after(n).total_seconds() for n in range(1, webhooks.MAX_ATTEMPTS)]
    assert waits == [10, 30, 90, 270, 810, 2430, 7290, 21870, 43200]
    assert 21 * 3600 < sum(waits) < 22 * 3600  # docs/api.md: 10 attempts over about 22 hours
