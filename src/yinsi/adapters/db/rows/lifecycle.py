"""Rows of what happens to PI after collection: jobs' leases, legal holds, retention clocks, anonymous counts,
security incidents and the service's shutdown."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from yinsi.adapters.db.rows.base import DataBase
from yinsi.adapters.db.types import BigId, UtcDateTime


class JobLeaseRow(DataBase):
    """Who runs a named job now (``holder`` until ``expires_at``, renewed while it runs), and how its last run
    went: one row per job, shared by every worker and machine on the store."""

    __tablename__ = "job_leases"

    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    holder: Mapped[str | None] = mapped_column(String(128), nullable=True)
    expires_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
    started_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
    finished_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
    outcome: Mapped[str | None] = mapped_column(String(16), nullable=True)  # done | failed
    summary: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


class LegalHoldRow(DataBase):
    """A hold on a subject's PI (litigation, an authority's investigation): retention does not delete it
    while the hold is in place (PIPL Art. 47(2): only storage and security measures meanwhile)."""

    __tablename__ = "legal_holds"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    subject_id: Mapped[str] = mapped_column(String(36), index=True)
    reason: Mapped[str] = mapped_column(String(200))
    placed_by: Mapped[str] = mapped_column(String(128))
    placed_at: Mapped[datetime] = mapped_column(UtcDateTime)
    released_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
    released_by: Mapped[str | None] = mapped_column(String(128), nullable=True)


class RetentionEventRow(DataBase):
    """An event a retention period may count from (the end of a purpose or of the contract, cancellation)."""

    __tablename__ = "retention_events"

    subject_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    event: Mapped[str] = mapped_column(String(32), primary_key=True)
    at: Mapped[datetime] = mapped_column(UtcDateTime)


class AnonymousCountRow(DataBase):
    """What anonymising a value leaves: a count per purpose, field and generalised bucket, with no subject."""

    __tablename__ = "anonymous_counts"

    purpose: Mapped[str] = mapped_column(String(64), primary_key=True)
    field: Mapped[str] = mapped_column(String(64), primary_key=True)
    bucket: Mapped[str] = mapped_column(String(64), primary_key=True)
    count: Mapped[int] = mapped_column(BigInteger, default=0)


class IncidentRow(DataBase):
    """A personal-information security incident (PIPL Art. 57): what, when, which fields, and each step."""

    __tablename__ = "incidents"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))  # leak | tamper | loss
    confirmed: Mapped[bool] = mapped_column()
    occurred_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
    discovered_at: Mapped[datetime] = mapped_column(UtcDateTime)
    recorded_at: Mapped[datetime] = mapped_column(UtcDateTime)
    recorded_by: Mapped[str] = mapped_column(String(128))
    fields: Mapped[list[str]] = mapped_column(JSON)
    selection: Mapped[dict[str, Any]] = mapped_column(JSON)
    affected: Mapped[int] = mapped_column(default=0)
    contents: Mapped[dict[str, Any]] = mapped_column(JSON)  # the notice's parts, zh-CN and en (no PI)
    notice: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)
    drafted_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
    notice_method: Mapped[str | None] = mapped_column(String(16), nullable=True)  # individual | announcement
    announcement_id: Mapped[int | None] = mapped_column(BigId, nullable=True)
    notified: Mapped[int] = mapped_column(default=0)
    notified_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
    reported_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
    report: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)


class IncidentSubjectRow(DataBase):
    """A subject an incident affects, and when (and through which channels) they were told."""

    __tablename__ = "incident_subjects"

    incident_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    subject_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    notified_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
    channels: Mapped[list[str]] = mapped_column(JSON, default=list)


class ShutdownRow(DataBase):
    """The service's announced end: collection stops at ``effective_at``, then all PI is deleted or anonymised."""

    __tablename__ = "shutdowns"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    status: Mapped[str] = mapped_column(String(16))  # scheduled | cancelled | completed
    effective_at: Mapped[datetime] = mapped_column(UtcDateTime)
    scheduled_at: Mapped[datetime] = mapped_column(UtcDateTime)
    scheduled_by: Mapped[str] = mapped_column(String(128))
    announcement_id: Mapped[int | None] = mapped_column(BigId, nullable=True)
    notified: Mapped[int] = mapped_column(default=0)
    cancelled_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
    completed_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
    reason: Mapped[str] = mapped_column(Text, default="")
    summary: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
