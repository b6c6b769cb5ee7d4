"""Providing a person's PI to a recipient the spec declares (共享、委托处理、对外提供), and recording it.

A provision is allowed only to a declared recipient, for one of its declared
purposes, with only the fields declared for it, by a role with the ``provide``
operation; where the spec says the recipient needs the person's separate
consent (PIPL Art. 23) or a cross-border consent (Art. 39), that consent must
be in force. Each provision is recorded (kept at least three years, 网络数据安全
管理条例 Art. 12) and appears in the person's copy of their data.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import insert

from yinsi.adapters.db.rows import ProvisionRow, table_of
from yinsi.core.access import GRANTED, Decision, Deny, FieldDecision, decide
from yinsi.core.errors import AccessDenied
from yinsi.core.policy.vocabulary import Operation
from yinsi.services.audit import AuditEvent
from yinsi.services.vault import Actor, Vault

_provisions = table_of(ProvisionRow)


@dataclass(frozen=True, slots=True)
class Provision:
    id: int
    recipient: str
    purpose: str
    values: dict[str, str]


def provide(
    vault: Vault, *, actor: Actor, subject_id: str, recipient: str, purpose: str, fields: list[str]
) -> Provision:
    """The values to hand to ``recipient`` (whole: the recipient needs the real data), once everything allows it."""
    policy = vault.policy
    spec_recipient = policy.spec.recipients.get(recipient)
    with vault.unit() as uow:
        connection = uow.connection
        status = vault.subject_status(connection, subject_id)
        snapshot = vault.consents.snapshot(connection, subject_id, policy)
        decision = decide(
            policy,
            role=actor.role,
            purpose=purpose,
            fields=fields,
            operation=Operation.PROVIDE,
            consent=snapshot,
            subject_erased=status in ("shredded", "restricted"),  # restricted: kept by law, storage only
        )
        reason: Deny | None = decision.first_reason
        if reason is None and (
            spec_recipient is None
            or purpose not in spec_recipient.purposes
            or not set(fields) <= set(spec_recipient.fields)
        ):
            reason = Deny.FIELD_NOT_DECLARED if spec_recipient is not None else Deny.PURPOSE_NOT_DECLARED
        if (
            reason is None
            and spec_recipient is not None
            and (spec_recipient.separate_consent or spec_recipient.cross_border_consent)
            and snapshot.status("separate", f"recipient.{recipient}") != GRANTED
        ):
            reason = Deny.SEPARATE_CONSENT_REQUIRED
        if reason is not None and reason is not decision.first_reason:
            # Refused by the recipient's own terms, not by the role: every field, for that one reason.
            decision = Decision(
                actor.role,
                purpose,
                Operation.PROVIDE,
                tuple(FieldDecision(f, False, None, reason) for f in fields),
                reason,
            )
        if reason is not None:
            uow.record(
                AuditEvent(
                    "pi-provision-denied",
                    actor.id,
                    role=actor.role,
                    subject=subject_id,
                    purpose=purpose,
                    decision="denied",
                    requested=fields,
                    reasons={"*": reason.value},
                    details={"recipient": recipient},
                )
            )
            raise AccessDenied(decision)
        values = vault.open_fields(connection, subject_id, fields)
        provision_id = int(
            connection.execute(
                insert(_provisions)
                .values(
                    subject_id=subject_id,
                    recipient=recipient,
                    purpose=purpose,
                    fields=sorted(values),
                    actor=actor.id,
                    at=vault.now(),
                    details={},
                )
                .returning(_provisions.c.id)
            ).scalar_one()
        )
        uow.record(
            AuditEvent(
                "pi-provided",
                actor.id,
                role=actor.role,
                subject=subject_id,
                purpose=purpose,
                decision="allowed",
                requested=fields,
                returned=dict.fromkeys(values, "whole"),
                details={"recipient": recipient, "provision": provision_id},
            )
        )
    return Provision(provision_id, recipient, purpose, values)
