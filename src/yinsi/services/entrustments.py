"""Ending an entrustment (委托关系解除): the processor is told to delete the PI, and its confirmation is kept.

PIPL Art. 21: when the entrustment ends, the entrusted party returns or deletes
the PI and keeps none. yinsi records the demand and the ending in one
transaction, as a recipient notice (the outbox ``yinsi jobs recipient-notices``
delivers through the processor's ``deletion_channel``), audits both, refuses
any later provision to that processor, and records the processor's
confirmation when it comes. One demand covers every person: the processor
deletes all it was entrusted with, so no list of people leaves the operator.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import insert, select, update

from yinsi.adapters.db.rows import EntrustmentEndingRow, RecipientNoticeRow, table_of
from yinsi.core.errors import BadRequest, Conflict, not_found
from yinsi.core.i18n import Msg
from yinsi.core.policy.vocabulary import Operation, RecipientKind
from yinsi.services.audit import AuditEvent
from yinsi.services.context import ServiceContext
from yinsi.services.notices.to_recipients import EVERY_SUBJECT
from yinsi.services.vault import Actor, Vault

_endings = table_of(EntrustmentEndingRow)
_notices = table_of(RecipientNoticeRow)

ENTRUSTED = (RecipientKind.PROCESSOR, RecipientKind.SDK)
NO_CHANNEL = "(no channel in the policy)"


@dataclass(frozen=True, slots=True)
class Ending:
    id: int
    recipient: str
    ended_at: datetime
    notice_id: int
    notice_status: str
    confirmed_at: datetime | None = None
    confirmation: str | None = None


def _reference(text: str) -> str:
    reference = text.strip()
    if not reference or len(reference) > 200 or not reference.isprintable():
        raise BadRequest(
            Msg(
                "确认编号须为 1 到 200 个可打印字符。",
                "The confirmation reference must be 1 to 200 printable characters.",
            ),
            field="reference",
        )
    return reference


class Entrustments:
    """Ending a processor's entrustment and recording its confirmation, each in a transaction of its own."""

    def __init__(self, context: ServiceContext, vault: Vault) -> None:
        self._context = context
        self._vault = vault  # the access decision

    def end_entrustment(self, *, recipient: str, actor: Actor) -> Ending:
        """Ends the entrustment of ``recipient`` and records (and queues) the demand that it delete the PI."""
        spec_recipient = self._context.policy.spec.recipients.get(recipient)
        if spec_recipient is None:
            raise not_found("这个接收方", "recipient")
        if spec_recipient.kind not in ENTRUSTED:
            raise Conflict(
                Msg(
                    f"{recipient} 不是受托处理者（processor 或 SDK），没有可以结束的委托。",
                    f"{recipient} is not an entrusted processor (processor or SDK): there is no entrustment to end.",
                )
            )
        now = self._context.now()
        with self._context.unit() as uow:
            self._vault.require_operation(uow, actor, Operation.HANDLE_REQUESTS, None, event="entrustment-end-denied")
            connection = uow.connection
            if connection.execute(select(_endings.c.id).where(_endings.c.recipient == recipient)).first() is not None:
                raise Conflict(
                    Msg(f"对 {recipient} 的委托已经结束。", f"The entrustment of {recipient} has already ended.")
                )
            channel = spec_recipient.deletion_channel or spec_recipient.contact or NO_CHANNEL
            # With a deletion channel the job delivers it; otherwise the officer passes on the recorded demand.
            status = "pending" if spec_recipient.deletion_channel else "recorded"
            notice_id = int(
                connection.execute(
                    insert(_notices)
                    .values(
                        subject_id=EVERY_SUBJECT,
                        recipient=recipient,
                        kind="end_entrustment",
                        channel=channel,
                        request_id=None,
                        at=now,
                        status=status,
                    )
                    .returning(_notices.c.id)
                ).scalar_one()
            )
            ending_id = int(
                connection.execute(
                    insert(_endings)
                    .values(recipient=recipient, ended_at=now, ended_by=actor.id, notice_id=notice_id)
                    .returning(_endings.c.id)
                ).scalar_one()
            )
            uow.record(
                AuditEvent(
                    "entrustment-ended",
                    actor.id,
                    role=actor.role,
                    details={"recipient": recipient, "ending": ending_id},
                )
            )
            uow.record(
                AuditEvent(
                    "processor-told-to-delete",
                    actor.id,
                    role=actor.role,
                    details={"recipient": recipient, "ending": ending_id, "notice": notice_id, "status": status},
                )
            )
        return Ending(ending_id, recipient, now, notice_id, status)

    def confirm_deletion(self, *, ending_id: int, reference: str, actor: Actor) -> Ending:
        """Records the processor's confirmation that it deleted the PI (its own reference for the deletion)."""
        reference = _reference(reference)
        now = self._context.now()
        with self._context.unit() as uow:
            self._vault.require_operation(
                uow, actor, Operation.HANDLE_REQUESTS, None, event="entrustment-confirm-denied"
            )
            connection = uow.connection
            row = connection.execute(select(_endings).where(_endings.c.id == ending_id)).first()
            if row is None:
                raise not_found("这次委托结束", "ended entrustment")
            if row.confirmed_at is not None:
                raise Conflict(Msg("删除确认已经记录。", "The deletion was already confirmed."))
            connection.execute(
                update(_endings)
                .where(_endings.c.id == ending_id)
                .values(confirmed_at=now, confirmed_by=actor.id, confirmation=reference)
            )
            uow.record(
                AuditEvent(
                    "processor-deletion-confirmed",
                    actor.id,
                    role=actor.role,
                    details={"recipient": row.recipient, "ending": ending_id},
                )
            )
            status = connection.execute(select(_notices.c.status).where(_notices.c.id == row.notice_id)).scalar_one()
        return Ending(ending_id, row.recipient, row.ended_at, row.notice_id, status, now, reference)

    def endings(self) -> list[Ending]:
        """Every ended entrustment with the state of its demand and confirmation, newest first."""
        with self._context.connect() as connection:
            rows = connection.execute(
                select(_endings, _notices.c.status)
                .join(_notices, _notices.c.id == _endings.c.notice_id)
                .order_by(_endings.c.id.desc())
            ).all()
        return [
            Ending(r.id, r.recipient, r.ended_at, r.notice_id, r.status, r.confirmed_at, r.confirmation) for r in rows
        ]
