"""Rights requests over HTTP: the person's own (/v1/me/requests), services' blockers, and the staff queue."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Response, status

from yinsi.api.contract import errors
from yinsi.api.deps import ClientDep, Cursor, LangDep, ServiceActor, StaffDep, StaffTokenDep, SubjectDep, YinsiDep
from yinsi.api.schemas.rights import BlockersOut, RequestIn, RequestOut, RequestsPageOut
from yinsi.api.schemas.staff import (
    AssignIn,
    AuditPageOut,
    StaffActionIn,
    StaffLoginIn,
    StaffLoginOut,
    StaffRequestOut,
    StatisticsOut,
)
from yinsi.api.schemas.vault import BlockerIn, BlockerOut, ExternalLoginIn
from yinsi.core.access import Deny
from yinsi.core.i18n import Msg
from yinsi.core.policy.vocabulary import Operation
from yinsi.core.requests import RequestType
from yinsi.services import staff
from yinsi.services.rights import Filing, RequestView

router = APIRouter()

DENIED = tuple(reason.value for reason in Deny)


def out(view: RequestView, lang: str) -> RequestOut:
    return RequestOut(
        id=view.id,
        type=view.type.value,
        state=view.state.value,
        filed_by=view.filed_by,
        created_at=view.created_at,
        due_on=view.due_on,
        due_exact=view.due_exact,
        due_basis=view.due_basis,
        overdue=view.overdue,
        assigned_to=view.assigned_to,
        closed_at=view.closed_at,
        outcome=view.outcome,
        outcome_text=view.outcome_text.get(lang) if view.outcome_text else None,
        fee_notice=view.fee_notice,
        details=view.details,
        history=view.history,
        answer=view.answer,
    )


# ---------------------------------------------------------------------------------------------- the person


@router.post(
    "/v1/me/requests",
    status_code=status.HTTP_201_CREATED,
    response_model=RequestOut,
    operation_id="file_request",
    tags=["rights"],
    responses=errors(
        "bad_request",
        "request_not_possible",
        "forbidden",
        "guardian_consent_required",
        "not_found",
        "conflict",
        "field_immutable",
        "legal_retention_applies",
        "invalid_value",
        "invalid_consent",
        "rate_limited",
    ),
)
def file_request(body: RequestIn, subject: SubjectDep, yinsi: YinsiDep, lang: LangDep) -> RequestOut:
    """Exercise a right. What you can do yourself is answered at once; the rest has a due date."""
    filing = Filing(
        fields=body.fields,
        values=body.values,
        purpose=body.purpose,
        consent_kind=body.consent_kind,
        consent_scope=body.consent_scope,
        text=body.text,
        deceased_phone=body.deceased_phone,
        relationship=body.relationship,
        wants=body.wants,
        lang=lang,
    )
    rights = yinsi.rights
    if body.type is RequestType.NEXT_OF_KIN:
        view = rights.file_next_of_kin(by=subject, filing=filing)
    elif body.on_behalf_of:
        view = rights.file(subject=body.on_behalf_of, kind=body.type, filing=filing, by=subject, filed_by="guardian")
    else:
        view = rights.file(subject=subject, kind=body.type, filing=filing, by=subject)
    return out(view, lang)


@router.get(
    "/v1/me/requests",
    response_model=RequestsPageOut,
    operation_id="list_my_requests",
    tags=["rights"],
    responses=errors("bad_request"),
)
def my_requests(
    subject: SubjectDep,
    yinsi: YinsiDep,
    lang: LangDep,
    cursor: Cursor = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
) -> RequestsPageOut:
    """The requests I filed, newest first, a page at a time."""
    page = yinsi.rights.page_for(by=subject, limit=limit, cursor=cursor)
    return RequestsPageOut(items=[out(v, lang) for v in page.items], next_cursor=page.next_cursor)


@router.get(
    "/v1/me/requests/{request_id}",
    response_model=RequestOut,
    operation_id="get_my_request",
    tags=["rights"],
    responses=errors("not_found"),
)
def my_request(request_id: str, subject: SubjectDep, yinsi: YinsiDep, lang: LangDep) -> RequestOut:
    """Follow a request: its state, due date, history and (for access and explanations) the answer."""
    return out(yinsi.rights.get(request_id=request_id, by=subject, lang=lang), lang)


@router.post(
    "/v1/me/requests/{request_id}/withdraw",
    response_model=RequestOut,
    operation_id="withdraw_my_request",
    tags=["rights"],
    responses=errors("not_found", "conflict"),
)
def withdraw_request(request_id: str, subject: SubjectDep, yinsi: YinsiDep, lang: LangDep) -> RequestOut:
    return out(yinsi.rights.withdraw(request_id=request_id, by=subject), lang)


@router.post(
    "/v1/me/requests/{request_id}/proceed",
    response_model=RequestOut,
    operation_id="proceed_with_my_request",
    tags=["rights"],
    responses=errors("not_found", "conflict", "cancellation_blocked"),
)
def proceed_request(request_id: str, subject: SubjectDep, yinsi: YinsiDep, lang: LangDep) -> RequestOut:
    """Try a cancellation again once its blockers are settled."""
    return out(yinsi.rights.proceed(request_id=request_id, subject=subject), lang)


@router.get("/v1/me/blockers", response_model=BlockersOut, operation_id="list_my_blockers", tags=["rights"])
def my_blockers(subject: SubjectDep, yinsi: YinsiDep) -> BlockersOut:
    """What must be settled before my account can be cancelled, and what to do about each."""
    return BlockersOut(blockers=yinsi.centre.blockers(subject=subject))


@router.get(
    "/v1/me/exports/{export_id}",
    response_class=Response,
    operation_id="download_my_export",
    tags=["rights"],
    responses={
        200: {"content": {"application/zip": {"schema": {"type": "string", "format": "binary"}}}},
        **errors("not_found"),
    },
)
def download_export(export_id: str, subject: SubjectDep, yinsi: YinsiDep) -> Response:
    """Download my copy (a ZIP of JSON and CSV), only with my own session and before the link expires."""
    data = yinsi.rights.download(export_id=export_id, subject=subject)
    return Response(
        data,
        media_type="application/zip",
        headers={
            "Content-Disposition": f'attachment; filename="yinsi-export-{export_id[:8]}.zip"',
            "Cache-Control": "no-store",
        },
    )


# ---------------------------------------------------------------------------------------------- services


@router.post(
    "/v1/subjects/{subject_id}/blockers",
    status_code=status.HTTP_201_CREATED,
    response_model=BlockerOut,
    operation_id="add_blocker",
    tags=["vault"],
    responses=errors("not_found", "conflict", *DENIED),
)
def add_blocker(subject_id: str, body: BlockerIn, yinsi: YinsiDep, actor: ServiceActor) -> BlockerOut:
    """A service says something must be settled before this account can be cancelled (a balance, a course)."""
    blocker = yinsi.rights.add_blocker(
        subject=subject_id,
        kind=body.kind,
        label=Msg(body.label_zh, body.label_en),
        action=Msg(body.action_zh, body.action_en),
        actor=actor,
    )
    return BlockerOut(id=blocker)


@router.delete(
    "/v1/subjects/{subject_id}/blockers/{blocker_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    operation_id="clear_blocker",
    tags=["vault"],
    responses=errors("not_found", *DENIED),
)
def clear_blocker(subject_id: str, blocker_id: int, yinsi: YinsiDep, actor: ServiceActor) -> None:
    yinsi.rights.clear_blocker(subject=subject_id, blocker_id=blocker_id, actor=actor)


@router.put(
    "/v1/subjects/{subject_id}/external-logins",
    status_code=status.HTTP_204_NO_CONTENT,
    operation_id="link_external_login",
    tags=["vault"],
    responses=errors("not_found", "conflict", *DENIED),
)
def link_external_login(subject_id: str, body: ExternalLoginIn, yinsi: YinsiDep, actor: ServiceActor) -> None:
    """Record a third-party login, so that cancelling the account releases it."""
    yinsi.rights.link_external_login(
        subject=subject_id, provider=body.provider, identifier=body.identifier, actor=actor
    )


# ---------------------------------------------------------------------------------------------- staff


@router.post(
    "/v1/staff/login",
    response_model=StaffLoginOut,
    operation_id="staff_login",
    tags=["staff"],
    responses=errors("staff_login_refused", "rate_limited"),
)
def staff_login(body: StaffLoginIn, yinsi: YinsiDep, client: ClientDep) -> StaffLoginOut:
    token, member = yinsi.staff.login(username=body.username, password=body.password, code=body.code, client=client)
    return StaffLoginOut(token=token, username=member.username, role=member.role)


@router.post("/v1/staff/logout", status_code=status.HTTP_204_NO_CONTENT, operation_id="staff_logout", tags=["staff"])
def staff_logout(token: StaffTokenDep, yinsi: YinsiDep) -> None:
    """End this staff session at once."""
    yinsi.staff.logout(token=token)


@router.get(
    "/v1/staff/audit",
    response_model=AuditPageOut,
    operation_id="list_audit_events",
    tags=["staff"],
    responses=errors("bad_request", "forbidden", "not_found"),
)
def staff_audit(
    member: StaffDep,
    yinsi: YinsiDep,
    subject: Annotated[str | None, Query(max_length=36)] = None,
    action: Annotated[str | None, Query(max_length=48)] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
    cursor: Cursor = None,
) -> AuditPageOut:
    """Audit events, newest first (they name fields, purposes and roles, never values); viewing is audited too."""
    staff.require(yinsi.policy.current(), member, Operation.VIEW_AUDIT)
    page = yinsi.admin.audit_page(viewer=member.actor, subject=subject, action=action, limit=limit, cursor=cursor)
    return AuditPageOut(events=page.items, next_cursor=page.next_cursor)


@router.get(
    "/v1/staff/requests",
    response_model=RequestsPageOut,
    operation_id="list_request_queue",
    tags=["staff"],
    responses=errors("bad_request", "forbidden"),
)
def staff_queue(
    member: StaffDep,
    yinsi: YinsiDep,
    lang: LangDep,
    type: Annotated[RequestType | None, Query()] = None,
    state: Annotated[str | None, Query(max_length=16)] = None,
    due_before: Annotated[str | None, Query(pattern=r"^\d{4}-\d{2}-\d{2}$")] = None,
    overdue: Annotated[bool, Query()] = False,
    assigned_to: Annotated[str | None, Query(max_length=64)] = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 200,
    cursor: Cursor = None,
) -> RequestsPageOut:
    """The privacy officer's queue: open requests by due date, filtered by type, state, due date, assignee."""
    staff.require(yinsi.policy.current(), member, Operation.VIEW_REQUESTS)
    page = yinsi.rights.queue_page(
        kind=type.value if type else None,
        state=state,
        due_before=due_before,
        overdue=overdue,
        assigned_to=assigned_to,
        limit=limit,
        cursor=cursor,
    )
    return RequestsPageOut(items=[out(v, lang) for v in page.items], next_cursor=page.next_cursor)


@router.get(
    "/v1/staff/requests/{request_id}",
    response_model=StaffRequestOut,
    operation_id="get_queued_request",
    tags=["staff"],
    responses=errors("forbidden", "not_found"),
)
def staff_request(request_id: str, member: StaffDep, yinsi: YinsiDep, lang: LangDep) -> StaffRequestOut:
    """One request with what the person wrote (visible to staff who handle requests)."""
    staff.require(yinsi.policy.current(), member, Operation.VIEW_REQUESTS)
    # Reading what a person wrote is itself recorded.
    view, payload = yinsi.rights.staff_view(request_id, with_payload=True, viewer=member.actor)
    return StaffRequestOut(request=out(view, lang), payload={k: v for k, v in payload.items() if v})


@router.post(
    "/v1/staff/requests/{request_id}/assign",
    response_model=RequestOut,
    operation_id="assign_request",
    tags=["staff"],
    responses=errors("bad_request", "forbidden", "not_found", "conflict"),
)
def staff_assign(request_id: str, body: AssignIn, member: StaffDep, yinsi: YinsiDep, lang: LangDep) -> RequestOut:
    staff.require(yinsi.policy.current(), member, Operation.HANDLE_REQUESTS)
    return out(yinsi.rights.assign(request_id=request_id, to=body.to, actor=member.actor), lang)


@router.post(
    "/v1/staff/requests/{request_id}/actions",
    response_model=RequestOut,
    operation_id="act_on_request",
    tags=["staff"],
    responses=errors(
        "bad_request",
        "forbidden",
        "not_found",
        "conflict",
        "cancellation_blocked",
        "field_immutable",
        "legal_retention_applies",
    ),
)
def staff_act(request_id: str, body: StaffActionIn, member: StaffDep, yinsi: YinsiDep, lang: LangDep) -> RequestOut:
    """Verify, start, complete or refuse (with a ground); next-of-kin decisions need that operation too."""
    staff.require(yinsi.policy.current(), member, Operation.HANDLE_REQUESTS)
    done = yinsi.rights.act(
        request_id=request_id, action=body.action, actor=member.actor, ground=body.ground, decision=body.decision
    )
    return out(done, lang)


@router.get(
    "/v1/staff/statistics",
    response_model=StatisticsOut,
    operation_id="request_statistics",
    tags=["staff"],
    responses=errors("forbidden"),
)
def staff_statistics(member: StaffDep, yinsi: YinsiDep) -> StatisticsOut:
    """Counts of requests by type and state, and how many open ones are overdue."""
    staff.require(yinsi.policy.current(), member, Operation.VIEW_REQUESTS)
    return StatisticsOut.model_validate(yinsi.rights.statistics())
