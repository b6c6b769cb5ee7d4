"""What the spec allows to go to a recipient, decided without I/O.

The rules a provision must pass besides the role's own access decision, after
PIPL Art. 21-23 and 38-39:

- the recipient is declared, the purpose is one declared for it, and every
  field is one declared for it (nothing else ever leaves);
- a recipient the spec marks as needing separate consent gets nothing until
  the person's separate consent to it is in force;
- a recipient outside mainland China (its own region, or the storage region
  when it names none) is refused unless the spec allows transfers abroad, names
  the legal mechanism for this recipient, and the person gave their separate
  consent to it;
- an authority is never provided to this way: a disclosure needs the legal
  document's reference and a privacy officer's approval (``services.disclosures``).

Making PI public (公开, PIPL Art. 25) has rules of the same kind (``public_terms``): only a
disclosure the spec declares, only its fields, by a role with ``provide`` that sees them,
and, unless a law is its basis, only while the person's separate consent to it is in force.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from yinsi.core.access import GRANTED, WITHDRAWN, ConsentSnapshot, Deny
from yinsi.core.policy import law
from yinsi.core.policy.compiled import CompiledPolicy
from yinsi.core.policy.model import PolicySpec, Recipient
from yinsi.core.policy.vocabulary import CrossBorderRule, LegalBasis, Operation, RecipientKind, TransferMechanism

MAINLAND = "CN"


@dataclass(frozen=True, slots=True)
class Terms:
    """Why a provision may go ahead: the basis it rests on and, for a transfer abroad, its mechanism."""

    basis: str  # the purpose's legal basis, or "separate_consent"
    region: str  # where the recipient is: an ISO code, or "abroad"
    mechanism: TransferMechanism | None  # set exactly when the recipient is outside mainland China


def region_of(spec: PolicySpec, recipient: Recipient) -> str:
    """Where a recipient processes PI: its own region, else where the operator stores PI, else mainland China
    (a policy that says nothing is read as the default PIPL Art. 40 sets)."""
    return recipient.region or spec.storage.region or MAINLAND


def is_abroad(spec: PolicySpec, recipient: Recipient) -> bool:
    """Outside mainland China: Hong Kong, Macao and Taiwan included (they have their own codes)."""
    return region_of(spec, recipient) != MAINLAND


def consent_scope(recipient_id: str) -> str:
    """The separate consent (单独同意) that covers providing to one recipient, at home or abroad."""
    return f"recipient.{recipient_id}"


def declared_refusal(spec: PolicySpec, recipient_id: str, purpose: str, fields: Sequence[str]) -> Deny | None:
    """The spec's own limits: a declared (non-authority) recipient, one of its purposes, only its fields."""
    recipient = spec.recipients.get(recipient_id)
    if recipient is None or recipient.kind is RecipientKind.AUTHORITY:
        return Deny.RECIPIENT_NOT_DECLARED
    if purpose not in recipient.purposes:
        return Deny.PURPOSE_NOT_FOR_RECIPIENT
    if not fields or not set(fields) <= set(recipient.fields):
        return Deny.FIELD_NOT_FOR_RECIPIENT
    return None


def provision_terms(
    spec: PolicySpec, recipient_id: str, purpose: str, fields: Sequence[str], consent: ConsentSnapshot
) -> Terms | Deny:
    """The terms a provision goes ahead on, or the reason it may not."""
    refusal = declared_refusal(spec, recipient_id, purpose, fields)
    if refusal is not None:
        return refusal
    recipient = spec.recipients[recipient_id]
    consented = consent.status("separate", consent_scope(recipient_id)) == GRANTED
    abroad = is_abroad(spec, recipient)
    if abroad:
        allowed = (
            spec.storage.cross_border.rule is not CrossBorderRule.PROHIBITED
            and recipient.transfer_mechanism is not None
            and recipient.cross_border_consent
        )
        if not allowed:
            return Deny.CROSS_BORDER_NOT_ALLOWED
        if not consented:
            return Deny.SEPARATE_CONSENT_REQUIRED
    elif (recipient.separate_consent or law.recipient_articles(spec, recipient_id)) and not consented:
        return Deny.SEPARATE_CONSENT_REQUIRED
    basis = "separate_consent" if consented else spec.purposes[purpose].legal_basis.value
    return Terms(basis, region_of(spec, recipient), recipient.transfer_mechanism if abroad else None)


def disclosure_scope(disclosure_id: str) -> str:
    """The separate consent (单独同意) that covers making PI public under one declared disclosure."""
    return f"public.{disclosure_id}"


def public_terms(
    policy: CompiledPolicy, role: str, disclosure_id: str, fields: Sequence[str], consent: ConsentSnapshot
) -> str | Deny:
    """The basis a public disclosure goes ahead on ("separate_consent", or the law's basis the spec names),
    or the reason it may not. A disclosure on by default is still refused without the consent: a default is
    no consent (PIPL Art. 25), and a withdrawal counts at the next call."""
    if role not in policy.role_operations:
        return Deny.ROLE_NOT_DECLARED
    if Operation.PROVIDE not in policy.role_operations[role]:
        return Deny.OPERATION_NOT_PERMITTED
    disclosure = policy.spec.public_disclosures.get(disclosure_id)
    if disclosure is None:
        return Deny.DISCLOSURE_NOT_DECLARED
    if not fields or not set(fields) <= set(disclosure.fields):
        return Deny.FIELD_NOT_IN_DISCLOSURE
    if not set(fields) <= set(policy.role_fields[role]):
        return Deny.FIELD_NOT_VISIBLE
    if disclosure_id in policy.separate_disclosures or disclosure.legal_basis is LegalBasis.CONSENT:
        state = consent.status("separate", disclosure_scope(disclosure_id))
        if state == GRANTED:
            return "separate_consent"
        return Deny.CONSENT_WITHDRAWN if state == WITHDRAWN else Deny.SEPARATE_CONSENT_REQUIRED
    return disclosure.legal_basis.value
