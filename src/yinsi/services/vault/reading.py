"""Opening values: the masked read a decision allows, and the whole values the rights workflows need.

Nothing is decrypted before the decision: a read fetches the subject's status
and sealed values in one round trip, decides, and opens only the fields it may
show. The join with the keystore means a shredded key yields nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import replace
from typing import Any

from sqlalchemy import Connection

from yinsi.core.access import ConsentSnapshot, Decision, Deny
from yinsi.core.errors import not_found
from yinsi.core.masking import mask
from yinsi.core.policy.compiled import CompiledPolicy
from yinsi.core.policy.vocabulary import Operation, Visibility
from yinsi.core.sealing import open_value
from yinsi.services.audit import AuditEvent
from yinsi.services.keyring import KeyRing
from yinsi.services.unit_of_work import ReadUnit
from yinsi.services.vault import rows
from yinsi.services.vault.gate import AccessGate
from yinsi.services.vault.model import Actor, ReadResult, StoredValue


class Opener:
    def __init__(self, *, policy: Callable[[], CompiledPolicy], keyring: KeyRing, gate: AccessGate) -> None:
        self._policy = policy
        self._keyring = keyring
        self._gate = gate

    def read(
        self, uow: ReadUnit, *, actor: Actor, subject_id: str, purpose: str, fields: Sequence[str] | None
    ) -> ReadResult:
        policy = self._policy()
        wanted = list(fields) if fields else sorted(policy.purpose_fields.get(purpose, ()))
        if not wanted:
            wanted = ["*"]
        found = uow.connection.execute(rows.STATUS_AND_SEALED, {"subject_id": subject_id}).all()
        if not found:
            raise not_found("这个个人", "subject")
        erased = found[0].status in rows.GONE
        decision = self._gate.decide(
            uow,
            actor=actor,
            subject_id=subject_id,
            purpose=purpose,
            fields=wanted,
            operation=Operation.READ,
            erased=erased,
        )
        instead_of: str | None = None
        alternative = self._non_personalised(decision, purpose)
        if alternative is not None:
            # Personalisation is off: the purpose that does not profile the person serves them instead.
            instead_of, purpose = purpose, alternative
            in_alternative = policy.purpose_fields[alternative]
            wanted = [f for f in wanted if f in in_alternative] if fields else sorted(in_alternative)
            consent = self._gate.consent(uow.connection, subject_id, purpose, writing=False)
            decision = self._gate.decide(
                uow,
                actor=actor,
                subject_id=subject_id,
                purpose=purpose,
                fields=wanted or ["*"],
                operation=Operation.READ,
                erased=erased,
                consent=_inherit(consent, instead_of, purpose),
            )
        if not decision.any_allowed:
            self._gate.refuse(uow, "pi-read-denied", actor, subject_id, decision)
        shown = decision.forms()
        opened = self.open_rows(subject_id, [r for r in found if r.field in shown and r.wrapped is not None])
        values: dict[str, str] = {}
        forms: dict[str, Visibility] = {}
        for field_id, value in opened.items():
            form = shown.get(field_id, Visibility.MASKED)
            values[field_id] = value if form is Visibility.WHOLE else mask(policy.field_types[field_id], value)
            forms[field_id] = form
        absent = [f for f in decision.allowed_fields if f not in opened]
        uow.record(
            AuditEvent(
                "pi-read",
                actor.id,
                role=actor.role,
                subject=subject_id,
                purpose=purpose,
                decision="allowed" if decision.all_allowed else "partial",
                requested=wanted,
                returned={f: forms[f].value for f in forms},
                reasons={f: r.value for f, r in decision.denied.items()},
                details={"instead_of": instead_of, "reason": Deny.PERSONALISATION_OFF.value} if instead_of else {},
            )
        )
        return ReadResult(subject_id, purpose, values, forms, decision.denied, absent, instead_of)

    def _non_personalised(self, decision: Decision, purpose: str) -> str | None:
        """The purpose to serve instead of ``purpose``, when the person switched personalisation off and the
        spec names a non-personalised alternative for it (PIPL Art. 24: an option not aimed at them)."""
        if decision.reason is not Deny.PERSONALISATION_OFF:
            return None
        return self._policy().spec.purposes[purpose].non_personalised_alternative

    def open_fields(self, connection: Connection, subject_id: str, fields: Iterable[str]) -> dict[str, str]:
        return self.open_rows(
            subject_id, connection.execute(rows.OPEN, {"subject_id": subject_id, "fields": list(fields)}).all()
        )

    def open_fields_of(
        self, connection: Connection, subjects: Sequence[str], fields: Iterable[str]
    ) -> dict[str, dict[str, str]]:
        found = rows.sealed_of_many(connection, subjects, list(fields))
        return {subject: self.open_rows(subject, sealed) for subject, sealed in found.items()}

    def open_rows(self, subject_id: str, sealed: Sequence[Any]) -> dict[str, str]:
        opened: dict[str, str] = {}
        for row in sealed:
            data_key = self._keyring.unwrap(subject_id, int(row.version), bytes(row.wrapped), row.master_key_id)
            opened[row.field] = open_value(data_key, subject_id, row.field, int(row.key_version), bytes(row.sealed))
        return opened

    def stored_values(self, connection: Connection, subject_id: str) -> list[StoredValue]:
        found = connection.execute(rows.STORED, {"subject_id": subject_id}).all()  # values and keys in one read
        opened = self.open_rows(subject_id, found)
        order = {f: i for i, f in enumerate(self._policy().field_types)}
        return [
            StoredValue(r.field, opened[r.field], r.collected_at, r.source, list(r.purposes), r.retain_until)
            for r in sorted(found, key=lambda r: order.get(r.field, len(order)))
        ]


def _inherit(consent: ConsentSnapshot, personalised: str, alternative: str) -> ConsentSnapshot:
    """The alternative serves on the consent the person gave the personalised purpose (they asked for the
    function, only not profiled), unless they decided on the alternative itself."""
    states = dict(consent.states)
    if any((kind, alternative) in states for kind in ("purpose", "separate")):
        return consent
    for kind in ("purpose", "separate"):
        if (kind, personalised) in states:
            states[(kind, alternative)] = states[(kind, personalised)]
    return replace(consent, states=states)
