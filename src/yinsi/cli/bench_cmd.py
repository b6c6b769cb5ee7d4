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
    from yinsi.benchmarks.vault import run_vault_bench  # noqa: PLC0415 - only `bench` needs the benchmark code

    report = run_vault_bench(
        subjects=subjects,
        shred_store=shred_store,
        shreds=shreds,
        database_url=database_url,
        work_dir=work_dir,
        echo=out.print,
    )
    out.print(report.last_line(), markup=False)
