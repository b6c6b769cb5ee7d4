"""``yinsi webhooks``: the events sent to the operator's systems, their attempts, a replay, a new secret."""

from __future__ import annotations

import json
from typing import Annotated, Literal

import typer

from yinsi.cli.context import out, state

app = typer.Typer(no_args_is_help=True)

StateOption = Annotated[
    Literal["pending", "delivered", "failed"] | None,
    typer.Option("--state", help="Only events in this state: pending, delivered or failed."),
]


@app.command("list")
def list_events(
    ctx: typer.Context,
    state_: StateOption = None,
    limit: Annotated[int, typer.Option(min=1, max=500, help="How many, newest first.")] = 20,
    as_json: Annotated[bool, typer.Option("--json", help="One JSON object per line.")] = False,
) -> None:
    """Events, newest first: their type, state, attempts and the receiver's last answer."""
    from yinsi.bootstrap import open_yinsi

    with open_yinsi(state(ctx).settings(), migrate=False) as yinsi:
        assert yinsi.events is not None  # noqa: S101 - open_yinsi always wires it
        page = yinsi.events.page(state=state_, limit=limit)
    for event in page.items:
        if as_json:
            out.print(json.dumps(_plain(event), ensure_ascii=False), markup=False, soft_wrap=True)
            continue
        last = f"last {event.last_status or '-'}" + (f" ({event.last_error})" if event.last_error else "")
        out.print(
            f"{event.id}  {event.type:<22} {event.state:<9} {event.attempts} attempt(s)  {last}  "
            f"{event.created_at.isoformat(timespec='seconds')}",
            markup=False,
        )
    if not page.items and not as_json:
        out.print("no events", markup=False)


@app.command("show")
def show(ctx: typer.Context, event_id: Annotated[str, typer.Argument(help="The event's id (msg_...).")]) -> None:
    """One event as sent, and each attempt at delivering it."""
    from yinsi.bootstrap import open_yinsi

    with open_yinsi(state(ctx).settings(), migrate=False) as yinsi:
        assert yinsi.events is not None  # noqa: S101 - open_yinsi always wires it
        event, attempts = yinsi.events.get(event_id)
    out.print(json.dumps(_plain(event), ensure_ascii=False, indent=2), markup=False)
    for a in attempts:
        answer = f"answered {a.status}" if a.status is not None else (a.error or "no answer")
        out.print(
            f"attempt {a.attempt}  {a.at.isoformat(timespec='seconds')}  {answer}  {a.duration_ms} ms", markup=False
        )


@app.command("replay")
def replay(ctx: typer.Context, event_id: Annotated[str, typer.Argument(help="The event's id (msg_...).")]) -> None:
    """Send an event again at the next delivery round (delivered or failed ones); audited."""
    from yinsi.bootstrap import open_yinsi

    with open_yinsi(state(ctx).settings(), migrate=False) as yinsi:
        assert yinsi.events is not None  # noqa: S101 - open_yinsi always wires it
        event = yinsi.events.replay(event_id, actor="cli", role="system")
    out.print(f"{event.id} will be sent again at the next delivery round", markup=False)


@app.command("deliver")
def deliver(ctx: typer.Context) -> None:
    """Deliver the events that are due now (what `yinsi jobs webhooks` and `yinsi serve` do)."""
    deliver_now(ctx)


@app.command("secret")
def secret() -> None:
    """Print a new signing secret (whsec_...) to set as YINSI_EVENTS_SECRET and give the receiver."""
    from yinsi.core.webhook_signing import new_secret

    out.print(new_secret(), markup=False)


def deliver_now(ctx: typer.Context) -> None:
    from yinsi.bootstrap import open_yinsi

    with open_yinsi(state(ctx).settings(), migrate=False) as yinsi:
        assert yinsi.events is not None  # noqa: S101 - open_yinsi always wires it
        done = yinsi.events.deliver_due(limit=1000)
    if not done.configured:
        out.print("no endpoint configured (YINSI_EVENTS_URL): events wait", markup=False)
        return
    out.print(f"delivered {done.delivered}; {done.retrying} to retry; {done.failed} failed for good", markup=False)
    raise typer.Exit(1 if done.failed else 0)


def _plain(event: object) -> dict[str, object]:
    from dataclasses import asdict

    data = asdict(event)  # type: ignore[call-overload]  # an EventView dataclass
    return {k: v.isoformat() if hasattr(v, "isoformat") else v for k, v in data.items()}
