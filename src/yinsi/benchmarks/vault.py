"""``yinsi bench vault``: the full vault path against plain SQLAlchemy, in one run, on one database.

Both paths write and read the same subjects with five fields, one
transaction per subject. The full path does everything a real request does:
the access decision, validation, AES-256-GCM sealing under the subject's own
data key, blind indexes for the lookup fields, and an audit event MACed into
the chain; the plain path stores the same strings in a plain table through
an ORM session. Reported: each path's subjects per second and the ratios.

Shredding is timed in a store of ``shred_store`` values (a million by
default), filled quickly with sealed-looking rows, since the time to shred
must not depend on how many other subjects there are; it is also timed in a
small store, and both medians are printed so growth would show.
"""

from __future__ import annotations

import random
import statistics
import tempfile
import time
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, MetaData, String, Text, create_engine, inspect, text
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column

from yinsi.adapters.db.engine import writer
from yinsi.adapters.db.rows.base import KEYSTORE_SCHEMA
from yinsi.bootstrap import Yinsi, open_yinsi
from yinsi.config import Settings, StartupError
from yinsi.core.policy.compiled import CompiledPolicy
from yinsi.core.policy.load import load_policy_text
from yinsi.services.vault import Actor

BENCH_SPEC = """
spec_version: 1
policy: {id: bench, version: "1", title: {zh-CN: 基准测试, en: Benchmark}}
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
  service:
    label: {zh-CN: 服务, en: Service}
    function: basic
    legal_basis: contract
    fields: [mobile, name, email, id_number, address]
    retention: {until: account_cancellation}
roles:
  app:
    label: {zh-CN: 应用, en: App}
    purposes: [service]
    fields: {mobile: masked, name: whole, email: masked, id_number: masked, address: whole}
    operations: [read, write, lookup, erase]
"""

ACTOR = Actor("key:bench", "app")
WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)


class _PlainBase(DeclarativeBase):
    pass


class PlainValue(_PlainBase):
    """What a service would do without yinsi: the values in a table, as they are."""

    __tablename__ = "bench_plain_values"

    subject_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    field: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(Text)


@dataclass
class VaultBenchReport:
    subjects: int
    plain_write: float
    yinsi_write: float
    plain_read: float
    yinsi_read: float
    shred_ms_small: float
    shred_ms: float
    small_store: int
    store_values: int
    backend: str

    @property
    def read_ratio(self) -> float:
        return self.yinsi_read / self.plain_read

    @property
    def write_ratio(self) -> float:
        return self.yinsi_write / self.plain_write

    def last_line(self) -> str:
        return f"read_ratio={self.read_ratio:.2f} write_ratio={self.write_ratio:.2f} shred_ms={self.shred_ms:.2f}"


def _people(count: int, rng: random.Random) -> list[dict[str, str]]:
    people = []
    for i in range(count):
        body = f"110105{1950 + i % 50}{1 + i % 12:02d}{1 + i % 28:02d}{i % 1000:03d}"
        check = "10X98765432"[sum(int(d) * w for d, w in zip(body, WEIGHTS, strict=True)) % 11]
        people.append(
            {
                "mobile": f"13{rng.randrange(10**9):09d}",
                "name": "张" + chr(0x4E00 + rng.randrange(20000)),
                "email": f"user{i}.{rng.randrange(10**6)}@example.com",
                "id_number": body + check,
                "address": f"上海市黄浦区某路{rng.randrange(1, 999)}号",
            }
        )
    return people


def _interleaved(
    items: Sequence[int], plain: Callable[[int], object], full: Callable[[int], object], block: int = 50
) -> tuple[float, float]:
    """Rows per second of each path over the same items, run in alternating blocks."""
    spent = {"plain": 0.0, "full": 0.0}
    for start in range(0, len(items), block):
        chunk = items[start : start + block]
        for name, work in (("plain", plain), ("full", full)):
            began = time.perf_counter()
            for i in chunk:
                work(i)
            spent[name] += time.perf_counter() - began
    return len(items) / spent["plain"], len(items) / spent["full"]


def run_vault_bench(
    *,
    subjects: int = 2000,
    shred_store: int = 1_000_000,
    shreds: int = 200,
    database_url: str | None = None,
    work_dir: Path | None = None,
    echo: Callable[..., Any] = print,
) -> VaultBenchReport:
    if database_url is not None:
        _require_empty(database_url)
    with tempfile.TemporaryDirectory(dir=work_dir, prefix="yinsi-bench-") as tmp:
        settings = Settings(data_dir=Path(tmp), database_url=database_url)
        loaded = load_policy_text(BENCH_SPEC, "bench")
        assert loaded.spec is not None  # noqa: S101 - the built-in spec is checked by the tests
        try:
            yinsi = open_yinsi(settings, policy=CompiledPolicy.from_spec(loaded.spec))
            try:
                return _run(yinsi, subjects, shred_store, shreds, echo)
            finally:
                yinsi.close()
        finally:
            if database_url is not None:
                # The master key lived in the temporary directory: what was sealed under it is of no
                # use to anyone, and a second run must start from an empty database again.
                _drop_everything(database_url)


def _schemas(engine: Engine) -> list[str | None]:
    return [None, KEYSTORE_SCHEMA] if engine.dialect.name == "postgresql" else [None]


def _require_empty(database_url: str, command: str = "yinsi bench vault") -> None:
    """Refuses a database that holds anything: the benchmark fills it with test subjects and drops it all."""
    engine = create_engine(database_url)
    try:
        inspector = inspect(engine)
        present = inspector.get_schema_names() if engine.dialect.name == "postgresql" else []
        tables = [
            name
            for schema in _schemas(engine)
            if schema is None or schema in present
            for name in inspector.get_table_names(schema=schema)
        ]
    finally:
        engine.dispose()
    if tables:
        raise StartupError(
            f"{command} needs an empty database (it writes test subjects there and drops every table "
            f"when done); this one already has {len(tables)} tables. Create an empty database for it."
        )


def _drop_everything(database_url: str) -> None:
    engine = create_engine(database_url)
    try:
        with engine.begin() as connection:
            for schema in _schemas(engine):
                metadata = MetaData(schema=schema)
                metadata.reflect(connection)
                metadata.drop_all(connection)
            if engine.dialect.name == "postgresql":
                connection.execute(text(f"DROP SCHEMA IF EXISTS {KEYSTORE_SCHEMA}"))
    finally:
        engine.dispose()


def _run(yinsi: Yinsi, count: int, shred_store: int, shreds: int, echo: Callable[..., Any]) -> VaultBenchReport:
    rng = random.Random(20261122)  # noqa: S311 - reproducible test data, not a secret
    engine = yinsi.engine
    backend = engine.dialect.name
    _PlainBase.metadata.create_all(engine)
    people = _people(count, rng)
    plain_ids = [str(uuid.uuid4()) for _ in range(count)]
    echo(f"vault bench on {backend}: {count} subjects x 5 fields per path")

    def plain_write(i: int) -> None:
        with Session(engine) as session, session.begin():
            session.add_all(PlainValue(subject_id=plain_ids[i], field=f, value=v) for f, v in people[i].items())

    yinsi_ids: list[str] = []

    def yinsi_write(i: int) -> None:
        with yinsi.vault.unit() as uow:
            subject = yinsi.vault.create_subject(actor=ACTOR, uow=uow)
            yinsi.vault.write(
                actor=ACTOR, subject_id=subject, purpose="service", values=people[i], source="bench", uow=uow
            )
        yinsi_ids.append(subject)

    def plain_read(i: int) -> None:
        with Session(engine) as session:
            rows = session.query(PlainValue).filter(PlainValue.subject_id == plain_ids[i]).all()
            assert len(rows) == 5  # noqa: S101 - a wrong read would make the figure meaningless

    def yinsi_read(i: int) -> None:
        result = yinsi.vault.read(actor=ACTOR, subject_id=yinsi_ids[i], purpose="service")
        assert len(result.values) == 5  # noqa: S101 - likewise

    # The two paths run in alternating blocks of 50 subjects, so a machine that speeds up or slows down
    # during the run weighs on both alike; a first block of each warms the caches and is not counted
    # (writes and reads alike).
    warm = min(50, count // 10)
    for i in range(warm):
        plain_write(i)
        yinsi_write(i)
    plain_w, yinsi_w = _interleaved(range(warm, count), plain_write, yinsi_write)
    echo(f"  write: plain {plain_w:,.0f} subjects/s, yinsi {yinsi_w:,.0f} subjects/s")
    order = list(range(count))
    rng.shuffle(order)
    for i in order[:warm]:
        plain_read(i)
        yinsi_read(i)
    plain_r, yinsi_r = _interleaved(order, plain_read, yinsi_read)
    echo(f"  read:  plain {plain_r:,.0f} subjects/s, yinsi {yinsi_r:,.0f} subjects/s")

    victims = yinsi_ids[: min(shreds, len(yinsi_ids) // 2)]
    small_values = count * 5
    first, second = victims[: len(victims) // 2], victims[len(victims) // 2 :]
    shred_small = _median_shred(yinsi, first)
    echo(f"  shred: median {shred_small:.2f} ms with {small_values:,} values in the store")
    # Filled up to exactly shred_store values (what the first shreds removed included), in whole subjects.
    remaining = small_values - 5 * len(first)
    large_values = remaining + _fill(engine, max(0, shred_store - remaining), echo)
    shred_large = _median_shred(yinsi, second)
    echo(f"  shred: median {shred_large:.2f} ms with {large_values:,} values in the store")
    return VaultBenchReport(
        count,
        plain_w,
        yinsi_w,
        plain_r,
        yinsi_r,
        shred_small,
        shred_large,
        small_values,
        large_values,
        backend,
    )


def _median_shred(yinsi: Yinsi, victims: list[str]) -> float:
    timings = []
    for subject in victims:
        started = time.perf_counter()
        yinsi.vault.shred(actor=ACTOR, subject_id=subject, reason="bench")
        timings.append((time.perf_counter() - started) * 1000)
    return statistics.median(timings) if timings else float("nan")


def _fill(engine: Engine, values: int, echo: Callable[..., Any]) -> int:
    """Fills the store with other subjects' sealed-looking values (5 per subject, 2 lookup fields each).

    The rows are generated inside the database (a recursive CTE on SQLite, generate_series on PostgreSQL):
    a million of them in seconds, and only the store's size matters to how long a shred takes.
    """
    subjects = values // 5
    if subjects == 0:
        return 0
    now = datetime.now(UTC)
    stamp = now.replace(tzinfo=None).isoformat(sep=" ") if engine.dialect.name == "sqlite" else now
    if engine.dialect.name == "postgresql":
        numbers = "SELECT n FROM generate_series(0, :count - 1) AS n"
        blob = "decode(md5(random()::text) || md5(random()::text) || md5(random()::text), 'hex')"
        digest = "decode(md5(random()::text) || md5(random()::text), 'hex')"
        subject = "'fill-' || lpad(n::text, 10, '0')"
        seq = f"({numbers}) AS seq"
    else:
        numbers = "WITH RECURSIVE seq(n) AS (SELECT 0 UNION ALL SELECT n + 1 FROM seq WHERE n < :count - 1) "
        blob = "randomblob(40)"
        digest = "randomblob(32)"
        subject = "printf('fill-%010d', n)"
        seq = "seq"
    fields = (
        "SELECT 'mobile' AS f UNION ALL SELECT 'name' UNION ALL SELECT 'email' UNION ALL SELECT 'id_number' "
        "UNION ALL SELECT 'address'"
    )
    lookups = "SELECT 'mobile' AS f UNION ALL SELECT 'email'"
    prefix = numbers if engine.dialect.name == "sqlite" else ""
    # Fixed fragments only (no input reaches these strings); the counts and times are bound parameters.
    statements = [
        f"{prefix}INSERT INTO subjects (id, created_at, status, minor) "  # noqa: S608
        f"SELECT {subject}, :now, 'active', 'unknown' FROM {seq}",
        f"{prefix}INSERT INTO keystore.data_keys (subject_id, version, wrapped, master_key_id, created_at) "  # noqa: S608
        f"SELECT {subject}, 1, {blob}, 'filler', :now FROM {seq}",
        f"{prefix}INSERT INTO pi_values (subject_id, field, sealed, key_version, collected_at, updated_at, source, "  # noqa: S608
        f"purposes, retain_until, policy_version) SELECT {subject}, fl.f, {blob}, 1, :now, :now, 'filler', "
        f"'[\"service\"]', NULL, '1' FROM {seq} CROSS JOIN ({fields}) AS fl",
        f"{prefix}INSERT INTO blind_index (field, digest, subject_id) "  # noqa: S608
        f"SELECT fl.f, {digest}, {subject} FROM {seq} CROSS JOIN ({lookups}) AS fl",
    ]
    from rich.progress import Progress  # noqa: PLC0415 - only the filler shows a progress bar

    with Progress(transient=True) as progress:
        task = progress.add_task(f"filling the store with {values:,} values", total=len(statements))
        with writer(engine) as connection, connection.begin():
            for statement in statements:
                connection.execute(text(statement), {"count": subjects, "now": stamp})
                progress.advance(task)
    echo(f"  filled the store with {subjects * 5:,} more values")
    return subjects * 5
