"""The person's side of rights requests: filing, following and withdrawing them.

A request the person files through their own session counts as identity
verified (they logged in with an SMS code); what they can do themselves
(access, copy, explain, correct, delete, withdraw, and cancelling an account
whose policy allows self-service) is answered in the same transaction. The
rest waits in the privacy officer's queue with a due date in days or Chinese
working days.
"""

from __future__ import annotations

import json
import uuid
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Connection, func, select

from yinsi.adapters.db.statements import older_than
from yinsi.core import pages
from yinsi.core.deadlines import today_in_china
from yinsi.core.errors import BadRequest, Conflict, not_found
from yinsi.core.i18n import Msg
from yinsi.core.pages import Page
from yinsi.core.policy.compiled import CompiledPolicy
from yinsi.core.policy.vocabulary import ExcessiveAction
from yinsi.core.requests import AUTOMATIC, FINAL, RequestType, State, TransitionRefused, due, excess
from yinsi.core.sealing import seal_value
from yinsi.services import minors, rate_limits
from yinsi.services.accounts import Accounts
from yinsi.services.notices import to_staff
from yinsi.services.rights.base import (
    GUARDIAN_ACTION,
    INSERT_REQUEST,
    NO_ACCOUNT,
    REQUESTS,
    TYPE_NAMES,
    Filing,
    RequestRefusedNow,
    RequestStore,
    RequestView,
    right_of,
    self_service_cancel,
)
from yinsi.services.rights.handlers import ANSWER_OF, Parts, carry_out
from yinsi.services.vault.rows import GONE


class PersonRequests:
    """The person's side: filing (for themselves, a ward, or a deceased relative), following and withdrawing
    their requests; what they can settle themselves is carried out at once (``handlers.CARRY_OUT``)."""

    def __init__(self, store: RequestStore, parts: Parts, accounts: Accounts) -> None:
        self.store = store
        self.context = store.context
        self.vault = store.vault
        self.parts = parts
        self.accounts = accounts

    @property
    def policy(self) -> CompiledPolicy:
        return self.context.policy

    def file(
        self,
        *,
        subject: str,
        kind: RequestType,
        filing: Filing,
        by: str,
        filed_by: str = "subject",
        no_account: bool = False,
        actor: str | None = None,
        channel: str | None = None,
    ) -> RequestView:
        """Files a request for ``subject`` (by the person, their guardian or a relative) and answers it at once
        when the person can do it themselves."""
        policy = self.policy
        now = self.context.now()
        right = policy.spec.rights.get(right_of(kind))
        if right is not None and right.offered == "no":
            raise RequestRefusedNow(
                Msg(f"隐私政策不提供{TYPE_NAMES[kind].zh}。", f"The policy does not offer {TYPE_NAMES[kind].en}.")
            )
        with self.context.unit() as uow:
            connection = uow.connection
            if subject != NO_ACCOUNT and self.vault.subject_status(connection, subject) in GONE:
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
                kind is RequestType.CANCEL_ACCOUNT and self_service_cancel(policy)
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
                "channel": channel,
            }
            connection.execute(
                INSERT_REQUEST,
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
            self.store.event(uow, request_id, subject, None, State.RECEIVED, actor or f"subject:{by}")
            if rule.exceeded and rule.action is ExcessiveAction.REFUSE:
                self.store.move(
                    uow,
                    request_id,
                    subject,
                    State.RECEIVED,
                    State.REFUSED,
                    f"subject:{by}",
                    outcome="excessive_requests",
                )
                return self.store.view(connection, request_id)
            # The session proves who is asking: the person (or their linked guardian) logged in with an SMS code.
            if filed_by in ("subject", "guardian"):
                self.store.move(uow, request_id, subject, State.RECEIVED, State.VERIFIED, "system")
            answer: dict[str, Any] | None = None
            if filed_by in ("subject", "guardian") and (kind in AUTOMATIC or not needs_review):
                answer = carry_out(self.parts, self.store, uow, request_id, subject, kind, filing, by)
            view = self.store.view(connection, request_id)
            view.answer = answer
            if answer is None and kind is RequestType.CANCEL_ACCOUNT:
                view.answer = self.parts.cancellation.blocked_answer(
                    connection, subject, request_id
                )  # staff review it; say what waits
            if view.fee_notice:
                view.details["fee_notice"] = True
            inbox = self.store.staff_inbox
            if inbox is not None and view.state not in FINAL:  # it waits for staff: tell them
                notice = to_staff.new_request_notice(inbox, request_id=request_id, kind=kind, due_on=view.due_on)
                uow.after_commit(lambda: self.store.notifier.send(notice))
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
        key = rate_limits.digest(self.context.keyring.secret("codes"), "next_of_kin", by)
        with self.context.unit() as uow:
            rate_limits.consume(uow.connection, rate_limits.NEXT_OF_KIN_PER_FILER, key, self.context.now())
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
        whose = REQUESTS.c.filer_id == by if kind is RequestType.NEXT_OF_KIN else REQUESTS.c.subject_id == subject
        return int(
            connection.execute(
                select(func.count())
                .select_from(REQUESTS)
                .where(
                    whose,
                    REQUESTS.c.type == kind.value,
                    REQUESTS.c.created_at > since,
                    REQUESTS.c.state != State.WITHDRAWN.value,
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
        key = self.context.keyring.data_key(connection, by)
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

    def withdraw(self, *, request_id: str, by: str) -> RequestView:
        with self.context.unit() as uow:
            row = self.store.row(uow.connection, request_id)
            if row.filer_id != by:
                raise not_found("这个请求", "request")
            try:
                self.store.move(uow, request_id, row.subject_id, State(row.state), State.WITHDRAWN, f"subject:{by}")
            except TransitionRefused:
                raise Conflict(
                    Msg("这个请求已经结束，不能撤回。", "This request has ended and cannot be withdrawn.")
                ) from None
            return self.store.view(uow.connection, request_id)

    def get(self, *, request_id: str, by: str, lang: str = "zh-CN") -> RequestView:
        with self.context.connect() as connection:
            row = self.store.row(connection, request_id)
            if row.filer_id != by:
                raise not_found("这个请求", "request")
            view = self.store.view(connection, request_id)
            # The answer is read live: a former guardian sees the request, no longer the minor's PI.
            if row.filed_by != "guardian" or self.store.may_act_as_guardian(connection, by, row.subject_id, "access"):
                view.answer = self._answer(connection, row, view, lang)
            return view

    def _answer(self, connection: Connection, row: Any, view: RequestView, lang: str) -> dict[str, Any] | None:
        if row.state == State.COMPLETED.value:
            reanswer = ANSWER_OF.get(RequestType(row.type))
            # Restricted: a cancelled account whose remaining PI a law keeps, for storage only.
            if reanswer is None or self.vault.subject_status(connection, row.subject_id) in GONE:
                return None
            return reanswer(self.parts, connection, row, view, lang)
        if row.type == RequestType.CANCEL_ACCOUNT.value and row.state not in {s.value for s in FINAL}:
            # An open cancellation says what it waits on: the person sees each blocker and what to do about it.
            return self.parts.cancellation.blocked_answer(connection, row.subject_id, request_id=row.id)
        return None

    def list_for(self, *, by: str) -> list[RequestView]:
        """Every request ``by`` filed, newest first."""
        return self.page_for(by=by, limit=1_000_000).items

    def page_for(self, *, by: str, limit: int, cursor: str | None = None) -> Page[RequestView]:
        """The requests ``by`` filed, newest first, a page at a time."""
        after = pages.decode(cursor, 2)
        query = (
            select(REQUESTS.c.id)
            .where(REQUESTS.c.filer_id == by)
            .order_by(REQUESTS.c.created_at.desc(), REQUESTS.c.id.desc())
            .limit(limit + 1)
        )
        if after is not None:
            query = query.where(older_than(REQUESTS.c.created_at, REQUESTS.c.id, after))
        with self.context.connect() as connection:
            ids = connection.execute(query).scalars().all()
            views = [self.store.view(connection, i) for i in ids]
        return pages.cut(views, limit, lambda v: (v.created_at.isoformat(), v.id))
