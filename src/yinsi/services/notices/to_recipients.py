"""Telling recipients to delete or correct a person's PI, after the fact and without holding anyone up.

The rights workflow records each notice as ``pending`` in the same transaction
as the deletion (a transactional outbox). This job delivers them through the
channel the spec names for the recipient and records the outcome, so a
recipient that is down delays nobody's request and is retried later.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select, update

from yinsi.adapters.db.rows import RecipientNoticeRow, table_of
from yinsi.core.ports import DeliveryFailed, Message
from yinsi.services.audit import AuditEvent
from yinsi.services.context import ServiceContext
from yinsi.services.notifier import Notifier

_notices = table_of(RecipientNoticeRow)
EVERY_SUBJECT = "*"  # an ended entrustment: the demand concerns everything the processor was entrusted with


def _message(row: Any, subject_ref: str) -> Message:
    tags = {"kind": f"recipient_{row.kind}", "recipient": row.recipient, "notice": str(row.id)}
    if row.kind == "end_entrustment":
        return Message(
            channel="recipient",
            to=row.channel,
            subject="委托处理结束，请删除个人信息",
            body="我们与贵方的委托处理关系已经结束。请删除我们委托贵方处理的全部个人信息，不再保留，并回执确认"
            f"（个人信息保护法第二十一条）。通知编号：{row.id}。",
            tags=tags,
        )
    what = "删除" if row.kind == "delete" else "更正"
    return Message(
        channel="recipient",
        to=row.channel,
        subject=f"个人信息{what}通知",
        body=f"请{what}个人信息主体 {subject_ref} 的个人信息，并回执。",
        tags=tags,
    )


@dataclass(frozen=True, slots=True)
class Delivery:
    sent: int
    failed: int


class RecipientNotices:
    """Delivers the notices the rights workflow left pending, each once, and records how each went."""

    def __init__(self, context: ServiceContext, notifier: Notifier, *, pseudonym_of: Callable[[str, str], str]) -> None:
        self._context = context
        self._notifier = notifier
        self._pseudonym_of = pseudonym_of  # (recipient, subject id) -> how that recipient knows the person

    def deliver_pending(self, *, retry_failed: bool = False, limit: int = 1000) -> Delivery:
        """Sends each pending notice once, even with two runs at the same time: a run first claims a notice
        (pending → sending) and skips it if another run did. ``retry_failed`` also takes failed notices, and
        ones a crashed run left claimed (the webhook's idempotency key lets the gateway drop a duplicate)."""
        wanted = ["pending", "failed", "sending"] if retry_failed else ["pending"]
        with self._context.connect() as connection:
            rows = connection.execute(
                select(_notices).where(_notices.c.status.in_(wanted)).order_by(_notices.c.id).limit(limit)
            ).all()
        sent = failed = 0
        sender = self._notifier.sender_for("recipient")
        for row in rows:
            with self._context.unit() as uow:
                claimed = uow.connection.execute(
                    update(_notices)
                    .where(_notices.c.id == row.id, _notices.c.status.in_(wanted))
                    .values(status="sending")
                ).rowcount
            if not claimed:
                continue
            message = _message(row, self._subject_ref(row))
            try:
                sender.send(message)
                status = "sent"
                sent += 1
            except DeliveryFailed:
                status = "failed"
                failed += 1
            with self._context.unit() as uow:
                uow.connection.execute(update(_notices).where(_notices.c.id == row.id).values(status=status))
                uow.record(
                    AuditEvent(
                        f"recipient-notice-{status}",
                        "system",
                        role="system",
                        subject=None if row.subject_id == EVERY_SUBJECT else row.subject_id,
                        details={"recipient": row.recipient, "kind": row.kind, "notice": row.id},
                    )
                )
        return Delivery(sent, failed)

    def _subject_ref(self, row: Any) -> str:
        """How the recipient knows the person: its own pseudonym when it gets de-identified data (it never had
        the subject id, and must not learn it now), else the subject id."""
        recipient = self._context.policy.spec.recipients.get(row.recipient)
        if recipient is not None and recipient.deidentified:
            return self._pseudonym_of(row.recipient, row.subject_id)
        return str(row.subject_id)
