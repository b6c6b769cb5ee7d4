"""Sharing over HTTP: provision records, ended entrustments, disclosures to authorities, PI made public."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, status

from yinsi.api.contract import errors
from yinsi.api.deps import Cursor, ServiceActor, StaffDep, YinsiDep
from yinsi.api.schemas.sharing import (
    ConfirmationIn,
    DecisionIn,
    DisclosureIn,
    DisclosureOut,
    DisclosuresPageOut,
    EndingOut,
    ProvisionRecordOut,
    ProvisionRecordsPageOut,
    PublicDisclosureIn,
    PublicDisclosureOut,
    PublicDisclosureRecordOut,
    PublicDisclosuresPageOut,
    TransferIn,
    TransferOut,
    TransfersPageOut,
)
from yinsi.core.access import Deny
from yinsi.core.errors import BadRequest
from yinsi.core.i18n import Msg
from yinsi.core.validation import presented_values
from yinsi.services import disclosures, entrustments, transfers

router = APIRouter(tags=["sharing"])
DENIED = tuple(reason.value for reason in Deny)


def _ending(e: entrustments.Ending) -> EndingOut:
    return EndingOut(
        id=e.id,
        recipient=e.recipient,
        ended_at=e.ended_at,
        notice=e.notice_id,
        notice_status=e.notice_status,
        confirmed_at=e.confirmed_at,
        confirmation=e.confirmation,
    )


def _disclosure(d: disclosures.Disclosure) -> DisclosureOut:
    return DisclosureOut(
        id=d.id,
        subject=d.subject_id,
        authority=d.authority,
        purpose=d.purpose,
        fields=d.fields,
        legal_reference=d.legal_reference,
        requested_by=d.requested_by,
        requested_at=d.requested_at,
        state=d.state,
        decided_by=d.decided_by,
        decided_at=d.decided_at,
        values=d.values,
    )


@router.get(
    "/v1/staff/provisions",
    response_model=ProvisionRecordsPageOut,
    operation_id="list_provisions",
    tags=["sharing"],
    responses=errors("bad_request", "forbidden", "not_found", *DENIED),
)
def staff_provisions(
    member: StaffDep,
    yinsi: YinsiDep,
    subject: Annotated[str | None, Query(max_length=36)] = None,
    recipient: Annotated[str | None, Query(max_length=64)] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
    cursor: Cursor = None,
) -> ProvisionRecordsPageOut:
    """Provision records by person or by recipient, newest first, a page at a time; needs `view_audit`, and the
    look is audited."""
    page = yinsi.provisions.records_page(
        actor=member.actor, subject_id=subject, recipient=recipient, limit=limit, cursor=cursor
    )
    items = [
        ProvisionRecordOut(
            id=r.id,
            subject=r.subject_id,
            recipient=r.recipient,
            purpose=r.purpose,
            fields=r.fields,
            actor=r.actor,
            at=r.at,
            details=r.details,
        )
        for r in page.items
    ]
    return ProvisionRecordsPageOut(items=items, next_cursor=page.next_cursor)


@router.post(
    "/v1/staff/entrustments/{recipient}/end",
    status_code=status.HTTP_201_CREATED,
    response_model=EndingOut,
    operation_id="end_entrustment",
    tags=["sharing"],
    responses=errors("bad_request", "forbidden", "not_found", "conflict", *DENIED),
)
def staff_end_entrustment(recipient: str, member: StaffDep, yinsi: YinsiDep) -> EndingOut:
    """End a processor's entrustment: the demand that it delete the PI is recorded and queued."""
    return _ending(yinsi.entrustments.end_entrustment(recipient=recipient, actor=member.actor))


@router.post(
    "/v1/staff/entrustments/{ending_id}/confirmation",
    response_model=EndingOut,
    operation_id="confirm_processor_deletion",
    tags=["sharing"],
    responses=errors("bad_request", "forbidden", "not_found", "conflict", *DENIED),
)
def staff_confirm_deletion(ending_id: int, body: ConfirmationIn, member: StaffDep, yinsi: YinsiDep) -> EndingOut:
    """Record the processor's confirmation that it deleted the PI."""
    return _ending(
        yinsi.entrustments.confirm_deletion(ending_id=ending_id, reference=body.reference, actor=member.actor)
    )


@router.post(
    "/v1/staff/disclosures",
    status_code=status.HTTP_201_CREATED,
    response_model=DisclosureOut,
    operation_id="request_disclosure",
    tags=["sharing"],
    responses=errors("bad_request", "forbidden", "not_found", "conflict", *DENIED),
)
def staff_request_disclosure(body: DisclosureIn, member: StaffDep, yinsi: YinsiDep) -> DisclosureOut:
    """Record an authority's demand with its legal document's reference, pending an officer's decision."""
    done = yinsi.disclosures.request_disclosure(
        subject_id=body.subject,
        authority=body.authority,
        purpose=body.purpose,
        fields=body.fields,
        legal_reference=body.legal_reference,
        actor=member.actor,
    )
    return _disclosure(done)


@router.post(
    "/v1/staff/disclosures/{disclosure_id}/decision",
    response_model=DisclosureOut,
    operation_id="decide_disclosure",
    tags=["sharing"],
    responses=errors("bad_request", "forbidden", "not_found", "conflict", *DENIED),
)
def staff_decide_disclosure(disclosure_id: int, body: DecisionIn, member: StaffDep, yinsi: YinsiDep) -> DisclosureOut:
    """A privacy officer (not the one who asked) approves, and gets the values this once, or refuses."""
    done = yinsi.disclosures.decide_disclosure(disclosure_id=disclosure_id, approve=body.approve, actor=member.actor)
    return _disclosure(done)


@router.get(
    "/v1/staff/disclosures",
    response_model=DisclosuresPageOut,
    operation_id="list_disclosures",
    tags=["sharing"],
    responses=errors("bad_request", "forbidden", "not_found", *DENIED),
)
def staff_disclosures(
    member: StaffDep,
    yinsi: YinsiDep,
    subject: Annotated[str | None, Query(max_length=36)] = None,
    authority: Annotated[str | None, Query(max_length=64)] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
    cursor: Cursor = None,
) -> DisclosuresPageOut:
    """Disclosure records with references and decisions, never values, newest first, a page at a time; needs
    `view_audit`."""
    page = yinsi.disclosures.disclosures_page(
        actor=member.actor, subject_id=subject, authority=authority, limit=limit, cursor=cursor
    )
    return DisclosuresPageOut(items=[_disclosure(d) for d in page.items], next_cursor=page.next_cursor)


def _transfer(t: transfers.Transfer) -> TransferOut:
    return TransferOut(
        id=t.id,
        kind=t.kind,
        controller_name=t.controller_name,
        controller_contact=t.controller_contact,
        announced_at=t.announced_at,
        subjects_told=t.subjects_told,
        channels=t.channels,
    )


@router.post(
    "/v1/staff/transfers",
    status_code=status.HTTP_201_CREATED,
    response_model=TransferOut,
    operation_id="announce_business_transfer",
    tags=["sharing"],
    responses=errors("bad_request", "forbidden", *DENIED),
)
def staff_announce_transfer(body: TransferIn, member: StaffDep, yinsi: YinsiDep) -> TransferOut:
    """Record a merger, acquisition, division, bankruptcy or dissolution and tell every person the new
    controller's name and contact (PIPL Art. 22); needs `publish_policy`."""
    try:
        kind = transfers.TransferKind(body.kind)
    except ValueError:
        kinds = ", ".join(k.value for k in transfers.TransferKind)
        raise BadRequest(Msg(f"kind 应是以下之一：{kinds}。", f"kind must be one of {kinds}."), field="kind") from None
    done = yinsi.transfers.announce(
        kind=kind,
        controller_name=body.controller_name,
        controller_contact=body.controller_contact,
        actor=member.actor,
    )
    return _transfer(done)


@router.get(
    "/v1/staff/transfers",
    response_model=TransfersPageOut,
    operation_id="list_business_transfers",
    tags=["sharing"],
    responses=errors("bad_request", "forbidden", *DENIED),
)
def staff_transfers(
    member: StaffDep,
    yinsi: YinsiDep,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    cursor: Cursor = None,
) -> TransfersPageOut:
    """The business transfers announced, newest first, a page at a time; needs `publish_policy`."""
    page = yinsi.transfers.page(actor=member.actor, limit=limit, cursor=cursor)
    return TransfersPageOut(items=[_transfer(t) for t in page.items], next_cursor=page.next_cursor)


@router.post(
    "/v1/public-disclosures",
    status_code=status.HTTP_201_CREATED,
    response_model=PublicDisclosureOut,
    operation_id="make_public",
    tags=["sharing"],
    responses=errors("bad_request", "not_found", *DENIED),
)
def make_public(body: PublicDisclosureIn, yinsi: YinsiDep, actor: ServiceActor) -> PublicDisclosureOut:
    """Make a person's PI public (公开) under a disclosure the spec declares: only its fields, by a role with
    `provide` that sees them, only while the person's separate consent is in force (unless a law is its
    basis: then `legal_reference` is required); de-identified where the spec says. Recorded, and in the
    person's copy."""
    done = yinsi.public_disclosures.disclose(
        actor=actor,
        subject_id=body.subject,
        disclosure=body.disclosure,
        fields=body.fields,
        legal_reference=body.legal_reference,
    )
    values = presented_values(yinsi.policy.current().field_types, done.values, masked=list(done.deidentified))
    return PublicDisclosureOut(
        id=done.id,
        disclosure=done.disclosure,
        values=values,
        subject_ref=done.subject_ref,
        deidentified=done.deidentified,
        basis=done.basis,
    )


@router.get(
    "/v1/staff/public-disclosures",
    response_model=PublicDisclosuresPageOut,
    operation_id="list_public_disclosures",
    tags=["sharing"],
    responses=errors("bad_request", "forbidden", "not_found", *DENIED),
)
def staff_public_disclosures(
    member: StaffDep,
    yinsi: YinsiDep,
    subject: Annotated[str | None, Query(max_length=36)] = None,
    disclosure: Annotated[str | None, Query(max_length=64)] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
    cursor: Cursor = None,
) -> PublicDisclosuresPageOut:
    """What was made public, by person or by disclosure, newest first, a page at a time (fields and basis,
    never values); needs `view_audit`, and the look is audited."""
    page = yinsi.public_disclosures.records_page(
        actor=member.actor, subject_id=subject, disclosure=disclosure, limit=limit, cursor=cursor
    )
    items = [
        PublicDisclosureRecordOut(
            id=r.id,
            subject=r.subject_id,
            disclosure=r.disclosure,
            fields=r.fields,
            actor=r.actor,
            at=r.at,
            details=r.details,
        )
        for r in page.items
    ]
    return PublicDisclosuresPageOut(items=items, next_cursor=page.next_cursor)
