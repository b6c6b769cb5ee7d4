"""Signatures in the Standard Webhooks scheme (standardwebhooks.com), so receivers can use its libraries.

A secret is ``whsec_`` followed by the base64 of a random key. Each delivery
carries ``webhook-id`` (the event's id, the same on every retry, so a
receiver can drop repeats), ``webhook-timestamp`` (Unix seconds, so a
receiver can refuse old replays) and ``webhook-signature``: ``v1,`` and the
base64 HMAC-SHA256 of ``{id}.{timestamp}.{body}`` under the key. Signing is
only this; it is written out here rather than taken from a library so that
the server needs nothing more than the standard library for it.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import secrets

PREFIX = "whsec_"
VERSION = "v1"
TOLERANCE_SECONDS = 5 * 60


class BadSecret(ValueError):
    """The secret is not ``whsec_`` and base64 (its text is never repeated: it is a secret)."""


def new_secret() -> str:
    return PREFIX + base64.b64encode(secrets.token_bytes(32)).decode()


def key_of(secret: str) -> bytes:
    encoded = secret.removeprefix(PREFIX)
    try:
        key = base64.b64decode(encoded, validate=True)
    except (binascii.Error, ValueError):
        raise BadSecret("the webhook secret must be whsec_ followed by base64") from None
    if len(key) < 16:
        raise BadSecret("the webhook secret's key must be at least 16 bytes")
    return key


def sign(secret: str, message_id: str, timestamp: int, body: bytes) -> str:
    """The ``webhook-signature`` header's value."""
    signed = f"{message_id}.{timestamp}.".encode() + body
    digest = hmac.new(key_of(secret), signed, hashlib.sha256).digest()
    return f"{VERSION},{base64.b64encode(digest).decode()}"


def verify(secret: str, message_id: str, timestamp: int, body: bytes, header: str, *, now: int) -> bool:
    """Whether one of the header's signatures is ours and the timestamp is recent (for receivers in Python)."""
    if abs(now - timestamp) > TOLERANCE_SECONDS:
        return False
    expected = sign(secret, message_id, timestamp, body)
    return any(hmac.compare_digest(expected, candidate) for candidate in header.split(" "))
