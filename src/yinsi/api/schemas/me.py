"""The person's own records (/v1/me): consents, the policy, the access log, the password, guardianship."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, Field

from yinsi.api.schemas.common import Body, PageOut
from yinsi.services.consent import Action, Kind


class ConsentIn(Body):
    kind: Kind
    scope: str = Field(min_length=1, max_length=128)
    action: Action
    channel: str = Field(default="app", max_length=32)
    text_hash: str = Field(pattern=r"^[0-9a-f]{64}$", description="SHA-256 of the exact text shown.")
    language: Literal["zh-CN", "zh-TW", "en"] = "zh-CN"
    # Absent means not affirmative: a grant then answers consent_not_affirmative (not a generic 422), while a
    # refusal or withdrawal, which needs no explicit opt-in, is recorded as it is.
    affirmative: bool = Field(
        default=False, description="True only for an explicit act (never a pre-ticked default); a grant needs it."
    )
    policy_version: str | None = None


class ConsentEntryOut(BaseModel):
    id: int
    kind: str
    scope: str
    action: str
    given_by: str
    channel: str
    policy_version: str
    text_hash: str
    language: str
    at: datetime


class ConsentStateOut(BaseModel):
    kind: str
    scope: str
    status: str
    entry_id: int


class PolicyStatusOut(BaseModel):
    current_version: str
    accepted: bool
    reconsent_required: bool


class ConsentsOut(BaseModel):
    policy: PolicyStatusOut
    minor: str
    needs_guardian: bool
    states: list[ConsentStateOut]


class AskOut(BaseModel):
    ask: bool
    retry_after: int = Field(description="Seconds until this may be asked again after a refusal.")


class AcceptIn(Body):
    policy_version: str = Field(max_length=40)
    text_hash: str = Field(pattern=r"^[0-9a-f]{64}$")
    language: Literal["zh-CN", "zh-TW", "en"] = "zh-CN"
    channel: str = Field(default="app", max_length=32)
    affirmative: bool = Field(default=False, description="Must be true: accepting the policy is a grant.")


class AccessEntryOut(BaseModel):
    login_at: datetime
    logout_at: datetime | None
    method: str
    address: str


class PersonalisationIn(Body):
    enabled: bool
    text_hash: str = Field(pattern=r"^[0-9a-f]{64}$")
    language: Literal["zh-CN", "zh-TW", "en"] = "zh-CN"
    channel: str = Field(default="app", max_length=32)


class PasswordIn(Body):
    password: str = Field(min_length=1, max_length=256)


class GuardianIn(Body):
    guardian_phone: str = Field(min_length=5, max_length=32)


class WardConfirmIn(Body):
    code: str = Field(min_length=6, max_length=6, pattern=r"^[0-9]{6}$")


class WardsOut(BaseModel):
    wards: list[str]


class PiIn(Body):
    values: dict[str, str] = Field(min_length=1, max_length=50)
    purpose: str | None = Field(default=None, description="Only to supplement a field several purposes collect.")


class WrittenOut(BaseModel):
    fields: list[str]


class HandoverOut(BaseModel):
    code: str = Field(description="One-time code for POST /me/handover (form field `code`); never put it in a URL.")
    expires_in: int = Field(description="Seconds the code stays valid (60).")


class ConsentHistoryPageOut(PageOut):
    items: list[ConsentEntryOut] = Field(description="Acts of consent, refusal and withdrawal, oldest first.")


class AccessLogPageOut(PageOut):
    items: list[AccessEntryOut] = Field(description="Logins and logouts, newest first.")
