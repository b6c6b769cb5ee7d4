"""``yinsi jobs``: the periodic work a scheduler (cron, a systemd timer) runs."""

from __future__ import annotations

import typer

from yinsi.cli.context import out, state

app = typer.Typer(no_args_is_help=True)


@app.command("access-logs")
def access_logs(ctx: typer.Context) -> None:
    """Delete network access log entries past the spec's period (never sooner than six months)."""
    from yinsi.bootstrap import open_yinsi
    from yinsi.services.accounts import sweep_access_logs

    with open_yinsi(state(ctx).settings(), migrate=False) as yinsi:
        deleted = sweep_access_logs(yinsi.vault)
    out.print(f"deleted {deleted} access log entr{'y' if deleted == 1 else 'ies'}", markup=False)


@app.command("recipient-notices")
def recipient_notices(
    ctx: typer.Context,
    retry_failed: bool = typer.Option(False, "--retry-failed", help="Also try again the notices that failed."),
) -> None:
    """Tell recipients to delete or correct PI, through the channel the spec names for each."""
    from yinsi.bootstrap import open_yinsi
    from yinsi.services.recipient_notices import deliver_pending

    with open_yinsi(state(ctx).settings(), migrate=False) as yinsi:
        done = deliver_pending(yinsi.vault, yinsi.notifier, retry_failed=retry_failed)
    out.print(f"sent {done.sent} notice(s); {done.failed} failed", markup=False)
    raise typer.Exit(1 if done.failed else 0)


@app.command("retention")
def retention(ctx: typer.Context) -> None:
    """Delete every value whose retention has ended (the spec's period from when it was collected)."""
    from yinsi.bootstrap import open_yinsi
    from yinsi.services.housekeeping import sweep_retention

    with open_yinsi(state(ctx).settings(), migrate=False) as yinsi:
        counts = sweep_retention(yinsi.vault)
    total = sum(counts.values())
    detail = ", ".join(f"{field} {n}" for field, n in sorted(counts.items()))
    out.print(f"deleted {total} value(s) past their retention{': ' + detail if detail else ''}", markup=False)


@app.command("housekeeping")
def housekeeping(ctx: typer.Context) -> None:
    """Remove expired login codes, ended sessions, expired exports, old rate-limit events and outbox messages."""
    from datetime import timedelta

    from yinsi.bootstrap import open_yinsi
    from yinsi.services.housekeeping import housekeeping as run

    with open_yinsi(state(ctx).settings(), migrate=False) as yinsi:
        gone = run(yinsi.vault, outbox_keep=timedelta(hours=yinsi.settings.outbox_keep_hours))
    out.print(", ".join(f"{name} {count}" for name, count in gone.items()), markup=False)


@app.command("webhooks")
def webhooks(ctx: typer.Context) -> None:
    """Deliver the events due now to the operator's endpoint (failures are retried later, with backoff)."""
    from yinsi.cli.webhooks_cmd import deliver_now

    deliver_now(ctx)


@app.command("staff-reminders")
def staff_reminders(ctx: typer.Context) -> None:
    """Tell staff (YINSI_STAFF_NOTICES_TO) once of each open request due within three days."""
    from yinsi.bootstrap import open_yinsi
    from yinsi.services.staff_notices import remind_due_soon

    with open_yinsi(state(ctx).settings(), migrate=False) as yinsi:
        named = remind_due_soon(yinsi.vault, yinsi.notifier, yinsi.settings.staff_notices_to)
    out.print(f"reminded staff of {named} request(s)", markup=False)
