"""INSERT ... ON CONFLICT DO UPDATE on both backends (SQLite and PostgreSQL share the syntax).

Building the construct is expensive in SQLAlchemy (the ``excluded`` pseudo-table
is rebuilt each time), and vault writes do it on their hot path, so each
distinct statement is built once and then run with executemany.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import Connection, Table
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.sql.dml import Insert

_STATEMENTS: dict[tuple[str, str, tuple[str, ...], tuple[str, ...], str | None], Insert] = {}


def upsert(
    connection: Connection,
    table: Table,
    rows: Mapping[str, Any] | Sequence[Mapping[str, Any]],
    *,
    keys: Sequence[str],
    only_if_newer: str | None = None,
) -> None:
    """Inserts ``rows``, or updates the existing rows with the same ``keys``.

    With ``only_if_newer="entry_id"`` an existing row is only replaced by one whose
    ``entry_id`` is greater, so concurrent writers can only move a row forward.
    """
    batch = [rows] if isinstance(rows, Mapping) else list(rows)
    if not batch:
        return
    columns = tuple(batch[0])
    dialect = connection.dialect.name
    cache_key = (dialect, table.fullname, columns, tuple(keys), only_if_newer)
    statement = _STATEMENTS.get(cache_key)
    if statement is None:
        insert = (pg_insert if dialect == "postgresql" else sqlite_insert)(table)
        changes = {name: insert.excluded[name] for name in columns if name not in keys}
        where = table.c[only_if_newer] < insert.excluded[only_if_newer] if only_if_newer else None
        statement = insert.on_conflict_do_update(index_elements=list(keys), set_=changes, where=where)
        _STATEMENTS[cache_key] = statement
    connection.execute(statement, batch)
