"""The one place where the vault asks the access decision, and audits a refusal.

Every operation on PI goes through ``AccessGate.check``: the decision of
``core.access.decide`` for the actor's role, the purpose, the fields and the
person's consent; a refusal is recorded in the unit of work (so it is
committed even though the operation rolls back) and raised. The system's own
operations (registration, cancellation, a person correcting their data) are
not decided by role, but ``refuse_undeclared`` still stops them at an erased
subject or a purpose the spec does not declare.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import NoReturn

from sqlalchemy import Connection

from yinsi.core.access import NO_CONSENT, ConsentSnapshot, Decision, Deny, decide, refused
from yinsi.core.errors import AccessDenied
from yinsi.core.policy.compiled import CompiledPolicy
from yinsi.core.policy.vocabulary import Operation
from yinsi.services.audit import AuditEvent
from yinsi.services.consent_state import ConsentReader
from yinsi.services.unit_of_work import ReadUnit, UnitOfWork
from yinsi.services.vault.model import Actor


class AccessGate:
    def __init__(self, policy: Callable[[], CompiledPolicy], consents: ConsentReader) -> None:
        self._policy = policy
        self.consents = consents

    def check(
        self,
        uow: UnitOfWork | ReadUnit,
        *,
        actor: Actor,
        subject_id: str | None,
        purpose: str,
        fields: Iterable[str],
        operation: Operation,
        erased: bool = False,
        denied_event: str,
        partial: bool = False,
    ) -> Decision:
        """The decision for ``actor``; raises ``AccessDenied`` (audited as ``denied_event``) unless every field
        is allowed, or, with ``partial``, unless at least one is (a read returns what it may, per field)."""
        decision = self.decide(
            uow,
            actor=actor,
            subject_id=subject_id,
            purpose=purpose,
            fields=fields,
            operation=operation,
            erased=erased,
        )
        if not (decision.any_allowed if partial else decision.all_allowed):
            self.refuse(uow, denied_event, actor, subject_id, decision)
        return decision

    def decide(
        self,
        uow: UnitOfWork | ReadUnit,
        *,
        actor: Actor,
        subject_id: str | None,
        purpose: str,
        fields: Iterable[str],
        operation: Operation,
        erased: bool = False,
        consent: ConsentSnapshot | None = None,
    ) -> Decision:
        """The decision alone, for a caller that may try something else before refusing (a read whose
        personalised purpose is switched off is served by its non-personalised alternative)."""
        if consent is None:
            consent = NO_CONSENT
            if subject_id is not None and operation in (Operation.READ, Operation.WRITE):
                consent = self.consent(uow.connection, subject_id, purpose, writing=operation is Operation.WRITE)
        return decide(
            self._policy(),
            role=actor.role,
            purpose=purpose,
            fields=fields,
            operation=operation,
            consent=consent,
            subject_erased=erased,
        )

    def refuse(
        self, uow: UnitOfWork | ReadUnit, event: str, actor: Actor, subject_id: str | None, decision: Decision
    ) -> NoReturn:
        uow.record(denial_event(event, actor, subject_id, decision))
        raise AccessDenied(decision)

    def require_operation(
        self, uow: UnitOfWork, actor: Actor, operation: Operation, subject_id: str | None, *, event: str
    ) -> None:
        """Refuses, and audits the refusal, an operation the actor's role is not given in the spec (one that
        touches no particular field: creating a subject, erasing one, managing cancellation blockers)."""
        if operation in self._policy().role_operations.get(actor.role, frozenset()):
            return
        decision = Decision(actor.role, "*", operation, (), Deny.OPERATION_NOT_PERMITTED)
        uow.record(denial_event(event, actor, subject_id, decision))
        raise AccessDenied(decision)

    def refuse_undeclared(
        self, *, actor: Actor, purpose: str, fields: Iterable[str], operation: Operation, erased: bool
    ) -> None:
        """The system's own operations skip the role decision, never the spec: no erased subject, no purpose
        it does not declare."""
        if erased:
            raise self.erased(actor=actor, purpose=purpose, fields=fields, operation=operation)
        if purpose not in self._policy().purpose_fields:
            raise AccessDenied(
                refused(
                    role=actor.role,
                    purpose=purpose,
                    operation=operation,
                    fields=fields,
                    reason=Deny.PURPOSE_NOT_DECLARED,
                )
            )

    def erased(self, *, actor: Actor, purpose: str, fields: Iterable[str], operation: Operation) -> AccessDenied:
        """The refusal for a subject whose PI is gone (shredded, or its key destroyed meanwhile); for a role the
        spec does not know (the system's own operations) too, the reason given is the erasure."""
        policy = self._policy()
        if actor.role in policy.role_purposes:
            decision = decide(
                policy, role=actor.role, purpose=purpose, fields=fields, operation=operation, subject_erased=True
            )
        else:
            decision = refused(
                role=actor.role, purpose=purpose, operation=operation, fields=fields, reason=Deny.SUBJECT_ERASED
            )
        return AccessDenied(decision)

    def consent(self, connection: Connection, subject_id: str, purpose: str, *, writing: bool) -> ConsentSnapshot:
        policy = self._policy()
        if not policy.depends_on_consent_state(purpose, writing=writing):
            return NO_CONSENT
        return self.consents.snapshot(connection, subject_id, policy)


def denial_event(action: str, actor: Actor, subject_id: str | None, decision: Decision) -> AuditEvent:
    reasons: dict[str, str] = {f: r.value for f, r in decision.denied.items()}
    if decision.reason is not None:
        reasons = {"*": decision.reason.value}
    return AuditEvent(
        action,
        actor.id,
        role=actor.role,
        subject=subject_id,
        purpose=decision.purpose,
        decision="denied",
        requested=[f.field for f in decision.fields],
        reasons=reasons,
    )
