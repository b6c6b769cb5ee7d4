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
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Connection, and_, delete, func, insert, or_, select, update

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
from yinsi.core.deadlines import Deadline, is_overdue, today_in_china
from yinsi.core.errors import BadRequest, Conflict, YinsiError, not_found
from yinsi.core.explain import explain_fields
from yinsi.core.export import (
    ExportAccess,
    ExportBundle,
    ExportConsent,
    ExportProvision,
    ExportRequest,
    ExportValue,
    build_export,
)
from yinsi.core.i18n import Msg
from yinsi.core.masking import mask
from yinsi.core.policy.compiled import CompiledPolicy
from yinsi.core.policy.vocabulary import ExcessiveAction, RecipientKind, RefusalGround, Right
from yinsi.core.ports import Message
from yinsi.core.requests import (
    AUTOMATIC,
    FINAL,
    RIGHT_OF,
    SYSTEM_REASONS,
    RequestType,
    State,
    TransitionRefused,
    check_transition,
    due,
    excess,
)
from yinsi.core.sealing import open_blob, open_value, seal_blob, seal_value
from yinsi.services import consent, self_service
from yinsi.services.accounts import Accounts
from yinsi.services.audit import AuditEvent
from yinsi.services.consent import Action, ConsentAct, Kind
from yinsi.services.notifier import Notifier
from yinsi.services.unit_of_work import UnitOfWork
from yinsi.services.vault import Actor, ImmutableField, Vault

_requests = table_of(RightsRequestRow)
_events = table_of(RequestEventRow)
_blockers = table_of(BlockerRow)
_exports = table_of(ExportRow)
_logins = table_of(ExternalLoginRow)
_notices = table_of(RecipientNoticeRow)
_provisions = table_of(ProvisionRow)
_accounts = table_of(AccountRow)

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


class Rights:
    def __init__(self, vault: Vault, accounts: Accounts, notifier: Notifier, export_minutes: int = 15) -> None:
        self.vault = vault
        self.accounts = accounts
        self.notifier = notifier
        self.export_minutes = export_minutes

    @property
    def policy(self) -> CompiledPolicy:
        return self.vault.policy

    # ------------------------------------------------------------------ filing

    def file(
        self, *, subject: str, kind: RequestType, filing: Filing, by: str, filed_by: str = "subject"
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
            if self.vault.subject_status(connection, subject) == "shredded":
                raise not_found("这个账号", "account")
            needs_review = kind not in AUTOMATIC and not (
                kind is RequestType.CANCEL_ACCOUNT and _self_service_cancel(policy)
            )
            deadline, basis = due(policy.spec, kind, today_in_china(now), needs_review=needs_review)
            request_id = str(uuid.uuid4())
            sealed, version = self._seal_payload(connection, by, filing)
            earlier = self._earlier(connection, subject, kind, now)
            rule = excess(policy.spec, earlier)
            details: dict[str, Any] = {
                "fields": filing.fields,
                "purpose": filing.purpose,
                "consent": [filing.consent_kind, filing.consent_scope],
                "wants": filing.wants,
                "relationship": filing.relationship,
            }
            connection.execute(
                insert(_requests).values(
                    id=request_id,
                    subject_id=subject,
                    type=kind.value,
                    state=State.RECEIVED.value,
                    filed_by=filed_by,
                    filer_id=by,
                    created_at=now,
                    due_on=deadline.due,
                    due_exact=deadline.exact,
                    due_basis=basis,
                    fee_notice=bool(rule.exceeded and rule.action is ExcessiveAction.FEE),
                    details={k: v for k, v in details.items() if v not in (None, [], [None, None])},
                    sealed_payload=sealed,
                    payload_key_version=version,
                )
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
            if view.fee_notice:
                view.details["fee_notice"] = True
        return view

    def _earlier(self, connection: Connection, subject: str, kind: RequestType, now: datetime) -> int:
        rule = self.policy.spec.requests.excessive
        if rule is None:
            return 0
        since = now - timedelta(days=rule.window_days)
        return int(
            connection.execute(
                select(func.count())
                .select_from(_requests)
                .where(
                    _requests.c.subject_id == subject,
                    _requests.c.type == kind.value,
                    _requests.c.created_at > since,
                    _requests.c.state != State.WITHDRAWN.value,
                )
            ).scalar_one()
        )

    def _seal_payload(self, connection: Connection, by: str, filing: Filing) -> tuple[bytes | None, int | None]:
        """What the person wrote is PI (a complaint, a relative's statement): sealed under the filer's own key."""
        if not filing.text and not filing.values and not filing.deceased_phone:
            return None, None
        key = self.vault.keyring.data_key(connection, by)
        if key is None:
            return None, None
        document = json.dumps(
            {"text": filing.text, "values": filing.values, "deceased_phone": filing.deceased_phone}, ensure_ascii=False
        )
        return seal_value(key[0], by, "request.payload", key[1], document), key[1]

    def _payload(self, connection: Connection, row: Any) -> dict[str, Any]:
        if row.sealed_payload is None or row.filer_id is None:
            return {}
        key = self.vault.keyring.data_key(connection, row.filer_id)
        if key is None:
            return {}
        opened: dict[str, Any] = json.loads(
            open_value(key[0], row.filer_id, "request.payload", row.payload_key_version, bytes(row.sealed_payload))
        )
        return opened

    # ------------------------------------------------------------------ carrying a request out

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
                        Kind(filing.consent_kind),
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
                return self._cancel(uow, request_id, subject, f"subject:{by}")
            else:
                return None
        except (ImmutableField, self_service.LegalHold) as exc:
            outcome = "field_immutable" if isinstance(exc, ImmutableField) else "legal_retention_applies"
            self._move(
                uow, request_id, subject, State.VERIFIED, State.REFUSED, "system", outcome=outcome, detail=exc.message
            )
            return {"refused": {"reason": outcome, "field": exc.field, "zh": exc.message.zh, "en": exc.message.en}}
        self._move(uow, request_id, subject, State.VERIFIED, State.COMPLETED, "system")
        return answer

    def access_answer(self, connection: Connection, subject: str, lang: str) -> dict[str, Any]:
        """Everything held about the person, masked as the privacy centre shows it, with why, how long, to whom."""
        spec = self.policy.spec
        items = []
        for stored in self.vault.stored_values(connection, subject):
            field_spec = spec.fields.get(stored.field)
            if field_spec is None:
                continue
            items.append(
                {
                    "field": stored.field,
                    "label": field_spec.label.get(lang),
                    "sensitive": field_spec.sensitivity.value == "sensitive",
                    "value": mask(field_spec.type, stored.value),
                    "collected_at": stored.collected_at.isoformat(),
                    "source": stored.source,
                    "purposes": [
                        {
                            "purpose": pid,
                            "label": spec.purposes[pid].label.get(lang),
                            "legal_basis": spec.purposes[pid].legal_basis.value,
                        }
                        for pid in stored.purposes
                        if pid in spec.purposes
                    ],
                    "retain_until": stored.retain_until.isoformat() if stored.retain_until else "account_cancellation",
                    "recipients": [spec.recipients[r].name.get(lang) for r in self.policy.recipients_of(stored.field)],
                }
            )
        return {"policy_version": self.policy.version, "fields": items}

    def explain_answer(self, fields: Sequence[str] | None, lang: str) -> dict[str, Any]:
        language = "en" if lang.startswith("en") else "zh-CN"
        try:
            explained = explain_fields(self.policy.spec, language, fields)  # type: ignore[arg-type]
        except ValueError:
            raise BadRequest(
                Msg("隐私政策没有声明其中某个字段。", "One of those fields is not declared in the policy."),
                field="fields",
            ) from None
        return {
            "policy_version": self.policy.version,
            "fields": [{"field": e.field, "label": e.label, "text": e.text} for e in explained],
        }

    def _export(self, uow: UnitOfWork, request_id: str, subject: str) -> dict[str, Any]:
        connection = uow.connection
        key = self.vault.keyring.data_key(connection, subject)
        if key is None:
            raise not_found("这个账号", "account")
        data = build_export(self.bundle(connection, subject))
        export_id = str(uuid.uuid4())
        now = self.vault.now()
        expires = now + timedelta(minutes=self.export_minutes)
        connection.execute(
            insert(_exports).values(
                id=export_id,
                request_id=request_id,
                subject_id=subject,
                sealed_zip=seal_blob(key[0], subject, "export", key[1], data),
                key_version=key[1],
                created_at=now,
                expires_at=expires,
            )
        )
        uow.record(
            AuditEvent(
                "pi-exported",
                f"subject:{subject}",
                role="subject",
                subject=subject,
                details={"export": export_id, "bytes": len(data)},
            )
        )
        return {
            "export_id": export_id,
            "download": f"/v1/me/exports/{export_id}",
            "expires_at": expires.isoformat(),
            "bytes": len(data),
        }

    def bundle(self, connection: Connection, subject: str) -> ExportBundle:
        policy = self.policy
        values = [
            ExportValue(v.field, v.value, v.collected_at, v.source, v.purposes, v.retain_until)
            for v in self.vault.stored_values(connection, subject)
        ]
        consents = [
            ExportConsent(
                e.id, e.kind, e.scope, e.action, e.given_by, e.channel, e.policy_version, e.text_hash, e.language, e.at
            )
            for e in consent.history(connection, subject)
        ]
        access = [
            ExportAccess(a.login_at, a.logout_at, a.method, a.address)
            for a in self.accounts.access_log(subject, limit=10_000)
        ]
        provisions = [
            ExportProvision(r.recipient, r.purpose, list(r.fields), r.at, r.actor)
            for r in connection.execute(select(_provisions).where(_provisions.c.subject_id == subject))
        ]
        requests = [
            ExportRequest(r.id, r.type, r.state, r.created_at, r.closed_at)
            for r in connection.execute(select(_requests).where(_requests.c.subject_id == subject))
        ]
        return ExportBundle(
            subject, self.vault.now(), policy.version, policy.spec, values, consents, access, provisions, requests
        )

    def download(self, *, export_id: str, subject: str) -> bytes:
        """The export's bytes, for its owner only, until it expires (and never after the key is shredded)."""
        with self.vault.unit() as uow:
            row = uow.connection.execute(select(_exports).where(_exports.c.id == export_id)).first()
            if row is None or row.subject_id != subject or row.expires_at <= self.vault.now():
                raise not_found("这个导出文件（或链接已过期）", "export (or the link has expired)")
            key = self.vault.keyring.data_key(uow.connection, subject)
            if key is None:
                raise not_found("这个导出文件", "export")
            data = open_blob(key[0], subject, "export", row.key_version, bytes(row.sealed_zip))
            uow.connection.execute(
                update(_exports).where(_exports.c.id == export_id).values(downloaded_at=self.vault.now())
            )
            uow.record(
                AuditEvent(
                    "export-downloaded",
                    f"subject:{subject}",
                    role="subject",
                    subject=subject,
                    details={"export": export_id},
                )
            )
        return data

    # ------------------------------------------------------------------ cancellation

    def _cancel(self, uow: UnitOfWork, request_id: str, subject: str, actor: str) -> dict[str, Any]:
        connection = uow.connection
        open_blockers = self.blockers(connection, subject)
        state = connection.execute(select(_requests.c.state).where(_requests.c.id == request_id)).scalar_one()
        if open_blockers:
            if state != State.IN_PROGRESS.value:
                self._move(uow, request_id, subject, State(state), State.IN_PROGRESS, actor, note="blocked")
            return {"blocked": True, "blockers": open_blockers}
        notice = uow.notes.get(f"notice:{request_id}")
        phone = notice["phone"] if notice else self._phone(connection, subject)
        policy = self.policy
        revoked = self.accounts.revoke_all(uow, subject)
        told = self._tell_recipients(uow, subject, None, "delete", request_id)
        released = list(connection.execute(select(_logins.c.provider).where(_logins.c.subject_id == subject)).scalars())
        connection.execute(delete(_logins).where(_logins.c.subject_id == subject))
        connection.execute(delete(_exports).where(_exports.c.subject_id == subject))
        connection.execute(update(_accounts).where(_accounts.c.subject_id == subject).values(status="cancelled"))
        uow.record(
            AuditEvent(
                "account-cancelled",
                actor,
                role="subject",
                subject=subject,
                details={"sessions_revoked": revoked, "recipients_told": told, "third_party_logins_released": released},
            )
        )
        self.vault.shred(
            actor=Actor.system(), subject_id=subject, reason="account_cancelled", uow=uow, check_access=False
        )
        self._move(uow, request_id, subject, State(state), State.COMPLETED, actor, notify_phone=phone)
        product = policy.spec.policy.title.get("zh-CN")
        return {
            "cancelled": True,
            "recipients_told": told,
            "third_party_logins_released": released,
            "note": f"{product}: account cancelled and personal information deleted",
        }

    def _tell_recipients(
        self, uow: UnitOfWork, subject: str, fields: Sequence[str] | None, kind: str, request_id: str
    ) -> list[str]:
        """Tells each recipient that received these fields (all, when None) to delete or correct them."""
        spec = self.policy.spec
        now = self.vault.now()
        told = []
        for rid, recipient in spec.recipients.items():
            if recipient.kind is RecipientKind.AUTHORITY:
                continue
            if fields is not None and not set(fields) & set(recipient.fields):
                continue
            channel = recipient.deletion_channel or recipient.contact or "(no channel in the policy)"
            status = "sent" if recipient.deletion_channel else "recorded"
            uow.connection.execute(
                insert(_notices).values(
                    subject_id=subject,
                    recipient=rid,
                    kind=kind,
                    channel=channel,
                    request_id=request_id,
                    at=now,
                    status=status,
                )
            )
            if recipient.deletion_channel:
                message = Message(
                    channel="recipient",
                    to=recipient.deletion_channel,
                    subject="个人信息删除通知" if kind == "delete" else "个人信息更正通知",
                    body=f"请{'删除' if kind == 'delete' else '更正'}个人信息主体 {subject} 的个人信息"
                    f"（{', '.join(fields) if fields else '全部'}），并回执。",
                    tags={"kind": f"recipient_{kind}", "recipient": rid},
                )
                uow.after_commit(lambda m=message: self.notifier.send(m))  # type: ignore[misc]
            told.append(rid)
        if told:
            uow.record(
                AuditEvent(
                    f"recipients-told-to-{kind}",
                    "system",
                    role="system",
                    subject=subject,
                    details={"recipients": told, "fields": list(fields) if fields else "all"},
                )
            )
        return told

    def proceed(self, *, request_id: str, subject: str) -> RequestView:
        """Tries a blocked cancellation again, once the person has settled what blocked it."""
        with self.vault.unit() as uow:
            row = self._row(uow.connection, request_id)
            if row.subject_id != subject or row.filer_id != subject:
                raise not_found("这个请求", "request")
            if row.type != RequestType.CANCEL_ACCOUNT.value or row.state in {s.value for s in FINAL}:
                raise Conflict(Msg("这个请求不能继续。", "This request cannot proceed."))
            if not _self_service_cancel(self.policy):
                raise Conflict(
                    Msg("注销需要人工审核，请等待处理。", "This cancellation is reviewed by staff; please wait.")
                )
            answer = self._cancel(uow, request_id, subject, f"subject:{subject}")
            view = self._view(uow.connection, request_id, with_answer=False)
            view.answer = answer
        return view

    # ------------------------------------------------------------------ blockers and third-party logins

    def blockers(self, connection: Connection, subject: str) -> list[dict[str, Any]]:
        rows = connection.execute(
            select(_blockers)
            .where(_blockers.c.subject_id == subject, _blockers.c.cleared_at.is_(None))
            .order_by(_blockers.c.id)
        )
        return [
            {
                "id": r.id,
                "kind": r.kind,
                "label": {"zh-CN": r.label_zh, "en": r.label_en},
                "what_to_do": {"zh-CN": r.action_zh, "en": r.action_en},
            }
            for r in rows
        ]

    def add_blocker(self, *, subject: str, kind: str, label: Msg, action: Msg, actor: Actor) -> int:
        with self.vault.unit() as uow:
            self.vault.subject_status(uow.connection, subject)
            blocker_id = int(
                uow.connection.execute(
                    insert(_blockers)
                    .values(
                        subject_id=subject,
                        kind=kind,
                        label_zh=label.zh,
                        label_en=label.en,
                        action_zh=action.zh,
                        action_en=action.en,
                        registered_by=actor.id,
                        created_at=self.vault.now(),
                    )
                    .returning(_blockers.c.id)
                ).scalar_one()
            )
            uow.record(
                AuditEvent(
                    "cancellation-blocker-added",
                    actor.id,
                    role=actor.role,
                    subject=subject,
                    details={"blocker": blocker_id, "kind": kind},
                )
            )
        return blocker_id

    def clear_blocker(self, *, subject: str, blocker_id: int, actor: Actor) -> None:
        with self.vault.unit() as uow:
            done = uow.connection.execute(
                update(_blockers)
                .where(
                    _blockers.c.id == blocker_id, _blockers.c.subject_id == subject, _blockers.c.cleared_at.is_(None)
                )
                .values(cleared_at=self.vault.now())
            ).rowcount
            if not done:
                raise not_found("这个阻碍事项", "blocker")
            uow.record(
                AuditEvent(
                    "cancellation-blocker-cleared",
                    actor.id,
                    role=actor.role,
                    subject=subject,
                    details={"blocker": blocker_id},
                )
            )

    def link_external_login(self, *, subject: str, provider: str, identifier: str, actor: Actor) -> None:
        with self.vault.unit() as uow:
            key = self.vault.keyring.data_key(uow.connection, subject)
            if key is None:
                raise not_found("这个账号", "account")
            uow.connection.execute(
                delete(_logins).where(_logins.c.subject_id == subject, _logins.c.provider == provider)
            )
            uow.connection.execute(
                insert(_logins).values(
                    subject_id=subject,
                    provider=provider,
                    key_version=key[1],
                    created_at=self.vault.now(),
                    sealed_identifier=seal_value(key[0], subject, f"external_login.{provider}", key[1], identifier),
                )
            )
            uow.record(
                AuditEvent(
                    "third-party-login-linked",
                    actor.id,
                    role=actor.role,
                    subject=subject,
                    details={"provider": provider},
                )
            )

    # ------------------------------------------------------------------ the person's view

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

    def get(self, *, request_id: str, by: str) -> RequestView:
        with self.vault.engine.connect() as connection:
            row = self._row(connection, request_id)
            if row.filer_id != by:
                raise not_found("这个请求", "request")
            return self._view(connection, request_id, with_answer=True, lang="zh-CN")

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

    # ------------------------------------------------------------------ the privacy officer's queue

    def queue(
        self,
        *,
        kind: str | None = None,
        state: str | None = None,
        due_before: str | None = None,
        overdue: bool = False,
        assigned_to: str | None = None,
        limit: int = 200,
    ) -> list[RequestView]:
        query = select(_requests.c.id).order_by(_requests.c.due_on, _requests.c.created_at).limit(limit)
        if kind:
            query = query.where(_requests.c.type == kind)
        if state:
            query = query.where(_requests.c.state == state)
        else:
            query = query.where(_requests.c.state.not_in([s.value for s in FINAL]))
        if due_before:
            query = query.where(_requests.c.due_on <= due_before)
        if overdue:
            query = query.where(
                _requests.c.due_on < today_in_china(self.vault.now()),
                _requests.c.state.not_in([s.value for s in FINAL]),
            )
        if assigned_to:
            query = query.where(_requests.c.assigned_to == assigned_to)
        with self.vault.engine.connect() as connection:
            return [self._view(connection, i, with_answer=False) for i in connection.execute(query).scalars()]

    def staff_view(self, request_id: str) -> tuple[RequestView, dict[str, Any]]:
        with self.vault.engine.connect() as connection:
            row = self._row(connection, request_id)
            return self._view(connection, request_id, with_answer=False), self._payload(connection, row)

    def assign(self, *, request_id: str, to: str, actor: Actor) -> RequestView:
        with self.vault.unit() as uow:
            row = self._row(uow.connection, request_id)
            if row.state in {s.value for s in FINAL}:
                raise Conflict(Msg("已结束的请求不能分派。", "A closed request cannot be assigned."))
            uow.connection.execute(update(_requests).where(_requests.c.id == request_id).values(assigned_to=to))
            uow.connection.execute(
                insert(_events).values(
                    request_id=request_id,
                    at=self.vault.now(),
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
            return self._view(uow.connection, request_id, with_answer=False)

    def act(
        self, *, request_id: str, action: str, actor: Actor, ground: str | None = None, decision: str | None = None
    ) -> RequestView:
        """A staff action: verify, start, complete or refuse (with a ground from the spec's list)."""
        with self.vault.unit() as uow:
            connection = uow.connection
            row = self._row(connection, request_id)
            current = State(row.state)
            try:
                if action == "verify":
                    self._move(uow, request_id, row.subject_id, current, State.VERIFIED, actor.id)
                elif action == "start":
                    self._move(uow, request_id, row.subject_id, current, State.IN_PROGRESS, actor.id)
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
            return self._view(connection, request_id, with_answer=False)

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
        self._move(uow, row.id, row.subject_id, current, State.REFUSED, actor.id, outcome=ground)

    def _complete(self, uow: UnitOfWork, row: Any, current: State, actor: Actor, decision: str | None) -> None:
        kind = RequestType(row.type)
        if current is State.RECEIVED:
            raise TransitionRefused("verify identity first")
        if kind is RequestType.NEXT_OF_KIN:
            self._next_of_kin(uow, row, current, actor, decision)
            return
        if kind is RequestType.CANCEL_ACCOUNT:
            if current is State.VERIFIED:
                self._move(uow, row.id, row.subject_id, current, State.IN_PROGRESS, actor.id)
            answer = self._cancel(uow, row.id, row.subject_id, actor.id)
            if answer.get("blocked"):
                raise Conflict(
                    Msg("仍有未处理的阻碍事项，暂不能注销。", "Blockers remain; the account cannot be cancelled yet.")
                )
            return
        self._move(uow, row.id, row.subject_id, current, State.COMPLETED, actor.id)

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
        wants = (row.details or {}).get("wants", "access")
        deceased = row.subject_id
        outcome = f"approved:{wants}"
        if wants == "delete":
            uow.connection.execute(
                update(_accounts).where(_accounts.c.subject_id == deceased).values(status="cancelled")
            )
            self.accounts.revoke_all(uow, deceased)
            self._tell_recipients(uow, deceased, None, "delete", row.id)
            self.vault.shred(actor=actor, subject_id=deceased, reason="next_of_kin", uow=uow, check_access=False)
        self._move(uow, row.id, deceased, current, State.COMPLETED, actor.id, outcome=outcome)

    # ------------------------------------------------------------------ internals

    def _row(self, connection: Connection, request_id: str) -> Any:
        row = connection.execute(select(_requests).where(_requests.c.id == request_id)).first()
        if row is None:
            raise not_found("这个请求", "request")
        return row

    def _event(
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
            insert(_events).values(
                request_id=request_id,
                at=self.vault.now(),
                from_state=from_state.value if from_state else None,
                to_state=to_state.value,
                actor=actor,
                note=note,
            )
        )
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

    def _move(
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
        detail: Msg | None = None,
        notify_phone: str | None = None,
    ) -> None:
        check_transition(current, target)
        values: dict[str, Any] = {"state": target.value}
        now = self.vault.now()
        if target is State.VERIFIED:
            values["verified_at"] = now
        if target in FINAL:
            values["closed_at"] = now
        if outcome is not None:
            values["outcome"] = outcome
        uow.connection.execute(update(_requests).where(_requests.c.id == request_id).values(**values))
        self._event(uow, request_id, subject, current, target, actor, note or outcome)
        if target is not State.RECEIVED:
            self._notify(uow, request_id, subject, target, outcome, notify_phone)

    def _notify(
        self, uow: UnitOfWork, request_id: str, subject: str, state: State, outcome: str | None, phone: str | None
    ) -> None:
        """Tells the person of the request's progress through the channel they registered with (SMS): one message
        per transaction, naming every state the request passed through in it, sent after the commit."""
        key = f"notice:{request_id}"
        note = uow.notes.get(key)
        if note is None:
            row = uow.connection.execute(
                select(_requests.c.type, _requests.c.filer_id).where(_requests.c.id == request_id)
            ).one()
            note = {
                "type": RequestType(row.type),
                "states": [],
                "outcome": None,
                "phone": phone or self._phone(uow.connection, row.filer_id or subject),
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

    def _phone(self, connection: Connection, subject: str | None) -> str | None:
        """The number the person logs in with: the one channel every person has given (decrypts just that)."""
        login = self.policy.login
        if subject is None or login is None:
            return None
        return self.vault.open_fields(connection, subject, [login[0]]).get(login[0])

    def _view(self, connection: Connection, request_id: str, *, with_answer: bool, lang: str = "zh-CN") -> RequestView:
        row = self._row(connection, request_id)
        history = [
            {"at": e.at.isoformat(), "from": e.from_state, "to": e.to_state, "actor": e.actor, "note": e.note}
            for e in connection.execute(
                select(_events).where(_events.c.request_id == request_id).order_by(_events.c.id)
            )
        ]
        overdue = row.state not in {s.value for s in FINAL} and is_overdue(
            Deadline(row.due_on, row.due_exact, None), today_in_china(self.vault.now())
        )
        view = RequestView(
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
        if with_answer and row.state == State.COMPLETED.value:
            status = self.vault.subject_status(connection, row.subject_id)
            if status != "shredded":
                if row.type in (RequestType.ACCESS.value,) or (
                    row.type == RequestType.NEXT_OF_KIN.value and (row.outcome or "").endswith(":access")
                ):
                    view.answer = self.access_answer(connection, row.subject_id, lang)
                elif row.type == RequestType.EXPLAIN.value:
                    view.answer = self.explain_answer(view.details.get("fields") or None, lang)
        return view

    def statistics(self) -> dict[str, Any]:
        """Counts by type and state, and time to close (网络数据安全管理条例 Art. 44 reporting)."""
        with self.vault.engine.connect() as connection:
            rows = connection.execute(
                select(_requests.c.type, _requests.c.state, func.count()).group_by(_requests.c.type, _requests.c.state)
            ).all()
            overdue = connection.execute(
                select(func.count())
                .select_from(_requests)
                .where(
                    and_(
                        _requests.c.due_on < today_in_china(self.vault.now()),
                        or_(
                            *[_requests.c.state == s.value for s in (State.RECEIVED, State.VERIFIED, State.IN_PROGRESS)]
                        ),
                    )
                )
            ).scalar_one()
        counts: dict[str, dict[str, int]] = {}
        for kind, state, count in rows:
            counts.setdefault(kind, {})[state] = int(count)
        return {"by_type": counts, "overdue": int(overdue)}


def _self_service_cancel(policy: CompiledPolicy) -> bool:
    right = policy.spec.rights.get(Right.CANCEL_ACCOUNT)
    return right is not None and right.self_service


def _right(kind: RequestType) -> Right:
    return RIGHT_OF[kind]
