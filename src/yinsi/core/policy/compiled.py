"""A spec compiled into the lookups a running system makes on every access.

The spec is written for people (nested, ordered, bilingual); decisions need
sets and maps. Compiling once at start-up keeps each decision to a handful of
dictionary reads.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime

from yinsi.core.policy import law
from yinsi.core.policy.model import PolicySpec
from yinsi.core.policy.vocabulary import (
    FieldType,
    FunctionKind,
    LegalBasis,
    OnExpiry,
    Operation,
    RetentionEnd,
    RetentionStart,
    Sensitivity,
    Visibility,
)


@dataclass(frozen=True, slots=True)
class CompiledPolicy:
    spec: PolicySpec
    version: str
    digest: str
    field_types: dict[str, FieldType]
    sensitive_fields: frozenset[str]
    lookup_fields: frozenset[str]
    immutable_fields: frozenset[str]
    purpose_fields: dict[str, frozenset[str]]
    role_purposes: dict[str, frozenset[str]]
    role_fields: dict[str, dict[str, Visibility]]
    role_operations: dict[str, frozenset[Operation]]
    personalisation_purposes: frozenset[str]
    event_clocks: bool  # some purpose's retention counts from an event (``retention.after``), not collection
    login: tuple[str, str] | None  # (field, purpose) of the phone number people log in with
    storage_abroad: bool = False  # PI is stored outside mainland China: collecting it is a transfer abroad
    # Purposes and recipients that need the person's separate consent: where the spec says so, and wherever
    # the law requires one whatever the spec says (PIPL Art. 23, 26, 29, 39: ``law``).
    separate_purposes: frozenset[str] = frozenset()
    separate_recipients: frozenset[str] = frozenset()
    separate_disclosures: frozenset[str] = frozenset()  # public disclosures (公开) on consent: PIPL Art. 25, 29

    @classmethod
    def from_spec(cls, spec: PolicySpec) -> CompiledPolicy:
        return cls(
            spec=spec,
            version=spec.policy.version,
            digest=spec_digest(spec),
            field_types={fid: f.type for fid, f in spec.fields.items()},
            sensitive_fields=frozenset(fid for fid, f in spec.fields.items() if f.sensitivity is Sensitivity.SENSITIVE),
            lookup_fields=frozenset(fid for fid, f in spec.fields.items() if f.lookup),
            immutable_fields=frozenset(fid for fid, f in spec.fields.items() if f.immutable),
            purpose_fields={pid: frozenset(p.fields) for pid, p in spec.purposes.items()},
            role_purposes={rid: frozenset(r.purposes) for rid, r in spec.roles.items()},
            role_fields={rid: dict(r.fields) for rid, r in spec.roles.items()},
            role_operations={rid: frozenset(r.operations) for rid, r in spec.roles.items()},
            personalisation_purposes=frozenset(pid for pid, p in spec.purposes.items() if p.personalisation),
            event_clocks=any(
                p.retention.after not in (None, RetentionStart.COLLECTION) for p in spec.purposes.values()
            ),
            login=_login(spec),
            storage_abroad=spec.storage.region not in (None, "CN"),
            separate_purposes=frozenset(
                pid for pid, p in spec.purposes.items() if p.separate_consent or law.purpose_articles(spec, pid)
            ),
            separate_recipients=frozenset(
                rid
                for rid, r in spec.recipients.items()
                if r.separate_consent or r.cross_border_consent or law.recipient_articles(spec, rid)
            ),
            separate_disclosures=frozenset(
                did
                for did, d in spec.public_disclosures.items()
                if d.separate_consent or law.disclosure_articles(spec, did)
            ),
        )

    def needs_consent(self, purpose_id: str) -> bool:
        purpose = self.spec.purposes.get(purpose_id)
        return purpose is not None and purpose.legal_basis is LegalBasis.CONSENT

    def depends_on_consent_state(self, purpose_id: str, *, writing: bool) -> bool:
        """Whether a decision for this purpose can depend on the subject's consents at all: if not, the
        caller need not read them (a contract-based purpose with no permission or profiling)."""
        purpose = self.spec.purposes.get(purpose_id)
        if purpose is None:
            return False
        return (
            purpose.legal_basis is LegalBasis.CONSENT
            or purpose.personalisation
            or (writing and (bool(purpose.permissions) or self.storage_abroad))
        )

    def needs_separate_consent(self, purpose_id: str) -> bool:
        """A consent-based purpose whose consent must be separate (the spec says so, or the law does)."""
        return purpose_id in self.separate_purposes and self.needs_consent(purpose_id)

    def is_basic(self, purpose_id: str) -> bool:
        purpose = self.spec.purposes.get(purpose_id)
        return purpose is not None and purpose.function is FunctionKind.BASIC

    def retain_until(
        self,
        purposes: list[str],
        collected_at: datetime,
        events: Mapping[RetentionStart, datetime] | None = None,
    ) -> datetime | None:
        """When a value collected for ``purposes`` must go: the latest of their ends; None while any of them
        keeps it with no date yet (until cancellation, "as long as the purpose needs", or a period counted
        from an event that has not happened: ``events`` holds those that have, for this person).

        A legal minimum (``retention.legal_minimum``) counts from collection and is a floor: the value is
        never due before it, whatever the period says.
        """
        happened = events or {}
        ends: list[datetime] = []
        collected = collected_at.astimezone(UTC)
        for pid in purposes:
            retention = self.spec.purposes[pid].retention
            if retention.period is None:
                cancelled = happened.get(RetentionStart.ACCOUNT_CANCELLATION)
                if retention.until is not RetentionEnd.ACCOUNT_CANCELLATION or cancelled is None:
                    return None
                end = cancelled.astimezone(UTC)
            else:
                start_kind = retention.after or RetentionStart.COLLECTION
                start = collected if start_kind is RetentionStart.COLLECTION else happened.get(start_kind)
                if start is None:
                    return None
                end = retention.period.after(start.astimezone(UTC))
            if retention.legal_minimum is not None:
                end = max(end, retention.legal_minimum.after(collected))
            ends.append(end)
        return max(ends) if ends else None

    def retain_until_after_cancellation(
        self, purposes: list[str], collected_at: datetime, events: Mapping[RetentionStart, datetime]
    ) -> datetime:
        """When a value goes once the account is cancelled (``events`` holds the cancellation): then, unless
        the law keeps it longer. No purpose goes on for the person, so every purpose ends at the cancellation,
        except a period counted from the cancellation or from the end of the contract (records a law keeps;
        an end of contract never recorded is taken to be the cancellation), and a legal minimum counted from
        collection."""
        cancelled = events[RetentionStart.ACCOUNT_CANCELLATION].astimezone(UTC)
        ends = [cancelled]
        for pid in purposes:
            retention = self.spec.purposes[pid].retention
            end = cancelled
            if retention.period is not None and retention.after in (
                RetentionStart.ACCOUNT_CANCELLATION,
                RetentionStart.CONTRACT_END,
            ):
                end = retention.period.after(events.get(retention.after, cancelled).astimezone(UTC))
            if retention.legal_minimum is not None:
                end = max(end, retention.legal_minimum.after(collected_at.astimezone(UTC)))
            ends.append(end)
        return max(ends)

    def on_expiry(self, purposes: list[str]) -> OnExpiry:
        """What happens to a value when its retention ends: anonymised only if every purpose it serves says so
        (deleting is always allowed; keeping an anonymous trace needs each purpose's word)."""
        kinds = {self.spec.purposes[p].retention.on_expiry for p in purposes if p in self.spec.purposes}
        return OnExpiry.ANONYMISE if kinds == {OnExpiry.ANONYMISE} else OnExpiry.DELETE

    def recipients_of(self, field: str) -> list[str]:
        return [rid for rid, r in self.spec.recipients.items() if field in r.fields]


def _login(spec: PolicySpec) -> tuple[str, str] | None:
    """People log in with the first look-up mobile field collected by a basic function (A: 手机号注册/登录)."""
    for field_id, field in spec.fields.items():
        if field.type is FieldType.MOBILE and field.lookup:
            for purpose_id, purpose in spec.purposes.items():
                if field_id in purpose.fields and purpose.function is FunctionKind.BASIC:
                    return field_id, purpose_id
    return None


def spec_digest(spec: PolicySpec) -> str:
    """SHA-256 of the spec's canonical JSON: two specs with the same content have the same digest."""
    canonical = json.dumps(spec.model_dump(mode="json", by_alias=True), sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest()
