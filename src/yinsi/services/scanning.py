"""Scanning a database or files for personal information, and redacting text.

The use case behind ``yinsi scan`` and ``yinsi redact``: the adapters read
values, the core's detector and profiles judge them, and the report is built
here. A scan never writes to what it scans (SQLite is opened read-only) and
keeps no value it read, only counts and masked examples.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from yinsi.adapters.scan.sources import (
    Values,
    database_columns,
    display_url,
    file_values,
    files_of,
    is_database_url,
)
from yinsi.core.detect.engine import Detector
from yinsi.core.detect.profile import Profile, Profiler
from yinsi.core.detect.report import ScanReport

__all__ = ["DEFAULT_SAMPLE", "Progress", "scan"]

DEFAULT_SAMPLE = 1000

Progress = Callable[[int, int], None]
"""Called as ``progress(done, total)`` as tables or files are done."""


def scan(
    source: str, *, sample: int = DEFAULT_SAMPLE, detector: Detector | None = None, progress: Progress | None = None
) -> ScanReport:
    """Profile every column of a database (``sample`` rows per table) or every file under a path."""
    detector = detector or Detector()
    started = datetime.now(UTC)
    skipped: list[str] = []
    profiles: list[Profile] = []
    if is_database_url(source):
        label = display_url(source)
        for tables_read, tables, values in database_columns(source, sample=sample, skipped=skipped):
            profiles.append(_profile(detector, values))
            if progress is not None:
                progress(tables_read, tables)
        return ScanReport(label, sample, profiles, started, skipped)
    root = Path(source).expanduser()
    files = files_of(root)
    base = root if root.is_dir() else root.parent
    for done, path in enumerate(files, start=1):
        for values in file_values(path, sample=sample, root=base):
            profiles.append(_profile(detector, values))
        if progress is not None:
            progress(done, len(files))
    return ScanReport(str(root), None, profiles, started, skipped)


def _profile(detector: Detector, values: Values) -> Profile:
    profiler = Profiler(detector, values.source, values.name, values.hints)
    for value in values.values:
        profiler.add(value)
    return profiler.result()
