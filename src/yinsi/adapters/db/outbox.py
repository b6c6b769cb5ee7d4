"""The console channel's store: messages kept sealed in the data store for ``yinsi outbox`` to show."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Engine, delete, select

from yinsi.adapters.db.engine import writer
from yinsi.adapters.db.rows import OutboxRow, table_of
from yinsi.adapters.db.statements import strict_insert

_outbox = table_of(OutboxRow)
_INSERT = strict_insert(_outbox, "reference", "channel", "sealed", "created_at")


@dataclass(frozen=True, slots=True)
class StoredMessage:
    reference: str
    channel: str
    sealed: bytes
    created_at: datetime


class DbOutbox:
    """Implements ``OutboxSink``; writes in its own short transaction (sending happens after the commit)."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    def put(self, reference: str, channel: str, sealed: bytes, created_at: datetime) -> None:
        with writer(self._engine) as connection, connection.begin():
            connection.execute(
                _INSERT, {"reference": reference, "channel": channel, "sealed": sealed, "created_at": created_at}
            )

    def latest(self, limit: int | None = 20, channel: str | None = None) -> list[StoredMessage]:
        """The newest messages first; ``limit=None`` for all of them (the outbox keeps only recent hours)."""
        query = select(_outbox).order_by(_outbox.c.id.desc()).limit(limit)
        if channel is not None:
            query = query.where(_outbox.c.channel == channel)
        with self._engine.connect() as connection:
            return [
                StoredMessage(r.reference, r.channel, bytes(r.sealed), r.created_at) for r in connection.execute(query)
            ]

    def purge(self, before: datetime) -> int:
        with writer(self._engine) as connection, connection.begin():
            return int(connection.execute(delete(_outbox).where(_outbox.c.created_at < before)).rowcount or 0)
