"""Making a person's PI public (公开) only as the spec declares it, and recording each time it is done.

The spec's ``public_disclosures`` say what may be made public, to whom and on which basis; until now nothing
that ran held anyone to it. Here a disclosure goes ahead only when ``core.sharing.public_terms`` allows it: a
declared disclosure, only its fields, by a role with ``provide`` that sees them, and, unless a law is its
basis, while the person's separate consent to it (PIPL Art. 25; Art. 29 for sensitive PI) is in force. The
consent is read in the same transaction as the values, so a withdrawal counts from the next call on.

Where the spec marks a disclosure ``deidentified``, what goes out is de-identified (``core.deidentify``): the
person appears under a pseudonym keyed for that disclosure alone (so nothing made public can be joined to
what a recipient holds), an address as its city, a date as its year, any other value as a pseudonym. A value
that cannot be generalised is withheld, never published whole. When a law is the basis, the legal document's
reference is recorded beside it.

Each disclosure is recorded (fields, basis, actor; never the values), audited, listed by person or by
disclosure for a role that may view the audit, and shown in the person's copy of their data beside the
provisions to recipients.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import exists, insert, select

from yinsi.adapters.db.rows import PublicDisclosureRow, table_of
from yinsi.adapters.db.statements import newest_by_id
from yinsi.core import pages
from yinsi.core.access import Decision, Deny, FieldDecision
from yinsi.core.deadlines import today_in_china
from yinsi.core.deidentify import deidentify, pseudonym, public_method, recipient_key
from yinsi.core.errors import AccessDenied, BadRequest, NotFound
from yinsi.core.i18n import Msg
from yinsi.core.pages import Page
from yinsi.core.policy.vocabulary import Operation
from yinsi.core.sharing import disclosure_scope, public_terms
from yinsi.services.audit import AuditEvent
from yinsi.services.context import ServiceContext
from yinsi.services.unit_of_work import UnitOfWork
from yinsi.services.vault import Actor, Vault
from yinsi.services.vault.rows import GONE

_published = table_of(PublicDisclosureRow)
LIST_LIMIT = 500

NEEDS_A_FILTER = Msg(
    "请按个人（subject）或公开事项（disclosure）筛选公开记录。",
    "Filter the public disclosure records by subject or by disclosure.",
)
NEEDS_A_REFERENCE = Msg(
    "这项公开不以同意为依据：须写明所依据法律文书或法律条文的文号（1 到 200 个可打印字符）。",
    "This disclosure does not rest on consent: give the reference of the legal document or provision it rests "
    "on (1 to 200 printable characters).",
)


@dataclass(frozen=True, slots=True)
class Publication:
    """What may be made public this once, as the spec says it may go out."""

    id: int
    disclosure: str
    values: dict[str, str] = field(repr=False)  # PI: never in a repr, a log or a failing test's output
    subject_ref: str  # the subject id, or the disclosure's pseudonym of it when it is de-identified
    deidentified: dict[str, str] = field(default_factory=dict)  # field -> method
    basis: str = ""


@dataclass(frozen=True, slots=True)
class PublicationRecord:
    """One public disclosure as the record keeps it: fields named, never values."""

    id: int
    subject_id: str
    disclosure: str
    fields: list[str]
    actor: str
    at: datetime
    details: dict[str, Any]


def _reference(text: str | None) -> str:
    reference = (text or "").strip()
    if not reference or len(reference) > 200 or not reference.isprintable():
        raise BadRequest(NEEDS_A_REFERENCE, field="legal_reference")
    return reference


class PublicDisclosures:
    """The one way PI is made public: checked against the spec, de-identified where it says, recorded."""

    def __init__(self, context: ServiceContext, vault: Vault) -> None:
        self._context = context
        self._vault = vault  # a subject's status and consents, opening the values, the audited look

    def disclose(
        self,
        *,
        actor: Actor,
        subject_id: str,
        disclosure: str,
        fields: list[str],
        legal_reference: str | None = None,
    ) -> Publication:
        """The values to make public under ``disclosure``, once everything allows it; refused (and the refusal
        audited) otherwise."""
        wanted = list(dict.fromkeys(fields))
        with self._context.unit() as uow:
            basis = self._basis(uow, actor, subject_id, disclosure, wanted)
            reference = _reference(legal_reference) if basis != "separate_consent" else None
            return self._publish(uow, actor, subject_id, disclosure, wanted, basis, reference)

    def _basis(self, uow: UnitOfWork, actor: Actor, subject_id: str, disclosure: str, fields: list[str]) -> str:
        policy = self._context.policy
        connection = uow.connection
        status = self._vault.subject_status(connection, subject_id)
        snapshot = self._vault.consents.snapshot(connection, subject_id, policy)
        terms = public_terms(policy, actor.role, disclosure, fields, snapshot)
        if not isinstance(terms, Deny) and status not in GONE:  # a Deny is a str too: test it first
            return terms
        reason = terms if isinstance(terms, Deny) else Deny.SUBJECT_ERASED
        uow.record(
            AuditEvent(
                "public-disclosure-denied",
                actor.id,
                role=actor.role,
                subject=subject_id,
                decision="denied",
                requested=fields,
                reasons={"*": reason.value},
                details={"disclosure": disclosure},
            )
        )
        decision = Decision(
            actor.role,
            disclosure,
            Operation.PROVIDE,
            tuple(FieldDecision(f, False, None, reason) for f in fields),
            reason,
        )
        raise AccessDenied(decision)

    def _publish(
        self,
        uow: UnitOfWork,
        actor: Actor,
        subject_id: str,
        disclosure: str,
        fields: list[str],
        basis: str,
        reference: str | None,
    ) -> Publication:
        policy = self._context.policy
        declared = policy.spec.public_disclosures[disclosure]
        opened = self._vault.open_fields(uow.connection, subject_id, fields)
        values: dict[str, str] = {}
        methods: dict[str, str] = {}
        subject_ref = subject_id
        if declared.deidentified:
            # A key of this disclosure's own: "public." never begins a recipient id, so it can be no recipient's.
            key = recipient_key(self._context.keyring.secret("index"), disclosure_scope(disclosure))
            subject_ref = pseudonym(key, "subject", subject_id)
            today = today_in_china(self._context.now())
            for field_id, canonical in opened.items():
                method = public_method(policy.field_types[field_id])
                out = deidentify(method, key, field_id, policy.field_types[field_id], canonical, today)
                if out is not None:
                    values[field_id] = out
                    methods[field_id] = method.value
        else:
            values = opened
        details: dict[str, Any] = {"basis": basis}
        if reference is not None:
            details["legal_reference"] = reference
        if declared.deidentified:
            details["deidentified"] = methods
            details["subject_ref"] = subject_ref
        record_id = int(
            uow.connection.execute(
                insert(_published)
                .values(
                    subject_id=subject_id,
                    disclosure=disclosure,
                    fields=sorted(values),
                    actor=actor.id,
                    at=self._context.now(),
                    details=details,
                )
                .returning(_published.c.id)
            ).scalar_one()
        )
        uow.record(
            AuditEvent(
                "pi-made-public",
                actor.id,
                role=actor.role,
                subject=subject_id,
                decision="allowed",
                requested=fields,
                returned={f: methods.get(f, "whole") for f in values},
                details={"disclosure": disclosure, "record": record_id, "basis": basis},
            )
        )
        return Publication(record_id, disclosure, values, subject_ref, methods, basis)

    def records_page(
        self,
        *,
        actor: Actor,
        subject_id: str | None = None,
        disclosure: str | None = None,
        limit: int = LIST_LIMIT,
        cursor: str | None = None,
    ) -> Page[PublicationRecord]:
        """The public disclosures of one person, or under one disclosure, newest first, a page at a time, for
        a role that may view the audit; the look is audited."""
        if subject_id is None and disclosure is None:
            raise BadRequest(NEEDS_A_FILTER, field="subject")
        limit = max(1, min(limit, LIST_LIMIT))
        query = newest_by_id(select(_published), _published.c.id, limit=limit, cursor=cursor)
        if subject_id is not None:
            query = query.where(_published.c.subject_id == subject_id)
        if disclosure is not None:
            self._require_disclosure(disclosure)
            query = query.where(_published.c.disclosure == disclosure)
        rows = self._vault.audited_look(
            query,
            actor=actor,
            subject_id=subject_id,
            event="public-disclosures-viewed",
            denied_event="public-disclosures-view-denied",
            details={"disclosure": disclosure},
        )
        found = [
            PublicationRecord(
                int(r.id), r.subject_id, r.disclosure, list(r.fields), r.actor, r.at, dict(r.details or {})
            )
            for r in rows
        ]
        return pages.cut(found, limit, lambda r: (r.id,))

    def _require_disclosure(self, disclosure: str) -> None:
        """A disclosure filter names one the spec declares, or one recorded before (a later policy may have
        dropped it); anything else is an error listing the declared ones. What was typed is not repeated, nor
        recorded in the look's audit event: it could be anything, a phone number too."""
        declared = sorted(self._context.policy.spec.public_disclosures)
        if disclosure in declared:
            return
        with self._context.connect() as connection:
            known = connection.execute(select(exists().where(_published.c.disclosure == disclosure))).scalar()
        if not known:
            names = ", ".join(declared)
            raise NotFound(
                Msg(
                    f"找不到这项公开：规范声明的公开事项是 {names or '（无）'}。",
                    f"No such public disclosure: the spec declares {names or '(none)'}.",
                ),
                field="disclosure",
            )
