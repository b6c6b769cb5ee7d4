"""Releasing third-party logins through a message channel: the operator's login gateway, or the outbox.

WeChat, Weibo and QQ each have their own API (and app credentials the operator
holds), so yinsi speaks the webhook protocol of ``webhook.py`` to one gateway
of the operator's (``YINSI_LOGIN_RELEASE_WEBHOOK_URL``), which calls the
provider. Without one, releases land in the console outbox (``yinsi outbox``)
for the operator to carry out, so none is lost in development.
"""

from __future__ import annotations

from yinsi.core.ports import Message, MessageSender

CHANNEL = "login_release"


class MessageLoginReleaser:
    """A ``LoginReleaser`` over any message sender; with a ``WebhookMessageSender`` it is the webhook adapter."""

    def __init__(self, sender: MessageSender) -> None:
        self._sender = sender

    def release(self, provider: str, identifier: str, reference: str) -> str:
        return self._sender.send(
            Message(
                channel=CHANNEL,
                to=identifier,
                subject=f"release {provider} login",
                body="账号已注销：请解除该第三方账号对本应用的登录授权。The account was cancelled: end this login's "
                "authorisation for the app.",
                tags={"kind": CHANNEL, "provider": provider, "release": reference},
            )
        )
