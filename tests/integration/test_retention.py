"""Retention that scales: every value goes when the spec says, in chunks, with legal holds, several workers."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from tests.conftest import ROOT, Backend, Clock
from yinsi.adapters.db.rows import AnonymousCountRow, AuditEventRow, BlindIndexRow, PiValueRow, table_of
from yinsi.benchmarks.retention import bench_policy, load_sealed
from yinsi.bootstrap import Yinsi, open_yinsi
from yinsi.core.errors import NotFound
from yinsi.core.policy.compiled import CompiledPolicy
from yinsi.core.policy.load import load_policy_file
from yinsi.core.policy.vocabulary import RetentionStart
from yinsi.services.vault import Actor

APP = Actor("key:shop", "shop_app")
OFFICER = Actor("operator:test", "operator")
LIFECYCLE = ROOT / "tests" / "fixtures" / "lifecycle.yaml"


@pytest.fixture(scope="session")
def lifecycle_policy() -> CompiledPolicy:
    result = load_policy_file(LIFECYCLE)
    assert result.spec is not None, [p.format("en") for p in result.errors]
    return CompiledPolicy.from_spec(result.spec)


@pytest.fixture
def shop(backend: Backend, lifecycle_policy: CompiledPolicy, clock: Clock) -> Iterator[Yinsi]:
    instance = open_yinsi(backend.settings, migrate=False, policy=lifecycle_policy, now=clock)
    yield instance
    instance.close()


def customer(shop: Yinsi) -> str:
    subject = shop.vault.create_subject(actor=APP)
    write = shop.vault.write
    write(actor=APP, subject_id=subject, purpose="account", values={"mobile": "13812345678"}, source="app")
    write(actor=APP, subject_id=subject, purpose="orders", values={"order_info": "订单 A-1"}, source="app")
    write(actor=APP, subject_id=subject, purpose="survey", values={"birth_date": "1990-05-01"}, source="app")
    write(actor=APP, subject_id=subject, purpose="survey", values={"address": "上海市黄浦区某路1号"}, source="app")
    write(actor=APP, subject_id=subject, purpose="orders", values={"address": "上海市黄浦区某路1号"}, source="app")
    write(actor=APP, subject_id=subject, purpose="logs", values={"ip_address": "203.0.113.9"}, source="app")
    return subject


def held(shop: Yinsi, subject: str) -> set[str]:
    with shop.engine.connect() as connection:
        return set(
            shop.vault.open_fields(connection, subject, ["mobile", "birth_date", "address", "order_info", "ip_address"])
        )


def test_each_value_goes_when_the_spec_says(shop: Yinsi, clock: Clock) -> None:
    subject = customer(shop)
    everything = {"mobile", "birth_date", "address", "order_info", "ip_address"}
    clock.advance(days=29)
    assert shop.retention.sweep().total == 0
    clock.advance(days=2)  # the survey's 30 days are over: the birth date is anonymised
    done = shop.retention.sweep()
    assert dict(done.anonymised) == {"birth_date": 1}
    assert held(shop, subject) == everything - {"birth_date"}  # the address also serves the orders
    assert shop.retention.anonymous_counts() == [
        {"purpose": "survey", "field": "birth_date", "bucket": "35-44", "count": 1}
    ]
    clock.advance(days=160)  # 6 months after collection: the logs' period and legal minimum are over
    assert dict(shop.retention.sweep().deleted) == {"ip_address": 1}
    clock.advance(days=3650)  # ten years on, the orders' period has not started: the contract has not ended
    assert shop.retention.sweep().total == 0
    ends = shop.retention.record_event(subject=subject, event=RetentionStart.CONTRACT_END, actor=OFFICER)
    assert ends["order_info"] is not None
    assert ends["mobile"] is None
    clock.advance(days=365 * 3 - 2)
    assert shop.retention.sweep().total == 0
    clock.advance(days=3)
    assert dict(shop.retention.sweep().deleted) == {"address": 1, "order_info": 1}
    assert held(shop, subject) == {"mobile"}  # kept until the account is cancelled
    with shop.engine.connect() as connection:
        indexed = connection.execute(select(func.count()).select_from(table_of(BlindIndexRow))).scalar_one()
        bodies = [
            json.loads(b)
            for b in connection.execute(
                select(table_of(AuditEventRow).c.body).where(table_of(AuditEventRow).c.action == "retention-swept")
            ).scalars()
        ]
    assert indexed == 1  # the mobile's
    assert "上海" not in json.dumps(bodies)
    assert "1990" not in json.dumps(bodies)
    assert shop.audit.verify(shop.engine).ok


def test_a_legal_hold_keeps_everything_until_it_is_released(shop: Yinsi, clock: Clock) -> None:
    kept, other = customer(shop), customer(shop)
    hold = shop.retention.place_hold(subject=kept, reason="案件 2027-17", actor=OFFICER)
    clock.advance(days=200)
    done = shop.retention.sweep()
    assert done.total == 2  # the other's birth date and IP address
    assert done.held == 2
    assert "birth_date" in held(shop, kept)
    assert "birth_date" not in held(shop, other)
    shop.retention.release_hold(hold_id=hold, actor=OFFICER)
    assert shop.retention.sweep().total == 2
    assert held(shop, kept) == {"mobile", "address", "order_info"}
    with pytest.raises(NotFound):
        shop.retention.release_hold(hold_id=hold, actor=OFFICER)
    with shop.engine.connect() as connection:
        events = connection.execute(
            select(table_of(AuditEventRow).c.body).where(table_of(AuditEventRow).c.action == "legal-hold-placed")
        ).scalars()
        assert "2027-17" not in " ".join(events)  # the reason is for staff, not the audit trail


def test_a_sweep_works_in_chunks_resumes_and_does_nothing_twice(backend: Backend, tmp_path: Path) -> None:
    yinsi = open_yinsi(backend.settings, migrate=False, policy=bench_policy())
    try:
        now = datetime.now(UTC)
        load_sealed(yinsi, subjects=5, collected_at=now - timedelta(days=40))  # 25 expired values
        kept = load_sealed(yinsi, subjects=2, collected_at=now)
        first = yinsi.retention.sweep(chunk=4, max_chunks=2)
        assert first.total == 8
        assert first.chunks == 2
        rest = yinsi.retention.sweep(chunk=4)
        assert rest.total == 17
        again = yinsi.retention.sweep(chunk=4)
        assert again.total == 0
        with yinsi.engine.connect() as connection:
            assert connection.execute(select(func.count()).select_from(table_of(PiValueRow))).scalar_one() == 10
            assert set(yinsi.vault.open_fields(connection, kept[1], ["name"])) == {"name"}
    finally:
        yinsi.close()


def test_workers_share_a_sweep_without_overlap(backend: Backend) -> None:
    """Three workers with their own connections sweep at once: every value goes exactly once (on PostgreSQL
    they take different chunks side by side; on SQLite they take turns)."""
    loader = open_yinsi(backend.settings, migrate=False, policy=bench_policy())
    try:
        load_sealed(loader, subjects=60, collected_at=datetime.now(UTC) - timedelta(days=40))
    finally:
        loader.close()
    totals: list[int] = []
    errors: list[BaseException] = []
    start = threading.Barrier(3, timeout=30)

    def worker() -> None:
        yinsi = open_yinsi(backend.settings, migrate=False, policy=bench_policy())
        try:
            start.wait()
            totals.append(yinsi.retention.sweep(chunk=7).total)
        except BaseException as exc:  # reported below
            errors.append(exc)
        finally:
            yinsi.close()

    threads = [threading.Thread(target=worker) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    assert sum(totals) == 300


def test_no_anonymous_count_ever_names_a_subject(shop: Yinsi, clock: Clock) -> None:
    subjects = [customer(shop) for _ in range(3)]
    clock.advance(days=31)
    shop.retention.sweep()
    with shop.engine.connect() as connection:
        rows = connection.execute(select(table_of(AnonymousCountRow))).all()
    text = json.dumps([list(map(str, r)) for r in rows], ensure_ascii=False)
    assert all(s not in text for s in subjects)
    assert "1990-05-01" not in text


def test_seed_001_network_logs_go_after_six_months(
    backend: Backend, appointments_policy: CompiledPolicy, clock: Clock
) -> None:
    """Seed 001 keeps network logs six months (and the law at least as long): no service role of the seed
    writes them yet, so yinsi's own system actor records one here, as the platform would."""
    seed = open_yinsi(backend.settings, migrate=False, policy=appointments_policy, now=clock)
    try:
        subject = seed.vault.create_subject_as_system(actor=Actor.system())
        seed.vault.write_as_system(
            actor=Actor.system(),
            subject_id=subject,
            purpose="network_logs",
            values={"ip_address": "198.51.100.20"},
            source="gateway",
        )
        clock.advance(days=181)
        assert seed.retention.sweep().total == 0
        clock.advance(days=3)
        assert dict(seed.retention.sweep().deleted) == {"ip_address": 1}
    finally:
        seed.close()


def test_a_value_written_after_the_contract_ended_is_dated_from_that_end(shop: Yinsi, clock: Clock) -> None:
    subject = customer(shop)
    ended = clock()
    shop.retention.record_event(subject=subject, event=RetentionStart.CONTRACT_END, actor=OFFICER)
    clock.advance(days=10)
    written = shop.vault.write(
        actor=APP, subject_id=subject, purpose="orders", values={"order_info": "订单 A-2"}, source="app"
    )
    assert written.retain_until["order_info"] == ended.replace(year=ended.year + 3)
