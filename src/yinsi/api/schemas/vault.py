"""Subjects and their PI, for the operator's services (/v1/subjects)."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field

from yinsi.api.schemas.common import IDENTIFIER, Body


class SubjectOut(BaseModel):
    id: str


class PiWriteIn(Body):
    purpose: str = Field(pattern=IDENTIFIER, description="The declared purpose of collection.")
    source: str = Field(min_length=1, max_length=64, description="Where the values come from, e.g. booking-app.")
    values: dict[str, str | int] = Field(min_length=1, max_length=100, description="Field id → value.")


class PiWrittenOut(BaseModel):
    subject_id: str
    written: list[str]
    retain_until: dict[str, datetime | None]


class PiReadOut(BaseModel):
    subject_id: str
    purpose: str
    values: dict[str, str | int] = Field(
        description="Field id → value, whole or masked as the role may see it; typed as the spec declares "
        "(an integer field whole is a JSON number, a date an ISO 8601 string, the rest strings)."
    )
    forms: dict[str, str] = Field(description="Field id → 'whole' or 'masked'.")
    denied: dict[str, str] = Field(description="Field id → why it was withheld (a stable code).")
    absent: list[str] = Field(description="Fields the role may see but that hold no value.")
    instead_of: str | None = Field(
        default=None,
        description="Set when the person switched personalisation off: the personalised purpose asked for, "
        "answered by its non-personalised alternative (named in 'purpose').",
    )


class LookupIn(Body):
    field: str = Field(pattern=IDENTIFIER)
    value: str = Field(min_length=1, max_length=256)
    purpose: str = Field(pattern=IDENTIFIER)


class LookupOut(BaseModel):
    subjects: list[str]


class ProvisionIn(Body):
    recipient: str = Field(pattern=IDENTIFIER, description="A recipient the spec declares.")
    purpose: str = Field(pattern=IDENTIFIER)
    fields: list[str] = Field(min_length=1, max_length=50)


class ProvisionOut(BaseModel):
    id: int
    recipient: str
    purpose: str
    values: dict[str, str | int] = Field(
        description="The values to pass to the recipient (and nowhere else): whole and typed as the spec declares, "
        "or de-identified (a pseudonym, an age band, a birth year, a city) where the spec says so."
    )
    subject_ref: str = Field(
        description="How the recipient knows the person: the subject id, or, for a recipient that gets "
        "de-identified data, a pseudonym of its own (stable for it, unrelated for any other recipient)."
    )
    deidentified: dict[str, str] = Field(default_factory=dict, description="Field -> how it was de-identified.")
    basis: str = Field(description="What the provision rests on: the purpose's legal basis, or 'separate_consent'.")
    mechanism: str | None = Field(default=None, description="For a transfer abroad: its legal mechanism.")


class BlockerIn(Body):
    kind: str = Field(pattern=r"^[a-z][a-z0-9_]{0,47}$", description="e.g. wallet_balance, unfinished_course")
    label_zh: str = Field(min_length=1, max_length=200)
    label_en: str = Field(min_length=1, max_length=200)
    action_zh: str = Field(min_length=1, max_length=300, description="What the person should do about it.")
    action_en: str = Field(min_length=1, max_length=300)


class BlockerOut(BaseModel):
    id: int


class ExternalLoginIn(Body):
    provider: str = Field(pattern=r"^[a-z][a-z0-9_]{0,31}$", description="e.g. wechat, weibo, qq")
    identifier: str = Field(min_length=1, max_length=256, description="The provider's id for this person (sealed).")
