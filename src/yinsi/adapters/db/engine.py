"""Engines for the data store, with the keystore reachable as ``keystore.<table>`` on both backends.

On SQLite the keystore is its own file, ATTACHed to every connection under
the name ``keystore``; on PostgreSQL it is the ``keystore`` schema. Either
way one query can join a sealed value with its subject's wrapped key, so a
shredded key can never be used: if its row is gone, the join yields nothing,
whatever any process has cached.

SQLite runs in WAL mode with a busy timeout and foreign keys on. Write
transactions (``writer()``, and every unit of work) open with BEGIN IMMEDIATE
(SQLAlchemy's documented pysqlite recipe), so two writers queue instead of
failing with "database is locked" half-way through; readers open DEFERRED and
never wait for a writer.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import Connection
from sqlalchemy.pool import NullPool

BUSY_TIMEOUT_MS = 30_000


def make_engine(url: str, *, keystore_path: Path | None = None, pool: bool = True) -> Engine:
    """An engine for ``url``; SQLite URLs need ``keystore_path`` for the attached keystore file.

    ``hide_parameters``: a database error's text then never carries a statement's parameters (PI, sealed or
    not), wherever it is logged.
    """
    if url.startswith("sqlite"):
        if keystore_path is None:
            raise ValueError("a SQLite data store needs the keystore file's path")
        return _sqlite_engine(url, keystore_path, pool=pool)
    kwargs: dict[str, Any] = {"pool_pre_ping": True, "hide_parameters": True}
    if pool:
        kwargs.update(pool_size=10, max_overflow=40)
    else:
        kwargs["poolclass"] = NullPool
    return create_engine(url, **kwargs)


def _sqlite_engine(url: str, keystore_path: Path, *, pool: bool) -> Engine:
    database = url.split("///", 1)[1] if "///" in url else ""
    if database and database != ":memory:":
        Path(database).parent.mkdir(parents=True, exist_ok=True)
    keystore_path.parent.mkdir(parents=True, exist_ok=True)
    kwargs: dict[str, Any] = {
        "connect_args": {"check_same_thread": False, "timeout": BUSY_TIMEOUT_MS / 1000},
        "hide_parameters": True,
    }
    if not pool:
        kwargs["poolclass"] = NullPool
    engine = create_engine(url, **kwargs)

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: sqlite3.Connection, _record: object) -> None:
        # Let SQLAlchemy's "begin" event below issue BEGIN itself (pysqlite's own handling is wrong for us).
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        try:
            cursor.execute("ATTACH DATABASE ? AS keystore", (str(keystore_path),))
            for schema in ("main", "keystore"):
                cursor.execute(f"PRAGMA {schema}.journal_mode=WAL")
                cursor.execute(f"PRAGMA {schema}.synchronous=NORMAL")
            cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
            cursor.execute("PRAGMA foreign_keys=ON")
        finally:
            cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Connection) -> None:
        # Readers begin DEFERRED (no lock until they write); writers ask for IMMEDIATE through `writer()`.
        mode = connection.get_execution_options().get("sqlite_begin", "DEFERRED")
        connection.exec_driver_sql(f"BEGIN {mode}")

    return engine


def writer(engine: Engine) -> Connection:
    """A connection whose transactions take SQLite's write lock up front (BEGIN IMMEDIATE), so a transaction
    that reads and then writes never fails half-way because another writer came in between."""
    return engine.connect().execution_options(sqlite_begin="IMMEDIATE")
