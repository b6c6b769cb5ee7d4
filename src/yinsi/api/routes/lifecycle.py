"""Staff endpoints for what happens to PI after collection: security incidents, anonymous statistics, and the
service's shutdown (its state, for everyone)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Query, status
from pydantic import Field

from yinsi.api.contract import errors
from yinsi.api.deps import Cursor, StaffDep, YinsiDep
from yinsi.api.schemas import Body
from yinsi.core.policy.vocabulary import Operation
from yinsi.services import staff
from yinsi.services.incidents import IncidentKind, NoticeMethod, Selection

router = APIRouter(tags=["lifecycle"])

Text = dict[str, str]


class IncidentIn(Body):
    kind: IncidentKind
    confirmed: bool = Field(
        description="False for a possible incident still being verified (it opens the workflow too)."
    )
    discovered_at: datetime
    occurred_at: datetime | None = None
    fields: list[str] = Field(min_length=1, max_length=100, description="The fields concerned.")
    accessed_from: datetime | None = Field(default=None, description="Affected: PI read from this moment...")
    accessed_to: datetime | None = Field(default=None, description="...until this one.")
    accessed_by: str | None = Field(default=None, max_length=128, description="Affected: PI read by this actor.")
    recipient: str | None = Field(default=None, max_length=64, description="Affected: PI provided to this recipient.")
    contents: dict[str, Text] = Field(
        default_factory=dict,
        description="The notice's parts, each {'zh-CN': ..., 'en': ...}: situation_and_impact, cause, "
        "measures_taken, self_protection_advice, remedies.",
    )


class ContentsIn(Body):
    contents: dict[str, Text]


class NotifyIn(Body):
    method: NoticeMethod = NoticeMethod.INDIVIDUAL


@router.post(
    "/v1/staff/incidents",
    status_code=status.HTTP_201_CREATED,
    operation_id="record_incident",
    responses=errors("bad_request", "forbidden", "not_found"),
)
def record_incident(body: IncidentIn, member: StaffDep, yinsi: YinsiDep) -> dict[str, Any]:
    """Record a security incident; the affected subjects are chosen by the selection (fields, access, recipient)."""
    staff.require(yinsi.policy.current(), member, Operation.MANAGE_INCIDENTS)
    selection = Selection(body.fields, body.accessed_from, body.accessed_to, body.accessed_by, body.recipient)
    return yinsi.incidents.record(
        kind=body.kind,
        confirmed=body.confirmed,
        discovered_at=body.discovered_at,
        occurred_at=body.occurred_at,
        selection=selection,
        contents=body.contents,
        actor=member.actor,
    )


@router.get("/v1/staff/incidents", operation_id="list_incidents", responses=errors("bad_request", "forbidden"))
def list_incidents(
    member: StaffDep,
    yinsi: YinsiDep,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    cursor: Cursor = None,
) -> dict[str, Any]:
    """Incidents, newest recorded first, a page at a time: ``{"incidents": [...], "next_cursor": ...}``."""
    staff.require(yinsi.policy.current(), member, Operation.MANAGE_INCIDENTS)
    page = yinsi.incidents.listing_page(limit=limit, cursor=cursor)
    return {"incidents": page.items, "next_cursor": page.next_cursor}


@router.get(
    "/v1/staff/incidents/{incident_id}", operation_id="show_incident", responses=errors("forbidden", "not_found")
)
def show_incident(incident_id: str, member: StaffDep, yinsi: YinsiDep) -> dict[str, Any]:
    staff.require(yinsi.policy.current(), member, Operation.MANAGE_INCIDENTS)
    return yinsi.incidents.show(incident_id=incident_id)


@router.patch(
    "/v1/staff/incidents/{incident_id}",
    operation_id="complete_incident",
    responses=errors("bad_request", "forbidden", "not_found", "conflict"),
)
def complete_incident(incident_id: str, body: ContentsIn, member: StaffDep, yinsi: YinsiDep) -> dict[str, Any]:
    """Add or replace parts of the notice, until it is sent."""
    staff.require(yinsi.policy.current(), member, Operation.MANAGE_INCIDENTS)
    return yinsi.incidents.complete(incident_id=incident_id, contents=body.contents, actor=member.actor)


@router.post(
    "/v1/staff/incidents/{incident_id}/draft",
    operation_id="draft_notice",
    responses=errors("bad_request", "forbidden", "not_found", "conflict"),
)
def draft_notice(incident_id: str, member: StaffDep, yinsi: YinsiDep) -> dict[str, str]:
    """The notice in zh-CN and en; refused (400) while a part the law or the policy requires is missing."""
    staff.require(yinsi.policy.current(), member, Operation.MANAGE_INCIDENTS)
    return yinsi.incidents.draft(incident_id=incident_id, actor=member.actor)


@router.post(
    "/v1/staff/incidents/{incident_id}/notify",
    operation_id="notify_subjects",
    responses=errors("bad_request", "forbidden", "not_found", "conflict"),
)
def notify_subjects(incident_id: str, body: NotifyIn, member: StaffDep, yinsi: YinsiDep) -> dict[str, Any]:
    """Send the notice to each affected person through their channels, or publish it as an announcement."""
    staff.require(yinsi.policy.current(), member, Operation.MANAGE_INCIDENTS)
    return yinsi.incidents.notify(incident_id=incident_id, method=body.method, actor=member.actor)


@router.post(
    "/v1/staff/incidents/{incident_id}/report",
    operation_id="regulator_report",
    responses=errors("forbidden", "not_found", "conflict"),
)
def regulator_report(incident_id: str, member: StaffDep, yinsi: YinsiDep) -> dict[str, Any]:
    """The report for the regulator, recorded on the incident."""
    staff.require(yinsi.policy.current(), member, Operation.MANAGE_INCIDENTS)
    return yinsi.incidents.report(incident_id=incident_id, actor=member.actor)


@router.get(
    "/v1/staff/anonymous-statistics",
    operation_id="anonymous_statistics",
    responses=errors("bad_request", "forbidden", "conflict", "privacy_budget_exhausted"),
)
def anonymous_statistics(
    member: StaffDep,
    yinsi: YinsiDep,
    by: Annotated[list[str], Query(min_length=1, max_length=2, description="One or two declared dimensions.")],
) -> dict[str, Any]:
    """Counts of people by one or two of the spec's statistics dimensions; groups below the minimum suppressed.
    With noise and a privacy budget, each query spends its ε and the answer says what is left."""
    staff.require(yinsi.policy.current(), member, Operation.VIEW_STATISTICS)
    return yinsi.statistics.counts(dimensions=by, actor=member.actor).as_json()


@router.get("/v1/shutdown", operation_id="shutdown_state")
def shutdown_state(yinsi: YinsiDep) -> dict[str, Any]:
    """Whether the service is to stop: the date collection stops, or null."""
    return yinsi.shutdown.state()
