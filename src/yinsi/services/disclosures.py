"""Disclosing a person's PI to an authority (向国家机关提供): on a legal document, with an officer's approval.

An authority is never provided to by a service on its own say-so. A member of
staff who handles requests records the demand with the legal document's
reference (a court order's or a police notice's number); a privacy officer,
another person with the ``approve_disclosure`` operation, approves or refuses
it; only then are the values opened, once, for the officer to hand over. Only
an authority the spec declares, for one of its purposes and with only its
fields, can be disclosed to. Each step is recorded and audited.

Disclosures are kept in their own record, not in the provisions the person's
copy lists: a law may require that the person is not told (PIPL Art. 18, 35),
and the officer, not a download link, decides that.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import insert, select, update

from yinsi.adapters.db.rows import DisclosureRow, table_of
from yinsi.adapters.db.statements import newest_by_id
from yinsi.core import pages
from yinsi.core.access import Decision, Deny, FieldDecision
from yinsi.core.errors import AccessDenied, BadRequest, Conflict, Forbidden, not_found
from yinsi.core.i18n import Msg
from yinsi.core.pages import Page
from yinsi.core.policy.vocabulary import Operation, RecipientKind
from yinsi.services.audit import AuditEvent, require_subject_id
from yinsi.services.context import ServiceContext
from yinsi.services.vault import Actor, Vault

_disclosures = table_of(DisclosureRow)
LIST_LIMIT = 500


@dataclass(frozen=True, slots=True)
class Disclosure:
    id: int
    subject_id: str
    authority: str
    purpose: str
    fields: list[str]
    legal_reference: str
    requested_by: str
    requested_at: datetime
    state: str
    decided_by: str | None = None
    decided_at: datetime | None = None
    values: dict[str, str] = field(default_factory=dict, repr=False)  # only on the approval that opened them


def _of(r: Any, values: dict[str, str] | None = None) -> Disclosure:
    return Disclosure(
        int(r.id),
        r.subject_id,
        r.authority,
        r.purpose,
        list(r.fields),
        r.legal_reference,
        r.requested_by,
        r.requested_at,
        r.state,
        r.decided_by,
        r.decided_at,
        values or {},
    )


def _reference(text: str | None) -> str:
    reference = (text or "").strip()
    if not reference or len(reference) > 200 or not reference.isprintable():
        raise BadRequest(
            Msg(
                "向国家机关提供个人信息，须写明所依据法律文书的文号（1 到 200 个可打印字符）。",
                "A disclosure to an authority needs the reference of the legal document it rests on "
                "(1 to 200 printable characters).",
            ),
            field="legal_reference",
        )
    return reference


class Disclosures:
    """Disclosures to authorities: the context for units, policy and clock; the vault only for the access gate,
    a subject's status, opening the values on approval, and the audited look at the record."""

    def __init__(self, context: ServiceContext, vault: Vault) -> None:
        self._context = context
        self._vault = vault

    def request_disclosure(
        self,
        *,
        subject_id: str,
        authority: str,
        purpose: str,
        fields: list[str],
        legal_reference: str | None,
        actor: Actor,
    ) -> Disclosure:
        """Records an authority's demand, pending a privacy officer's decision; nothing is opened yet."""
        reference = _reference(legal_reference)
        if not fields:
            raise BadRequest(
                Msg("请写明国家机关要求提供的字段。", "Name the fields the authority demands."), field="fields"
            )
        wanted = list(dict.fromkeys(fields))
        declared = self._context.policy.spec.recipients.get(authority)
        reason: Deny | None = None
        if declared is None or declared.kind is not RecipientKind.AUTHORITY:
            reason = Deny.AUTHORITY_NOT_DECLARED
        elif purpose not in declared.purposes:
            reason = Deny.PURPOSE_NOT_FOR_AUTHORITY
        elif not set(wanted) <= set(declared.fields):
            reason = Deny.FIELD_NOT_FOR_AUTHORITY
        now = self._context.now()
        with self._context.unit() as uow:
            # Whether it could be a subject id comes first: what was typed in its place (a phone number) must not
            # reach even a refusal's audit event. Whether it is one is told only to a role that may ask.
            require_subject_id(subject_id)
            self._vault.require_operation(
                uow, actor, Operation.HANDLE_REQUESTS, subject_id, event="disclosure-request-denied"
            )
            self._vault.subject_status(uow.connection, subject_id)
            if reason is not None:
                allowed = set(declared.fields) if reason is Deny.FIELD_NOT_FOR_AUTHORITY and declared else set()
                decision = Decision(
                    actor.role,
                    purpose,
                    Operation.PROVIDE,
                    tuple(FieldDecision(f, f in allowed, None, None if f in allowed else reason) for f in wanted),
                    None if reason is Deny.FIELD_NOT_FOR_AUTHORITY else reason,
                )
                uow.record(
                    AuditEvent(
                        "disclosure-request-denied",
                        actor.id,
                        role=actor.role,
                        subject=subject_id,
                        purpose=purpose,
                        decision="denied",
                        requested=wanted,
                        reasons={f: reason.value for f in wanted if f not in allowed},
                        # An undeclared authority is not named: what was typed is not the spec's, and could be anything.
                        details={"authority": authority if reason is not Deny.AUTHORITY_NOT_DECLARED else None},
                    )
                )
                raise AccessDenied(decision)
            row = uow.connection.execute(
                insert(_disclosures)
                .values(
                    subject_id=subject_id,
                    authority=authority,
                    purpose=purpose,
                    fields=wanted,
                    legal_reference=reference,
                    requested_by=actor.id,
                    requested_at=now,
                    state="pending",
                )
                .returning(*_disclosures.c)
            ).one()
            uow.record(
                AuditEvent(
                    "disclosure-requested",
                    actor.id,
                    role=actor.role,
                    subject=subject_id,
                    purpose=purpose,
                    requested=list(row.fields),
                    details={"authority": authority, "disclosure": int(row.id), "legal_reference": reference},
                )
            )
        return _of(row)

    def decide_disclosure(self, *, disclosure_id: int, approve: bool, actor: Actor) -> Disclosure:
        """A privacy officer's decision. Approved, the values are opened (whole: an authority gets what the legal
        document demands) and returned this once; the officer who decides cannot be the one who asked."""
        now = self._context.now()
        with self._context.unit() as uow:
            self._vault.require_operation(
                uow, actor, Operation.APPROVE_DISCLOSURE, None, event="disclosure-decision-denied"
            )
            connection = uow.connection
            row = connection.execute(select(_disclosures).where(_disclosures.c.id == disclosure_id)).first()
            if row is None:
                raise not_found("这个披露请求", "disclosure")
            if row.state != "pending":
                raise Conflict(Msg("这个披露请求已经有了决定。", "This disclosure has already been decided."))
            if row.requested_by == actor.id:
                raise Forbidden(
                    Msg(
                        "提出披露请求的人不能自己批准：请由另一位个人信息保护负责人决定。",
                        "Whoever recorded a disclosure cannot decide it: another privacy officer must.",
                    )
                )
            values: dict[str, str] = {}
            if approve:
                if self._vault.subject_status(connection, row.subject_id) == "shredded":
                    raise Conflict(Msg("这个人的个人信息已被删除。", "This person's PI has been erased."))
                values = self._vault.open_fields(connection, row.subject_id, row.fields)
            state = "approved" if approve else "refused"
            connection.execute(
                update(_disclosures)
                .where(_disclosures.c.id == disclosure_id)
                .values(state=state, decided_by=actor.id, decided_at=now)
            )
            details = {"authority": row.authority, "disclosure": disclosure_id, "legal_reference": row.legal_reference}
            if approve:
                uow.record(
                    AuditEvent(
                        "pi-disclosed",
                        actor.id,
                        role=actor.role,
                        subject=row.subject_id,
                        purpose=row.purpose,
                        decision="allowed",
                        requested=list(row.fields),
                        returned=dict.fromkeys(values, "whole"),
                        details={**details, "requested_by": row.requested_by},
                    )
                )
            else:
                uow.record(
                    AuditEvent("disclosure-refused", actor.id, role=actor.role, subject=row.subject_id, details=details)
                )
            decided = connection.execute(select(_disclosures).where(_disclosures.c.id == disclosure_id)).one()
        return _of(decided, values)

    def disclosures(
        self, *, actor: Actor, subject_id: str | None = None, authority: str | None = None
    ) -> list[Disclosure]:
        """The newest disclosure records (see ``disclosures_page``)."""
        return self.disclosures_page(actor=actor, subject_id=subject_id, authority=authority).items

    def disclosures_page(
        self,
        *,
        actor: Actor,
        subject_id: str | None = None,
        authority: str | None = None,
        limit: int = LIST_LIMIT,
        cursor: str | None = None,
    ) -> Page[Disclosure]:
        """Disclosure records, newest first, a page at a time (fields and references, never values); looking is
        audited."""
        limit = max(1, min(limit, LIST_LIMIT))
        query = newest_by_id(select(_disclosures), _disclosures.c.id, limit=limit, cursor=cursor)
        if subject_id is not None:
            query = query.where(_disclosures.c.subject_id == subject_id)
        if authority is not None:
            query = query.where(_disclosures.c.authority == authority)
        rows = self._vault.audited_look(
            query,
            actor=actor,
            subject_id=subject_id,
            event="disclosures-viewed",
            denied_event="disclosures-view-denied",
            details={"authority": authority},
        )
        return pages.cut([_of(r) for r in rows], limit, lambda d: (d.id,))
