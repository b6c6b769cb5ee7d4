"""The audit trail: an append-only chain of events, each MACed together with the one before.

Every decision (allowed or denied), write, read, export, share, shred, key
operation and staff action is an event. Events name fields, purposes, roles
and subjects, never values.

Each link's MAC is HMAC-SHA-256 under the audit key (kept wrapped in the
keystore) over the previous link's MAC and the event's canonical JSON, which
includes its sequence number. Changing, deleting, inserting or reordering an
event breaks the chain at that event, and nobody holding only the database
can recompute a consistent chain. The chain head lives in one row that
appenders lock, so concurrent writers never fork it; a copy of the head
("anchor") in the keystore lets ``verify`` notice a truncated tail.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, Engine, bindparam, select, update

from yinsi.adapters.db.engine import writer
from yinsi.adapters.db.rows import AuditAnchorRow, AuditEventRow, AuditHeadRow, table_of
from yinsi.adapters.db.statements import strict_insert
from yinsi.adapters.db.upsert import upsert
from yinsi.core.sealing import chain_mac

GENESIS = bytes(32)
_events = table_of(AuditEventRow)
_head = table_of(AuditHeadRow)
_anchor = table_of(AuditAnchorRow)

# Built once: every audited transaction runs these three.
_LOCK_HEAD = select(_head.c.seq, _head.c.hash).where(_head.c.id == 1).with_for_update()
_INSERT_EVENTS = strict_insert(_events, "seq", "at", "action", "subject_id", "actor", "body", "prev_hash", "hash")
_MOVE_HEAD = update(_head).where(_head.c.id == 1).values(seq=bindparam("new_seq"), hash=bindparam("new_hash"))


@dataclass(frozen=True, slots=True)
class AuditEvent:
    """What happened. ``action`` is past tense (``pi-read``, ``consent-withdrawn``, ``subject-shredded``)."""

    action: str
    actor: str
    role: str | None = None
    subject: str | None = None
    purpose: str | None = None
    decision: str | None = None  # allowed | denied | partial
    requested: Sequence[str] = ()
    returned: Mapping[str, str] = field(default_factory=dict)  # field -> whole | masked
    reasons: Mapping[str, str] = field(default_factory=dict)  # field (or "*") -> deny code
    details: Mapping[str, Any] = field(default_factory=dict)  # ids, counts, states: never PI


def canonical(seq: int, at: str, event: AuditEvent) -> str:
    body = {
        "seq": seq,
        "at": at,
        "action": event.action,
        "actor": event.actor,
        "role": event.role,
        "subject": event.subject,
        "purpose": event.purpose,
        "decision": event.decision,
        "requested": list(event.requested),
        "returned": dict(event.returned),
        "reasons": dict(event.reasons),
        "details": dict(event.details),
    }
    return json.dumps(body, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def timestamp(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


class AuditLog:
    def __init__(self, audit_key: bytes) -> None:
        self._key = audit_key

    def append(self, connection: Connection, events: Sequence[AuditEvent], now: datetime) -> int:
        """Appends ``events`` inside the caller's transaction; returns the last sequence number."""
        if not events:
            return -1
        head = connection.execute(_LOCK_HEAD).one()
        seq, previous = int(head.seq), bytes(head.hash)
        at = timestamp(now)
        rows = []
        for event in events:
            seq += 1
            body = canonical(seq, at, event)
            digest = chain_mac(self._key, previous, body)
            rows.append(
                {
                    "seq": seq,
                    "at": at,
                    "action": event.action,
                    "subject_id": event.subject,
                    "actor": event.actor,
                    "body": body,
                    "prev_hash": previous,
                    "hash": digest,
                }
            )
            previous = digest
        connection.execute(_INSERT_EVENTS, rows[0] if len(rows) == 1 else rows)
        connection.execute(_MOVE_HEAD, {"new_seq": seq, "new_hash": previous})
        return seq

    def anchor(self, engine: Engine, now: datetime) -> int:
        """Copies the current head to the keystore, so a later verify can tell if the tail was cut off."""
        with writer(engine) as connection, connection.begin():
            head = connection.execute(select(_head.c.seq, _head.c.hash).where(_head.c.id == 1)).one()
            upsert(connection, _anchor, {"id": 1, "seq": head.seq, "hash": head.hash, "at": now}, keys=("id",))
            return int(head.seq)

    def events(
        self, engine: Engine, *, subject: str | None = None, action: str | None = None, limit: int = 100
    ) -> list[dict[str, Any]]:
        """Events, newest first, as their MACed bodies say (for the privacy officer's console)."""
        query = select(_events.c.seq, _events.c.body).order_by(_events.c.seq.desc()).limit(limit)
        if subject is not None:
            query = query.where(_events.c.subject_id == subject)
        if action is not None:
            query = query.where(_events.c.action == action)
        with engine.connect() as connection:
            return [json.loads(row.body) for row in connection.execute(query)]

    def verify(self, engine: Engine, chunk: int = 5000) -> VerifyResult:
        """Walks the whole chain; names the first event that does not check out."""
        previous, expected_seq, count = GENESIS, 1, 0
        with engine.connect() as connection, connection.begin():
            for row in _stream(connection, chunk):
                seq = int(row.seq)
                if seq != expected_seq:
                    problem = "missing" if seq > expected_seq else "out_of_order"
                    return VerifyResult(False, count, expected_seq, problem)
                if bytes(row.prev_hash) != previous:
                    return VerifyResult(False, count, seq, "broken_link")
                if chain_mac(self._key, previous, row.body) != bytes(row.hash):
                    return VerifyResult(False, count, seq, "altered")
                if not _columns_match(row):
                    return VerifyResult(False, count, seq, "altered")
                previous, expected_seq, count = bytes(row.hash), seq + 1, count + 1
            head = connection.execute(select(_head.c.seq, _head.c.hash).where(_head.c.id == 1)).one()
            if int(head.seq) != count or bytes(head.hash) != previous:
                return VerifyResult(False, count, count + 1, "truncated")
            anchor = connection.execute(select(_anchor.c.seq, _anchor.c.hash).where(_anchor.c.id == 1)).first()
            if anchor is not None and int(anchor.seq) > count:
                return VerifyResult(False, count, count + 1, "truncated")
            if anchor is not None and int(anchor.seq) > 0:
                at_anchor = connection.execute(
                    select(_events.c.hash).where(_events.c.seq == anchor.seq)
                ).scalar_one_or_none()
                if at_anchor is None or bytes(at_anchor) != bytes(anchor.hash):
                    return VerifyResult(False, count, int(anchor.seq), "altered")
        return VerifyResult(True, count, None, None)


@dataclass(frozen=True, slots=True)
class VerifyResult:
    ok: bool
    checked: int
    first_bad_seq: int | None
    problem: str | None  # altered | broken_link | missing | out_of_order | truncated


def _stream(connection: Connection, chunk: int) -> Iterator[Any]:
    last = 0
    while True:
        rows = connection.execute(
            select(_events).where(_events.c.seq > last).order_by(_events.c.seq).limit(chunk)
        ).all()
        if not rows:
            return
        yield from rows
        last = int(rows[-1].seq)


def _columns_match(row: Any) -> bool:
    """The queryable columns must say what the MACed body says, or a query could be misled."""
    try:
        body = json.loads(row.body)
    except ValueError:
        return False
    return bool(
        body.get("seq") == row.seq
        and body.get("at") == row.at
        and body.get("action") == row.action
        and body.get("actor") == row.actor
        and body.get("subject") == row.subject_id
    )
