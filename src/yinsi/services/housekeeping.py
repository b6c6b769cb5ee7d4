"""Periodic work that keeps the policy's promises about time: retention ends, and nothing lingers.

``sweep_retention`` deletes every value whose retention deadline (computed
from the spec when it was collected) has passed, with its blind index, and
leaves one audit event counting what went, per field (PIPL Art. 47(1)(2),
RET-02). ``housekeeping`` removes what was only ever meant to be short-lived:
expired login codes, ended sessions, expired exports, old rate-limit events
and old console-outbox messages.
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import Delete, bindparam, delete, select

from yinsi.adapters.db.rows import (
    BlindIndexRow,
    ExportRow,
    GuardianLinkRow,
    LoginCodeRow,
    OutboxRow,
    PiValueRow,
    SessionRow,
    StaffSessionRow,
    table_of,
)
from yinsi.services import rate_limits
from yinsi.services.audit import AuditEvent
from yinsi.services.vault import Vault

_values = table_of(PiValueRow)
_index = table_of(BlindIndexRow)
GRACE = timedelta(days=1)


_EXPIRED = (
    select(_values.c.subject_id, _values.c.field)
    .where(_values.c.retain_until.is_not(None), _values.c.retain_until <= bindparam("now"))
    .limit(bindparam("batch"))
)
_DELETE_VALUE = delete(_values).where(
    _values.c.subject_id == bindparam("subject_id"), _values.c.field == bindparam("field")
)
_DELETE_INDEX = delete(_index).where(
    _index.c.subject_id == bindparam("subject_id"), _index.c.field == bindparam("field")
)


def sweep_retention(vault: Vault, *, batch: int = 1000) -> dict[str, int]:
    """Deletes the values past their retention; returns how many went, per field.

    Each batch is its own transaction with its own audit event, so what a crash leaves deleted is audited.
    A sweep with nothing to delete still records that it ran.
    """
    now = vault.now()
    counts: dict[str, int] = {}
    while True:
        with vault.unit() as uow:
            expired = uow.connection.execute(_EXPIRED, {"now": now, "batch": batch}).all()
            if expired:
                keys = [{"subject_id": subject, "field": field} for subject, field in expired]
                uow.connection.execute(_DELETE_VALUE, keys)
                uow.connection.execute(_DELETE_INDEX, keys)
            done: dict[str, int] = {}
            for _, field in expired:
                done[field] = done.get(field, 0) + 1
                counts[field] = counts.get(field, 0) + 1
            if expired or not counts:
                uow.record(
                    AuditEvent(
                        "retention-swept",
                        "system",
                        role="system",
                        details={"deleted": dict(sorted(done.items())), "before": now.isoformat()},
                    )
                )
        if len(expired) < batch:
            return counts


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
