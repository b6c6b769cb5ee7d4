"""The privacy officer's side (/v1/staff): login, the queue's actions, the audit trail, statistics."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, Field

from yinsi.api.schemas.common import Body, PageOut
from yinsi.api.schemas.rights import RequestOut


class StaffLoginIn(Body):
    username: str = Field(min_length=2, max_length=64)
    password: str = Field(min_length=1, max_length=256)
    code: str = Field(min_length=6, max_length=6, description="The current code of the authenticator app.")


class StaffLoginOut(BaseModel):
    token: str
    username: str
    role: str


class StaffActionIn(Body):
    action: Literal["verify", "start", "complete", "refuse"]
    ground: str | None = Field(default=None, max_length=48, description="For refuse: a ground the policy lists.")
    decision: Literal["approve"] | None = Field(default=None, description="For next-of-kin requests.")


class AssignIn(Body):
    to: str = Field(min_length=2, max_length=64)


class StaffRequestOut(BaseModel):
    request: RequestOut
    payload: dict[str, Any] = Field(description="What the person wrote (text, values, deceased_phone), when any.")


class StatisticsOut(BaseModel):
    by_type: dict[str, dict[str, int]] = Field(description="Request type → state → count.")
    overdue: int


class AuditPageOut(PageOut):
    events: list[dict[str, Any]] = Field(description="Audit events as their MACed bodies say, newest first.")
