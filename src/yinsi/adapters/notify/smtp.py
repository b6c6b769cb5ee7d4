"""E-mail through an SMTP relay, with the standard library only.

Every send opens its own connection: notices are rare, and a connection
kept open between them would only fail later with a less useful error.
smtplib's exceptions quote server replies and refused recipients, so none
of their text is passed on; each becomes a ``DeliveryFailed`` whose text is
chosen here from the exception's type and the step that failed.
"""

from __future__ import annotations

import email.errors
import email.policy
import email.utils
import ipaddress
import logging
import smtplib
import socket
import ssl as ssl_module
from email.message import EmailMessage

from yinsi.core.ports import DeliveryFailed, Message

log = logging.getLogger(__name__)

CHANNEL = "email"
_LINE_BREAKS = frozenset("\r\n")


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _is_single_address(value: str) -> bool:
    """One bare address: a display name, a list or a line break would let ``to`` reach someone else."""
    local, at, domain = value.rpartition("@")
    return bool(local and at and domain) and not any(c.isspace() or c in ',;<>()"' for c in value)


class SmtpMessageSender:
    """Sends ``email`` messages; ``ssl`` is implicit TLS (port 465), ``starttls`` upgrades a plain connection (587)."""

    def __init__(
        self,
        host: str,
        port: int,
        sender: str,
        *,
        username: str | None = None,
        password: str | None = None,
        starttls: bool = False,
        ssl: bool = False,
        timeout: float = 10,
        ssl_context: ssl_module.SSLContext | None = None,
        local_hostname: str | None = None,
    ) -> None:
        if not host:
            raise ValueError("the SMTP host is empty")
        if starttls and ssl:
            raise ValueError("choose starttls (upgrade a plain connection) or ssl (implicit TLS), not both")
        if (username is None) != (password is None):
            raise ValueError("SMTP username and password go together")
        if username is not None and not (starttls or ssl) and not _is_loopback(host):
            # The relay's password would cross the network in clear text, and so would every code.
            raise ValueError("SMTP credentials for a remote server need starttls=True or ssl=True")
        envelope_sender = email.utils.parseaddr(sender)[1]
        if _LINE_BREAKS & set(sender) or not _is_single_address(envelope_sender):
            raise ValueError("the sender must be an address, optionally with a display name, on one line")
        if timeout <= 0:
            raise ValueError("the SMTP timeout must be positive")
        self._host = host
        self._port = port
        self._sender = sender
        # The From header may carry a display name ("隐私 <noreply@…>"); MAIL FROM takes the bare address.
        self._envelope_sender = envelope_sender
        self._username = username
        self._password = password
        self._starttls = starttls
        self._ssl = ssl
        self._timeout = timeout
        self._ssl_context = ssl_context
        self._local_hostname = local_hostname
        # make_msgid's default asks DNS for this machine's name; the sender's domain needs no lookup.
        self._msgid_domain = envelope_sender.rpartition("@")[2]

    def __repr__(self) -> str:
        tls = "ssl" if self._ssl else "starttls" if self._starttls else "plain"
        return f"SmtpMessageSender(host={self._host!r}, port={self._port}, tls={tls})"

    def _build(self, message: Message) -> tuple[EmailMessage, str]:
        mail = EmailMessage(policy=email.policy.SMTP)
        message_id = email.utils.make_msgid(domain=self._msgid_domain)
        try:
            mail["From"] = self._sender
            mail["To"] = message.to
            mail["Subject"] = message.subject
            mail["Date"] = email.utils.formatdate(localtime=False)
            mail["Message-ID"] = message_id
            # Base64 for non-ASCII text: an 8-bit body needs 8BITMIME, which not every relay offers.
            mail.set_content(message.body, charset="utf-8", cte=None if message.body.isascii() else "base64")
        except (ValueError, TypeError, LookupError, email.errors.MessageError):
            # Header errors quote the header's value, which here is the address or the subject.
            raise DeliveryFailed(f"{CHANNEL}: the message could not be encoded as e-mail") from None
        return mail, message_id

    def _connect(self) -> smtplib.SMTP:
        if self._ssl:
            return smtplib.SMTP_SSL(
                self._host,
                self._port,
                local_hostname=self._local_hostname,
                timeout=self._timeout,
                context=self._ssl_context or ssl_module.create_default_context(),
            )
        return smtplib.SMTP(self._host, self._port, local_hostname=self._local_hostname, timeout=self._timeout)

    def send(self, message: Message) -> str:
        if message.channel != CHANNEL:
            raise DeliveryFailed(f"{message.channel}: the SMTP sender only delivers {CHANNEL} messages")
        if not _is_single_address(message.to):
            raise DeliveryFailed(f"{CHANNEL}: the recipient is not a single e-mail address")
        mail, message_id = self._build(message)
        step = "connect"
        refused: dict[str, tuple[int, bytes]] = {}
        try:
            with self._connect() as connection:
                if self._starttls:
                    step = "starttls"
                    connection.starttls(context=self._ssl_context or ssl_module.create_default_context())
                if self._username is not None and self._password is not None:
                    step = "login"
                    connection.login(self._username, self._password)
                step = "send"
                refused = connection.send_message(mail, from_addr=self._envelope_sender, to_addrs=[message.to])
                step = "quit"
        except (smtplib.SMTPException, OSError, ValueError, email.errors.MessageError) as exc:
            if step != "quit":
                raise DeliveryFailed(f"{CHANNEL}: {_reason(step, exc)}") from None
            # The server had already taken the message; failing now would invite a duplicate.
            log.debug("the SMTP server did not close cleanly after accepting %s", message_id)
        if refused:
            raise DeliveryFailed(f"{CHANNEL}: the SMTP server refused the recipient")
        log.debug("%s message accepted by the SMTP server as %s", CHANNEL, message_id)
        return message_id


def _reason(step: str, exc: BaseException) -> str:
    """A fixed phrase per failure; only numeric reply codes are taken from the exception."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return "the SMTP server refused the recipient"
    if isinstance(exc, smtplib.SMTPSenderRefused):
        return f"the SMTP server refused the sender address ({exc.smtp_code})"
    if isinstance(exc, smtplib.SMTPAuthenticationError):
        return f"the SMTP server rejected the credentials ({exc.smtp_code})"
    if isinstance(exc, smtplib.SMTPNotSupportedError):
        return {
            "starttls": "the SMTP server does not offer STARTTLS",
            "login": "the SMTP server does not offer authentication",
            "send": "the SMTP server does not accept internationalised addresses (SMTPUTF8)",
        }.get(step, "the SMTP server does not support a required extension")
    if isinstance(exc, smtplib.SMTPServerDisconnected):
        return "the SMTP server closed the connection"
    if isinstance(exc, smtplib.SMTPConnectError):
        return f"the SMTP server refused the connection ({exc.smtp_code})"
    if isinstance(exc, smtplib.SMTPResponseException):
        return f"the SMTP server answered {exc.smtp_code} during {step}"
    if isinstance(exc, smtplib.SMTPException):
        return f"the SMTP exchange failed during {step} ({type(exc).__name__})"
    if isinstance(exc, ConnectionRefusedError):
        return "the SMTP server refused the connection"
    if isinstance(exc, TimeoutError):
        return f"the SMTP server did not answer in time during {step}"
    if isinstance(exc, socket.gaierror):
        return "the SMTP server's host name does not resolve"
    if isinstance(exc, ssl_module.SSLCertVerificationError):
        return "the SMTP server's TLS certificate did not verify"
    if isinstance(exc, ssl_module.SSLError):
        return f"TLS with the SMTP server failed during {step}"
    if isinstance(exc, ConnectionError):
        return f"the connection to the SMTP server broke during {step}"
    if isinstance(exc, ValueError | email.errors.MessageError):
        return "the message could not be encoded for the SMTP server"
    return f"could not reach the SMTP server ({type(exc).__name__})"
