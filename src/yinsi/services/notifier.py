"""Routes each message to the sender for its channel (SMS and push through a gateway, e-mail over SMTP).

Messages are sent only after the transaction that caused them commits, so a
rolled-back login never sends a code, and a slow gateway never holds a lock.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping

from yinsi.core.ports import DeliveryFailed, Message, MessageSender

log = logging.getLogger(__name__)


class Notifier:
    def __init__(self, senders: Mapping[str, MessageSender], fallback: MessageSender) -> None:
        self._senders = dict(senders)
        self._fallback = fallback

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
            return self.sender_for(message.channel).send(message)
        except DeliveryFailed as exc:
            log.warning("delivery on channel %s failed: %s", message.channel, exc)
            return None
        except Exception as exc:
            # Sending happens after a commit: a broken sender must not turn a done request into an error,
            # nor stop the messages after it. Its text may quote the recipient, so only its type is logged.
            log.error("the sender for channel %s failed (%s)", message.channel, type(exc).__name__)
            return None
