"""Master keys in a local file: the default, for one machine only.

The file is created on first run with mode 0600 and holds every master key
still needed to unwrap a data key, with the current one marked. It must never
be backed up together with the data store. For more than one machine, give
the keys in the environment (``EnvKeyProvider``) or put a KMS behind the same
port.
"""

from __future__ import annotations

import base64
import json
import logging
import os
import secrets
from collections.abc import Sequence
from pathlib import Path

from yinsi.core.sealing import KEY_BYTES, MasterKey

log = logging.getLogger(__name__)


class KeyFileError(Exception):
    """The key file is unreadable, malformed or too open; the text says which, never the key."""


class LocalFileKeyProvider:
    """Follows the file: when ``yinsi keys rotate`` (another process) adds a key, every running process
    wraps new data keys under it and can unwrap what was re-wrapped, from its next call on."""

    def __init__(self, path: Path) -> None:
        self._path = path
        self._keys: dict[str, MasterKey] = {}
        self._current = ""
        self._stamp: tuple[int, int] | None = None
        self._load_or_create()

    def describe(self) -> str:
        return f"local key file {self._path} (one machine only; keep it out of data backups)"

    def current(self) -> MasterKey:
        self._follow()
        return self._keys[self._current]

    def get(self, key_id: str) -> MasterKey:
        if key_id not in self._keys:
            self._follow(force=True)
        return self._keys[key_id]

    def ids(self) -> Sequence[str]:
        self._follow()
        return list(self._keys)

    def _follow(self, *, force: bool = False) -> None:
        """Reloads the file if another process changed it (one stat per call; keys are read only on change)."""
        try:
            info = self._path.stat()
        except OSError:
            return
        stamp = (info.st_mtime_ns, info.st_size)
        if force or stamp != self._stamp:
            self._load()

    def add_new_current(self) -> MasterKey:
        """Creates a new master key and makes it current; old keys stay until ``retire``."""
        if self._path.exists():
            self._follow(force=True)  # never write back a stale set of keys
        key = MasterKey(f"mk-{secrets.token_hex(4)}", os.urandom(KEY_BYTES))
        self._keys[key.id] = key
        self._current = key.id
        self._save()
        return key

    def retire(self, keep: Sequence[str]) -> list[str]:
        """Forgets every key not in ``keep`` (after a rotation re-wrapped everything); returns those dropped."""
        self._follow(force=True)
        dropped = [k for k in self._keys if k not in keep and k != self._current]
        for key_id in dropped:
            del self._keys[key_id]
        self._save()
        return dropped

    def _load_or_create(self) -> None:
        if not self._path.exists():
            self._path.parent.mkdir(parents=True, exist_ok=True)
            log.warning("creating a new local master key file at %s (one machine only)", self._path)
            self.add_new_current()
            return
        self._load()

    def _load(self) -> None:
        info = self._path.stat()
        mode = info.st_mode & 0o777
        if mode & 0o077:
            raise KeyFileError(f"{self._path} is readable by others (mode {mode:o}); run: chmod 600 {self._path}")
        try:
            doc = json.loads(self._path.read_text())
            self._keys = {k: MasterKey(k, base64.b64decode(v, validate=True)) for k, v in doc["keys"].items()}
            self._current = doc["current"]
        except (OSError, ValueError, KeyError, TypeError) as exc:
            raise KeyFileError(f"{self._path} is not a valid yinsi key file ({type(exc).__name__})") from None
        if self._current not in self._keys:
            raise KeyFileError(f"{self._path} names a current key it does not hold")
        self._stamp = (info.st_mtime_ns, info.st_size)

    def _save(self) -> None:
        doc = {
            "current": self._current,
            "keys": {k: base64.b64encode(v.material).decode() for k, v in self._keys.items()},
        }
        tmp = self._path.with_suffix(".tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as handle:
            json.dump(doc, handle)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, self._path)
        info = self._path.stat()
        self._stamp = (info.st_mtime_ns, info.st_size)
