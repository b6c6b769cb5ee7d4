"""Providing a person's PI to a recipient the spec declares (共享、委托处理、对外提供), and recording it.

A provision is allowed only to a declared recipient, for one of its declared
purposes, with only the fields declared for it, by a role with the ``provide``
operation that may see those fields; the recipient's own terms are decided by
``core.sharing`` (separate consent, PIPL Art. 23; transfers abroad only with a
named mechanism and separate consent, Art. 38-39). What leaves is
de-identified as the spec says for the recipient (``core.deidentify``): a
keyed pseudonym of the recipient's own for the person and for each field
marked ``pseudonym``, generalised values for the others so marked.

Each provision is recorded with the basis it rested on (kept at least three
years, 网络数据安全管理条例 Art. 12), appears in the person's copy of their data,
and can be listed by subject or by recipient.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, exists, insert, select

from yinsi.adapters.db.rows import EntrustmentEndingRow, ProvisionRow, table_of
from yinsi.adapters.db.statements import newest_by_id
from yinsi.core import pages
from yinsi.core.access import Decision, Deny, FieldDecision, decide
from yinsi.core.deadlines import today_in_china
from yinsi.core.deidentify import deidentify, pseudonym, recipient_key
from yinsi.core.errors import AccessDenied, BadRequest, NotFound
from yinsi.core.i18n import Msg
from yinsi.core.pages import Page
from yinsi.core.policy.vocabulary import Operation
from yinsi.core.sharing import Terms, provision_terms
from yinsi.services.audit import AuditEvent
from yinsi.services.context import ServiceContext
from yinsi.services.unit_of_work import UnitOfWork
from yinsi.services.vault import Actor, Vault
from yinsi.services.vault.rows import GONE

_provisions = table_of(ProvisionRow)
_endings = table_of(EntrustmentEndingRow)
LIST_LIMIT = 500


@dataclass(frozen=True, slots=True)
class Provision:
    id: int
    recipient: str
    purpose: str
    values: dict[str, str] = field(repr=False)  # PI: never in a repr, a log or a failing test's output
    subject_ref: str  # the subject id, or the recipient's pseudonym of it when the recipient gets de-identified data
    deidentified: dict[str, str] = field(default_factory=dict)  # field -> method, for the fields sent so
    basis: str = ""
    mechanism: str | None = None


@dataclass(frozen=True, slots=True)
class ProvisionRecord:
    """One provision as the record keeps it: fields named, never values."""

    id: int
    subject_id: str
    recipient: str
    purpose: str
    fields: list[str]
    actor: str
    at: datetime
    details: dict[str, Any]


def _refused(actor: Actor, purpose: str, fields: list[str], reason: Deny) -> Decision:
    return Decision(
        actor.role, purpose, Operation.PROVIDE, tuple(FieldDecision(f, False, None, reason) for f in fields), reason
    )


def entrustment_ended(connection: Connection, recipient: str) -> bool:
    return bool(connection.execute(select(exists().where(_endings.c.recipient == recipient))).scalar())


NEEDS_A_FILTER = Msg(
    "请按个人（subject）或接收方（recipient）筛选对外提供记录。",
    "Filter the provision records by subject or by recipient.",
)


class Provisions:
    """Provisions to declared recipients and their record: the context for units, keys, policy and clock; the
    vault only to open values, read a subject's status and consents, and audit a look at the record."""

    def __init__(self, context: ServiceContext, vault: Vault) -> None:
        self._context = context
        self._vault = vault

    def subject_pseudonym(self, recipient: str, subject_id: str) -> str:
        """The pseudonym under which ``recipient`` knows ``subject_id``: stable for it, unrelated for any other."""
        return pseudonym(recipient_key(self._context.keyring.secret("index"), recipient), "subject", subject_id)

    def provide(self, *, actor: Actor, subject_id: str, recipient: str, purpose: str, fields: list[str]) -> Provision:
        """The values to hand to ``recipient``, de-identified as the spec says, once everything allows it."""
        with self._context.unit() as uow:
            return self.provide_in(
                uow, actor=actor, subject_id=subject_id, recipient=recipient, purpose=purpose, fields=fields
            )

    def provide_in(
        self,
        uow: UnitOfWork,
        *,
        actor: Actor,
        subject_id: str,
        recipient: str,
        purpose: str,
        fields: list[str],
    ) -> Provision:
        """``provide`` inside a caller's unit of work (an authority is never provided to here: see disclosures)."""
        terms = self._allowed_terms(uow, actor, subject_id, recipient, purpose, fields)
        spec_recipient = self._context.policy.spec.recipients[recipient]
        key = recipient_key(self._context.keyring.secret("index"), recipient)
        values, methods = self._as_received(uow, key, subject_id, recipient, fields)
        subject_ref = pseudonym(key, "subject", subject_id) if spec_recipient.deidentified else subject_id
        mechanism = terms.mechanism.value if terms.mechanism is not None else None
        details: dict[str, Any] = {"basis": terms.basis, "region": terms.region}
        if mechanism is not None:
            details["mechanism"] = mechanism
        if methods:
            details["deidentified"] = methods
        if spec_recipient.deidentified:
            details["subject_ref"] = subject_ref
        provision_id = int(
            uow.connection.execute(
                insert(_provisions)
                .values(
                    subject_id=subject_id,
                    recipient=recipient,
                    purpose=purpose,
                    fields=sorted(values),
                    actor=actor.id,
                    at=self._context.now(),
                    details=details,
                )
                .returning(_provisions.c.id)
            ).scalar_one()
        )
        event_details: dict[str, Any] = {"recipient": recipient, "provision": provision_id, "basis": terms.basis}
        if mechanism is not None:
            event_details["mechanism"] = mechanism
        uow.record(
            AuditEvent(
                "pi-provided",
                actor.id,
                role=actor.role,
                subject=subject_id,
                purpose=purpose,
                decision="allowed",
                requested=fields,
                returned={f: methods.get(f, "whole") for f in values},
                details=event_details,
            )
        )
        if mechanism is not None:
            uow.record(
                AuditEvent(
                    "pi-transferred-abroad",
                    actor.id,
                    role=actor.role,
                    subject=subject_id,
                    purpose=purpose,
                    details={"recipient": recipient, "provision": provision_id, "mechanism": mechanism},
                )
            )
        return Provision(provision_id, recipient, purpose, values, subject_ref, methods, terms.basis, mechanism)

    def _allowed_terms(
        self, uow: UnitOfWork, actor: Actor, subject_id: str, recipient: str, purpose: str, fields: list[str]
    ) -> Terms:
        """The role's access decision, then the recipient's own terms; a refusal is audited and raised."""
        policy = self._context.policy
        connection = uow.connection
        status = self._vault.subject_status(connection, subject_id)
        snapshot = self._vault.consents.snapshot(connection, subject_id, policy)
        decision = decide(
            policy,
            role=actor.role,
            purpose=purpose,
            fields=fields,
            operation=Operation.PROVIDE,
            consent=snapshot,
            subject_erased=status in GONE,  # restricted: kept by law, storage only
        )
        reason = decision.first_reason
        if reason is None:
            terms = provision_terms(policy.spec, recipient, purpose, fields, snapshot)
            if isinstance(terms, Terms) and not entrustment_ended(connection, recipient):
                return terms
            # Refused by the recipient's own terms, not by the role: every field, for that one reason.
            reason = terms if isinstance(terms, Deny) else Deny.ENTRUSTMENT_ENDED
            decision = _refused(actor, purpose, fields, reason)
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

    def _as_received(
        self, uow: UnitOfWork, key: bytes, subject_id: str, recipient: str, fields: list[str]
    ) -> tuple[dict[str, str], dict[str, str]]:
        """The values as the recipient may receive them, and how each de-identified one was; a value that cannot
        be generalised is withheld, never sent whole."""
        policy = self._context.policy
        methods_of = policy.spec.recipients[recipient].deidentify
        today = today_in_china(self._context.now())
        values: dict[str, str] = {}
        methods: dict[str, str] = {}
        for field_id, canonical in self._vault.open_fields(uow.connection, subject_id, fields).items():
            method = methods_of.get(field_id)
            if method is None:
                values[field_id] = canonical
                continue
            out = deidentify(method, key, field_id, policy.field_types[field_id], canonical, today)
            if out is not None:
                values[field_id] = out
                methods[field_id] = method.value
        return values, methods

    def records(
        self,
        *,
        actor: Actor,
        subject_id: str | None = None,
        recipient: str | None = None,
        limit: int = LIST_LIMIT,
    ) -> list[ProvisionRecord]:
        """The newest ``limit`` provision records of one subject or recipient (see ``records_page``)."""
        return self.records_page(actor=actor, subject_id=subject_id, recipient=recipient, limit=limit).items

    def records_page(
        self,
        *,
        actor: Actor,
        subject_id: str | None = None,
        recipient: str | None = None,
        limit: int = LIST_LIMIT,
        cursor: str | None = None,
    ) -> Page[ProvisionRecord]:
        """The provision records of one subject, or of one recipient, newest first, a page at a time, for a role
        that may view the audit; the look itself is audited, as any view of the audit is."""
        if subject_id is None and recipient is None:
            raise BadRequest(NEEDS_A_FILTER, field="subject")
        if recipient is not None:
            self._require_recipient(recipient)
        limit = max(1, min(limit, LIST_LIMIT))
        query = newest_by_id(select(_provisions), _provisions.c.id, limit=limit, cursor=cursor)
        if subject_id is not None:
            query = query.where(_provisions.c.subject_id == subject_id)
        if recipient is not None:
            query = query.where(_provisions.c.recipient == recipient)
        rows = self._vault.audited_look(
            query,
            actor=actor,
            subject_id=subject_id,
            event="provisions-viewed",
            denied_event="provisions-view-denied",
            details={"recipient": recipient},
        )
        found = [
            ProvisionRecord(
                int(r.id), r.subject_id, r.recipient, r.purpose, list(r.fields), r.actor, r.at, dict(r.details or {})
            )
            for r in rows
        ]
        return pages.cut(found, limit, lambda r: (r.id,))

    def _require_recipient(self, recipient: str) -> None:
        """A recipient filter names a recipient the spec declares or one provided to before (a later policy
        version may have dropped it); anything else is an error that lists the declared ones, never an empty
        answer a misspelt name would look like. An authority is declared too: the console links to its list,
        which is empty (what it is given is a disclosure, listed with the disclosures). What was typed is not
        repeated: it could be anything."""
        declared = sorted(self._context.policy.spec.recipients)
        if recipient in declared:
            return
        with self._context.connect() as connection:
            known = connection.execute(select(exists().where(_provisions.c.recipient == recipient))).scalar()
        if not known:
            names = ", ".join(declared) or "（无）"
            raise NotFound(
                Msg(
                    f"找不到这个接收方：规范声明的接收方是 {names}。",
                    f"No such recipient: the spec declares {names if declared else '(none)'}.",
                ),
                field="recipient",
            )
