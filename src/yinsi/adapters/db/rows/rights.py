"""Rows of rights requests, their history, cancellation blockers, exports, notices, staff."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Date, Index, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from yinsi.adapters.db.rows.base import DataBase
from yinsi.adapters.db.types import BigId, UtcDateTime


class RightsRequestRow(DataBase):
    """One request to exercise a right. Anything a person wrote (a complaint, a correction) is sealed."""

    __tablename__ = "rights_requests"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    subject_id: Mapped[str] = mapped_column(String(36), index=True)
    type: Mapped[str] = mapped_column(String(24))
    state: Mapped[str] = mapped_column(String(16))
    filed_by: Mapped[str] = mapped_column(String(16))  # subject | guardian | relative | staff
    filer_id: Mapped[str | None] = mapped_column(String(36), nullable=True, index=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    verified_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
    due_on: Mapped[date] = mapped_column(Date)
    due_exact: Mapped[bool] = mapped_column()
    due_basis: Mapped[str] = mapped_column(String(40))
    assigned_to: Mapped[str | None] = mapped_column(String(64), nullable=True)
    closed_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
    outcome: Mapped[str | None] = mapped_column(String(48), nullable=True)  # refusal ground or system reason
    fee_notice: Mapped[bool] = mapped_column(default=False)
    details: Mapped[dict[str, Any]] = mapped_column(JSON)  # fields, scopes, counts: never PI
    sealed_payload: Mapped[bytes | None] = mapped_column(LargeBinary, nullable=True)
    payload_key_version: Mapped[int | None] = mapped_column(nullable=True)

    __table_args__ = (Index("ix_rights_requests_queue", "state", "due_on"),)


class RequestEventRow(DataBase):
    """A transition of a request: who moved it from which state to which, and when."""

    __tablename__ = "request_events"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    request_id: Mapped[str] = mapped_column(String(36), index=True)
    at: Mapped[datetime] = mapped_column(UtcDateTime)
    from_state: Mapped[str | None] = mapped_column(String(16), nullable=True)
    to_state: Mapped[str] = mapped_column(String(16))
    actor: Mapped[str] = mapped_column(String(128))
    note: Mapped[str | None] = mapped_column(String(64), nullable=True)  # a code, never free text


class BlockerRow(DataBase):
    """Something an operator's service says must be settled before an account can be cancelled."""

    __tablename__ = "cancellation_blockers"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    subject_id: Mapped[str] = mapped_column(String(36), index=True)
    kind: Mapped[str] = mapped_column(String(48))
    label_zh: Mapped[str] = mapped_column(String(200))
    label_en: Mapped[str] = mapped_column(String(200))
    action_zh: Mapped[str] = mapped_column(String(300))
    action_en: Mapped[str] = mapped_column(String(300))
    registered_by: Mapped[str] = mapped_column(String(128))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    cleared_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)


class ExternalLoginRow(DataBase):
    """A third-party login (WeChat, Weibo, QQ) linked to an account; released when the account is cancelled."""

    __tablename__ = "external_logins"
    __table_args__ = (Index("ix_external_logins_provider_digest", "provider", "identifier_digest", unique=True),)

    subject_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    provider: Mapped[str] = mapped_column(String(32), primary_key=True)
    sealed_identifier: Mapped[bytes] = mapped_column(LargeBinary)
    key_version: Mapped[int] = mapped_column()
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    # A blind index of the provider's id (HMAC under the index secret): how a third-party login finds its account.
    identifier_digest: Mapped[bytes | None] = mapped_column(LargeBinary, nullable=True)


class ExportRow(DataBase):
    """A copy of a person's PI, sealed under their key: downloadable by its owner's session until it expires.

    Its id is an unguessable UUID, so the download link can be logged or shared without giving anything
    away: without the owner's session it opens nothing, and shredding the owner's key kills it too.
    """

    __tablename__ = "exports"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    request_id: Mapped[str] = mapped_column(String(36), index=True)
    subject_id: Mapped[str] = mapped_column(String(36), index=True)
    sealed_zip: Mapped[bytes] = mapped_column(LargeBinary)
    key_version: Mapped[int] = mapped_column()
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime)
    downloaded_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)


class RecipientNoticeRow(DataBase):
    """A recipient told to delete (or correct) a person's PI, through the channel the spec names."""

    __tablename__ = "recipient_notices"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    subject_id: Mapped[str] = mapped_column(String(36), index=True)
    recipient: Mapped[str] = mapped_column(String(64))
    kind: Mapped[str] = mapped_column(String(16))  # delete | correct
    channel: Mapped[str] = mapped_column(String(300))
    request_id: Mapped[str | None] = mapped_column(String(36), nullable=True)
    at: Mapped[datetime] = mapped_column(UtcDateTime)
    status: Mapped[str] = mapped_column(String(16))  # pending | sending | sent | failed | recorded


class StaffRow(DataBase):
    """A member of staff: argon2id password hash and a TOTP seed sealed under a keystore secret."""

    __tablename__ = "staff"

    username: Mapped[str] = mapped_column(String(64), primary_key=True)
    role: Mapped[str] = mapped_column(String(64))
    password_hash: Mapped[str] = mapped_column(String(200))
    sealed_totp: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    disabled_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
    last_totp_step: Mapped[int | None] = mapped_column(BigId, nullable=True)


class StaffSessionRow(DataBase):
    __tablename__ = "staff_sessions"

    token_hash: Mapped[bytes] = mapped_column(LargeBinary(32), primary_key=True)
    username: Mapped[str] = mapped_column(String(64), index=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
