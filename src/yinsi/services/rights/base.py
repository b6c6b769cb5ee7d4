"""The request store every part of the rights workflow shares: the rows, their transitions, notices, views.

The person's side (``person.PersonRequests``), the privacy officer's queue
(``queue.StaffQueue``), the answers and the cancellation are separate classes
over one ``RequestStore``; none of them inherits another.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, bindparam, func, select, update

from yinsi.adapters.db.rows import (
    AccountRow,
    BlockerRow,
    ExportRow,
    ExternalLoginRow,
    ProvisionRow,
    RecipientNoticeRow,
    RequestEventRow,
    RightsRequestRow,
    table_of,
)
from yinsi.adapters.db.statements import strict_insert
from yinsi.core.deadlines import Deadline, is_overdue, today_in_china
from yinsi.core.errors import Forbidden, YinsiError, not_found
from yinsi.core.i18n import Msg
from yinsi.core.policy.compiled import CompiledPolicy
from yinsi.core.policy.vocabulary import RefusalGround, Right
from yinsi.core.ports import Message
from yinsi.core.requests import (
    FINAL,
    RIGHT_OF,
    SYSTEM_REASONS,
    RequestType,
    State,
    check_transition,
)
from yinsi.core.sealing import open_value
from yinsi.services import minors, webhooks
from yinsi.services.audit import AuditEvent
from yinsi.services.context import ServiceContext
from yinsi.services.notifier import Notifier
from yinsi.services.unit_of_work import UnitOfWork
from yinsi.services.vault import Vault

REQUESTS = table_of(RightsRequestRow)
EVENTS = table_of(RequestEventRow)
BLOCKERS = table_of(BlockerRow)
EXPORTS = table_of(ExportRow)
LOGINS = table_of(ExternalLoginRow)
NOTICES = table_of(RecipientNoticeRow)
PROVISIONS = table_of(ProvisionRow)
ACCOUNTS = table_of(AccountRow)

# Statements every request runs, built once (SQLAlchemy's per-call construction costs more than the query).
_REQUEST = select(REQUESTS).where(REQUESTS.c.id == bindparam("request_id"))
REQUEST_FILER = select(REQUESTS.c.type, REQUESTS.c.filer_id).where(REQUESTS.c.id == bindparam("request_id"))
REQUEST_STATE = select(REQUESTS.c.state).where(REQUESTS.c.id == bindparam("request_id"))
INSERT_REQUEST = strict_insert(
    REQUESTS,
    "id",
    "subject_id",
    "type",
    "state",
    "filed_by",
    "filer_id",
    "created_at",
    "due_on",
    "due_exact",
    "due_basis",
    "fee_notice",
    "details",
    "sealed_payload",
    "payload_key_version",
)
# A move sets the state, and each of the rest only when given (None keeps what is there).
_SET_REQUEST = (
    update(REQUESTS)
    .where(REQUESTS.c.id == bindparam("request_id"))
    .values(
        state=bindparam("new_state"),
        verified_at=func.coalesce(
            bindparam("new_verified_at", type_=REQUESTS.c.verified_at.type), REQUESTS.c.verified_at
        ),
        closed_at=func.coalesce(bindparam("new_closed_at", type_=REQUESTS.c.closed_at.type), REQUESTS.c.closed_at),
        outcome=func.coalesce(bindparam("new_outcome", type_=REQUESTS.c.outcome.type), REQUESTS.c.outcome),
    )
)
_INSERT_EVENT = strict_insert(EVENTS, "request_id", "at", "from_state", "to_state", "actor", "note")
_HISTORY = select(EVENTS).where(EVENTS.c.request_id == bindparam("request_id")).order_by(EVENTS.c.id)

TYPE_NAMES: dict[RequestType, Msg] = {
    RequestType.ACCESS: Msg("查阅", "access"),
    RequestType.COPY: Msg("复制", "copy"),
    RequestType.CORRECT: Msg("更正、补充", "correction"),
    RequestType.DELETE: Msg("删除", "deletion"),
    RequestType.WITHDRAW: Msg("撤回同意", "withdrawal of consent"),
    RequestType.EXPLAIN: Msg("解释说明", "explanation"),
    RequestType.RESTRICT: Msg("限制处理", "restriction"),
    RequestType.CANCEL_ACCOUNT: Msg("注销账户", "account cancellation"),
    RequestType.NEXT_OF_KIN: Msg("近亲属行使权利", "next of kin"),
    RequestType.COMPLAIN: Msg("投诉举报", "complaint"),
}
STATE_NAMES: dict[State, Msg] = {
    State.RECEIVED: Msg("已受理", "received"),
    State.VERIFIED: Msg("已核验身份", "identity verified"),
    State.IN_PROGRESS: Msg("处理中", "in progress"),
    State.COMPLETED: Msg("已完成", "completed"),
    State.REFUSED: Msg("已拒绝", "refused"),
    State.WITHDRAWN: Msg("已撤回", "withdrawn"),
}
GROUND_NAMES: dict[str, Msg] = {
    RefusalGround.NATIONAL_SECURITY.value: Msg("与国家安全、国防安全直接相关", "directly related to national security"),
    RefusalGround.PUBLIC_SAFETY_HEALTH.value: Msg(
        "与公共安全、公共卫生、重大公共利益直接相关",
        "directly related to public safety, public health or major public interests",
    ),
    RefusalGround.CRIMINAL_JUSTICE.value: Msg(
        "与犯罪侦查、起诉、审判和判决执行等直接相关",
        "directly related to criminal investigation, prosecution, trial or enforcement",
    ),
    RefusalGround.ABUSE_OF_RIGHTS.value: Msg(
        "有充分证据表明存在主观恶意或滥用权利", "there is sufficient evidence of bad faith or abuse of rights"
    ),
    RefusalGround.SERIOUS_HARM_TO_OTHERS.value: Msg(
        "响应请求将导致他人合法权益受到严重损害", "answering would seriously harm the lawful rights of others"
    ),
    RefusalGround.TRADE_SECRETS.value: Msg("涉及商业秘密", "it involves trade secrets"),
    RefusalGround.LEGAL_OBLIGATION.value: Msg("与履行法律法规规定的义务相关", "it relates to a legal obligation"),
    **SYSTEM_REASONS,
}


# What a guardian's request on a minor's behalf does to the minor's PI, in the spec's terms
# (``minors.guardian_may``); None: anything a linked guardian may do (consent is theirs to give and withdraw).
GUARDIAN_ACTION: dict[RequestType, str | None] = {
    RequestType.ACCESS: "access",
    RequestType.COPY: "access",
    RequestType.EXPLAIN: "access",
    RequestType.CORRECT: "correct",
    RequestType.DELETE: "delete",
    RequestType.CANCEL_ACCOUNT: "delete",
    RequestType.WITHDRAW: None,
    RequestType.RESTRICT: None,
    RequestType.COMPLAIN: None,
}


# The subject of a relative's request whose number matched no account (never a real subject's id): the request
# is filed and answered exactly like one that matched, so the form cannot tell anyone who has an account;
# the officer sees ``no_account`` in what the relative wrote, and refuses it.
NO_ACCOUNT = "00000000-0000-0000-0000-000000000000"


class RequestRefusedNow(YinsiError):
    """Filing was refused outright (e.g. a right the policy does not offer)."""

    code = "request_not_possible"


@dataclass
class RequestView:
    id: str
    type: RequestType
    state: State
    subject_id: str
    filed_by: str
    created_at: datetime
    due_on: str
    due_exact: bool
    due_basis: str
    overdue: bool
    assigned_to: str | None
    closed_at: datetime | None
    outcome: str | None
    outcome_text: Msg | None
    fee_notice: bool
    details: dict[str, Any]
    history: list[dict[str, Any]] = field(default_factory=list)
    answer: dict[str, Any] | None = None


@dataclass(frozen=True, slots=True)
class Filing:
    """What the person asked for, besides the type."""

    fields: list[str] = field(default_factory=list)
    values: dict[str, str] = field(default_factory=dict)
    purpose: str | None = None
    consent_kind: str | None = None
    consent_scope: str | None = None
    text: str | None = None  # a complaint, a next-of-kin statement: sealed at rest
    deceased_phone: str | None = None
    relationship: str | None = None
    wants: str | None = None  # what a next of kin asks: access | copy | correct | delete
    lang: str = "zh-CN"


class RequestStore:
    """The requests' rows and the steps every part takes on them: a transition is recorded, audited and
    notified in the caller's unit of work."""

    def __init__(
        self, context: ServiceContext, vault: Vault, notifier: Notifier, *, staff_inbox: str | None = None
    ) -> None:
        self.context = context
        self.vault = vault  # only to open a filer's login value
        self.notifier = notifier
        self.staff_inbox = staff_inbox  # where notices to staff go (an e-mail address), if anywhere

    @property
    def policy(self) -> CompiledPolicy:
        return self.context.policy

    def row(self, connection: Connection, request_id: str) -> Any:
        row = connection.execute(_REQUEST, {"request_id": request_id}).first()
        if row is None:
            raise not_found("这个请求", "request")
        return row

    def event(
        self,
        uow: UnitOfWork,
        request_id: str,
        subject: str,
        from_state: State | None,
        to_state: State,
        actor: str,
        note: str | None = None,
    ) -> None:
        uow.connection.execute(
            _INSERT_EVENT,
            {
                "request_id": request_id,
                "at": self.context.now(),
                "from_state": from_state.value if from_state else None,
                "to_state": to_state.value,
                "actor": actor,
                "note": note,
            },
        )
        self.announce(uow, request_id, subject, from_state, to_state)
        uow.record(
            AuditEvent(
                f"request-{to_state.value.replace('_', '-')}",
                actor,
                role="system",
                subject=subject,
                details={
                    "request": request_id,
                    "from": from_state.value if from_state else None,
                    **({"note": note} if note else {}),
                },
            )
        )

    def announce(
        self, uow: UnitOfWork, request_id: str, subject: str, from_state: State | None, to_state: State
    ) -> None:
        """The operator's systems hear of the request in the same transaction (``webhooks``)."""
        kind = RequestType(uow.connection.execute(REQUEST_FILER, {"request_id": request_id}).one().type)
        data: dict[str, Any] = {
            "request_id": request_id,
            "request_type": kind.value,
            "subject_id": None if subject == NO_ACCOUNT else subject,
            "state": to_state.value,
        }
        now = self.context.now()
        if from_state is None:
            webhooks.enqueue(uow.connection, webhooks.REQUEST_CREATED, data, now=now)
            return
        webhooks.enqueue(uow.connection, webhooks.REQUEST_STATE_CHANGED, {**data, "from": from_state.value}, now=now)
        if to_state is State.COMPLETED:
            webhooks.enqueue(uow.connection, webhooks.REQUEST_COMPLETED, data, now=now)

    def move(
        self,
        uow: UnitOfWork,
        request_id: str,
        subject: str,
        current: State,
        target: State,
        actor: str,
        *,
        outcome: str | None = None,
        note: str | None = None,
        notify_phone: str | None = None,
    ) -> None:
        check_transition(current, target)
        now = self.context.now()
        uow.connection.execute(
            _SET_REQUEST,
            {
                "request_id": request_id,
                "new_state": target.value,
                "new_verified_at": now if target is State.VERIFIED else None,
                "new_closed_at": now if target in FINAL else None,
                "new_outcome": outcome,
            },
        )
        self.event(uow, request_id, subject, current, target, actor, note or outcome)
        if target is not State.RECEIVED:
            self.notify(uow, request_id, subject, target, outcome, notify_phone)

    def notify(
        self, uow: UnitOfWork, request_id: str, subject: str, state: State, outcome: str | None, phone: str | None
    ) -> None:
        """Tells the person of the request's progress through the channel they registered with (SMS): one message
        per transaction, naming every state the request passed through in it, sent after the commit."""
        key = f"notice:{request_id}"
        note = uow.notes.get(key)
        if note is None:
            row = uow.connection.execute(REQUEST_FILER, {"request_id": request_id}).one()
            note = {
                "type": RequestType(row.type),
                "states": [],
                "outcome": None,
                "phone": phone or self.phone(uow.connection, row.filer_id or subject),
            }
            uow.notes[key] = note
            uow.after_commit(lambda: self._send_notice(request_id, note))
        note["states"].append(state)
        note["outcome"] = outcome or note["outcome"]
        if phone and not note["phone"]:
            note["phone"] = phone

    def _send_notice(self, request_id: str, note: dict[str, Any]) -> None:
        if not note["phone"]:
            return
        kind: Msg = TYPE_NAMES[note["type"]]
        path = " → ".join(STATE_NAMES[s].zh for s in note["states"])
        final: State = note["states"][-1]
        outcome = note["outcome"]
        why = f"（理由：{GROUND_NAMES[outcome].zh}）" if final is State.REFUSED and outcome in GROUND_NAMES else ""
        remedies = "如不满意，您可以向网信等监管部门投诉，或依法向人民法院提起诉讼。" if final is State.REFUSED else ""
        self.notifier.send(
            Message(
                channel="sms",
                to=note["phone"],
                subject="个人信息请求进展",
                body=f"您的{kind.zh}请求（编号 {request_id[:8]}）：{path}{why}。{remedies}",
                tags={"kind": "request_update", "request": request_id},
            )
        )

    def may_act_as_guardian(self, connection: Connection, guardian: str, ward: str, action: str) -> bool:
        try:
            minors.require_guardian_of(connection, guardian, ward, self.policy, action)
        except Forbidden:
            return False
        return True

    def phone(self, connection: Connection, subject: str | None) -> str | None:
        """The number the person logs in with: the one channel every person has given (decrypts just that)."""
        login = self.policy.login
        if subject is None or login is None:
            return None
        return self.vault.open_fields(connection, subject, [login[0]]).get(login[0])

    def view(self, connection: Connection, request_id: str) -> RequestView:
        """The request with its history; what it answers is added by the side that shows it."""
        row = self.row(connection, request_id)
        history = [
            {"at": e.at.isoformat(), "from": e.from_state, "to": e.to_state, "actor": e.actor, "note": e.note}
            for e in connection.execute(_HISTORY, {"request_id": request_id})
        ]
        overdue = row.state not in {s.value for s in FINAL} and is_overdue(
            Deadline(row.due_on, row.due_exact, None), today_in_china(self.context.now())
        )
        return RequestView(
            id=row.id,
            type=RequestType(row.type),
            state=State(row.state),
            subject_id=row.subject_id,
            filed_by=row.filed_by,
            created_at=row.created_at,
            due_on=row.due_on.isoformat(),
            due_exact=row.due_exact,
            due_basis=row.due_basis,
            overdue=overdue,
            assigned_to=row.assigned_to,
            closed_at=row.closed_at,
            outcome=row.outcome,
            outcome_text=GROUND_NAMES.get(row.outcome or ""),
            fee_notice=row.fee_notice,
            details=dict(row.details or {}),
            history=history,
        )

    def export_link(self, connection: Connection, request_id: str) -> dict[str, Any] | None:
        """The newest unexpired copy made for this request, for the one who asked for it to download."""
        row = connection.execute(
            select(EXPORTS.c.id, EXPORTS.c.expires_at)
            .where(EXPORTS.c.request_id == request_id, EXPORTS.c.expires_at > self.context.now())
            .order_by(EXPORTS.c.created_at.desc())
        ).first()
        if row is None:
            return None
        return {"export_id": row.id, "download": f"/v1/me/exports/{row.id}", "expires_at": row.expires_at.isoformat()}

    def payload(self, connection: Connection, row: Any) -> dict[str, Any]:
        if row.sealed_payload is None or row.filer_id is None:
            return {}
        key = self.context.keyring.data_key(connection, row.filer_id)
        if key is None:
            return {}
        opened: dict[str, Any] = json.loads(
            open_value(key[0], row.filer_id, "request.payload", row.payload_key_version, bytes(row.sealed_payload))
        )
        return opened


def self_service_cancel(policy: CompiledPolicy) -> bool:
    right = policy.spec.rights.get(Right.CANCEL_ACCOUNT)
    return right is not None and right.self_service


def right_of(kind: RequestType) -> Right:
    return RIGHT_OF[kind]
