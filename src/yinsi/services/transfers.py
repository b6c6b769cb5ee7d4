"""Transfer of the business (合并、分立、解散、被宣告破产): everyone told who holds their PI now.

PIPL Art. 22: when PI is transferred because of a merger, a division, a
dissolution or a bankruptcy, the persons are told the recipient's name and
contact. yinsi records the transfer, publishes it on the announcement feed
(for the apps' pop-ups and website notices), and sends it to every person
still in the vault on each direct channel it holds an address for (SMS, e-mail),
in batches so a large user base never holds a transaction open.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from sqlalchemy import insert, select, update

from yinsi.adapters.db.rows import AnnouncementRow, BusinessTransferRow, SubjectRow, table_of
from yinsi.adapters.db.statements import newest_by_id
from yinsi.core import pages
from yinsi.core.errors import BadRequest
from yinsi.core.i18n import Msg
from yinsi.core.pages import Page
from yinsi.core.policy.compiled import CompiledPolicy
from yinsi.core.policy.vocabulary import FieldType, Operation
from yinsi.core.ports import Message
from yinsi.services.audit import AuditEvent
from yinsi.services.context import ServiceContext
from yinsi.services.notifier import Notifier
from yinsi.services.vault import Actor, Vault

_transfers = table_of(BusinessTransferRow)
_announcements = table_of(AnnouncementRow)
_subjects = table_of(SubjectRow)

DIRECT = {"sms": FieldType.MOBILE, "email": FieldType.EMAIL}
BATCH = 500


class TransferKind(StrEnum):
    MERGER = "merger"
    ACQUISITION = "acquisition"
    DIVISION = "division"
    BANKRUPTCY = "bankruptcy"
    DISSOLUTION = "dissolution"


_KIND_WORDS = {
    TransferKind.MERGER: ("合并", "a merger"),
    TransferKind.ACQUISITION: ("收购", "an acquisition"),
    TransferKind.DIVISION: ("分立", "a division"),
    TransferKind.BANKRUPTCY: ("破产", "a bankruptcy"),
    TransferKind.DISSOLUTION: ("解散", "a dissolution"),
}


@dataclass(frozen=True, slots=True)
class Transfer:
    id: int
    kind: str
    controller_name: str
    controller_contact: str
    announced_at: datetime
    subjects_told: int
    channels: dict[str, int]


def _text(value: str, what_zh: str, what_en: str, field: str) -> str:
    text = value.strip()
    if not text or len(text) > 200 or not text.isprintable():
        raise BadRequest(
            Msg(f"{what_zh}须为 1 到 200 个可打印字符。", f"The {what_en} must be 1 to 200 printable characters."),
            field=field,
        )
    return text


def notice(kind: TransferKind, operator: str, name: str, contact: str) -> Msg:
    zh_kind, en_kind = _KIND_WORDS[kind]
    return Msg(
        f"因{zh_kind}，{operator}持有的您的个人信息已转移给{name}（联系方式：{contact}）。"
        f"{name}将继续受原隐私政策约束；如需变更处理目的或方式，将重新征得您的同意。",
        f"Because of {en_kind}, the personal information {operator} held about you has been transferred to {name} "
        f"(contact: {contact}). {name} remains bound by the privacy policy; to change the purpose or method of "
        "processing it will ask for your consent again.",
    )


class Transfers:
    """Business transfers (PIPL Art. 22): announced to everyone, and listed for the role that announces them."""

    def __init__(self, context: ServiceContext, vault: Vault, notifier: Notifier) -> None:
        self._context = context
        self._vault = vault  # the access decision, and the addresses a batch at a time
        self._notifier = notifier

    def announce(self, *, kind: TransferKind, controller_name: str, controller_contact: str, actor: Actor) -> Transfer:
        """Records the transfer and tells every person the new controller's name and contact (PIPL Art. 22)."""
        name = _text(controller_name, "新的个人信息处理者名称", "new controller's name", "controller_name")
        contact = _text(
            controller_contact, "新的个人信息处理者联系方式", "new controller's contact", "controller_contact"
        )
        policy = self._context.policy
        operator_name = policy.spec.operator.name or policy.spec.policy.title
        text = notice(kind, operator_name.get("zh-CN"), name, contact)
        now = self._context.now()
        with self._context.unit() as uow:
            self._vault.require_operation(uow, actor, Operation.PUBLISH_POLICY, None, event="business-transfer-denied")
            uow.connection.execute(
                insert(_announcements).values(
                    kind="business_transfer",
                    policy_version=policy.version,
                    material=True,
                    channels=["popup", "website", *DIRECT],
                    summary_zh=text.zh,
                    summary_en=text.en,
                    created_at=now,
                    recipients=0,
                )
            )
            transfer_id = int(
                uow.connection.execute(
                    insert(_transfers)
                    .values(
                        kind=kind.value,
                        controller_name=name,
                        controller_contact=contact,
                        announced_at=now,
                        announced_by=actor.id,
                        subjects_told=0,
                        channels={},
                    )
                    .returning(_transfers.c.id)
                ).scalar_one()
            )
            uow.record(
                AuditEvent(
                    "business-transfer-recorded",
                    actor.id,
                    role=actor.role,
                    details={"transfer": transfer_id, "kind": kind.value},
                )
            )
        told, counts = self._tell_everyone(transfer_id, text, policy)
        with self._context.unit() as uow:
            uow.connection.execute(
                update(_transfers).where(_transfers.c.id == transfer_id).values(subjects_told=told, channels=counts)
            )
            uow.record(
                AuditEvent(
                    "business-transfer-announced",
                    actor.id,
                    role=actor.role,
                    details={"transfer": transfer_id, "subjects_told": told, "messages": counts},
                )
            )
        return Transfer(transfer_id, kind.value, name, contact, now, told, counts)

    def _tell_everyone(self, transfer_id: int, text: Msg, policy: CompiledPolicy) -> tuple[int, dict[str, int]]:
        """Every active person on each direct channel they have an address for; how many were reached, and
        the messages by channel."""
        with self._context.connect() as connection:
            subjects = list(
                connection.execute(
                    select(_subjects.c.id).where(_subjects.c.status == "active").order_by(_subjects.c.id)
                )
                .scalars()
                .all()
            )
        fields = {
            channel: fid
            for channel, kind_of in DIRECT.items()
            if (fid := next((f for f, t in policy.field_types.items() if t is kind_of), None)) is not None
        }
        counts = dict.fromkeys(fields, 0)
        told = 0
        for start in range(0, len(subjects), BATCH):
            chunk = subjects[start : start + BATCH]
            with self._context.connect() as connection:  # closed before anything is sent
                addresses = self._vault.open_fields_of(connection, chunk, list(fields.values())) if fields else {}
            for subject in chunk:
                reached = False
                for channel, field_id in fields.items():
                    address = addresses.get(subject, {}).get(field_id)
                    if address and self._notifier.send(
                        Message(
                            channel=channel,
                            to=address,
                            subject="个人信息转移告知",
                            body=text.zh,
                            tags={"kind": "business_transfer", "transfer": str(transfer_id)},
                        )
                    ):
                        counts[channel] += 1
                        reached = True
                told += reached
        return told, counts

    def page(self, *, actor: Actor, limit: int = 50, cursor: str | None = None) -> Page[Transfer]:
        """The business transfers announced, newest first, a page at a time, for a role that may publish the policy
        (the one that announces them); looking is audited."""
        query = newest_by_id(select(_transfers), _transfers.c.id, limit=limit, cursor=cursor)
        with self._context.unit() as uow:
            self._vault.require_operation(
                uow, actor, Operation.PUBLISH_POLICY, None, event="business-transfers-view-denied"
            )
            rows = uow.connection.execute(query).all()
            uow.record(AuditEvent("business-transfers-viewed", actor.id, role=actor.role, details={"count": len(rows)}))
        found = [
            Transfer(
                int(r.id),
                r.kind,
                r.controller_name,
                r.controller_contact,
                r.announced_at,
                int(r.subjects_told),
                dict(r.channels or {}),
            )
            for r in rows
        ]
        return pages.cut(found, limit, lambda t: (t.id,))
