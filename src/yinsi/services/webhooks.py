"""Events for the operator's own systems: written with the change, then delivered, signed, until they arrive.

An event is a row written in the same transaction as the change that causes
it (``enqueue``): a request filed, moved on or completed, a consent changed,
an account cancelled, a policy published. A change that rolls back leaves no
event, and an event is never lost once its change is committed (an outbox).
``EventDelivery.deliver_due`` then POSTs each due event to the operator's
endpoint, signed in the Standard Webhooks scheme (``core.webhook_signing``),
and records every attempt; a failure is tried again later, each wait longer
than the last (exponential backoff), until ``MAX_ATTEMPTS``. Staff see the
events and their attempts, and can send one again (``replay``).

Events name ids, codes and states, never a value of PI: the operator's
systems hold the subject ids already, and look up what they need themselves.
Several server processes may deliver at once: each claims an event by moving
its next attempt forward in one UPDATE, so no event is sent twice at once.
"""

from __future__ import annotations

import json
import logging
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import httpx
from sqlalchemy import Connection, Engine, bindparam, delete, select, update

from yinsi.adapters.db.engine import writer
from yinsi.adapters.db.rows import WebhookAttemptRow, WebhookEventRow, table_of
from yinsi.adapters.db.statements import strict_insert
from yinsi.core import pages
from yinsi.core.errors import Conflict, not_found
from yinsi.core.i18n import Msg
from yinsi.core.pages import Page
from yinsi.core.webhook_signing import key_of, sign
from yinsi.services.audit import AuditEvent
from yinsi.services.unit_of_work import UnitOfWork

log = logging.getLogger(__name__)

REQUEST_CREATED = "request.created"
REQUEST_STATE_CHANGED = "request.state_changed"
REQUEST_COMPLETED = "request.completed"
CONSENT_CHANGED = "consent.changed"
ACCOUNT_CANCELLED = "account.cancelled"
POLICY_PUBLISHED = "policy.published"
EVENT_TYPES = (
    REQUEST_CREATED,
    REQUEST_STATE_CHANGED,
    REQUEST_COMPLETED,
    CONSENT_CHANGED,
    ACCOUNT_CANCELLED,
    POLICY_PUBLISHED,
)

PENDING, DELIVERED, FAILED = "pending", "delivered", "failed"
MAX_ATTEMPTS = 10
FIRST_WAIT = timedelta(seconds=10)
LONGEST_WAIT = timedelta(hours=12)
LEASE = timedelta(minutes=2)  # longer than one POST may take (the timeout), so a claim outlives its send
KEEP_DELIVERED = timedelta(days=30)
PURGE_EVERY_SECONDS = 3600

_events = table_of(WebhookEventRow)
_attempts = table_of(WebhookAttemptRow)
_INSERT_EVENT = strict_insert(_events, "id", "type", "payload", "created_at", "state", "attempts", "next_attempt_at")
_INSERT_ATTEMPT = strict_insert(_attempts, "event_id", "attempt", "at", "status", "error", "duration_ms")
_CLAIM = (
    update(_events)
    .where(
        _events.c.id == bindparam("event_id"),
        _events.c.state == PENDING,
        _events.c.next_attempt_at <= bindparam("now"),
    )
    .values(next_attempt_at=bindparam("until"))
)


def enqueue(connection: Connection, event_type: str, data: dict[str, Any], *, now: datetime) -> str:
    """Writes an event in the caller's transaction; it is delivered once that transaction commits."""
    if event_type not in EVENT_TYPES:
        raise ValueError(f"not an event type: {event_type}")
    event_id = f"msg_{uuid.uuid4().hex}"
    payload = json.dumps(
        {"type": event_type, "timestamp": now.isoformat(), "data": data}, ensure_ascii=False, separators=(",", ":")
    )
    connection.execute(
        _INSERT_EVENT,
        {
            "id": event_id,
            "type": event_type,
            "payload": payload,
            "created_at": now,
            "state": PENDING,
            "attempts": 0,
            "next_attempt_at": now,
        },
    )
    return event_id


def wait_after(attempts: int) -> timedelta:
    """How long to wait after the ``attempts``-th failed try: 10 s, 30 s, 90 s... tripling, at most 12 hours."""
    wait: timedelta = FIRST_WAIT * int(3 ** (attempts - 1))
    return min(wait, LONGEST_WAIT)


@dataclass(frozen=True, slots=True)
class DeliveryRound:
    delivered: int
    retrying: int
    failed: int
    configured: bool


@dataclass(frozen=True, slots=True)
class EventView:
    id: str
    type: str
    state: str
    attempts: int
    created_at: datetime
    next_attempt_at: datetime | None
    delivered_at: datetime | None
    last_status: int | None
    last_error: str | None
    payload: dict[str, Any]


@dataclass(frozen=True, slots=True)
class AttemptView:
    attempt: int
    at: datetime
    status: int | None
    error: str | None
    duration_ms: int


REPLAY_PENDING = Msg("这个事件正在等待发送，无需重发。", "This event is waiting to be sent already; nothing to replay.")


class EventDelivery:
    """Delivers pending events to the operator's endpoint (``url``, signed with ``secret``), and shows them.

    Without an endpoint configured, events wait: ``deliver_due`` sends nothing and says so.
    """

    def __init__(
        self,
        engine: Engine,
        *,
        url: str | None,
        secret: str | None,
        now: Callable[[], datetime],
        unit: Callable[[], UnitOfWork],
        timeout: float = 10.0,
        client: httpx.Client | None = None,
    ) -> None:
        if url is not None:
            try:
                parsed = httpx.URL(url)
            except (httpx.InvalidURL, TypeError, ValueError):
                raise ValueError("the events URL is not a valid URL") from None
            if parsed.scheme not in ("http", "https") or not parsed.host:
                raise ValueError("the events URL must be an http:// or https:// URL with a host")
            if secret is None:
                raise ValueError("the events URL needs its signing secret (whsec_...) as well")
            key_of(secret)  # refuses a malformed secret now, not at the first delivery
        self._engine = engine
        self._url = url
        self._secret = secret
        self._now = now
        self._unit = unit
        self._timeout = timeout
        self._client = client
        self._owns_client = client is None
        self._purged = float("-inf")

    def __repr__(self) -> str:  # never the secret, nor the URL (it may carry a token)
        return f"EventDelivery(configured={self._url is not None})"

    @property
    def configured(self) -> bool:
        return self._url is not None

    def close(self) -> None:
        if self._owns_client and self._client is not None:
            self._client.close()
            self._client = None

    # ------------------------------------------------------------------------------------------ delivering

    def deliver_due(self, *, limit: int = 100) -> DeliveryRound:
        """One round: each event due now is claimed, sent and its outcome recorded. The scheduler and
        ``yinsi serve``'s background round call this."""
        if self._url is None:
            return DeliveryRound(0, 0, 0, configured=False)
        now = self._now()
        with self._engine.connect() as connection:
            due = list(
                connection.execute(
                    select(_events.c.id)
                    .where(_events.c.state == PENDING, _events.c.next_attempt_at <= now)
                    .order_by(_events.c.next_attempt_at, _events.c.seq)
                    .limit(limit)
                ).scalars()
            )
        counts = {DELIVERED: 0, PENDING: 0, FAILED: 0}
        for event_id in due:
            outcome = self._deliver_one(event_id)
            if outcome is not None:
                counts[outcome] += 1
        if time.monotonic() - self._purged >= PURGE_EVERY_SECONDS:  # not a write lock every round
            self._purge(now - KEEP_DELIVERED)
            self._purged = time.monotonic()
        return DeliveryRound(counts[DELIVERED], counts[PENDING], counts[FAILED], configured=True)

    def _deliver_one(self, event_id: str) -> str | None:
        now = self._now()
        with writer(self._engine) as connection, connection.begin():
            claimed = connection.execute(_CLAIM, {"event_id": event_id, "now": now, "until": now + LEASE}).rowcount
            if claimed != 1:
                return None  # another process has it, or it is no longer due
            row = connection.execute(select(_events).where(_events.c.id == event_id)).one()
        status, error, took = self._post(row.id, row.payload.encode())
        attempt = int(row.attempts) + 1
        ok = status is not None and 200 <= status < 300
        state = DELIVERED if ok else (FAILED if attempt >= MAX_ATTEMPTS else PENDING)
        finished = self._now()
        with writer(self._engine) as connection, connection.begin():
            connection.execute(
                update(_events)
                .where(_events.c.id == event_id)
                .values(
                    state=state,
                    attempts=attempt,
                    next_attempt_at=finished + wait_after(attempt) if state == PENDING else None,
                    delivered_at=finished if ok else None,
                    last_status=status,
                    last_error=error,
                )
            )
            connection.execute(
                _INSERT_ATTEMPT,
                {
                    "event_id": event_id,
                    "attempt": attempt,
                    "at": finished,
                    "status": status,
                    "error": error,
                    "duration_ms": took,
                },
            )
        if not ok:
            log.warning("event %s (%s): %s; attempt %d of %d", event_id, row.type, error, attempt, MAX_ATTEMPTS)
        return state

    def _post(self, event_id: str, body: bytes) -> tuple[int | None, str | None, int]:
        """POSTs one event; the receiver's body is never read (it may echo what it got)."""
        url, secret = self._url, self._secret
        if url is None or secret is None:
            raise RuntimeError("no endpoint configured")  # deliver_due checks first; never reached
        timestamp = int(time.time())
        headers = {
            "content-type": "application/json",
            "webhook-id": event_id,
            "webhook-timestamp": str(timestamp),
            "webhook-signature": sign(secret, event_id, timestamp, body),
            "user-agent": "yinsi-webhooks/1",
        }
        if self._client is None:
            self._client = httpx.Client(timeout=self._timeout, follow_redirects=False)
        started = time.perf_counter()
        try:
            response = self._client.post(url, content=body, headers=headers)
        except httpx.TransportError as exc:
            return None, f"could not deliver ({type(exc).__name__})", _ms(started)
        response.close()
        status = response.status_code
        return status, None if 200 <= status < 300 else f"the endpoint answered {status}", _ms(started)

    def _purge(self, before: datetime) -> None:
        with writer(self._engine) as connection, connection.begin():
            old = select(_events.c.id).where(_events.c.state == DELIVERED, _events.c.delivered_at < before)
            connection.execute(delete(_attempts).where(_attempts.c.event_id.in_(old)))
            connection.execute(delete(_events).where(_events.c.state == DELIVERED, _events.c.delivered_at < before))

    # ------------------------------------------------------------------------------------------ showing

    def page(self, *, state: str | None = None, limit: int = 50, cursor: str | None = None) -> Page[EventView]:
        """Events, newest first, a page at a time; ``state`` is pending, delivered or failed."""
        after = pages.decode(cursor, 1)
        query = select(_events).order_by(_events.c.seq.desc()).limit(limit + 1)
        if state is not None:
            query = query.where(_events.c.state == state)
        if after is not None:
            query = query.where(_events.c.seq < pages.number(after[0]))
        with self._engine.connect() as connection:
            rows = list(connection.execute(query))
        page = pages.cut(rows, limit, lambda r: (int(r.seq),))
        return Page([_view(r) for r in page.items], page.next_cursor)

    def get(self, event_id: str) -> tuple[EventView, list[AttemptView]]:
        with self._engine.connect() as connection:
            row = connection.execute(select(_events).where(_events.c.id == event_id)).first()
            if row is None:
                raise not_found("这个事件", "event")
            tries = connection.execute(
                select(_attempts).where(_attempts.c.event_id == event_id).order_by(_attempts.c.id)
            )
            return _view(row), [AttemptView(t.attempt, t.at, t.status, t.error, t.duration_ms) for t in tries]

    def replay(self, event_id: str, *, actor: str, role: str) -> EventView:
        """Sends an event again at the next round (a delivered one too: the receiver lost it, say); audited.
        It gets ``MAX_ATTEMPTS`` tries again, counted from one; the earlier attempts stay recorded."""
        with self._unit() as uow:
            row = uow.connection.execute(select(_events).where(_events.c.id == event_id)).first()
            if row is None:
                raise not_found("这个事件", "event")
            if row.state == PENDING:
                raise Conflict(REPLAY_PENDING)
            uow.connection.execute(
                update(_events)
                .where(_events.c.id == event_id)
                .values(state=PENDING, next_attempt_at=self._now(), attempts=0, delivered_at=None)
            )
            uow.record(
                AuditEvent(
                    "webhook-replayed",
                    actor,
                    role=role,
                    details={"event": event_id, "type": row.type, "was": row.state},
                )
            )
            return _view(uow.connection.execute(select(_events).where(_events.c.id == event_id)).one())


def _view(row: Any) -> EventView:
    return EventView(
        id=row.id,
        type=row.type,
        state=row.state,
        attempts=int(row.attempts),
        created_at=row.created_at,
        next_attempt_at=row.next_attempt_at,
        delivered_at=row.delivered_at,
        last_status=row.last_status,
        last_error=row.last_error,
        payload=json.loads(row.payload),
    )


def _ms(started: float) -> int:
    return int((time.perf_counter() - started) * 1000)
