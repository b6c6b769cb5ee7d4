"""Request and response bodies. Values of PI only ever travel in bodies, never in URLs (URLs get logged)."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

Identifier = Field(pattern=r"^[a-z][a-z0-9_]{0,63}$")


class Body(BaseModel):
    model_config = ConfigDict(extra="forbid")


class SubjectCreated(BaseModel):
    id: str


class PiWrite(Body):
    purpose: str = Field(pattern=r"^[a-z][a-z0-9_]{0,63}$", description="The declared purpose of collection.")
    source: str = Field(min_length=1, max_length=64, description="Where the values come from, e.g. booking-app.")
    values: dict[str, str | int] = Field(min_length=1, max_length=100, description="Field id → value.")


class PiWritten(BaseModel):
    subject_id: str
    written: list[str]
    retain_until: dict[str, datetime | None]


class PiRead(BaseModel):
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


class Lookup(Body):
    field: str = Field(pattern=r"^[a-z][a-z0-9_]{0,63}$")
    value: str = Field(min_length=1, max_length=256)
    purpose: str = Field(pattern=r"^[a-z][a-z0-9_]{0,63}$")


class LookupResult(BaseModel):
    subjects: list[str]


class Health(BaseModel):
    status: str
    policy: str | None
    database: str


class ProvisionIn(Body):
    recipient: str = Field(pattern=r"^[a-z][a-z0-9_]{0,63}$", description="A recipient the spec declares.")
    purpose: str = Field(pattern=r"^[a-z][a-z0-9_]{0,63}$")
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
