"""``yinsi sharing``: provision records, ended entrustments, disclosures to authorities, PI made public,
business transfers.

Each command names the member of staff it is done as (``--as``); their role in the spec decides what they may
do, exactly as over HTTP, and every action is audited. Output names fields, recipients and references, never
a value of PI.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Annotated

import typer

from yinsi.cli.context import err, out, state

if TYPE_CHECKING:
    from yinsi.bootstrap import Yinsi
    from yinsi.services.vault import Actor

app = typer.Typer(no_args_is_help=True)

AsStaff = Annotated[str, typer.Option("--as", help="The member of staff acting.", show_default=False)]
AsJson = Annotated[bool, typer.Option("--json", help="One JSON object per line.")]


def _actor(yinsi: Yinsi, username: str) -> Actor:
    return yinsi.admin.active_staff(username=username).actor


@app.command("provisions")
def list_provisions(
    ctx: typer.Context,
    as_: AsStaff,
    subject: Annotated[str | None, typer.Option(help="Only what was provided of this person.")] = None,
    recipient: Annotated[str | None, typer.Option(help="Only what was provided to this recipient.")] = None,
    as_json: AsJson = False,
) -> None:
    """Provision records (newest first) by subject or by recipient: fields, purpose, basis; never values."""
    from yinsi.bootstrap import open_yinsi

    with open_yinsi(state(ctx).settings(), migrate=False) as yinsi:
        found = yinsi.provisions.records(actor=_actor(yinsi, as_), subject_id=subject, recipient=recipient)
    for r in found:
        if as_json:
            line = {
                "id": r.id,
                "subject": r.subject_id,
                "recipient": r.recipient,
                "purpose": r.purpose,
                "fields": r.fields,
                "actor": r.actor,
                "at": r.at.isoformat(),
                **r.details,
            }
            out.print(json.dumps(line, ensure_ascii=False), markup=False, soft_wrap=True)
        else:
            extra = f" mechanism={r.details['mechanism']}" if "mechanism" in r.details else ""
            out.print(
                f"{r.id}  {r.at:%Y-%m-%d %H:%M}  {r.subject_id}  {r.recipient}  {r.purpose}  "
                f"{','.join(r.fields)}  basis={r.details.get('basis', '-')}{extra}",
                markup=False,
                soft_wrap=True,
            )
    err.print(f"{len(found)} provision(s)", markup=False)


@app.command("end-entrustment")
def end_entrustment(
    ctx: typer.Context, recipient: Annotated[str, typer.Argument(show_default=False)], as_: AsStaff
) -> None:
    """End a processor's entrustment: record and send the demand that it delete the PI (PIPL Art. 21)."""
    from yinsi.bootstrap import open_yinsi

    with open_yinsi(state(ctx).settings(), migrate=False) as yinsi:
        ending = yinsi.entrustments.end_entrustment(recipient=recipient, actor=_actor(yinsi, as_))
    how = (
        "queued for its deletion channel: run 'yinsi jobs recipient-notices'"
        if ending.notice_status == "pending"
        else "recorded: the policy names no deletion channel, so pass it on by hand"
    )
    out.print(f"entrustment {ending.id} of {recipient} ended; deletion demand {ending.notice_id} {how}", markup=False)


@app.command("confirm-deletion")
def confirm_deletion(
    ctx: typer.Context,
    ending_id: Annotated[int, typer.Argument(show_default=False, help="The ended entrustment's number.")],
    reference: Annotated[str, typer.Option(help="The processor's own reference for its deletion.")],
    as_: AsStaff,
) -> None:
    """Record a processor's confirmation that it deleted the PI of an ended entrustment."""
    from yinsi.bootstrap import open_yinsi

    with open_yinsi(state(ctx).settings(), migrate=False) as yinsi:
        ending = yinsi.entrustments.confirm_deletion(ending_id=ending_id, reference=reference, actor=_actor(yinsi, as_))
    out.print(f"deletion by {ending.recipient} confirmed (entrustment {ending.id})", markup=False)


@app.command("entrustments")
def list_entrustments(ctx: typer.Context) -> None:
    """Ended entrustments: the deletion demand's state and the processor's confirmation."""
    from yinsi.bootstrap import open_yinsi

    with open_yinsi(state(ctx).settings(), migrate=False) as yinsi:
        found = yinsi.entrustments.endings()
    for e in found:
        confirmed = f"confirmed {e.confirmed_at:%Y-%m-%d} ({e.confirmation})" if e.confirmed_at else "not confirmed"
        out.print(
            f"{e.id}  {e.recipient}  ended {e.ended_at:%Y-%m-%d}  demand {e.notice_status}  {confirmed}", markup=False
        )
    err.print(f"{len(found)} ended entrustment(s)", markup=False)


@app.command("disclose")
def disclose(
    ctx: typer.Context,
    subject: Annotated[str, typer.Argument(show_default=False, help="The person the authority asks about.")],
    authority: Annotated[str, typer.Option(help="The authority, as the spec's recipients name it.")],
    purpose: Annotated[str, typer.Option(help="One of the authority's declared purposes.")],
    fields: Annotated[str, typer.Option(help="Comma-separated fields declared for the authority.")],
    legal_reference: Annotated[str, typer.Option("--legal-reference", help="The legal document's number.")],
    as_: AsStaff,
) -> None:
    """Record an authority's demand for a person's PI, for a privacy officer to approve or refuse."""
    from yinsi.bootstrap import open_yinsi

    wanted = [f.strip() for f in fields.split(",") if f.strip()]
    with open_yinsi(state(ctx).settings(), migrate=False) as yinsi:
        done = yinsi.disclosures.request_disclosure(
            subject_id=subject,
            authority=authority,
            purpose=purpose,
            fields=wanted,
            legal_reference=legal_reference,
            actor=_actor(yinsi, as_),
        )
    out.print(f"disclosure {done.id} recorded; it waits for a privacy officer's decision", markup=False)


@app.command("decide-disclosure")
def decide_disclosure(
    ctx: typer.Context,
    disclosure_id: Annotated[int, typer.Argument(show_default=False)],
    as_: AsStaff,
    approve: Annotated[bool, typer.Option("--approve/--refuse", help="Approve, or refuse.", show_default=False)],
    out_file: Annotated[
        typer.FileTextWrite | None,
        typer.Option("--out", help="Approved: write the values here as JSON (created readable by you only)."),
    ] = None,
) -> None:
    """A privacy officer approves (the values are written to --out, once) or refuses a disclosure."""
    from yinsi.bootstrap import open_yinsi

    if approve and out_file is None:
        raise typer.BadParameter("an approval writes the values to a file: give --out FILE", param_hint="--out")
    with open_yinsi(state(ctx).settings(), migrate=False) as yinsi:
        done = yinsi.disclosures.decide_disclosure(
            disclosure_id=disclosure_id, approve=approve, actor=_actor(yinsi, as_)
        )
    if approve and out_file is not None:
        document = {
            "disclosure": done.id,
            "authority": done.authority,
            "legal_reference": done.legal_reference,
            "values": done.values,
        }
        json.dump(document, out_file, ensure_ascii=False, indent=2)
    out.print(f"disclosure {done.id} {done.state}", markup=False)


@app.command("disclosures")
def list_disclosures(
    ctx: typer.Context,
    as_: AsStaff,
    subject: Annotated[str | None, typer.Option(help="Only this person's.")] = None,
    authority: Annotated[str | None, typer.Option(help="Only to this authority.")] = None,
) -> None:
    """Disclosures to authorities with their legal references and decisions (never values)."""
    from yinsi.bootstrap import open_yinsi

    with open_yinsi(state(ctx).settings(), migrate=False) as yinsi:
        found = yinsi.disclosures.disclosures(actor=_actor(yinsi, as_), subject_id=subject, authority=authority)
    for d in found:
        decided = f"{d.state} by {d.decided_by}" if d.decided_by else d.state
        out.print(
            f"{d.id}  {d.requested_at:%Y-%m-%d}  {d.subject_id}  {d.authority}  {d.purpose}  {','.join(d.fields)}  "
            f"ref={d.legal_reference}  asked by {d.requested_by}  {decided}",
            markup=False,
            soft_wrap=True,
        )
    err.print(f"{len(found)} disclosure(s)", markup=False)


@app.command("public-disclosures")
def list_public_disclosures(
    ctx: typer.Context,
    as_: AsStaff,
    subject: Annotated[str | None, typer.Option(help="Only what was made public of this person.")] = None,
    disclosure: Annotated[str | None, typer.Option(help="Only under this declared disclosure.")] = None,
    as_json: AsJson = False,
) -> None:
    """PI made public (newest first) by subject or by disclosure: fields and basis; never values."""
    from yinsi.bootstrap import open_yinsi

    with open_yinsi(state(ctx).settings(), migrate=False) as yinsi:
        page = yinsi.public_disclosures.records_page(
            actor=_actor(yinsi, as_), subject_id=subject, disclosure=disclosure
        )
    for r in page.items:
        if as_json:
            line = {
                "id": r.id,
                "subject": r.subject_id,
                "disclosure": r.disclosure,
                "fields": r.fields,
                "actor": r.actor,
                "at": r.at.isoformat(),
                **r.details,
            }
            out.print(json.dumps(line, ensure_ascii=False), markup=False, soft_wrap=True)
        else:
            out.print(
                f"{r.id}  {r.at:%Y-%m-%d %H:%M}  {r.subject_id}  {r.disclosure}  {','.join(r.fields)}  "
                f"basis={r.details.get('basis', '-')}",
                markup=False,
                soft_wrap=True,
            )
    err.print(f"{len(page.items)} public disclosure(s)", markup=False)


@app.command("transfer")
def transfer(
    ctx: typer.Context,
    kind: Annotated[str, typer.Option(help="merger, acquisition, division, bankruptcy or dissolution.")],
    to: Annotated[str, typer.Option("--to", help="The new controller's name.")],
    contact: Annotated[str, typer.Option(help="The new controller's contact (phone, address or e-mail).")],
    as_: AsStaff,
) -> None:
    """Record a transfer of the business and tell every person the new controller's name and contact."""
    from yinsi.bootstrap import open_yinsi
    from yinsi.services import transfers

    try:
        which = transfers.TransferKind(kind)
    except ValueError:
        kinds = ", ".join(k.value for k in transfers.TransferKind)
        raise typer.BadParameter(f"choose one of {kinds}", param_hint="--kind") from None
    with open_yinsi(state(ctx).settings(), migrate=False) as yinsi:
        done = yinsi.transfers.announce(
            kind=which,
            controller_name=to,
            controller_contact=contact,
            actor=_actor(yinsi, as_),
        )
    by_channel = ", ".join(f"{channel} {n}" for channel, n in done.channels.items()) or "no direct channel"
    out.print(f"transfer {done.id} recorded; {done.subjects_told} person(s) told ({by_channel})", markup=False)


@app.command("release-logins")
def release_logins(
    ctx: typer.Context,
    retry_failed: bool = typer.Option(False, "--retry-failed", help="Also try again the releases that failed."),
) -> None:
    """Send cancelled accounts' third-party login releases to the login gateway (or the console outbox)."""
    from yinsi.bootstrap import open_yinsi

    with open_yinsi(state(ctx).settings(), migrate=False) as yinsi:
        done = yinsi.services.login_releases.deliver_pending(retry_failed=retry_failed)
    out.print(f"released {done.sent} third-party login(s); {done.failed} failed", markup=False)
    raise typer.Exit(1 if done.failed else 0)
