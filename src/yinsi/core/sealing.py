"""Sealing PI values, wrapping keys, blind indexes and audit MACs.

All of it is AES-256-GCM and HMAC-SHA-256 from the ``cryptography`` package;
nothing here is home-made cryptography. What *is* ours is what each
ciphertext is bound to (the associated data), so a sealed value cannot be
moved to another subject or field, and a wrapped key cannot be swapped for
another subject's:

- a value: ``yinsi/v1/value | subject | field | key version``
- a subject's blob (an export): ``yinsi/v1/blob | subject | label | key version``
- a data key: ``yinsi/v1/data-key | subject | key version | master key id``
- a secret: ``yinsi/v1/secret | name | master key id``

Layout of every sealed blob: 12-byte random nonce, then ciphertext and tag.
"""

from __future__ import annotations

import hashlib
import hmac
import os
from dataclasses import dataclass

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

KEY_BYTES = 32
NONCE_BYTES = 12


class SealError(Exception):
    """A sealed blob does not open: wrong key, wrong binding, or tampered bytes."""


@dataclass(frozen=True, slots=True, repr=False)
class MasterKey:
    """A key-encryption key from a key provider; ``repr`` never shows the bytes."""

    id: str
    material: bytes

    def __post_init__(self) -> None:
        if len(self.material) != KEY_BYTES:
            raise ValueError("a master key must be 32 bytes (AES-256)")

    def __repr__(self) -> str:
        return f"MasterKey(id={self.id!r})"


def new_key() -> bytes:
    return os.urandom(KEY_BYTES)


def _ad(*parts: str | int) -> bytes:
    return "|".join(str(p) for p in parts).encode()


def _seal(key: bytes, plaintext: bytes, associated: bytes) -> bytes:
    nonce = os.urandom(NONCE_BYTES)
    return nonce + AESGCM(key).encrypt(nonce, plaintext, associated)


def _open(key: bytes, blob: bytes, associated: bytes) -> bytes:
    if len(blob) < NONCE_BYTES + 16:
        raise SealError("sealed data is too short")
    try:
        return AESGCM(key).decrypt(blob[:NONCE_BYTES], blob[NONCE_BYTES:], associated)
    except InvalidTag as exc:
        raise SealError("sealed data does not open with this key and binding") from exc


def seal_value(data_key: bytes, subject_id: str, field: str, key_version: int, value: str) -> bytes:
    return _seal(data_key, value.encode(), _ad("yinsi/v1/value", subject_id, field, key_version))


def open_value(data_key: bytes, subject_id: str, field: str, key_version: int, blob: bytes) -> str:
    return _open(data_key, blob, _ad("yinsi/v1/value", subject_id, field, key_version)).decode()


def seal_blob(data_key: bytes, subject_id: str, label: str, key_version: int, data: bytes) -> bytes:
    """Seals bytes that belong to a subject (an export) under its key, bound apart from its values: a field
    may be named like a label, and a sealed export must never open as that field's value, nor the reverse."""
    return _seal(data_key, data, _ad("yinsi/v1/blob", subject_id, label, key_version))


def open_blob(data_key: bytes, subject_id: str, label: str, key_version: int, blob: bytes) -> bytes:
    return _open(data_key, blob, _ad("yinsi/v1/blob", subject_id, label, key_version))


def wrap_data_key(master: MasterKey, subject_id: str, version: int, data_key: bytes) -> bytes:
    return _seal(master.material, data_key, _ad("yinsi/v1/data-key", subject_id, version, master.id))


def unwrap_data_key(master: MasterKey, subject_id: str, version: int, wrapped: bytes) -> bytes:
    return _open(master.material, wrapped, _ad("yinsi/v1/data-key", subject_id, version, master.id))


def wrap_secret(master: MasterKey, name: str, secret: bytes) -> bytes:
    return _seal(master.material, secret, _ad("yinsi/v1/secret", name, master.id))


def unwrap_secret(master: MasterKey, name: str, wrapped: bytes) -> bytes:
    return _open(master.material, wrapped, _ad("yinsi/v1/secret", name, master.id))


def seal_with_secret(secret: bytes, purpose: str, plaintext: bytes) -> bytes:
    """Seals process-level data (an outbox message, a TOTP seed) under a named secret."""
    return _seal(secret, plaintext, _ad("yinsi/v1/sealed", purpose))


def open_with_secret(secret: bytes, purpose: str, blob: bytes) -> bytes:
    return _open(secret, blob, _ad("yinsi/v1/sealed", purpose))


def blind_digest(index_key: bytes, field: str, normalised: str) -> bytes:
    """HMAC of a normalised value, per field, so equal phone numbers in two fields do not correlate."""
    return hmac.new(index_key, f"{field}\x00{normalised}".encode(), hashlib.sha256).digest()


def external_login_digest(index_key: bytes, provider: str, identifier: str) -> bytes:
    """The blind index of a third-party login's id (a WeChat OpenID, an Alipay user id), per provider."""
    return blind_digest(index_key, f"external_login.{provider}", identifier)


def chain_mac(audit_key: bytes, previous: bytes, body: str) -> bytes:
    """The MAC of one audit link: keyed, so nobody without the key can rewrite the chain consistently."""
    return hmac.new(audit_key, previous + body.encode(), hashlib.sha256).digest()


def secret_digest(secret: str) -> bytes:
    """Digest of a high-entropy token (an API key or a session token) for storage and constant-time lookup."""
    return hashlib.sha256(secret.encode()).digest()
