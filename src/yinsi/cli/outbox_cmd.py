"""``yinsi outbox``: what the console channel would have sent (for a developer logging in locally)."""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated

import typer

from yinsi.cli.context import err, out, state


def outbox(
    ctx: typer.Context,
    limit: Annotated[int, typer.Option(min=1, help="How many of the newest messages.")] = 10,
    channel: Annotated[str | None, typer.Option(help="Only this channel (sms, email, push).")] = None,
) -> None:
    """Show the newest messages kept by the console channel (development only: they can hold login codes)."""
    from yinsi.adapters.notify.console import open_outbox_message
    from yinsi.bootstrap import open_yinsi

    with open_yinsi(state(ctx).settings(), migrate=False) as yinsi:
        yinsi.outbox.purge(yinsi.now() - timedelta(hours=yinsi.settings.outbox_keep_hours))
        entries = yinsi.outbox.latest(limit, channel)
        secret = yinsi.keyring.secret("outbox")
    err.print("development outbox: messages the console channel kept instead of sending", markup=False)
    if not entries:
        out.print("(empty)", markup=False)
    for entry in entries:
        message = open_outbox_message(secret, entry.sealed)
        out.print(f"--- {entry.created_at:%Y-%m-%d %H:%M:%S} UTC  {message.channel} → {message.to}", markup=False)
        if message.subject:
            out.print(f"    {message.subject}", markup=False)
        out.print(f"    {message.body}", markup=False)
