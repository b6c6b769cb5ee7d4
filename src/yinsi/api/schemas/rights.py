"""Rights requests: the person's own (/v1/me/requests) and the staff queue's (/v1/staff/requests)."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, Field

from yinsi.api.schemas.common import Body, PageOut
from yinsi.core.requests import RequestType


class RequestIn(Body):
    type: RequestType
    fields: list[str] = Field(default_factory=list, max_length=100)
    values: dict[str, str] = Field(default_factory=dict, max_length=50, description="For corrections.")
    purpose: str | None = Field(default=None, max_length=64)
    consent_kind: str | None = Field(default=None, max_length=24, description="For withdrawals.")
    consent_scope: str | None = Field(default=None, max_length=128)
    text: str | None = Field(default=None, max_length=5000, description="A complaint or a statement (kept sealed).")
    deceased_phone: str | None = Field(default=None, max_length=32, description="Next of kin: the deceased's number.")
    relationship: Literal["spouse", "parent", "child", "sibling", "grandparent", "grandchild"] | None = None
    wants: Literal["access", "copy", "correct", "delete"] | None = None
    on_behalf_of: str | None = Field(default=None, description="A ward's id, when a guardian files.")


class RequestOut(BaseModel):
    id: str
    type: str
    state: str
    filed_by: str
    created_at: datetime
    due_on: str = Field(description="The answer is due by the end of this day (Asia/Shanghai).")
    due_exact: bool = Field(description="False past the years the holiday calendar knows: weekends only.")
    due_basis: str
    overdue: bool
    assigned_to: str | None
    closed_at: datetime | None
    outcome: str | None
    outcome_text: str | None
    fee_notice: bool
    details: dict[str, Any]
    history: list[dict[str, Any]]
    answer: dict[str, Any] | None


class RequestsPageOut(PageOut):
    items: list[RequestOut]


class BlockersOut(BaseModel):
    blockers: list[dict[str, Any]] = Field(description="What must be settled first, and what to do about each.")
