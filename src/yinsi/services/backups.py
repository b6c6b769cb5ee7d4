"""Backups of the data store and of the keystore, and restoring them without resurrecting shredded PI.

The two stores are backed up apart, on purpose:

- A data-store backup holds sealed values but no key. Restoring an old one
  brings back the ciphertext of subjects shredded since, but their keys are
  gone from the keystore, so nothing decrypts; ``replay_shreds`` then purges
  their rows and blind indexes before any request is served.
- A keystore backup holds wrapped keys, so it could bring a shredded key back.
  It is therefore short-lived: it carries an expiry (7 days by default,
  ``YINSI_KEYSTORE_BACKUP_MAX_AGE_DAYS``) and ``keys restore`` refuses an
  expired one. After a restore, every subject the data store records as
  shredded has its key destroyed again before anything else runs.

Both copies are consistent while the service runs: SQLite's online backup
API on SQLite, ``pg_dump`` (one snapshot) on PostgreSQL.
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import tempfile
import zipfile
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from sqlalchemy import URL, Engine, make_url

from yinsi.adapters.db.rows import KEYSTORE_SCHEMA
from yinsi.config import Settings
from yinsi.core.errors import BadRequest
from yinsi.core.i18n import Msg

KEYSTORE_BACKUP_FORMAT = "yinsi-keystore-backup/1"


class BackupError(Exception):
    """A backup or restore could not be done; the message says why (never a key or a PI value)."""


@dataclass(frozen=True, slots=True)
class KeystoreManifest:
    created_at: datetime
    expires_at: datetime
    backend: str


def _libpq_url(engine: Engine) -> str:
    """The server's address for pg_dump and pg_restore, without the password (which goes in PGPASSWORD:
    a command line is readable by every user of the machine)."""
    url = make_url(engine.url)
    bare = URL.create("postgresql", url.username, None, url.host, url.port, url.database, url.query)
    return bare.render_as_string(hide_password=False)


def _pg_env(engine: Engine) -> dict[str, str]:
    password = make_url(engine.url).password
    return {**os.environ, "PGPASSWORD": str(password)} if password else dict(os.environ)


def _pg_tool(settings: Settings, name: str) -> str:
    if settings.pg_bindir is not None:
        return str(settings.pg_bindir / name)
    found = shutil.which(name)
    if found is None:
        raise BackupError(f"{name} is not on PATH; set YINSI_PG_BINDIR to PostgreSQL's bin directory")
    return found


def _run(command: list[str], env: dict[str, str] | None = None) -> None:
    completed = subprocess.run(command, capture_output=True, text=True, check=False, env=env)  # noqa: S603 - fixed tool path, no shell
    if completed.returncode != 0:
        tail = completed.stderr.strip().splitlines()[-1:] if completed.stderr else []
        raise BackupError(f"{Path(command[0]).name} failed: {' '.join(tail) or 'exit ' + str(completed.returncode)}")


def _sqlite_copy(source: Path, destination: Path) -> None:
    """SQLite's online backup: a consistent copy while other connections keep writing (WAL)."""
    destination.parent.mkdir(parents=True, exist_ok=True)
    tmp = destination.with_name(destination.name + ".partial")
    tmp.unlink(missing_ok=True)
    with sqlite3.connect(source) as src, sqlite3.connect(tmp) as dst:
        src.backup(dst)
    os.replace(tmp, destination)


def _sqlite_restore_into(source: Path, live: Path) -> None:
    """Copies a backup into the live file through the backup API, so open connections see a whole database."""
    with sqlite3.connect(source) as src, sqlite3.connect(live, timeout=30) as dst:
        src.backup(dst)


def backup_data_store(settings: Settings, engine: Engine, destination: Path) -> Path:
    if engine.dialect.name == "sqlite":
        _sqlite_copy(Path(make_url(engine.url).database or ""), destination)
    else:
        destination.parent.mkdir(parents=True, exist_ok=True)
        _run(
            [
                _pg_tool(settings, "pg_dump"),
                "--format=custom",
                f"--exclude-schema={KEYSTORE_SCHEMA}",
                "--no-owner",
                "--file",
                str(destination),
                _libpq_url(engine),
            ],
            _pg_env(engine),
        )
    return destination


def restore_data_store(settings: Settings, engine: Engine, source: Path) -> None:
    if not source.is_file():
        raise BadRequest(Msg("找不到备份文件。", "The backup file does not exist."))
    if engine.dialect.name == "sqlite":
        _check_sqlite_file(source)
        engine.dispose()
        _sqlite_restore_into(source, Path(make_url(engine.url).database or ""))
    else:
        _run(
            [
                _pg_tool(settings, "pg_restore"),
                "--clean",
                "--if-exists",
                "--no-owner",
                "--single-transaction",
                f"--exclude-schema={KEYSTORE_SCHEMA}",
                "--dbname",
                _libpq_url(engine),
                str(source),
            ],
            _pg_env(engine),
        )


def backup_keystore(settings: Settings, engine: Engine, destination: Path, now: datetime) -> KeystoreManifest:
    manifest = KeystoreManifest(now, now + timedelta(days=settings.keystore_backup_max_age_days), engine.dialect.name)
    with tempfile.TemporaryDirectory() as tmp:
        inner = Path(tmp) / "keystore"
        if engine.dialect.name == "sqlite":
            _sqlite_copy(settings.resolved_keystore_path, inner)
        else:
            _run(
                [
                    _pg_tool(settings, "pg_dump"),
                    "--format=custom",
                    f"--schema={KEYSTORE_SCHEMA}",
                    "--no-owner",
                    "--file",
                    str(inner),
                    _libpq_url(engine),
                ],
                _pg_env(engine),
            )
        destination.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(destination, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "wb") as handle, zipfile.ZipFile(handle, "w", zipfile.ZIP_DEFLATED) as archive:
            archive.writestr(
                "manifest.json",
                json.dumps(
                    {
                        "format": KEYSTORE_BACKUP_FORMAT,
                        "created_at": manifest.created_at.isoformat(),
                        "expires_at": manifest.expires_at.isoformat(),
                        "backend": manifest.backend,
                    }
                ),
            )
            archive.write(inner, "keystore")
    return manifest


def restore_keystore(settings: Settings, engine: Engine, source: Path, now: datetime) -> KeystoreManifest:
    try:
        with zipfile.ZipFile(source) as archive:
            doc = json.loads(archive.read("manifest.json"))
            if doc.get("format") != KEYSTORE_BACKUP_FORMAT:
                raise BackupError("this is not a yinsi keystore backup")
            manifest = KeystoreManifest(
                datetime.fromisoformat(doc["created_at"]), datetime.fromisoformat(doc["expires_at"]), doc["backend"]
            )
            if manifest.expires_at <= now:
                raise BackupError(
                    f"this keystore backup expired on {manifest.expires_at:%Y-%m-%d %H:%M} UTC; an old keystore "
                    "could bring back keys that were shredded since, so it is not restored"
                )
            if manifest.backend != engine.dialect.name:
                raise BackupError(f"this backup is of a {manifest.backend} keystore, not {engine.dialect.name}")
            with tempfile.TemporaryDirectory() as tmp:
                inner = Path(tmp) / "keystore"
                inner.write_bytes(archive.read("keystore"))
                if engine.dialect.name == "sqlite":
                    _check_sqlite_file(inner)
                    engine.dispose()
                    _sqlite_restore_into(inner, settings.resolved_keystore_path)
                else:
                    _run(
                        [
                            _pg_tool(settings, "pg_restore"),
                            "--clean",
                            "--if-exists",
                            "--no-owner",
                            "--single-transaction",
                            "--dbname",
                            _libpq_url(engine),
                            str(inner),
                        ],
                        _pg_env(engine),
                    )
    except (zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise BackupError(f"the keystore backup is damaged or incomplete ({type(exc).__name__})") from None
    return manifest


def _check_sqlite_file(path: Path) -> None:
    try:
        with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as connection:
            result = connection.execute("PRAGMA quick_check").fetchone()
    except sqlite3.DatabaseError:
        raise BackupError("the backup is not a SQLite database") from None
    if not result or result[0] != "ok":
        raise BackupError("the backup failed SQLite's integrity check")
