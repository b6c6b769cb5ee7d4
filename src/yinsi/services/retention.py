"""Retention that scales: values past their end are deleted or anonymised in chunks, any number of workers.

Each value carries ``retain_until``, computed from the spec when it was collected (and again when an event a
period counts from happens: the end of a purpose or of the contract, cancellation). The sweep takes the
values past it in chunks; each chunk is one transaction that claims its rows (``Claim``: SKIP LOCKED on
PostgreSQL, the write lock on SQLite), deletes them and their blind indexes, adds an anonymous count for those
whose purposes all say "anonymise", and appends its audit event, so:

- a crash (even SIGKILL) loses at most the chunk in flight, which rolls back whole and is taken again by
  the next run: no value is half gone, and nothing unexpired is touched;
- running it twice does nothing the second time (idempotent), and several workers on PostgreSQL take
  different chunks (no overlap, no waiting);
- a subject under a legal hold is skipped until the hold is released (PIPL Art. 47(2)).
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Text, bindparam, cast, exists, func, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from yinsi.adapters.db.claim import Claim
from yinsi.adapters.db.rows import (
    AnonymousCountRow,
    BlindIndexRow,
    LegalHoldRow,
    PiValueRow,
    RetentionEventRow,
    SubjectRow,
    table_of,
)
from yinsi.adapters.db.upsert import upsert
from yinsi.core.deadlines import today_in_china
from yinsi.core.errors import BadRequest, not_found
from yinsi.core.generalise import bucket
from yinsi.core.i18n import Msg
from yinsi.core.policy.vocabulary import OnExpiry, RetentionStart
from yinsi.core.sealing import open_value
from yinsi.services.audit import AuditEvent
from yinsi.services.context import ServiceContext
from yinsi.services.unit_of_work import UnitOfWork
from yinsi.services.vault import Actor, Vault

_values = table_of(PiValueRow)
_index = table_of(BlindIndexRow)
_holds = table_of(LegalHoldRow)
_events = table_of(RetentionEventRow)
_counts = table_of(AnonymousCountRow)
_subjects = table_of(SubjectRow)

DEFAULT_CHUNK = 5000
REASON_MAX = 200

_HELD = exists().where(_holds.c.subject_id == _values.c.subject_id, _holds.c.released_at.is_(None))
_DUE = _values.c.retain_until.is_not(None) & (_values.c.retain_until <= bindparam("now"))
_EXPIRED = Claim(
    select(_values.c.subject_id, _values.c.field).where(_DUE, ~_HELD).limit(bindparam("chunk")),
    of=_values,
    keys=(_values.c.subject_id, _values.c.field),
    # The purposes as their JSON text: a chunk's values share a few lists, each parsed once.
    returning=(
        _values.c.subject_id,
        _values.c.field,
        cast(_values.c.purposes, Text).label("purposes"),
        _values.c.sealed,
        _values.c.key_version,
    ),
)
_HELD_COUNT = select(func.count()).select_from(_values).where(_DUE, _HELD)
# A chunk's index rows go in one executemany of plain tuples (SQLAlchemy's per-row parameter handling cost as
# much as the deletes). ``field || ''`` keeps SQLite from choosing the primary key (field, digest, subject_id)
# for ``field = ?``, which scans every index row of that field (350 µs a delete in a store of a million); the
# subject's index finds the row at once. PostgreSQL reads it the same way.
_DELETE_INDEX = {
    "sqlite": "DELETE FROM blind_index WHERE subject_id = ? AND field || '' = ?",
    "postgresql": "DELETE FROM blind_index WHERE subject_id = %s AND field || '' = %s",
}


@dataclass
class SweepResult:
    """What a sweep did: per field, how many values were deleted and how many anonymised (counts, no PI)."""

    deleted: Counter[str] = field(default_factory=Counter)
    anonymised: Counter[str] = field(default_factory=Counter)
    chunks: int = 0
    held: int = 0
    shredded: int = 0  # subjects of cancelled accounts whose last kept value went

    @property
    def total(self) -> int:
        return sum(self.deleted.values()) + sum(self.anonymised.values())

    def summary(self) -> dict[str, Any]:
        return {
            "deleted": dict(sorted(self.deleted.items())),
            "anonymised": dict(sorted(self.anonymised.items())),
            "chunks": self.chunks,
            "held": self.held,
            "shredded": self.shredded,
        }


class Retention:
    """Retention: the sweep that deletes or anonymises what has outlived its period, the events a period counts from, what a cancellation keeps, and legal holds."""

    def __init__(self, context: ServiceContext, vault: Vault) -> None:
        self._context = context
        self._vault = vault  # shreds subjects and deletes fields

    def sweep(
        self,
        *,
        chunk: int = DEFAULT_CHUNK,
        max_chunks: int | None = None,
        keep_alive: Callable[[], object] | None = None,
    ) -> SweepResult:
        """Deletes or anonymises every value past its retention, a chunk per transaction, until none is left
        (or ``max_chunks`` are done). Safe to run in several processes at once, and again after a crash."""
        now = self._context.now()
        result = SweepResult()
        while max_chunks is None or result.chunks < max_chunks:
            done = self._one_chunk(now, chunk, result)
            if keep_alive is not None:
                keep_alive()
            if done < chunk:
                break
        result.shredded = self._shred_emptied()
        with self._context.connect() as connection:
            result.held = int(connection.execute(_HELD_COUNT, {"now": now}).scalar_one())
        if result.chunks == 0 or result.held:
            with self._context.unit() as uow:  # a sweep that found nothing still leaves its trace, as do held values
                uow.record(
                    AuditEvent(
                        "retention-swept",
                        "system",
                        role="system",
                        details={"deleted": {}, "anonymised": {}, "held": result.held, "before": now.isoformat()},
                    )
                )
        return result

    def _one_chunk(self, now: datetime, chunk: int, result: SweepResult) -> int:
        policy = self._context.policy
        with self._context.unit() as uow:
            connection = uow.connection
            gone = _EXPIRED.take_deleting(connection, {"now": now, "chunk": chunk})
            if not gone:
                return 0
            deleted: Counter[str] = Counter()
            anonymised: Counter[str] = Counter()
            to_anonymise: list[tuple[Any, list[str]]] = []
            parsed: dict[str, tuple[list[str], OnExpiry]] = {}
            for row in gone:
                known = parsed.get(row.purposes)
                if known is None:
                    listed = [p for p in json.loads(row.purposes) if p in policy.spec.purposes]
                    known = parsed[row.purposes] = (listed, policy.on_expiry(listed) if listed else OnExpiry.DELETE)
                purposes, fate = known
                if fate is OnExpiry.ANONYMISE:
                    to_anonymise.append((row, purposes))
                    anonymised[row.field] += 1
                else:
                    deleted[row.field] += 1
            if to_anonymise:
                self._count_anonymously(connection, to_anonymise, now)
            # Every value's index rows, not only the spec's lookup fields now: a field that was one when the value
            # was written must not leave a way to find the person by a value that is gone.
            connection.exec_driver_sql(
                _DELETE_INDEX[connection.dialect.name], [(row.subject_id, row.field) for row in gone]
            )
            uow.record(
                AuditEvent(
                    "retention-swept",
                    "system",
                    role="system",
                    details={
                        "deleted": dict(sorted(deleted.items())),
                        "anonymised": dict(sorted(anonymised.items())),
                        "before": now.isoformat(),
                    },
                )
            )
        result.deleted.update(deleted)
        result.anonymised.update(anonymised)
        result.chunks += 1
        return len(gone)

    def _count_anonymously(self, connection: Connection, rows: list[tuple[Any, list[str]]], now: datetime) -> None:
        """Adds each value's generalised bucket to the anonymous counts (no subject, no link back), per purpose.
        The values were just deleted in this transaction; their sealed form came back from the delete."""
        policy = self._context.policy
        today = today_in_china(now)
        keys: dict[str, tuple[bytes, int] | None] = {}
        tally: Counter[tuple[str, str, str]] = Counter()
        for row, purposes in rows:
            if row.subject_id not in keys:
                keys[row.subject_id] = self._context.keyring.data_key(connection, row.subject_id)
            key = keys[row.subject_id]
            if key is None or key[1] != row.key_version:  # its key is gone: nothing readable is left to count
                continue
            value = open_value(key[0], row.subject_id, row.field, int(row.key_version), bytes(row.sealed))
            slot = bucket(policy.field_types[row.field], row.field, value, today)
            for purpose in purposes:
                tally[(purpose, row.field, slot)] += 1
        if tally:
            insert = (pg_insert if connection.dialect.name == "postgresql" else sqlite_insert)(_counts)
            statement = insert.on_conflict_do_update(
                index_elements=["purpose", "field", "bucket"], set_={"count": _counts.c.count + insert.excluded.count}
            )
            connection.execute(
                statement,
                [{"purpose": p, "field": f, "bucket": b, "count": n} for (p, f, b), n in sorted(tally.items())],
            )

    def count_subject_anonymously_in(self, connection: Connection, subject: str) -> None:
        """Adds all of a subject's values to the anonymous counts (before the subject is erased at shutdown)."""
        policy = self._context.policy
        rows = connection.execute(
            select(
                _values.c.subject_id, _values.c.field, _values.c.purposes, _values.c.sealed, _values.c.key_version
            ).where(_values.c.subject_id == subject)
        ).all()
        listed = [(row, [p for p in row.purposes if p in policy.spec.purposes]) for row in rows]
        self._count_anonymously(
            connection, [(row, purposes) for row, purposes in listed if purposes], self._context.now()
        )

    def anonymous_counts(self) -> list[dict[str, Any]]:
        with self._context.connect() as connection:
            rows = connection.execute(select(_counts).order_by(_counts.c.purpose, _counts.c.field, _counts.c.bucket))
            return [
                {"purpose": r.purpose, "field": r.field, "bucket": r.bucket, "count": int(r._mapping["count"])}
                for r in rows
            ]

    def record_event(self, *, subject: str, event: RetentionStart, actor: Actor) -> dict[str, datetime | None]:
        """Records that ``event`` happened for ``subject`` now (the contract ended, a purpose ended), and dates
        every value whose retention counts from it; returns the new end of each value of the subject."""
        if event is RetentionStart.COLLECTION:
            raise BadRequest(
                Msg("收集时间无需登记。", "Collection needs no recording: it is when a value was written.")
            )
        now = self._context.now()
        policy = self._context.policy
        with self._context.unit() as uow:
            connection = uow.connection
            self._vault.subject_status(connection, subject, lock=True)
            upsert(
                connection,
                _events,
                {"subject_id": subject, "event": event.value, "at": now},
                keys=("subject_id", "event"),
            )
            happened = {
                RetentionStart(r.event): r.at
                for r in connection.execute(select(_events).where(_events.c.subject_id == subject))
            }
            ends: dict[str, datetime | None] = {}
            rows = connection.execute(
                select(_values.c.field, _values.c.purposes, _values.c.collected_at).where(
                    _values.c.subject_id == subject
                )
            ).all()
            for row in rows:
                purposes = [p for p in row.purposes if p in policy.spec.purposes]
                ends[row.field] = policy.retain_until(purposes, row.collected_at, happened) if purposes else None
                connection.execute(
                    update(_values)
                    .where(_values.c.subject_id == subject, _values.c.field == row.field)
                    .values(retain_until=ends[row.field])
                )
            uow.record(
                AuditEvent(
                    "retention-clock-started",
                    actor.id,
                    role=actor.role,
                    subject=subject,
                    details={"event": event.value, "dated": sorted(f for f, end in ends.items() if end is not None)},
                )
            )
        return ends

    def on_cancellation_in(self, uow: UnitOfWork, *, subject: str, actor: Actor, reason: str) -> list[str]:
        """What cancelling an account does to the subject's PI: shredded at once, unless some of it must outlive
        the account (a legal hold on the subject; a legal minimum not yet reached; a period counted from the
        cancellation, or from an event still to come, such as the end of the contract). Then the values due now
        go, the rest are dated from the cancellation, and the sweep shreds the subject once the last of them has
        gone. Returns the fields kept (names only)."""
        connection = uow.connection
        now = self._context.now()
        policy = self._context.policy
        on_hold = connection.execute(
            select(_holds.c.id).where(_holds.c.subject_id == subject, _holds.c.released_at.is_(None)).limit(1)
        ).first()
        happened = {
            RetentionStart(r.event): r.at
            for r in connection.execute(select(_events).where(_events.c.subject_id == subject))
        }
        happened[RetentionStart.ACCOUNT_CANCELLATION] = now
        rows = connection.execute(
            select(_values.c.field, _values.c.purposes, _values.c.collected_at).where(_values.c.subject_id == subject)
        ).all()
        kept: dict[str, datetime] = {}
        for row in rows:
            purposes = [p for p in row.purposes if p in policy.spec.purposes]
            end = policy.retain_until_after_cancellation(purposes, row.collected_at, happened) if purposes else now
            if on_hold is not None or end > now:
                kept[row.field] = end
        if not kept:
            self._vault.shred_as_system(actor=Actor.system(), subject_id=subject, reason=reason, uow=uow)
            return []
        gone = [row.field for row in rows if row.field not in kept]
        if gone:
            self._vault.delete_fields(uow, subject, gone)
        for field_id, end in kept.items():
            connection.execute(
                update(_values)
                .where(_values.c.subject_id == subject, _values.c.field == field_id)
                .values(retain_until=end)
            )
        upsert(
            connection,
            _events,
            {"subject_id": subject, "event": RetentionStart.ACCOUNT_CANCELLATION.value, "at": now},
            keys=("subject_id", "event"),
        )
        # What is kept is kept for storage only: no role may read or write it any more (vault._GONE).
        connection.execute(update(_subjects).where(_subjects.c.id == subject).values(status="restricted"))
        uow.record(
            AuditEvent(
                "pi-kept-after-cancellation",
                actor.id,
                role=actor.role,
                subject=subject,
                details={"kept": sorted(kept), "deleted": sorted(gone), "held": on_hold is not None},
            )
        )
        return sorted(kept)

    def _shred_emptied(self) -> int:
        """Shreds the subjects of cancelled accounts whose last kept value has gone (and no hold keeps them)."""
        with self._context.unit() as uow:
            found = [row.id for row in _CANCELLED_AND_EMPTY.take(uow.connection, {})]
            for subject in found:
                self._vault.shred_as_system(actor=Actor.system(), subject_id=subject, reason="retention_ended", uow=uow)
        return len(found)

    def place_hold(self, *, subject: str, reason: str, actor: Actor) -> int:
        """Keeps a subject's PI from retention's deletion until released (the reason stays out of the audit
        trail, which names the hold by its number: a reason may be free text)."""
        if not reason.strip() or len(reason) > REASON_MAX:
            raise BadRequest(
                Msg(
                    f"请写明保全理由（1 到 {REASON_MAX} 个字符），如案号。",
                    f"Give the hold's reason (1 to {REASON_MAX} characters), such as a case reference.",
                ),
                field="reason",
            )
        with self._context.unit() as uow:
            self._vault.subject_status(uow.connection, subject)
            hold_id = int(
                uow.connection.execute(
                    _holds.insert()
                    .values(
                        subject_id=subject, reason=reason.strip(), placed_by=actor.id, placed_at=self._context.now()
                    )
                    .returning(_holds.c.id)
                ).scalar_one()
            )
            uow.record(
                AuditEvent("legal-hold-placed", actor.id, role=actor.role, subject=subject, details={"hold": hold_id})
            )
        return hold_id

    def release_hold(self, *, hold_id: int, actor: Actor) -> None:
        with self._context.unit() as uow:
            row = uow.connection.execute(
                select(_holds.c.subject_id).where(_holds.c.id == hold_id, _holds.c.released_at.is_(None))
            ).first()
            if row is None:
                raise not_found("这项保全", "legal hold")
            uow.connection.execute(
                update(_holds)
                .where(_holds.c.id == hold_id)
                .values(released_at=self._context.now(), released_by=actor.id)
            )
            uow.record(
                AuditEvent(
                    "legal-hold-released", actor.id, role=actor.role, subject=row.subject_id, details={"hold": hold_id}
                )
            )

    def holds(self) -> list[dict[str, Any]]:
        """The holds in place (their reasons are for staff, not for logs)."""
        with self._context.connect() as connection:
            rows = connection.execute(select(_holds).where(_holds.c.released_at.is_(None)).order_by(_holds.c.id))
            return [
                {
                    "id": r.id,
                    "subject_id": r.subject_id,
                    "reason": r.reason,
                    "placed_by": r.placed_by,
                    "placed_at": r.placed_at.isoformat(),
                }
                for r in rows
            ]


# ------------------------------------------------------------------ events a period counts from


_CANCELLED_AND_EMPTY = Claim(
    select(_subjects.c.id)
    .join(
        _events,
        (_events.c.subject_id == _subjects.c.id) & (_events.c.event == RetentionStart.ACCOUNT_CANCELLATION.value),
    )
    .where(
        _subjects.c.status == "restricted",
        ~exists().where(_values.c.subject_id == _subjects.c.id),
        ~exists().where(_holds.c.subject_id == _subjects.c.id, _holds.c.released_at.is_(None)),
    )
    .limit(500),
    of=_subjects,
)


# ------------------------------------------------------------------ legal holds
