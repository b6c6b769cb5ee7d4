"""Sliding-window rate limits kept in the database, so every worker process shares them.

A limit is keyed by a bucket and a keyed digest (of a phone number, a client
address): a flood from one phone or one address exhausts only that key, and
never locks anyone else out. On PostgreSQL a transaction-scoped advisory lock
per key makes "count, then record" exact under concurrency; on SQLite the
write transaction (BEGIN IMMEDIATE) already serialises it.
"""

from __future__ import annotations

import hmac
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
    bucket: str
    events: int
    window: timedelta
    message: Msg


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
CODE_PER_CLIENT_HOUR = Limit(
    "code_client_hour",
    20,
    timedelta(hours=1),
    Msg(
        "来自您网络地址的验证码请求过多，请稍后再试。",
        "Too many codes were requested from your network address; please try later.",
    ),
)
FAILED_LOGIN_PER_PHONE = Limit(
    "login_fail_phone",
    10,
    timedelta(hours=1),
    Msg(
        "这个号码登录失败次数过多，请一小时后再试。",
        "Too many failed logins for this number; please try again in an hour.",
    ),
)
FAILED_LOGIN_PER_CLIENT = Limit(
    "login_fail_client",
    50,
    timedelta(hours=1),
    Msg(
        "来自您网络地址的登录失败次数过多，请稍后再试。",
        "Too many failed logins from your network address; please try later.",
    ),
)

FAILED_STAFF_LOGIN = Limit(
    "staff_login_fail",
    10,
    timedelta(hours=1),
    Msg(
        "这个员工账号登录失败次数过多，请一小时后再试。",
        "Too many failed logins for this staff account; please try again in an hour.",
    ),
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

_COUNT = select(func.count(), func.min(_events.c.at)).where(
    _events.c.bucket == bindparam("bucket"), _events.c.key == bindparam("key"), _events.c.at > bindparam("since")
)
_RECORD = strict_insert(_events, "bucket", "key", "at")


def digest(secret: bytes, kind: str, value: str) -> bytes:
    return hmac.new(secret, f"{kind}\x00{value}".encode(), sha256).digest()


def _lock(connection: Connection, limit: Limit, key: bytes) -> None:
    if connection.dialect.name == "postgresql":
        number = int.from_bytes(sha256(limit.bucket.encode() + key).digest()[:8], "big", signed=True)
        connection.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": number})


def check(connection: Connection, limit: Limit, key: bytes, now: datetime) -> None:
    """Raises RateLimited (with Retry-After) when ``key`` has used up ``limit``; records nothing."""
    _lock(connection, limit, key)
    count, oldest = connection.execute(_COUNT, {"bucket": limit.bucket, "key": key, "since": now - limit.window}).one()
    if count >= limit.events:
        retry = max(1, int((oldest + limit.window - now).total_seconds()) + 1) if oldest else 60
        raise RateLimited(limit.message, retry_after=retry)


def record(connection: Connection, limit: Limit, key: bytes, now: datetime) -> None:
    connection.execute(_RECORD, {"bucket": limit.bucket, "key": key, "at": now})


def consume(connection: Connection, limit: Limit, key: bytes, now: datetime) -> None:
    check(connection, limit, key, now)
    record(connection, limit, key, now)


def sweep(connection: Connection, now: datetime, keep: timedelta = timedelta(days=1)) -> int:
    """Forgets events older than every window."""
    return int(connection.execute(delete(_events).where(_events.c.at < now - keep)).rowcount or 0)
