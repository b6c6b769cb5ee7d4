"""Rights requests end to end: filing, answering, refusing, withdrawing, and the privacy officer's queue.

``Rights`` wires the parts over one ``RequestStore`` and is what entry points
call: the person's side (``person.PersonRequests``), the staff queue
(``queue.StaffQueue``), the answers (``answers.Answers``) and the account
cancellation (``cancellation.Cancellation``). What each type of request does
is one entry in the tables of ``handlers``. Every transition is recorded,
audited and notified by the store.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection

from yinsi.core.export import ExportBundle
from yinsi.core.i18n import Msg
from yinsi.core.pages import Page
from yinsi.core.policy.compiled import CompiledPolicy
from yinsi.core.requests import RequestType
from yinsi.services.accounts import Accounts
from yinsi.services.consent import ConsentLedger
from yinsi.services.context import ServiceContext
from yinsi.services.login_releases import LoginReleases
from yinsi.services.notifier import Notifier
from yinsi.services.retention import Retention
from yinsi.services.rights.answers import Answers
from yinsi.services.rights.base import Filing, RequestRefusedNow, RequestStore, RequestView
from yinsi.services.rights.cancellation import Cancellation
from yinsi.services.rights.handlers import Parts
from yinsi.services.rights.person import PersonRequests
from yinsi.services.rights.queue import StaffQueue
from yinsi.services.self_service import SelfService
from yinsi.services.staff import Staff
from yinsi.services.vault import Actor, Vault

__all__ = ["Filing", "RequestRefusedNow", "RequestView", "Rights"]


class Rights:
    """The rights workflow's operations, each in a unit of work of its own."""

    def __init__(
        self,
        context: ServiceContext,
        vault: Vault,
        accounts: Accounts,
        notifier: Notifier,
        export_minutes: int = 15,
        *,
        staff_inbox: str | None = None,
        staff: Staff,
        ledger: ConsentLedger,
        self_service: SelfService,
        retention: Retention,
        login_releases: LoginReleases,
    ) -> None:
        self.context = context
        self.store = RequestStore(context, vault, notifier, staff_inbox=staff_inbox)
        self.answers = Answers(self.store, accounts, ledger, export_minutes=export_minutes)
        self.cancellation = Cancellation(self.store, accounts, retention, login_releases)
        parts = Parts(self.answers, self.cancellation, self_service)
        self.person = PersonRequests(self.store, parts, accounts)
        self.staff = StaffQueue(self.store, parts, staff)

    @property
    def policy(self) -> CompiledPolicy:
        return self.context.policy

    # ------------------------------------------------------------------ the person's side

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
        when the person can do it themselves. Staff filing for a person who asked by phone or letter pass
        ``filed_by="staff"``, themselves as ``actor`` and the ``channel``: such a request waits unverified."""
        return self.person.file(
            subject=subject,
            kind=kind,
            filing=filing,
            by=by,
            filed_by=filed_by,
            no_account=no_account,
            actor=actor,
            channel=channel,
        )

    def file_next_of_kin(self, *, by: str, filing: Filing) -> RequestView:
        return self.person.file_next_of_kin(by=by, filing=filing)

    def withdraw(self, *, request_id: str, by: str) -> RequestView:
        return self.person.withdraw(request_id=request_id, by=by)

    def get(self, *, request_id: str, by: str, lang: str = "zh-CN") -> RequestView:
        return self.person.get(request_id=request_id, by=by, lang=lang)

    def list_for(self, *, by: str) -> list[RequestView]:
        return self.person.list_for(by=by)

    def page_for(self, *, by: str, limit: int, cursor: str | None = None) -> Page[RequestView]:
        return self.person.page_for(by=by, limit=limit, cursor=cursor)

    def download(self, *, export_id: str, subject: str) -> bytes:
        return self.answers.download(export_id=export_id, subject=subject)

    def bundle(self, connection: Connection, subject: str) -> ExportBundle:
        return self.answers.bundle(connection, subject)

    # ------------------------------------------------------------------ cancellation

    def proceed(self, *, request_id: str, subject: str) -> RequestView:
        return self.cancellation.proceed(request_id=request_id, subject=subject)

    def blockers(self, connection: Connection, subject: str) -> list[dict[str, Any]]:
        return self.cancellation.blockers(connection, subject)

    def blockers_of(self, *, subject: str) -> list[dict[str, Any]]:
        """What must be settled before the person's account can be cancelled."""
        with self.context.connect() as connection:
            return self.cancellation.blockers(connection, subject)

    def add_blocker(self, *, subject: str, kind: str, label: Msg, action: Msg, actor: Actor) -> int:
        return self.cancellation.add_blocker(subject=subject, kind=kind, label=label, action=action, actor=actor)

    def clear_blocker(self, *, subject: str, blocker_id: int, actor: Actor) -> None:
        self.cancellation.clear_blocker(subject=subject, blocker_id=blocker_id, actor=actor)

    def link_external_login(self, *, subject: str, provider: str, identifier: str, actor: Actor) -> None:
        self.cancellation.link_external_login(subject=subject, provider=provider, identifier=identifier, actor=actor)

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
        subject: str | None = None,
        include_closed: bool = False,
        newest_first: bool = False,
    ) -> list[RequestView]:
        return self.staff.queue(
            kind=kind,
            state=state,
            due_before=due_before,
            overdue=overdue,
            assigned_to=assigned_to,
            limit=limit,
            subject=subject,
            include_closed=include_closed,
            newest_first=newest_first,
        )

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
    ) -> Page[RequestView]:
        return self.staff.queue_page(
            kind=kind,
            state=state,
            due_before=due_before,
            overdue=overdue,
            assigned_to=assigned_to,
            limit=limit,
            cursor=cursor,
        )

    def staff_view(
        self, request_id: str, *, with_payload: bool = False, viewer: Actor | None = None
    ) -> tuple[RequestView, dict[str, Any]]:
        return self.staff.staff_view(request_id, with_payload=with_payload, viewer=viewer)

    def assign(self, *, request_id: str, to: str, actor: Actor) -> RequestView:
        return self.staff.assign(request_id=request_id, to=to, actor=actor)

    def act(
        self, *, request_id: str, action: str, actor: Actor, ground: str | None = None, decision: str | None = None
    ) -> RequestView:
        return self.staff.act(request_id=request_id, action=action, actor=actor, ground=ground, decision=decision)

    def statistics(self) -> dict[str, Any]:
        return self.staff.statistics()
