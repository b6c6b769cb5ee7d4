"""Rows of the consent ledger: an append-only list of entries and a current-state view beside it."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index, String
from sqlalchemy.orm import Mapped, mapped_column

from yinsi.adapters.db.rows.base import DataBase
from yinsi.adapters.db.types import BigId, UtcDateTime


class ConsentEntryRow(DataBase):
    """One act of consent, refusal or withdrawal, with who, when, how and the hash of the text shown."""

    __tablename__ = "consent_entries"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    subject_id: Mapped[str] = mapped_column(String(36))
    kind: Mapped[str] = mapped_column(String(24))
    scope: Mapped[str] = mapped_column(String(130))
    action: Mapped[str] = mapped_column(String(16))
    given_by: Mapped[str] = mapped_column(String(16))  # subject | guardian
    guardian_id: Mapped[str | None] = mapped_column(String(36), nullable=True)
    channel: Mapped[str] = mapped_column(String(32))
    policy_version: Mapped[str] = mapped_column(String(80))
    text_hash: Mapped[str] = mapped_column(String(64))
    language: Mapped[str] = mapped_column(String(8))
    at: Mapped[datetime] = mapped_column(UtcDateTime)

    __table_args__ = (Index("ix_consent_entries_subject", "subject_id", "kind", "scope", "id"),)


class ConsentStateRow(DataBase):
    """The latest entry per (subject, kind, scope): answers "may I, now?" with one primary-key read."""

    __tablename__ = "consent_state"

    subject_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    kind: Mapped[str] = mapped_column(String(24), primary_key=True)
    scope: Mapped[str] = mapped_column(String(130), primary_key=True)
    status: Mapped[str] = mapped_column(String(16))
    given_by: Mapped[str] = mapped_column(String(16), server_default="subject")  # subject | guardian
    entry_id: Mapped[int] = mapped_column(BigId)
    policy_version: Mapped[str] = mapped_column(String(80))
    at: Mapped[datetime] = mapped_column(UtcDateTime)
