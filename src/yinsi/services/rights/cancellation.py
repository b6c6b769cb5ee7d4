"""Cancelling an account (注销账户): blockers first, then sessions, recipients, third-party logins, the key."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Connection, bindparam, delete, insert, select, update

from yinsi.adapters.db.rows import PiValueRow, table_of
from yinsi.adapters.db.statements import strict_insert
from yinsi.core.errors import Conflict, not_found
from yinsi.core.i18n import Msg
from yinsi.core.policy.vocabulary import Operation, RecipientKind
from yinsi.core.requests import (
    FINAL,
    RequestType,
    State,
)
from yinsi.core.sealing import seal_value
from yinsi.services import retention
from yinsi.services.audit import AuditEvent
from yinsi.services.rights.base import (
    _REQUEST_STATE,
    RequestView,
    RightsBase,
    _accounts,
    _blockers,
    _exports,
    _logins,
    _notices,
    _provisions,
    _self_service_cancel,
)
from yinsi.services.unit_of_work import UnitOfWork
from yinsi.services.vault import Actor

_values = table_of(PiValueRow)

_HELD_FIELDS = select(_values.c.field).where(_values.c.subject_id == bindparam("subject_id"))
_PROVIDED = select(_provisions.c.recipient, _provisions.c.fields).where(
    _provisions.c.subject_id == bindparam("subject_id")
)
_OPEN_BLOCKERS = (
    select(_blockers)
    .where(_blockers.c.subject_id == bindparam("subject_id"), _blockers.c.cleared_at.is_(None))
    .order_by(_blockers.c.id)
)
_INSERT_NOTICE = strict_insert(_notices, "subject_id", "recipient", "kind", "channel", "request_id", "at", "status")
_LOGINS = select(_logins.c.provider).where(_logins.c.subject_id == bindparam("subject_id"))
_DELETE_LOGINS = delete(_logins).where(_logins.c.subject_id == bindparam("subject_id"))
_DELETE_EXPORTS = delete(_exports).where(_exports.c.subject_id == bindparam("subject_id"))
_CLOSE_ACCOUNT = update(_accounts).where(_accounts.c.subject_id == bindparam("b_subject")).values(status="cancelled")


class Cancellation(RightsBase):
    def _cancel(self, uow: UnitOfWork, request_id: str, subject: str, actor: Actor) -> dict[str, Any]:
        connection = uow.connection
        open_blockers = self.blockers(connection, subject)
        state = connection.execute(_REQUEST_STATE, {"request_id": request_id}).scalar_one()
        if open_blockers:
            if state != State.IN_PROGRESS.value:
                self._move(uow, request_id, subject, State(state), State.IN_PROGRESS, actor.id, note="blocked")
            return self._blocked(open_blockers, request_id)
        notice = uow.notes.get(f"notice:{request_id}")
        phone = notice["phone"] if notice else self._phone(connection, subject)
        closed = self._close_account(uow, subject, actor, "account_cancelled", request_id)
        self._move(uow, request_id, subject, State(state), State.COMPLETED, actor.id, notify_phone=phone)
        product = self.policy.spec.policy.title.get("zh-CN")
        return {
            "cancelled": True,
            **closed,
            "note": f"{product}: account cancelled and personal information deleted",
        }

    def _close_account(
        self, uow: UnitOfWork, subject: str, actor: Actor, reason: str, request_id: str
    ) -> dict[str, list[str]]:
        """Everything cancelling an account does, whoever asked (the person, or a relative of the deceased):
        sessions revoked, recipients told to delete, third-party logins released, copies and the key gone."""
        connection = uow.connection
        revoked = self.accounts.revoke_all(uow, subject)
        told = self._tell_recipients(uow, subject, None, "delete", request_id)
        by_subject = {"subject_id": subject}
        released = list(connection.execute(_LOGINS, by_subject).scalars())
        connection.execute(_DELETE_LOGINS, by_subject)
        connection.execute(_DELETE_EXPORTS, by_subject)
        connection.execute(_CLOSE_ACCOUNT, {"b_subject": subject})
        uow.record(
            AuditEvent(
                "account-cancelled",
                actor.id,
                role=actor.role,
                subject=subject,
                details={
                    "reason": reason,
                    "sessions_revoked": revoked,
                    "recipients_told": told,
                    "third_party_logins_released": released,
                },
            )
        )
        # Shredded at once, unless a law or a legal hold keeps some of it: then that stays, dated, until the
        # retention sweep deletes it and shreds the subject (services.retention.on_cancellation).
        retention.on_cancellation(self.vault, uow, subject=subject, actor=Actor.system(), reason=reason)
        return {"recipients_told": told, "third_party_logins_released": released}

    def _tell_recipients(
        self, uow: UnitOfWork, subject: str, fields: Sequence[str] | None, kind: str, request_id: str
    ) -> list[str]:
        """Tells each recipient that may hold these fields (all, when None) to delete or correct them.

        A processor, SDK or affiliate handles the person's PI on the operator's behalf whenever it is declared
        to receive a field the person has; an independent partner only holds what was recorded as provided to
        it. Authorities are never asked to delete.
        """
        spec = self.policy.spec
        now = self.vault.now()
        connection = uow.connection
        held = set(connection.execute(_HELD_FIELDS, {"subject_id": subject}).scalars())
        concerned = held if fields is None else set(fields)
        provided: dict[str, set[str]] = {}
        for row in connection.execute(_PROVIDED, {"subject_id": subject}):
            provided.setdefault(row.recipient, set()).update(row.fields)
        told = []
        for rid, recipient in spec.recipients.items():
            if recipient.kind is RecipientKind.AUTHORITY:
                continue
            if recipient.kind is RecipientKind.PARTNER:
                if not provided.get(rid, set()) & concerned:
                    continue
            elif not concerned & set(recipient.fields):
                continue
            channel = recipient.deletion_channel or recipient.contact or "(no channel in the policy)"
            # A channel to deliver to: `yinsi jobs recipient-notices` sends it; otherwise it is recorded for
            # the privacy officer to pass on. Either way the person's request does not wait for a recipient.
            status = "pending" if recipient.deletion_channel else "recorded"
            uow.connection.execute(
                _INSERT_NOTICE,
                {
                    "subject_id": subject,
                    "recipient": rid,
                    "kind": kind,
                    "channel": channel,
                    "request_id": request_id,
                    "at": now,
                    "status": status,
                },
            )
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
            answer = self._cancel(uow, request_id, subject, Actor(f"subject:{subject}", "subject"))
            view = self._view(uow.connection, request_id, with_answer=False)
            view.answer = answer
        return view

    def blocked_answer(self, connection: Connection, subject: str, request_id: str) -> dict[str, Any] | None:
        """What an open cancellation waits on, for the person's view of it; None when nothing blocks it."""
        open_blockers = self.blockers(connection, subject)
        return self._blocked(open_blockers, request_id) if open_blockers else None

    def _blocked(self, open_blockers: list[dict[str, Any]], request_id: str) -> dict[str, Any]:
        """The answer of a blocked cancellation: each blocker with what to do about it, then what comes next.

        A blocker is named by its kind and the words the operator's service gave it (never a value of PI), so
        the person knows what to settle and staff know why the cancellation could not be completed.
        """
        if _self_service_cancel(self.policy):
            then = Msg(
                f"请逐项处理以上事项，然后继续这个注销请求（POST /v1/me/requests/{request_id}/proceed）。",
                f"Settle each of these, then proceed with this cancellation (POST /v1/me/requests/{request_id}/proceed).",
            )
        else:
            then = Msg(
                "请逐项处理以上事项；处理完毕后，工作人员会完成注销。",
                "Settle each of these; staff then complete the cancellation.",
            )
        return {"blocked": True, "blockers": open_blockers, "what_next": {"zh-CN": then.zh, "en": then.en}}

    def blockers(self, connection: Connection, subject: str) -> list[dict[str, Any]]:
        rows = connection.execute(_OPEN_BLOCKERS, {"subject_id": subject})
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
            self.vault.require_operation(uow, actor, Operation.MANAGE_BLOCKERS, subject, event="blockers-denied")
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
            self.vault.require_operation(uow, actor, Operation.MANAGE_BLOCKERS, subject, event="blockers-denied")
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
            self.vault.require_operation(uow, actor, Operation.MANAGE_BLOCKERS, subject, event="blockers-denied")
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
