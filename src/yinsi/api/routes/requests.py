"""Rights requests over HTTP: the person's own (/v1/me/requests), services' blockers, and the staff queue."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Response, status
from pydantic import BaseModel, Field

from yinsi.api.deps import ClientDep, LangDep, ServiceActor, StaffDep, StaffTokenDep, SubjectDep, YinsiDep
from yinsi.api.schemas import Body
from yinsi.core.i18n import Msg
from yinsi.core.policy.vocabulary import Operation
from yinsi.core.requests import RequestType
from yinsi.services import staff
from yinsi.services.audit import AuditEvent
from yinsi.services.rights import Filing, RequestView

router = APIRouter(tags=["rights"])


class RequestIn(Body):
    type: RequestType
    fields: list[str] = Field(default_factory=list, max_length=100)
    values: dict[str, str] = Field(default_factory=dict, max_length=50, description="For corrections.")
    purpose: str | None = Field(default=None, max_length=64)
    consent_kind: str | None = Field(default=None, max_length=24, description="For withdrawals.")
    consent_scope: str | None = Field(default=None, max_length=128)
    text: str | None = Field(default=None, max_length=5000, description="A complaint or a statement (kept sealed).")
    deceased_phone: str | None = Field(default=None, max_length=32, description="Next of kin: the deceased's number.")
    relationship: Literal["spouse", "parent", "child", "sibling", "grandparent", "grandchild"] | None = None
    wants: Literal["access", "copy", "correct", "delete"] | None = None
    on_behalf_of: str | None = Field(default=None, description="A ward's id, when a guardian files.")


class RequestOut(BaseModel):
    id: str
    type: str
    state: str
    filed_by: str
    created_at: datetime
    due_on: str = Field(description="The answer is due by the end of this day (Asia/Shanghai).")
    due_exact: bool = Field(description="False past the years the holiday calendar knows: weekends only.")
    due_basis: str
    overdue: bool
    assigned_to: str | None
    closed_at: datetime | None
    outcome: str | None
    outcome_text: str | None
    fee_notice: bool
    details: dict[str, Any]
    history: list[dict[str, Any]]
    answer: dict[str, Any] | None


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


@router.post("/v1/me/requests", status_code=status.HTTP_201_CREATED, response_model=RequestOut)
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


@router.get("/v1/me/requests", response_model=list[RequestOut])
def my_requests(subject: SubjectDep, yinsi: YinsiDep, lang: LangDep) -> list[RequestOut]:
    return [out(v, lang) for v in yinsi.rights.list_for(by=subject)]


@router.get("/v1/me/requests/{request_id}", response_model=RequestOut)
def my_request(request_id: str, subject: SubjectDep, yinsi: YinsiDep, lang: LangDep) -> RequestOut:
    """Follow a request: its state, due date, history and (for access and explanations) the answer."""
    return out(yinsi.rights.get(request_id=request_id, by=subject, lang=lang), lang)


@router.post("/v1/me/requests/{request_id}/withdraw", response_model=RequestOut)
def withdraw_request(request_id: str, subject: SubjectDep, yinsi: YinsiDep, lang: LangDep) -> RequestOut:
    return out(yinsi.rights.withdraw(request_id=request_id, by=subject), lang)


@router.post("/v1/me/requests/{request_id}/proceed", response_model=RequestOut)
def proceed_request(request_id: str, subject: SubjectDep, yinsi: YinsiDep, lang: LangDep) -> RequestOut:
    """Try a cancellation again once its blockers are settled."""
    return out(yinsi.rights.proceed(request_id=request_id, subject=subject), lang)


@router.get("/v1/me/blockers")
def my_blockers(subject: SubjectDep, yinsi: YinsiDep) -> dict[str, list[dict[str, Any]]]:
    """What must be settled before my account can be cancelled, and what to do about each."""
    return {"blockers": yinsi.centre.blockers(subject=subject)}


@router.get("/v1/me/exports/{export_id}", response_class=Response)
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


class BlockerIn(Body):
    kind: str = Field(pattern=r"^[a-z][a-z0-9_]{0,47}$", description="e.g. wallet_balance, unfinished_course")
    label_zh: str = Field(min_length=1, max_length=200)
    label_en: str = Field(min_length=1, max_length=200)
    action_zh: str = Field(min_length=1, max_length=300, description="What the person should do about it.")
    action_en: str = Field(min_length=1, max_length=300)


class ExternalLoginIn(Body):
    provider: str = Field(pattern=r"^[a-z][a-z0-9_]{0,31}$", description="e.g. wechat, weibo, qq")
    identifier: str = Field(min_length=1, max_length=256, description="The provider's id for this person (sealed).")


@router.post("/v1/subjects/{subject_id}/blockers", status_code=status.HTTP_201_CREATED)
def add_blocker(subject_id: str, body: BlockerIn, yinsi: YinsiDep, actor: ServiceActor) -> dict[str, int]:
    """A service says something must be settled before this account can be cancelled (a balance, a course)."""
    blocker = yinsi.rights.add_blocker(
        subject=subject_id,
        kind=body.kind,
        label=Msg(body.label_zh, body.label_en),
        action=Msg(body.action_zh, body.action_en),
        actor=actor,
    )
    return {"id": blocker}


@router.delete("/v1/subjects/{subject_id}/blockers/{blocker_id}", status_code=status.HTTP_204_NO_CONTENT)
def clear_blocker(subject_id: str, blocker_id: int, yinsi: YinsiDep, actor: ServiceActor) -> None:
    yinsi.rights.clear_blocker(subject=subject_id, blocker_id=blocker_id, actor=actor)


@router.put("/v1/subjects/{subject_id}/external-logins", status_code=status.HTTP_204_NO_CONTENT)
def link_external_login(subject_id: str, body: ExternalLoginIn, yinsi: YinsiDep, actor: ServiceActor) -> None:
    """Record a third-party login, so that cancelling the account releases it."""
    yinsi.rights.link_external_login(
        subject=subject_id, provider=body.provider, identifier=body.identifier, actor=actor
    )


# ---------------------------------------------------------------------------------------------- staff


class StaffLoginIn(Body):
    username: str = Field(min_length=2, max_length=64)
    password: str = Field(min_length=1, max_length=256)
    code: str = Field(min_length=6, max_length=6, description="The current code of the authenticator app.")


class StaffLoginOut(BaseModel):
    token: str
    username: str
    role: str


class StaffActionIn(Body):
    action: Literal["verify", "start", "complete", "refuse"]
    ground: str | None = Field(default=None, max_length=48, description="For refuse: a ground the policy lists.")
    decision: Literal["approve"] | None = Field(default=None, description="For next-of-kin requests.")


class AssignIn(Body):
    to: str = Field(min_length=2, max_length=64)


@router.post("/v1/staff/login", response_model=StaffLoginOut)
def staff_login(body: StaffLoginIn, yinsi: YinsiDep, client: ClientDep) -> StaffLoginOut:
    token, member = staff.login(
        yinsi.vault, username=body.username, password=body.password, code=body.code, client=client
    )
    return StaffLoginOut(token=token, username=member.username, role=member.role)


@router.post("/v1/staff/logout", status_code=status.HTTP_204_NO_CONTENT)
def staff_logout(token: StaffTokenDep, yinsi: YinsiDep) -> None:
    """End this staff session at once."""
    staff.logout(yinsi.vault, token)


@router.get("/v1/staff/audit")
def staff_audit(
    member: StaffDep,
    yinsi: YinsiDep,
    subject: Annotated[str | None, Query(max_length=36)] = None,
    action: Annotated[str | None, Query(max_length=48)] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
) -> dict[str, Any]:
    """Audit events, newest first (they name fields, purposes and roles, never values); viewing is audited too."""
    staff.require(yinsi.policy.current(), member, Operation.VIEW_AUDIT)
    events = yinsi.audit.events(yinsi.engine, subject=subject, action=action, limit=limit)
    with yinsi.vault.unit() as uow:
        uow.record(
            AuditEvent(
                "audit-viewed",
                member.actor.id,
                role=member.role,
                subject=subject,
                details={"action": action, "count": len(events)},
            )
        )
    return {"events": events}


@router.get("/v1/staff/requests", response_model=list[RequestOut])
def staff_queue(
    member: StaffDep,
    yinsi: YinsiDep,
    lang: LangDep,
    type: Annotated[RequestType | None, Query()] = None,
    state: Annotated[str | None, Query(max_length=16)] = None,
    due_before: Annotated[str | None, Query(pattern=r"^\d{4}-\d{2}-\d{2}$")] = None,
    overdue: Annotated[bool, Query()] = False,
    assigned_to: Annotated[str | None, Query(max_length=64)] = None,
) -> list[RequestOut]:
    """The privacy officer's queue: open requests by due date, filtered by type, state, due date, assignee."""
    staff.require(yinsi.policy.current(), member, Operation.VIEW_REQUESTS)
    views = yinsi.rights.queue(
        kind=type.value if type else None, state=state, due_before=due_before, overdue=overdue, assigned_to=assigned_to
    )
    return [out(v, lang) for v in views]


@router.get("/v1/staff/requests/{request_id}")
def staff_request(request_id: str, member: StaffDep, yinsi: YinsiDep, lang: LangDep) -> dict[str, Any]:
    """One request with what the person wrote (visible to staff who handle requests)."""
    staff.require(yinsi.policy.current(), member, Operation.VIEW_REQUESTS)
    view, payload = yinsi.rights.staff_view(request_id, with_payload=True)
    with yinsi.vault.unit() as uow:  # reading what a person wrote is itself recorded
        uow.record(
            AuditEvent(
                "request-viewed",
                member.actor.id,
                role=member.role,
                subject=view.subject_id,
                details={"request": request_id},
            )
        )
    return {"request": out(view, lang).model_dump(mode="json"), "payload": {k: v for k, v in payload.items() if v}}


@router.post("/v1/staff/requests/{request_id}/assign", response_model=RequestOut)
def staff_assign(request_id: str, body: AssignIn, member: StaffDep, yinsi: YinsiDep, lang: LangDep) -> RequestOut:
    staff.require(yinsi.policy.current(), member, Operation.HANDLE_REQUESTS)
    return out(yinsi.rights.assign(request_id=request_id, to=body.to, actor=member.actor), lang)


@router.post("/v1/staff/requests/{request_id}/actions", response_model=RequestOut)
def staff_act(request_id: str, body: StaffActionIn, member: StaffDep, yinsi: YinsiDep, lang: LangDep) -> RequestOut:
    """Verify, start, complete or refuse (with a ground); next-of-kin decisions need that operation too."""
    staff.require(yinsi.policy.current(), member, Operation.HANDLE_REQUESTS)
    done = yinsi.rights.act(
        request_id=request_id, action=body.action, actor=member.actor, ground=body.ground, decision=body.decision
    )
    return out(done, lang)


@router.get("/v1/staff/statistics")
def staff_statistics(member: StaffDep, yinsi: YinsiDep) -> dict[str, Any]:
    staff.require(yinsi.policy.current(), member, Operation.VIEW_REQUESTS)
    return yinsi.rights.statistics()
