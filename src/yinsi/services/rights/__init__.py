"""Rights requests end to end: filing, answering, refusing, withdrawing, and the privacy officer's queue.

A request the person files through their own session counts as identity
verified (they logged in with an SMS code); what they can do themselves
(access, copy, explain, correct, delete, withdraw, and cancelling an account
whose policy allows self-service) is answered in the same transaction. The
rest waits in the privacy officer's queue with a due date in days or Chinese
working days. Every transition is recorded, audited and notified.
"""

from __future__ import annotations

import json
import uuid
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Connection, func, select

from yinsi.core.deadlines import today_in_china
from yinsi.core.errors import BadRequest, Conflict, not_found
from yinsi.core.i18n import Msg
from yinsi.core.policy.vocabulary import ExcessiveAction
from yinsi.core.requests import AUTOMATIC, RequestType, State, TransitionRefused, due, excess
from yinsi.core.sealing import seal_value
from yinsi.services import consent, minors, rate_limits, self_service
from yinsi.services.consent import Action, ConsentAct
from yinsi.services.rights.answers import Answers
from yinsi.services.rights.base import (
    _INSERT_REQUEST,
    GUARDIAN_ACTION,
    NO_ACCOUNT,
    TYPE_NAMES,
    Filing,
    RequestRefusedNow,
    RequestView,
    _requests,
    _right,
    _self_service_cancel,
)
from yinsi.services.rights.cancellation import Cancellation
from yinsi.services.rights.queue import StaffQueue
from yinsi.services.unit_of_work import UnitOfWork
from yinsi.services.vault import Actor, ImmutableField

__all__ = ["Filing", "RequestRefusedNow", "RequestView", "Rights"]


class Rights(Answers, Cancellation, StaffQueue):
    """The whole workflow: filing and carrying out requests, and every part above."""

    def file(
        self,
        *,
        subject: str,
        kind: RequestType,
        filing: Filing,
        by: str,
        filed_by: str = "subject",
        no_account: bool = False,
    ) -> RequestView:
        """Files a request for ``subject`` (by the person, their guardian or a relative) and answers it at once
        when the person can do it themselves."""
        policy = self.policy
        now = self.vault.now()
        right = policy.spec.rights.get(_right(kind))
        if right is not None and right.offered == "no":
            raise RequestRefusedNow(
                Msg(f"隐私政策不提供{TYPE_NAMES[kind].zh}。", f"The policy does not offer {TYPE_NAMES[kind].en}.")
            )
        with self.vault.unit() as uow:
            connection = uow.connection
            if subject != NO_ACCOUNT and self.vault.subject_status(connection, subject) in ("shredded", "restricted"):
                raise not_found("这个账号", "account")
            if filed_by == "guardian":
                if kind not in GUARDIAN_ACTION:
                    raise RequestRefusedNow(
                        Msg(
                            f"监护人不能代未成年人提出{TYPE_NAMES[kind].zh}请求。",
                            f"A guardian cannot file a request for {TYPE_NAMES[kind].en} on a minor's behalf.",
                        )
                    )
                minors.require_guardian_of(connection, by, subject, policy, GUARDIAN_ACTION[kind])
            needs_review = kind not in AUTOMATIC and not (
                kind is RequestType.CANCEL_ACCOUNT and _self_service_cancel(policy)
            )
            deadline, basis = due(policy.spec, kind, today_in_china(now), needs_review=needs_review)
            request_id = str(uuid.uuid4())
            sealed, version = self._seal_payload(connection, by, filing, no_account=no_account)
            earlier = self._earlier(connection, subject, kind, now, by)
            rule = excess(policy.spec, earlier)
            details: dict[str, Any] = {
                "fields": filing.fields,
                "purpose": filing.purpose,
                "consent": [filing.consent_kind, filing.consent_scope],
                "wants": filing.wants,
                "relationship": filing.relationship,
            }
            connection.execute(
                _INSERT_REQUEST,
                {
                    "id": request_id,
                    "subject_id": subject,
                    "type": kind.value,
                    "state": State.RECEIVED.value,
                    "filed_by": filed_by,
                    "filer_id": by,
                    "created_at": now,
                    "due_on": deadline.due,
                    "due_exact": deadline.exact,
                    "due_basis": basis,
                    "fee_notice": bool(rule.exceeded and rule.action is ExcessiveAction.FEE),
                    "details": {k: v for k, v in details.items() if v not in (None, [], [None, None])},
                    "sealed_payload": sealed,
                    "payload_key_version": version,
                },
            )
            self._event(uow, request_id, subject, None, State.RECEIVED, f"subject:{by}")
            if rule.exceeded and rule.action is ExcessiveAction.REFUSE:
                self._move(
                    uow,
                    request_id,
                    subject,
                    State.RECEIVED,
                    State.REFUSED,
                    f"subject:{by}",
                    outcome="excessive_requests",
                )
                return self._view(connection, request_id, with_answer=False)
            # The session proves who is asking: the person (or their linked guardian) logged in with an SMS code.
            if filed_by in ("subject", "guardian"):
                self._move(uow, request_id, subject, State.RECEIVED, State.VERIFIED, "system")
            answer: dict[str, Any] | None = None
            if filed_by in ("subject", "guardian") and (kind in AUTOMATIC or not needs_review):
                answer = self._carry_out(uow, request_id, subject, kind, filing, by)
            view = self._view(connection, request_id, with_answer=False)
            view.answer = answer
            if answer is None and kind is RequestType.CANCEL_ACCOUNT:
                view.answer = self.blocked_answer(connection, subject, request_id)  # staff review it; say what waits
            if view.fee_notice:
                view.details["fee_notice"] = True
        return view

    def file_next_of_kin(self, *, by: str, filing: Filing) -> RequestView:
        """A relative's request about a deceased person (PIPL Art. 49), found by the phone they registered with.

        The answer is the same whether or not the number has an account (the same status, body and steps), so
        the form cannot be used to learn who has one: a number that matches none is filed all the same, against
        no one (NO_ACCOUNT), and what the relative wrote records ``no_account`` for the officer, who refuses it.
        Each filing counts against a daily limit per relative, found or not.
        """
        if not filing.deceased_phone or not filing.relationship or not filing.text:
            raise BadRequest(
                Msg(
                    "近亲属请求需要写明逝者的手机号、您与逝者的关系和证明材料说明。",
                    "A next-of-kin request needs the deceased's phone number, your relationship and "
                    "a description of your proof.",
                )
            )
        key = rate_limits.digest(self.vault.keyring.secret("codes"), "next_of_kin", by)
        with self.vault.unit() as uow:
            rate_limits.consume(uow.connection, rate_limits.NEXT_OF_KIN_PER_FILER, key, self.vault.now())
        deceased = self.accounts.find_subject_by_phone(filing.deceased_phone)
        if deceased == by:  # their own number: nothing is learnt by saying so
            raise BadRequest(
                Msg("不能为自己的账号提出近亲属请求。", "A next-of-kin request cannot be about your own account."),
                field="deceased_phone",
            )
        return self.file(
            subject=deceased or NO_ACCOUNT,
            kind=RequestType.NEXT_OF_KIN,
            filing=filing,
            by=by,
            filed_by="relative",
            no_account=deceased is None,
        )

    def _earlier(self, connection: Connection, subject: str, kind: RequestType, now: datetime, by: str) -> int:
        """Earlier requests of this kind in the spec's window: the person's own, or for a relative's request
        the relative's (a stranger must not use up a family's allowance)."""
        rule = self.policy.spec.requests.excessive
        if rule is None:
            return 0
        since = now - timedelta(days=rule.window_days)
        whose = _requests.c.filer_id == by if kind is RequestType.NEXT_OF_KIN else _requests.c.subject_id == subject
        return int(
            connection.execute(
                select(func.count())
                .select_from(_requests)
                .where(
                    whose,
                    _requests.c.type == kind.value,
                    _requests.c.created_at > since,
                    _requests.c.state != State.WITHDRAWN.value,
                )
            ).scalar_one()
        )

    def _seal_payload(
        self, connection: Connection, by: str, filing: Filing, *, no_account: bool = False
    ) -> tuple[bytes | None, int | None]:
        """What the person wrote is PI (a complaint, a relative's statement): sealed under the filer's own key.
        Whether a relative's number matched no account is sealed with it, for staff's eyes only."""
        if not filing.text and not filing.values and not filing.deceased_phone:
            return None, None
        key = self.vault.keyring.data_key(connection, by)
        if key is None:
            return None, None
        content: dict[str, Any] = {
            "text": filing.text,
            "values": filing.values,
            "deceased_phone": filing.deceased_phone,
        }
        if no_account:
            content["no_account"] = True
        document = json.dumps(content, ensure_ascii=False)
        return seal_value(key[0], by, "request.payload", key[1], document), key[1]

    def _carry_out(
        self, uow: UnitOfWork, request_id: str, subject: str, kind: RequestType, filing: Filing, by: str
    ) -> dict[str, Any] | None:
        actor = Actor(f"subject:{by}", "subject" if by == subject else "guardian")
        connection = uow.connection
        try:
            if kind is RequestType.ACCESS:
                answer: dict[str, Any] | None = self.access_answer(connection, subject, filing.lang)
            elif kind is RequestType.EXPLAIN:
                answer = self.explain_answer(filing.fields or None, filing.lang)
            elif kind is RequestType.COPY:
                answer = self._export(uow, request_id, subject)
            elif kind is RequestType.CORRECT:
                if not filing.values:
                    raise BadRequest(Msg("请写明要更正或补充的字段和值。", "Say which fields to correct and to what."))
                written = self_service.correct(
                    self.vault, uow, subject=subject, values=filing.values, actor=actor, purpose=filing.purpose
                )
                answer = {"corrected": written}
                self._tell_recipients(uow, subject, written, "correct", request_id)
            elif kind is RequestType.DELETE:
                fields = filing.fields or sorted(self.policy.purpose_fields.get(filing.purpose or "", ()))
                if not fields:
                    raise BadRequest(Msg("请写明要删除的字段或目的。", "Say which fields or purpose to delete."))
                answer = {"deleted": self_service.delete(self.vault, uow, subject=subject, fields=fields, actor=actor)}
                self._tell_recipients(uow, subject, answer["deleted"], "delete", request_id)
            elif kind is RequestType.WITHDRAW:
                if not filing.consent_kind or not filing.consent_scope:
                    raise BadRequest(
                        Msg("请写明要撤回的同意（kind 和 scope）。", "Say which consent to withdraw (kind and scope).")
                    )
                entry = consent.give(
                    uow,
                    self.policy,
                    subject,
                    ConsentAct(
                        consent.kind_of(filing.consent_kind),
                        filing.consent_scope,
                        Action.WITHDRAW,
                        "api",
                        "0" * 64,
                        filing.lang,
                        affirmative=True,
                    ),
                    by=by,
                    now=self.vault.now(),
                )
                answer = {"withdrawn": {"kind": entry.kind, "scope": entry.scope, "entry": entry.id}}
            elif kind is RequestType.CANCEL_ACCOUNT:
                return self._cancel(uow, request_id, subject, actor)
            else:
                return None
        except (ImmutableField, self_service.LegalHold) as exc:
            outcome = "field_immutable" if isinstance(exc, ImmutableField) else "legal_retention_applies"
            # The outcome code carries the reason into the request's history and its notice (GROUND_NAMES).
            self._move(uow, request_id, subject, State.VERIFIED, State.REFUSED, "system", outcome=outcome)
            return {"refused": {"reason": outcome, "field": exc.field, "zh": exc.message.zh, "en": exc.message.en}}
        self._move(uow, request_id, subject, State.VERIFIED, State.COMPLETED, "system")
        return answer

    def withdraw(self, *, request_id: str, by: str) -> RequestView:
        with self.vault.unit() as uow:
            row = self._row(uow.connection, request_id)
            if row.filer_id != by:
                raise not_found("这个请求", "request")
            try:
                self._move(uow, request_id, row.subject_id, State(row.state), State.WITHDRAWN, f"subject:{by}")
            except TransitionRefused:
                raise Conflict(
                    Msg("这个请求已经结束，不能撤回。", "This request has ended and cannot be withdrawn.")
                ) from None
            return self._view(uow.connection, request_id, with_answer=False)

    def get(self, *, request_id: str, by: str, lang: str = "zh-CN") -> RequestView:
        with self.vault.engine.connect() as connection:
            row = self._row(connection, request_id)
            if row.filer_id != by:
                raise not_found("这个请求", "request")
            # The answer is read live: a former guardian sees the request, no longer the minor's PI.
            answer = row.filed_by != "guardian" or self.may_act_as_guardian(connection, by, row.subject_id, "access")
            return self._view(connection, request_id, with_answer=answer, lang=lang)

    def list_for(self, *, by: str) -> list[RequestView]:
        with self.vault.engine.connect() as connection:
            ids = (
                connection.execute(
                    select(_requests.c.id).where(_requests.c.filer_id == by).order_by(_requests.c.created_at.desc())
                )
                .scalars()
                .all()
            )
            return [self._view(connection, i, with_answer=False) for i in ids]
