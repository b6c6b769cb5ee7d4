"""argon2id for people's and staff passwords, in one place.

Hashing and verifying are deliberately slow (some 100 ms). Callers do them
outside any write transaction: on SQLite the write lock is the whole
database's, and every vault read appends an audit event under it.
"""

from __future__ import annotations

import secrets
from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

__all__ = ["hash_password", "verify_password"]

_hasher = PasswordHasher()  # argon2id with the library's recommended parameters


def hash_password(password: str) -> str:
    return _hasher.hash(password)


@cache
def _dummy_hash() -> str:
    """A hash to verify against when there is no account, so a miss takes as long as a hit (made once, lazily:
    most commands never need it)."""
    return _hasher.hash(secrets.token_urlsafe(16))


def verify_password(stored: str | None, password: str) -> bool:
    """Whether ``password`` matches ``stored``; as slow when there is no stored hash, so timing tells nothing."""
    try:
        return _hasher.verify(stored or _dummy_hash(), password) and stored is not None
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False
