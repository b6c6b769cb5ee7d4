"""Rows of published policy versions and of the policy state every decision reads."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from yinsi.adapters.db.rows.base import DataBase
from yinsi.adapters.db.types import BigId, UtcDateTime


class PolicyVersionRow(DataBase):
    """One published version of the policy spec, with how it differs from the one before."""

    __tablename__ = "policy_versions"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    version: Mapped[str] = mapped_column(String(40), unique=True)
    digest: Mapped[str] = mapped_column(String(64))
    spec_text: Mapped[str] = mapped_column(Text)
    published_at: Mapped[datetime] = mapped_column(UtcDateTime)
    material: Mapped[bool] = mapped_column()
    material_kinds: Mapped[list[str]] = mapped_column(JSON)
    changes: Mapped[list[dict[str, Any]]] = mapped_column(JSON)


class PolicyStateRow(DataBase):
    """Which version is in force, and since which version acceptance still counts (one row).

    Read beside the consent state on every consent-based decision, so a material
    change takes effect in every process the moment it is committed.
    """

    __tablename__ = "policy_state"

    id: Mapped[int] = mapped_column(primary_key=True)
    current_version: Mapped[str] = mapped_column(String(40))
    current_id: Mapped[int] = mapped_column(BigId)
    baseline_id: Mapped[int] = mapped_column(BigId)  # the last material version: accepting it or later counts


class AnnouncementRow(DataBase):
    """A notice of a policy change (or another general notice) through the spec's channels."""

    __tablename__ = "announcements"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    kind: Mapped[str] = mapped_column(String(32))
    policy_version: Mapped[str | None] = mapped_column(String(40), nullable=True)
    material: Mapped[bool] = mapped_column()
    channels: Mapped[list[str]] = mapped_column(JSON)
    summary_zh: Mapped[str] = mapped_column(Text)
    summary_en: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    recipients: Mapped[int] = mapped_column(default=0)
