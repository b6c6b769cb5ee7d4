"""The rules that keep a busy server from locking up, on both databases: a thread never holds two connections,
a lock not had in time is a clear "busy", and a read is never answered without its audit event."""

from __future__ import annotations

import asyncio
import sqlite3
import threading
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager

import pytest
from sqlalchemy import create_engine, func, select

from tests.conftest import Backend
from yinsi.adapters.db.engine import SecondConnection
from yinsi.adapters.db.rows import AuditEventRow, table_of
from yinsi.bootstrap import Yinsi, engine_for, open_yinsi
from yinsi.core.errors import AccessDenied, Busy
from yinsi.core.policy.compiled import CompiledPolicy
from yinsi.services.vault import Actor, ReadResult

APP = Actor("key:app", "clinic_app")
EVENTS = table_of(AuditEventRow)


@contextmanager
def write_lock_held_elsewhere(backend: Backend) -> Iterator[None]:
    """As another process would hold it: SQLite's write lock, or every audit chain's head on PostgreSQL."""
    if backend.name == "sqlite":
        other = sqlite3.connect(backend.settings.data_dir / "yinsi.db", isolation_level=None)
        other.execute("BEGIN IMMEDIATE")
        try:
            yield
        finally:
            other.execute("ROLLBACK")
            other.close()
        return
    engine = create_engine(backend.settings.resolved_database_url)
    with engine.connect() as connection, connection.begin():
        connection.exec_driver_sql("SELECT id FROM audit_head FOR UPDATE")
        yield
        connection.rollback()
    engine.dispose()


@pytest.fixture
def impatient(backend: Backend, clinic_policy: CompiledPolicy) -> Iterator[Yinsi]:
    settings = backend.settings.model_copy(update={"lock_timeout_seconds": 0.3})
    with open_yinsi(settings, migrate=False, policy=clinic_policy) as instance:
        yield instance


def test_a_thread_asking_for_a_second_connection_is_refused_at_once(backend: Backend) -> None:
    engine = engine_for(backend.settings)
    try:
        with engine.connect() as first:
            with pytest.raises(SecondConnection):
                engine.connect()
            first.exec_driver_sql("SELECT 1")  # the first one is still good

        seen: list[object] = []  # another thread may have its own while this one holds one
        with engine.connect():
            worker = threading.Thread(target=lambda: seen.append(engine.connect().close()))
            worker.start()
            worker.join()
        assert seen == [None]
        with engine.connect():  # and once the first is closed, the thread may open another
            pass
    finally:
        engine.dispose()


def test_a_begin_that_cannot_get_the_lock_gives_its_connection_back(impatient: Yinsi, backend: Backend) -> None:
    with write_lock_held_elsewhere(backend), pytest.raises(Busy):
        impatient.vault.create_subject(actor=APP)
    assert impatient.engine.pool.checkedout() == 0  # type: ignore[attr-defined]  # a QueuePool
    assert impatient.vault.create_subject(actor=APP)  # and the store is usable again at once


def test_a_read_whose_audit_event_cannot_be_written_returns_nothing(impatient: Yinsi, backend: Backend) -> None:
    subject = impatient.vault.create_subject(actor=APP)
    impatient.vault.write(actor=APP, subject_id=subject, purpose="registration", values={"name": "张三"}, source="test")
    with impatient.engine.connect() as connection:
        before = connection.execute(select(func.count()).select_from(EVENTS)).scalar_one()
    with write_lock_held_elsewhere(backend), pytest.raises(Busy):
        impatient.vault.read(actor=APP, subject_id=subject, purpose="registration")
    with impatient.engine.connect() as connection:
        assert connection.execute(select(func.count()).select_from(EVENTS)).scalar_one() == before
    read = impatient.vault.read(actor=APP, subject_id=subject, purpose="registration")
    assert read.values["name"] == "张三"


def _read_at_once(yinsi: Yinsi, subject: str, count: int) -> list[object]:
    """``count`` threads read the subject at the same moment; each one's result or error."""
    outcomes: list[object] = []
    start = threading.Barrier(count)

    def one() -> None:
        start.wait()
        try:
            outcomes.append(yinsi.vault.read(actor=APP, subject_id=subject, purpose="registration"))
        except Exception as exc:  # the outcome under test
            outcomes.append(exc)

    threads = [threading.Thread(target=one) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes


def _reads_audited(yinsi: Yinsi) -> list[str]:
    with yinsi.engine.connect() as connection:
        return list(connection.execute(select(EVENTS.c.at).where(EVENTS.c.action == "pi-read")).scalars())


def test_reads_at_the_same_moment_share_their_audit_transactions(clinic: Yinsi, backend: Backend) -> None:
    subject = clinic.vault.create_subject(actor=APP)
    clinic.vault.write(actor=APP, subject_id=subject, purpose="registration", values={"name": "张三"}, source="t")
    outcomes: list[object] = []
    reader = threading.Thread(target=lambda: outcomes.extend(_read_at_once(clinic, subject, 12)))
    with write_lock_held_elsewhere(backend):  # the first read's append waits; the others queue behind it
        reader.start()
        time.sleep(0.5)
    reader.join()
    assert all(not isinstance(o, Exception) for o in outcomes), outcomes
    audited = _reads_audited(clinic)
    assert len(audited) == 12  # every read answered has its event
    assert len(set(audited)) < 12  # and they were appended together, not one transaction each
    assert clinic.audit.verify(clinic.engine).ok


def test_a_group_commit_that_fails_fails_every_read_in_it(impatient: Yinsi, backend: Backend) -> None:
    subject = impatient.vault.create_subject(actor=APP)
    impatient.vault.write(actor=APP, subject_id=subject, purpose="registration", values={"name": "张三"}, source="t")
    with write_lock_held_elsewhere(backend):
        outcomes = _read_at_once(impatient, subject, 8)
    assert len(outcomes) == 8
    assert all(isinstance(o, Busy) for o in outcomes), [type(o).__name__ for o in outcomes]
    assert _reads_audited(impatient) == []


async def _served_at_once(yinsi: Yinsi, subject: str, count: int, purpose: str = "registration") -> list[object]:
    """``count`` reads served on one event loop at the same moment, as the HTTP routes serve them."""
    reads = [yinsi.vault.read_served(actor=APP, subject_id=subject, purpose=purpose) for _ in range(count)]
    return list(await asyncio.gather(*reads, return_exceptions=True))


def test_reads_served_on_the_event_loop_share_their_audit_transactions(clinic: Yinsi, backend: Backend) -> None:
    subject = clinic.vault.create_subject(actor=APP)
    clinic.vault.write(actor=APP, subject_id=subject, purpose="registration", values={"name": "张三"}, source="t")
    outcomes: list[object] = []
    reader = threading.Thread(target=lambda: outcomes.extend(asyncio.run(_served_at_once(clinic, subject, 12))))
    with write_lock_held_elsewhere(backend):  # the first batch waits for the lock; the others gather behind it
        reader.start()
        time.sleep(0.5)
    reader.join()
    assert all(isinstance(o, ReadResult) and o.values["name"] == "张三" for o in outcomes), outcomes
    audited = _reads_audited(clinic)
    assert len(audited) == 12  # every read answered has its event
    assert len(set(audited)) < 12  # and they were appended together, not one transaction each
    assert clinic.audit.verify(clinic.engine).ok


def test_a_served_read_whose_group_commit_fails_returns_nothing(impatient: Yinsi, backend: Backend) -> None:
    subject = impatient.vault.create_subject(actor=APP)
    impatient.vault.write(actor=APP, subject_id=subject, purpose="registration", values={"name": "张三"}, source="t")
    with write_lock_held_elsewhere(backend):
        outcomes = asyncio.run(_served_at_once(impatient, subject, 8))
    assert [type(o).__name__ for o in outcomes] == ["Busy"] * 8
    assert len({id(o) for o in outcomes}) == 8  # each read raises its own copy of the batch's error
    assert _reads_audited(impatient) == []
    # and the loop's queue is not left stuck: the next reads on a new loop are served and audited
    assert all(isinstance(o, ReadResult) for o in asyncio.run(_served_at_once(impatient, subject, 3)))
    assert len(_reads_audited(impatient)) == 3


def test_a_served_read_that_is_refused_is_audited_and_one_cancelled_still_accounted_for(
    clinic: Yinsi, backend: Backend
) -> None:
    subject = clinic.vault.create_subject(actor=APP)
    clinic.vault.write(actor=APP, subject_id=subject, purpose="registration", values={"name": "张三"}, source="t")
    outsider = Actor("key:x", "no_such_role")
    with pytest.raises(AccessDenied):
        asyncio.run(clinic.vault.read_served(actor=outsider, subject_id=subject, purpose="registration"))
    with clinic.engine.connect() as connection:
        denied = connection.execute(select(func.count()).select_from(EVENTS).where(EVENTS.c.action == "pi-read-denied"))
        assert denied.scalar_one() == 1

    async def cancelled_while_waiting(lock: ExitStack) -> None:
        task = asyncio.ensure_future(clinic.vault.read_served(actor=APP, subject_id=subject, purpose="registration"))
        while not _queued(clinic):
            await asyncio.sleep(0.01)
        task.cancel()  # the client went away after the decrypting, while its event waited for the write lock
        with pytest.raises(asyncio.CancelledError):
            await task
        lock.close()
        while _queued(clinic):
            await asyncio.sleep(0.01)

    with ExitStack() as lock:
        lock.enter_context(write_lock_held_elsewhere(backend))
        asyncio.run(cancelled_while_waiting(lock))
    assert len(_reads_audited(clinic)) == 1  # what was read is accounted for all the same


def _queued(yinsi: Yinsi) -> bool:
    """Whether a read served on a loop has events waiting for, or being carried by, a group commit."""
    return any(queue.pending or queue.draining for queue in yinsi.vault.loop_appender._queues.values())


def test_a_read_cancelled_while_its_thread_decrypts_is_still_audited(
    clinic: Yinsi, monkeypatch: pytest.MonkeyPatch
) -> None:
    subject = clinic.vault.create_subject(actor=APP)
    clinic.vault.write(actor=APP, subject_id=subject, purpose="registration", values={"name": "张三"}, source="t")
    cancelled, decrypted = threading.Event(), threading.Event()
    original = clinic.vault._opener.read

    def read_after_the_cancel(*args: object, **kwargs: object) -> ReadResult:
        cancelled.wait(10)  # the read's coroutine is cancelled while its thread is still here
        result = original(*args, **kwargs)  # type: ignore[arg-type]
        decrypted.set()
        return result

    monkeypatch.setattr(clinic.vault._opener, "read", read_after_the_cancel)

    async def cancelled_while_decrypting() -> None:
        task = asyncio.ensure_future(clinic.vault.read_served(actor=APP, subject_id=subject, purpose="registration"))
        await asyncio.sleep(0.05)
        task.cancel()  # a server stopping, or a caller's timeout
        with pytest.raises(asyncio.CancelledError):
            await task
        cancelled.set()
        deadline = time.monotonic() + 10
        while not _reads_audited(clinic) and time.monotonic() < deadline:
            await asyncio.sleep(0.01)

    asyncio.run(cancelled_while_decrypting())
    assert decrypted.is_set()
    assert len(_reads_audited(clinic)) == 1  # it was decrypted: it is accounted for
