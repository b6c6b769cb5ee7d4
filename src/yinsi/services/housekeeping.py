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

from sqlalchemy import delete, select

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


def sweep_retention(vault: Vault, *, batch: int = 1000) -> dict[str, int]:
    """Deletes the values past their retention; returns how many went, per field."""
    now = vault.now()
    counts: dict[str, int] = {}
    while True:
        with vault.unit() as uow:
            expired = uow.connection.execute(
                select(_values.c.subject_id, _values.c.field)
                .where(_values.c.retain_until.is_not(None), _values.c.retain_until <= now)
                .limit(batch)
            ).all()
            if not expired:
                break
            for subject, field in expired:
                uow.connection.execute(delete(_values).where(_values.c.subject_id == subject, _values.c.field == field))
                uow.connection.execute(delete(_index).where(_index.c.subject_id == subject, _index.c.field == field))
                counts[field] = counts.get(field, 0) + 1
    with vault.unit() as uow:
        uow.record(
            AuditEvent(
                "retention-swept",
                "system",
                role="system",
                details={"deleted": dict(sorted(counts.items())), "before": now.isoformat()},
            )
        )
    return counts


def housekeeping(vault: Vault, *, outbox_keep: timedelta) -> dict[str, int]:
    """Removes expired codes, sessions, exports, rate-limit events and old outbox messages."""
    now = vault.now()
    gone: dict[str, int] = {}
    rules: list[tuple[str, object]] = [
        ("login_codes", table_of(LoginCodeRow).c.expires_at < now - GRACE),
        ("guardian_links", table_of(GuardianLinkRow).c.expires_at < now - GRACE),
        (
            "sessions",
            (table_of(SessionRow).c.expires_at < now - GRACE) | (table_of(SessionRow).c.revoked_at < now - GRACE),
        ),
        (
            "staff_sessions",
            (table_of(StaffSessionRow).c.expires_at < now - GRACE)
            | (table_of(StaffSessionRow).c.revoked_at < now - GRACE),
        ),
        ("exports", table_of(ExportRow).c.expires_at < now),
        ("outbox", table_of(OutboxRow).c.created_at < now - outbox_keep),
    ]
    tables = {
        "login_codes": LoginCodeRow,
        "guardian_links": GuardianLinkRow,
        "sessions": SessionRow,
        "staff_sessions": StaffSessionRow,
        "exports": ExportRow,
        "outbox": OutboxRow,
    }
    with vault.unit() as uow:
        for name, condition in rules:
            table = table_of(tables[name])
            gone[name] = int(uow.connection.execute(delete(table).where(condition)).rowcount or 0)  # type: ignore[arg-type]
        gone["rate_events"] = rate_limits.sweep(uow.connection, now)
        uow.record(AuditEvent("housekeeping-done", "system", role="system", details=gone))
    return gone
