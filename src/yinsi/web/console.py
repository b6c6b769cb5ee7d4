"""The privacy officer's console (/console): the staff's pages over the ``Console`` service.

Each handler parses a form or a query, calls one ``Console`` operation and renders a template; the service
checks the member's operation again, so a page cannot skip it. Staff sessions live in their own cookie
(``yinsi_staff``: HttpOnly, SameSite=Strict, only sent to /console), never in a person's: a person's session,
a service's API key or no session at all get the staff login page, and a member whose role lacks a page's
operation gets a 403 page, and no link to it in the navigation.
"""

from __future__ import annotations

import contextlib
import functools
from collections.abc import Callable
from datetime import date, datetime
from typing import Annotated, Any, TypeVar
from urllib.parse import quote, urlencode

from anyio.to_thread import run_sync
from fastapi import APIRouter, Depends, FastAPI, Request
from fastapi.responses import HTMLResponse, Response
from fastapi.staticfiles import StaticFiles

from yinsi.core.access import Deny
from yinsi.core.deadlines import today_in_china, working_days_between
from yinsi.core.errors import DENY_MESSAGES, Unauthenticated, YinsiError
from yinsi.core.masking import mask
from yinsi.core.policy.vocabulary import FieldType, Operation
from yinsi.core.requests import FINAL, TRANSITIONS, RequestType, State
from yinsi.services.audit import VerifyResult
from yinsi.services.console import CHANNELS, STAFF_FILED
from yinsi.services.rights import Filing, RequestView
from yinsi.services.staff import StaffMember
from yinsi.web.console_words import cword
from yinsi.web.messages import local
from yinsi.web.pages import (
    HERE,
    STAFF_COOKIE,
    CsrfFailed,
    checked_form,
    lang_of,
    redirect,
    render,
    safe_next,
    set_cookie,
    text,
    when,
    yinsi_of,
)

router = APIRouter(prefix="/console", include_in_schema=False)
T = TypeVar("T")
PAGE_OPERATION = {  # the operation each page needs; the navigation shows only what the role may use
    "queue": Operation.VIEW_REQUESTS,
    "people": Operation.VIEW_REQUESTS,
    "statistics": Operation.VIEW_REQUESTS,
    "audit": Operation.VIEW_AUDIT,
    "compliance": Operation.VIEW_AUDIT,
    "recipients": Operation.VIEW_AUDIT,
    "incidents": Operation.MANAGE_INCIDENTS,
    "webhooks": Operation.VIEW_AUDIT,
    "policy": Operation.PUBLISH_POLICY,
}
PROBLEMS = {
    "altered": ("事件内容或其校验值被修改", "the event or its MAC was changed"),
    "broken_link": ("事件与前一事件的链接断开", "the link to the previous event is broken"),
    "missing": ("此前的事件缺失（被删除）", "the event before it is missing (deleted)"),
    "out_of_order": ("事件位置重复或顺序错乱", "positions in the chain repeat or are out of order"),
    "truncated": ("链尾的事件被删除", "events at the end of the chain were deleted"),
}


class StaffLoginNeeded(Exception):
    """A console page without a valid staff session: the staff login page answers."""

    def __init__(self, path: str) -> None:
        super().__init__(path)
        self.path = path


class NotAllowed(Exception):
    """The member's role lacks the page's operation: a 403 page answers."""

    def __init__(self, member: StaffMember, operation: Operation) -> None:
        super().__init__(operation.value)
        self.member = member
        self.operation = operation


async def call(fn: Callable[..., T], /, **kwargs: Any) -> T:
    """A service operation (which blocks on the database) in the thread pool, never on the event loop."""
    return await run_sync(functools.partial(fn, **kwargs))


def client_of(request: Request) -> str:
    return request.client.host if request.client is not None else "unknown"


async def current_member(request: Request) -> StaffMember:
    token = request.cookies.get(STAFF_COOKIE)
    if not token:
        raise StaffLoginNeeded(request.url.path)
    try:
        return await call(yinsi_of(request).console.authenticate, token=token)
    except Unauthenticated:
        raise StaffLoginNeeded(request.url.path) from None


def needs(operation: Operation) -> Callable[..., Any]:
    async def check(request: Request, member: Annotated[StaffMember, Depends(current_member)]) -> StaffMember:
        if operation not in yinsi_of(request).console.operations(member):
            raise NotAllowed(member, operation)
        return member

    return check


Member = Annotated[StaffMember, Depends(current_member)]
Viewer = Annotated[StaffMember, Depends(needs(Operation.VIEW_REQUESTS))]
Handler = Annotated[StaffMember, Depends(needs(Operation.HANDLE_REQUESTS))]
Auditor = Annotated[StaffMember, Depends(needs(Operation.VIEW_AUDIT))]
Publisher = Annotated[StaffMember, Depends(needs(Operation.PUBLISH_POLICY))]


def words(lang: str) -> Callable[..., str]:
    def t(key: str, **values: Any) -> str:
        found = cword(key, lang)
        return found.format(**values) if values else found

    return t


def basis(text: str, lang: str) -> str:
    """A due date's period ("15 working days", "30 days") in the page's language."""
    number, _, unit = text.partition(" ")
    if not number.isdigit():
        return text
    if unit == "working days":
        return local(f"{number} 个工作日", f"{number} working days", lang)
    if unit == "days":
        return local(f"{number} 日", f"{number} days", lang)
    return text


def at_local(value: str, lang: str) -> str:
    """An ISO timestamp (a request's history) in Beijing time, as the other times on the pages."""
    try:
        return when(datetime.fromisoformat(value), lang)
    except ValueError:
        return value


def page(
    request: Request, template: str, context: dict[str, Any], *, member: StaffMember | None, status: int = 200
) -> HTMLResponse:
    """A console page: the console's words, the member and the pages their role may use."""
    lang = lang_of(request)
    yinsi = yinsi_of(request)
    operations = yinsi.console.operations(member) if member is not None else frozenset()
    role = yinsi.policy.current().spec.roles.get(member.role) if member is not None else None
    values = {
        "t": words(lang),
        "member": member,
        "role_label": local(role.label.get("zh-CN"), role.label.get("en"), lang) if role is not None else "",
        "ops": operations,
        "pages": [name for name, op in PAGE_OPERATION.items() if op in operations],
        "state_words": {s.value: cword("st_" + s.value, lang) for s in State},
        "basis": lambda text: basis(text, lang),
        "at_local": lambda value: at_local(value, lang),
        **context,
    }
    return render(request, template, values, status=status, cookie=STAFF_COOKIE)


def error(
    request: Request, member: StaffMember | None, message: str, *, status: int, refused: bool = False
) -> HTMLResponse:
    """An error page; ``refused``: the role may not use the page ("not allowed")."""
    context = {"message": message, "refused": refused}
    return page(request, "console/error.html", context, member=member, status=status)


def failed(request: Request, member: StaffMember, exc: YinsiError) -> HTMLResponse:
    status = {"not_found": 404, "forbidden": 403, "conflict": 409, "cancellation_blocked": 409}.get(exc.code, 400)
    return error(request, member, exc.message.get(lang_of(request)), status=status)


class ConsoleCsrfFailed(Exception):
    """A console form without this browser's token: the console's own 403 page answers."""


async def form_of(request: Request) -> Any:
    try:
        return await checked_form(request, cookie=STAFF_COOKIE)
    except CsrfFailed:
        raise ConsoleCsrfFailed from None


# ---------------------------------------------------------------------------------------------- logging in


def _login(request: Request, *, error: str | None = None, username: str = "", status: int = 200) -> HTMLResponse:
    target = safe_next(request.query_params.get("next"), "/console")
    context = {"error": error, "username": username, "next": target}
    return page(request, "console/login.html", context, member=None, status=status)


@router.get("/login", response_class=HTMLResponse)
async def login_page(request: Request) -> HTMLResponse:
    return _login(request)


@router.post("/login", response_class=HTMLResponse)
async def login(request: Request) -> Response:
    form = await form_of(request)
    username = text(form, "username", 64)
    try:
        token, _ = await call(
            yinsi_of(request).console.login,
            username=username,
            password=text(form, "password", 256),
            code=text(form, "code", 12),
            client=client_of(request),
        )
    except YinsiError as exc:
        status = 429 if exc.code == "rate_limited" else 400
        return _login(request, error=exc.message.get(lang_of(request)), username=username, status=status)
    target = text(form, "next", 300)
    response = redirect(safe_next(target if target.startswith("/console") else None, "/console"))
    set_cookie(request, response, STAFF_COOKIE, token, max_age=8 * 3600, path="/console", same_site="strict")
    return response


@router.post("/logout")
async def logout(request: Request) -> Response:
    await form_of(request)
    token = request.cookies.get(STAFF_COOKIE)
    if token:
        with contextlib.suppress(YinsiError):  # an ended session: logging out again changes nothing
            await call(yinsi_of(request).console.logout, token=token)
    response = redirect("/console/login")
    response.delete_cookie(STAFF_COOKIE, path="/console")
    return response


# ---------------------------------------------------------------------------------------------- home and queue


def _due(view: RequestView, today: date) -> dict[str, Any]:
    """How the due date reads in the queue: working days left, due today, or overdue by how many."""
    due = date.fromisoformat(view.due_on)
    left = working_days_between(today, due)
    return {"left": left, "overdue": view.overdue, "days_overdue": max(1, -left) if view.overdue else 0}


@router.get("", response_class=HTMLResponse)
async def home(request: Request, member: Member) -> HTMLResponse:
    console = yinsi_of(request).console
    figures: dict[str, int] = {}
    if Operation.VIEW_REQUESTS in console.operations(member):
        views = await call(console.queue, member=member)
        figures = {
            "open": len(views),
            "overdue": sum(1 for v in views if v.overdue),
            "mine": sum(1 for v in views if v.assigned_to == member.username),
        }
    return page(request, "console/home.html", {"figures": figures}, member=member)


def _parse_filters(request: Request) -> dict[str, Any]:
    q = request.query_params
    kind = q.get("type") or ""
    state = q.get("state") or ""
    before = q.get("due_before") or ""
    try:
        due_before = date.fromisoformat(before) if before else None
    except ValueError:
        due_before = None
    return {
        "kind": RequestType(kind) if kind in RequestType.__members__.values() else None,
        "state": State(state) if state in State.__members__.values() else None,
        "due_before": due_before,
        "overdue": q.get("overdue") == "yes",
        "assigned_to": (q.get("assigned_to") or "")[:64] or None,
        "subject": (q.get("subject") or "")[:36] or None,  # an id, never PI: it may be in a URL
    }


@router.get("/requests", response_class=HTMLResponse)
async def queue(request: Request, member: Viewer) -> HTMLResponse:
    console = yinsi_of(request).console
    filters = _parse_filters(request)
    views = await call(console.queue, member=member, **filters)
    today = today_in_china(yinsi_of(request).now())
    handlers = (
        await call(console.handlers, member=member) if Operation.HANDLE_REQUESTS in console.operations(member) else []
    )
    return page(
        request,
        "console/queue.html",
        {
            "views": [(v, _due(v, today)) for v in views],
            "filters": filters,
            "types": [t.value for t in RequestType],
            "states": [s.value for s in State],
            "handlers": handlers,
        },
        member=member,
    )


def _masked_payload(request: Request, payload: dict[str, Any]) -> dict[str, Any]:
    """What the person wrote, with numbers and corrected values masked as their field types say."""
    types = yinsi_of(request).policy.current().field_types
    shown: dict[str, Any] = {}
    if payload.get("text"):
        shown["text"] = payload["text"]
    if payload.get("values"):
        shown["corrections"] = {
            f: mask(types.get(f, FieldType.FREE_TEXT), str(v)) for f, v in payload["values"].items()
        }
    if payload.get("deceased_phone"):
        shown["deceased_phone"] = mask(FieldType.MOBILE, str(payload["deceased_phone"]))
    if payload.get("no_account"):
        shown["no_account"] = True
    return shown


@router.get("/requests/{request_id}", response_class=HTMLResponse)
async def request_page(request: Request, request_id: str, member: Viewer) -> HTMLResponse:
    return await _request_page(request, request_id[:64], member)


async def _request_page(
    request: Request, request_id: str, member: StaffMember, *, problem: str | None = None, status: int = 200
) -> HTMLResponse:
    console = yinsi_of(request).console
    try:
        opened = await call(console.open_request, member=member, request_id=request_id)
    except YinsiError as exc:
        return failed(request, member, exc)
    view = opened.view
    ops = console.operations(member)
    handles = Operation.HANDLE_REQUESTS in ops
    today = today_in_china(yinsi_of(request).now())
    moves = TRANSITIONS.get(view.state, frozenset())
    return page(
        request,
        "console/request.html",
        {
            "view": view,
            "due": _due(view, today),
            "payload": _masked_payload(request, opened.payload),
            "closed": view.state in FINAL,
            "handles": handles,
            "decides": view.type is not RequestType.NEXT_OF_KIN or Operation.DECIDE_NEXT_OF_KIN in ops,
            "can": {
                "verify": State.VERIFIED in moves,
                "start": State.IN_PROGRESS in moves,
                "complete": State.COMPLETED in moves and view.state is not State.RECEIVED,
                "refuse": State.REFUSED in moves,
            },
            "handlers": await call(console.handlers, member=member) if handles else [],
            "grounds": console.refusal_grounds(),
            "problem": problem,
        },
        member=member,
        status=status,
    )


@router.post("/requests/{request_id}/assign", response_class=HTMLResponse)
async def assign(request: Request, request_id: str, member: Handler) -> Response:
    form = await form_of(request)
    try:
        await call(yinsi_of(request).console.assign, member=member, request_id=request_id[:64], to=text(form, "to", 64))
    except YinsiError as exc:
        return await _request_page(
            request, request_id[:64], member, problem=exc.message.get(lang_of(request)), status=400
        )
    return redirect(f"/console/requests/{quote(request_id[:64])}")


@router.post("/requests/{request_id}/act", response_class=HTMLResponse)
async def act(request: Request, request_id: str, member: Handler) -> Response:
    form = await form_of(request)
    decision = text(form, "decision", 12)
    try:
        await call(
            yinsi_of(request).console.act,
            member=member,
            request_id=request_id[:64],
            action=text(form, "action", 12),
            ground=text(form, "ground", 48) or None,
            decision=decision if decision == "approve" else None,
        )
    except YinsiError as exc:
        status = 403 if exc.code == "forbidden" else 409 if exc.code in ("conflict", "cancellation_blocked") else 400
        if exc.code == "not_found":
            return failed(request, member, exc)
        return await _request_page(
            request, request_id[:64], member, problem=exc.message.get(lang_of(request)), status=status
        )
    return redirect(f"/console/requests/{quote(request_id[:64])}")


# ---------------------------------------------------------------------------------------------- people


def _lookup_page(request: Request, member: StaffMember, **extra: Any) -> HTMLResponse:
    console = yinsi_of(request).console
    spec = yinsi_of(request).policy.current().spec
    fields = [(f, spec.fields[f].label) for f in console.lookup_fields()]
    status = 400 if extra.get("problem") else 200
    return page(request, "console/people.html", {"fields": fields, **extra}, member=member, status=status)


@router.get("/people", response_class=HTMLResponse)
async def people_page(request: Request, member: Viewer) -> HTMLResponse:
    return _lookup_page(request, member)


@router.post("/people", response_class=HTMLResponse)
async def find_people(request: Request, member: Viewer) -> HTMLResponse:
    """The number travels in the form's body, never in a URL (PI stays out of logs and histories)."""
    form = await form_of(request)
    field = text(form, "field", 64)
    try:
        found = await call(
            yinsi_of(request).console.find_people, member=member, field=field, value=text(form, "value", 64)
        )
    except YinsiError as exc:
        return _lookup_page(request, member, problem=exc.message.get(lang_of(request)), field=field)
    return _lookup_page(request, member, found=found, field=field, searched=True)


@router.get("/people/{subject_id}", response_class=HTMLResponse)
async def person_page(request: Request, subject_id: str, member: Viewer) -> HTMLResponse:
    return await _person_page(request, subject_id[:64], member)


async def _person_page(
    request: Request, subject_id: str, member: StaffMember, *, status: int = 200, **extra: Any
) -> HTMLResponse:
    console = yinsi_of(request).console
    try:
        person, views = await call(console.person, member=member, subject=subject_id)
    except YinsiError as exc:
        return failed(request, member, exc)
    today = today_in_china(yinsi_of(request).now())
    spec = yinsi_of(request).policy.current().spec
    return page(
        request,
        "console/person.html",
        {
            "person": person,
            "views": [(v, _due(v, today)) for v in views],
            "purposes": [(p, spec.purposes[p].label) for p in console.readable_purposes(member) if p in spec.purposes],
            "labels": {f: spec.fields[f].label for f in spec.fields},
            "all_purposes": [(p, spec.purposes[p].label) for p in spec.purposes],
            "types": [t.value for t in STAFF_FILED],
            "channels": CHANNELS,
            **extra,
        },
        member=member,
        status=status,
    )


@router.post("/people/{subject_id}/read", response_class=HTMLResponse)
async def read_masked(request: Request, subject_id: str, member: Viewer) -> HTMLResponse:
    form = await form_of(request)
    try:
        shown = await call(
            yinsi_of(request).console.read_masked,
            member=member,
            subject=subject_id[:64],
            purpose=text(form, "purpose", 64),
        )
    except YinsiError as exc:
        return await _person_page(
            request, subject_id[:64], member, problem=exc.message.get(lang_of(request)), status=403
        )
    lang = lang_of(request)
    why = {f: _deny_words(code, lang) for f, code in shown.denied.items()}
    return await _person_page(request, subject_id[:64], member, shown=shown, why=why)


def _deny_words(code: str, lang: str) -> str:
    try:
        message = DENY_MESSAGES[Deny(code)]
    except (ValueError, KeyError):
        return code
    return local(message.zh, message.en, lang)


@router.post("/people/{subject_id}/requests", response_class=HTMLResponse)
async def file_for(request: Request, subject_id: str, member: Handler) -> Response:
    form = await form_of(request)
    kind_text = text(form, "type", 24)
    field = text(form, "field", 64)
    value = text(form, "value", 500)
    try:
        view = await call(
            yinsi_of(request).console.file_for,
            member=member,
            subject=subject_id[:64],
            kind=RequestType(kind_text) if kind_text in RequestType.__members__.values() else RequestType.WITHDRAW,
            channel=text(form, "channel", 16),
            filing=Filing(
                fields=[field] if field and kind_text in ("correct", "delete") else [],
                values={field: value} if field and value and kind_text == "correct" else {},
                purpose=text(form, "purpose", 64) or None if kind_text == "correct" else None,
                text=text(form, "text") or None,
                lang=lang_of(request),
            ),
        )
    except YinsiError as exc:
        return await _person_page(
            request, subject_id[:64], member, problem=exc.message.get(lang_of(request)), status=400
        )
    return redirect(f"/console/requests/{quote(view.id)}")


# ---------------------------------------------------------------------------------------------- statistics, audit


def scope_label(request: Request, kind: str, scope: str) -> str:
    """What a consent is about, in the policy's own words (a purpose's, a permission's, a cookie's label)."""
    spec = yinsi_of(request).policy.current().spec
    lang = lang_of(request)
    if kind == "policy":
        return cword("the_policy_itself", lang)
    if kind == "personalisation":
        return cword("personalisation", lang)
    if scope.startswith("recipient."):
        recipient = spec.recipients.get(scope.removeprefix("recipient."))
        return recipient.name.get(lang) if recipient is not None else scope
    for table in (spec.purposes, spec.permissions, spec.cookies):
        found = table.get(scope)
        if found is not None:
            return str(found.label.get(lang))
    return scope


@router.get("/statistics", response_class=HTMLResponse)
async def statistics(request: Request, member: Viewer) -> HTMLResponse:
    figures = await call(yinsi_of(request).console.statistics, member=member)
    consents = [(kind, scope_label(request, kind, scope), status, n) for kind, scope, status, n in figures.consents]
    return page(request, "console/statistics.html", {"figures": figures, "consents": consents}, member=member)


def _chain_text(result: VerifyResult, lang: str) -> tuple[bool, str]:
    t = words(lang)
    if result.ok:
        return True, t("chain_ok", n=result.checked)
    zh, en = PROBLEMS.get(result.problem or "", ("未知问题", "unknown problem"))
    if result.first_bad_seq is None:
        where = local(
            f"第 {result.chain} 条链的第 {result.link} 个位置", f"chain {result.chain}, position {result.link}", lang
        )
    else:
        where = local(
            f"第 {result.first_bad_seq} 号事件（第 {result.chain} 条链的第 {result.link} 个位置）",
            f"event {result.first_bad_seq} (chain {result.chain}, position {result.link})",
            lang,
        )
    return False, t("chain_broken", where=where, problem=local(zh, en, lang))


async def _audit_page(request: Request, member: StaffMember, chain: tuple[bool, str] | None = None) -> HTMLResponse:
    q = request.query_params
    subject = (q.get("subject") or "")[:36]
    action = (q.get("action") or "")[:48]
    try:
        limit = min(500, max(1, int(q.get("limit") or 100)))
    except ValueError:
        limit = 100
    try:
        events = await call(
            yinsi_of(request).console.audit_events, member=member, subject=subject, action=action, limit=limit
        )
    except YinsiError as exc:  # a subject filter that is no subject id: the console's page, not a problem JSON
        return failed(request, member, exc)
    return page(
        request,
        "console/audit.html",
        {
            "events": events,
            "subject": subject,
            "action": action,
            "limit": limit,
            "chain": chain,
            "query": urlencode(
                {k: v for k, v in (("subject", subject), ("action", action), ("limit", str(limit))) if v}
            ),
        },
        member=member,
    )


@router.get("/audit", response_class=HTMLResponse)
async def audit(request: Request, member: Auditor) -> HTMLResponse:
    return await _audit_page(request, member)


@router.post("/audit/verify", response_class=HTMLResponse)
async def verify_audit(request: Request, member: Auditor) -> HTMLResponse:
    await form_of(request)
    result = await call(yinsi_of(request).console.verify_audit, member=member)
    return await _audit_page(request, member, chain=_chain_text(result, lang_of(request)))


# ---------------------------------------------------------------------------------------------- policy versions


async def _policy_page(request: Request, member: StaffMember, **extra: Any) -> HTMLResponse:
    versions = await call(yinsi_of(request).console.policy_versions, member=member)
    status = 400 if extra.get("problem") else 200
    return page(request, "console/policy.html", {"versions": versions, **extra}, member=member, status=status)


@router.get("/policy", response_class=HTMLResponse)
async def policy_page(request: Request, member: Publisher) -> HTMLResponse:
    return await _policy_page(request, member)


@router.post("/policy/preview", response_class=HTMLResponse)
async def preview_policy(request: Request, member: Publisher) -> HTMLResponse:
    form = await form_of(request)
    spec_text = text(form, "spec", 1_000_000)
    try:
        preview = await call(yinsi_of(request).console.preview_policy, member=member, text=spec_text)
    except YinsiError as exc:
        return await _policy_page(request, member, problem=exc.message.get(lang_of(request)), spec=spec_text)
    return page(request, "console/preview.html", {"preview": preview, "spec": spec_text}, member=member)


@router.post("/policy/publish", response_class=HTMLResponse)
async def publish_policy(request: Request, member: Publisher) -> HTMLResponse:
    form = await form_of(request)
    spec_text = text(form, "spec", 1_000_000)
    try:
        done = await call(yinsi_of(request).console.publish_policy, member=member, text=spec_text)
    except YinsiError as exc:
        return await _policy_page(request, member, problem=exc.message.get(lang_of(request)), spec=spec_text)
    notice = words(lang_of(request))("unchanged" if done.unchanged else "published_ok", version=done.version)
    return await _policy_page(request, member, notice=notice)


# ---------------------------------------------------------------------------------------------- wiring


async def _login_needed(request: Request, exc: Exception) -> Response:
    path = exc.path if isinstance(exc, StaffLoginNeeded) else "/console"
    return redirect("/console/login?next=" + quote(path, safe="/"))


async def _not_allowed(request: Request, exc: Exception) -> Response:
    if not isinstance(exc, NotAllowed):  # registered for NotAllowed only
        raise exc
    lang = lang_of(request)
    role = yinsi_of(request).policy.current().spec.roles.get(exc.member.role)
    name = local(role.label.get("zh-CN"), role.label.get("en"), lang) if role is not None else exc.member.role
    message = words(lang)("forbidden", role=name, operation=cword("op_" + exc.operation.value, lang))
    return error(request, exc.member, message, status=403, refused=True)


async def _csrf_failed(request: Request, exc: Exception) -> Response:
    return error(request, None, cword("csrf_failed", lang_of(request)), status=403)


def install(app: FastAPI) -> None:
    """The console's routes, its stylesheet, and what its pages answer without a session or the right."""
    from yinsi.web import console_records  # noqa: PLC0415 - its pages build on this module's

    app.include_router(router)
    app.include_router(console_records.router)
    app.mount("/console/static", StaticFiles(directory=HERE / "static"), name="console-static")
    app.add_exception_handler(StaffLoginNeeded, _login_needed)
    app.add_exception_handler(NotAllowed, _not_allowed)
    app.add_exception_handler(ConsoleCsrfFailed, _csrf_failed)
