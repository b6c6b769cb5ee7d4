"""Rows of what happens to PI after collection: entrustments ended, disclosures, business transfers, logins released."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, BigInteger, Index, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from yinsi.adapters.db.rows.base import DataBase
from yinsi.adapters.db.types import BigId, UtcDateTime


class EntrustmentEndingRow(DataBase):
    """An entrustment ended: the demand that the processor delete the PI, and its confirmation when it comes."""

    __tablename__ = "entrustment_endings"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    recipient: Mapped[str] = mapped_column(String(64), index=True)
    ended_at: Mapped[datetime] = mapped_column(UtcDateTime)
    ended_by: Mapped[str] = mapped_column(String(128))
    notice_id: Mapped[int] = mapped_column(BigId)  # the deletion demand, a recipient notice
    confirmed_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
    confirmed_by: Mapped[str | None] = mapped_column(String(128), nullable=True)
    confirmation: Mapped[str | None] = mapped_column(String(200), nullable=True)  # the processor's reference


class DisclosureRow(DataBase):
    """A disclosure to an authority: the legal document it rests on, who asked, and the officer who decided."""

    __tablename__ = "disclosures"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    subject_id: Mapped[str] = mapped_column(String(36), index=True)
    authority: Mapped[str] = mapped_column(String(64))
    purpose: Mapped[str] = mapped_column(String(64))
    fields: Mapped[list[str]] = mapped_column(JSON)
    legal_reference: Mapped[str] = mapped_column(String(200))  # the document's number, never PI
    requested_by: Mapped[str] = mapped_column(String(128))
    requested_at: Mapped[datetime] = mapped_column(UtcDateTime)
    state: Mapped[str] = mapped_column(String(16))  # pending | approved | refused
    decided_by: Mapped[str | None] = mapped_column(String(128), nullable=True)
    decided_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
    provision_id: Mapped[int | None] = mapped_column(BigId, nullable=True)


class BusinessTransferRow(DataBase):
    """A merger, acquisition or bankruptcy: who the new controller is, and how many people were told."""

    __tablename__ = "business_transfers"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    kind: Mapped[str] = mapped_column(String(16))  # merger | acquisition | bankruptcy | other
    controller_name: Mapped[str] = mapped_column(String(200))
    controller_contact: Mapped[str] = mapped_column(String(200))
    announced_at: Mapped[datetime] = mapped_column(UtcDateTime)
    announced_by: Mapped[str] = mapped_column(String(128))
    subjects_told: Mapped[int] = mapped_column()
    channels: Mapped[dict[str, int]] = mapped_column(JSON)  # messages per channel


class LoginReleaseRow(DataBase):
    """A third-party login to release with its provider after the account was cancelled (an outbox row).

    The provider's identifier for the person is sealed under the outbox secret (the person's own key is shredded
    with the account) and wiped once the provider has it.
    """

    __tablename__ = "login_releases"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    subject_id: Mapped[str] = mapped_column(String(36), index=True)
    provider: Mapped[str] = mapped_column(String(32))
    sealed_identifier: Mapped[bytes | None] = mapped_column(LargeBinary, nullable=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    status: Mapped[str] = mapped_column(String(16))  # pending | sending | sent | failed | lost
    sent_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
    reference: Mapped[str | None] = mapped_column(String(200), nullable=True)

    __table_args__ = (Index("ix_login_releases_status", "status", "id"),)


class PublicDisclosureRow(DataBase):
    """PI made public (公开) under a disclosure the spec declares: which fields, on which basis, by whom; never
    the values (kept, like provisions, at least three years: 网络数据安全管理条例 Art. 12)."""

    __tablename__ = "public_disclosures"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    subject_id: Mapped[str] = mapped_column(String(36), index=True)
    disclosure: Mapped[str] = mapped_column(String(64))  # the spec's public_disclosures key
    fields: Mapped[list[str]] = mapped_column(JSON)
    actor: Mapped[str] = mapped_column(String(128))
    at: Mapped[datetime] = mapped_column(UtcDateTime)
    details: Mapped[dict[str, object]] = mapped_column(JSON, default=dict)  # basis, deidentified, subject_ref

    __table_args__ = (Index("ix_public_disclosures_disclosure_at", "disclosure", "at"),)


class PrivacyBudgetRow(DataBase):
    """The ε noisy statistics spent in one period, in millionths so that adding never drifts; a spend is one
    conditional UPDATE (``spent + cost <= total``), so two queries racing cannot overspend."""

    __tablename__ = "privacy_budget"

    period: Mapped[str] = mapped_column(String(16), primary_key=True)  # "2026", "2026-12" or "2026-12-05"
    spent_micro: Mapped[int] = mapped_column(BigInteger)
    queries: Mapped[int] = mapped_column()
