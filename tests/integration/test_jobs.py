"""The jobs layer: one registry for `yinsi jobs` and the scheduler, one holder of each job at a time, and
a claim helper under which concurrent workers never take the same row."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from sqlalchemy import select, text

from tests.conftest import Backend, Clock
from yinsi.adapters.db.claim import Claim
from yinsi.adapters.db.engine import writer
from yinsi.adapters.db.rows import JobLeaseRow, table_of
from yinsi.bootstrap import Yinsi, open_yinsi
from yinsi.core.policy.compiled import CompiledPolicy
from yinsi.jobs import JOBS, JobBusy, run_job
from yinsi.jobs.scheduler import Scheduler
from yinsi.services.vault import Actor

_leases = table_of(JobLeaseRow)


def test_a_job_held_by_one_process_is_refused_to_another_until_released_or_expired(clinic: Yinsi, clock: Clock) -> None:
    assert clinic.services.leases.acquire(name="housekeeping", holder="other:1", ttl=timedelta(minutes=5))
    with pytest.raises(JobBusy):
        run_job(clinic, "housekeeping")
    clock.advance(minutes=6)  # the other holder died without releasing: its lease has expired
    done = run_job(clinic, "housekeeping")
    assert not done.failed
    state = clinic.services.leases.states()["housekeeping"]
    assert state.holder is None
    assert state.outcome == "done"
    assert state.finished_at == clock()


def test_the_scheduler_runs_each_due_job_once_across_workers(
    backend: Backend, clinic: Yinsi, clinic_policy: CompiledPolicy, clock: Clock
) -> None:
    other = open_yinsi(backend.settings, migrate=False, policy=clinic_policy, now=clock)
    try:
        first, second = Scheduler(clinic), Scheduler(other)
        ran = first.round() + second.round()
        assert sorted(ran) == sorted(JOBS)  # every job once, whichever worker ran it
        assert second.round() == []
        assert first.round() == []
        clock.advance(minutes=6)
        assert second.round() == [
            "recipient-notices",
            "login-releases",
            "shutdown",
            "webhooks",
        ]  # due every 5 and every 1 minute
    finally:
        other.close()


def test_a_failing_job_records_its_failure_and_frees_its_lease(clinic: Yinsi) -> None:
    clinic.vault.create_subject(actor=Actor("key:app", "clinic_app"))
    with clinic.engine.begin() as connection:  # break the audit chain: the anchor job refuses
        connection.execute(text("UPDATE audit_events SET body = '{}'"))
    done = run_job(clinic, "audit-anchor")
    assert done.failed
    assert clinic.services.leases.states()["audit-anchor"].outcome == "failed"
    assert clinic.services.leases.states()["audit-anchor"].holder is None


def test_concurrent_claims_never_take_the_same_row(clinic: Yinsi) -> None:
    """Two workers claim chunks of the same table at once: on PostgreSQL SKIP LOCKED gives them disjoint
    rows without waiting; on SQLite the second waits for the first's write lock, then finds what is left."""
    with writer(clinic.engine) as connection, connection.begin():
        for i in range(20):
            leases_row = {"name": f"job-{i:02d}", "summary": {}}
            connection.execute(_leases.insert().values(**leases_row))
    claim = Claim(
        select(_leases.c.name).where(_leases.c.holder.is_(None)).order_by(_leases.c.name).limit(8), of=_leases
    )
    taken: dict[str, list[str]] = {}
    both_claimed = threading.Barrier(2, timeout=10)

    def worker(me: str) -> None:
        with writer(clinic.engine) as connection, connection.begin():
            names = [r.name for r in claim.take(connection, {})]
            connection.execute(_leases.update().where(_leases.c.name.in_(names)).values(holder=me))
            taken[me] = names
            if clinic.engine.dialect.name == "postgresql":
                both_claimed.wait()  # both hold their claims at the same moment

    threads = [threading.Thread(target=worker, args=(name,)) for name in ("a", "b")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(taken["a"]) == len(taken["b"]) == 8
    assert not set(taken["a"]) & set(taken["b"])


def test_a_claim_outside_a_transaction_is_refused(clinic: Yinsi) -> None:
    claim = Claim(select(_leases.c.name), of=_leases)
    with clinic.engine.connect() as connection, pytest.raises(RuntimeError):
        claim.take(connection, {})


def test_a_serving_app_runs_the_scheduler_and_stops_it(clinic: Yinsi) -> None:
    """What `yinsi serve` gives each worker: the lifespan starts the jobs' scheduler thread and stops it."""
    import gc
    from contextlib import ExitStack

    from fastapi.testclient import TestClient

    from yinsi.api.app import create_app

    def scheduler_threads() -> list[str]:
        return [t.name for t in threading.enumerate() if t.name == "yinsi-jobs"]

    try:
        with TestClient(create_app(clinic, owner=ExitStack())):
            assert scheduler_threads() == ["yinsi-jobs"]
        assert scheduler_threads() == []
    finally:
        gc.unfreeze()  # the lifespan froze this process's objects, as a server does at start-up
