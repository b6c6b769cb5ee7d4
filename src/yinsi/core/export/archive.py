"""The ZIP archive: built reproducibly, read back only once every file matches the manifest.

Every entry carries the bundle's own ``generated_at`` as its timestamp and
fixed permissions, and records are sorted, so the same bundle always gives
the same bytes and a copy can be verified by building it again.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import zipfile
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from yinsi.core.export.bundle import EXPORT_FORMAT, ExportBundle
from yinsi.core.export.columns import (
    ACCESS_JSON,
    CONSENTS_JSON,
    DATA_FILES,
    FILES,
    MANIFEST,
    PI_CSV,
    PI_JSON,
    PROVISIONS_JSON,
    README,
    REQUESTS_JSON,
    Column,
    File,
    access_record,
    by_time,
    consent_record,
    iso,
    pi_records,
    provision_record,
    request_record,
)
from yinsi.core.export.readme import readme

MAX_ENTRY_BYTES = 256 * 1024 * 1024
"""The largest file ``read_export`` will unpack: a copy is never this big, a ZIP bomb is."""

# --------------------------------------------------------------------------- building


def build_export(bundle: ExportBundle) -> bytes:
    """The ZIP archive of ``bundle``: the same bundle always gives the same bytes.

    Raises ValueError for a naive datetime anywhere in the bundle: a time
    without a zone cannot be written as UTC without guessing.
    """
    generated = iso(bundle.generated_at, "generated_at")
    spec = bundle.spec
    pi = pi_records(bundle)
    tables: dict[str, list[dict[str, Any]]] = {
        PI_JSON.name: pi,
        CONSENTS_JSON.name: [consent_record(c) for c in by_time(bundle.consents, lambda c: c.at)],
        ACCESS_JSON.name: [access_record(a) for a in by_time(bundle.access_log, lambda a: a.login_at)],
        PROVISIONS_JSON.name: [provision_record(spec, p) for p in by_time(bundle.provisions, lambda p: p.at)],
        REQUESTS_JSON.name: [request_record(r) for r in by_time(bundle.requests, lambda r: r.created_at)],
    }
    portable = [record for record in pi if record["portable"]]
    contents: dict[str, bytes] = {}
    counts: dict[str, int] = {}
    for file in DATA_FILES:
        if file.name.endswith(".json"):
            records = tables[file.name]
            contents[file.name] = _json_lines(records)
        else:
            records = portable if file is PI_CSV else tables[file.name.removesuffix(".csv") + ".json"]
            contents[file.name] = _csv(file.columns, records)
        counts[file.name] = len(records)
    contents[README.name] = readme(bundle, generated, counts).encode()

    manifest = {
        "format": EXPORT_FORMAT,
        "subject_id": bundle.subject_id,
        "generated_at": generated,
        "policy_id": spec.policy.id,
        "policy_version": bundle.policy_version,
        "not_portable_fields": [fid for fid, f in spec.fields.items() if f.derived],
        "files": [_manifest_entry(file, contents[file.name], counts.get(file.name)) for file in (README, *DATA_FILES)],
    }
    contents[MANIFEST] = (json.dumps(manifest, ensure_ascii=False, indent=2) + "\n").encode()
    return _zip(contents, bundle.generated_at)


def read_export(data: bytes) -> dict[str, Any]:
    """The JSON documents of an export, by file name (``manifest.json`` included), once every file is verified.

    Every file must be listed in the manifest and match its SHA-256, and every
    listed file must be present; otherwise ValueError names the file. Nothing
    is parsed before it is verified.
    """
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile as exc:
        raise ValueError("not a ZIP archive") from exc
    with archive:
        names = archive.namelist()
        if len(set(names)) != len(names):
            raise ValueError("the archive holds the same file name twice")
        if MANIFEST not in names:
            raise ValueError(f"{MANIFEST} is missing")
        try:
            manifest = json.loads(_unpack(archive, MANIFEST))
        except json.JSONDecodeError as exc:
            raise ValueError(f"{MANIFEST} is not valid JSON") from exc
        if not isinstance(manifest, dict) or manifest.get("format") != EXPORT_FORMAT:
            raise ValueError(f"{MANIFEST} does not describe a {EXPORT_FORMAT} export")
        listed: dict[str, str] = {}
        for entry in manifest.get("files", []):
            if not isinstance(entry, dict) or not isinstance(entry.get("name"), str):
                raise ValueError(f"{MANIFEST} lists a file without a name")
            listed[entry["name"]] = str(entry.get("sha256", ""))
        for name in names:
            if name != MANIFEST and name not in listed:
                raise ValueError(f"{name} is not listed in {MANIFEST}")
        documents: dict[str, Any] = {MANIFEST: manifest}
        for name, digest in listed.items():
            if name not in names:
                raise ValueError(f"{name} is listed in {MANIFEST} but missing from the archive")
            content = _unpack(archive, name)
            if hashlib.sha256(content).hexdigest() != digest:
                raise ValueError(f"{name} does not match its SHA-256 in {MANIFEST}: it was changed or damaged")
            if name.endswith(".json"):
                try:
                    documents[name] = json.loads(content)
                except json.JSONDecodeError as exc:  # verified yet unparsable: written by something else
                    raise ValueError(f"{name} is not valid JSON") from exc
        return documents


# --------------------------------------------------------------------------- serialising


_ENCODER = json.JSONEncoder(ensure_ascii=False)


def _json_lines(records: Sequence[dict[str, Any]]) -> bytes:
    """A JSON array with one record per line: readable in any editor, and written by the fast C encoder."""
    if not records:
        return b"[]\n"
    encode = _ENCODER.encode
    body = ",\n".join(encode(record) for record in records)
    return f"[\n{body}\n]\n".encode()


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _cell(value: Any) -> str:
    """A CSV cell a spreadsheet shows as text: a leading ' stops = + - @ from being read as a formula."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        value = ";".join(str(item) for item in value)
    text = str(value)
    return "'" + text if text.startswith(_FORMULA_START) else text


def _csv(columns: Sequence[Column], records: Sequence[dict[str, Any]]) -> bytes:
    """UTF-8 with a byte-order mark and CRLF lines: what Excel in China needs to open it without garbling."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    names = [c.name for c in columns]
    writer.writerow(names)
    writer.writerows([_cell(record[name]) for name in names] for record in records)
    return ("\ufeff" + out.getvalue()).encode()


def _manifest_entry(file: File, content: bytes, records: int | None) -> dict[str, Any]:
    entry: dict[str, Any] = {
        "name": file.name,
        "sha256": hashlib.sha256(content).hexdigest(),
        "bytes": len(content),
        "media_type": _media_type(file.name),
        "description": {"zh-CN": file.description.zh, "en": file.description.en},
    }
    if records is not None:
        entry["records"] = records
    if file.columns:
        properties = {c.name: c.schema() for c in file.columns}
        if file.name.endswith(".json"):
            entry["schema"] = {
                "type": "array",
                "items": {
                    "type": "object",
                    "properties": properties,
                    "required": [c.name for c in file.columns],
                    "additionalProperties": False,
                },
            }
        else:
            entry["schema"] = {
                "encoding": "utf-8-sig",
                "delimiter": ",",
                "header": True,
                "list_separator": ";",
                "columns": [{"name": name, **schema} for name, schema in properties.items()],
            }
    return entry


def _media_type(name: str) -> str:
    if name.endswith(".json"):
        return "application/json"
    if name.endswith(".csv"):
        return "text/csv; charset=utf-8"
    return "text/markdown; charset=utf-8"


def _zip(contents: dict[str, bytes], generated_at: datetime) -> bytes:
    """Entries in a fixed order with a fixed time and mode: nothing of the machine or the moment leaks in."""
    moment = generated_at.astimezone(UTC)
    # ZIP stores local-time fields from 1980 to 2107 with two-second steps; the export's own time, in UTC.
    year = min(max(moment.year, 1980), 2107)
    stamp = (year, moment.month, moment.day, moment.hour, moment.minute, moment.second)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=6) as archive:
        for name in FILES:
            info = zipfile.ZipInfo(name, date_time=stamp)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 3  # Unix, wherever it is built, so the bytes do not depend on the platform
            info.external_attr = 0o644 << 16
            archive.writestr(info, contents[name], compresslevel=6)
    return buffer.getvalue()


def _unpack(archive: zipfile.ZipFile, name: str) -> bytes:
    info = archive.getinfo(name)
    if info.file_size > MAX_ENTRY_BYTES:
        raise ValueError(f"{name} is larger than an export file can be")
    try:
        with archive.open(info) as handle:
            content = handle.read(MAX_ENTRY_BYTES + 1)
    except (zipfile.BadZipFile, OSError, EOFError) as exc:
        raise ValueError(f"{name} is damaged: {exc}") from exc
    if len(content) > MAX_ENTRY_BYTES:
        raise ValueError(f"{name} is larger than an export file can be")
    return content
