"""The benchmarks run end to end at a small size and print their last line in the agreed format.

Their figures are not asserted: speed is measured by running them, on a quiet machine (docs/performance.md).
"""

from __future__ import annotations

import re
from pathlib import Path

from typer.testing import CliRunner

from yinsi.cli.main import app

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
