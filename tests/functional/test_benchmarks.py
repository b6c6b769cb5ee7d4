"""The benchmarks run end to end at a small size and print their last line in the agreed format.

Their figures are not asserted: speed is measured by running them, on a quiet machine (docs/performance.md).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, inspect
from typer.testing import CliRunner

from tests.conftest import Backend, empty_pg_database
from yinsi.cli.main import app
from yinsi.config import StartupError

RUNNER = CliRunner()


def last_line(args: list[str]) -> str:
    result = RUNNER.invoke(app, args)
    assert result.exit_code == 0, result.output
    return result.output.strip().splitlines()[-1]


def test_the_vault_benchmark_prints_its_ratios(tmp_path: Path) -> None:
    line = last_line(
        ["bench", "vault", "--subjects", "60", "--shred-store", "2000", "--shreds", "10", "--work-dir", str(tmp_path)]
    )
    assert re.fullmatch(r"read_ratio=\d+\.\d\d write_ratio=\d+\.\d\d shred_ms=\d+\.\d\d", line), line


@pytest.mark.slow
def test_the_rights_benchmark_prints_its_figures(tmp_path: Path) -> None:
    line = last_line(
        [
            "bench",
            "rights",
            "--subjects",
            "40",
            "--accesses",
            "20",
            "--cancellations",
            "10",
            "--work-dir",
            str(tmp_path),
        ]
    )
    assert re.fullmatch(r"access_ms=\d+\.\d\d cancel_ms=\d+\.\d\d requests_per_s=\d+", line), line


@pytest.fixture
def empty_database(backend: Backend, tmp_path: Path) -> Iterator[str]:
    """An empty database of the backend's kind (the backend's own holds yinsi's migrated schema)."""
    if backend.name == "sqlite":
        yield f"sqlite:///{tmp_path / 'empty.db'}"
        return
    with empty_pg_database("yinsi_bench") as url:
        yield url


def tables_in(url: str) -> list[str]:
    engine = create_engine(url)
    try:
        inspector = inspect(engine)
        schemas = [None, "keystore"] if engine.dialect.name == "postgresql" else [None]
        present = inspector.get_schema_names()
        return [t for s in schemas if s is None or s in present for t in inspector.get_table_names(schema=s)]
    finally:
        engine.dispose()


def test_the_vault_benchmark_runs_again_on_the_database_it_was_given(empty_database: str, tmp_path: Path) -> None:
    args = ["bench", "vault", "--subjects", "30", "--shred-store", "500", "--shreds", "6"]
    args += ["--database-url", empty_database, "--work-dir", str(tmp_path)]
    for _ in range(2):
        assert last_line(args).startswith("read_ratio=")
        assert tables_in(empty_database) == []


def test_the_vault_benchmark_refuses_a_database_that_holds_data(backend: Backend, tmp_path: Path) -> None:
    url = backend.settings.resolved_database_url
    before = tables_in(url)
    result = RUNNER.invoke(app, ["bench", "vault", "--subjects", "30", "--database-url", url])
    assert result.exit_code != 0
    assert isinstance(result.exception, StartupError)
    assert "needs an empty database" in str(result.exception)
    assert tables_in(url) == before


HTTP_LAST_LINE = re.compile(r"read_ratio=(\d+\.\d\d) p99_ms=(\d+(?:\.\d)?) errors=(\d+)")


@pytest.mark.slow
def test_the_http_benchmark_drives_a_real_server_and_cleans_up(empty_database: str, tmp_path: Path) -> None:
    """A tiny run (each phase a second, five connections): the table of eight phases, the machine, and the
    last line in its agreed format with no error; the database it was given is empty again afterwards."""
    args = ["bench", "http", "--seconds", "1", "--rate", "20", "--users", "5", "--max-users", "5"]
    work = tmp_path / "work"
    work.mkdir()
    args += ["--subjects", "20", "--database-url", empty_database, "--work-dir", str(work)]
    result = RUNNER.invoke(app, args)
    assert result.exit_code == 0, result.output
    lines = result.output.strip().splitlines()
    found = HTTP_LAST_LINE.fullmatch(lines[-1])
    assert found is not None, lines[-1]
    assert int(found.group(3)) == 0, result.output
    assert float(found.group(1)) > 0
    table = "\n".join(lines)
    for endpoint in ("/health", "masked read", "PI write", "consent change", "privacy centre"):
        assert table.count(endpoint) >= 2, endpoint  # its phase at 20/s, then at the maximum rate
    assert "20/s x 5" in table
    assert "max x 5" in table
    database = "SQLite" if empty_database.startswith("sqlite") else "PostgreSQL"
    assert any(line.startswith("machine: ") and "cores" in line for line in lines)
    assert any(line.startswith("python: ") and f"database: {database}" in line for line in lines)
    assert tables_in(empty_database) == []
    assert list(work.iterdir()) == []  # the data directory, the server's log and the tokens are gone


def test_the_http_benchmark_refuses_a_database_that_holds_data(backend: Backend, tmp_path: Path) -> None:
    url = backend.settings.resolved_database_url
    before = tables_in(url)
    result = RUNNER.invoke(app, ["bench", "http", "--seconds", "1", "--database-url", url, "--work-dir", str(tmp_path)])
    assert result.exit_code != 0
    assert isinstance(result.exception, StartupError)
    assert "yinsi bench http needs an empty database" in str(result.exception)
    assert tables_in(url) == before


SCAN_LAST_LINE = re.compile(
    r"mb_per_s=(\d+\.\d\d) presidio_mb_per_s=(\d+\.\d\d) ratio=(\d+\.\d\d) f1=(\d\.\d{3}) presidio_f1=(\d\.\d{3}) "
    r"structured_f1_min=(\d\.\d{3}) name_f1=(\d\.\d{3}) address_f1=(\d\.\d{3})"
)


def test_the_scan_benchmark_compares_with_presidio_on_a_tiny_corpus(monkeypatch: pytest.MonkeyPatch) -> None:
    """Presidio's analyzer is built without network (no spaCy model, no public-suffix download)."""
    import socket

    def no_network(*args: object, **kwargs: object) -> None:
        raise AssertionError("the scan benchmark tried to reach the network")

    monkeypatch.setattr(socket, "create_connection", no_network)
    monkeypatch.setattr(socket.socket, "connect", no_network)
    result = RUNNER.invoke(app, ["bench", "scan", "--samples", "120"])
    assert result.exit_code == 0, result.output
    lines = result.output.strip().splitlines()
    found = SCAN_LAST_LINE.fullmatch(lines[-1])
    assert found is not None, lines[-1]
    assert float(found.group(1)) > 0
    assert float(found.group(2)) > 0
    assert any(line.startswith("Presidio (") for line in lines)
    assert any(line.startswith("machine: ") for line in lines)


def test_the_retention_benchmark_prints_its_rate(tmp_path: Path) -> None:
    line = last_line(["bench", "retention", "--values", "100", "--chunk", "30", "--work-dir", str(tmp_path)])
    assert re.fullmatch(r"values_per_s=\d+", line), line


def test_the_retention_benchmark_shares_the_sweep_between_workers(empty_database: str, tmp_path: Path) -> None:
    args = ["bench", "retention", "--values", "200", "--chunk", "20", "--workers", "2"]
    args += ["--database-url", empty_database, "--work-dir", str(tmp_path)]
    assert re.fullmatch(r"values_per_s=\d+", last_line(args))
    assert tables_in(empty_database) == []
