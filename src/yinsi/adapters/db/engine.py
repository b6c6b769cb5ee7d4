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

Two rules keep a busy server from locking up:

- A thread holds at most one connection of an engine at a time. A thread that
  holds SQLite's write lock and asks the pool for a second connection, while
  the pool's other connections belong to threads waiting for that same lock,
  waits for ever (until timeouts turn every request into an error). So asking
  for a second connection is refused at once, as the programming error it is
  (``SecondConnection``), and the test suite runs with the rule on.
- Nobody waits longer than ``lock_timeout`` for a lock (SQLite's busy timeout,
  PostgreSQL's ``lock_timeout``) or for a pooled connection: the caller gets
  ``Busy`` (HTTP 503 with Retry-After), nothing half-done.
"""

from __future__ import annotations

import contextlib
import fcntl
import logging
import os
import sqlite3
import threading
import time
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import Connection, ExceptionContext
from sqlalchemy.pool import NullPool

from yinsi.core.errors import Busy
from yinsi.core.periodic import Periodic

LOCK_TIMEOUT_S = 5.0
# Connections a pool keeps beyond one per request thread: the policy follower, a server's store lock, start-up.
POOL_SPARE = 4
DEFAULT_POOL_SIZE = 40 + POOL_SPARE  # anyio's default of 40 worker threads, plus the spares

log = logging.getLogger(__name__)


class SecondConnection(RuntimeError):
    """A thread asked for a second connection while holding one: the pattern that deadlocks a full pool."""


def make_engine(
    url: str,
    *,
    keystore_path: Path | None = None,
    pool: bool = True,
    pool_size: int = DEFAULT_POOL_SIZE,
    lock_timeout: float = LOCK_TIMEOUT_S,
    background_checkpoints: bool = False,
) -> Engine:
    """An engine for ``url``; SQLite URLs need ``keystore_path`` for the attached keystore file.

    ``pool_size`` is the most connections the engine ever opens (no overflow): a server sizes it to its
    request threads plus ``POOL_SPARE``, so a thread never waits for a connection another thread could only
    return after waiting itself. ``hide_parameters``: a database error's text then never carries a
    statement's parameters (PI, sealed or not), wherever it is logged.
    """
    if url.startswith("sqlite"):
        if keystore_path is None:
            raise ValueError("a SQLite data store needs the keystore file's path")
        engine = _sqlite_engine(
            url,
            keystore_path,
            pool=pool,
            pool_size=pool_size,
            lock_timeout=lock_timeout,
            autocheckpoint=not background_checkpoints,
        )
    else:
        kwargs: dict[str, Any] = {
            "pool_pre_ping": True,
            "hide_parameters": True,
            # Waiting for a row or table lock ends after lock_timeout with SQLSTATE 55P03, which becomes Busy.
            "connect_args": {"options": f"-c lock_timeout={int(lock_timeout * 1000)}"},
        }
        if pool:
            kwargs.update(pool_size=pool_size, max_overflow=0, pool_timeout=lock_timeout)
        else:
            kwargs["poolclass"] = NullPool
        engine = create_engine(url, **kwargs)
    _one_connection_per_thread(engine)
    event.listen(engine, "handle_error", _busy_instead, retval=True)
    return engine


def _create_owner_only(path: Path) -> None:
    """Creates a store file yinsi is about to make, 0600 from its first moment (``os.open`` applies the mode at
    creation, and a umask only ever takes bits away), instead of leaving SQLite to create it under the
    process's umask (0644 under the usual 022) and fixing it afterwards. SQLite takes an empty file for a
    new database, and gives the -wal and -shm files it creates the database file's mode. A file already
    there is left alone (``_owner_only`` checks it)."""
    with contextlib.suppress(FileExistsError):
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))


def _owner_only(path: Path) -> None:
    """A store found readable by others (made by another tool, or copied) is made the owner's alone, and said
    so; one yinsi created is already 0600 (``_create_owner_only``) and passes silently."""
    with contextlib.suppress(OSError):  # a file of another owner, read-only media: left as it is
        if path.stat().st_mode & 0o077:
            path.chmod(0o600)
            log.warning("%s could be read by other users: made it the owner's alone (0600)", path.name)


def _sqlite_engine(
    url: str, keystore_path: Path, *, pool: bool, pool_size: int, lock_timeout: float, autocheckpoint: bool
) -> Engine:
    database = url.split("///", 1)[1] if "///" in url else ""
    if database and database != ":memory:":
        Path(database).parent.mkdir(parents=True, exist_ok=True)
        if not database.startswith("file:") and "?" not in database:  # a plain path, not a URI with options
            _create_owner_only(Path(database))
    keystore_path.parent.mkdir(parents=True, exist_ok=True)
    _create_owner_only(keystore_path)
    busy_timeout_ms = int(lock_timeout * 1000)
    kwargs: dict[str, Any] = {
        "connect_args": {"check_same_thread": False, "timeout": lock_timeout},
        "hide_parameters": True,
    }
    if pool:
        kwargs.update(pool_size=pool_size, max_overflow=0, pool_timeout=lock_timeout)
    else:
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
            cursor.execute(f"PRAGMA busy_timeout={busy_timeout_ms}")
            cursor.execute("PRAGMA foreign_keys=ON")
            if not autocheckpoint:
                cursor.execute("PRAGMA wal_autocheckpoint=0")
        finally:
            cursor.close()
        # The stores hold PI and keys: the owner's alone, whatever the umask of the process that made them
        # (a service embedding yinsi, a test). SQLite gives the -wal and -shm files the database's mode.
        for path in (database, str(keystore_path)):
            if path and path != ":memory:":
                _owner_only(Path(path))

    gate = _WriteGate(Path(database) if database and database != ":memory:" else None)

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Connection) -> None:
        # Readers begin DEFERRED (no lock until they write); writers ask for IMMEDIATE through `writer()`.
        mode = connection.get_execution_options().get("sqlite_begin", "DEFERRED")
        if mode == "NONE":
            return  # a reader: each statement is its own transaction (see `reader()`)
        if mode != "IMMEDIATE" or connection.info.get(_GATE):
            connection.exec_driver_sql(f"BEGIN {mode}")
            return
        if not gate.acquire(timeout=lock_timeout):
            raise Busy()
        try:
            connection.exec_driver_sql("BEGIN IMMEDIATE")
        except BaseException:
            gate.release()
            raise
        connection.info[_GATE] = True

    @event.listens_for(engine.pool, "checkin")
    def _on_checkin(_dbapi: object, record: Any) -> None:
        if record is not None and record.info.pop(_GATE, False):
            gate.release()

    return engine


_GATE = "yinsi.write_gate"


class _WriteGate:
    """Where SQLite writers queue before they ask SQLite for its write lock.

    SQLite makes a waiting writer poll, sleeping up to 100 ms between tries, so under load its queue is slow
    and unfair: a writer can wait seconds while others come and go. Here the writers of one process queue on
    a Python lock, which hands over at once and in order; the one at its head then takes a lock file shared
    with the other processes (``yinsi serve --workers``, the commands), trying every millisecond. Held from
    BEGIN IMMEDIATE until the connection goes back to the pool, after its COMMIT or ROLLBACK.
    """

    def __init__(self, database: Path | None) -> None:
        self._threads = threading.Lock()
        self._path = database.with_name(database.name + ".write-lock") if database is not None else None
        self._fd: int | None = None

    def acquire(self, timeout: float) -> bool:
        deadline = time.monotonic() + timeout
        if not self._threads.acquire(timeout=timeout):
            return False
        if self._path is None:
            return True
        try:
            if self._fd is None:
                self._fd = os.open(self._path, os.O_RDWR | os.O_CREAT, 0o600)
            while True:
                try:
                    fcntl.flock(self._fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    return True
                except BlockingIOError:
                    if time.monotonic() >= deadline:
                        self._threads.release()
                        return False
                    time.sleep(0.001)
        except BaseException:
            self._threads.release()
            raise

    def release(self) -> None:
        if self._fd is not None:
            fcntl.flock(self._fd, fcntl.LOCK_UN)
        self._threads.release()


class WalCheckpointer:
    """Copies SQLite's write-ahead log into the database files in a thread of its own, twice a second.

    By default SQLite does it inside a COMMIT once the log holds 1,000 pages, and the request that commits
    then waits for the copy and its fsync, with every writer of the process queued behind it (the write
    gate is held until its connection goes back to the pool): the slowest requests of a busy server. A
    PASSIVE checkpoint takes no lock that writers or readers wait for.
    """

    def __init__(self, engine: Engine, interval: float = 0.5) -> None:
        self._engine = engine
        self._rounds = Periodic("wal-checkpoint", interval, self.checkpoint)

    def start(self) -> None:
        if self._engine.dialect.name == "sqlite":
            self._rounds.start()

    def stop(self) -> None:
        self._rounds.stop()
        self.checkpoint()  # what the last requests wrote goes into the files

    def checkpoint(self) -> None:
        if self._engine.dialect.name != "sqlite":
            return
        with self._engine.connect() as connection:
            for schema in ("main", "keystore"):
                connection.exec_driver_sql(f"PRAGMA {schema}.wal_checkpoint(PASSIVE)")


def _one_connection_per_thread(engine: Engine) -> None:
    held = threading.local()

    def checked_out(_dbapi: object, record: object, _proxy: object) -> None:
        mine: set[int] = held.__dict__.setdefault("records", set())
        if mine:
            raise SecondConnection(
                "this thread already holds a connection of this engine; use that one (or close it first)"
            )
        mine.add(id(record))

    def checked_in(_dbapi: object, record: object) -> None:
        held.__dict__.setdefault("records", set()).discard(id(record))

    event.listen(engine.pool, "checkout", checked_out)
    event.listen(engine.pool, "checkin", checked_in)


# SQLite's "database is locked" after the busy timeout; PostgreSQL's lock_not_available, deadlock_detected and
# serialization_failure: the transaction did nothing, and the same request can simply be made again.
_PG_RETRYABLE = {"55P03", "40P01", "40001"}


def _busy_instead(context: ExceptionContext) -> BaseException | None:
    original = context.original_exception
    if isinstance(original, sqlite3.OperationalError) and "locked" in str(original):
        return Busy()
    if getattr(original, "sqlstate", None) in _PG_RETRYABLE:
        return Busy()
    return None


def reader(engine: Engine) -> Connection:
    """A connection for a use case that only reads and checks what it read against what it reads next (a
    read of PI: the values, then the consent that decides over them). On SQLite it issues no BEGIN, so each
    statement reads the newest committed state; a consent withdrawn between two statements is then already
    seen by the second, which is what a read must honour. It saves two statements a read, on the busiest path.
    """
    return engine.connect().execution_options(sqlite_begin="NONE")


def writer(engine: Engine) -> Connection:
    """A connection whose transactions take SQLite's write lock up front (BEGIN IMMEDIATE), so a transaction
    that reads and then writes never fails half-way because another writer came in between."""
    return engine.connect().execution_options(sqlite_begin="IMMEDIATE")
