"""A retention sweep killed with SIGKILL part-way, then run again: no expired value stays readable, no
unexpired value is lost, and nothing is left half done (a value without its index, or the reverse)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import func, select

from tests.conftest import Backend
from yinsi.adapters.db.rows import AuditEventRow, BlindIndexRow, PiValueRow, table_of
from yinsi.benchmarks.retention import RETENTION_SPEC, load_sealed, person
from yinsi.bootstrap import open_yinsi

_values, _index, _events = table_of(PiValueRow), table_of(BlindIndexRow), table_of(AuditEventRow)


def _environment(backend: Backend) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("YINSI_")}
    env["YINSI_DATA_DIR"] = str(backend.settings.data_dir)
    if backend.settings.database_url:
        env["YINSI_DATABASE_URL"] = backend.settings.database_url
    return env


def _sweep_command() -> list[str]:
    return [sys.executable, "-c", "from yinsi.cli.main import main; main()", "jobs", "retention", "--chunk", "5"]


def test_a_sweep_killed_part_way_loses_nothing_and_finishes_when_run_again(backend: Backend, tmp_path: Path) -> None:
    spec = tmp_path / "spec.yaml"
    spec.write_text(RETENTION_SPEC, encoding="utf-8")
    settings = backend.settings.model_copy(update={"policy_path": spec})
    now = datetime.now(UTC)
    yinsi = open_yinsi(settings, migrate=False)  # publishes the spec, as 'yinsi serve --policy' would
    try:
        load_sealed(yinsi, subjects=1200, collected_at=now - timedelta(days=40))  # 6,000 expired values
        kept = load_sealed(yinsi, subjects=100, collected_at=now)  # 500 that must all survive
    finally:
        yinsi.close()

    log = tmp_path / "sweep.log"
    with log.open("wb") as sink:
        sweeping = subprocess.Popen(_sweep_command(), env=_environment(backend), stdout=sink, stderr=sink)
    check = open_yinsi(backend.settings, migrate=False)
    try:
        deadline = time.monotonic() + 60
        swept = select(func.count()).select_from(_events).where(_events.c.action == "retention-swept")
        while time.monotonic() < deadline and sweeping.poll() is None:
            with check.engine.connect() as connection:
                if connection.execute(swept).scalar_one() >= 20:  # 20 chunks committed: it is under way
                    break
            time.sleep(0.005)
        sweeping.send_signal(signal.SIGKILL)
        sweeping.wait()
        assert sweeping.returncode == -signal.SIGKILL, log.read_text()

        with check.engine.connect() as connection:
            left = connection.execute(select(func.count()).select_from(_values)).scalar_one()
            assert 500 < left < 6500, "the sweep was not killed part-way"
            # Each chunk went whole or not at all: the lookup fields' values and their index rows still match.
            lookups = connection.execute(
                select(func.count()).select_from(_values).where(_values.c.field.in_(["mobile", "email"]))
            ).scalar_one()
            assert connection.execute(select(func.count()).select_from(_index)).scalar_one() == lookups

        again = subprocess.run(  # the dead run's lease does not hold it up
            _sweep_command(), env=_environment(backend), capture_output=True, text=True, timeout=120, check=False
        )
        assert again.returncode == 0, again.stderr
        assert "deleted" in again.stdout

        with check.engine.connect() as connection:
            expired = connection.execute(
                select(func.count()).select_from(_values).where(_values.c.retain_until <= datetime.now(UTC))
            ).scalar_one()
            assert expired == 0
            assert connection.execute(select(func.count()).select_from(_values)).scalar_one() == 500
            for i, subject in enumerate(kept):
                assert check.vault.open_fields(connection, subject, list(person(i))) == person(i)
        assert check.audit.verify(check.engine).ok
    finally:
        if sweeping.poll() is None:
            sweeping.kill()
        check.close()
