"""The privacy officer's side: the queue, assignment, and verifying, completing or refusing a request."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import ColumnElement, and_, func, insert, or_, select, update

from yinsi.core import pages
from yinsi.core.deadlines import today_in_china
from yinsi.core.errors import BadRequest, CancellationBlocked, Conflict
from yinsi.core.i18n import Msg
from yinsi.core.pages import Page
from yinsi.core.policy.compiled import CompiledPolicy
from yinsi.core.policy.vocabulary import Operation
from yinsi.core.requests import (
    FINAL,
    SYSTEM_REASONS,
    RequestType,
    State,
    TransitionRefused,
)
from yinsi.services import staff
from yinsi.services.audit import AuditEvent
from yinsi.services.rights.base import (
    EVENTS,
    NO_ACCOUNT,
    REQUESTS,
    STATE_NAMES,
    Filing,
    RequestStore,
    RequestView,
)
from yinsi.services.rights.handlers import Parts, carry_out
from yinsi.services.staff import Staff
from yinsi.services.unit_of_work import UnitOfWork
from yinsi.services.vault import Actor

# What completing a request staff filed for a person carries out (the rest are answered by staff themselves).
STAFF_CARRIED_OUT = frozenset({RequestType.ACCESS, RequestType.EXPLAIN, RequestType.CORRECT, RequestType.DELETE})


class StaffQueue:
    """The privacy officer's side over the same requests: the queue, assignment, and each action."""

    def __init__(self, store: RequestStore, parts: Parts, members: Staff) -> None:
        self.store = store
        self.members = members
        self.context = store.context
        self.parts = parts

    @property
    def policy(self) -> CompiledPolicy:
        return self.context.policy

    def queue(
        self,
        *,
        kind: str | None = None,
        state: str | None = None,
        due_before: str | None = None,
        overdue: bool = False,
        assigned_to: str | None = None,
        limit: int = 200,
        subject: str | None = None,
        include_closed: bool = False,
        newest_first: bool = False,
    ) -> list[RequestView]:
        """The first ``limit`` requests of the queue (see ``queue_page``)."""
        return self.queue_page(
            kind=kind,
            state=state,
            due_before=due_before,
            overdue=overdue,
            assigned_to=assigned_to,
            limit=limit,
            subject=subject,
            include_closed=include_closed,
            newest_first=newest_first,
        ).items

    def queue_page(
        self,
        *,
        kind: str | None = None,
        state: str | None = None,
        due_before: str | None = None,
        overdue: bool = False,
        assigned_to: str | None = None,
        limit: int = 200,
        cursor: str | None = None,
        subject: str | None = None,
        include_closed: bool = False,
        newest_first: bool = False,
    ) -> Page[RequestView]:
        """Open requests (or those in ``state``), soonest due first, a page at a time: the page after ``cursor``.
        ``subject``: only those about one person (``include_closed``: their closed ones too; ``newest_first``:
        in the order they were filed, for the person's page, one page only)."""
        if newest_first and cursor is not None:
            raise BadRequest(pages.BAD_CURSOR, field="cursor")
        after = pages.decode(cursor, 3)
        c = REQUESTS.c
        order = (c.created_at.desc(), c.id.desc()) if newest_first else (c.due_on, c.created_at, c.id)
        query = select(c.id).order_by(*order).limit(limit + 1)
        if after is not None:
            query = query.where(_after_in_queue(after))
        if kind:
            query = query.where(c.type == kind)
        if subject:
            query = query.where(c.subject_id == subject)
        if state:
            query = query.where(c.state == state)
        elif not include_closed:
            query = query.where(c.state.not_in([s.value for s in FINAL]))
        if due_before:
            # A date, not the text: PostgreSQL refuses to compare a date column with a string parameter.
            try:
                before = date.fromisoformat(due_before)
            except ValueError:
                raise BadRequest(
                    Msg("due_before 应是 YYYY-MM-DD 格式的日期。", "due_before must be a date, YYYY-MM-DD."),
                    field="due_before",
                ) from None
            query = query.where(c.due_on <= before)
        if overdue:
            query = query.where(
                REQUESTS.c.due_on < today_in_china(self.context.now()),
                REQUESTS.c.state.not_in([s.value for s in FINAL]),
            )
        if assigned_to:
            query = query.where(REQUESTS.c.assigned_to == assigned_to)
        with self.context.connect() as connection:
            views = [self.store.view(connection, i) for i in connection.execute(query).scalars()]
        return pages.cut(views, limit, lambda v: (v.due_on, v.created_at.isoformat(), v.id))

    def staff_view(
        self, request_id: str, *, with_payload: bool = False, viewer: Actor | None = None
    ) -> tuple[RequestView, dict[str, Any]]:
        """The request as staff see it and, only when asked (it is decrypted), what the person wrote; a
        ``viewer`` who reads what the person wrote is recorded in the audit trail."""
        with self.context.connect() as connection:
            row = self.store.row(connection, request_id)
            payload = self.store.payload(connection, row) if with_payload else {}
            view = self.store.view(connection, request_id)
        if viewer is not None:
            with self.context.unit() as uow:
                uow.record(
                    AuditEvent(
                        "request-viewed",
                        viewer.id,
                        role=viewer.role,
                        subject=view.subject_id,
                        details={"request": request_id},
                    )
                )
        return view, payload

    def assign(self, *, request_id: str, to: str, actor: Actor) -> RequestView:
        with self.context.unit() as uow:
            row = self.store.row(uow.connection, request_id)
            if row.state in {s.value for s in FINAL}:
                raise Conflict(Msg("已结束的请求不能分派。", "A closed request cannot be assigned."))
            assignee = self.members.member_in(uow.connection, to)
            if assignee is None or Operation.HANDLE_REQUESTS not in self.policy.role_operations.get(
                assignee.role, frozenset()
            ):
                raise BadRequest(
                    Msg(f"{to} 不是可以处理请求的在职员工。", f"{to} is not a member of staff who handles requests."),
                    field="to",
                )
            uow.connection.execute(update(REQUESTS).where(REQUESTS.c.id == request_id).values(assigned_to=to))
            uow.connection.execute(
                insert(EVENTS).values(
                    request_id=request_id,
                    at=self.context.now(),
                    from_state=row.state,
                    to_state=row.state,
                    actor=actor.id,
                    note="assigned",
                )
            )
            uow.record(
                AuditEvent(
                    "request-assigned",
                    actor.id,
                    role=actor.role,
                    subject=row.subject_id,
                    details={"request": request_id, "to": to},
                )
            )
            return self.store.view(uow.connection, request_id)

    def act(
        self, *, request_id: str, action: str, actor: Actor, ground: str | None = None, decision: str | None = None
    ) -> RequestView:
        """A staff action: verify, start, complete or refuse (with a ground from the spec's list)."""
        with self.context.unit() as uow:
            connection = uow.connection
            row = self.store.row(connection, request_id)
            current = State(row.state)
            if row.type == RequestType.NEXT_OF_KIN.value and action in ("complete", "refuse"):
                # Deciding a relative's request about a deceased person is a right of its own (PIPL Art. 49),
                # checked here so that every way in (HTTP, the terminal) asks for it.
                staff.require_role(self.policy, actor.role, Operation.DECIDE_NEXT_OF_KIN)
            try:
                if action == "verify":
                    self.store.move(uow, request_id, row.subject_id, current, State.VERIFIED, actor.id)
                elif action == "start":
                    self.store.move(uow, request_id, row.subject_id, current, State.IN_PROGRESS, actor.id)
                elif action == "refuse":
                    self._refuse(uow, row, current, actor, ground)
                elif action == "complete":
                    self._complete(uow, row, current, actor, decision)
                else:
                    raise BadRequest(
                        Msg(
                            "操作应是 verify、start、complete 或 refuse。",
                            "The action must be verify, start, complete or refuse.",
                        ),
                        field="action",
                    )
            except TransitionRefused:
                raise Conflict(
                    Msg(
                        f"处于“{STATE_NAMES[current].zh}”状态的请求不能这样处理。",
                        f"A request that is {STATE_NAMES[current].en} cannot be handled that way.",
                    )
                ) from None
            return self.store.view(connection, request_id)

    def _refuse(self, uow: UnitOfWork, row: Any, current: State, actor: Actor, ground: str | None) -> None:
        allowed = {g.value for g in self.policy.spec.requests.refusal_grounds} | set(SYSTEM_REASONS)
        if ground is None or ground not in allowed:
            raise BadRequest(
                Msg(
                    f"拒绝必须写明隐私政策列出的理由：{', '.join(sorted(allowed))}。",
                    f"A refusal needs a ground the policy lists: {', '.join(sorted(allowed))}.",
                ),
                field="ground",
            )
        self.store.move(uow, row.id, row.subject_id, current, State.REFUSED, actor.id, outcome=ground)

    def _complete(self, uow: UnitOfWork, row: Any, current: State, actor: Actor, decision: str | None) -> None:
        kind = RequestType(row.type)
        if current is State.RECEIVED:
            raise TransitionRefused("verify identity first")
        if kind is RequestType.NEXT_OF_KIN:
            self._next_of_kin(uow, row, current, actor, decision)
            return
        if row.filed_by == "staff" and kind in STAFF_CARRIED_OUT:
            # Filed by staff for someone who phoned or wrote: completing it does what they asked, once staff
            # verified who asked (a request filed in the person's own session is carried out at filing).
            payload = self.store.payload(uow.connection, row)
            details = row.details or {}
            filing = Filing(
                fields=list(details.get("fields") or []),
                values=dict(payload.get("values") or {}),
                purpose=details.get("purpose"),
                text=payload.get("text"),
            )
            carry_out(
                self.parts,
                self.store,
                uow,
                row.id,
                row.subject_id,
                kind,
                filing,
                row.subject_id,
                current=current,
                staff_actor=actor,
            )
            return
        if kind is RequestType.CANCEL_ACCOUNT:
            if current is State.VERIFIED:
                self.store.move(uow, row.id, row.subject_id, current, State.IN_PROGRESS, actor.id)
            answer = self.parts.cancellation.cancel(uow, row.id, row.subject_id, actor)
            if answer.get("blocked"):
                blockers = answer["blockers"]
                zh = "；".join(f"{b['label']['zh-CN']}（{b['kind']}）" for b in blockers)
                en = "; ".join(f"{b['label']['en']} ({b['kind']})" for b in blockers)
                raise CancellationBlocked(
                    Msg(
                        f"仍有 {len(blockers)} 项阻碍事项未处理，暂不能注销：{zh}。处理完毕后再完成注销。",
                        f"{len(blockers)} blocker(s) remain, so the account cannot be cancelled yet: {en}. "
                        "Complete the cancellation once they are settled.",
                    ),
                    blockers=blockers,
                )
            return
        self.store.move(uow, row.id, row.subject_id, current, State.COMPLETED, actor.id)

    def _next_of_kin(self, uow: UnitOfWork, row: Any, current: State, actor: Actor, decision: str | None) -> None:
        """The officer decided a relative's request (PIPL Art. 49): carry out what they asked, on the deceased."""
        if decision != "approve":
            raise BadRequest(
                Msg(
                    "近亲属请求需要决定：approve 或以理由 refuse。",
                    "A next-of-kin request needs a decision: approve, or refuse with a ground.",
                ),
                field="decision",
            )
        if row.subject_id == NO_ACCOUNT:
            raise BadRequest(
                Msg(
                    "这个近亲属请求所写的手机号没有对应的账号，无法批准；请以理由 not_applicable 拒绝。",
                    "The number in this next-of-kin request matches no account, so it cannot be approved; refuse "
                    "it with the ground not_applicable.",
                ),
                field="decision",
            )
        wants = (row.details or {}).get("wants", "access")
        deceased = row.subject_id
        if wants == "delete":
            self.parts.cancellation.close_account(uow, deceased, actor, "next_of_kin", row.id)
        elif wants == "copy":
            self.parts.answers.export(uow, row.id, deceased)  # for the relative to download: see Answers.download
        elif wants == "correct":
            values = self.store.payload(uow.connection, row).get("values") or {}
            if not values:
                raise BadRequest(
                    Msg(
                        "这个近亲属请求没有写明要更正的字段和值，无法批准；请以理由拒绝。",
                        "This next-of-kin request names no fields to correct, so it cannot be approved; refuse it.",
                    ),
                    field="decision",
                )
            written = self.parts.self_service.correct_in(uow, subject=deceased, values=values, actor=actor)
            self.parts.cancellation.tell_recipients(uow, deceased, written, "correct", row.id)
        # access: the relative reads the answer on the request itself (PersonRequests.get), while it lasts.
        self.store.move(uow, row.id, deceased, current, State.COMPLETED, actor.id, outcome=f"approved:{wants}")

    def statistics(self) -> dict[str, Any]:
        """Counts by type and state, and time to close (网络数据安全管理条例 Art. 44 reporting)."""
        with self.context.connect() as connection:
            rows = connection.execute(
                select(REQUESTS.c.type, REQUESTS.c.state, func.count()).group_by(REQUESTS.c.type, REQUESTS.c.state)
            ).all()
            overdue = connection.execute(
                select(func.count())
                .select_from(REQUESTS)
                .where(
                    and_(
                        REQUESTS.c.due_on < today_in_china(self.context.now()),
                        or_(
                            *[REQUESTS.c.state == s.value for s in (State.RECEIVED, State.VERIFIED, State.IN_PROGRESS)]
                        ),
                    )
                )
            ).scalar_one()
        counts: dict[str, dict[str, int]] = {}
        for kind, state, count in rows:
            counts.setdefault(kind, {})[state] = int(count)
        return {"by_type": counts, "overdue": int(overdue)}


def _after_in_queue(key: list[str | int]) -> ColumnElement[bool]:
    """Strictly after (due_on, created_at, id) in the queue's order; a key that is not one is ``bad_request``."""
    try:
        due, created, request_id = date.fromisoformat(str(key[0])), datetime.fromisoformat(str(key[1])), str(key[2])
    except ValueError:
        raise BadRequest(pages.BAD_CURSOR, field="cursor") from None
    c = REQUESTS.c
    return or_(
        c.due_on > due,
        and_(c.due_on == due, c.created_at > created),
        and_(c.due_on == due, c.created_at == created, c.id > request_id),
    )
