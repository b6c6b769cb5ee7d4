"""``yinsi jobs``: the periodic work, by name, as the scheduler inside ``yinsi serve`` runs it (or cron)."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from yinsi.cli.context import out, state

app = typer.Typer(no_args_is_help=True)


def _run(ctx: typer.Context, name: str, options: dict[str, Any] | None = None, *, join: bool = False) -> None:
    from yinsi.bootstrap import open_yinsi
    from yinsi.jobs import run_job

    with open_yinsi(state(ctx).settings(), migrate=False) as yinsi:
        done = run_job(yinsi, name, options=options, join=join)
    out.print(done.line, markup=False)
    raise typer.Exit(1 if done.failed else 0)


def _simple(name: str, help_text: str) -> None:
    def command(ctx: typer.Context) -> None:
        _run(ctx, name)

    command.__doc__ = help_text
    app.command(name)(command)


@app.command("recipient-notices")
def recipient_notices(
    ctx: typer.Context,
    retry_failed: bool = typer.Option(False, "--retry-failed", help="Also try again the notices that failed."),
) -> None:
    """Tell recipients to delete or correct PI, through the channel the spec names for each."""
    _run(ctx, "recipient-notices", {"retry_failed": retry_failed})


@app.command("login-releases")
def login_releases(
    ctx: typer.Context,
    retry_failed: bool = typer.Option(False, "--retry-failed", help="Also try again the releases that failed."),
) -> None:
    """Release cancelled accounts' third-party logins (WeChat, Weibo, QQ) with the login gateway."""
    _run(ctx, "login-releases", {"retry_failed": retry_failed})


@app.command("retention")
def retention(
    ctx: typer.Context,
    chunk: Annotated[int, typer.Option(min=1, max=100_000, help="Values per transaction.")] = 5000,
    max_chunks: Annotated[
        int | None, typer.Option(min=1, help="Stop after this many chunks (the rest next run).")
    ] = None,
    join: Annotated[
        bool, typer.Option("--join", help="Share the work of a sweep already running (several workers).")
    ] = False,
) -> None:
    """Delete or anonymise every value whose retention has ended, in chunks; legal holds are kept."""
    _run(ctx, "retention", {"chunk": chunk, "max_chunks": max_chunks}, join=join)


@app.command("list")
def list_jobs(ctx: typer.Context) -> None:
    """Every job, how often ``yinsi serve`` runs it, and how its last run went."""
    from yinsi.bootstrap import open_yinsi
    from yinsi.jobs import JOBS

    with open_yinsi(state(ctx).settings(), migrate=False) as yinsi:
        states = yinsi.services.leases.states()
    for job in JOBS.values():
        found = states.get(job.name)
        last = "never run" if found is None or found.finished_at is None else found.finished_at.isoformat()
        outcome = f" ({found.outcome})" if found is not None and found.outcome else ""
        running = " running" if found is not None and found.holder else ""
        out.print(f"{job.name:18} every {job.every}  last: {last}{outcome}{running}", markup=False)


for _name, _help in (
    ("access-logs", "Delete network access log entries past the spec's period (never sooner than six months)."),
    (
        "housekeeping",
        "Remove expired login codes, ended sessions, expired exports, old rate-limit events and outbox messages.",
    ),
    ("audit-anchor", "Copy the audit chains' heads to the keystore (refused while a chain is broken)."),
    ("shutdown", "At a scheduled shutdown's date: erase (or anonymise) all PI, then leave the final audit record."),
    ("webhooks", "Deliver the events due now to the operator's endpoint (failures are retried later, with backoff)."),
    ("staff-reminders", "Tell staff (YINSI_STAFF_NOTICES_TO) once of each open request due within three days."),
):
    _simple(_name, _help)
