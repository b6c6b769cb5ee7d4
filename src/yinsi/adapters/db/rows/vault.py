"""Rows of the PI vault: subjects, sealed values, blind indexes, the audit chain, API keys."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, LargeBinary, SmallInteger, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from yinsi.adapters.db.rows.base import DataBase
from yinsi.adapters.db.types import BigId, UtcDateTime


class SubjectRow(DataBase):
    """A person whose PI the vault holds. Operators' services keep only this id."""

    __tablename__ = "subjects"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    status: Mapped[str] = mapped_column(String(16), default="active")  # active | restricted | shredded
    minor: Mapped[str] = mapped_column(String(16), default="unknown")  # unknown | adult | under_14 | under_18
    guardian_id: Mapped[str | None] = mapped_column(String(36), ForeignKey("subjects.id"), nullable=True)
    shredded_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)


class PiValueRow(DataBase):
    """One field of one subject, sealed with the subject's data key (AES-256-GCM)."""

    __tablename__ = "pi_values"

    subject_id: Mapped[str] = mapped_column(String(36), ForeignKey("subjects.id", ondelete="CASCADE"), primary_key=True)
    field: Mapped[str] = mapped_column(String(64), primary_key=True)
    sealed: Mapped[bytes] = mapped_column(LargeBinary)
    key_version: Mapped[int] = mapped_column()
    collected_at: Mapped[datetime] = mapped_column(UtcDateTime)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime)
    source: Mapped[str] = mapped_column(String(64))
    purposes: Mapped[list[str]] = mapped_column(JSON)
    retain_until: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True, index=True)
    policy_version: Mapped[str] = mapped_column(String(80))


class BlindIndexRow(DataBase):
    """A keyed HMAC of a normalised lookup value: finds a subject without decrypting anything."""

    __tablename__ = "blind_index"

    field: Mapped[str] = mapped_column(String(64), primary_key=True)
    digest: Mapped[bytes] = mapped_column(LargeBinary(32), primary_key=True)
    subject_id: Mapped[str] = mapped_column(String(36), ForeignKey("subjects.id", ondelete="CASCADE"), primary_key=True)

    __table_args__ = (Index("ix_blind_index_subject_id", "subject_id"),)


class AuditEventRow(DataBase):
    """One link of an audit chain. ``body`` is the canonical JSON the MAC covers; it names fields, never values.

    ``seq`` numbers events in the order they were written, across chains; ``chain`` and ``link`` place the
    event in its chain, and are what the MAC covers.
    """

    __tablename__ = "audit_events"

    seq: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    chain: Mapped[int] = mapped_column(SmallInteger, server_default="1")
    link: Mapped[int] = mapped_column(BigId, server_default="0")
    at: Mapped[str] = mapped_column(String(32))
    action: Mapped[str] = mapped_column(String(48), index=True)
    subject_id: Mapped[str | None] = mapped_column(String(36), nullable=True, index=True)
    actor: Mapped[str] = mapped_column(String(128))
    body: Mapped[str] = mapped_column(Text)
    prev_hash: Mapped[bytes] = mapped_column(LargeBinary(32))
    hash: Mapped[bytes] = mapped_column(LargeBinary(32))

    __table_args__ = (Index("ix_audit_events_chain_link", "chain", "link", unique=True),)


class AuditHeadRow(DataBase):
    """The newest link of one chain (``id`` is the chain, ``seq`` its length). An append locks one head row,
    so concurrent writers never fork a chain; with several chains they need not wait for each other."""

    __tablename__ = "audit_head"

    id: Mapped[int] = mapped_column(primary_key=True)
    seq: Mapped[int] = mapped_column(BigId)
    hash: Mapped[bytes] = mapped_column(LargeBinary(32))


class ShredRecordRow(DataBase):
    """Which subjects were shredded, kept in the data store too, so a restored keystore can replay them."""

    __tablename__ = "shred_records"

    subject_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    shredded_at: Mapped[datetime] = mapped_column(UtcDateTime)


class ApiKeyRow(DataBase):
    """A service's API key: only a SHA-256 of its 256-bit secret is stored."""

    __tablename__ = "api_keys"

    id: Mapped[str] = mapped_column(String(24), primary_key=True)
    secret_hash: Mapped[bytes] = mapped_column(LargeBinary(32))
    role: Mapped[str] = mapped_column(String(64))
    label: Mapped[str] = mapped_column(String(120))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)


class ProvisionRow(DataBase):
    """A record that a subject's fields were provided to a recipient (kept at least 3 years, 网数条例 Art. 12)."""

    __tablename__ = "provisions"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    subject_id: Mapped[str] = mapped_column(String(36), index=True)
    recipient: Mapped[str] = mapped_column(String(64))
    purpose: Mapped[str] = mapped_column(String(64))
    fields: Mapped[list[str]] = mapped_column(JSON)
    actor: Mapped[str] = mapped_column(String(128))
    at: Mapped[datetime] = mapped_column(UtcDateTime)
    details: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)

    # "What went to this recipient" (a processor's records, an incident's reach) without a full scan.
    __table_args__ = (Index("ix_provisions_recipient_at", "recipient", "at"),)
