"""``yinsi requests``: the privacy officer's queue from a terminal on the server.

Each action names the member of staff it is done as (``--as``); their role in
the spec decides what they may do, exactly as over HTTP, and every action is audited.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Annotated

import typer

from yinsi.cli.context import default_lang, err, out, state
from yinsi.core.policy.vocabulary import Operation
from yinsi.core.requests import RequestType, State

if TYPE_CHECKING:
    from yinsi.bootstrap import Yinsi
    from yinsi.services.rights import RequestView
    from yinsi.services.staff import StaffMember

app = typer.Typer(no_args_is_help=True)

AsStaff = Annotated[str, typer.Option("--as", help="The member of staff acting.", show_default=False)]


def _member(yinsi: Yinsi, username: str, operation: Operation) -> StaffMember:
    return yinsi.admin.staff_member(username=username, operation=operation)


def _line(view: RequestView) -> str:

    flag = " OVERDUE" if view.overdue else ""
    inexact = " (weekends only: past the holiday calendar)" if not view.due_exact else ""
    return (
        f"{view.id}  {view.type.value:<15} {view.state.value:<12} due {view.due_on}{inexact}{flag}  "
        f"{view.assigned_to or '-'}"
    )


@app.command("list")
def list_requests(
    ctx: typer.Context,
    as_: AsStaff,
    type_: Annotated[RequestType | None, typer.Option("--type", help="Only this type.")] = None,
    state_: Annotated[State | None, typer.Option("--state", help="Only this state (default: open ones).")] = None,
    overdue: Annotated[bool, typer.Option(help="Only overdue requests.")] = False,
) -> None:
    """Open requests, soonest due first."""
    from yinsi.bootstrap import open_yinsi

    with open_yinsi(state(ctx).settings(), migrate=False) as yinsi:
        _member(yinsi, as_, Operation.VIEW_REQUESTS)
        views = yinsi.rights.queue(
            kind=type_.value if type_ else None, state=state_.value if state_ else None, overdue=overdue
        )
    for view in views:
        out.print(_line(view), markup=False)
    err.print(f"{len(views)} request(s)", markup=False)


@app.command("show")
def show(ctx: typer.Context, request_id: Annotated[str, typer.Argument(show_default=False)], as_: AsStaff) -> None:
    """One request with its history (what the person wrote stays out of the terminal; see it over HTTP)."""
    from yinsi.bootstrap import open_yinsi

    with open_yinsi(state(ctx).settings(), migrate=False) as yinsi:
        _member(yinsi, as_, Operation.VIEW_REQUESTS)
        view, _ = yinsi.rights.staff_view(request_id)
    out.print(_line(view), markup=False)
    for event in view.history:
        out.print(
            f"  {event['at']}  {event['from'] or '-'} → {event['to']}  by {event['actor']}"
            f"{'  (' + event['note'] + ')' if event['note'] else ''}",
            markup=False,
        )
    if view.outcome_text:
        out.print(f"  outcome: {view.outcome_text.get(default_lang())}", markup=False)


@app.command("act")
def act(
    ctx: typer.Context,
    request_id: Annotated[str, typer.Argument(show_default=False)],
    action: Annotated[str, typer.Argument(help="verify | start | complete | refuse", show_default=False)],
    as_: AsStaff,
    ground: Annotated[str | None, typer.Option(help="For refuse: a ground the policy lists.")] = None,
    approve: Annotated[bool, typer.Option(help="For a next-of-kin request: approve it.")] = False,
) -> None:
    """Move a request on; every action is audited and the person is notified."""
    from yinsi.bootstrap import open_yinsi

    with open_yinsi(state(ctx).settings(), migrate=False) as yinsi:
        member = _member(yinsi, as_, Operation.HANDLE_REQUESTS)
        view = yinsi.rights.act(
            request_id=request_id,
            action=action,
            actor=member.actor,
            ground=ground,
            decision="approve" if approve else None,
        )
    out.print(_line(view), markup=False)


@app.command("assign")
def assign(
    ctx: typer.Context,
    request_id: Annotated[str, typer.Argument(show_default=False)],
    to: Annotated[str, typer.Argument(help="The member of staff to assign it to.", show_default=False)],
    as_: AsStaff,
) -> None:
    """Give a request to a member of staff, who then sees it as theirs in the queue."""
    from yinsi.bootstrap import open_yinsi

    with open_yinsi(state(ctx).settings(), migrate=False) as yinsi:
        member = _member(yinsi, as_, Operation.HANDLE_REQUESTS)
        view = yinsi.rights.assign(request_id=request_id, to=to, actor=member.actor)
    out.print(_line(view), markup=False)


@app.command("stats")
def stats(ctx: typer.Context, as_: AsStaff) -> None:
    """Counts by type and state, and how many are overdue."""
    from yinsi.bootstrap import open_yinsi

    with open_yinsi(state(ctx).settings(), migrate=False) as yinsi:
        _member(yinsi, as_, Operation.VIEW_REQUESTS)
        figures = yinsi.rights.statistics()
    out.print(json.dumps(figures, ensure_ascii=False, indent=2), markup=False)
