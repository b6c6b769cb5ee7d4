"""The key ring: creating, unwrapping, rotating and destroying keys.

Per-subject data keys are wrapped by the key provider's master key and stored
in the keystore. Process-wide secrets (the blind-index key, the audit MAC key,
the outbox key, the code-hashing key) are wrapped the same way, so rotating
the master key re-wraps everything without re-encrypting a single value and
without changing any blind index.

The only cache is of *unwrapped* keys, looked up by the wrapped bytes. A
caller can only present wrapped bytes it has just read from the keystore in
the same query as the values, so once a key row is deleted (shredded) its
cache entry is unreachable in every process; ``forget`` also drops it here.
"""

from __future__ import annotations

import logging
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from threading import Lock

from sqlalchemy import Connection, Engine, bindparam, delete, insert, select, update

from yinsi.adapters.db.engine import writer
from yinsi.adapters.db.rows import DataKeyRow, SecretRow, table_of
from yinsi.adapters.db.statements import strict_insert
from yinsi.config import StartupError
from yinsi.core.ports import KeyProvider
from yinsi.core.sealing import (
    MasterKey,
    new_key,
    unwrap_data_key,
    unwrap_secret,
    wrap_data_key,
    wrap_secret,
)

log = logging.getLogger(__name__)
_keys = table_of(DataKeyRow)
_secrets = table_of(SecretRow)

SECRET_NAMES = ("index", "audit", "outbox", "codes")

_INSERT_KEY = strict_insert(_keys, "subject_id", "version", "wrapped", "master_key_id", "created_at")
_SELECT_KEY = select(_keys.c.version, _keys.c.wrapped, _keys.c.master_key_id).where(
    _keys.c.subject_id == bindparam("subject_id")
)
_WRAPPED_KEY = select(_keys.c.wrapped).where(_keys.c.subject_id == bindparam("subject_id"))
_DELETE_KEY = delete(_keys).where(_keys.c.subject_id == bindparam("subject_id"))
CACHE_SIZE = 4096


@dataclass(frozen=True, slots=True)
class RotationReport:
    new_master_key: str
    data_keys: int
    secrets: int


class KeyRing:
    def __init__(self, provider: KeyProvider) -> None:
        self.provider = provider
        self._secrets: dict[str, bytes] = {}
        self._cache: OrderedDict[bytes, bytes] = OrderedDict()
        self._lock = Lock()

    # ------------------------------------------------------------------ secrets

    def load_secrets(self, engine: Engine, now: datetime) -> None:
        """Unwraps every process-wide secret, creating those that do not exist yet (first run)."""
        with writer(engine) as connection, connection.begin():
            rows = {r.name: r for r in connection.execute(select(_secrets)).all()}
            for name in SECRET_NAMES:
                row = rows.get(name)
                if row is None:
                    secret = new_key()
                    master = self.provider.current()
                    connection.execute(
                        insert(_secrets).values(
                            name=name,
                            wrapped=wrap_secret(master, name, secret),
                            master_key_id=master.id,
                            created_at=now,
                        )
                    )
                else:
                    secret = unwrap_secret(self._master(row.master_key_id), name, bytes(row.wrapped))
                self._secrets[name] = secret

    def secret(self, name: str) -> bytes:
        return self._secrets[name]

    # ------------------------------------------------------------------ data keys

    def create_data_key(self, connection: Connection, subject_id: str, now: datetime) -> tuple[bytes, int]:
        key, version = new_key(), 1
        master = self.provider.current()
        connection.execute(
            _INSERT_KEY,
            {
                "subject_id": subject_id,
                "version": version,
                "wrapped": wrap_data_key(master, subject_id, version, key),
                "master_key_id": master.id,
                "created_at": now,
            },
        )
        return key, version

    def create_data_keys(
        self, connection: Connection, subjects: list[str], now: datetime
    ) -> dict[str, tuple[bytes, int]]:
        """``create_data_key`` for many subjects in one statement (loading data in bulk)."""
        master = self.provider.current()
        keys = {subject: new_key() for subject in subjects}
        connection.execute(
            _INSERT_KEY,
            [
                {
                    "subject_id": subject,
                    "version": 1,
                    "wrapped": wrap_data_key(master, subject, 1, key),
                    "master_key_id": master.id,
                    "created_at": now,
                }
                for subject, key in keys.items()
            ],
        )
        return {subject: (key, 1) for subject, key in keys.items()}

    def unwrap(self, subject_id: str, version: int, wrapped: bytes, master_key_id: str) -> bytes:
        with self._lock:
            cached = self._cache.get(wrapped)
            if cached is not None:
                self._cache.move_to_end(wrapped)
                return cached
        key = unwrap_data_key(self._master(master_key_id), subject_id, version, wrapped)
        with self._lock:
            self._cache[wrapped] = key
            if len(self._cache) > CACHE_SIZE:
                self._cache.popitem(last=False)
        return key

    def data_key(self, connection: Connection, subject_id: str) -> tuple[bytes, int] | None:
        row = connection.execute(_SELECT_KEY, {"subject_id": subject_id}).first()
        if row is None:
            return None
        return self.unwrap(subject_id, int(row.version), bytes(row.wrapped), row.master_key_id), int(row.version)

    def destroy(self, connection: Connection, subject_id: str) -> bool:
        """Deletes the subject's wrapped key: every value sealed under it is unreadable from now on."""
        wrapped = connection.execute(_WRAPPED_KEY, {"subject_id": subject_id}).scalar()
        deleted = connection.execute(_DELETE_KEY, {"subject_id": subject_id}).rowcount
        if wrapped is not None:
            self.forget(bytes(wrapped))
        return bool(deleted)

    def forget(self, wrapped: bytes) -> None:
        with self._lock:
            self._cache.pop(wrapped, None)

    def clear_cache(self) -> None:
        with self._lock:
            self._cache.clear()

    # ------------------------------------------------------------------ rotation

    def rotate(
        self, engine: Engine, new_master: MasterKey, *, batch: int = 500, progress: Callable[[int], None] | None = None
    ) -> RotationReport:
        """Re-wraps every data key and secret under ``new_master``, in small transactions.

        Values are not re-encrypted and blind indexes do not change. Readers keep
        working throughout: each wrapped key names its master key, and both the
        old and the new master key are available until the rotation ends.
        """
        done = 0
        # Keep going until nothing is left under an older key: that also re-wraps a key another process
        # created while this rotation ran (it may have read the old current key just before the switch).
        for _ in range(1000):
            with writer(engine) as connection, connection.begin():
                rows = connection.execute(
                    select(_keys.c.subject_id, _keys.c.version, _keys.c.wrapped, _keys.c.master_key_id)
                    .where(_keys.c.master_key_id != new_master.id)
                    .order_by(_keys.c.subject_id)
                    .limit(batch)
                    .with_for_update()
                ).all()
                for row in rows:
                    key = unwrap_data_key(self._master(row.master_key_id), row.subject_id, row.version, row.wrapped)
                    connection.execute(
                        update(_keys)
                        .where(_keys.c.subject_id == row.subject_id, _keys.c.master_key_id == row.master_key_id)
                        .values(
                            wrapped=wrap_data_key(new_master, row.subject_id, row.version, key),
                            master_key_id=new_master.id,
                        )
                    )
                    done += 1
            if progress is not None:
                progress(len(rows))
            if not rows:
                break
        secrets_done = 0
        with writer(engine) as connection, connection.begin():
            for row in connection.execute(select(_secrets).with_for_update()).all():
                if row.master_key_id == new_master.id:
                    continue
                secret = unwrap_secret(self._master(row.master_key_id), row.name, bytes(row.wrapped))
                connection.execute(
                    update(_secrets)
                    .where(_secrets.c.name == row.name)
                    .values(wrapped=wrap_secret(new_master, row.name, secret), master_key_id=new_master.id)
                )
                secrets_done += 1
        self.clear_cache()
        log.info("rotation re-wrapped %d data keys and %d secrets under %s", done, secrets_done, new_master.id)
        return RotationReport(new_master.id, done, secrets_done)

    def master_ids_in_use(self, engine: Engine) -> set[str]:
        with engine.connect() as connection:
            used = set(connection.execute(select(_keys.c.master_key_id).distinct()).scalars())
            used |= set(connection.execute(select(_secrets.c.master_key_id).distinct()).scalars())
        return used

    def _master(self, key_id: str) -> MasterKey:
        current = self.provider.current()
        if key_id == current.id:
            return current
        try:
            return self.provider.get(key_id)
        except KeyError:
            raise MissingMasterKey(key_id) from None


class MissingMasterKey(StartupError):
    """A wrapped key names a master key the provider no longer has (a ``StartupError``: a command that meets
    it says so in one sentence and exits 1)."""

    def __init__(self, key_id: str) -> None:
        super().__init__(
            f"the keystore holds keys wrapped by master key {key_id}, which is not available here; put the key "
            "file that holds it in place (YINSI_MASTER_KEY_FILE, or master.key in the data directory) or add it "
            "to YINSI_MASTER_KEY"
        )
        self.key_id = key_id
