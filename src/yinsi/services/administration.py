"""The operator's own operations (staff, keys, policy versions, backups), each in a transaction of its own.

These are what ``yinsi staff``, ``yinsi keys``, ``yinsi policy publish`` and
``yinsi backup`` do; the command line only parses, calls one of them and
prints. Every one leaves its audit event, in the transaction that does the
work where there is one, or right after the file it wrote.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import func, select

from yinsi.adapters.db.rows import DataKeyRow, table_of
from yinsi.adapters.keys.local_file import LocalFileKeyProvider
from yinsi.config import Settings
from yinsi.core.errors import BadRequest, Unauthenticated
from yinsi.core.i18n import Msg
from yinsi.core.pages import Page
from yinsi.core.policy.vocabulary import Operation
from yinsi.services import api_keys, backups, policies, staff
from yinsi.services.api_keys import ApiKeys
from yinsi.services.audit import AuditEvent, require_subject_id
from yinsi.services.backups import StoreBackups
from yinsi.services.context import ServiceContext
from yinsi.services.keyring import RotationReport
from yinsi.services.notices.announcements import Announcements
from yinsi.services.notifier import Notifier
from yinsi.services.policies import PolicyVersions
from yinsi.services.staff import Staff
from yinsi.services.vault import Actor


@dataclass(frozen=True, slots=True)
class Retired:
    dropped: list[str]
    re_wrapped: int


class Administration:
    def __init__(
        self,
        context: ServiceContext,
        notifier: Notifier,
        settings: Settings,
        *,
        staff: Staff,
        keys: ApiKeys,
        announcements: Announcements,
        backups: StoreBackups,
        policies: PolicyVersions,
        follow_policy: Callable[[], object] = lambda: None,
    ) -> None:
        self.context = context
        self._staff = staff
        self._keys = keys
        self._announcements = announcements
        self._backups = backups
        self._policies = policies
        self._follow_policy = follow_policy
        self._notifier = notifier
        self._settings = settings

    def _record(self, action: str, **details: object) -> None:
        with self.context.unit() as uow:
            uow.record(AuditEvent(action, "system", role="system", details=details))

    # ------------------------------------------------------------------ staff

    def _issuer(self) -> str:
        return self.context.policy.spec.policy.title.get("en")[:40]

    def create_staff(self, *, username: str, role: str, password: str) -> staff.NewStaff:
        return self._staff.create(username=username, role=role, password=password, issuer=self._issuer())

    def disable_staff(self, *, username: str) -> None:
        self._staff.disable(username=username)

    def reset_totp(self, *, username: str) -> staff.NewStaff:
        return self._staff.reset_totp(username=username, issuer=self._issuer())

    def active_staff(self, *, username: str) -> staff.StaffMember:
        """An active member of staff (a command run ``--as`` them); what their role may do is checked by the
        operation they run."""
        member = self._staff.active_member(username=username)
        if member is None:
            raise Unauthenticated(
                Msg(f"没有名为 {username} 的在职员工。", f"No active member of staff is called {username}.")
            )
        return member

    def reset_staff_password(self, *, username: str, password: str) -> None:
        self._staff.reset_password(username=username, password=password)

    def staff_member(self, *, username: str, operation: Operation) -> staff.StaffMember:
        """An active member of staff whose role may do ``operation``."""
        member = self.active_staff(username=username)
        staff.require(self.context.policy, member, operation)
        return member

    # ------------------------------------------------------------------ keys

    def data_key_count(self) -> int:
        with self.context.connect() as connection:
            return int(connection.execute(select(func.count()).select_from(table_of(DataKeyRow))).scalar_one())

    def rotate_master_key(self, *, progress: Callable[[int], None] | None = None) -> RotationReport:
        provider = self.context.keyring.provider
        # Environment keys: the operator has already put the new key first in YINSI_MASTER_KEY.
        new_master = provider.add_new_current() if isinstance(provider, LocalFileKeyProvider) else provider.current()
        report = self.context.keyring.rotate(self.context.engine, new_master, progress=progress)
        self._record(
            "master-key-rotated",
            master_key=report.new_master_key,
            data_keys=report.data_keys,
            secrets=report.secrets,
        )
        return report

    def retire_master_keys(self) -> Retired:
        provider = self.context.keyring.provider
        if not isinstance(provider, LocalFileKeyProvider):
            raise BadRequest(
                Msg(
                    "YINSI_MASTER_KEY 中的密钥通过从变量中删除来停用（先用新密钥排在首位运行 'yinsi keys rotate'）。",
                    "keys given in YINSI_MASTER_KEY are retired by removing them from the variable, after "
                    "'yinsi keys rotate' with the new key first",
                )
            )
        stragglers = self.context.keyring.rotate(self.context.engine, provider.current())
        dropped = provider.retire(sorted(self.context.keyring.master_ids_in_use(self.context.engine)))
        self._record("master-keys-retired", retired=dropped, re_wrapped=stragglers.data_keys)
        return Retired(dropped, stragglers.data_keys)

    def create_api_key(self, *, role: str, label: str) -> api_keys.IssuedKey:
        return self._keys.create(role=role, label=label)

    def revoke_api_key(self, *, key_id: str) -> bool:
        return self._keys.revoke(key_id=key_id)

    def backup_keystore(self, *, destination: Path) -> backups.KeystoreManifest:
        manifest = self._backups.backup_keystore(destination=destination)
        self._record("keystore-backed-up", expires_at=manifest.expires_at.isoformat())
        return manifest

    def backup_data_store(self, *, destination: Path) -> None:
        self._record("data-store-backed-up")
        self._backups.backup_data_store(destination=destination)

    # ------------------------------------------------------------------ policy versions

    def publish_policy(self, *, text: str, name: str) -> policies.Published:
        """Puts a spec in force; a change is announced by ``announce`` with what this returns."""
        return self._policies.publish(text=text, actor="system", name=name)

    def announce(self, announcement_id: int, *, progress: Callable[[int], None] | None = None) -> int:
        """Sends a policy change's announcement to the people it concerns, through their channels."""
        self._follow_policy()  # the announcement names the new version's channels, not the old one's
        return self._announcements.deliver(announcement_id=announcement_id, progress=progress)

    def audit_page(
        self, *, viewer: Actor, subject: str | None, action: str | None, limit: int, cursor: str | None
    ) -> Page[dict[str, Any]]:
        """A page of the audit trail for a member of staff; looking at it is itself recorded."""
        if subject is not None:
            require_subject_id(subject)
        page = self.context.audit.events_page(
            self.context.engine, subject=subject, action=action, limit=limit, cursor=cursor
        )
        with self.context.unit() as uow:
            uow.record(
                AuditEvent(
                    "audit-viewed",
                    viewer.id,
                    role=viewer.role,
                    subject=subject,
                    details={"action": action, "count": len(page.items)},
                )
            )
        return page

    def policy_history(self) -> list[dict[str, object]]:
        return self._policies.history()
