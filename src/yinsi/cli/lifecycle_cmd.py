"""``yinsi incidents``, ``yinsi statistics`` and ``yinsi shutdown``: what happens to PI after collection.

Incidents and statistics are staff duties: each command names the member of staff it is done as (``--as``),
whose role in the spec must have ``manage_incidents`` or ``view_statistics``, as over HTTP. The shutdown is
the operator's decision, taken on the server.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, time
from typing import Annotated, Any

import typer

from yinsi.cli.context import out, state
from yinsi.cli.requests_cmd import AsStaff, _member
from yinsi.core.errors import BadRequest
from yinsi.core.i18n import Msg
from yinsi.core.policy.vocabulary import Operation

incidents_app = typer.Typer(no_args_is_help=True)

PARTS_HELP = (
    'A JSON object of the notice\'s parts, each {"zh-CN": ..., "en": ...}: situation_and_impact, cause, '
    "measures_taken, self_protection_advice, remedies."
)


def moment(text: str, name: str) -> datetime:
    """A date (midnight in Beijing) or an ISO 8601 time with its offset, as UTC."""
    from yinsi.core.deadlines import _CHINA_TZ

    try:
        if len(text) == 10:
            return datetime.combine(datetime.fromisoformat(text).date(), time(0), _CHINA_TZ).astimezone(UTC)
        parsed = datetime.fromisoformat(text)
    except ValueError:
        parsed = None
    if parsed is None or parsed.tzinfo is None:
        raise BadRequest(
            Msg(
                f"{name} 应写成日期（2027-01-31，北京时间零点）或带时区的时间（2027-01-31T09:00+08:00）。",
                f"{name} is a date (2027-01-31, midnight in Beijing) or a time with its offset (2027-01-31T09:00+08:00).",
            ),
            field=name,
        )
    return parsed.astimezone(UTC)


def _parts(text: str | None) -> dict[str, Any]:
    if not text:
        return {}
    try:
        parts = json.loads(text)
    except json.JSONDecodeError:
        parts = None
    if not isinstance(parts, dict) or not all(isinstance(v, dict) for v in parts.values()):
        raise BadRequest(Msg("--contents 应是 JSON 对象。", "--contents must be a JSON object."), field="contents")
    return parts


def _show(data: Any) -> None:
    out.print(json.dumps(data, ensure_ascii=False, indent=2, default=str), markup=False)


@incidents_app.command("record")
def record(
    ctx: typer.Context,
    as_: AsStaff,
    kind: Annotated[str, typer.Option(help="leak, tamper or loss.")],
    fields: Annotated[str, typer.Option(help="The fields concerned, comma-separated.")],
    discovered: Annotated[str, typer.Option(help="When it was discovered (date or ISO time).")],
    occurred: Annotated[str | None, typer.Option(help="When it happened, if known.")] = None,
    possible: Annotated[bool, typer.Option("--possible", help="Not yet confirmed (still opens the workflow).")] = False,
    accessed_from: Annotated[str | None, typer.Option(help="Affected: PI read from then...")] = None,
    accessed_to: Annotated[str | None, typer.Option(help="...until then.")] = None,
    accessed_by: Annotated[
        str | None, typer.Option(help="Affected: PI read by this actor (key:ID, staff:NAME).")
    ] = None,
    recipient: Annotated[str | None, typer.Option(help="Affected: PI provided to this recipient.")] = None,
    contents: Annotated[str | None, typer.Option(help=PARTS_HELP)] = None,
) -> None:
    """Record a security incident; its affected subjects are chosen by fields, access window or recipient."""
    from yinsi.bootstrap import open_yinsi
    from yinsi.services import incidents

    with open_yinsi(state(ctx).settings(), migrate=False) as yinsi:
        member = _member(yinsi, as_, Operation.MANAGE_INCIDENTS)
        try:
            incident_kind = incidents.IncidentKind(kind)
        except ValueError:
            raise BadRequest(
                Msg("--kind 是 leak、tamper 或 loss。", "--kind is leak, tamper or loss."), field="kind"
            ) from None
        selection = incidents.Selection(
            [f.strip() for f in fields.split(",") if f.strip()],
            moment(accessed_from, "--accessed-from") if accessed_from else None,
            moment(accessed_to, "--accessed-to") if accessed_to else None,
            accessed_by,
            recipient,
        )
        view = yinsi.incidents.record(
            kind=incident_kind,
            confirmed=not possible,
            discovered_at=moment(discovered, "--discovered"),
            occurred_at=moment(occurred, "--occurred") if occurred else None,
            selection=selection,
            contents=_parts(contents),
            actor=member.actor,
        )
    out.print(f"incident {view['id']} recorded: {view['affected']} subject(s) affected", markup=False)


@incidents_app.command("list")
def list_incidents(ctx: typer.Context, as_: AsStaff) -> None:
    """The incidents, newest first, with each step's time."""
    from yinsi.bootstrap import open_yinsi

    with open_yinsi(state(ctx).settings(), migrate=False) as yinsi:
        _member(yinsi, as_, Operation.MANAGE_INCIDENTS)
        for view in yinsi.incidents.listing():
            steps = [
                f"{n} {view[k]}"
                for n, k in (("drafted", "drafted_at"), ("notified", "notified_at"), ("reported", "reported_at"))
                if view[k]
            ]
            out.print(
                f"{view['id']}  {view['kind']}  affected {view['affected']}  recorded {view['recorded_at']}  {'; '.join(steps)}",
                markup=False,
            )


@incidents_app.command("show")
def show(ctx: typer.Context, incident_id: str, as_: AsStaff) -> None:
    """One incident as JSON."""
    from yinsi.bootstrap import open_yinsi

    with open_yinsi(state(ctx).settings(), migrate=False) as yinsi:
        _member(yinsi, as_, Operation.MANAGE_INCIDENTS)
        _show(yinsi.incidents.show(incident_id=incident_id))


@incidents_app.command("complete")
def complete(
    ctx: typer.Context, incident_id: str, as_: AsStaff, contents: Annotated[str, typer.Option(help=PARTS_HELP)]
) -> None:
    """Add or replace parts of the notice, until it is sent."""
    from yinsi.bootstrap import open_yinsi

    with open_yinsi(state(ctx).settings(), migrate=False) as yinsi:
        member = _member(yinsi, as_, Operation.MANAGE_INCIDENTS)
        yinsi.incidents.complete(incident_id=incident_id, contents=_parts(contents), actor=member.actor)
    out.print("notice parts updated", markup=False)


@incidents_app.command("draft")
def draft(ctx: typer.Context, incident_id: str, as_: AsStaff) -> None:
    """Draft the notice (zh-CN and en) from the incident and the spec."""
    from yinsi.bootstrap import open_yinsi

    with open_yinsi(state(ctx).settings(), migrate=False) as yinsi:
        member = _member(yinsi, as_, Operation.MANAGE_INCIDENTS)
        notice = yinsi.incidents.draft(incident_id=incident_id, actor=member.actor)
    out.print(notice["zh-CN"] + "\n\n" + notice["en"], markup=False)


@incidents_app.command("notify")
def notify(
    ctx: typer.Context,
    incident_id: str,
    as_: AsStaff,
    announcement: Annotated[bool, typer.Option("--announcement", help="Publish one announcement instead.")] = False,
) -> None:
    """Send the notice to each affected person through their channels (or publish an announcement)."""
    from yinsi.bootstrap import open_yinsi
    from yinsi.services import incidents

    with open_yinsi(state(ctx).settings(), migrate=False) as yinsi:
        member = _member(yinsi, as_, Operation.MANAGE_INCIDENTS)
        method = incidents.NoticeMethod.ANNOUNCEMENT if announcement else incidents.NoticeMethod.INDIVIDUAL
        done = yinsi.incidents.notify(incident_id=incident_id, method=method, actor=member.actor)
    extra = f"; announcement {done['announcement']} published" if done["announcement"] else ""
    out.print(
        f"{done['messages']} message(s) to {done['reached']} subject(s); {done['unreached']} not reachable{extra}",
        markup=False,
    )


@incidents_app.command("report")
def report(ctx: typer.Context, incident_id: str, as_: AsStaff) -> None:
    """The report for the regulator, as JSON (recorded on the incident)."""
    from yinsi.bootstrap import open_yinsi

    with open_yinsi(state(ctx).settings(), migrate=False) as yinsi:
        member = _member(yinsi, as_, Operation.MANAGE_INCIDENTS)
        _show(yinsi.incidents.report(incident_id=incident_id, actor=member.actor))


def statistics(
    ctx: typer.Context,
    as_: AsStaff,
    by: Annotated[list[str], typer.Option("--by", help="A declared dimension; give one or two.")],
) -> None:
    """Counts of people by one or two of the spec's statistics dimensions; small groups suppressed."""
    from yinsi.bootstrap import open_yinsi

    with open_yinsi(state(ctx).settings(), migrate=False) as yinsi:
        member = _member(yinsi, as_, Operation.VIEW_STATISTICS)
        table = yinsi.statistics.counts(dimensions=by, actor=member.actor)
        rules = yinsi.policy.current().spec.statistics
    for cell in table.cells:
        key = "  ".join(f"{d}={cell[d]}" for d in table.dimensions)
        out.print(
            f"{key}  {'<' + str(table.min_group_size) + ' (suppressed)' if cell['count'] is None else cell['count']}",
            markup=False,
        )
    noisy = rules is not None and rules.noise_epsilon is not None
    # With noise a total is given only for age bands alone (see services.statistics): say so, not "fewer".
    unknown = "not given with noise for this table" if noisy else f"fewer than {table.min_group_size}"
    out.print(f"people: {table.people if table.people is not None else unknown}", markup=False)
    if table.budget is not None:
        left = table.budget
        out.print(f"privacy budget {left.period}: {left.remaining:g} of {left.epsilon:g} left", markup=False)


def shutdown(
    ctx: typer.Context,
    at: Annotated[
        str | None, typer.Option("--at", help="The date collection stops (at least the spec's notice away).")
    ] = None,
    reason: Annotated[str, typer.Option(help="A sentence for the announcement (zh-CN).")] = "",
    cancel: Annotated[
        bool, typer.Option("--cancel", help="Call off the scheduled shutdown (before its date).")
    ] = False,
) -> None:
    """Announce the service's shutdown, or cancel it; without options, say whether one is scheduled."""
    from yinsi.bootstrap import open_yinsi
    from yinsi.services.vault import Actor

    operator = Actor("operator:cli", "operator")
    with open_yinsi(state(ctx).settings(), migrate=False) as yinsi:
        if cancel:
            done = yinsi.shutdown.cancel(actor=operator)
            out.print(f"shutdown {done} cancelled", markup=False)
            return
        if at is None:
            now = yinsi.shutdown.state()
            out.print(
                f"shutdown {now['status']}: collection stops {now['effective_at']}"
                if now["status"]
                else "no shutdown scheduled",
                markup=False,
            )
            return
        result = yinsi.shutdown.schedule(at=moment(at, "--at"), actor=operator, reason=reason)
    out.print(
        f"shutdown {result['shutdown']} scheduled for {result['effective_at']}; announcement {result['announcement']}; "
        f"{result['reached']} subject(s) told ({result['unreached']} not reachable one by one)",
        markup=False,
    )
