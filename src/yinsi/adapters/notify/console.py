"""The console outbox: development's stand-in for a real channel.

A developer still needs to read the login code a "sent" SMS carried, but a
plaintext outbox table would be a second, unaudited copy of every code and
phone number. So each message is sealed whole under the outbox secret
before it is stored, and only ``open_outbox_message`` (behind
``yinsi outbox``) turns it back into text.
"""

from __future__ import annotations

import json
import logging
import threading
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from yinsi.core.ports import DeliveryFailed, Message
from yinsi.core.sealing import KEY_BYTES, open_with_secret, seal_with_secret

log = logging.getLogger(__name__)

PURPOSE = "outbox"
_FORMAT = 1


class OutboxSink(Protocol):
    """Where sealed messages go; the database-backed sink and ``MemoryOutbox`` implement it."""

    def put(self, reference: str, channel: str, sealed: bytes, created_at: datetime) -> None: ...


class OutboxFormatError(ValueError):
    """A sealed outbox entry opened but is not a message this module wrote."""


def _check_secret(secret: bytes) -> None:
    if len(secret) != KEY_BYTES:
        raise ValueError(f"the outbox secret must be {KEY_BYTES} bytes")


def seal_outbox_message(secret: bytes, message: Message) -> bytes:
    """Seals every field, the channel included, so the stored blob alone says nothing but its length."""
    _check_secret(secret)
    payload = {
        "v": _FORMAT,
        "channel": message.channel,
        "to": message.to,
        "subject": message.subject,
        "body": message.body,
        "tags": dict(message.tags),
    }
    plaintext = json.dumps(payload, ensure_ascii=False, separators=(",", ":"), sort_keys=True).encode()
    return seal_with_secret(secret, PURPOSE, plaintext)


def open_outbox_message(secret: bytes, sealed: bytes) -> Message:
    """Raises ``SealError`` for a wrong secret or tampered bytes, ``OutboxFormatError`` for a foreign payload."""
    _check_secret(secret)
    plaintext = open_with_secret(secret, PURPOSE, sealed)
    try:
        payload = json.loads(plaintext)
    except ValueError:
        raise OutboxFormatError("the outbox entry is not JSON") from None
    if not isinstance(payload, dict) or payload.get("v") != _FORMAT:
        raise OutboxFormatError("the outbox entry has an unknown format")
    fields = {name: payload.get(name) for name in ("channel", "to", "subject", "body")}
    tags = payload.get("tags", {})
    if not all(isinstance(value, str) for value in fields.values()) or not (
        isinstance(tags, dict) and all(isinstance(k, str) and isinstance(v, str) for k, v in tags.items())
    ):
        raise OutboxFormatError("the outbox entry has fields of the wrong type")
    return Message(
        channel=str(fields["channel"]),
        to=str(fields["to"]),
        subject=str(fields["subject"]),
        body=str(fields["body"]),
        tags=dict(tags),
    )


class ConsoleMessageSender:
    """Accepts every channel: in development any message "delivered" is one a developer can read back."""

    def __init__(self, sink: OutboxSink, secret: bytes, clock: Callable[[], datetime]) -> None:
        _check_secret(secret)
        self._sink = sink
        self._secret = secret
        self._clock = clock

    def __repr__(self) -> str:
        return f"ConsoleMessageSender(sink={type(self._sink).__name__})"

    def send(self, message: Message) -> str:
        reference = f"outbox-{uuid.uuid4().hex}"
        sealed = seal_outbox_message(self._secret, message)
        try:
            self._sink.put(reference, message.channel, sealed, self._clock())
        except Exception as exc:
            # A database error's text can quote the statement's parameters; only its type is safe to pass on.
            raise DeliveryFailed(
                f"{message.channel}: the outbox could not store the message ({type(exc).__name__})"
            ) from None
        log.debug("%s message stored in the outbox as %s", message.channel, reference)
        return reference


@dataclass(frozen=True, slots=True)
class OutboxEntry:
    """One stored message; ``sealed`` is ciphertext, so the default repr is safe."""

    reference: str
    channel: str
    sealed: bytes
    created_at: datetime


class MemoryOutbox:
    """An outbox sink in memory, for tests and local scripts; safe to share between threads."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._entries: list[OutboxEntry] = []

    def put(self, reference: str, channel: str, sealed: bytes, created_at: datetime) -> None:
        with self._lock:
            self._entries.append(OutboxEntry(reference, channel, sealed, created_at))

    @property
    def entries(self) -> list[OutboxEntry]:
        """A snapshot, oldest first."""
        with self._lock:
            return list(self._entries)

    def get(self, reference: str) -> OutboxEntry:
        with self._lock:
            for entry in self._entries:
                if entry.reference == reference:
                    return entry
        raise KeyError(reference)

    def __len__(self) -> int:
        with self._lock:
            return len(self._entries)

    def __repr__(self) -> str:
        return f"MemoryOutbox({len(self)} entries)"
