"""What each type of request does, in one table per moment: carried out for the person, and answered later.

``CARRY_OUT`` holds one handler per request type the person can settle
themselves (access, explain, copy, correct, delete, withdraw, cancel): it runs
in the filing's unit of work and returns the answer. ``ANSWER_OF`` holds how a
completed request is answered again when the person looks at it later (the
answer is read live: what was deleted since is no longer shown). A type with
no entry waits for staff, or has nothing to show.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection

from yinsi.core.errors import BadRequest
from yinsi.core.i18n import Msg
from yinsi.core.requests import RequestType, State
from yinsi.services import consent
from yinsi.services.consent import Action, ConsentAct
from yinsi.services.rights.answers import Answers
from yinsi.services.rights.base import Filing, RequestStore, RequestView
from yinsi.services.rights.cancellation import Cancellation
from yinsi.services.self_service import LegalHold, SelfService
from yinsi.services.unit_of_work import UnitOfWork
from yinsi.services.vault import Actor, ImmutableField


@dataclass(frozen=True, slots=True)
class Parts:
    """The parts a handler may use."""

    answers: Answers
    cancellation: Cancellation
    self_service: SelfService


@dataclass(frozen=True, slots=True)
class Job:
    """One request being carried out: who asked, for whom, and what they wrote."""

    uow: UnitOfWork
    request_id: str
    subject: str
    filing: Filing
    by: str
    actor: Actor


Handler = Callable[[Parts, Job], dict[str, Any]]
"""Returns the answer; a handler that completes (or blocks) the request itself says so with ``FINISHES``."""


def _access(parts: Parts, job: Job) -> dict[str, Any]:
    return parts.answers.access_answer(job.uow.connection, job.subject, job.filing.lang)


def _explain(parts: Parts, job: Job) -> dict[str, Any]:
    return parts.answers.explain_answer(job.filing.fields or None, job.filing.lang)


def _copy(parts: Parts, job: Job) -> dict[str, Any]:
    return parts.answers.export(job.uow, job.request_id, job.subject)


def _correct(parts: Parts, job: Job) -> dict[str, Any]:
    if not job.filing.values:
        raise BadRequest(Msg("请写明要更正或补充的字段和值。", "Say which fields to correct and to what."))
    written = parts.self_service.correct_in(
        job.uow,
        subject=job.subject,
        values=job.filing.values,
        actor=job.actor,
        purpose=job.filing.purpose,
    )
    parts.cancellation.tell_recipients(job.uow, job.subject, written, "correct", job.request_id)
    return {"corrected": written}


def _delete(parts: Parts, job: Job) -> dict[str, Any]:
    policy = parts.answers.policy
    fields = job.filing.fields or sorted(policy.purpose_fields.get(job.filing.purpose or "", ()))
    if not fields:
        raise BadRequest(Msg("请写明要删除的字段或目的。", "Say which fields or purpose to delete."))
    deleted = parts.self_service.delete_in(job.uow, subject=job.subject, fields=fields, actor=job.actor)
    parts.cancellation.tell_recipients(job.uow, job.subject, deleted, "delete", job.request_id)
    return {"deleted": deleted}


def _withdraw(parts: Parts, job: Job) -> dict[str, Any]:
    filing = job.filing
    if not filing.consent_kind or not filing.consent_scope:
        raise BadRequest(
            Msg("请写明要撤回的同意（kind 和 scope）。", "Say which consent to withdraw (kind and scope).")
        )
    entry = parts.answers.ledger.give_in(
        job.uow,
        subject_id=job.subject,
        act=ConsentAct(
            consent.kind_of(filing.consent_kind),
            filing.consent_scope,
            Action.WITHDRAW,
            "api",
            "0" * 64,
            filing.lang,
            affirmative=True,
        ),
        by=job.by,
    )
    return {"withdrawn": {"kind": entry.kind, "scope": entry.scope, "entry": entry.id}}


def _cancel(parts: Parts, job: Job) -> dict[str, Any]:
    return parts.cancellation.cancel(job.uow, job.request_id, job.subject, job.actor)


CARRY_OUT: dict[RequestType, Handler] = {
    RequestType.ACCESS: _access,
    RequestType.EXPLAIN: _explain,
    RequestType.COPY: _copy,
    RequestType.CORRECT: _correct,
    RequestType.DELETE: _delete,
    RequestType.WITHDRAW: _withdraw,
    RequestType.CANCEL_ACCOUNT: _cancel,
}
FINISHES = frozenset({RequestType.CANCEL_ACCOUNT})
"""Types whose handler moves the request on itself (a cancellation completes, or waits on its blockers)."""


def carry_out(
    parts: Parts,
    store: RequestStore,
    uow: UnitOfWork,
    request_id: str,
    subject: str,
    kind: RequestType,
    filing: Filing,
    by: str,
    *,
    current: State = State.VERIFIED,
    staff_actor: Actor | None = None,
) -> dict[str, Any] | None:
    """Does what the person asked, if it is a type they can settle themselves, and moves the request on.
    Staff completing a request they filed for someone who phoned or wrote pass the request's ``current``
    state and themselves as ``staff_actor``."""
    handler = CARRY_OUT.get(kind)
    if handler is None:
        return None
    actor = staff_actor or Actor(f"subject:{by}", "subject" if by == subject else "guardian")
    mover = staff_actor.id if staff_actor is not None else "system"
    try:
        answer = handler(parts, Job(uow, request_id, subject, filing, by, actor))
    except (ImmutableField, LegalHold) as exc:
        outcome = "field_immutable" if isinstance(exc, ImmutableField) else "legal_retention_applies"
        # The outcome code carries the reason into the request's history and its notice (GROUND_NAMES).
        store.move(uow, request_id, subject, current, State.REFUSED, mover, outcome=outcome)
        return {"refused": {"reason": outcome, "field": exc.field, "zh": exc.message.zh, "en": exc.message.en}}
    if kind not in FINISHES:
        store.move(uow, request_id, subject, current, State.COMPLETED, mover)
    return answer


Reanswer = Callable[[Parts, Connection, Any, RequestView, str], "dict[str, Any] | None"]


def _reanswer_access(parts: Parts, connection: Connection, row: Any, view: RequestView, lang: str) -> dict[str, Any]:
    return parts.answers.access_answer(connection, row.subject_id, lang)


def _reanswer_explain(parts: Parts, connection: Connection, row: Any, view: RequestView, lang: str) -> dict[str, Any]:
    return parts.answers.explain_answer(view.details.get("fields") or None, lang)


def _reanswer_next_of_kin(
    parts: Parts, connection: Connection, row: Any, view: RequestView, lang: str
) -> dict[str, Any] | None:
    if (row.outcome or "").endswith(":access"):
        return parts.answers.access_answer(connection, row.subject_id, lang)
    if row.outcome == "approved:copy":
        return parts.answers.store.export_link(connection, row.id)
    return None


ANSWER_OF: dict[RequestType, Reanswer] = {
    RequestType.ACCESS: _reanswer_access,
    RequestType.EXPLAIN: _reanswer_explain,
    RequestType.NEXT_OF_KIN: _reanswer_next_of_kin,
}
