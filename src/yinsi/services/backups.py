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

import hashlib
import hmac
import json
import os
import shutil
import sqlite3
import subprocess
import tempfile
import zipfile
from collections.abc import Callable, Mapping, Sequence
from contextlib import closing
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from sqlalchemy import URL, Engine, Table, create_engine, delete, event, insert, make_url, select, text
from sqlalchemy.pool import NullPool

from yinsi.adapters.db.engine import writer
from yinsi.adapters.db.rows import (
    KEYSTORE_SCHEMA,
    AuditAnchorRow,
    AuditEventRow,
    DataKeyRow,
    KeystoreBase,
    SecretRow,
    TombstoneRow,
    table_of,
)
from yinsi.config import Settings
from yinsi.core.errors import BadRequest
from yinsi.core.i18n import Msg
from yinsi.core.ports import KeyProvider
from yinsi.core.sealing import MasterKey, SealError, chain_mac, unwrap_data_key, unwrap_secret
from yinsi.services.keyring import SECRET_NAMES

KEYSTORE_BACKUP_FORMAT = "yinsi-keystore-backup/2"
MANIFEST_SEAL_LABEL = b"yinsi/v1/keystore-backup-manifest"
_CHUNK = 2000

_keys = table_of(DataKeyRow)
_secrets = table_of(SecretRow)
_tombstones = table_of(TombstoneRow)
_anchor = table_of(AuditAnchorRow)
_events = table_of(AuditEventRow)
_KEYSTORE_TABLES = (_keys, _secrets, _tombstones, _anchor)
_REVISION = text(f"SELECT version_num FROM {KEYSTORE_SCHEMA}.alembic_version")  # noqa: S608 - a constant name
_FIRST_EVENT = select(_events.c.prev_hash, _events.c.body, _events.c.hash).order_by(_events.c.seq).limit(1)


class BackupError(Exception):
    """A backup or restore could not be done; the message says why (never a key or a PI value)."""


@dataclass(frozen=True, slots=True)
class KeystoreManifest:
    """What a keystore backup says of itself. Every field is under the seal (``_seal``)."""

    created_at: datetime
    expires_at: datetime
    backend: str
    revision: str  # the keystore's schema (Alembic revision)
    sealed_with: str  # the master key whose derived key seals the manifest
    payload_sha256: str  # of the keystore file in the archive

    def document(self) -> dict[str, str]:
        return {
            "format": KEYSTORE_BACKUP_FORMAT,
            "created_at": self.created_at.isoformat(),
            "expires_at": self.expires_at.isoformat(),
            "backend": self.backend,
            "revision": self.revision,
            "sealed_with": self.sealed_with,
            "payload_sha256": self.payload_sha256,
        }

    @classmethod
    def from_document(cls, doc: Mapping[str, object]) -> KeystoreManifest:
        """Raises ValueError, KeyError or TypeError on anything missing or malformed."""
        created, expires = (
            datetime.fromisoformat(str(doc["created_at"])),
            datetime.fromisoformat(str(doc["expires_at"])),
        )
        if created.tzinfo is None or expires.tzinfo is None:
            raise ValueError("naive time in the manifest")
        return cls(
            created,
            expires,
            str(doc["backend"]),
            str(doc["revision"]),
            str(doc["sealed_with"]),
            str(doc["payload_sha256"]),
        )


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
    tmp = destination.with_name(destination.name + ".partial")
    _private_file(tmp)
    with closing(sqlite3.connect(source)) as src, closing(sqlite3.connect(tmp)) as dst:
        src.backup(dst)
    os.replace(tmp, destination)


def _private_file(path: Path) -> None:
    """Creates ``path`` empty and readable by its owner only (0600, in a 0700 directory if it makes one),
    before SQLite or pg_dump writes into it: a backup is the operator's alone, whatever the umask."""
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    path.unlink(missing_ok=True)
    os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))


def _sqlite_restore_into(source: Path, live: Path) -> None:
    """Copies a backup into the live file through the backup API, so open connections see a whole database."""
    with sqlite3.connect(source) as src, sqlite3.connect(live, timeout=30) as dst:
        src.backup(dst)


def _backup_data_store(settings: Settings, engine: Engine, destination: Path) -> Path:
    if engine.dialect.name == "sqlite":
        _sqlite_copy(Path(make_url(engine.url).database or ""), destination)
    else:
        _private_file(destination)
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


def _restore_data_store(settings: Settings, engine: Engine, source: Path) -> None:
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


# ---------------------------------------------------------------------------------------------- keystore


def _backup_keystore(
    settings: Settings, engine: Engine, destination: Path, now: datetime, keys: KeyProvider
) -> KeystoreManifest:
    """Writes the keystore's rows (one consistent snapshot) into a ZIP whose manifest is sealed with an HMAC
    under a key derived from the current master key: its expiry cannot be pushed back by hand, and its
    keystore cannot be swapped for an older one. The file is created 0600 and appears whole or not at all."""
    master = keys.current()
    destination.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        inner = Path(tmp) / "keystore"
        revision = _dump_keystore(engine, inner)
        payload = inner.read_bytes()
    manifest = KeystoreManifest(
        now,
        now + timedelta(days=settings.keystore_backup_max_age_days),
        engine.dialect.name,
        revision,
        master.id,
        hashlib.sha256(payload).hexdigest(),
    )
    doc: dict[str, object] = {**manifest.document(), "seal": _seal(master, manifest)}
    partial = destination.with_name(destination.name + ".partial")
    partial.unlink(missing_ok=True)
    fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as handle:
        with zipfile.ZipFile(handle, "w", zipfile.ZIP_DEFLATED) as archive:
            archive.writestr("manifest.json", json.dumps(doc, sort_keys=True))
            archive.writestr("keystore", payload)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(partial, destination)
    return manifest


@dataclass(frozen=True, slots=True)
class KeystoreRestore:
    manifest: KeystoreManifest
    data_keys: int
    dropped: int  # keys in the backup of people the live keystore records as shredded: not brought back


def _restore_keystore(
    settings: Settings, engine: Engine, source: Path, now: datetime, keys: KeyProvider | None
) -> KeystoreRestore:
    """Checks the whole backup before touching anything, then replaces the live keystore in one transaction.

    Refused, with the live keystore untouched, unless: the file is a yinsi keystore backup whose seal holds
    (nothing in it was edited, and its keystore is the one it was made with), it has not expired, it is of
    this kind of database and schema, every wrapped key and secret in it opens with the master keys available
    (``keys``; None when there are none), and its audit key is the one this data store's audit trail was made
    with (another installation's keystore would leave every value unreadable). Shreds only move forward: the
    live tombstones stay, and no key of a person they name comes back.
    """
    manifest, seal, payload = _read_archive(source, now)
    keys = _check_seal(settings, keys, manifest, seal, payload)
    if manifest.backend != engine.dialect.name:
        raise BackupError(f"this backup is of a {manifest.backend} keystore, not {engine.dialect.name}")
    live_revision = _keystore_revision(engine)
    if manifest.revision != live_revision:
        raise BackupError(
            f"this keystore backup has schema {manifest.revision} and this keystore {live_revision}; "
            "restore it with the yinsi version that made it"
        )
    with tempfile.TemporaryDirectory() as tmp:
        inner = Path(tmp) / "keystore"
        inner.write_bytes(payload)
        _check_sqlite_file(inner)
        backup = _payload_engine(inner)
        try:
            audit_key = _open_everything(settings, backup, keys)
            _check_installation(engine, audit_key)
            restored, dropped = _replace_keystore(engine, backup)
        finally:
            backup.dispose()
    return KeystoreRestore(manifest, restored, dropped)


class StoreBackups:
    """Backups of the data store and of the keystore, and their restores: the store as a whole, so no unit of
    work. ``yinsi backup`` runs the backups through ``Administration``; ``bootstrap`` runs the restores, with
    the store held exclusively (and, for the keystore, before the live one is opened)."""

    def __init__(
        self, settings: Settings, engine: Engine, *, keys: KeyProvider | None, clock: Callable[[], datetime]
    ) -> None:
        self._settings = settings
        self._engine = engine
        self._keys = keys  # None while restoring a keystore without any master key at hand
        self._clock = clock

    def backup_data_store(self, *, destination: Path) -> Path:
        return _backup_data_store(self._settings, self._engine, destination)

    def restore_data_store(self, *, source: Path) -> None:
        _restore_data_store(self._settings, self._engine, source)

    def backup_keystore(self, *, destination: Path) -> KeystoreManifest:
        if self._keys is None:
            raise BackupError("no master key is available to seal the keystore backup with")
        return _backup_keystore(self._settings, self._engine, destination, self._clock(), self._keys)

    def restore_keystore(self, *, source: Path) -> KeystoreRestore:
        return _restore_keystore(self._settings, self._engine, source, self._clock(), self._keys)


def _read_archive(source: Path, now: datetime) -> tuple[KeystoreManifest, str, bytes]:
    """The manifest, its seal (not checked yet: that needs the master key it names) and the keystore bytes."""
    if not source.is_file():
        raise BackupError(f"there is no file {source}")
    try:
        with zipfile.ZipFile(source) as archive:
            doc = json.loads(archive.read("manifest.json"))
            if not isinstance(doc, dict):
                raise TypeError("manifest")
            if doc.get("format") == "yinsi-keystore-backup/1":
                raise BackupError(
                    "this keystore backup was made by an earlier yinsi, whose manifest is not sealed, so its "
                    "expiry cannot be trusted; take a new one with 'yinsi keys backup'"
                )
            if doc.get("format") != KEYSTORE_BACKUP_FORMAT:
                raise BackupError("this is not a yinsi keystore backup")
            manifest = KeystoreManifest.from_document(doc)
            # Refusing on an expiry nobody has vouched for yet is safe: it can only refuse, never accept.
            if manifest.expires_at <= now:
                raise BackupError(
                    f"this keystore backup expired on {manifest.expires_at:%Y-%m-%d %H:%M} UTC; an old keystore "
                    "could bring back keys that were shredded since, so it is not restored"
                )
            payload = archive.read("keystore")
            seal = str(doc["seal"])
    except (zipfile.BadZipFile, KeyError, ValueError, TypeError) as exc:
        raise BackupError(f"the keystore backup is damaged or incomplete ({type(exc).__name__})") from None
    return manifest, seal, payload


def _check_seal(
    settings: Settings, keys: KeyProvider | None, manifest: KeystoreManifest, seal: str, payload: bytes
) -> KeyProvider:
    """Refuses a manifest or keystore changed since the backup was made; returns the key provider that holds
    the sealing master key."""
    master = _master_or_none(keys, manifest.sealed_with)
    if keys is None or master is None:
        raise BackupError(_missing_masters(settings, keys, [manifest.sealed_with]))
    if not hmac.compare_digest(_seal(master, manifest), seal):
        raise BackupError(
            f"this keystore backup's manifest does not match its seal: it was edited after it was made (its "
            f"expiry, for instance), or it was made by another installation whose master key is also called "
            f"{manifest.sealed_with}; it is not restored, take a new backup"
        )
    if not hmac.compare_digest(hashlib.sha256(payload).hexdigest(), manifest.payload_sha256):
        raise BackupError(
            "this keystore backup's keystore is not the one its manifest was sealed with (it was replaced or "
            "damaged); it is not restored"
        )
    return keys


def _missing_masters(settings: Settings, keys: KeyProvider | None, needed: Sequence[str]) -> str:
    names = ", ".join(sorted(set(needed)))
    if keys is None:
        return (
            f"this keystore backup needs master key {names}, and no master key is available here: put the key "
            f"file that holds it at {settings.resolved_master_key_file} (mode 0600), or give it in "
            "YINSI_MASTER_KEY, then run the command again; nothing was changed"
        )
    available = ", ".join(keys.ids())
    return (
        f"this keystore backup needs master key {names}, which is not among the master keys available here "
        f"({available}): it was made by another installation, or before that key was retired; restore it with "
        "the key file (or YINSI_MASTER_KEY) that holds it; nothing was changed"
    )


def _master_or_none(keys: KeyProvider | None, key_id: str) -> MasterKey | None:
    if keys is None:
        return None
    try:
        return keys.get(key_id)
    except KeyError:
        return None


def _seal(master: MasterKey, manifest: KeystoreManifest) -> str:
    key = hmac.new(master.material, MANIFEST_SEAL_LABEL, hashlib.sha256).digest()
    body = json.dumps(manifest.document(), sort_keys=True, separators=(",", ":")).encode()
    return hmac.new(key, body, hashlib.sha256).hexdigest()


def _payload_engine(path: Path) -> Engine:
    """The backup's keystore, a SQLite file, attached as ``keystore`` so the keystore's tables read it as is."""
    engine = create_engine("sqlite://", poolclass=NullPool)

    @event.listens_for(engine, "connect")
    def _attach(dbapi_connection: sqlite3.Connection, _record: object) -> None:
        dbapi_connection.execute("ATTACH DATABASE ? AS keystore", (str(path),))

    return engine


def _keystore_revision(engine: Engine) -> str:
    with engine.connect() as connection:
        return str(connection.execute(_REVISION).scalar_one_or_none() or "none")


def _dump_keystore(engine: Engine, target: Path) -> str:
    """Copies every keystore row, as one snapshot, into a new SQLite file; returns the keystore's revision."""
    out = _payload_engine(target)
    try:
        KeystoreBase.metadata.create_all(out)  # a file format, not a live schema: no migrations needed
        source = engine.connect()
        if engine.dialect.name == "postgresql":
            source = source.execution_options(isolation_level="REPEATABLE READ")
        with source, source.begin(), out.begin() as sink:
            revision = str(source.execute(_REVISION).scalar_one())
            for table in _KEYSTORE_TABLES:
                result = source.execution_options(yield_per=_CHUNK).execute(select(table))
                for rows in result.partitions():
                    sink.execute(insert(table), [dict(row._mapping) for row in rows])
    finally:
        out.dispose()
    return revision


def _open_everything(settings: Settings, backup: Engine, keys: KeyProvider) -> bytes:
    """Unwraps every secret and every data key of the backup; returns its audit key. Refuses naming each
    master key it needs and does not have, or saying that keys do not open with the master key they name."""
    missing: set[str] = set()
    broken = 0
    secrets: dict[str, bytes] = {}
    with backup.connect() as connection:
        for row in connection.execute(select(_secrets)):
            master = _master_or_none(keys, row.master_key_id)
            if master is None:
                missing.add(row.master_key_id)
                continue
            try:
                secrets[row.name] = unwrap_secret(master, row.name, bytes(row.wrapped))
            except SealError:
                broken += 1
        result = connection.execution_options(yield_per=_CHUNK).execute(select(_keys))
        for rows in result.partitions():
            for row in rows:
                master = _master_or_none(keys, row.master_key_id)
                if master is None:
                    missing.add(row.master_key_id)
                    continue
                try:
                    unwrap_data_key(master, row.subject_id, row.version, bytes(row.wrapped))
                except SealError:
                    broken += 1
    if missing:
        raise BackupError(_missing_masters(settings, keys, sorted(missing)))
    if broken:
        raise BackupError(
            f"{broken} key(s) in this keystore backup do not open with the master key they name: it was made "
            "by another installation, or is damaged; nothing was changed"
        )
    absent = [name for name in SECRET_NAMES if name not in secrets]
    if absent:
        raise BackupError(f"this keystore backup lacks the {', '.join(absent)} secret(s): it is incomplete")
    return secrets["audit"]


def _check_installation(engine: Engine, audit_key: bytes) -> None:
    """This data store's audit trail was MACed with the installation's audit key, which never changes: the
    backup's must open its first event. (A data store with no event yet, a new one, has nothing to match.)"""
    with engine.connect() as connection:
        first = connection.execute(_FIRST_EVENT).first()
    if first is None:
        return
    if not hmac.compare_digest(chain_mac(audit_key, bytes(first.prev_hash), first.body), bytes(first.hash)):
        raise BackupError(
            "this keystore backup belongs to another yinsi installation: its audit key did not make this data "
            "store's audit trail, and its keys would open none of the values here; nothing was changed"
        )


def _replace_keystore(engine: Engine, backup: Engine) -> tuple[int, int]:
    """One transaction: the backup's keys and secrets replace the live ones; tombstones are merged (a shred
    is never undone, so the backup's key of anyone shredded since is left out); the newer audit anchor stays."""
    restored = dropped = 0
    with writer(engine) as live, live.begin(), backup.connect() as saved:
        if engine.dialect.name == "postgresql":
            live.execute(text(f"LOCK TABLE {', '.join(_qualified(t) for t in _KEYSTORE_TABLES)} IN EXCLUSIVE MODE"))
        shredded = set(live.execute(select(_tombstones.c.subject_id)).scalars())
        live.execute(delete(_keys))
        live.execute(delete(_secrets))
        live.execute(insert(_secrets), [dict(row._mapping) for row in saved.execute(select(_secrets))])
        result = saved.execution_options(yield_per=_CHUNK).execute(select(_keys))
        for rows in result.partitions():
            kept = [dict(row._mapping) for row in rows if row.subject_id not in shredded]
            dropped += len(rows) - len(kept)
            restored += len(kept)
            if kept:
                live.execute(insert(_keys), kept)
        for rows in saved.execution_options(yield_per=_CHUNK).execute(select(_tombstones)).partitions():
            new = [dict(row._mapping) for row in rows if row.subject_id not in shredded]
            if new:
                live.execute(insert(_tombstones), new)
        if live.execute(select(_anchor.c.id)).first() is None:
            anchors = [dict(row._mapping) for row in saved.execute(select(_anchor))]
            if anchors:
                live.execute(insert(_anchor), anchors)
    return restored, dropped


def _qualified(table: Table) -> str:
    return f"{table.schema}.{table.name}"


def _check_sqlite_file(path: Path) -> None:
    try:
        with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as connection:
            result = connection.execute("PRAGMA quick_check").fetchone()
    except sqlite3.DatabaseError:
        raise BackupError("the backup is not a SQLite database") from None
    if not result or result[0] != "ok":
        raise BackupError("the backup failed SQLite's integrity check")
