"""Reading values to scan: sampled rows of every table of a database, or the rows and lines of files.

A source yields one ``Values`` per column (database tables, CSV files, JSON
lines) or per file (text and logs), each with a name to report it under and
the hints (the column's name) the detector uses as context. Values are
streamed, never kept: a profile forgets each as soon as it has looked at it.

Databases are read through SQLAlchemy reflection with plain ``SELECT … LIMIT
n`` per table: the first rows the database returns, not a random sample
(``ORDER BY random()`` would sort whole tables of millions of rows). Binary
columns are skipped. Files are read as UTF-8, or as GB18030 (the encoding of
many Chinese Windows exports) when they are not valid UTF-8.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal
from pathlib import Path
from typing import TextIO

from sqlalchemy import MetaData, Table, create_engine, inspect, make_url, select
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DBAPIError, SQLAlchemyError
from sqlalchemy.types import LargeBinary

from yinsi.core.errors import BadRequest
from yinsi.core.i18n import Msg

__all__ = ["Values", "database_columns", "display_url", "file_values", "is_database_url"]

_SYSTEM_SCHEMAS = frozenset({"information_schema", "pg_catalog", "pg_toast"})
_TABLE_SUFFIXES = frozenset({".csv", ".tsv"})
_JSON_SUFFIXES = frozenset({".jsonl", ".ndjson"})
_PROBE = 65536


@dataclass
class Values:
    source: str  # the table or file, for the report
    name: str  # table.column, file.column or the file
    hints: tuple[str, ...]
    values: Iterable[str]


def is_database_url(source: str) -> bool:
    return "://" in source


def display_url(url: str) -> str:
    """The URL without its password, fit for a report."""
    return make_url(url).render_as_string(hide_password=True)


def database_columns(url: str, *, sample: int, skipped: list[str]) -> Iterator[tuple[int, int, Values]]:
    """``(tables read, tables, values)`` for every column of every table, ``sample`` rows per table."""
    engine = _engine(url)
    failure: str | None = None
    try:
        yield from _columns(engine, sample, skipped)
    except SQLAlchemyError as exc:
        failure = type(exc.orig if isinstance(exc, DBAPIError) and exc.orig is not None else exc).__name__
    finally:
        engine.dispose()
    if failure is not None:
        # Outside the except block, so the driver's text (which can quote the URL or a statement) is not the cause.
        raise BadRequest(
            Msg(
                f"无法读取要扫描的数据库（{failure}）：请检查地址、数据库服务器是否运行，以及账户是否有读取权限。",
                f"the database to scan cannot be read ({failure}): check the URL, that the server is running, "
                "and that the account may read it.",
            )
        )


def _columns(engine: Engine, sample: int, skipped: list[str]) -> Iterator[tuple[int, int, Values]]:
    inspector = inspect(engine)
    tables: list[tuple[str | None, str]] = []
    if engine.dialect.name == "postgresql":
        for schema_name in inspector.get_schema_names():
            if schema_name not in _SYSTEM_SCHEMAS and not schema_name.startswith("pg_"):
                tables.extend((schema_name, t) for t in inspector.get_table_names(schema=schema_name))
    else:
        tables.extend((None, t) for t in inspector.get_table_names())
    for index, (schema, name) in enumerate(tables):
        table = Table(name, MetaData(), autoload_with=engine, schema=schema)
        label = name if schema is None or schema == "public" else f"{schema}.{name}"
        readable = [c for c in table.columns if not isinstance(c.type, LargeBinary)]
        skipped.extend(f"{label}.{c.name}: binary" for c in table.columns if isinstance(c.type, LargeBinary))
        if not readable:
            continue
        with engine.connect() as connection:
            rows = connection.execute(select(*readable).limit(sample)).all()
        for position, column in enumerate(readable):
            values = [text for row in rows if (text := _text(row[position])) is not None]
            yield index + 1, len(tables), Values(label, f"{label}.{column.name}", (column.name,), values)


def _engine(url: str) -> Engine:
    try:
        parsed = make_url(url)
    except Exception:
        parsed = None
    if parsed is None or parsed.get_backend_name() not in ("sqlite", "postgresql"):
        raise BadRequest(
            Msg(
                "只能扫描 SQLite 或 PostgreSQL 数据库：请给出 sqlite:///路径 或 postgresql+psycopg://… 形式的地址。",
                "only SQLite and PostgreSQL databases can be scanned: give a URL such as sqlite:///path or "
                "postgresql+psycopg://…",
            )
        )
    if parsed.get_backend_name() == "sqlite" and parsed.database and not Path(parsed.database).exists():
        raise BadRequest(Msg("找不到要扫描的 SQLite 数据库文件。", "the SQLite database file to scan does not exist."))
    if parsed.get_backend_name() == "sqlite" and parsed.database:
        # Read-only, so a scan can never create or change the file it was pointed at.
        return create_engine(f"sqlite:///file:{Path(parsed.database).resolve()}?mode=ro&uri=true")
    if parsed.drivername == "postgresql":
        parsed = parsed.set(drivername="postgresql+psycopg")
    return create_engine(parsed)


def _text(value: object) -> str | None:
    if value is None or isinstance(value, bytes | bytearray | memoryview):
        return None
    if isinstance(value, str):
        return value
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    if isinstance(value, int | float | Decimal):
        return str(value)
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def files_of(path: Path) -> list[Path]:
    """The file itself, or every visible regular file under a directory, in a stable order."""
    if path.is_file():
        return [path]
    if path.is_dir():
        return sorted(
            p for p in path.rglob("*") if p.is_file() and not any(part.startswith(".") for part in p.parts[-1:])
        )
    raise BadRequest(Msg("找不到要扫描的文件或目录。", "the file or directory to scan does not exist."))


def _encoding(path: Path) -> str:
    with path.open("rb") as raw:
        probe = raw.read(_PROBE)
    try:
        probe.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        if exc.start < len(probe) - 4:  # not just a character cut at the end of the probe
            return "gb18030"
    return "utf-8-sig"


def file_values(path: Path, *, sample: int, root: Path) -> list[Values]:
    """The values of one file: a ``Values`` per column of a CSV or JSON-lines file, one for a text or log."""
    name = str(path.relative_to(root)) if path != root else path.name
    encoding = _encoding(path)
    suffix = path.suffix.lower()
    if suffix not in _TABLE_SUFFIXES | _JSON_SUFFIXES:
        return [Values(name, name, (), _lines(path, encoding))]  # a file name is no context for every line
    with path.open(encoding=encoding, errors="replace", newline="") as handle:
        if suffix in _TABLE_SUFFIXES:
            return _csv(handle, name, path.stem, sample, "\t" if suffix == ".tsv" else ",")
        return _json_lines(handle, name, path.stem, sample)


def _lines(path: Path, encoding: str) -> Iterator[str]:
    """A text or log file line by line, however large: read as the scan goes, never held whole."""
    with path.open(encoding=encoding, errors="replace") as handle:
        for line in handle:
            yield line.rstrip("\r\n")


def _csv(handle: TextIO, name: str, stem: str, sample: int, delimiter: str) -> list[Values]:
    reader = csv.reader(handle, delimiter=delimiter)
    header = next(reader, None)
    if header is None:
        return []
    columns: list[list[str]] = [[] for _ in header]
    for count, row in enumerate(reader):
        if count >= sample:
            break
        for position, cell in enumerate(row[: len(header)]):
            columns[position].append(cell)
    return [Values(name, f"{stem}.{h}", (h,), values) for h, values in zip(header, columns, strict=True)]


def _json_lines(handle: TextIO, name: str, stem: str, sample: int) -> list[Values]:
    columns: dict[str, list[str]] = {}
    loose: list[str] = []
    for count, line in enumerate(handle):
        if count >= sample:
            break
        try:
            record = json.loads(line)
        except ValueError:
            loose.append(line)
            continue
        if not isinstance(record, dict):
            loose.append(line)
            continue
        for key, value in record.items():
            text = _text(value)
            if text is not None:
                columns.setdefault(str(key), []).append(text)
    found = [Values(name, f"{stem}.{key}", (key,), values) for key, values in columns.items()]
    if loose:
        found.append(Values(name, name, (), loose))
    return found
