"""The audit trail: append-only chains of events, each MACed together with the one before.

Every decision (allowed or denied), write, read, export, share, shred, key
operation and staff action is an event. Events name fields, purposes, roles
and subjects, never values.

Each link's MAC is HMAC-SHA-256 under the audit key (kept wrapped in the
keystore) over the previous link's MAC and the event's canonical JSON, which
includes its chain and its position in it. Changing, deleting, inserting or
reordering an event breaks its chain at that event, and nobody holding only
the database can recompute a consistent chain.

Why several chains: a chain's head is one row that an appending transaction
locks until it commits. With one chain, every writer on PostgreSQL waits for
every other writer's commit (the head row was the serialisation point of all
writes). So the store holds a fixed set of chains (16 on PostgreSQL; one on
SQLite, which serialises writers anyway), and an append takes the first head
no other transaction holds (``FOR UPDATE SKIP LOCKED``), waiting only when all
are held; without contention every event goes to chain 1. A transaction's
events stay together, in order, in one chain; ``seq`` numbers events across
chains as they were written, and each event's time is in its MACed body.
``verify`` walks every chain and names the first broken event; ``anchor``
copies every head into the keystore, so cutting off the newest events of any
chain is noticed.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from threading import Event, Lock
from typing import Any

from sqlalchemy import Connection, Engine, bindparam, insert, select, update

from yinsi.adapters.db.engine import writer
from yinsi.adapters.db.rows import AuditAnchorRow, AuditEventRow, AuditHeadRow, table_of
from yinsi.adapters.db.upsert import upsert
from yinsi.core import pages
from yinsi.core.errors import not_found
from yinsi.core.pages import Page
from yinsi.core.sealing import chain_mac

GENESIS = bytes(32)
_events = table_of(AuditEventRow)
_head = table_of(AuditHeadRow)
_anchor = table_of(AuditAnchorRow)

_COLUMNS = ("chain", "link", "at", "action", "subject_id", "actor", "body", "prev_hash", "hash")
# Built once: every audited transaction runs these.
_HEAD = select(_head.c.id, _head.c.seq, _head.c.hash).order_by(_head.c.id).limit(1)
_FREE_HEAD = _HEAD.with_for_update(skip_locked=True)  # SQLite has no row locks: its writers take turns anyway
_ANY_HEAD = _HEAD.with_for_update()
_INSERT_EVENTS = insert(_events).values({name: bindparam(name) for name in _COLUMNS})
_MOVE_HEAD = (
    update(_head).where(_head.c.id == bindparam("chain")).values(seq=bindparam("new_seq"), hash=bindparam("new_hash"))
)


log = logging.getLogger(__name__)

# A subject id as the vault makes them (``str(uuid.uuid4())``; ``NO_ACCOUNT`` is the nil UUID): lowercase hex.
SUBJECT_ID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
NOT_A_SUBJECT_ID = "not-a-subject-id"  # what an event's subject says when it was given anything else


def is_subject_id(value: str) -> bool:
    """Whether ``value`` has the form of the store's subject ids (whether it is one is the store's to say)."""
    return SUBJECT_ID.fullmatch(value) is not None


def require_subject_id(value: str) -> None:
    """A "no such subject" for a filter that cannot be a subject id (a phone number typed in its place), before
    it is recorded in the event that records the look; the value is not repeated."""
    if not is_subject_id(value):
        raise not_found("这个个人", "subject")


@dataclass(frozen=True, slots=True)
class AuditEvent:
    """What happened. ``action`` is past tense (``pi-read``, ``consent-withdrawn``, ``subject-shredded``).

    ``subject`` is a subject id or nothing. Entry points refuse an id that is not one of the store's; what
    reaches an event is checked once more here, the one place every event passes: a phone number typed where
    a subject id belongs would otherwise rest in the trail in plaintext for as long as the trail is kept.
    Anything else is replaced by ``NOT_A_SUBJECT_ID`` (and a warning logged, without the value) rather than
    refused: the event still records who did what and when (a refusal's event must not be lost because an
    entry point missed a check, nor a harmless look turned into a failure), and the marker says in the
    trail itself that an entry point let a wrong id through. Tests look for the marker.
    """

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

    def __post_init__(self) -> None:
        if self.subject is not None and not is_subject_id(self.subject):
            log.warning(
                "audit event %s: its subject was not a subject id; recorded as %s", self.action, NOT_A_SUBJECT_ID
            )
            object.__setattr__(self, "subject", NOT_A_SUBJECT_ID)


def canonical(chain: int, link: int, at: str, event: AuditEvent) -> str:
    body = {
        "chain": chain,
        "link": link,
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

    def append(self, connection: Connection, events: Sequence[AuditEvent], now: datetime) -> None:
        """Appends ``events``, in order, to one chain inside the caller's transaction: once, as its last step,
        so the chain's head is held only from here to the commit."""
        if not events:
            return
        head = connection.execute(_FREE_HEAD).first() or connection.execute(_ANY_HEAD).one()
        chain, link, previous = int(head.id), int(head.seq), bytes(head.hash)
        at = timestamp(now)
        rows = []
        for event in events:
            link += 1
            body = canonical(chain, link, at, event)
            digest = chain_mac(self._key, previous, body)
            rows.append(
                {
                    "chain": chain,
                    "link": link,
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
        connection.execute(_MOVE_HEAD, {"chain": chain, "new_seq": link, "new_hash": previous})

    def anchor(self, engine: Engine, now: datetime) -> int:
        """Copies every chain's head to the keystore, so a later verify can tell if a tail was cut off;
        returns how many events the chains hold."""
        with writer(engine) as connection, connection.begin():
            heads = connection.execute(select(_head.c.id, _head.c.seq, _head.c.hash)).all()
            for head in heads:
                row = {"id": head.id, "seq": head.seq, "hash": head.hash, "at": now}
                upsert(connection, _anchor, row, keys=("id",))
            return sum(int(head.seq) for head in heads)

    def events(
        self, engine: Engine, *, subject: str | None = None, action: str | None = None, limit: int = 100
    ) -> list[dict[str, Any]]:
        """Events, newest first, as their MACed bodies say (for the privacy officer's console)."""
        return self.events_page(engine, subject=subject, action=action, limit=limit).items

    def events_page(
        self,
        engine: Engine,
        *,
        subject: str | None = None,
        action: str | None = None,
        limit: int = 100,
        cursor: str | None = None,
    ) -> Page[dict[str, Any]]:
        """A page of events, newest first: those written before the last one of the page ``cursor`` ended."""
        after = pages.decode(cursor, 1)
        query = select(_events.c.seq, _events.c.body).order_by(_events.c.seq.desc()).limit(limit + 1)
        if after is not None:
            query = query.where(_events.c.seq < pages.number(after[0]))
        if subject is not None:
            query = query.where(_events.c.subject_id == subject)
        if action is not None:
            query = query.where(_events.c.action == action)
        with engine.connect() as connection:
            rows = [(int(row.seq), json.loads(row.body)) for row in connection.execute(query)]
        page = pages.cut(rows, limit, lambda r: (r[0],))
        return Page([body for _, body in page.items], page.next_cursor)

    def verify(self, engine: Engine, chunk: int = 5000) -> VerifyResult:
        """Walks every chain; names the first event (the earliest written) that does not check out."""
        checked = 0
        broken: list[VerifyResult] = []
        with engine.connect() as connection, connection.begin():
            heads = connection.execute(select(_head.c.id, _head.c.seq, _head.c.hash).order_by(_head.c.id)).all()
            anchors = {int(a.id): a for a in connection.execute(select(_anchor.c.id, _anchor.c.seq, _anchor.c.hash))}
            for head in heads:
                count, problem = self._verify_chain(connection, head, anchors.get(int(head.id)), chunk)
                checked += count
                if problem is not None:
                    broken.append(problem)
            stray = connection.execute(
                select(_events.c.seq, _events.c.chain, _events.c.link)
                .where(_events.c.chain.not_in([int(h.id) for h in heads]))
                .order_by(_events.c.seq)
                .limit(1)
            ).first()
            if stray is not None:  # an event in a chain that has no head: put there by hand
                broken.append(VerifyResult(False, 0, int(stray.seq), "altered", int(stray.chain), int(stray.link)))
        if not broken:
            return VerifyResult(True, checked, None, None)
        first = min(broken, key=lambda r: (r.first_bad_seq is None, r.first_bad_seq or 0, r.chain or 0))
        return VerifyResult(False, checked, first.first_bad_seq, first.problem, first.chain, first.link)

    def _verify_chain(
        self, connection: Connection, head: Any, anchor: Any, chunk: int
    ) -> tuple[int, VerifyResult | None]:
        chain = int(head.id)
        previous, expected, count = GENESIS, 1, 0

        def bad(problem: str, seq: int | None, link: int) -> tuple[int, VerifyResult]:
            return count, VerifyResult(False, count, seq, problem, chain, link)

        for row in _stream(connection, chain, chunk):
            link, seq = int(row.link), int(row.seq)
            if link != expected:
                return bad("missing" if link > expected else "out_of_order", seq, expected)
            if bytes(row.prev_hash) != previous:
                return bad("broken_link", seq, link)
            if chain_mac(self._key, previous, row.body) != bytes(row.hash) or not _columns_match(row):
                return bad("altered", seq, link)
            previous, expected, count = bytes(row.hash), link + 1, count + 1
        if int(head.seq) != count or bytes(head.hash) != previous:
            return bad("truncated", None, count + 1)
        if anchor is not None and int(anchor.seq) > count:
            return bad("truncated", None, count + 1)
        if anchor is not None and int(anchor.seq) > 0:
            at_anchor = connection.execute(
                select(_events.c.seq, _events.c.hash).where(_events.c.chain == chain, _events.c.link == anchor.seq)
            ).first()
            if at_anchor is None or bytes(at_anchor.hash) != bytes(anchor.hash):
                return bad("altered", int(at_anchor.seq) if at_anchor is not None else None, int(anchor.seq))
        return count, None


@dataclass(frozen=True, slots=True)
class VerifyResult:
    ok: bool
    checked: int
    first_bad_seq: int | None  # the broken event's number; for "missing", the event after the gap
    problem: str | None  # altered | broken_link | missing | out_of_order | truncated
    chain: int | None = None
    link: int | None = None  # the position in its chain where it broke


def _stream(connection: Connection, chain: int, chunk: int) -> Iterator[Any]:
    last = 0
    while True:
        rows = connection.execute(
            select(_events).where(_events.c.chain == chain, _events.c.link > last).order_by(_events.c.link).limit(chunk)
        ).all()
        if not rows:
            return
        yield from rows
        last = int(rows[-1].link)


def _columns_match(row: Any) -> bool:
    """The queryable columns must say what the MACed body says, or a query could be misled. Events written
    before there were several chains name their position as ``seq`` (in chain 1)."""
    try:
        body = json.loads(row.body)
    except ValueError:
        return False
    if "link" in body:
        placed = body.get("chain") == row.chain and body.get("link") == row.link
    else:
        placed = row.chain == 1 and body.get("seq") == row.link
    return bool(
        placed
        and body.get("at") == row.at
        and body.get("action") == row.action
        and body.get("actor") == row.actor
        and body.get("subject") == row.subject_id
    )


def copy_of(error: BaseException) -> BaseException:
    """The same error as a new object (its class, arguments and attributes), without calling its __init__."""
    clone = type(error).__new__(type(error), *error.args)
    clone.__dict__.update(error.__dict__)
    return clone


class _Ticket:
    __slots__ = ("error", "events", "lead", "settled")

    def __init__(self, events: Sequence[AuditEvent]) -> None:
        self.events = events
        self.settled = Event()
        self.lead = False
        self.error: BaseException | None = None


class GroupAppender:
    """Appends the events of read-only use cases, many requests' at a time (group commit).

    Every audited read needs the write lock for its append. When each read appends on its own, concurrent
    reads queue for the lock one tiny transaction after another; here the first to arrive writes, in one
    transaction, the events of every read that arrived meanwhile, and each of them returns only once that
    transaction has committed (or fails with its error: a read is never answered without its event).
    """

    def __init__(self, engine: Engine, audit: AuditLog, now: Callable[[], datetime]) -> None:
        self._engine = engine
        self._audit = audit
        self._now = now
        self._lock = Lock()
        self._pending: list[_Ticket] = []
        self._writing = False

    def append(self, events: Sequence[AuditEvent]) -> None:
        """Blocks until ``events`` are committed; raises what the transaction that carried them raised.
        Call it holding no connection (the leader opens one)."""
        ticket = _Ticket(events)
        with self._lock:
            self._pending.append(ticket)
            leading = not self._writing
            self._writing = True
        if not leading:
            ticket.settled.wait()
            if not ticket.lead:
                if ticket.error is not None:
                    # Each waiting read raises its own copy: one exception object raised in many threads at
                    # once would have its traceback rewritten under it.
                    raise copy_of(ticket.error) from ticket.error
                return
        self._lead()
        if ticket.error is not None:
            raise ticket.error

    def write(self, events: Sequence[AuditEvent]) -> None:
        """Appends ``events`` in one transaction of their own, now: a batch gathered by the caller."""
        with writer(self._engine) as connection, connection.begin():
            self._audit.append(connection, events, self._now())

    def _lead(self) -> None:
        with self._lock:
            batch, self._pending = self._pending, []
        error: BaseException | None = None
        try:
            self.write([event for t in batch for event in t.events])
        except BaseException as exc:  # handed to every read in the batch, each of which raises it
            error = exc
        with self._lock:
            successor = self._pending[0] if self._pending else None
            self._writing = successor is not None
        for ticket in batch:
            ticket.error = error
            ticket.lead = False
            ticket.settled.set()
        if successor is not None:  # the next batch is led by the first read that waited for it
            successor.lead = True
            successor.settled.set()
