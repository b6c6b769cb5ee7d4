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
