"""The ports: what the core and services need from the outside world, as Protocols.

Adapters implement them (``yinsi.adapters``); ``yinsi.bootstrap`` picks which.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol

from yinsi.core.sealing import MasterKey


class KeyProvider(Protocol):
    """Supplies master keys. The current key wraps new data keys; older ones still unwrap until rotated away."""

    def current(self) -> MasterKey:
        """The key new wrappings use."""
        ...

    def get(self, key_id: str) -> MasterKey:
        """A key by id; raises KeyError when the provider no longer has it."""
        ...

    def ids(self) -> Sequence[str]: ...

    def describe(self) -> str:
        """One line for operators: where the keys come from (never the keys)."""
        ...


class Clock(Protocol):
    def now(self) -> datetime:
        """An aware UTC datetime."""
        ...


@dataclass(frozen=True, slots=True)
class Message:
    """Something to tell a person. ``body`` may hold a one-time code: senders must never log it."""

    channel: str  # sms | email | push | console
    to: str
    subject: str
    body: str
    tags: dict[str, str] = field(default_factory=dict)

    def __repr__(self) -> str:
        return f"Message(channel={self.channel!r}, subject={self.subject!r})"


class MessageSender(Protocol):
    """Delivers messages on one channel (console outbox, SMTP e-mail, an HTTP webhook to an SMS gateway)."""

    def send(self, message: Message) -> str:
        """Delivers and returns a delivery reference; raises DeliveryFailed on failure."""
        ...


class DeliveryFailed(Exception):
    """A message could not be delivered; the text names the channel and reason, never the content."""


class LoginReleaser(Protocol):
    """Tells a third-party login provider (WeChat, Weibo, QQ) that an account linked to it was cancelled, so
    the authorisation it gave the operator ends there too (seed 000: 第三方账号登录的注销)."""

    def release(self, provider: str, identifier: str, reference: str) -> str:
        """Delivers the release of ``identifier`` (the provider's id for the person) and returns a delivery
        reference; raises DeliveryFailed. ``reference`` is the same on every retry, so repeats can be dropped."""
        ...
