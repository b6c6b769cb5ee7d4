"""Events sent to the operator's systems, as staff see them (/v1/staff/webhooks)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, Field

from yinsi.api.schemas.common import PageOut


class WebhookEventOut(BaseModel):
    id: str = Field(description="The webhook-id header of each delivery (msg_...).")
    type: str
    state: str = Field(description="pending, delivered or failed (after the last retry).")
    attempts: int
    created_at: datetime
    next_attempt_at: datetime | None
    delivered_at: datetime | None
    last_status: int | None = Field(description="The HTTP status the endpoint last answered, if it answered.")
    last_error: str | None
    payload: dict[str, Any] = Field(description="The body as sent: type, timestamp, data.")


class WebhookAttemptOut(BaseModel):
    attempt: int
    at: datetime
    status: int | None
    error: str | None
    duration_ms: int


class WebhookEventDetailOut(WebhookEventOut):
    attempt_log: list[WebhookAttemptOut]


class WebhookEventsPageOut(PageOut):
    items: list[WebhookEventOut]
