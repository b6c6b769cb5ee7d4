"""The access decision: role × purpose × field × the subject's consents × the declared legal basis.

One pure function, ``decide``, answers every request to read, write, look up,
provide or erase PI. It denies by default and gives a reason per field, so a
partial answer can say exactly what was withheld and why. It is deliberately
free of I/O: the services pass in the consent state they read, and the result
is what they audit.

Consent rules, after PIPL Art. 13-16 and 29:
- a purpose on a basis other than consent needs no consent, and withdrawing
  consent does not stop it;
- a consent-based purpose that needs a separate consent (单独同意) needs
  exactly that; accepting the policy never satisfies it;
- a consent-based additional function needs its own opt-in;
- a consent-based basic function is covered by accepting the policy, unless
  the person withdrew it;
- after a material policy change, consent-based processing waits until the
  person accepts the new version;
- personalisation switched off denies the purposes that profile the person.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum

from yinsi.core.policy.compiled import CompiledPolicy
from yinsi.core.policy.vocabulary import CrossBorderRule, Operation, Visibility


class Deny(StrEnum):
    """Why something was refused; the values are the stable codes the API returns."""

    ROLE_NOT_DECLARED = "role_not_declared"
    PURPOSE_NOT_DECLARED = "purpose_not_declared"
    PURPOSE_NOT_PERMITTED = "purpose_not_permitted"
    OPERATION_NOT_PERMITTED = "operation_not_permitted"
    FIELD_NOT_DECLARED = "field_not_declared"
    FIELD_NOT_IN_PURPOSE = "field_not_in_purpose"
    FIELD_NOT_VISIBLE = "field_not_visible"
    FIELD_NOT_LOOKUP = "field_not_lookup"
    CONSENT_REQUIRED = "consent_required"
    SEPARATE_CONSENT_REQUIRED = "separate_consent_required"
    CONSENT_WITHDRAWN = "consent_withdrawn"
    PERMISSION_NOT_GRANTED = "permission_not_granted"
    RECONSENT_REQUIRED = "policy_reconsent_required"
    PERSONALISATION_OFF = "personalisation_off"
    SUBJECT_ERASED = "subject_erased"
    CROSS_BORDER_NOT_ALLOWED = "cross_border_not_allowed"
    ENTRUSTMENT_ENDED = "entrustment_ended"
    DISCLOSURE_NOT_DECLARED = "disclosure_not_declared"  # no such public disclosure (公开) in the spec
    FIELD_NOT_IN_DISCLOSURE = "field_not_in_disclosure"  # the public disclosure does not declare this field
    AUTHORITY_NOT_DECLARED = "authority_not_declared"  # no recipient of kind authority by that name
    PURPOSE_NOT_FOR_AUTHORITY = "purpose_not_for_authority"  # the authority is declared, not for this purpose
    FIELD_NOT_FOR_AUTHORITY = "field_not_for_authority"  # the authority is declared, not with this field
    RECIPIENT_NOT_DECLARED = "recipient_not_declared"  # no recipient to provide to by that name (nor an authority)
    PURPOSE_NOT_FOR_RECIPIENT = "purpose_not_for_recipient"  # the recipient is declared, not for this purpose
    FIELD_NOT_FOR_RECIPIENT = "field_not_for_recipient"  # the recipient is declared, not with this field


GRANTED = "granted"
WITHDRAWN = "withdrawn"
STORAGE_SCOPE = "cross_border.storage"  # the separate consent to storage outside mainland China


@dataclass(frozen=True, slots=True)
class ConsentSnapshot:
    """A subject's consent state at one moment, as the ledger's current-state view holds it.

    Keys are ``(kind, scope)``: ``("purpose", "booking")``, ``("separate", "booking")``,
    ``("permission", "location")``, ``("personalisation", "all")``; values are
    ``granted``, ``refused`` or ``withdrawn``.
    """

    states: Mapping[tuple[str, str], str] = field(default_factory=dict)
    policy_accepted: bool = False
    reconsent_required: bool = False

    def status(self, kind: str, scope: str) -> str | None:
        return self.states.get((kind, scope))


NO_CONSENT = ConsentSnapshot()


@dataclass(frozen=True, slots=True)
class FieldDecision:
    field: str
    allowed: bool
    form: Visibility | None = None
    reason: Deny | None = None


@dataclass(frozen=True, slots=True)
class Decision:
    role: str
    purpose: str
    operation: Operation
    fields: tuple[FieldDecision, ...]
    reason: Deny | None = None  # set when the whole request is refused before looking at fields

    @property
    def allowed_fields(self) -> list[str]:
        return [f.field for f in self.fields if f.allowed]

    @property
    def denied(self) -> dict[str, Deny]:
        return {f.field: f.reason for f in self.fields if not f.allowed and f.reason is not None}

    @property
    def any_allowed(self) -> bool:
        return self.reason is None and any(f.allowed for f in self.fields)

    @property
    def all_allowed(self) -> bool:
        return self.reason is None and all(f.allowed for f in self.fields)

    @property
    def first_reason(self) -> Deny | None:
        if self.reason is not None:
            return self.reason
        return next((f.reason for f in self.fields if not f.allowed), None)

    def form_of(self, field_id: str) -> Visibility | None:
        return self.forms().get(field_id)

    def forms(self) -> dict[str, Visibility]:
        """How each allowed field is shown, in one pass (a read asks for every field's)."""
        return {f.field: f.form for f in self.fields if f.allowed and f.form is not None}


def refused(*, role: str, purpose: str, operation: Operation, fields: Iterable[str], reason: Deny) -> Decision:
    """A decision that refuses every field for one reason (an erased subject, an undeclared purpose)."""
    wanted = tuple(dict.fromkeys(fields))
    return Decision(role, purpose, operation, tuple(FieldDecision(f, False, None, reason) for f in wanted), reason)


def decide(
    policy: CompiledPolicy,
    *,
    role: str,
    purpose: str,
    fields: Iterable[str],
    operation: Operation,
    consent: ConsentSnapshot = NO_CONSENT,
    subject_erased: bool = False,
) -> Decision:
    """Allow or deny each of ``fields`` for ``role`` acting for ``purpose``; deny by default."""
    wanted = tuple(dict.fromkeys(fields))

    def refuse(reason: Deny) -> Decision:
        return refused(role=role, purpose=purpose, operation=operation, fields=wanted, reason=reason)

    if role not in policy.role_purposes:
        return refuse(Deny.ROLE_NOT_DECLARED)
    if purpose not in policy.purpose_fields:
        return refuse(Deny.PURPOSE_NOT_DECLARED)
    if purpose not in policy.role_purposes[role]:
        return refuse(Deny.PURPOSE_NOT_PERMITTED)
    if operation not in policy.role_operations[role]:
        return refuse(Deny.OPERATION_NOT_PERMITTED)
    if subject_erased:
        return refuse(Deny.SUBJECT_ERASED)
    consent_reason = _consent_reason(policy, purpose, operation, consent)
    if consent_reason is not None:
        return refuse(consent_reason)

    visible = policy.role_fields[role]
    in_purpose = policy.purpose_fields[purpose]
    results = []
    for field_id in wanted:
        if field_id not in policy.field_types:
            results.append(FieldDecision(field_id, False, None, Deny.FIELD_NOT_DECLARED))
        elif field_id not in in_purpose:
            results.append(FieldDecision(field_id, False, None, Deny.FIELD_NOT_IN_PURPOSE))
        elif operation is Operation.LOOKUP and field_id not in policy.lookup_fields:
            results.append(FieldDecision(field_id, False, None, Deny.FIELD_NOT_LOOKUP))
        elif operation in (Operation.READ, Operation.PROVIDE) and field_id not in visible:
            results.append(FieldDecision(field_id, False, None, Deny.FIELD_NOT_VISIBLE))
        else:
            form = visible.get(field_id, Visibility.MASKED) if operation is Operation.READ else None
            results.append(FieldDecision(field_id, True, form, None))
    return Decision(role, purpose, operation, tuple(results))


def _consent_reason(
    policy: CompiledPolicy, purpose: str, operation: Operation, consent: ConsentSnapshot
) -> Deny | None:
    spec = policy.spec.purposes[purpose]
    if operation is Operation.ERASE:
        return None  # erasing never needs consent: it is what withdrawal and cancellation lead to
    if purpose in policy.personalisation_purposes and consent.status("personalisation", "all") == WITHDRAWN:
        return Deny.PERSONALISATION_OFF
    if operation is Operation.WRITE and policy.storage_abroad:
        # Collecting into storage outside mainland China transfers PI abroad (PIPL Art. 38-39).
        cross = policy.spec.storage.cross_border
        if cross.rule is CrossBorderRule.PROHIBITED or cross.mechanism is None:
            return Deny.CROSS_BORDER_NOT_ALLOWED
        if consent.status("separate", STORAGE_SCOPE) != GRANTED:
            return Deny.SEPARATE_CONSENT_REQUIRED
    if operation is Operation.WRITE:
        for permission in spec.permissions:
            state = consent.status("permission", permission)
            if state is not None and state != GRANTED:
                return Deny.PERMISSION_NOT_GRANTED
    if not policy.needs_consent(purpose):
        return None
    if consent.reconsent_required:
        return Deny.RECONSENT_REQUIRED
    separate = policy.needs_separate_consent(purpose)
    kind = "separate" if separate else "purpose"
    state = consent.status(kind, purpose)
    if state == GRANTED:
        return None
    if state == WITHDRAWN:
        return Deny.CONSENT_WITHDRAWN
    if separate:
        return Deny.SEPARATE_CONSENT_REQUIRED
    if policy.is_basic(purpose) and consent.policy_accepted and state is None:
        return None
    return Deny.CONSENT_REQUIRED
