"""Claiming a chunk of work so that several workers share it without overlap.

On PostgreSQL a claim is ``SELECT ... FOR UPDATE SKIP LOCKED``: each worker
locks the rows it takes until its transaction ends, and a worker that comes
while they are locked skips them and takes the next ones instead of waiting.
A row whose transaction rolled back (a crash) is unlocked and claimable again.

On SQLite the claim runs inside a write transaction, which already holds the
database's one write lock (``BEGIN IMMEDIATE``, see ``engine.writer``): no
other worker, in this process or another, can claim or change a row until it
commits, so a plain ``SELECT ... LIMIT`` is the safe equivalent.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import Connection, Row, Select, Table


class Claim:
    """A chunk-claiming query, built once for each backend."""

    def __init__(self, query: Select[Any], *, of: Table) -> None:
        self._plain = query
        self._skip_locked = query.with_for_update(skip_locked=True, of=of)

    def take(self, connection: Connection, params: Mapping[str, Any]) -> Sequence[Row[Any]]:
        """The claimed rows; call it inside the write transaction that does the work on them."""
        if not connection.in_transaction():
            raise RuntimeError("a claim only holds inside the transaction that does the work")
        query = self._skip_locked if connection.dialect.name == "postgresql" else self._plain
        return connection.execute(query, dict(params)).all()
