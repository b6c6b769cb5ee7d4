"""The declarative bases: one metadata for the data store, one for the keystore schema.

The keystore lives apart from the data (its own SQLite file attached as
``keystore``, or the ``keystore`` schema on PostgreSQL), so a backup of the
data store never carries a usable key.
"""

from __future__ import annotations

from typing import cast

from sqlalchemy import MetaData, Table
from sqlalchemy.orm import DeclarativeBase

NAMING = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

KEYSTORE_SCHEMA = "keystore"


class DataBase(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)

    def __repr__(self) -> str:
        # Rows may hold ciphertext or identifiers; never print column values wholesale.
        return f"<{type(self).__name__}>"


class KeystoreBase(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING, schema=KEYSTORE_SCHEMA)

    def __repr__(self) -> str:
        return f"<{type(self).__name__}>"


def table_of(row: type[DataBase] | type[KeystoreBase]) -> Table:
    """The row class's Table, typed as one (``__table__`` is typed as a plain FromClause)."""
    return cast(Table, row.__table__)
