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

from sqlalchemy import ColumnElement, Connection, Row, Select, Table, delete, tuple_
from sqlalchemy.sql.dml import ReturningDelete


class Claim:
    """A chunk-claiming query, built once for each backend.

    With ``keys`` (the table's primary key columns) it can also claim and delete in one statement,
    ``DELETE ... WHERE (keys) IN (the claim) RETURNING ...``: the rows are gone from the table but their
    values come back to the caller, within the same transaction.
    """

    def __init__(
        self,
        query: Select[Any],
        *,
        of: Table,
        keys: Sequence[ColumnElement[Any]] = (),
        returning: Sequence[ColumnElement[Any]] = (),
    ) -> None:
        self._plain = query
        self._skip_locked = query.with_for_update(skip_locked=True, of=of)
        self._deletes: dict[bool, ReturningDelete[Any]] = {}
        if keys:
            for skip, claim in ((False, self._plain), (True, self._skip_locked)):
                self._deletes[skip] = (
                    delete(of).where(tuple_(*keys).in_(claim.with_only_columns(*keys))).returning(*returning)
                )

    def take(self, connection: Connection, params: Mapping[str, Any]) -> Sequence[Row[Any]]:
        """The claimed rows; call it inside the write transaction that does the work on them."""
        query = self._skip_locked if _skipping(connection) else self._plain
        return connection.execute(query, dict(params)).all()

    def take_deleting(self, connection: Connection, params: Mapping[str, Any]) -> Sequence[Row[Any]]:
        """Claims rows and deletes them at once, returning the ``returning`` columns of each."""
        return connection.execute(self._deletes[_skipping(connection)], dict(params)).all()


def _skipping(connection: Connection) -> bool:
    if not connection.in_transaction():
        raise RuntimeError("a claim only holds inside the transaction that does the work")
    return connection.dialect.name == "postgresql"
