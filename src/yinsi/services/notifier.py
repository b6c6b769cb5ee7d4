"""Routes each message to the sender for its channel (SMS and push through a gateway, e-mail over SMTP).

Messages are sent only after the transaction that caused them commits, so a
rolled-back login never sends a code, and a slow gateway never holds a lock.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from dataclasses import replace

from yinsi.core.ports import DeliveryFailed, Message, MessageSender

log = logging.getLogger(__name__)


SMS = "sms"


def signed(body: str, signature: str) -> str:
    """``body`` opening with 【signature】, as carriers require of every Chinese SMS (once, however often it
    passes through here)."""
    prefix = f"【{signature}】"
    return body if body.startswith(prefix) else prefix + body


class Notifier:
    """The one way out for every message; every SMS is signed here, so no notice can forget its signature."""

    def __init__(
        self, senders: Mapping[str, MessageSender], fallback: MessageSender, *, sms_signature: Callable[[], str]
    ) -> None:
        self._senders = dict(senders)
        self._fallback = fallback
        # Read at each send: the signature of the policy in force (a new version applies at once).
        self._sms_signature = sms_signature

    def sender_for(self, channel: str) -> MessageSender:
        return self._senders.get(channel, self._fallback)

    def close(self) -> None:
        """Closes the senders that hold connections (webhook clients)."""
        for sender in {id(s): s for s in (*self._senders.values(), self._fallback)}.values():
            close = getattr(sender, "close", None)
            if callable(close):
                close()

    def send(self, message: Message) -> str | None:
        """Delivers or logs the failure (channel and reason only: never the recipient or the body)."""
        try:
            if message.channel == SMS:
                message = replace(message, body=signed(message.body, self._sms_signature()))
            return self.sender_for(message.channel).send(message)
        except DeliveryFailed as exc:
            log.warning("delivery on channel %s failed: %s", message.channel, exc)
            return None
        except Exception as exc:
            # Sending happens after a commit: a broken sender must not turn a done request into an error,
            # nor stop the messages after it. Its text may quote the recipient, so only its type is logged.
            log.error("the sender for channel %s failed (%s)", message.channel, type(exc).__name__)
            return None
