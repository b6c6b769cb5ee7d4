"""The person's own records: consents, the policy they accepted, their access log, settings, guardianship.

Every route here acts only for the person whose session it is (or, under
/v1/me/wards, for a minor they are the linked guardian of).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Response, status

from yinsi.api.contract import errors
from yinsi.api.deps import Cursor, SubjectDep, YinsiDep
from yinsi.api.schemas.me import (
    AcceptIn,
    AccessEntryOut,
    AccessLogPageOut,
    AskOut,
    ConsentEntryOut,
    ConsentHistoryPageOut,
    ConsentIn,
    ConsentsOut,
    ConsentStateOut,
    GuardianIn,
    HandoverOut,
    PasswordIn,
    PersonalisationIn,
    PiIn,
    PolicyStatusOut,
    WardConfirmIn,
    WardsOut,
    WrittenOut,
)
from yinsi.core.access import Deny
from yinsi.services import consent
from yinsi.services.consent import ConsentAct, Kind
from yinsi.services.privacy_centre import Standing

router = APIRouter(prefix="/v1/me", tags=["me"])
DENIED = tuple(reason.value for reason in Deny)


def _consents(standing: Standing) -> ConsentsOut:
    return ConsentsOut(
        policy=PolicyStatusOut(
            current_version=standing.current_version,
            accepted=standing.accepted,
            reconsent_required=standing.reconsent_required,
        ),
        minor=standing.minor,
        needs_guardian=standing.needs_guardian,
        states=[
            ConsentStateOut(kind=s.kind, scope=s.scope, status=s.status, entry_id=s.entry_id) for s in standing.states
        ],
    )


def _entry(entry: consent.ConsentEntry) -> ConsentEntryOut:
    return ConsentEntryOut(
        id=entry.id,
        kind=entry.kind,
        scope=entry.scope,
        action=entry.action,
        given_by=entry.given_by,
        channel=entry.channel,
        policy_version=entry.policy_version,
        text_hash=entry.text_hash,
        language=entry.language,
        at=entry.at,
    )


def _act(body: ConsentIn) -> ConsentAct:
    return ConsentAct(
        body.kind,
        body.scope,
        body.action,
        body.channel,
        body.text_hash,
        body.language,
        body.affirmative,
        body.policy_version,
    )


@router.get("/consents", response_model=ConsentsOut, operation_id="get_my_consents")
def my_consents(subject: SubjectDep, yinsi: YinsiDep) -> ConsentsOut:
    """Where I stand: the policy I accepted, and each consent, permission and setting as it is now."""
    return _consents(yinsi.centre.standing(subject=subject))


@router.get(
    "/consents/history",
    response_model=ConsentHistoryPageOut,
    operation_id="list_my_consent_history",
    responses=errors("bad_request"),
)
def my_consent_history(
    subject: SubjectDep,
    yinsi: YinsiDep,
    cursor: Cursor = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
) -> ConsentHistoryPageOut:
    """Every act of consent, refusal and withdrawal, with its evidence, oldest first, a page at a time."""
    page = yinsi.centre.consent_history_page(subject=subject, limit=limit, cursor=cursor)
    return ConsentHistoryPageOut(items=[_entry(e) for e in page.items], next_cursor=page.next_cursor)


@router.post(
    "/consents",
    status_code=status.HTTP_201_CREATED,
    response_model=ConsentEntryOut,
    operation_id="give_consent",
    responses=errors(
        "bad_request", "invalid_consent", "consent_not_affirmative", "guardian_consent_required", "forbidden"
    ),
)
def give_consent(body: ConsentIn, subject: SubjectDep, yinsi: YinsiDep) -> ConsentEntryOut:
    """Grant, refuse or withdraw one thing; a withdrawal takes effect for every later decision at once."""
    return _entry(yinsi.centre.give(subject=subject, act=_act(body)))


@router.get("/consents/ask", response_model=AskOut, operation_id="may_ask_consent", responses=errors("bad_request"))
def may_ask(
    subject: SubjectDep, yinsi: YinsiDep, kind: Annotated[Kind, Query()], scope: Annotated[str, Query(max_length=128)]
) -> AskOut:
    """Whether the app may ask for this now; after a refusal it waits the spec's cool-down."""
    ask, retry = yinsi.centre.may_ask(subject=subject, kind=kind, scope=scope)
    return AskOut(ask=ask, retry_after=retry)


@router.post(
    "/policy/accept",
    status_code=status.HTTP_201_CREATED,
    response_model=ConsentEntryOut,
    operation_id="accept_policy",
    responses=errors(
        "bad_request", "invalid_consent", "consent_not_affirmative", "guardian_consent_required", "forbidden"
    ),
)
def accept_policy(body: AcceptIn, subject: SubjectDep, yinsi: YinsiDep) -> ConsentEntryOut:
    """Accept the policy version in force (after a material change, this resumes consent-based processing)."""
    entry = yinsi.centre.accept_policy(
        subject=subject,
        policy_version=body.policy_version,
        text_hash=body.text_hash,
        language=body.language,
        channel=body.channel,
        affirmative=body.affirmative,
    )
    return _entry(entry)


@router.put(
    "/personalisation",
    response_model=ConsentEntryOut,
    operation_id="set_personalisation",
    responses=errors(
        "bad_request", "invalid_consent", "consent_not_affirmative", "guardian_consent_required", "forbidden"
    ),
)
def personalisation(body: PersonalisationIn, subject: SubjectDep, yinsi: YinsiDep) -> ConsentEntryOut:
    """Switch personalised recommendations on or off; off denies the profiling purposes at once."""
    entry = yinsi.centre.set_personalisation(
        subject=subject, enabled=body.enabled, text_hash=body.text_hash, language=body.language, channel=body.channel
    )
    return _entry(entry)


@router.get(
    "/access-log", response_model=AccessLogPageOut, operation_id="list_my_access_log", responses=errors("bad_request")
)
def access_log(
    subject: SubjectDep,
    yinsi: YinsiDep,
    cursor: Cursor = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
) -> AccessLogPageOut:
    """My network access log: when I logged in and out, and from which address; newest first, a page at a time."""
    page = yinsi.centre.access_log_page(subject=subject, limit=limit, cursor=cursor)
    return AccessLogPageOut(
        items=[
            AccessEntryOut(login_at=e.login_at, logout_at=e.logout_at, method=e.method, address=e.address)
            for e in page.items
        ],
        next_cursor=page.next_cursor,
    )


@router.put(
    "/password",
    status_code=status.HTTP_204_NO_CONTENT,
    operation_id="set_my_password",
    responses=errors("bad_request", "invalid_value"),
)
def set_password(body: PasswordIn, subject: SubjectDep, yinsi: YinsiDep) -> None:
    """Set or change my password (stored as an argon2id hash)."""
    yinsi.centre.set_password(subject=subject, password=body.password)


@router.post(
    "/handover",
    status_code=status.HTTP_201_CREATED,
    response_model=HandoverOut,
    operation_id="create_handover_code",
    responses=errors("rate_limited"),
)
def create_handover(subject: SubjectDep, yinsi: YinsiDep, response: Response) -> HandoverOut:
    """A one-time code (60 s) that opens the privacy centre in the app's web view with a session of its own:
    the web view POSTs it to /me/handover. The app's own session is never handed to the web view."""
    made = yinsi.centre.handover_code(subject=subject)
    response.headers["Cache-Control"] = "no-store"
    return HandoverOut(code=made.code, expires_in=made.expires_in)


@router.post(
    "/guardian",
    status_code=status.HTTP_202_ACCEPTED,
    operation_id="request_guardian_link",
    responses=errors("bad_request", "invalid_value", "forbidden", "conflict", "rate_limited", "accounts_unavailable"),
)
def request_guardian(body: GuardianIn, subject: SubjectDep, yinsi: YinsiDep) -> dict[str, int]:
    """A minor names their guardian's phone; the guardian receives a code to confirm the link."""
    return {"expires_in": yinsi.centre.request_guardian(subject=subject, guardian_phone=body.guardian_phone)}


@router.post(
    "/wards",
    response_model=WardsOut,
    operation_id="confirm_ward",
    responses=errors("bad_request", "invalid_value", "guardian_link_invalid", "forbidden", "conflict"),
)
def confirm_ward(body: WardConfirmIn, subject: SubjectDep, yinsi: YinsiDep) -> WardsOut:
    """The guardian confirms with the code sent to their phone (the number they log in with)."""
    return WardsOut(wards=yinsi.centre.confirm_ward(subject=subject, code=body.code))


@router.get("/wards", response_model=WardsOut, operation_id="list_my_wards")
def my_wards(subject: SubjectDep, yinsi: YinsiDep) -> WardsOut:
    return WardsOut(wards=yinsi.centre.wards(guardian=subject))


@router.get(
    "/wards/{ward_id}/consents",
    response_model=ConsentsOut,
    operation_id="get_ward_consents",
    responses=errors("forbidden", "not_found"),
)
def ward_consents(ward_id: str, subject: SubjectDep, yinsi: YinsiDep) -> ConsentsOut:
    return _consents(yinsi.centre.ward_standing(guardian=subject, ward=ward_id))


@router.post(
    "/wards/{ward_id}/consents",
    status_code=status.HTTP_201_CREATED,
    response_model=ConsentEntryOut,
    operation_id="give_ward_consent",
    responses=errors(
        "bad_request",
        "invalid_consent",
        "consent_not_affirmative",
        "guardian_consent_required",
        "forbidden",
        "not_found",
    ),
)
def give_ward_consent(ward_id: str, body: ConsentIn, subject: SubjectDep, yinsi: YinsiDep) -> ConsentEntryOut:
    """The guardian consents (or refuses, or withdraws) for the minor."""
    return _entry(yinsi.centre.give(subject=ward_id, act=_act(body), by=subject))


@router.put(
    "/wards/{ward_id}/pi",
    response_model=WrittenOut,
    operation_id="correct_ward_pi",
    responses=errors("bad_request", "invalid_value", "field_immutable", "forbidden", "not_found", *DENIED),
)
def correct_ward_pi(ward_id: str, body: PiIn, subject: SubjectDep, yinsi: YinsiDep) -> WrittenOut:
    """The guardian corrects or supplements the minor's PI (immutable fields stay refused)."""
    written = yinsi.centre.correct_ward_pi(guardian=subject, ward=ward_id, values=body.values, purpose=body.purpose)
    return WrittenOut(fields=written)


@router.delete(
    "/wards/{ward_id}/pi/{field}",
    response_model=WrittenOut,
    operation_id="delete_ward_pi",
    responses=errors("bad_request", "legal_retention_applies", "field_immutable", "forbidden", "not_found", *DENIED),
)
def delete_ward_pi(ward_id: str, field: str, subject: SubjectDep, yinsi: YinsiDep) -> WrittenOut:
    """The guardian deletes a field of the minor's PI (refused, with the reason, under a legal retention)."""
    return WrittenOut(fields=yinsi.centre.delete_ward_pi(guardian=subject, ward=ward_id, field=field))
