"""Master keys given in the environment (YINSI_MASTER_KEY), for several machines sharing one keystore.

Format: ``ID:BASE64[,ID:BASE64...]``; the first key is current, the others
still unwrap. To rotate, put a new key first, run ``yinsi keys rotate``, then
drop the old one.
"""

from __future__ import annotations

import base64
from collections.abc import Sequence

from yinsi.core.sealing import KEY_BYTES, MasterKey


class EnvKeyError(ValueError):
    """The environment's key list is malformed; the text never contains key material."""


class EnvKeyProvider:
    def __init__(self, spec: str) -> None:
        self._keys: dict[str, MasterKey] = {}
        for position, item in enumerate(part.strip() for part in spec.split(",") if part.strip()):
            key_id, sep, encoded = item.partition(":")
            if not sep or not key_id:
                raise EnvKeyError(f"YINSI_MASTER_KEY entry {position + 1} is not ID:BASE64")
            try:
                material = base64.b64decode(encoded, validate=True)
            except ValueError:
                raise EnvKeyError(f"YINSI_MASTER_KEY entry {position + 1} ({key_id}) is not base64") from None
            if len(material) != KEY_BYTES:
                raise EnvKeyError(f"YINSI_MASTER_KEY entry {position + 1} ({key_id}) is not 32 bytes")
            self._keys[key_id] = MasterKey(key_id, material)
        if not self._keys:
            raise EnvKeyError("YINSI_MASTER_KEY holds no key")
        self._current = next(iter(self._keys))

    def describe(self) -> str:
        return f"environment YINSI_MASTER_KEY ({len(self._keys)} key(s), current {self._current})"

    def current(self) -> MasterKey:
        return self._keys[self._current]

    def get(self, key_id: str) -> MasterKey:
        return self._keys[key_id]

    def ids(self) -> Sequence[str]:
        return list(self._keys)
