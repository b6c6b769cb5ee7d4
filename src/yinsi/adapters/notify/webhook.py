"""SMS and push through an operator's HTTP gateway.

Chinese SMS providers each have their own API and signing scheme, so yinsi
speaks one small JSON protocol and the operator's gateway translates. The
gateway must be able to trust and deduplicate what it receives: each send
carries an ``Idempotency-Key`` that stays the same across retries, and, with
a shared secret, an HMAC of the exact bytes sent. Gateways often echo the
request in error bodies, so a response body is never read into an error.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import time
import uuid
from collections.abc import Callable
from types import TracebackType

import httpx

from yinsi.core.ports import DeliveryFailed, Message, MessageSender

log = logging.getLogger(__name__)

SIGNATURE_HEADER = "X-Yinsi-Signature"
TIMESTAMP_HEADER = "X-Yinsi-Timestamp"
IDEMPOTENCY_HEADER = "Idempotency-Key"
_MAX_REFERENCE = 200


def sign(secret: bytes, body: bytes) -> str:
    """The signature header's value, exposed so a gateway written in Python can verify with the same code."""
    return "sha256=" + hmac.new(secret, body, hashlib.sha256).hexdigest()


def _retryable(status: int) -> bool:
    # 429 is the gateway asking to slow down, which a short backoff does.
    return status >= 500 or status == 429


def _transport_reason(exc: httpx.TransportError) -> str:
    if isinstance(exc, httpx.ConnectTimeout):
        return "connecting to the webhook timed out"
    if isinstance(exc, httpx.TimeoutException):
        return "the webhook did not answer in time"
    if isinstance(exc, httpx.ConnectError):
        return "could not connect to the webhook"
    if isinstance(exc, httpx.RemoteProtocolError):
        return "the webhook closed the connection without a valid answer"
    return f"the webhook request failed ({type(exc).__name__})"


class WebhookMessageSender:
    """Retries server errors and broken connections with the same idempotency key, so a gateway can drop repeats."""

    def __init__(
        self,
        url: str,
        *,
        secret: bytes | None = None,
        timeout: float = 10.0,
        client: httpx.Client | None = None,
        retries: int = 3,
        backoff: float = 0.5,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        try:
            parsed = httpx.URL(url)
        except (httpx.InvalidURL, TypeError, ValueError):
            raise ValueError("the webhook URL is not a valid URL") from None
        # The URL may carry a gateway token, so errors describe it without quoting it.
        if parsed.scheme not in ("http", "https") or not parsed.host:
            raise ValueError("the webhook URL must be an http:// or https:// URL with a host")
        if secret is not None and not secret:
            raise ValueError("the webhook signing secret is empty")
        if timeout <= 0 or retries < 0 or backoff < 0:
            raise ValueError("timeout must be positive, retries and backoff not negative")
        self._url = parsed
        self._secret = secret
        self._timeout = timeout
        self._retries = retries
        self._backoff = backoff
        self._sleep = sleep
        self._owns_client = client is None
        self._client = client if client is not None else httpx.Client(timeout=timeout, follow_redirects=False)

    def __repr__(self) -> str:
        return f"WebhookMessageSender(host={self._url.host!r}, signed={self._secret is not None})"

    def close(self) -> None:
        """Closes the HTTP client only if this sender created it."""
        if self._owns_client:
            self._client.close()

    def __enter__(self) -> WebhookMessageSender:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, traceback: TracebackType | None
    ) -> None:
        self.close()

    def send(self, message: Message) -> str:
        key = str(uuid.uuid4())
        body = json.dumps(
            {
                "channel": message.channel,
                "to": message.to,
                "subject": message.subject,
                "body": message.body,
                "tags": dict(message.tags),
                "id": key,
            },
            ensure_ascii=False,
            separators=(",", ":"),
        ).encode()
        headers = {"Content-Type": "application/json", IDEMPOTENCY_HEADER: key}
        if self._secret is not None:
            headers[SIGNATURE_HEADER] = sign(self._secret, body)
        attempts = self._retries + 1
        reason = ""
        for attempt in range(1, attempts + 1):
            if attempt > 1:
                self._sleep(self._backoff * 2 ** (attempt - 2))
            if self._secret is not None:
                headers[TIMESTAMP_HEADER] = str(int(time.time()))
            try:
                response = self._client.post(
                    self._url, content=body, headers=headers, timeout=self._timeout, follow_redirects=False
                )
            except httpx.TransportError as exc:
                reason = _transport_reason(exc)
            else:
                status = response.status_code
                if 200 <= status < 300:
                    reference = _gateway_reference(response) or key
                    log.debug("%s message accepted by the webhook as %s (attempt %d)", message.channel, key, attempt)
                    return reference
                response.close()
                if not _retryable(status):
                    raise DeliveryFailed(f"{message.channel}: webhook answered {status}")
                reason = f"webhook answered {status}"
            if attempt < attempts:
                log.warning("%s: %s; retrying (attempt %d of %d)", message.channel, reason, attempt + 1, attempts)
        raise DeliveryFailed(f"{message.channel}: {reason} (after {attempts} attempts)")


def _gateway_reference(response: httpx.Response) -> str | None:
    """The gateway's own id when it gives one, so support can trace a message in the provider's console."""
    try:
        payload = response.json()
    except (ValueError, UnicodeDecodeError):
        return None
    if not isinstance(payload, dict):
        return None
    value = payload.get("id")
    if isinstance(value, bool) or not isinstance(value, str | int):
        return None
    reference = str(value).strip()
    if not reference or len(reference) > _MAX_REFERENCE or not reference.isprintable():
        return None
    return reference


class AddressedWebhookSender:
    """Delivers each message to the URL in its own ``to`` (a recipient's deletion endpoint from the spec).

    Anything that is not an http(s) URL (an e-mail address, a postal address) goes to ``fallback``, so a
    notice the operator must pass on by hand is still kept. One client per URL, reused.
    """

    def __init__(self, fallback: MessageSender, *, secret: bytes | None = None, timeout: float = 10.0) -> None:
        self._fallback = fallback
        self._secret = secret
        self._timeout = timeout
        self._senders: dict[str, WebhookMessageSender] = {}

    def send(self, message: Message) -> str:
        if not message.to.startswith(("https://", "http://")):
            return self._fallback.send(message)
        sender = self._senders.get(message.to)
        if sender is None:
            sender = WebhookMessageSender(message.to, secret=self._secret, timeout=self._timeout)
            self._senders[message.to] = sender
        return sender.send(message)

    def close(self) -> None:
        for sender in self._senders.values():
            sender.close()
        self._senders.clear()
