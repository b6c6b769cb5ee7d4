"""Cancelling an account (注销账户): blockers first, then sessions, recipients, third-party logins, the key."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Connection, bindparam, delete, insert, select, update

from yinsi.adapters.db.rows import PiValueRow, table_of
from yinsi.adapters.db.statements import strict_insert
from yinsi.core.errors import Conflict, not_found
from yinsi.core.i18n import Msg
from yinsi.core.policy.compiled import CompiledPolicy
from yinsi.core.policy.vocabulary import Operation, RecipientKind
from yinsi.core.requests import (
    FINAL,
    RequestType,
    State,
)
from yinsi.core.sealing import external_login_digest, seal_value
from yinsi.services import webhooks
from yinsi.services.accounts import Accounts
from yinsi.services.audit import AuditEvent
from yinsi.services.login_releases import LoginReleases
from yinsi.services.retention import Retention
from yinsi.services.rights.base import (
    ACCOUNTS,
    BLOCKERS,
    EXPORTS,
    LOGINS,
    NOTICES,
    PROVISIONS,
    REQUEST_STATE,
    RequestStore,
    RequestView,
    self_service_cancel,
)
from yinsi.services.unit_of_work import UnitOfWork
from yinsi.services.vault import Actor

_values = table_of(PiValueRow)

_HELD_FIELDS = select(_values.c.field).where(_values.c.subject_id == bindparam("subject_id"))
_PROVIDED = select(PROVISIONS.c.recipient, PROVISIONS.c.fields).where(
    PROVISIONS.c.subject_id == bindparam("subject_id")
)
_OPEN_BLOCKERS = (
    select(BLOCKERS)
    .where(BLOCKERS.c.subject_id == bindparam("subject_id"), BLOCKERS.c.cleared_at.is_(None))
    .order_by(BLOCKERS.c.id)
)
_INSERT_NOTICE = strict_insert(NOTICES, "subject_id", "recipient", "kind", "channel", "request_id", "at", "status")
_DELETE_EXPORTS = delete(EXPORTS).where(EXPORTS.c.subject_id == bindparam("subject_id"))
_CLOSE_ACCOUNT = update(ACCOUNTS).where(ACCOUNTS.c.subject_id == bindparam("b_subject")).values(status="cancelled")


class Cancellation:
    """Cancelling an account and what may block it; used by the person's side and by the staff queue."""

    def __init__(
        self, store: RequestStore, accounts: Accounts, retention: Retention, login_releases: LoginReleases
    ) -> None:
        self.store = store
        self.retention = retention
        self.login_releases = login_releases
        self.context = store.context
        self.vault = store.vault
        self.accounts = accounts

    @property
    def policy(self) -> CompiledPolicy:
        return self.context.policy

    def cancel(self, uow: UnitOfWork, request_id: str, subject: str, actor: Actor) -> dict[str, Any]:
        connection = uow.connection
        open_blockers = self.blockers(connection, subject)
        state = connection.execute(REQUEST_STATE, {"request_id": request_id}).scalar_one()
        if open_blockers:
            if state != State.IN_PROGRESS.value:
                self.store.move(uow, request_id, subject, State(state), State.IN_PROGRESS, actor.id, note="blocked")
            return self._blocked(open_blockers, request_id)
        notice = uow.notes.get(f"notice:{request_id}")
        phone = notice["phone"] if notice else self.store.phone(connection, subject)
        closed = self.close_account(uow, subject, actor, "account_cancelled", request_id)
        self.store.move(uow, request_id, subject, State(state), State.COMPLETED, actor.id, notify_phone=phone)
        product = self.policy.spec.policy.title.get("zh-CN")
        return {
            "cancelled": True,
            **closed,
            "note": f"{product}: account cancelled and personal information deleted",
        }

    def close_account(
        self, uow: UnitOfWork, subject: str, actor: Actor, reason: str, request_id: str
    ) -> dict[str, list[str]]:
        """Everything cancelling an account does, whoever asked (the person, or a relative of the deceased):
        sessions revoked, recipients told to delete, third-party logins released, copies and the key gone."""
        connection = uow.connection
        revoked = self.accounts.revoke_all(uow, subject)
        told = self.tell_recipients(uow, subject, None, "delete", request_id)
        by_subject = {"subject_id": subject}
        # Third-party logins: queued for release with their providers (re-sealed before the key goes).
        released = self.login_releases.queue_in(uow, subject)
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
        webhooks.enqueue(
            connection,
            webhooks.ACCOUNT_CANCELLED,
            {"subject_id": subject, "reason": reason, "request_id": request_id},
            now=self.context.now(),
        )
        # Shredded at once, unless a law or a legal hold keeps some of it: then that stays, dated, until the
        # retention sweep deletes it and shreds the subject (Retention.on_cancellation_in).
        self.retention.on_cancellation_in(uow, subject=subject, actor=Actor.system(), reason=reason)
        return {"recipients_told": told, "third_party_logins_released": released}

    def tell_recipients(
        self, uow: UnitOfWork, subject: str, fields: Sequence[str] | None, kind: str, request_id: str
    ) -> list[str]:
        """Tells each recipient that may hold these fields (all, when None) to delete or correct them.

        A processor, SDK or affiliate handles the person's PI on the operator's behalf whenever it is declared
        to receive a field the person has; an independent partner only holds what was recorded as provided to
        it. Authorities are never asked to delete.
        """
        spec = self.policy.spec
        now = self.context.now()
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
        with self.context.unit() as uow:
            row = self.store.row(uow.connection, request_id)
            if row.subject_id != subject or row.filer_id != subject:
                raise not_found("这个请求", "request")
            if row.type != RequestType.CANCEL_ACCOUNT.value or row.state in {s.value for s in FINAL}:
                raise Conflict(Msg("这个请求不能继续。", "This request cannot proceed."))
            if not self_service_cancel(self.policy):
                raise Conflict(
                    Msg("注销需要人工审核，请等待处理。", "This cancellation is reviewed by staff; please wait.")
                )
            answer = self.cancel(uow, request_id, subject, Actor(f"subject:{subject}", "subject"))
            view = self.store.view(uow.connection, request_id)
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
        if self_service_cancel(self.policy):
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
        with self.context.unit() as uow:
            self.vault.require_operation(uow, actor, Operation.MANAGE_BLOCKERS, subject, event="blockers-denied")
            self.vault.subject_status(uow.connection, subject)
            blocker_id = int(
                uow.connection.execute(
                    insert(BLOCKERS)
                    .values(
                        subject_id=subject,
                        kind=kind,
                        label_zh=label.zh,
                        label_en=label.en,
                        action_zh=action.zh,
                        action_en=action.en,
                        registered_by=actor.id,
                        created_at=self.context.now(),
                    )
                    .returning(BLOCKERS.c.id)
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
        with self.context.unit() as uow:
            self.vault.require_operation(uow, actor, Operation.MANAGE_BLOCKERS, subject, event="blockers-denied")
            done = uow.connection.execute(
                update(BLOCKERS)
                .where(BLOCKERS.c.id == blocker_id, BLOCKERS.c.subject_id == subject, BLOCKERS.c.cleared_at.is_(None))
                .values(cleared_at=self.context.now())
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
        with self.context.unit() as uow:
            self.vault.require_operation(uow, actor, Operation.MANAGE_BLOCKERS, subject, event="blockers-denied")
            key = self.context.keyring.data_key(uow.connection, subject)
            if key is None:
                raise not_found("这个账号", "account")
            uow.connection.execute(delete(LOGINS).where(LOGINS.c.subject_id == subject, LOGINS.c.provider == provider))
            uow.connection.execute(
                insert(LOGINS).values(
                    subject_id=subject,
                    provider=provider,
                    key_version=key[1],
                    created_at=self.context.now(),
                    sealed_identifier=seal_value(key[0], subject, f"external_login.{provider}", key[1], identifier),
                    identifier_digest=external_login_digest(self.context.keyring.secret("index"), provider, identifier),
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
