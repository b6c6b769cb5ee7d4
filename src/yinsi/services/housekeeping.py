"""Periodic work that keeps the policy's promises about time: retention ends, and nothing lingers.

``sweep_retention`` deletes every value whose retention deadline (computed
from the spec) has passed, with its blind index, and leaves an audit event
per chunk counting what went, per field (PIPL Art. 47(1)(2), RET-02); see
``services.retention``. ``housekeeping`` removes what was only ever meant to be short-lived:
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
from yinsi.services import rate_limits, retention
from yinsi.services.audit import AuditEvent
from yinsi.services.vault import Vault

GRACE = timedelta(days=1)


def sweep_retention(vault: Vault, *, batch: int = 1000) -> dict[str, int]:
    """Deletes (or anonymises) the values past their retention; returns how many went, per field.

    The work is ``retention.sweep``'s: chunked, each chunk its own audited transaction.
    """
    result = retention.sweep(vault, chunk=batch)
    return dict(sorted((result.deleted + result.anonymised).items()))


def housekeeping(vault: Vault, *, outbox_keep: timedelta) -> dict[str, int]:
    """Removes expired codes, sessions, exports, rate-limit events and old outbox messages."""
    now = vault.now()
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
    with vault.unit() as uow:
        for name, statement in rules.items():
            gone[name] = int(uow.connection.execute(statement).rowcount or 0)
        gone["rate_events"] = rate_limits.sweep(uow.connection, now)
        uow.record(AuditEvent("housekeeping-done", "system", role="system", details=gone))
    return gone
