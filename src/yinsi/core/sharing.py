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
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from yinsi.core.access import GRANTED, ConsentSnapshot, Deny
from yinsi.core.policy import law
from yinsi.core.policy.model import PolicySpec, Recipient
from yinsi.core.policy.vocabulary import CrossBorderRule, RecipientKind, TransferMechanism

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
        return Deny.PURPOSE_NOT_DECLARED
    if purpose not in recipient.purposes or not fields or not set(fields) <= set(recipient.fields):
        return Deny.FIELD_NOT_DECLARED
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
