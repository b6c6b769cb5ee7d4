"""``yinsi scan`` and ``yinsi redact``: find the PI in a database or files; mask it in text."""

from __future__ import annotations

import json
import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from yinsi.cli.context import err, out
from yinsi.core.detect.redact import RedactStyle


class ReportFormat(StrEnum):
    TEXT = "text"
    JSON = "json"
    HTML = "html"


def scan(
    source: Annotated[
        str,
        typer.Argument(
            help="A database URL (sqlite:///path, postgresql+psycopg://…) or a file or directory "
            "(CSV, TSV, JSON lines, text, logs)."
        ),
    ],
    sample: Annotated[int, typer.Option(min=1, help="Rows read per table (and per CSV or JSON-lines file).")] = 1000,
    report_format: Annotated[ReportFormat, typer.Option("--format", help="Report format.")] = ReportFormat.TEXT,
    output: Annotated[Path | None, typer.Option("--output", "-o", help="Write the report here.")] = None,
    draft: Annotated[
        Path | None, typer.Option("--draft", help="Write a draft fields: block for the policy spec here.")
    ] = None,
) -> None:
    """Lists, per column or file, the kinds of PI found, how often and how surely, with masked examples."""
    from rich.progress import Progress

    from yinsi.services.scanning import scan as run_scan

    with Progress(console=err, transient=True, disable=not err.is_terminal) as bar:
        task = bar.add_task("扫描 scanning", total=None)

        def progress(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total)

        report = run_scan(source, sample=sample, progress=progress)
    if report_format is ReportFormat.JSON:
        rendered = json.dumps(report.to_json(), ensure_ascii=False, indent=2) + "\n"
    elif report_format is ReportFormat.HTML:
        rendered = report.html()
    else:
        rendered = "\n".join(report.text_lines()) + "\n"
    if output is not None:
        output.write_text(rendered, encoding="utf-8")
    else:
        out.print(rendered, end="", markup=False)
    if draft is not None:
        draft.write_text(report.draft_fields(), encoding="utf-8")


def redact(
    files: Annotated[
        list[Path] | None, typer.Argument(help="Files to redact; none, or -, reads standard input.")
    ] = None,
    style: Annotated[RedactStyle, typer.Option(help="mask: 138****5678; type: <mobile>.")] = RedactStyle.MASK,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Write here instead of standard output.")
    ] = None,
) -> None:
    """Writes text with the PI in it masked, line by line: for logs and customer-service notes."""
    from yinsi.core.detect.engine import Detector
    from yinsi.core.detect.redact import redact as redact_text

    detector = Detector()
    target = output.open("w", encoding="utf-8") if output is not None else sys.stdout
    try:
        for path in files or [Path("-")]:
            source = sys.stdin if str(path) == "-" else path.open(encoding="utf-8", errors="replace")
            try:
                for line in source:
                    target.write(redact_text(line, detector, style=style))
            finally:
                if source is not sys.stdin:
                    source.close()
    finally:
        if target is not sys.stdout:
            target.close()
        else:
            target.flush()
