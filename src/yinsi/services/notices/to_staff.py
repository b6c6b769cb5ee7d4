"""Notices to staff through the notifier: a request waits for them, and requests are about to be overdue.

They go to one inbox the operator configures (``YINSI_STAFF_NOTICES_TO``, an
e-mail address; without SMTP they land in the console outbox). A notice names
the request's id, type and due date, never who filed it or what they wrote:
staff open the request in the queue, where reading it is audited.
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from yinsi.adapters.db.rows import RequestReminderRow, RightsRequestRow, table_of
from yinsi.core.deadlines import today_in_china
from yinsi.core.ports import Message
from yinsi.core.requests import FINAL, RequestType
from yinsi.services.context import ServiceContext
from yinsi.services.notifier import Notifier

DUE_SOON_DAYS = 3

_requests = table_of(RightsRequestRow)
_reminders = table_of(RequestReminderRow)

TYPE_LABELS = {
    "access": "查阅 access",
    "copy": "复制 copy",
    "correct": "更正 correction",
    "delete": "删除 deletion",
    "withdraw": "撤回同意 withdrawal",
    "explain": "解释说明 explanation",
    "restrict": "限制处理 restriction",
    "cancel_account": "注销账户 account cancellation",
    "next_of_kin": "近亲属 next of kin",
    "complain": "投诉 complaint",
}


def new_request_notice(to: str, *, request_id: str, kind: RequestType, due_on: str) -> Message:
    label = TYPE_LABELS.get(kind.value, kind.value)
    return Message(
        channel="email",
        to=to,
        subject=f"新的个人信息请求 New rights request {request_id[:8]}",
        body=(
            f"有一项新的{label}请求等待处理，请在 {due_on} 前答复（编号 {request_id}）。\n"
            f"A new {label} request waits in the queue; answer it by {due_on} (id {request_id})."
        ),
        tags={"kind": "staff_new_request", "request": request_id},
    )


class StaffNotices:
    """The reminders to staff's inbox (``YINSI_STAFF_NOTICES_TO``); without one configured, nothing is sent."""

    def __init__(self, context: ServiceContext, notifier: Notifier, *, inbox: str | None) -> None:
        self._context = context
        self._notifier = notifier
        self.inbox = inbox

    def remind_due_soon(self, *, within_days: int = DUE_SOON_DAYS) -> int:
        """One notice listing the open requests due within ``within_days`` that staff were not yet reminded of;
        each is reminded of once. Returns how many it named (0 without an inbox configured)."""
        to = self.inbox
        if to is None:
            return 0
        now = self._context.now()
        horizon = today_in_china(now) + timedelta(days=within_days)
        with self._context.unit() as uow:
            reminded = select(_reminders.c.request_id)
            rows = uow.connection.execute(
                select(_requests.c.id, _requests.c.type, _requests.c.due_on)
                .where(
                    _requests.c.state.not_in([s.value for s in FINAL]),
                    _requests.c.due_on <= horizon,
                    _requests.c.id.not_in(reminded),
                )
                .order_by(_requests.c.due_on, _requests.c.id)
            ).all()
            if not rows:
                return 0
            uow.connection.execute(_reminders.insert(), [{"request_id": r.id, "reminded_at": now} for r in rows])
            lines = [f"- {r.due_on.isoformat()} {TYPE_LABELS.get(r.type, r.type)} {r.id}" for r in rows]
            message = Message(
                channel="email",
                to=to,
                subject=f"{len(rows)} 项请求即将到期 {len(rows)} request(s) about to be overdue",
                body="以下请求即将到期或已经逾期 The following requests are due soon or overdue:\n" + "\n".join(lines),
                tags={"kind": "staff_due_soon", "count": str(len(rows))},
            )
            uow.after_commit(lambda: self._notifier.send(message))
        return len(rows)
