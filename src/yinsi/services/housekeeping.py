"""Periodic work that keeps the policy's promises about time: retention ends, and nothing lingers.

``Housekeeping.sweep_retention`` deletes every value whose retention deadline (computed
from the spec) has passed, with its blind index, and leaves an audit event
per chunk counting what went, per field (PIPL Art. 47(1)(2), RET-02); see
``services.retention``. ``Housekeeping.remove_expired`` removes what was only ever meant to be short-lived:
expired login codes, ended sessions, expired exports, old rate-limit events
and old console-outbox messages.
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import Delete, delete

from yinsi.adapters.db.rows import (
    ExportRow,
    GuardianLinkRow,
    LoginCodeRow,
    OutboxRow,
    SessionRow,
    StaffSessionRow,
    table_of,
)
from yinsi.services import rate_limits
from yinsi.services.audit import AuditEvent
from yinsi.services.context import ServiceContext
from yinsi.services.retention import Retention

GRACE = timedelta(days=1)


class Housekeeping:
    """The jobs that keep the policy's promises about time, each in its own audited transactions."""

    def __init__(self, context: ServiceContext, retention: Retention) -> None:
        self._context = context
        self._retention = retention

    def sweep_retention(self, *, batch: int = 1000) -> dict[str, int]:
        """Deletes (or anonymises) the values past their retention; returns how many went, per field.

        The work is ``Retention.sweep``'s: chunked, each chunk its own audited transaction.
        """
        result = self._retention.sweep(chunk=batch)
        return dict(sorted((result.deleted + result.anonymised).items()))

    def remove_expired(self, *, outbox_keep: timedelta) -> dict[str, int]:
        """Removes expired codes, sessions, exports, rate-limit events and old outbox messages."""
        now = self._context.now()
        gone: dict[str, int] = {}
        codes, links, sessions = table_of(LoginCodeRow), table_of(GuardianLinkRow), table_of(SessionRow)
        staff_sessions, exports, outbox = table_of(StaffSessionRow), table_of(ExportRow), table_of(OutboxRow)
        rules: dict[str, Delete] = {
            "login_codes": delete(codes).where(codes.c.expires_at < now - GRACE),
            "guardian_links": delete(links).where(links.c.expires_at < now - GRACE),
            "sessions": delete(sessions).where(
                (sessions.c.expires_at < now - GRACE) | (sessions.c.revoked_at < now - GRACE)
            ),
            "staff_sessions": delete(staff_sessions).where(
                (staff_sessions.c.expires_at < now - GRACE) | (staff_sessions.c.revoked_at < now - GRACE)
            ),
            "exports": delete(exports).where(exports.c.expires_at < now),
            "outbox": delete(outbox).where(outbox.c.created_at < now - outbox_keep),
        }
        with self._context.unit() as uow:
            for name, statement in rules.items():
                gone[name] = int(uow.connection.execute(statement).rowcount or 0)
            gone["rate_events"] = rate_limits.sweep(uow.connection, now)
            uow.record(AuditEvent("housekeeping-done", "system", role="system", details=gone))
        return gone
