"""Rate limits and backoff kept in the database, so every worker process shares them.

The rule they all follow: nothing a stranger can do stops the owner of a phone
number or a staff account from logging in. So no limit is keyed by the
identifier alone where refusing would lock its owner out. Guessing is slowed
per (identifier, source address) with exponential backoff, and made hopeless by
the codes themselves: a code dies for an address after a few wrong tries, and a
number that strangers keep guessing at gets 12-digit codes instead of 6. Limits
on sending codes are a short cooldown per number (whoever triggers it, the code
goes to the owner's phone, and the owner can use it) and caps per source.
docs/api.md ("Login limits") gives the numbers and what the owner does.

A limit is keyed by a bucket and a keyed digest (of a phone number, a client
address, or both), so the database never holds either in plain text. On
PostgreSQL a transaction-scoped advisory lock per key makes "count, then
record" exact under concurrency; on SQLite the write transaction (BEGIN
IMMEDIATE) already serialises it.
"""

from __future__ import annotations

import hmac
import ipaddress
from dataclasses import dataclass
from datetime import datetime, timedelta
from hashlib import sha256

from sqlalchemy import Connection, bindparam, delete, func, select, text

from yinsi.adapters.db.rows import RateEventRow, table_of
from yinsi.adapters.db.statements import strict_insert
from yinsi.core.errors import RateLimited
from yinsi.core.i18n import Msg

_events = table_of(RateEventRow)


@dataclass(frozen=True, slots=True)
class Limit:
    """At most ``events`` in any ``window``: the next one is refused until the oldest leaves the window."""

    bucket: str
    events: int
    window: timedelta
    message: Msg


@dataclass(frozen=True, slots=True)
class Backoff:
    """Failures slow the next try instead of refusing it for good: after ``free`` failures in ``window``, each
    further one doubles the wait before the next try (1 s, 2 s, 4 s, ...), up to ``cap``."""

    bucket: str
    free: int
    window: timedelta
    cap: timedelta
    message: Msg

    def wait(self, failures: int) -> timedelta:
        if failures < self.free:
            return timedelta(0)
        return min(timedelta(seconds=2 ** min(failures - self.free, 30)), self.cap)


# ------------------------------------------------------------------ sending SMS codes

LOGIN_CODE_COOLDOWN = Limit(
    "login_code_phone",
    1,
    timedelta(seconds=60),
    Msg(
        "验证码刚刚发送到这个号码，请使用最新收到的验证码，或稍后再获取。",
        "A code was sent to this number less than a minute ago: use the latest code it received, or ask again shortly.",
    ),
)
CODE_PER_PHONE_CLIENT_HOUR = Limit(
    "code_phone_client",
    5,
    timedelta(hours=1),
    Msg(
        "一小时内从您的网络地址向这个号码发送验证码的次数过多，请稍后再试。",
        "Too many codes were sent to this number from your network address in the last hour; please try later.",
    ),
)
CODE_PER_CLIENT_HOUR = Limit(
    "code_client_hour",
    100,
    timedelta(hours=1),
    Msg(
        "来自您网络地址的验证码请求过多，请稍后再试。",
        "Too many codes were requested from your network address; please try later.",
    ),
)
# Guardian links (services.minors): a code to the guardian's phone, which cannot log anyone in.
CODE_PER_PHONE_MINUTE = Limit(
    "code_phone_min",
    1,
    timedelta(seconds=60),
    Msg(
        "验证码发送太频繁，请稍后再试。", "A code was sent to this number moments ago; please wait before asking again."
    ),
)
CODE_PER_PHONE_HOUR = Limit(
    "code_phone_hour",
    5,
    timedelta(hours=1),
    Msg(
        "这个号码一小时内获取验证码的次数过多，请稍后再试。",
        "Too many codes were sent to this number in the last hour; please try later.",
    ),
)

# ------------------------------------------------------------------ guessing

LOGIN_BACKOFF = Backoff(
    "login_fail_pc",
    10,
    timedelta(hours=24),
    timedelta(minutes=15),
    Msg(
        "从您的网络地址登录这个号码失败次数过多，请稍后再试，或重新获取验证码。",
        "Too many failed logins for this number from your network address; wait a moment, or ask for a new code.",
    ),
)
CODE_TRIES_PER_SOURCE = 5  # wrong tries one address may make at one code before it is dead for that address
WRONG_CODES_PER_PHONE = "login_wrong_phone"  # wrong codes for a number from anywhere: only lengthens its codes
LONG_CODES_AFTER = 10  # wrong codes for a number in LONG_CODES_WINDOW before its codes have 12 digits
LONG_CODES_WINDOW = timedelta(hours=24)
PASSWORD_PAUSE = Limit(
    "password_fail_phone",
    20,
    timedelta(hours=24),
    Msg(
        "这个号码的密码错误次数过多，密码登录已暂停：请用短信验证码登录，登录后即恢复。",
        "Password login for this number is paused after many wrong passwords: log in with an SMS code, which "
        "resumes it.",
    ),
)
PASSWORD_FAIL_PER_CLIENT = Limit(
    "password_fail_client",
    100,
    timedelta(hours=1),
    Msg(
        "来自您网络地址的密码登录失败次数过多，请稍后再试，或用短信验证码登录。",
        "Too many failed password logins from your network address; please try later, or log in with an SMS code.",
    ),
)
STAFF_BACKOFF = Backoff(
    "staff_fail_uc",
    5,
    timedelta(hours=24),
    timedelta(minutes=15),
    Msg(
        "从您的网络地址登录这个员工账号失败次数过多，请稍后再试。",
        "Too many failed logins for this staff account from your network address; please wait a moment.",
    ),
)

# Wrong one-time codes after the right password, per staff account: only someone who holds the password can
# cause them, so counting them per account locks out no stranger's victim, and it bounds guessing of the TOTP.
STAFF_CODE_BACKOFF = Backoff(
    "staff_code_user",
    5,
    timedelta(hours=24),
    timedelta(minutes=15),
    Msg("", ""),  # never shown: a wait here answers like any refused login (see services.staff.Staff.login)
)

NEXT_OF_KIN_PER_FILER = Limit(
    "next_of_kin_filer",
    5,
    timedelta(days=1),
    Msg(
        "今天提交的近亲属请求过多，请明天再试。",
        "Too many next-of-kin requests today; please try again tomorrow.",
    ),
)

# Hand-over codes (services.handover): codes are 256 random bits, so guessing is hopeless anyway; the limit on
# failures per source address only keeps a prober from filling the audit trail. Issuing is limited per person
# (their app asks once each time it opens the centre).
HANDOVER_FAILURES = Limit(
    "handover_fail_client",
    20,
    timedelta(hours=1),
    Msg(
        "来自您网络地址的无效打开请求过多，请稍后再试，或直接登录。",
        "Too many invalid attempts to open the privacy centre from your network address; try later, or log in.",
    ),
)
HANDOVERS_PER_PERSON = Limit(
    "handover_subject",
    30,
    timedelta(minutes=10),
    Msg(
        "打开隐私中心的次数过多，请稍后再试。",
        "The privacy centre was opened too many times in the last minutes; please try again shortly.",
    ),
)

_COUNT = select(func.count(), func.min(_events.c.at), func.max(_events.c.at)).where(
    _events.c.bucket == bindparam("bucket"), _events.c.key == bindparam("key"), _events.c.at > bindparam("since")
)
_RECORD = strict_insert(_events, "bucket", "key", "at")


def digest(secret: bytes, kind: str, value: str) -> bytes:
    return hmac.new(secret, f"{kind}\x00{value}".encode(), sha256).digest()


def pair(secret: bytes, kind: str, identifier: bytes | str, client: str) -> bytes:
    """The key of an (identifier, source) pair: what per-source failures and backoff are counted by."""
    ident = identifier.hex() if isinstance(identifier, bytes) else identifier
    return digest(secret, kind, f"{ident}\x00{source(client)}")


def source(client: str) -> str:
    """The unit a source address is counted in: an IPv4 address, or an IPv6 /64 (what one subscriber gets,
    so an attacker cannot become a new source by taking the next address of their own network)."""
    try:
        address = ipaddress.ip_address(client)
    except ValueError:
        return client or "unknown"
    if isinstance(address, ipaddress.IPv6Address):
        if address.ipv4_mapped is not None:
            return str(address.ipv4_mapped)
        return str(ipaddress.IPv6Network(f"{address}/64", strict=False))
    return str(address)


def _lock(connection: Connection, bucket: str, key: bytes) -> None:
    if connection.dialect.name == "postgresql":
        number = int.from_bytes(sha256(bucket.encode() + key).digest()[:8], "big", signed=True)
        connection.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": number})


def count_since(
    connection: Connection, bucket: str, key: bytes, since: datetime
) -> tuple[int, datetime | None, datetime | None]:
    """How many events ``key`` has in ``bucket`` after ``since``, and the first and last of them."""
    count, first, last = connection.execute(_COUNT, {"bucket": bucket, "key": key, "since": since}).one()
    return int(count), first, last


def check(connection: Connection, limit: Limit, key: bytes, now: datetime) -> None:
    """Raises RateLimited (with Retry-After) when ``key`` has used up ``limit``; records nothing."""
    _lock(connection, limit.bucket, key)
    count, oldest, _ = count_since(connection, limit.bucket, key, now - limit.window)
    if count >= limit.events:
        retry = max(1, int((oldest + limit.window - now).total_seconds()) + 1) if oldest else 60
        raise RateLimited(limit.message, retry_after=retry)


def check_backoff(
    connection: Connection, backoff: Backoff, key: bytes, now: datetime, *, exempt_after: datetime | None = None
) -> None:
    """Raises RateLimited while ``key`` must still wait after its last failure. ``exempt_after``: a fresh start
    (a code this source asked for after its last failure) is never made to wait."""
    _lock(connection, backoff.bucket, key)
    failures, _, last = count_since(connection, backoff.bucket, key, now - backoff.window)
    if last is None or (exempt_after is not None and exempt_after > last):
        return
    ready = last + backoff.wait(failures)
    if ready > now:
        raise RateLimited(backoff.message, retry_after=max(1, int((ready - now).total_seconds() + 0.999)))


def record(connection: Connection, limit: Limit | Backoff | str, key: bytes, now: datetime) -> None:
    bucket = limit if isinstance(limit, str) else limit.bucket
    connection.execute(_RECORD, {"bucket": bucket, "key": key, "at": now})


def clear(connection: Connection, limit: Limit | Backoff | str, key: bytes) -> None:
    """Forgets ``key``'s events in a bucket (its owner proved who they are)."""
    bucket = limit if isinstance(limit, str) else limit.bucket
    connection.execute(delete(_events).where(_events.c.bucket == bucket, _events.c.key == key))


def consume(connection: Connection, limit: Limit, key: bytes, now: datetime) -> None:
    check(connection, limit, key, now)
    record(connection, limit, key, now)


def sweep(connection: Connection, now: datetime, keep: timedelta = timedelta(days=1)) -> int:
    """Forgets events older than every window."""
    return int(connection.execute(delete(_events).where(_events.c.at < now - keep)).rowcount or 0)
