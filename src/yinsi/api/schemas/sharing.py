"""Bodies of the sharing routes: provision records, ended entrustments, disclosures to authorities, PI made public."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from pydantic import BaseModel, Field

from yinsi.api.schemas.common import Body, PageOut

Identifier = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]{0,63}$")]


class ProvisionRecordOut(BaseModel):
    id: int
    subject: str
    recipient: str
    purpose: str
    fields: list[str]
    actor: str
    at: datetime
    details: dict[str, Any] = Field(description="basis, region, mechanism, deidentified, subject_ref: never values.")


class EndingOut(BaseModel):
    id: int
    recipient: str
    ended_at: datetime
    notice: int
    notice_status: str
    confirmed_at: datetime | None
    confirmation: str | None


class ConfirmationIn(Body):
    reference: str = Field(min_length=1, max_length=200, description="The processor's reference for its deletion.")


class DisclosureIn(Body):
    subject: str = Field(min_length=1, max_length=36)
    authority: Identifier
    purpose: Identifier
    fields: list[Identifier] = Field(min_length=1, max_length=50)
    legal_reference: str = Field(min_length=1, max_length=200, description="The legal document's number.")


class DecisionIn(Body):
    approve: bool


class DisclosureOut(BaseModel):
    id: int
    subject: str
    authority: str
    purpose: str
    fields: list[str]
    legal_reference: str
    requested_by: str
    requested_at: datetime
    state: str
    decided_by: str | None
    decided_at: datetime | None
    values: dict[str, str] = Field(default_factory=dict, description="Only in the answer to an approval.")


class ProvisionRecordsPageOut(PageOut):
    items: list[ProvisionRecordOut]


class DisclosuresPageOut(PageOut):
    items: list[DisclosureOut]


class TransferIn(Body):
    kind: str = Field(description="merger, acquisition, division, bankruptcy or dissolution.")
    controller_name: str = Field(min_length=1, max_length=200, description="The new controller's name.")
    controller_contact: str = Field(min_length=1, max_length=200, description="Its contact: phone, address or e-mail.")


class TransferOut(BaseModel):
    id: int
    kind: str
    controller_name: str
    controller_contact: str
    announced_at: datetime
    subjects_told: int
    channels: dict[str, int] = Field(description="Messages sent per channel.")


class TransfersPageOut(PageOut):
    items: list[TransferOut]


class PublicDisclosureIn(Body):
    subject: str = Field(min_length=1, max_length=36)
    disclosure: Identifier = Field(description="A disclosure the spec declares under public_disclosures.")
    fields: list[Identifier] = Field(min_length=1, max_length=50)
    legal_reference: str | None = Field(
        default=None, max_length=200, description="Needed when the disclosure rests on a law, not on consent."
    )


class PublicDisclosureOut(BaseModel):
    id: int
    disclosure: str
    values: dict[str, str | int] = Field(
        description="What may be made public under this disclosure: whole and typed as the spec declares, or "
        "de-identified (a pseudonym, a birth year, a city) where the spec marks the disclosure so."
    )
    subject_ref: str = Field(
        description="The subject id, or for a de-identified disclosure a pseudonym of its own (unrelated to any "
        "recipient's)."
    )
    deidentified: dict[str, str] = Field(default_factory=dict, description="Field -> how it was de-identified.")
    basis: str = Field(description="'separate_consent', or the legal basis the spec names for the disclosure.")


class PublicDisclosureRecordOut(BaseModel):
    id: int
    subject: str
    disclosure: str
    fields: list[str]
    actor: str
    at: datetime
    details: dict[str, Any] = Field(description="basis, legal_reference, deidentified, subject_ref: never values.")


class PublicDisclosuresPageOut(PageOut):
    items: list[PublicDisclosureRecordOut]
