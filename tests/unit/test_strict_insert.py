"""Prebuilt inserts name their columns: a misspelt key is an error, never a silent NULL."""

from __future__ import annotations

import pytest
from sqlalchemy import Column, Integer, MetaData, String, Table, create_engine, select
from sqlalchemy.exc import StatementError

from yinsi.adapters.db.statements import strict_insert

METADATA = MetaData()
NOTES = Table(
    "notes",
    METADATA,
    Column("id", Integer, primary_key=True),
    Column("author", String, nullable=False),
    Column("note", String, nullable=True),
)


def test_a_column_the_table_lacks_is_refused_when_the_statement_is_built() -> None:
    with pytest.raises(ValueError, match="notes has no column nte"):
        strict_insert(NOTES, "author", "nte")


def test_a_misspelt_key_fails_instead_of_storing_null() -> None:
    engine = create_engine("sqlite://")
    METADATA.create_all(engine)
    statement = strict_insert(NOTES, "author", "note")
    with engine.begin() as connection:
        connection.execute(statement, {"author": "a", "note": "kept"})
        with pytest.raises(StatementError, match="A value is required for bind parameter 'note'"):
            connection.execute(statement, {"author": "b", "nte": "lost"})
        assert list(connection.execute(select(NOTES.c.author, NOTES.c.note))) == [("a", "kept")]
