"""Logging in with a phone number and an SMS code (or a password), and logging out (/v1/auth)."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, Field

from yinsi.api.schemas.common import Body

Phone = Field(min_length=5, max_length=32, description="A mainland mobile number (+86 and spaces are fine).")


class SmsCodeIn(Body):
    phone: str = Phone


class SmsCodeOut(BaseModel):
    expires_in: int = Field(description="Seconds the code stays valid.")
    digits: int = Field(description="Digits of the code sent: 6, or 12 while strangers keep guessing at the number.")


class AcceptanceIn(Body):
    """What the person saw and accepted: the hash of the exact policy text, its language, the channel."""

    policy_version: str = Field(max_length=40)
    text_hash: str = Field(pattern=r"^[0-9a-f]{64}$")
    language: Literal["zh-CN", "zh-TW", "en"] = "zh-CN"
    channel: str = Field(default="app", max_length=32)
    affirmative: bool = Field(default=False, description="True only when the person actively ticked or tapped 'agree'.")


class CodeLoginIn(Body):
    phone: str = Phone
    code: str = Field(min_length=1, max_length=12, description="The code of the SMS: 6 digits, or 12.")
    accept_policy: AcceptanceIn | None = Field(default=None, description="Needed when the number is new.")


class PasswordLoginIn(Body):
    phone: str = Phone
    password: str = Field(min_length=1, max_length=256)


class LoginOut(BaseModel):
    token: str = Field(description="Send as 'Authorization: Bearer <token>' to /v1/me routes.")
    subject_id: str
    expires_at: datetime
    new_account: bool
