"""``yinsi retention``: the events retention periods count from, and legal holds (the sweep is ``yinsi jobs
retention``)."""

from __future__ import annotations

from typing import Annotated

import typer

from yinsi.cli.context import out, state
from yinsi.core.policy.vocabulary import RetentionStart

app = typer.Typer(no_args_is_help=True)

OPERATOR = ("operator:cli", "operator")


@app.command("event")
def event(
    ctx: typer.Context,
    subject: Annotated[str, typer.Argument(help="The subject's id.")],
    kind: Annotated[RetentionStart, typer.Argument(help="What happened: purpose_end, contract_end, ...")],
) -> None:
    """Record that an event a retention period counts from happened for a subject now (the contract ended)."""
    from yinsi.bootstrap import open_yinsi
    from yinsi.services.vault import Actor

    with open_yinsi(state(ctx).settings(), migrate=False) as yinsi:
        ends = yinsi.retention.record_event(subject=subject, event=kind, actor=Actor(*OPERATOR))
    for field, end in sorted(ends.items()):
        out.print(f"{field}: {'kept (no end yet)' if end is None else 'until ' + end.isoformat()}", markup=False)


@app.command("hold")
def hold(
    ctx: typer.Context,
    subject: Annotated[str, typer.Argument(help="The subject's id.")],
    reason: Annotated[str, typer.Option("--reason", help="Why (a case reference); kept out of the audit trail.")],
) -> None:
    """Place a legal hold: the retention sweep keeps the subject's PI until the hold is released."""
    from yinsi.bootstrap import open_yinsi
    from yinsi.services.vault import Actor

    with open_yinsi(state(ctx).settings(), migrate=False) as yinsi:
        hold_id = yinsi.retention.place_hold(subject=subject, reason=reason, actor=Actor(*OPERATOR))
    out.print(f"legal hold {hold_id} placed", markup=False)


@app.command("release")
def release(ctx: typer.Context, hold_id: Annotated[int, typer.Argument(help="The hold's number.")]) -> None:
    """Release a legal hold; the next sweep deletes what expired meanwhile."""
    from yinsi.bootstrap import open_yinsi
    from yinsi.services.vault import Actor

    with open_yinsi(state(ctx).settings(), migrate=False) as yinsi:
        yinsi.retention.release_hold(hold_id=hold_id, actor=Actor(*OPERATOR))
    out.print(f"legal hold {hold_id} released", markup=False)


@app.command("holds")
def holds(ctx: typer.Context) -> None:
    """The legal holds in place."""
    from yinsi.bootstrap import open_yinsi

    with open_yinsi(state(ctx).settings(), migrate=False) as yinsi:
        found = yinsi.retention.holds()
    for row in found:
        out.print(
            f"{row['id']}  {row['subject_id']}  {row['placed_at']}  {row['placed_by']}  {row['reason']}", markup=False
        )
    if not found:
        out.print("no legal hold in place", markup=False)
