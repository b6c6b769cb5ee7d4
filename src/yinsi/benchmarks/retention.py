"""``yinsi bench retention``: how fast the retention sweep deletes expired values, with one or more workers.

The store is filled with ``values`` expired values (five fields per subject, two of them with blind indexes)
sealed for real: each subject gets its own data key wrapped under the master key, each value is sealed with
AES-256-GCM exactly as the vault seals it (``core.sealing``), and inserted in bulk (thousands of rows per
statement) rather than through the vault's one-transaction-per-write path, which would take an hour for a
million. A tenth as many unexpired values sit beside them and must survive. Then ``workers`` processes run
the sweep at once (``retention.sweep``, each claiming its own chunks) and the time from their start to the
last one's end gives ``values_per_s``.
"""

from __future__ import annotations

import multiprocessing
import os
import platform
import tempfile
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import func, select

from yinsi.adapters.db.engine import writer
from yinsi.adapters.db.rows import BlindIndexRow, PiValueRow, SubjectRow, table_of
from yinsi.benchmarks.vault import _drop_everything, _require_empty
from yinsi.bootstrap import Yinsi, open_yinsi
from yinsi.config import Settings
from yinsi.core.policy.compiled import CompiledPolicy
from yinsi.core.policy.load import load_policy_text
from yinsi.core.sealing import blind_digest, seal_value
from yinsi.core.validation import normalise_for_index
from yinsi.services import retention

RETENTION_SPEC = """
spec_version: 1
policy: {id: bench-retention, version: "1", title: {zh-CN: 保存期限基准, en: Retention benchmark}}
operator: {name: {zh-CN: 基准, en: Bench}}
contact: {channels: []}
storage: {region: CN, cross_border: {rule: prohibited}}
fields:
  mobile: {type: mobile, label: {zh-CN: 手机号, en: Mobile}, category: online_identity, lookup: true}
  name: {type: name, label: {zh-CN: 姓名, en: Name}, category: basic}
  email: {type: email, label: {zh-CN: 邮箱, en: E-mail}, category: online_identity, lookup: true}
  id_number: {type: id_number, label: {zh-CN: 身份证号, en: ID}, category: identity, sensitivity: sensitive}
  address: {type: address, label: {zh-CN: 地址, en: Address}, category: basic}
purposes:
  orders:
    label: {zh-CN: 订单, en: Orders}
    function: basic
    legal_basis: contract
    fields: [mobile, name, email, id_number, address]
    retention: {period: 30 days}
roles:
  app:
    label: {zh-CN: 应用, en: App}
    purposes: [orders]
    fields: {mobile: masked, name: whole, email: masked, id_number: masked, address: whole}
    operations: [read, write, lookup, erase]
"""

FIELDS = ("mobile", "name", "email", "id_number", "address")
LOAD_BATCH = 2000


def bench_policy() -> CompiledPolicy:
    loaded = load_policy_text(RETENTION_SPEC, "bench-retention")
    assert loaded.spec is not None  # noqa: S101 - the built-in spec is checked by the tests
    return CompiledPolicy.from_spec(loaded.spec)


def person(i: int) -> dict[str, str]:
    body = f"1101051{i % 10}{1960 + i % 40}{1 + i % 12:02d}{1 + i % 28:02d}"[:14] + f"{i % 1000:03d}"
    weights = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
    check = "10X98765432"[sum(int(d) * w for d, w in zip(body, weights, strict=True)) % 11]
    return {
        "mobile": f"139{i % 10**8:08d}",
        "name": "王" + chr(0x4E00 + i % 20000),
        "email": f"p{i}@example.com",
        "id_number": body + check,
        "address": f"上海市黄浦区某路{i % 999 + 1}号",
    }


def load_sealed(
    yinsi: Yinsi,
    *,
    subjects: int,
    collected_at: datetime,
    purpose: str = "orders",
    progress: Callable[[int], object] | None = None,
) -> list[str]:
    """Adds ``subjects`` subjects with five real sealed values each (and their blind indexes), collected at
    ``collected_at`` for ``purpose`` with the retention the spec gives then; returns their ids (the i-th
    holds ``person(i)``)."""
    policy = yinsi.policy.current()
    index_key = yinsi.keyring.secret("index")
    subject_rows, value_rows, index_rows = table_of(SubjectRow), table_of(PiValueRow), table_of(BlindIndexRow)
    ids: list[str] = []
    purposes = [purpose]
    retain_until = policy.retain_until(purposes, collected_at)
    for start in range(0, subjects, LOAD_BATCH):
        batch = [str(uuid.uuid4()) for _ in range(min(LOAD_BATCH, subjects - start))]
        with writer(yinsi.engine) as connection, connection.begin():
            connection.execute(
                subject_rows.insert(), [{"id": s, "created_at": collected_at, "status": "active"} for s in batch]
            )
            keys = yinsi.keyring.create_data_keys(connection, batch, collected_at)
            values: list[dict[str, Any]] = []
            digests: list[dict[str, Any]] = []
            for n, subject in enumerate(batch):
                key, version = keys[subject]
                for field, value in person(start + n).items():
                    values.append(
                        {
                            "subject_id": subject,
                            "field": field,
                            "sealed": seal_value(key, subject, field, version, value),
                            "key_version": version,
                            "collected_at": collected_at,
                            "updated_at": collected_at,
                            "source": "bench",
                            "purposes": purposes,
                            "retain_until": retain_until,
                            "policy_version": policy.version,
                        }
                    )
                    if field in policy.lookup_fields:
                        normalised = normalise_for_index(policy.field_types[field], value)
                        digests.append(
                            {
                                "field": field,
                                "digest": blind_digest(index_key, field, normalised),
                                "subject_id": subject,
                            }
                        )
            connection.execute(value_rows.insert(), values)
            connection.execute(index_rows.insert(), digests)
        ids.extend(batch)
        if progress is not None:
            progress(len(batch) * len(FIELDS))
    return ids


@dataclass
class RetentionBenchReport:
    values: int
    workers: int
    seconds: float
    kept: int
    backend: str

    @property
    def values_per_s(self) -> float:
        return self.values / self.seconds

    def last_line(self) -> str:
        return f"values_per_s={self.values_per_s:.0f}"


def _sweeper(settings_json: str, chunk: int, ready: Any, go: Any, done: Any) -> None:
    settings = Settings.model_validate_json(settings_json)
    yinsi = open_yinsi(settings, migrate=False, policy=bench_policy(), pool=False)
    try:
        ready.release()
        go.wait()
        result = yinsi.retention.sweep(chunk=chunk)
        done.put(result.total)
    finally:
        yinsi.close()


def run_retention_bench(
    *,
    values: int = 1_000_000,
    workers: int = 1,
    chunk: int = retention.DEFAULT_CHUNK,
    database_url: str | None = None,
    work_dir: Path | None = None,
    echo: Callable[..., Any] = print,
) -> RetentionBenchReport:
    if database_url is not None:
        _require_empty(database_url, "yinsi bench retention")
    with tempfile.TemporaryDirectory(dir=work_dir, prefix="yinsi-bench-") as tmp:
        settings = Settings(data_dir=Path(tmp), database_url=database_url)
        try:
            yinsi = open_yinsi(settings, policy=bench_policy())
            try:
                backend = yinsi.engine.dialect.name
                subjects = max(1, values // len(FIELDS))
                now = datetime.now(UTC)
                from rich.progress import Progress  # noqa: PLC0415 - only the loader shows a progress bar

                with Progress(transient=True) as bar:
                    task = bar.add_task(f"sealing and loading {subjects * len(FIELDS):,} values", total=subjects * 5)
                    load_sealed(
                        yinsi,
                        subjects=subjects,
                        collected_at=now - timedelta(days=40),
                        progress=lambda n: bar.advance(task, n),
                    )
                    kept_subjects = max(1, subjects // 10)
                    load_sealed(yinsi, subjects=kept_subjects, collected_at=now)
            finally:
                yinsi.close()
            echo(
                f"retention bench on {backend}: {subjects * len(FIELDS):,} expired values "
                f"(and {kept_subjects * len(FIELDS):,} unexpired), {workers} worker(s), chunks of {chunk:,}"
            )
            seconds, swept = _sweep_in_processes(settings, workers, chunk)
            kept = _values_left(settings)
        finally:
            if database_url is not None:
                _drop_everything(database_url)
    if swept != subjects * len(FIELDS) or kept != kept_subjects * len(FIELDS):
        raise RuntimeError(f"the sweep took {swept} values and left {kept}: the benchmark's figure would be wrong")
    echo(f"  swept {swept:,} values in {seconds:.2f} s; {kept:,} unexpired values kept")
    echo(f"machine: {os.cpu_count()} cores, {platform.machine()}, python {platform.python_version()}")
    return RetentionBenchReport(swept, workers, seconds, kept, backend)


def _sweep_in_processes(settings: Settings, workers: int, chunk: int) -> tuple[float, int]:
    context = multiprocessing.get_context("spawn")
    ready, go, done = context.Semaphore(0), context.Event(), context.Queue()
    processes = [
        context.Process(target=_sweeper, args=(settings.model_dump_json(), chunk, ready, go, done))
        for _ in range(workers)
    ]
    for process in processes:
        process.start()
    for _ in processes:
        ready.acquire()
    started = time.perf_counter()
    go.set()
    totals = [done.get() for _ in processes]
    seconds = time.perf_counter() - started
    for process in processes:
        process.join()
        if process.exitcode != 0:
            raise RuntimeError(f"a sweeping process failed (exit code {process.exitcode})")
    return seconds, sum(totals)


def _values_left(settings: Settings) -> int:
    yinsi = open_yinsi(settings, migrate=False, policy=bench_policy(), pool=False)
    try:
        with yinsi.engine.connect() as connection:
            return int(connection.execute(select(func.count()).select_from(table_of(PiValueRow))).scalar_one())
    finally:
        yinsi.close()
