"""The message senders against real servers: an SMTP server (aiosmtpd) and an HTTP gateway, both on loopback.

One contract runs over every sender; the rest pins what each adapter adds
(encoding, retries, signatures, sealing) and that a one-time code or a
recipient never leaks into an error, a log record, or this suite's own
failure output (which is why deliveries compare through ``Delivery``,
whose repr shows digests only).
"""

from __future__ import annotations

import asyncio
import email.policy
import hashlib
import hmac
import json
import logging
import socket
import threading
import time
from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from email.message import EmailMessage
from email.parser import BytesParser
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller

from tests.conftest import ROOT
from yinsi.adapters.notify.console import ConsoleMessageSender, MemoryOutbox, open_outbox_message
from yinsi.adapters.notify.smtp import SmtpMessageSender
from yinsi.adapters.notify.webhook import WebhookMessageSender
from yinsi.core.ports import DeliveryFailed, Message, MessageSender
from yinsi.core.sealing import SealError
from yinsi.services.notifier import Notifier

CODE = "482913"
PHONE = "13800138000"
EMAIL = "zhang.wei@example.cn"
SUBJECT = "【隐私】登录验证码"
BODY = f"您的验证码是 {CODE}，5 分钟内有效。\n如非本人操作，请忽略本消息。"
TAGS = {"kind": "login_code"}
OUTBOX_SECRET = bytes(range(32))
WEBHOOK_SECRET = b"webhook-signing-secret-for-tests"
SENDER = "隐私平台 <noreply@yinsi.example>"
NOW = datetime(2025, 3, 14, 9, 26, 53, tzinfo=UTC)
TIMEOUT = 5.0

NEEDLES = {"the code": CODE, "the phone number": PHONE, "the e-mail address": EMAIL, "the mailbox name": "zhang.wei"}


def leaks(text: str) -> list[str]:
    """Names what leaked, never the value, so a failing assertion does not print PI either."""
    return [name for name, needle in NEEDLES.items() if needle in text]


def exception_leaks(exc: BaseException) -> list[str]:
    return leaks(f"{exc}\n{exc!r}\n{exc.args!r}")


class Delivery:
    """What arrived at the far end; equality on the values, a repr of digests only."""

    __slots__ = ("body", "subject", "to")

    def __init__(self, to: str, subject: str, body: str) -> None:
        self.to, self.subject, self.body = to, subject, body

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Delivery) and (self.to, self.subject, self.body) == (
            other.to,
            other.subject,
            other.body,
        )

    def __hash__(self) -> int:
        return hash((self.to, self.subject, self.body))

    def __repr__(self) -> str:
        def digest(value: str) -> str:
            return hashlib.sha256(value.encode()).hexdigest()[:8]

        return f"Delivery(to#{digest(self.to)}, subject#{digest(self.subject)}, body#{digest(self.body)})"


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


# --- an SMTP server -------------------------------------------------------------------------------


class RecordingSmtpHandler:
    def __init__(self) -> None:
        self.received: list[tuple[list[str], bytes]] = []
        self.reject_recipients = False

    async def handle_RCPT(self, server: Any, session: Any, envelope: Any, address: str, rcpt_options: list[str]) -> str:
        if self.reject_recipients:
            # Real servers quote the address back; the sender must not pass it on.
            return f"550 5.1.1 <{address}>: mailbox unavailable"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.received.append((list(envelope.rcpt_tos), bytes(envelope.original_content or envelope.content)))
        return "250 Message accepted for delivery"


class LoopbackController(Controller):
    """Binds port 0: aiosmtpd's controller would probe the configured port, so learn the real one first."""

    def _trigger_server(self) -> None:
        assert isinstance(self.server, asyncio.Server)
        self.port = self.server.sockets[0].getsockname()[1]
        super()._trigger_server()  # type: ignore[no-untyped-call]


@dataclass
class SmtpServer:
    handler: RecordingSmtpHandler
    port: int

    def sender(self) -> SmtpMessageSender:
        return SmtpMessageSender("127.0.0.1", self.port, SENDER, timeout=TIMEOUT, local_hostname="localhost")

    def parsed(self) -> list[tuple[list[str], EmailMessage]]:
        parser = BytesParser(policy=email.policy.default)
        return [(rcpt, parser.parsebytes(raw)) for rcpt, raw in self.handler.received]

    def deliveries(self) -> list[Delivery]:
        result = []
        for rcpt, mail in self.parsed():
            to = rcpt[0] if rcpt == [str(mail["To"])] else "<envelope and header disagree>"
            text = mail.get_content().replace("\r\n", "\n").removesuffix("\n")
            result.append(Delivery(to, str(mail["Subject"]), text))
        return result


@pytest.fixture
def smtp_server() -> Iterator[SmtpServer]:
    # aiosmtpd traces the protocol (RCPT TO and the DATA lines) at INFO and DEBUG; keep the far end's
    # trace out of this suite's captured logs, so even a failing test prints no address or code.
    server_log = logging.getLogger("mail.log")
    level = server_log.level
    server_log.setLevel(logging.WARNING)
    handler = RecordingSmtpHandler()
    controller = LoopbackController(
        handler, hostname="127.0.0.1", port=0, server_hostname="localhost", ready_timeout=20
    )
    try:
        controller.start()
        yield SmtpServer(handler, controller.port)
    finally:
        if controller._thread is not None:
            controller.stop()
        server_log.setLevel(level)


# --- an HTTP gateway ------------------------------------------------------------------------------


@dataclass(frozen=True)
class GatewayRequest:
    headers: dict[str, str]
    raw: bytes

    def __repr__(self) -> str:
        return f"GatewayRequest({len(self.raw)} bytes)"

    @property
    def json(self) -> dict[str, Any]:
        payload = json.loads(self.raw)
        assert isinstance(payload, dict)
        return payload


class Gateway:
    """A stand-in SMS gateway: answers from a script of statuses, 200 with an id once the script runs out."""

    def __init__(self) -> None:
        self.requests: list[GatewayRequest] = []
        self._script: deque[tuple[int, bytes | None]] = deque()
        self._lock = threading.Lock()
        gateway = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                raw = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                with gateway._lock:
                    gateway.requests.append(GatewayRequest({k.lower(): v for k, v in self.headers.items()}, raw))
                    number = len(gateway.requests)
                    status, reply = gateway._script.popleft() if gateway._script else (200, None)
                if reply is None:
                    # Success carries the gateway's id; errors echo the recipient, as real gateways do.
                    try:
                        recipient = json.loads(raw).get("to")
                    except ValueError:
                        recipient = None
                    payload = {"id": f"gw-{number}"} if status < 300 else {"error": "rejected", "to": recipient}
                    reply = json.dumps(payload).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(reply)))
                self.end_headers()
                self.wfile.write(reply)

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
        self._thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}/sms"

    def answer(self, *replies: int | tuple[int, bytes]) -> None:
        with self._lock:
            for reply in replies:
                self._script.append((reply, None) if isinstance(reply, int) else reply)

    def sender(self, **options: Any) -> WebhookMessageSender:
        options.setdefault("timeout", TIMEOUT)
        options.setdefault("backoff", 0)
        return WebhookMessageSender(self.url, **options)

    def deliveries(self) -> list[Delivery]:
        return [Delivery(r.json["to"], r.json["subject"], r.json["body"]) for r in self.requests]

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=10)


@pytest.fixture
def gateway() -> Iterator[Gateway]:
    server = Gateway()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def closing() -> Iterator[Callable[[WebhookMessageSender], WebhookMessageSender]]:
    """Closes every webhook sender a test makes, so no HTTP client outlives it."""
    senders: list[WebhookMessageSender] = []

    def track(sender: WebhookMessageSender) -> WebhookMessageSender:
        senders.append(sender)
        return sender

    yield track
    for sender in senders:
        sender.close()


# --- the contract, over every sender --------------------------------------------------------------


@dataclass
class Case:
    sender: MessageSender
    channel: str
    recipient: str
    deliveries: Callable[[], list[Delivery]]


@pytest.fixture(params=["console", "smtp", "webhook"])
def case(request: pytest.FixtureRequest, closing: Callable[[WebhookMessageSender], WebhookMessageSender]) -> Case:
    if request.param == "console":
        outbox = MemoryOutbox()

        def opened() -> list[Delivery]:
            messages = [open_outbox_message(OUTBOX_SECRET, entry.sealed) for entry in outbox.entries]
            return [Delivery(m.to, m.subject, m.body) for m in messages]

        return Case(ConsoleMessageSender(outbox, OUTBOX_SECRET, lambda: NOW), "sms", PHONE, opened)
    if request.param == "smtp":
        smtp: SmtpServer = request.getfixturevalue("smtp_server")
        return Case(smtp.sender(), "email", EMAIL, smtp.deliveries)
    gateway: Gateway = request.getfixturevalue("gateway")
    return Case(closing(gateway.sender(secret=WEBHOOK_SECRET)), "sms", PHONE, gateway.deliveries)


def test_a_sender_delivers_the_subject_and_body_to_the_recipient_and_can_send_again(case: Case) -> None:
    message = Message(case.channel, case.recipient, SUBJECT, BODY, dict(TAGS))

    first = case.sender.send(message)
    second = case.sender.send(message)

    assert isinstance(first, str)
    assert first.strip()
    assert isinstance(second, str)
    assert second.strip()
    assert first != second
    expected = Delivery(case.recipient, SUBJECT, BODY)
    assert case.deliveries() == [expected, expected]


# --- SMTP -----------------------------------------------------------------------------------------


def test_smtp_encodes_a_chinese_subject_and_body_and_returns_the_message_id(smtp_server: SmtpServer) -> None:
    reference = smtp_server.sender().send(Message("email", EMAIL, SUBJECT, BODY))

    ((_, raw),) = smtp_server.handler.received
    assert raw.isascii(), "headers should be RFC 2047 encoded and the body base64, so any relay carries them"
    assert CODE.encode() not in raw  # base64: a code is not readable on the wire in passing
    ((_, mail),) = smtp_server.parsed()
    assert mail["Message-ID"] == reference
    assert reference.startswith("<")
    assert reference.endswith("@yinsi.example>")
    assert mail.get_content_type() == "text/plain"
    assert mail.get_content_charset() == "utf-8"
    assert mail["From"].addresses[0].display_name == "隐私平台"
    assert mail["Date"] is not None


def test_smtp_down_fails_without_naming_the_recipient_or_the_code() -> None:
    sender = SmtpMessageSender("127.0.0.1", closed_port(), SENDER, timeout=TIMEOUT, local_hostname="localhost")

    with pytest.raises(DeliveryFailed) as caught:
        sender.send(Message("email", EMAIL, SUBJECT, BODY))

    assert "email" in str(caught.value)
    assert "refused the connection" in str(caught.value)
    assert not exception_leaks(caught.value)
    assert caught.value.__cause__ is None
    assert caught.value.__suppress_context__


def test_smtp_recipient_refused_fails_without_repeating_the_servers_reply(smtp_server: SmtpServer) -> None:
    smtp_server.handler.reject_recipients = True

    with pytest.raises(DeliveryFailed, match="refused the recipient") as caught:
        smtp_server.sender().send(Message("email", EMAIL, SUBJECT, BODY))

    assert not exception_leaks(caught.value)
    assert not smtp_server.handler.received


@pytest.mark.parametrize("channel", ["sms", "push", "console"])
def test_smtp_only_takes_email(channel: str) -> None:
    sender = SmtpMessageSender("127.0.0.1", closed_port(), SENDER, timeout=TIMEOUT)

    with pytest.raises(DeliveryFailed, match=f"^{channel}: ") as caught:
        sender.send(Message(channel, PHONE, SUBJECT, BODY))

    assert not exception_leaks(caught.value)


@pytest.mark.parametrize(
    "recipient", [f"{EMAIL}, other@example.cn", f"张伟 <{EMAIL}>", f"{EMAIL}\r\nBcc: x@example.cn", ""]
)
def test_smtp_refuses_anything_but_one_bare_address(recipient: str) -> None:
    sender = SmtpMessageSender("127.0.0.1", closed_port(), SENDER, timeout=TIMEOUT)

    with pytest.raises(DeliveryFailed, match="not a single e-mail address") as caught:
        sender.send(Message("email", recipient, SUBJECT, BODY))

    assert not exception_leaks(caught.value)


def test_smtp_configuration_mistakes_are_refused_at_construction() -> None:
    with pytest.raises(ValueError, match="not both"):
        SmtpMessageSender("smtp.example.cn", 465, SENDER, starttls=True, ssl=True)
    with pytest.raises(ValueError, match="starttls=True or ssl=True"):
        SmtpMessageSender("smtp.example.cn", 25, SENDER, username="u", password="p")
    with pytest.raises(ValueError, match="go together"):
        SmtpMessageSender("smtp.example.cn", 587, SENDER, username="u", starttls=True)
    with pytest.raises(ValueError, match="sender"):
        SmtpMessageSender("smtp.example.cn", 587, "noreply", starttls=True)


# --- the webhook ----------------------------------------------------------------------------------


@pytest.mark.parametrize("status", [503, 500, 429])
def test_webhook_retries_a_server_error_with_the_same_idempotency_key(
    gateway: Gateway, closing: Callable[[WebhookMessageSender], WebhookMessageSender], status: int
) -> None:
    gateway.answer(status)

    reference = closing(gateway.sender()).send(Message("sms", PHONE, SUBJECT, BODY))

    assert reference == "gw-2"
    first, second = gateway.requests
    assert first.headers["idempotency-key"] == second.headers["idempotency-key"] == second.json["id"]
    assert first.raw == second.raw


def test_webhook_400_fails_at_once_naming_the_status_and_not_the_echoed_recipient(
    gateway: Gateway, closing: Callable[[WebhookMessageSender], WebhookMessageSender]
) -> None:
    gateway.answer(400)

    with pytest.raises(DeliveryFailed, match=r"^sms: webhook answered 400$") as caught:
        closing(gateway.sender()).send(Message("sms", PHONE, SUBJECT, BODY))

    assert len(gateway.requests) == 1
    assert not exception_leaks(caught.value)


def test_webhook_gives_up_after_the_retries(
    gateway: Gateway, closing: Callable[[WebhookMessageSender], WebhookMessageSender]
) -> None:
    gateway.answer(503, 502, 500, 503, 200)

    with pytest.raises(DeliveryFailed, match=r"webhook answered 503 \(after 4 attempts\)"):
        closing(gateway.sender(retries=3)).send(Message("sms", PHONE, SUBJECT, BODY))

    assert len(gateway.requests) == 4


def test_webhook_down_fails_after_retrying_the_connection(
    closing: Callable[[WebhookMessageSender], WebhookMessageSender],
) -> None:
    sleeps: list[float] = []
    sender = closing(
        WebhookMessageSender(
            f"http://127.0.0.1:{closed_port()}/sms", timeout=TIMEOUT, retries=2, backoff=0.25, sleep=sleeps.append
        )
    )

    with pytest.raises(DeliveryFailed, match="could not connect to the webhook") as caught:
        sender.send(Message("sms", PHONE, SUBJECT, BODY))

    assert sleeps == [0.25, 0.5]
    assert not exception_leaks(caught.value)


def test_webhook_signature_verifies_with_the_shared_secret(
    gateway: Gateway, closing: Callable[[WebhookMessageSender], WebhookMessageSender]
) -> None:
    closing(gateway.sender(secret=WEBHOOK_SECRET)).send(Message("push", PHONE, SUBJECT, BODY, dict(TAGS)))

    (request,) = gateway.requests
    expected = "sha256=" + hmac.new(WEBHOOK_SECRET, request.raw, hashlib.sha256).hexdigest()
    assert hmac.compare_digest(request.headers["x-yinsi-signature"], expected)
    wrong = "sha256=" + hmac.new(b"another secret", request.raw, hashlib.sha256).hexdigest()
    assert not hmac.compare_digest(request.headers["x-yinsi-signature"], wrong)
    assert abs(int(request.headers["x-yinsi-timestamp"]) - time.time()) < 300
    assert request.headers["content-type"] == "application/json"
    assert request.headers["idempotency-key"] == request.json["id"]
    assert set(request.json) == {"channel", "to", "subject", "body", "tags", "id"}
    assert request.json["channel"] == "push"
    assert request.json["tags"] == TAGS


def test_webhook_without_a_secret_sends_no_signature(
    gateway: Gateway, closing: Callable[[WebhookMessageSender], WebhookMessageSender]
) -> None:
    closing(gateway.sender()).send(Message("sms", PHONE, SUBJECT, BODY))

    (request,) = gateway.requests
    assert "x-yinsi-signature" not in request.headers
    assert "x-yinsi-timestamp" not in request.headers


@pytest.mark.parametrize("reply", [(200, b"queued"), (202, b"{}"), (204, b""), (200, b'{"id": ""}')])
def test_webhook_reference_falls_back_to_the_idempotency_key(
    gateway: Gateway, closing: Callable[[WebhookMessageSender], WebhookMessageSender], reply: tuple[int, bytes]
) -> None:
    gateway.answer(reply)

    reference = closing(gateway.sender()).send(Message("sms", PHONE, SUBJECT, BODY))

    assert reference == gateway.requests[0].headers["idempotency-key"]


@pytest.mark.parametrize(
    "url", ["ftp://gateway.example.cn/sms", "file:///etc/passwd", "gateway.example.cn/sms", "javascript:alert(1)", ""]
)
def test_webhook_refuses_urls_that_are_not_http(url: str) -> None:
    with pytest.raises(ValueError, match="http"):
        WebhookMessageSender(url)


# --- the console outbox ---------------------------------------------------------------------------


def test_console_outbox_holds_ciphertext_that_opens_with_the_secret() -> None:
    outbox = MemoryOutbox()
    sender = ConsoleMessageSender(outbox, OUTBOX_SECRET, lambda: NOW)
    message = Message("sms", PHONE, SUBJECT, BODY, dict(TAGS))

    reference = sender.send(message)

    (entry,) = outbox.entries
    assert (entry.reference, entry.channel, entry.created_at) == (reference, "sms", NOW)
    for encoding in ("utf-8", "utf-16-le", "utf-16-be"):
        for needle in (CODE, PHONE, SUBJECT):
            assert needle.encode(encoding) not in entry.sealed, f"plaintext in {encoding}"
    assert not leaks(repr(entry))
    assert not leaks(repr(outbox))
    opened = open_outbox_message(OUTBOX_SECRET, entry.sealed)
    assert Delivery(opened.to, opened.subject, opened.body) == Delivery(PHONE, SUBJECT, BODY)
    assert (opened.channel, opened.tags) == ("sms", TAGS)


def test_console_outbox_does_not_open_with_a_wrong_secret_or_tampered_bytes() -> None:
    outbox = MemoryOutbox()
    ConsoleMessageSender(outbox, OUTBOX_SECRET, lambda: NOW).send(Message("sms", PHONE, SUBJECT, BODY))
    sealed = outbox.entries[0].sealed

    with pytest.raises(SealError) as wrong_key:
        open_outbox_message(bytes(32), sealed)
    tampered = sealed[:-1] + bytes([sealed[-1] ^ 1])
    with pytest.raises(SealError) as wrong_bytes:
        open_outbox_message(OUTBOX_SECRET, tampered)

    assert not exception_leaks(wrong_key.value)
    assert not exception_leaks(wrong_bytes.value)


class BrokenSink:
    """A sink whose error quotes its parameters, as a database driver's does."""

    def put(self, reference: str, channel: str, sealed: bytes, created_at: datetime) -> None:
        raise RuntimeError(f"insert failed with parameters ({PHONE!r}, {CODE!r})")


def test_console_sink_failure_becomes_delivery_failed_without_its_text() -> None:
    sender = ConsoleMessageSender(BrokenSink(), OUTBOX_SECRET, lambda: NOW)

    with pytest.raises(
        DeliveryFailed, match=r"^sms: the outbox could not store the message \(RuntimeError\)$"
    ) as caught:
        sender.send(Message("sms", PHONE, SUBJECT, BODY))

    assert not exception_leaks(caught.value)
    assert caught.value.__cause__ is None
    assert caught.value.__suppress_context__


# --- nothing leaks into logs ----------------------------------------------------------------------


def test_no_sender_logs_or_raises_the_code_or_the_recipient(
    caplog: pytest.LogCaptureFixture,
    smtp_server: SmtpServer,
    gateway: Gateway,
    closing: Callable[[WebhookMessageSender], WebhookMessageSender],
) -> None:
    caplog.set_level(logging.DEBUG)
    sms = Message("sms", PHONE, SUBJECT, BODY, dict(TAGS))
    mail = Message("email", EMAIL, SUBJECT, BODY, dict(TAGS))
    down = closed_port()
    webhook = closing(gateway.sender(secret=WEBHOOK_SECRET))

    def refusing_recipients() -> str:
        smtp_server.handler.reject_recipients = True
        return smtp_server.sender().send(mail)

    attempts: list[tuple[tuple[int, ...], Callable[[], str]]] = [
        ((), lambda: ConsoleMessageSender(MemoryOutbox(), OUTBOX_SECRET, lambda: NOW).send(sms)),
        ((), lambda: ConsoleMessageSender(BrokenSink(), OUTBOX_SECRET, lambda: NOW).send(sms)),
        ((), lambda: smtp_server.sender().send(mail)),
        ((), lambda: smtp_server.sender().send(sms)),
        (
            (),
            lambda: SmtpMessageSender("127.0.0.1", down, SENDER, timeout=TIMEOUT, local_hostname="localhost").send(
                mail
            ),
        ),
        ((), refusing_recipients),
        ((), lambda: webhook.send(sms)),
        ((503, 400), lambda: webhook.send(sms)),
        ((502, 200), lambda: webhook.send(sms)),
        ((), lambda: closing(WebhookMessageSender(f"http://127.0.0.1:{down}/", timeout=TIMEOUT, backoff=0)).send(sms)),
    ]
    errors: list[DeliveryFailed] = []
    for script, attempt in attempts:
        gateway.answer(*script)
        try:
            attempt()
        except DeliveryFailed as exc:
            errors.append(exc)

    assert len(errors) == 6
    for error in errors:
        assert not exception_leaks(error), str(type(error))
    # aiosmtpd's loggers ("mail.*") stand for the far end, which is rightly told the address.
    records = [r for r in caplog.records if not r.name.startswith("mail.")]
    assert any(r.name.startswith("yinsi.adapters.notify") and r.levelno == logging.WARNING for r in records)
    assert any(r.name.startswith("httpx") for r in records)
    for record in records:
        text = record.getMessage()
        if record.exc_info:
            text += logging.Formatter().formatException(record.exc_info)
        assert not leaks(text), f"{record.name} at {record.levelname}"


class Exploding:
    """A sender with a bug: its error quotes what it was sending."""

    def send(self, message: Message) -> str:
        raise ValueError(f"cannot route {message.to}: {message.body}")


def test_the_notifier_signs_every_sms_once_with_the_signature_in_force() -> None:
    """One place signs every SMS, so no notice can forget it: the signature of the policy in force at the send
    (a new version's applies at once), never twice, and only on SMS."""
    outbox = MemoryOutbox()
    signature = ["诊所"]
    notifier = Notifier(
        {}, ConsoleMessageSender(outbox, OUTBOX_SECRET, lambda: NOW), sms_signature=lambda: signature[0]
    )
    notifier.send(Message("sms", PHONE, SUBJECT, BODY, dict(TAGS)))
    notifier.send(Message("sms", PHONE, SUBJECT, f"【诊所】{BODY}", dict(TAGS)))
    notifier.send(Message("email", EMAIL, SUBJECT, BODY, dict(TAGS)))
    signature[0] = "新诊所"
    notifier.send(Message("sms", PHONE, SUBJECT, BODY, dict(TAGS)))
    bodies = [open_outbox_message(OUTBOX_SECRET, e.sealed).body for e in outbox.entries]
    assert bodies == [f"【诊所】{BODY}", f"【诊所】{BODY}", BODY, f"【新诊所】{BODY}"]


def test_a_broken_sender_neither_raises_after_the_commit_nor_logs_what_it_held(
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    outbox = MemoryOutbox()
    notifier = Notifier(
        {"sms": Exploding()}, ConsoleMessageSender(outbox, OUTBOX_SECRET, lambda: NOW), sms_signature=lambda: "隐私"
    )
    assert notifier.send(Message("sms", PHONE, SUBJECT, BODY, dict(TAGS))) is None
    assert notifier.send(Message("email", EMAIL, SUBJECT, BODY, dict(TAGS))) is not None  # the next one still goes
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert "the sender for channel sms failed (ValueError)" in logged
    assert not leaks(logged)


def test_recipient_notices_go_to_the_recipients_own_channel_when_switched_on(tmp_path: Path) -> None:
    """YINSI_RECIPIENT_WEBHOOKS: each notice to the https:// channel the spec names; anything else to the outbox."""
    from yinsi.adapters.notify.webhook import AddressedWebhookSender
    from yinsi.bootstrap import notifier_for, open_yinsi
    from yinsi.config import Settings

    got: list[bytes] = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            got.append(self.rfile.read(int(self.headers["content-length"])))
            self.send_response(204)
            self.send_header("content-length", "0")
            self.end_headers()

        def log_message(self, *_: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        url = f"http://127.0.0.1:{server.server_address[1]}/delete"
        settings = Settings(data_dir=tmp_path, policy_path=ROOT / "tests" / "fixtures" / "clinic.yaml")
        with open_yinsi(settings) as yinsi:
            off = notifier_for(settings, yinsi.outbox, yinsi.keyring, yinsi.now, lambda: "诊所")
            assert not isinstance(off.sender_for("recipient"), AddressedWebhookSender)
            on_settings = settings.model_copy(update={"recipient_webhooks": True})
            on = notifier_for(on_settings, yinsi.outbox, yinsi.keyring, yinsi.now, lambda: "诊所")
            sender = on.sender_for("recipient")
            assert isinstance(sender, AddressedWebhookSender)
            sender.send(Message(channel="recipient", to=url, subject="删除", body="subject 0123", tags={}))
            assert len(got) == 1
            assert b"subject 0123" in got[0]
            sender.send(Message(channel="recipient", to="dpo@partner.example", subject="删除", body="x", tags={}))
            assert len(got) == 1  # not a URL: kept in the outbox for the operator to pass on
            assert yinsi.outbox.latest(1, "recipient")
            on.close()
            off.close()
    finally:
        server.shutdown()
        server.server_close()
