"""Who may use a store: a server holds it shared for its lifetime, a restore needs it alone; and is there one.

A restore replaces the data store (or the keystore) under every process that
has it open, and only a process that starts afresh replays the shreds; so a
restore must not run while a server does. Each server process (each uvicorn
worker too) holds the store *shared* for as long as it serves; a restore
asks for it *exclusively* and without waiting, and is refused while any
server holds it. A server that starts while a restore runs is refused too.

- SQLite: ``flock`` on a lock file beside the data store (``yinsi.db.lock``,
  mode 0600). The kernel drops the lock when the process ends, however it
  ends, so a crashed server never leaves the store locked.
- PostgreSQL: a session-level advisory lock (``pg_advisory_lock_shared`` /
  ``pg_try_advisory_lock``) on a dedicated connection kept open (in
  autocommit, so it never holds a transaction open) for as long as the hold
  lasts. Advisory locks belong to one database, so one fixed key suffices.
  They do not survive a connection pooler in transaction mode (PgBouncer):
  give yinsi a direct connection.
"""

from __future__ import annotations

import fcntl
import os
import sqlite3
from collections.abc import Iterator
from contextlib import closing, contextmanager
from pathlib import Path

from sqlalchemy import Connection, create_engine, inspect, make_url, text
from sqlalchemy.pool import NullPool

from yinsi.config import StartupError
from yinsi.core.i18n import Msg, env_lang

# Any fixed 64-bit number; "yinsi" in ASCII, so it is recognisable in pg_locks.
ADVISORY_KEY = 0x79696E7369


class StoreInUse(StartupError):
    """The store is held by another process in a way that forbids what was asked; the text says what to do
    (a ``StartupError``, so every command prints it as one sentence and exits 1), in the commands' language."""

    def __init__(self, message: Msg) -> None:
        super().__init__(message.get(env_lang()))


def _sqlite_file(database_url: str) -> Path | None:
    url = make_url(database_url)
    if url.get_backend_name() != "sqlite":
        return None
    return Path(url.database or "").resolve()


def _lock_file(database: Path) -> int:
    database.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    return os.open(database.with_name(database.name + ".lock"), os.O_RDWR | os.O_CREAT, 0o600)


@contextmanager
def _pg_connection(database_url: str) -> Iterator[Connection]:
    engine = create_engine(database_url, poolclass=NullPool, hide_parameters=True)
    try:
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            yield connection
    finally:
        engine.dispose()


@contextmanager
def serving(database_url: str) -> Iterator[None]:
    """Held by a server process for as long as it serves: shared with the other server processes, refused
    (``StoreInUse``) while a restore runs. Enter it once per process, before opening the store."""
    database = _sqlite_file(database_url)
    if database is not None:
        fd = _lock_file(database)
        try:
            try:
                fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
            except BlockingIOError:
                raise StoreInUse(_RESTORING) from None
            yield
        finally:
            os.close(fd)  # closing the descriptor releases the lock
        return
    with _pg_connection(database_url) as connection:
        got = connection.execute(text("SELECT pg_try_advisory_lock_shared(:k)"), {"k": ADVISORY_KEY}).scalar()
        if not got:
            raise StoreInUse(_RESTORING)
        try:
            yield
        finally:
            connection.execute(text("SELECT pg_advisory_unlock_shared(:k)"), {"k": ADVISORY_KEY})


@contextmanager
def exclusive(database_url: str, what: Msg) -> Iterator[None]:
    """Held by a restore from start to end; refused at once (``StoreInUse``) while a server holds the store.
    ``what`` names the operation in the refusal ("恢复数据存储" / "restore the data store")."""
    refusal = Msg(
        f"这个存储上有 yinsi 服务正在运行；请先停止所有 'yinsi serve' 进程（及其工作进程），再{what.zh}；"
        "什么也没有改动。",
        f"a yinsi server is running on this store; stop every 'yinsi serve' process (and its workers) "
        f"before you {what.en}, then run the command again; nothing was changed",
    )
    database = _sqlite_file(database_url)
    if database is not None:
        fd = _lock_file(database)
        try:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                raise StoreInUse(refusal) from None
            yield
        finally:
            os.close(fd)
        return
    with _pg_connection(database_url) as connection:
        got = connection.execute(text("SELECT pg_try_advisory_lock(:k)"), {"k": ADVISORY_KEY}).scalar()
        if not got:
            raise StoreInUse(refusal)
        try:
            yield
        finally:
            connection.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": ADVISORY_KEY})


_RESTORING = Msg(
    "这个存储正在恢复中；恢复完成后再启动服务。",
    "a restore is running on this store; start the server again once it has finished",
)


def has_store(database_url: str) -> bool:
    """Whether ``database_url`` holds a yinsi data store (one 'yinsi db upgrade' or 'yinsi serve' made),
    without creating anything: no file, no directory, no table."""
    database = _sqlite_file(database_url)
    if database is not None:
        if not database.is_file() or database.stat().st_size == 0:
            return False
        try:
            with closing(sqlite3.connect(f"file:{database}?mode=ro", uri=True)) as connection:
                found = connection.execute(
                    "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'alembic_version'"
                ).fetchone()
        except sqlite3.DatabaseError:
            return True  # something is there: let the command say what is wrong with it
        return found is not None
    with _pg_connection(database_url) as connection:
        return bool(inspect(connection).has_table("alembic_version"))
