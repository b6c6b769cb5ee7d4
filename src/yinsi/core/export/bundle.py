"""What a person's copy is built from: plain data the service layer fills, nothing read here."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from datetime import datetime

from yinsi.core.policy.model import PolicySpec

EXPORT_FORMAT = "yinsi-export/1"
"""The format name and version in every manifest; a reader refuses any other."""

# --------------------------------------------------------------------------- the bundle


@dataclass(frozen=True, slots=True)
class ExportValue:
    """One stored value, whole: this is the person's own copy, so nothing is masked."""

    field: str
    value: str = dataclasses.field(repr=False)  # PI: never in a repr, a log or a failing test's output
    collected_at: datetime
    source: str
    purposes: list[str]
    retain_until: datetime | None


@dataclass(frozen=True, slots=True)
class ExportConsent:
    id: int | str
    kind: str
    scope: str
    action: str
    given_by: str
    channel: str
    policy_version: str
    text_hash: str
    language: str
    at: datetime


@dataclass(frozen=True, slots=True)
class ExportAccess:
    """One login session (network access log, kept under Cybersecurity Law Art. 21)."""

    login_at: datetime
    logout_at: datetime | None
    method: str
    address: str = field(repr=False)


@dataclass(frozen=True, slots=True)
class ExportProvision:
    """A record that the person's PI was provided to a recipient (PIPL Art. 23 lets them know who)."""

    recipient: str
    purpose: str
    fields: list[str]
    at: datetime
    actor: str  # the system or role that provided it, never a staff member's name: that is their PI, not yours
    basis: str | None = None  # the purpose's legal basis, or separate_consent
    region: str | None = None  # where the recipient is
    transfer_mechanism: str | None = None  # for a transfer abroad (PIPL Art. 38-39 let the person know)


@dataclass(frozen=True, slots=True)
class ExportRequest:
    id: int | str
    type: str
    state: str
    created_at: datetime
    closed_at: datetime | None


@dataclass(frozen=True, slots=True)
class ExportBundle:
    """Everything one person's copy holds; ``spec`` is the policy that names and explains the fields."""

    subject_id: str
    generated_at: datetime
    policy_version: str
    spec: PolicySpec
    values: list[ExportValue] = field(default_factory=list)
    consents: list[ExportConsent] = field(default_factory=list)
    access_log: list[ExportAccess] = field(default_factory=list)
    provisions: list[ExportProvision] = field(default_factory=list)
    requests: list[ExportRequest] = field(default_factory=list)
