"""Every job by name: what it runs, how often the scheduler runs it, and how its outcome reads."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from yinsi.bootstrap import Yinsi
from yinsi.services import retention


@dataclass
class JobContext:
    """What a run gets besides yinsi: its options, and ``keep_alive`` to call between chunks of long work
    (it renews the run's lease, so a long sweep is not taken for a dead one)."""

    options: dict[str, Any] = field(default_factory=dict)
    keep_alive: Callable[[], object] = lambda: None


@dataclass(frozen=True)
class Job:
    name: str
    help: str
    every: timedelta
    work: Callable[[Yinsi, JobContext], dict[str, Any]]
    describe: Callable[[dict[str, Any]], str]
    # Several processes may run it at once, sharing the work (``--join``): its chunks are claimed, not leased.
    shareable: bool = False
    failed: Callable[[dict[str, Any]], bool] = lambda _summary: False


def _access_logs(yinsi: Yinsi, _ctx: JobContext) -> dict[str, Any]:
    return {"deleted": yinsi.accounts.sweep_access_logs()}


def _recipient_notices(yinsi: Yinsi, ctx: JobContext) -> dict[str, Any]:
    done = yinsi.services.recipient_notices.deliver_pending(retry_failed=bool(ctx.options.get("retry_failed", False)))
    return {"sent": done.sent, "failed": done.failed}


def _login_releases(yinsi: Yinsi, ctx: JobContext) -> dict[str, Any]:
    done = yinsi.services.login_releases.deliver_pending(retry_failed=bool(ctx.options.get("retry_failed", False)))
    return {"sent": done.sent, "failed": done.failed}


def _retention(yinsi: Yinsi, ctx: JobContext) -> dict[str, Any]:
    result = yinsi.retention.sweep(
        chunk=int(ctx.options.get("chunk", retention.DEFAULT_CHUNK)),
        max_chunks=ctx.options.get("max_chunks"),
        keep_alive=ctx.keep_alive,
    )
    return {"total": result.total, **result.summary()}


def _housekeeping(yinsi: Yinsi, _ctx: JobContext) -> dict[str, Any]:
    return yinsi.services.housekeeping.remove_expired(outbox_keep=timedelta(hours=yinsi.settings.outbox_keep_hours))


def _anchor(yinsi: Yinsi, _ctx: JobContext) -> dict[str, Any]:
    result = yinsi.audit.verify(yinsi.engine)
    if not result.ok:
        return {"anchored": False, "broken": True}
    return {"anchored": True, "events": yinsi.audit.anchor(yinsi.engine, yinsi.now())}


def _shutdown(yinsi: Yinsi, ctx: JobContext) -> dict[str, Any]:
    return yinsi.shutdown.carry_out(keep_alive=ctx.keep_alive)


def _webhooks(yinsi: Yinsi, _ctx: JobContext) -> dict[str, Any]:
    if yinsi.events is None:
        return {"configured": False, "delivered": 0, "retrying": 0, "failed": 0}
    done = yinsi.events.deliver_due()
    return {
        "configured": done.configured,
        "delivered": done.delivered,
        "retrying": done.retrying,
        "failed": done.failed,
    }


def _staff_reminders(yinsi: Yinsi, _ctx: JobContext) -> dict[str, Any]:
    return {"named": yinsi.services.staff_notices.remind_due_soon()}


def _retention_line(s: dict[str, Any]) -> str:
    parts = [f"{f} {n}" for f, n in sorted({**s.get("deleted", {}), **s.get("anonymised", {})}.items())]
    line = f"deleted {sum(s.get('deleted', {}).values())} and anonymised {sum(s.get('anonymised', {}).values())} "
    line += f"value(s) past their retention{': ' + ', '.join(parts) if parts else ''}"
    return line + (f"; {s['held']} kept under legal hold" if s.get("held") else "")


def _plural(n: int, one: str, many: str) -> str:
    return one if n == 1 else many


JOBS: dict[str, Job] = {
    job.name: job
    for job in (
        Job(
            "access-logs",
            "Delete network access log entries past the spec's period (never sooner than six months).",
            timedelta(hours=1),
            _access_logs,
            lambda s: f"deleted {s['deleted']} access log {_plural(s['deleted'], 'entry', 'entries')}",
        ),
        Job(
            "recipient-notices",
            "Tell recipients to delete or correct PI, through the channel the spec names for each.",
            timedelta(minutes=5),
            _recipient_notices,
            lambda s: f"sent {s['sent']} notice(s); {s['failed']} failed",
            failed=lambda s: bool(s["failed"]),
        ),
        Job(
            "login-releases",
            "Release cancelled accounts' third-party logins (WeChat, Weibo, QQ) with the login gateway.",
            timedelta(minutes=5),
            _login_releases,
            lambda s: f"released {s['sent']} third-party login(s); {s['failed']} failed",
            failed=lambda s: bool(s["failed"]),
        ),
        Job(
            "retention",
            "Delete or anonymise every value whose retention has ended, in chunks; legal holds are kept.",
            timedelta(hours=1),
            _retention,
            _retention_line,
            shareable=True,
        ),
        Job(
            "housekeeping",
            "Remove expired login codes, ended sessions, expired exports, old rate-limit events and outbox messages.",
            timedelta(hours=1),
            _housekeeping,
            lambda s: ", ".join(f"{name} {count}" for name, count in s.items()),
        ),
        Job(
            "audit-anchor",
            "Copy the audit chains' heads to the keystore (refused while a chain is broken).",
            timedelta(hours=6),
            _anchor,
            lambda s: (
                f"anchored the heads of the audit chains ({s['events']} events)"
                if s["anchored"]
                else "not anchoring: an audit chain is broken (run 'yinsi audit verify')"
            ),
            failed=lambda s: not s["anchored"],
        ),
        Job(
            "shutdown",
            "At a scheduled shutdown's date: erase (or anonymise) all PI, then leave the final audit record.",
            timedelta(minutes=1),
            _shutdown,
            lambda s: str(s["line"]),
            shareable=True,
        ),
        Job(
            "webhooks",
            "Deliver the events due now to the operator's endpoint (failures are retried later, with backoff).",
            timedelta(minutes=1),
            _webhooks,
            lambda s: (
                f"delivered {s['delivered']} event(s); {s['retrying']} to retry, {s['failed']} given up"
                if s["configured"]
                else "no endpoint configured (YINSI_EVENTS_URL): events wait"
            ),
            failed=lambda s: bool(s["failed"]),
        ),
        Job(
            "staff-reminders",
            "Tell staff (YINSI_STAFF_NOTICES_TO) once of each open request due within three days.",
            timedelta(hours=1),
            _staff_reminders,
            lambda s: f"reminded staff of {s['named']} request(s)",
        ),
    )
}
