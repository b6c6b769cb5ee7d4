"""Events for the operator's systems (an outbox written with the change), their delivery attempts, reminders."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from yinsi.adapters.db.rows.base import DataBase
from yinsi.adapters.db.types import BigId, UtcDateTime


class WebhookEventRow(DataBase):
    """One event, as it is sent (``payload`` is the exact body signed); it names ids and codes, never PI."""

    __tablename__ = "webhook_events"

    seq: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)  # the order they were written
    id: Mapped[str] = mapped_column(String(40), unique=True)
    type: Mapped[str] = mapped_column(String(48))
    payload: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    state: Mapped[str] = mapped_column(String(16))
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
    delivered_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
    last_status: Mapped[int | None] = mapped_column(Integer, nullable=True)
    last_error: Mapped[str | None] = mapped_column(String(200), nullable=True)

    __table_args__ = (Index("ix_webhook_events_due", "state", "next_attempt_at"),)


class WebhookAttemptRow(DataBase):
    """Each try at delivering an event: when, what the receiver answered (its status, never its body)."""

    __tablename__ = "webhook_attempts"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    event_id: Mapped[str] = mapped_column(String(40), index=True)
    attempt: Mapped[int] = mapped_column(Integer)
    at: Mapped[datetime] = mapped_column(UtcDateTime)
    status: Mapped[int | None] = mapped_column(Integer, nullable=True)
    error: Mapped[str | None] = mapped_column(String(200), nullable=True)
    duration_ms: Mapped[int] = mapped_column(Integer)


class RequestReminderRow(DataBase):
    """That staff were told a request is about to be overdue, so they are told once."""

    __tablename__ = "request_reminders"

    request_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    reminded_at: Mapped[datetime] = mapped_column(UtcDateTime)
