"""Events sent to the operator's systems, for staff: what was sent, what the endpoint answered, a replay."""

from __future__ import annotations

from dataclasses import asdict
from typing import Annotated, Literal

from fastapi import APIRouter, Query

from yinsi.api.contract import errors
from yinsi.api.deps import Cursor, StaffDep, YinsiDep
from yinsi.api.schemas.webhooks import (
    WebhookAttemptOut,
    WebhookEventDetailOut,
    WebhookEventOut,
    WebhookEventsPageOut,
)
from yinsi.bootstrap import Yinsi
from yinsi.core.policy.vocabulary import Operation
from yinsi.services import staff
from yinsi.services.webhooks import EventDelivery

router = APIRouter(prefix="/v1/staff/webhooks", tags=["staff"])


def _delivery(yinsi: Yinsi) -> EventDelivery:
    if yinsi.events is None:  # open_yinsi always wires it; an app over a hand-made Yinsi may not
        raise RuntimeError("no event delivery wired")
    return yinsi.events


@router.get(
    "",
    response_model=WebhookEventsPageOut,
    operation_id="list_webhook_events",
    responses=errors("bad_request", "forbidden"),
)
def list_events(
    member: StaffDep,
    yinsi: YinsiDep,
    state: Annotated[Literal["pending", "delivered", "failed"] | None, Query()] = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    cursor: Cursor = None,
) -> WebhookEventsPageOut:
    """Events sent (or waiting) to the operator's endpoint, newest first; needs the view_audit operation."""
    staff.require(yinsi.policy.current(), member, Operation.VIEW_AUDIT)
    page = _delivery(yinsi).page(state=state, limit=limit, cursor=cursor)
    return WebhookEventsPageOut(items=[WebhookEventOut(**asdict(e)) for e in page.items], next_cursor=page.next_cursor)


@router.get(
    "/{event_id}",
    response_model=WebhookEventDetailOut,
    operation_id="get_webhook_event",
    responses=errors("forbidden", "not_found"),
)
def get_event(event_id: str, member: StaffDep, yinsi: YinsiDep) -> WebhookEventDetailOut:
    """One event as sent, with every attempt at delivering it."""
    staff.require(yinsi.policy.current(), member, Operation.VIEW_AUDIT)
    event, attempts = _delivery(yinsi).get(event_id)
    return WebhookEventDetailOut(**asdict(event), attempt_log=[WebhookAttemptOut(**asdict(a)) for a in attempts])


@router.post(
    "/{event_id}/replay",
    response_model=WebhookEventOut,
    operation_id="replay_webhook_event",
    responses=errors("forbidden", "not_found", "conflict"),
)
def replay_event(event_id: str, member: StaffDep, yinsi: YinsiDep) -> WebhookEventOut:
    """Send a delivered or failed event again at the next delivery round; audited (webhook-replayed)."""
    staff.require(yinsi.policy.current(), member, Operation.VIEW_AUDIT)
    event = _delivery(yinsi).replay(event_id, actor=member.actor.id, role=member.role)
    return WebhookEventOut(**asdict(event))
