"""The vault over HTTP: subjects and their PI, for the operator's services."""

from __future__ import annotations

from functools import partial
from typing import Annotated

from anyio.to_thread import run_sync
from fastapi import APIRouter, Query, Response, status

from yinsi.api.contract import errors
from yinsi.api.deps import ServiceActor, YinsiDep
from yinsi.api.schemas.vault import (
    LookupIn,
    LookupOut,
    PiReadOut,
    PiWriteIn,
    PiWrittenOut,
    ProvisionIn,
    ProvisionOut,
    SubjectOut,
)
from yinsi.core.access import Deny
from yinsi.core.errors import BadRequest, PurposeRequired
from yinsi.core.i18n import Msg
from yinsi.core.policy.vocabulary import Visibility
from yinsi.core.validation import presented_values

router = APIRouter(prefix="/v1/subjects", tags=["vault"])
# The hot paths (write, read, lookup) are ``async`` and hand the vault's work to the thread pool once: FastAPI
# would otherwise run a plain ``def`` route in the pool and then validate its response there too, a second
# hand-over between threads for every request.

PURPOSE_REQUIRED = Msg(
    "每次读取都必须写明目的：请加上 ?purpose=...。", "Every read must name its purpose: add ?purpose=...."
)
DENIED = tuple(reason.value for reason in Deny)


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    response_model=SubjectOut,
    operation_id="create_subject",
    responses=errors(*DENIED),
)
def create_subject(yinsi: YinsiDep, actor: ServiceActor) -> SubjectOut:
    """Create a subject with its own data key. Only the returned id is kept by the calling service."""
    return SubjectOut(id=yinsi.vault.create_subject(actor=actor))


@router.put(
    "/{subject_id}/pi",
    response_model=PiWrittenOut,
    operation_id="write_pi",
    responses=errors("bad_request", "invalid_value", "field_immutable", "not_found", "minor_not_allowed", *DENIED),
)
async def write_pi(subject_id: str, body: PiWriteIn, yinsi: YinsiDep, actor: ServiceActor) -> PiWrittenOut:
    """Collect values for a declared purpose; a field the spec does not declare for it is refused."""
    result = await run_sync(
        partial(
            yinsi.vault.write,
            actor=actor,
            subject_id=subject_id,
            purpose=body.purpose,
            values=body.values,
            source=body.source,
        )
    )
    return PiWrittenOut(subject_id=result.subject_id, written=result.written, retain_until=result.retain_until)


@router.get(
    "/{subject_id}/pi",
    response_model=PiReadOut,
    operation_id="read_pi",
    responses=errors("bad_request", "purpose_required", "not_found", *DENIED),
)
async def read_pi(
    subject_id: str,
    yinsi: YinsiDep,
    actor: ServiceActor,
    purpose: Annotated[str, Query(max_length=64, description="The declared purpose of this read.")],
    fields: Annotated[str | None, Query(description="Comma-separated field ids; default: all of the purpose.")] = None,
) -> PiReadOut:
    """Read what the caller's role may see for the purpose, masked or whole; withheld fields say why."""
    if not purpose:
        raise PurposeRequired(PURPOSE_REQUIRED, field="purpose")
    wanted = [f.strip() for f in fields.split(",") if f.strip()] if fields else None
    if wanted is not None and len(wanted) > 100:
        raise BadRequest(Msg("一次最多读取 100 个字段。", "At most 100 fields per read."), field="fields")
    result = await yinsi.vault.read_served(actor=actor, subject_id=subject_id, purpose=purpose, fields=wanted)
    masked = [f for f, form in result.forms.items() if form is not Visibility.WHOLE]
    return PiReadOut(
        subject_id=result.subject_id,
        purpose=result.purpose,
        values=presented_values(yinsi.policy.current().field_types, result.values, masked=masked),
        forms={f: v.value for f, v in result.forms.items()},
        denied={f: r.value for f, r in result.denied.items()},
        absent=result.absent,
        instead_of=result.instead_of,
    )


@router.post(
    "/lookup",
    response_model=LookupOut,
    operation_id="lookup_subjects",
    responses=errors("bad_request", "invalid_value", *DENIED),
)
async def lookup(body: LookupIn, yinsi: YinsiDep, actor: ServiceActor) -> LookupOut:
    """Find subjects by an exact lookup field (mobile, ID number, e-mail) through its blind index."""
    found = await yinsi.vault.lookup_served(actor=actor, field=body.field, value=body.value, purpose=body.purpose)
    return LookupOut(subjects=found)


@router.delete(
    "/{subject_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    operation_id="shred_subject",
    responses=errors("not_found", "conflict", *DENIED),
)
def shred_subject(subject_id: str, yinsi: YinsiDep, actor: ServiceActor) -> Response:
    """Crypto-shred a subject: every value becomes unreadable at once. Needs a role with the 'erase' operation."""
    yinsi.vault.shred(actor=actor, subject_id=subject_id, reason="api")
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.post(
    "/{subject_id}/provisions",
    status_code=status.HTTP_201_CREATED,
    response_model=ProvisionOut,
    operation_id="provide_to_recipient",
    responses=errors("bad_request", "not_found", *DENIED),
)
def provide(subject_id: str, body: ProvisionIn, yinsi: YinsiDep, actor: ServiceActor) -> ProvisionOut:
    """Hand fields to a declared recipient for one of its declared purposes; recorded, and in the person's copy.

    Needs a role with the 'provide' operation that may see the fields; a recipient the spec marks as needing
    the person's separate (or cross-border) consent gets nothing until that consent is in force; a recipient
    abroad gets nothing unless the spec names the transfer's legal mechanism. Values are de-identified where
    the spec says so for the recipient.
    """
    done = yinsi.provisions.provide(
        actor=actor,
        subject_id=subject_id,
        recipient=body.recipient,
        purpose=body.purpose,
        fields=body.fields,
    )
    values = presented_values(yinsi.policy.current().field_types, done.values, masked=list(done.deidentified))
    return ProvisionOut(
        id=done.id,
        recipient=done.recipient,
        purpose=done.purpose,
        values=values,
        subject_ref=done.subject_ref,
        deidentified=done.deidentified,
        basis=done.basis,
        mechanism=done.mechanism,
    )
