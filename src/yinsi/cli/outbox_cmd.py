"""``yinsi outbox``: what the console channel would have sent (for a developer logging in locally)."""

from __future__ import annotations

import json
import re
import sys
from typing import TYPE_CHECKING, Annotated, Any

import typer

from yinsi.cli.context import err, out, state

if TYPE_CHECKING:
    from yinsi.bootstrap import StoredMessage
    from yinsi.core.ports import Message

# The messages that carry a one-time code, and the code in them: what a script logging in needs.
_CODE_KINDS = frozenset({"login_code", "guardian_link"})
_CODE = re.compile(r"(?<!\d)(\d{6})(?!\d)")


def _recipient_key(to: str) -> str:
    """One spelling of a recipient: a mainland mobile number in its canonical form, anything else as typed."""
    from yinsi.core.policy.vocabulary import FieldType
    from yinsi.core.validation import InvalidValue, validate

    try:
        return validate("to", FieldType.MOBILE, to)
    except InvalidValue:
        return to.strip().casefold()


def _as_json(entry: StoredMessage, message: Message) -> dict[str, Any]:
    kind = message.tags.get("kind")
    found = _CODE.search(message.body) if kind in _CODE_KINDS else None
    return {
        "at": entry.created_at.isoformat(),
        "channel": message.channel,
        "to": message.to,
        "kind": kind,
        "subject": message.subject,
        "body": message.body,
        "code": found.group(1) if found else None,
        "tags": dict(message.tags),
        "reference": entry.reference,
    }


def outbox(
    ctx: typer.Context,
    limit: Annotated[int, typer.Option(min=1, help="How many of the newest messages.")] = 10,
    channel: Annotated[str | None, typer.Option(help="Only this channel (sms, email, push).")] = None,
    to: Annotated[
        str | None,
        typer.Option(
            "--to",
            metavar="PHONE",
            help="Only messages to this recipient: a mobile number in any spelling (+86 139 1234 5678), "
            "or an e-mail address or channel as stored.",
        ),
    ] = None,
    as_json: Annotated[
        bool,
        typer.Option(
            "--json",
            help='Print one JSON document: {"messages": [...]}, newest first, each with at, channel, to, kind, '
            "subject, body, code (a login or guardian code, else null), tags and reference.",
        ),
    ] = False,
) -> None:
    """Show the newest messages kept by the console channel (development only: they can hold login codes)."""
    from yinsi.bootstrap import open_yinsi

    with open_yinsi(state(ctx).settings(), migrate=False) as yinsi:
        # The recipient is sealed with the rest of each message: filtering by it opens them, newest first.
        entries = yinsi.console_outbox(newest=None if to is not None else limit, channel=channel)
    wanted = _recipient_key(to) if to is not None else None
    shown = [(entry, message) for entry, message in entries if wanted is None or _recipient_key(message.to) == wanted]
    shown = shown[:limit]
    err.print("development outbox: messages the console channel kept instead of sending", markup=False)
    if as_json:
        document = {"messages": [_as_json(entry, message) for entry, message in shown]}
        sys.stdout.write(json.dumps(document, ensure_ascii=False, indent=2) + "\n")
        return
    if not shown:
        out.print("(empty)", markup=False)
    for entry, message in shown:
        out.print(f"--- {entry.created_at:%Y-%m-%d %H:%M:%S} UTC  {message.channel} → {message.to}", markup=False)
        if message.subject:
            out.print(f"    {message.subject}", markup=False)
        out.print(f"    {message.body}", markup=False)
