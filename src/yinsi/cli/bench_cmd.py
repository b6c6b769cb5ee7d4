"""``yinsi bench``: measure yinsi against a plain baseline in the same run, on this machine."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from yinsi.cli.context import out

app = typer.Typer(no_args_is_help=True)


@app.command("vault")
def vault(
    subjects: Annotated[int, typer.Option(help="Subjects written and read on each path.")] = 2000,
    shred_store: Annotated[
        int, typer.Option(help="Values in the store when shredding is timed (the issue's figure: 1,000,000).")
    ] = 1_000_000,
    shreds: Annotated[int, typer.Option(help="Subjects shredded for the median.")] = 200,
    database_url: Annotated[
        str | None, typer.Option(help="Benchmark on this database instead of a temporary SQLite one.")
    ] = None,
    work_dir: Annotated[Path | None, typer.Option(help="Where the temporary SQLite files go.")] = None,
) -> None:
    """Writes and reads subjects with five fields through the full path and through plain SQLAlchemy."""
    from yinsi.benchmarks.vault import run_vault_bench

    report = run_vault_bench(
        subjects=subjects,
        shred_store=shred_store,
        shreds=shreds,
        database_url=database_url,
        work_dir=work_dir,
        echo=out.print,
    )
    out.print(report.last_line(), markup=False)


@app.command("rights")
def rights(
    subjects: Annotated[int, typer.Option(help="Registered people in the store.")] = 3000,
    accesses: Annotated[int, typer.Option(help="Access requests answered in full.")] = 1000,
    cancellations: Annotated[int, typer.Option(help="Self-service cancellations carried to the shredded end.")] = 500,
    work_dir: Annotated[Path | None, typer.Option(help="Where the temporary SQLite files go.")] = None,
) -> None:
    """Access requests and account cancellations through the whole workflow, on the default SQLite store."""
    from yinsi.benchmarks.rights import run_rights_bench

    report = run_rights_bench(
        subjects=subjects, accesses=accesses, cancellations=cancellations, work_dir=work_dir, echo=out.print
    )
    out.print(report.last_line(), markup=False)


@app.command("retention")
def retention(
    values: Annotated[int, typer.Option(min=5, help="Expired values in the store (the issue's figure: 1,000,000).")] = (
        1_000_000
    ),
    workers: Annotated[int, typer.Option(min=1, max=16, help="Processes sweeping at once (share on PostgreSQL).")] = 1,
    chunk: Annotated[int, typer.Option(min=1, max=100_000, help="Values per transaction.")] = 5000,
    database_url: Annotated[
        str | None, typer.Option(help="Benchmark on this empty database instead of a temporary SQLite one.")
    ] = None,
    work_dir: Annotated[Path | None, typer.Option(help="Where the temporary SQLite files go.")] = None,
) -> None:
    """Sweeps a store of expired, really sealed values with the retention job; prints values_per_s last."""
    from yinsi.benchmarks.retention import run_retention_bench

    report = run_retention_bench(
        values=values, workers=workers, chunk=chunk, database_url=database_url, work_dir=work_dir, echo=out.print
    )
    out.print(report.last_line(), markup=False)


@app.command("http")
def http(
    workers: Annotated[int, typer.Option(min=1, help="Worker processes of yinsi serve.")] = 1,
    database_url: Annotated[
        str | None,
        typer.Option(help="Serve from this empty database (PostgreSQL) instead of a temporary SQLite one."),
    ] = None,
    seconds: Annotated[float, typer.Option(min=1, help="Seconds measured in each of the ten phases.")] = 10,
    rate: Annotated[float, typer.Option(min=1, help="Requests per second of the fixed-rate phases.")] = 200,
    users: Annotated[int, typer.Option(min=1, help="Connections in the fixed-rate phases.")] = 50,
    max_users: Annotated[int, typer.Option(min=1, help="Connections in the maximum-rate phases.")] = 100,
    subjects: Annotated[int, typer.Option(min=1, help="Subjects with PI that reads and writes pick from.")] = 500,
    work_dir: Annotated[Path | None, typer.Option(help="Where the temporary data directory goes.")] = None,
) -> None:
    """Drives yinsi serve with Locust on loopback: /health, a masked read, a PI write, a consent change and the
    privacy centre's home page."""
    from yinsi.benchmarks.http_bench import run_http_bench

    report = run_http_bench(
        workers=workers,
        database_url=database_url,
        seconds=seconds,
        rate=rate,
        users=users,
        max_users=max_users,
        subjects=subjects,
        work_dir=work_dir,
        echo=out.print,
    )
    out.print(report.table())
    for line in [*report.error_lines(), *report.machine]:
        out.print(line, markup=False)
    out.print(report.last_line(), markup=False)


@app.command("scan")
def scan(
    samples: Annotated[int, typer.Option(min=1, help="Texts of the synthetic corpus (scripts/scan-corpus).")] = 5000,
    corpus: Annotated[
        Path | None,
        typer.Option(help="A labelled JSON-lines corpus to use instead (the format scripts/scan-corpus writes)."),
    ] = None,
) -> None:
    """Precision, recall and F1 per kind of PI, and MB/s against Presidio's analyzer on the same texts."""
    from yinsi.benchmarks.scan import run_scan_bench

    report = run_scan_bench(samples=samples, corpus_file=corpus, echo=out.print)
    for line in report.lines():
        out.print(line, markup=False)
    out.print(report.last_line(), markup=False)
