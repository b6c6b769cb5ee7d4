"""Statements built once for the hot paths, that still refuse a misspelt column.

A bare ``insert(table)`` executed with a parameter dict silently ignores a key
that is not a column, so a typo would store NULL where a value was meant.
These name their columns once, checked when the module loads; executing one
without a value for every named column is an error.
"""

from __future__ import annotations

from sqlalchemy import Insert, Table, bindparam, insert

__all__ = ["strict_insert"]


def strict_insert(table: Table, *columns: str) -> Insert:
    """An INSERT of exactly ``columns``, each a bound parameter of the same name."""
    unknown = [name for name in columns if name not in table.c]
    if unknown:
        raise ValueError(f"{table.name} has no column {', '.join(unknown)}")
    return insert(table).values({name: bindparam(name) for name in columns})
