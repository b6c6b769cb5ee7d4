"""Rows of accounts: logins by SMS code or password, sessions, rate limits, network access logs, the outbox."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from yinsi.adapters.db.rows.base import DataBase
from yinsi.adapters.db.types import BigId, UtcDateTime


class AccountRow(DataBase):
    """A registered person. The phone number is not here: it lives sealed in the vault."""

    __tablename__ = "accounts"

    subject_id: Mapped[str] = mapped_column(String(36), ForeignKey("subjects.id"), primary_key=True)
    status: Mapped[str] = mapped_column(String(16), default="active")  # active | cancelled
    password_hash: Mapped[str | None] = mapped_column(String(200), nullable=True)  # argon2id
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    last_login_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)


class LoginCodeRow(DataBase):
    """A one-time SMS code, stored only as an HMAC bound to the phone's digest."""

    __tablename__ = "login_codes"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    phone_digest: Mapped[bytes] = mapped_column(LargeBinary(32), index=True)
    code_mac: Mapped[bytes] = mapped_column(LargeBinary(32))
    purpose: Mapped[str] = mapped_column(String(24))  # login | guardian_link
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime)
    attempts: Mapped[int] = mapped_column(default=0)
    consumed_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
    subject_id: Mapped[str | None] = mapped_column(String(36), nullable=True)  # who asked (guardian links)


class RateEventRow(DataBase):
    """One counted event (a code sent, a failed attempt) per bucket and keyed digest, for sliding windows."""

    __tablename__ = "rate_events"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    bucket: Mapped[str] = mapped_column(String(32))
    key: Mapped[bytes] = mapped_column(LargeBinary(32))
    at: Mapped[datetime] = mapped_column(UtcDateTime)

    __table_args__ = (Index("ix_rate_events_lookup", "bucket", "key", "at"),)


class SessionRow(DataBase):
    """A login session: only the SHA-256 of its 256-bit token is stored."""

    __tablename__ = "sessions"

    token_hash: Mapped[bytes] = mapped_column(LargeBinary(32), primary_key=True)
    subject_id: Mapped[str] = mapped_column(String(36), index=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
    access_log_id: Mapped[int | None] = mapped_column(BigId, nullable=True)


class HandoverCodeRow(DataBase):
    """A one-time code that hands an app's session over to the privacy centre's own (services.handover): only
    its SHA-256 is stored, it lives 60 seconds, and redeeming it deletes it."""

    __tablename__ = "handover_codes"

    code_digest: Mapped[bytes] = mapped_column(LargeBinary(32), primary_key=True)
    subject_id: Mapped[str] = mapped_column(String(36), index=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime, index=True)


class AccessLogRow(DataBase):
    """A network access log entry (网络安全法 Art. 21): the client address sealed with the person's key."""

    __tablename__ = "access_log"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    subject_id: Mapped[str] = mapped_column(String(36), index=True)
    sealed_address: Mapped[bytes] = mapped_column(LargeBinary)
    key_version: Mapped[int] = mapped_column()
    method: Mapped[str] = mapped_column(String(16))  # sms_code | password
    login_at: Mapped[datetime] = mapped_column(UtcDateTime, index=True)
    logout_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)


class OutboxRow(DataBase):
    """A message the console channel kept instead of sending, sealed (it may hold a login code)."""

    __tablename__ = "outbox"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    reference: Mapped[str] = mapped_column(String(64), unique=True)
    channel: Mapped[str] = mapped_column(String(16))
    sealed: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, index=True)


class GuardianLinkRow(DataBase):
    """A pending request from a minor's account to link a guardian, confirmed by a code the guardian receives."""

    __tablename__ = "guardian_links"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    ward_id: Mapped[str] = mapped_column(String(36), index=True)
    guardian_phone_digest: Mapped[bytes] = mapped_column(LargeBinary(32))
    code_mac: Mapped[bytes] = mapped_column(LargeBinary(32))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime)
    attempts: Mapped[int] = mapped_column(default=0)
    confirmed_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
