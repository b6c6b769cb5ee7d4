"""One transaction per use case, with its audit events appended to the chain before it commits.

A refusal still leaves its trace: when a use case raises an audited error
(an access denial), the data changes roll back and the recorded events are
committed on their own, so "denied, and audited" holds for every refusal.

A use case that only reads (a masked read, a lookup) runs in a ``ReadUnit``:
it reads without taking the write lock, so reads never queue behind writers,
and its events are appended afterwards in a transaction of their own that
holds the write lock only for the append. The read's result is handed back
only once its events are committed: a read whose audit event was lost would
be a read nobody can account for.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from types import TracebackType
from typing import Any

from sqlalchemy import Connection, Engine

from yinsi.adapters.db.engine import reader, writer
from yinsi.core.errors import YinsiError
from yinsi.services.audit import AuditEvent, AuditLog, GroupAppender


class UnitOfWork:
    def __init__(self, engine: Engine, audit: AuditLog, now: Callable[[], datetime]) -> None:
        self._engine = engine
        self._audit = audit
        self._now = now
        self._events: list[AuditEvent] = []
        self._after_commit: list[Callable[[], object]] = []
        self._after_end: list[Callable[[], object]] = []
        self.connection: Connection
        # Subjects created in this transaction, with their fresh data key: a write that follows needs
        # neither their status nor their key read back, and they hold no values yet.
        self.created: dict[str, tuple[bytes, int]] = {}
        # Per-transaction notes of a use case (e.g. the states a request went through, to notify them once).
        self.notes: dict[str, Any] = {}

    def __enter__(self) -> UnitOfWork:
        self.connection = writer(self._engine)
        try:
            self._transaction = self.connection.begin()
        except BaseException:
            self.connection.close()  # a BEGIN that failed (a lock not had in time) must not keep its connection
            raise
        return self

    def record(self, event: AuditEvent) -> None:
        self._events.append(event)

    def after_commit(self, action: Callable[[], object]) -> None:
        """Runs ``action`` only once the transaction is committed (e.g. sending a message)."""
        self._after_commit.append(action)

    def after_end(self, action: Callable[[], object]) -> None:
        """Runs ``action`` in its own transaction once this one has ended, committed or rolled back: for what
        a refusal must still bring about (a minor discovered under an adults-only rule loses their PI)."""
        self._after_end.append(action)

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        try:
            if exc is None or (isinstance(exc, YinsiError) and exc.keep_changes):
                self._audit.append(self.connection, self._events, self._now())
                self._transaction.commit()
            else:
                self._transaction.rollback()
                if isinstance(exc, YinsiError) and exc.audited and self._events:
                    with self.connection.begin():
                        self._audit.append(self.connection, self._events, self._now())
        finally:
            self.connection.close()
        for action in self._after_end:
            action()
        if exc is None:
            for action in self._after_commit:
                action()


class ReadUnit:
    """A read-only use case: it reads without the write lock (``reader``), its audit events appended after it by the
    ``GroupAppender`` together with those of the reads that finish at the same time.

    The read connection is closed before the append, so a thread never holds two.
    """

    def __init__(self, engine: Engine, appender: GroupAppender | None) -> None:
        self._engine = engine
        self._appender = appender
        self._events: list[AuditEvent] = []
        self.connection: Connection
        # Without an appender (a read served on the event loop), the events to append are left here for the
        # coroutine, which answers only once it has appended them (``LoopAppender``).
        self.to_append: list[AuditEvent] = []

    def __enter__(self) -> ReadUnit:
        self.connection = reader(self._engine)
        return self

    def record(self, event: AuditEvent) -> None:
        self._events.append(event)

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.connection.close()  # nothing was written: nothing to commit
        keep = exc is None or (isinstance(exc, YinsiError) and exc.audited)
        if keep and self._events:
            if self._appender is None:
                self.to_append = self._events
            else:
                self._appender.append(self._events)
