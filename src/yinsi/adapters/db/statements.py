"""Statements built once for the hot paths, that still refuse a misspelt column.

A bare ``insert(table)`` executed with a parameter dict silently ignores a key
that is not a column, so a typo would store NULL where a value was meant.
These name their columns once, checked when the module loads; executing one
without a value for every named column is an error.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Insert, Select, Table, and_, bindparam, insert, or_

from yinsi.core import pages
from yinsi.core.errors import BadRequest

__all__ = ["strict_insert"]


def strict_insert(table: Table, *columns: str) -> Insert:
    """An INSERT of exactly ``columns``, each a bound parameter of the same name."""
    unknown = [name for name in columns if name not in table.c]
    if unknown:
        raise ValueError(f"{table.name} has no column {', '.join(unknown)}")
    return insert(table).values({name: bindparam(name) for name in columns})


def older_than(at: ColumnElement[datetime], key_id: ColumnElement[str], key: list[str | int]) -> ColumnElement[bool]:
    """Rows after a cursor's (time, id) in newest-first order: older, or as old with a smaller id. A cursor whose
    time is no time is ``bad_request``."""
    try:
        moment = datetime.fromisoformat(str(key[0]))
    except ValueError:
        raise BadRequest(pages.BAD_CURSOR, field="cursor") from None
    return or_(at < moment, and_(at == moment, key_id < str(key[1])))


def newest_by_id(query: Select[Any], id_column: ColumnElement[int], *, limit: int, cursor: str | None) -> Select[Any]:
    """One page of ``query`` newest first by a growing integer id: after the cursor's id, with one row more than
    ``limit`` (``pages.cut`` tells by it whether a next page exists)."""
    after = pages.decode(cursor, 1)
    query = query.order_by(id_column.desc()).limit(limit + 1)
    return query if after is None else query.where(id_column < pages.int_key(after))
