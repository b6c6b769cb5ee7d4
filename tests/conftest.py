"""Shared fixtures: a fresh, migrated database per test, on SQLite and on PostgreSQL.

The schema is built once per worker by the Alembic migrations (never
create_all), then each test gets its own copy: a copied SQLite file pair, or
``CREATE DATABASE ... TEMPLATE`` on PostgreSQL. Services own and commit their
transactions, so copies (not rollbacks) are what keeps tests apart.

PostgreSQL runs when YINSI_TEST_PG_URL is set (``make test`` starts a server
and sets it); with YINSI_REQUIRE_PG=1 a missing server fails instead of
skipping, so CI can never pass without having run the PostgreSQL half.
"""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import create_engine, make_url, text

from yinsi.adapters.db.engine import make_engine
from yinsi.adapters.db.migrate import upgrade
from yinsi.bootstrap import Yinsi, open_yinsi
from yinsi.config import Settings
from yinsi.core.policy.compiled import CompiledPolicy
from yinsi.core.policy.load import load_policy_file

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples" / "policies"
PG_URL = os.environ.get("YINSI_TEST_PG_URL")
REQUIRE_PG = os.environ.get("YINSI_REQUIRE_PG") == "1"
BACKENDS = ["sqlite", "postgresql"]


class Clock:
    """A clock tests can move forward: expiring codes, ageing logs, deadlines."""

    def __init__(self) -> None:
        self.moment = datetime.now(UTC)

    def __call__(self) -> datetime:
        return self.moment

    def advance(self, **delta: float) -> None:
        self.moment += timedelta(**delta)


@dataclass(frozen=True)
class Backend:
    name: str
    settings: Settings


def _worker(request: pytest.FixtureRequest) -> str:
    return getattr(request.config, "workerinput", {}).get("workerid", "main")


@contextmanager
def empty_pg_database(prefix: str) -> Iterator[str]:
    """A new, empty PostgreSQL database on the test server (no schema at all), dropped afterwards."""
    assert PG_URL is not None
    name = f"{prefix}_{uuid.uuid4().hex[:12]}"
    admin = create_engine(PG_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(PG_URL).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    directory = tmp_path_factory.mktemp("sqlite-template")
    engine = make_engine(f"sqlite:///{directory / 'yinsi.db'}", keystore_path=directory / "keystore.db", pool=False)
    upgrade(engine)
    engine.dispose()
    return directory


@pytest.fixture(scope="session")
def pg_template(request: pytest.FixtureRequest) -> Iterator[str | None]:
    if PG_URL is None:
        yield None
        return
    name = f"yinsi_tpl_{_worker(request)}_{uuid.uuid4().hex[:6]}"
    admin = create_engine(PG_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    url = make_url(PG_URL).set(database=name).render_as_string(hide_password=False)
    engine = make_engine(url, pool=False)
    upgrade(engine)
    engine.dispose()
    yield name
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture(params=BACKENDS)
def backend(
    request: pytest.FixtureRequest, tmp_path: Path, sqlite_template: Path, pg_template: str | None
) -> Iterator[Backend]:
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    if request.param == "sqlite":
        for name in ("yinsi.db", "keystore.db"):
            shutil.copy(sqlite_template / name, data_dir / name)
        yield Backend("sqlite", Settings(data_dir=data_dir))
        return
    if pg_template is None:
        if REQUIRE_PG:
            pytest.fail("YINSI_REQUIRE_PG=1 but YINSI_TEST_PG_URL is not set")
        pytest.skip("PostgreSQL not configured (set YINSI_TEST_PG_URL, or run `make test`)")
    assert PG_URL is not None
    name = f"yinsi_t_{uuid.uuid4().hex[:12]}"
    admin = create_engine(PG_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}" TEMPLATE "{pg_template}"'))
    url = make_url(PG_URL).set(database=name).render_as_string(hide_password=False)
    pg_bindir = os.environ.get("YINSI_PG_BINDIR")
    yield Backend(
        "postgresql", Settings(data_dir=data_dir, database_url=url, pg_bindir=Path(pg_bindir) if pg_bindir else None)
    )
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture(scope="session")
def appointments_policy() -> CompiledPolicy:
    """Seed 001 (the appointment platform): real-name booking, sensitive fields, adults only."""
    result = load_policy_file(EXAMPLES / "001_b323a55268a82f2d.yaml")
    assert result.spec is not None, [p.format("en") for p in result.errors]
    return CompiledPolicy.from_spec(result.spec)


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def yinsi(backend: Backend, appointments_policy: CompiledPolicy, clock: Clock) -> Iterator[Yinsi]:
    instance = open_yinsi(backend.settings, migrate=False, policy=appointments_policy, now=clock)
    yield instance
    instance.close()


@pytest.fixture(scope="session")
def clinic_policy() -> CompiledPolicy:
    """A test policy with every legal basis, a separate consent, a permission and personalisation."""
    result = load_policy_file(ROOT / "tests" / "fixtures" / "clinic.yaml")
    assert result.spec is not None, [p.format("en") for p in result.errors]
    return CompiledPolicy.from_spec(result.spec)


@pytest.fixture
def clinic(backend: Backend, clinic_policy: CompiledPolicy, clock: Clock) -> Iterator[Yinsi]:
    instance = open_yinsi(backend.settings, migrate=False, policy=clinic_policy, now=clock)
    yield instance
    instance.close()
