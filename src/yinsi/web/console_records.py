"""The console's record pages: the compliance report, recipients and provisions, security incidents, and the
webhook deliveries.

The same discipline as the rest of the console (``web.console``): each handler parses a form or a query, calls
one ``Console`` operation (which checks the member's operation again and opens its own transaction) and renders
a template; every form carries the CSRF token of the staff session.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any
from urllib.parse import quote, urlencode

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response

from yinsi.core.errors import YinsiError
from yinsi.core.i18n import Msg
from yinsi.core.policy.vocabulary import Operation
from yinsi.services.incidents import PARTS, REQUIRED, IncidentKind, NoticeMethod, Selection
from yinsi.services.staff import StaffMember
from yinsi.web.console import Auditor, call, failed, form_of, needs, page, words
from yinsi.web.pages import CHINA, lang_of, redirect, text, yinsi_of

router = APIRouter(prefix="/console", include_in_schema=False)
IncidentManager = Annotated[StaffMember, Depends(needs(Operation.MANAGE_INCIDENTS))]
STATUSES = ("fail", "warn", "pass", "not_applicable")
EVENT_STATES = ("pending", "delivered", "failed")
BAD_TIME = Msg("时间格式不正确，请按“年-月-日 时:分”填写。", "The time is not valid: give a date and a time.")
NEEDS_DISCOVERY = Msg("请填写发现事件的时间。", "Give the time the incident was discovered.")


# ---------------------------------------------------------------------------------------------- compliance


@router.get("/compliance", response_class=HTMLResponse)
async def compliance(request: Request, member: Auditor) -> HTMLResponse:
    try:
        report = await call(yinsi_of(request).console.compliance_report, member=member)
    except YinsiError as exc:
        return failed(request, member, exc)
    wanted = request.query_params.get("status") or ""
    findings = report["findings"] if report is not None else []
    if wanted in STATUSES:
        findings = [f for f in findings if f["status"] == wanted]
    context = {"report": report, "findings": findings, "wanted": wanted, "statuses": STATUSES}
    return page(request, "console/compliance.html", context, member=member)


# ---------------------------------------------------------------------------------------------- recipients


@router.get("/recipients", response_class=HTMLResponse)
async def recipients(request: Request, member: Auditor) -> HTMLResponse:
    overview = await call(yinsi_of(request).console.recipients, member=member)
    spec = yinsi_of(request).policy.current().spec
    context = {
        "overview": overview,
        "field_labels": {f: d.label for f, d in spec.fields.items()},
        "purpose_labels": {p: d.label for p, d in spec.purposes.items()},
    }
    return page(request, "console/recipients.html", context, member=member)


@router.get("/provisions", response_class=HTMLResponse)
async def provision_records(request: Request, member: Auditor) -> HTMLResponse:
    """By recipient or by person (a subject id, never PI, so it may be in the URL); the look is audited."""
    q = request.query_params
    recipient = (q.get("recipient") or "")[:64]
    subject = (q.get("subject") or "")[:36]
    spec = yinsi_of(request).policy.current().spec
    context: dict[str, Any] = {
        "recipient": recipient,
        "subject": subject,
        "names": {rid: r.name for rid, r in spec.recipients.items()},
        "field_labels": {f: d.label for f, d in spec.fields.items()},
        "purpose_labels": {p: d.label for p, d in spec.purposes.items()},
        "records": None,
    }
    if recipient or subject:
        try:
            context["records"] = await call(
                yinsi_of(request).console.provision_records, member=member, subject=subject, recipient=recipient
            )
        except YinsiError as exc:
            return failed(request, member, exc)
    return page(request, "console/provisions.html", context, member=member)


# ---------------------------------------------------------------------------------------------- incidents


def _moment(value: str) -> datetime | None:
    """A ``datetime-local`` input's value, in Beijing time as staff read their clocks; None when empty."""
    if not value:
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise BadTime from None
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=CHINA)


class BadTime(Exception):
    """A time field the browser sent that is not a date and time."""


def _contents(form: Any) -> dict[str, dict[str, str]]:
    """The notice's parts filled in the form (a part left wholly empty is left out: it may come later)."""
    found = {}
    for part in PARTS:
        zh, en = text(form, f"{part}.zh-CN", 2100), text(form, f"{part}.en", 2100)
        if zh or en:
            found[part] = {"zh-CN": zh, "en": en}
    return found


def _required(request: Request) -> tuple[str, ...]:
    """The notice's parts the law requires, and the remedies too where the policy promises them."""
    promised = {c.value for c in yinsi_of(request).policy.current().spec.incidents.notice_contents}
    return (*REQUIRED, "remedies") if "remedies" in promised else REQUIRED


def _incident_form(request: Request, member: StaffMember, *, problem: str | None = None, **kept: Any) -> HTMLResponse:
    spec = yinsi_of(request).policy.current().spec
    context = {
        "fields": [(f, d.label) for f, d in spec.fields.items()],
        "recipients": [(rid, r.name) for rid, r in spec.recipients.items()],
        "kinds": [k.value for k in IncidentKind],
        "parts": PARTS,
        "required": _required(request),
        "problem": problem,
        "kept": kept,
    }
    return page(request, "console/incident_new.html", context, member=member, status=400 if problem else 200)


@router.get("/incidents", response_class=HTMLResponse)
async def incidents(request: Request, member: IncidentManager) -> HTMLResponse:
    found = await call(yinsi_of(request).console.incidents, member=member)
    return page(request, "console/incidents.html", {"incidents": found}, member=member)


@router.get("/incidents/new", response_class=HTMLResponse)
async def new_incident(request: Request, member: IncidentManager) -> HTMLResponse:
    return _incident_form(request, member)


@router.post("/incidents", response_class=HTMLResponse)
async def record_incident(request: Request, member: IncidentManager) -> Response:
    form = await form_of(request)
    lang = lang_of(request)
    fields = [f[:64] for f in form.getlist("fields") if isinstance(f, str)][:100]
    kind = text(form, "kind", 16)
    kept = {"fields": fields, "kind": kind, "contents": _contents(form), "form": dict(form)}
    try:
        discovered = _moment(text(form, "discovered_at", 32))
        occurred = _moment(text(form, "occurred_at", 32))
        accessed_from = _moment(text(form, "accessed_from", 32))
        accessed_to = _moment(text(form, "accessed_to", 32))
    except BadTime:
        return _incident_form(request, member, problem=BAD_TIME.get(lang), **kept)
    if discovered is None:
        return _incident_form(request, member, problem=NEEDS_DISCOVERY.get(lang), **kept)
    selection = Selection(
        fields,
        accessed_from,
        accessed_to,
        text(form, "accessed_by", 128) or None,
        text(form, "recipient", 64) or None,
    )
    try:
        shown = await call(
            yinsi_of(request).console.record_incident,
            member=member,
            kind=IncidentKind(kind) if kind in IncidentKind.__members__.values() else IncidentKind.LEAK,
            confirmed=text(form, "confirmed", 8) == "yes",
            discovered_at=discovered,
            occurred_at=occurred,
            selection=selection,
            contents=kept["contents"],
        )
    except YinsiError as exc:
        return _incident_form(request, member, problem=exc.message.get(lang), **kept)
    return redirect(f"/console/incidents/{quote(shown['id'])}")


async def _incident_page(
    request: Request, incident_id: str, member: StaffMember, *, status: int = 200, **extra: Any
) -> HTMLResponse:
    try:
        incident = await call(yinsi_of(request).console.incident, member=member, incident_id=incident_id)
    except YinsiError as exc:
        return failed(request, member, exc)
    spec = yinsi_of(request).policy.current().spec
    recipient = spec.recipients.get(incident["selection"].get("recipient") or "")
    context = {
        "incident": incident,
        "field_labels": {f: d.label for f, d in spec.fields.items()},
        "recipient_name": recipient.name if recipient is not None else None,
        "parts": PARTS,
        "required": _required(request),
        "methods": [m.value for m in NoticeMethod],
        **extra,
    }
    return page(request, "console/incident.html", context, member=member, status=status)


@router.get("/incidents/{incident_id}", response_class=HTMLResponse)
async def incident_page(request: Request, incident_id: str, member: IncidentManager) -> HTMLResponse:
    return await _incident_page(request, incident_id[:64], member)


async def _incident_step(request: Request, incident_id: str, member: StaffMember, step: str) -> Response:
    """One step of the workflow (complete, draft, notify, report): the incident's page answers, with the
    step's outcome or the service's refusal in plain words."""
    form = await form_of(request)
    console = yinsi_of(request).console
    lang = lang_of(request)
    t = words(lang)
    try:
        if step == "contents":
            await call(console.complete_incident, member=member, incident_id=incident_id, contents=_contents(form))
            return redirect(f"/console/incidents/{quote(incident_id)}")
        if step == "draft":
            await call(console.draft_notice, member=member, incident_id=incident_id)
            return redirect(f"/console/incidents/{quote(incident_id)}#notice-h")
        if step == "notify":
            method = text(form, "method", 16)
            done = await call(
                console.notify_incident,
                member=member,
                incident_id=incident_id,
                method=NoticeMethod(method) if method in NoticeMethod.__members__.values() else NoticeMethod.INDIVIDUAL,
            )
            notice = t("notified_ok", reached=done["reached"], unreached=done["unreached"])
            return await _incident_page(request, incident_id, member, notice=notice)
        document = await call(console.report_incident, member=member, incident_id=incident_id)
        return await _incident_page(request, incident_id, member, report=document, notice=t("reported_ok"))
    except YinsiError as exc:
        if exc.code in ("not_found", "forbidden"):
            return failed(request, member, exc)
        status = 409 if exc.code == "conflict" else 400
        return await _incident_page(request, incident_id, member, problem=exc.message.get(lang), status=status)


@router.post("/incidents/{incident_id}/contents", response_class=HTMLResponse)
async def complete_incident(request: Request, incident_id: str, member: IncidentManager) -> Response:
    return await _incident_step(request, incident_id[:64], member, "contents")


@router.post("/incidents/{incident_id}/draft", response_class=HTMLResponse)
async def draft_notice(request: Request, incident_id: str, member: IncidentManager) -> Response:
    return await _incident_step(request, incident_id[:64], member, "draft")


@router.post("/incidents/{incident_id}/notify", response_class=HTMLResponse)
async def notify_incident(request: Request, incident_id: str, member: IncidentManager) -> Response:
    return await _incident_step(request, incident_id[:64], member, "notify")


@router.post("/incidents/{incident_id}/report", response_class=HTMLResponse)
async def report_incident(request: Request, incident_id: str, member: IncidentManager) -> Response:
    return await _incident_step(request, incident_id[:64], member, "report")


# ---------------------------------------------------------------------------------------------- webhooks


@router.get("/webhooks", response_class=HTMLResponse)
async def webhooks(request: Request, member: Auditor) -> HTMLResponse:
    q = request.query_params
    state = q.get("state") or ""
    cursor = (q.get("cursor") or "")[:512]
    try:
        configured, found = await call(
            yinsi_of(request).console.webhook_events,
            member=member,
            state=state if state in EVENT_STATES else None,
            cursor=cursor or None,
        )
    except YinsiError as exc:
        return failed(request, member, exc)
    more = urlencode({"state": state, "cursor": found.next_cursor} if state else {"cursor": found.next_cursor})
    context = {
        "configured": configured,
        "events": found.items,
        "next": more if found.next_cursor else None,
        "state": state if state in EVENT_STATES else "",
        "states": EVENT_STATES,
    }
    return page(request, "console/webhooks.html", context, member=member)


async def _webhook_page(
    request: Request, event_id: str, member: StaffMember, *, status: int = 200, **extra: Any
) -> HTMLResponse:
    try:
        event, attempts = await call(yinsi_of(request).console.webhook_event, member=member, event_id=event_id)
    except YinsiError as exc:
        return failed(request, member, exc)
    context = {"event": event, "attempts": attempts, **extra}
    return page(request, "console/webhook.html", context, member=member, status=status)


@router.get("/webhooks/{event_id}", response_class=HTMLResponse)
async def webhook_page(request: Request, event_id: str, member: Auditor) -> HTMLResponse:
    return await _webhook_page(request, event_id[:64], member)


@router.post("/webhooks/{event_id}/replay", response_class=HTMLResponse)
async def replay_webhook(request: Request, event_id: str, member: Auditor) -> Response:
    await form_of(request)
    try:
        await call(yinsi_of(request).console.replay_webhook, member=member, event_id=event_id[:64])
    except YinsiError as exc:
        if exc.code == "conflict":
            return await _webhook_page(
                request, event_id[:64], member, problem=exc.message.get(lang_of(request)), status=409
            )
        return failed(request, member, exc)
    notice = words(lang_of(request))("replayed_ok")
    return await _webhook_page(request, event_id[:64], member, notice=notice)
