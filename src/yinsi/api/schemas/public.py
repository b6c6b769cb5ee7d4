"""What anyone may read: health and the announcements of policy changes."""

from __future__ import annotations

from pydantic import BaseModel, Field

from yinsi.api.schemas.common import PageOut


class HealthOut(BaseModel):
    status: str
    policy: str | None
    database: str


class AnnouncementOut(BaseModel):
    id: int
    kind: str
    policy_version: str | None
    material: bool
    channels: list[str]
    summary: dict[str, str]
    created_at: str = Field(description="ISO 8601, with its UTC offset.")
    recipients: int


class AnnouncementsPageOut(PageOut):
    announcements: list[AnnouncementOut]
