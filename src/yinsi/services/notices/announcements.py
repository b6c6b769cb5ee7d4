"""Announcing a policy change through the channels the spec names.

Pop-ups and website notices are shown by the apps themselves: they read the
public feed (``/v1/announcements``) and each person's ``reconsent_required``.
Channels that reach a person directly (SMS; e-mail where the spec holds an
address) get one message per active account, sent in batches so a large
user base never holds a transaction open, and counted on the announcement.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import select, update

from yinsi.adapters.db.rows import AccountRow, AnnouncementRow, table_of
from yinsi.core import pages
from yinsi.core.errors import not_found
from yinsi.core.pages import Page
from yinsi.core.policy.vocabulary import FieldType
from yinsi.core.ports import Message
from yinsi.services.audit import AuditEvent
from yinsi.services.context import ServiceContext
from yinsi.services.notifier import Notifier
from yinsi.services.vault import Vault

_accounts = table_of(AccountRow)
_announcements = table_of(AnnouncementRow)

DIRECT = {"sms": FieldType.MOBILE, "email": FieldType.EMAIL}


class Announcements:
    """The policy-change announcements: the public feed, and delivery to every active account."""

    def __init__(self, context: ServiceContext, vault: Vault, notifier: Notifier) -> None:
        self._context = context
        self._vault = vault  # opens the addresses, a batch at a time
        self._notifier = notifier

    def latest_page(self, *, limit: int = 10, cursor: str | None = None) -> Page[dict[str, Any]]:
        """Announcements, newest first, a page at a time."""
        after = pages.decode(cursor, 1)
        query = select(_announcements).order_by(_announcements.c.id.desc()).limit(limit + 1)
        if after is not None:
            query = query.where(_announcements.c.id < pages.number(after[0]))
        with self._context.connect() as connection:
            rows = connection.execute(query)
            found = [
                {
                    "id": r.id,
                    "kind": r.kind,
                    "policy_version": r.policy_version,
                    "material": r.material,
                    "channels": list(r.channels),
                    "summary": {"zh-CN": r.summary_zh, "en": r.summary_en},
                    "created_at": r.created_at.isoformat(),
                    "recipients": r.recipients,
                }
                for r in rows
            ]
        return pages.cut(found, limit, lambda a: (int(a["id"]),))

    def deliver(
        self,
        *,
        announcement_id: int,
        batch: int = 500,
        progress: Callable[[int], None] | None = None,
    ) -> int:
        """Sends the announcement to every active account on each direct channel the spec names."""
        policy = self._context.policy
        with self._context.connect() as connection:
            row = connection.execute(select(_announcements).where(_announcements.c.id == announcement_id)).first()
            if row is None:
                raise not_found("这条公告", "announcement")
            total_accounts = connection.execute(select(_accounts.c.subject_id).where(_accounts.c.status == "active"))
            subjects = list(total_accounts.scalars())
        fields = {
            channel: next((fid for fid, t in policy.field_types.items() if t is kind), None)
            for channel, kind in DIRECT.items()
            if channel in row.channels
        }
        wanted = [f for f in fields.values() if f is not None]
        sent = 0
        for start in range(0, len(subjects), batch):
            chunk = subjects[start : start + batch]
            # The batch's addresses in one read; the connection is closed before anything is sent (a gateway
            # may take seconds, and no transaction should wait on it).
            with self._context.connect() as connection:
                addresses = self._vault.open_fields_of(connection, chunk, wanted) if wanted else {}
            sent += self._send(row.summary_zh, chunk, addresses, fields)
            if progress is not None:
                progress(len(chunk))
        with self._context.unit() as uow:
            uow.connection.execute(
                update(_announcements).where(_announcements.c.id == announcement_id).values(recipients=sent)
            )
            uow.record(
                AuditEvent(
                    "announcement-delivered",
                    "system",
                    role="system",
                    details={"announcement": announcement_id, "messages": sent, "channels": sorted(c for c in fields)},
                )
            )
        return sent

    def _send(
        self, summary: str, chunk: list[str], addresses: dict[str, dict[str, str]], fields: dict[str, str | None]
    ) -> int:
        sent = 0
        for subject in chunk:
            values = addresses.get(subject, {})
            for channel, field in fields.items():
                address = values.get(field) if field else None
                if address:
                    self._notifier.send(
                        Message(
                            channel=channel,
                            to=address,
                            subject="隐私政策更新",
                            body=summary,
                            tags={"kind": "policy_change"},
                        )
                    )
                    sent += 1
        return sent
