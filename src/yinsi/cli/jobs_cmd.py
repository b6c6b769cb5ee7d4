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

    yinsi = open_yinsi(state(ctx).settings(), migrate=False)
    try:
        deleted = sweep_access_logs(yinsi.vault)
    finally:
        yinsi.close()
    out.print(f"deleted {deleted} access log entr{'y' if deleted == 1 else 'ies'}", markup=False)
