"""The person's own records: consents, the policy they accepted, their access log, settings, guardianship.

Every route here acts only for the person whose session it is (or, under
/v1/me/wards, for a minor they are the linked guardian of).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, status

from yinsi.api.contract import errors
from yinsi.api.deps import SubjectDep, YinsiDep
from yinsi.api.schemas.me import (
    AcceptIn,
    AccessEntryOut,
    AskOut,
    ConsentEntryOut,
    ConsentIn,
    ConsentsOut,
    ConsentStateOut,
    GuardianIn,
    PasswordIn,
    PersonalisationIn,
    PiIn,
    PolicyStatusOut,
    WardConfirmIn,
    WardsOut,
    WrittenOut,
)
from yinsi.bootstrap import Yinsi
from yinsi.core.access import Deny
from yinsi.core.i18n import Msg
from yinsi.services import consent, minors, self_service
from yinsi.services.consent import Action, ConsentAct, Kind
from yinsi.services.consent_state import POLICY_SCOPE
from yinsi.services.vault import Actor, InvalidInput

router = APIRouter(prefix="/v1/me", tags=["me"])
DENIED = tuple(reason.value for reason in Deny)


def _consents(yinsi: Yinsi, subject: str) -> ConsentsOut:
    policy = yinsi.policy.current()
    with yinsi.engine.connect() as connection:
        snapshot = yinsi.vault.consents.snapshot(connection, subject, policy)
        state = consent.current_state(connection, subject)
        minor, _ = minors.subject_minor(connection, subject)
    return ConsentsOut(
        policy=PolicyStatusOut(
            current_version=policy.version,
            accepted=snapshot.policy_accepted,
            reconsent_required=snapshot.reconsent_required,
        ),
        minor=minor,
        needs_guardian=minors.needs_guardian(policy, minor),
        states=[ConsentStateOut(kind=k, scope=s, status=v[0], entry_id=v[1]) for (k, s), v in sorted(state.items())],
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


def _give(yinsi: Yinsi, subject: str, act: ConsentAct, by: str) -> consent.ConsentEntry:
    with yinsi.vault.unit() as uow:
        return consent.give(uow, yinsi.policy.current(), subject, act, by=by, now=yinsi.now())


@router.get("/consents", response_model=ConsentsOut, operation_id="get_my_consents")
def my_consents(subject: SubjectDep, yinsi: YinsiDep) -> ConsentsOut:
    """Where I stand: the policy I accepted, and each consent, permission and setting as it is now."""
    return _consents(yinsi, subject)


@router.get("/consents/history", response_model=list[ConsentEntryOut], operation_id="list_my_consent_history")
def my_consent_history(subject: SubjectDep, yinsi: YinsiDep) -> list[ConsentEntryOut]:
    """Every act of consent, refusal and withdrawal, with its evidence."""
    with yinsi.engine.connect() as connection:
        return [_entry(e) for e in consent.history(connection, subject)]


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
    return _entry(_give(yinsi, subject, _act(body), subject))


@router.get("/consents/ask", response_model=AskOut, operation_id="may_ask_consent", responses=errors("bad_request"))
def may_ask(
    subject: SubjectDep, yinsi: YinsiDep, kind: Annotated[Kind, Query()], scope: Annotated[str, Query(max_length=128)]
) -> AskOut:
    """Whether the app may ask for this now; after a refusal it waits the spec's cool-down."""
    with yinsi.engine.connect() as connection:
        ask, retry = consent.may_ask(
            connection, yinsi.policy.current(), subject, kind=kind, scope=scope, now=yinsi.now()
        )
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
    act = ConsentAct(
        Kind.POLICY,
        POLICY_SCOPE,
        Action.GRANT,
        body.channel,
        body.text_hash,
        body.language,
        body.affirmative,
        body.policy_version,
    )
    return _entry(_give(yinsi, subject, act, subject))


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
    act = ConsentAct(
        Kind.PERSONALISATION,
        "all",
        Action.GRANT if body.enabled else Action.WITHDRAW,
        body.channel,
        body.text_hash,
        body.language,
        affirmative=True,
    )
    return _entry(_give(yinsi, subject, act, subject))


@router.get("/access-log", response_model=list[AccessEntryOut], operation_id="list_my_access_log")
def access_log(subject: SubjectDep, yinsi: YinsiDep) -> list[AccessEntryOut]:
    """My network access log: when I logged in and out, and from which address."""
    return [
        AccessEntryOut(login_at=e.login_at, logout_at=e.logout_at, method=e.method, address=e.address)
        for e in yinsi.accounts.access_log(subject)
    ]


@router.put(
    "/password",
    status_code=status.HTTP_204_NO_CONTENT,
    operation_id="set_my_password",
    responses=errors("bad_request", "invalid_value"),
)
def set_password(body: PasswordIn, subject: SubjectDep, yinsi: YinsiDep) -> None:
    """Set or change my password (stored as an argon2id hash)."""
    yinsi.accounts.set_password(subject=subject, password=body.password)


@router.post(
    "/guardian",
    status_code=status.HTTP_202_ACCEPTED,
    operation_id="request_guardian_link",
    responses=errors("bad_request", "invalid_value", "forbidden", "conflict", "rate_limited", "accounts_unavailable"),
)
def request_guardian(body: GuardianIn, subject: SubjectDep, yinsi: YinsiDep) -> dict[str, int]:
    """A minor names their guardian's phone; the guardian receives a code to confirm the link."""
    policy = yinsi.policy.current()
    accounts = yinsi.accounts
    canonical, digest = accounts.phone_key(policy, body.guardian_phone)
    with yinsi.vault.unit() as uow:
        message = minors.request_link(
            uow,
            ward_id=subject,
            guardian_phone=canonical,
            guardian_phone_digest=digest,
            codes_secret=yinsi.keyring.secret("codes"),
            now=yinsi.now(),
            product=policy.spec.sms_signature(),
        )
        uow.after_commit(lambda: yinsi.notifier.send(message))
    return {"expires_in": int(minors.LINK_TTL.total_seconds())}


@router.post(
    "/wards",
    response_model=WardsOut,
    operation_id="confirm_ward",
    responses=errors("bad_request", "invalid_value", "guardian_link_invalid", "forbidden", "conflict"),
)
def confirm_ward(body: WardConfirmIn, subject: SubjectDep, yinsi: YinsiDep) -> WardsOut:
    """The guardian confirms with the code sent to their phone (the number they log in with)."""
    policy = yinsi.policy.current()
    if policy.login is None:
        raise InvalidInput(Msg("没有可用于登录的手机号字段。", "No phone number field to log in with."))
    field, _ = policy.login
    with yinsi.vault.unit() as uow:
        own = yinsi.vault.open_fields(uow.connection, subject, [field]).get(field)  # just the phone
        if own is None:
            raise InvalidInput(Msg("您的账号没有手机号。", "Your account has no phone number."), field=field)
        _, digest = yinsi.accounts.phone_key(policy, own)
        guardian_minor, _ = minors.subject_minor(uow.connection, subject)
        minors.confirm_link(
            uow,
            guardian_id=subject,
            guardian_phone_digest=digest,
            code=body.code,
            codes_secret=yinsi.keyring.secret("codes"),
            guardian_minor=guardian_minor,
            now=yinsi.now(),
        )
        wards = minors.wards_of(uow.connection, subject)
    return WardsOut(wards=wards)


@router.get("/wards", response_model=WardsOut, operation_id="list_my_wards")
def my_wards(subject: SubjectDep, yinsi: YinsiDep) -> WardsOut:
    with yinsi.engine.connect() as connection:
        return WardsOut(wards=minors.wards_of(connection, subject))


@router.get(
    "/wards/{ward_id}/consents",
    response_model=ConsentsOut,
    operation_id="get_ward_consents",
    responses=errors("forbidden", "not_found"),
)
def ward_consents(ward_id: str, subject: SubjectDep, yinsi: YinsiDep) -> ConsentsOut:
    with yinsi.engine.connect() as connection:
        minors.require_guardian_of(connection, subject, ward_id, yinsi.policy.current(), "access")
    return _consents(yinsi, ward_id)


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
    return _entry(_give(yinsi, ward_id, _act(body), subject))


@router.put(
    "/wards/{ward_id}/pi",
    response_model=WrittenOut,
    operation_id="correct_ward_pi",
    responses=errors("bad_request", "invalid_value", "field_immutable", "forbidden", "not_found", *DENIED),
)
def correct_ward_pi(ward_id: str, body: PiIn, subject: SubjectDep, yinsi: YinsiDep) -> WrittenOut:
    """The guardian corrects or supplements the minor's PI (immutable fields stay refused)."""
    with yinsi.vault.unit() as uow:
        minors.require_guardian_of(uow.connection, subject, ward_id, yinsi.policy.current(), "correct")
        written = self_service.correct(
            yinsi.vault,
            uow,
            subject=ward_id,
            values=body.values,
            actor=Actor(f"subject:{subject}", "guardian"),
            purpose=body.purpose,
        )
    return WrittenOut(fields=written)


@router.delete(
    "/wards/{ward_id}/pi/{field}",
    response_model=WrittenOut,
    operation_id="delete_ward_pi",
    responses=errors("bad_request", "legal_retention_applies", "field_immutable", "forbidden", "not_found", *DENIED),
)
def delete_ward_pi(ward_id: str, field: str, subject: SubjectDep, yinsi: YinsiDep) -> WrittenOut:
    """The guardian deletes a field of the minor's PI (refused, with the reason, under a legal retention)."""
    with yinsi.vault.unit() as uow:
        minors.require_guardian_of(uow.connection, subject, ward_id, yinsi.policy.current(), "delete")
        deleted = self_service.delete(
            yinsi.vault, uow, subject=ward_id, fields=[field], actor=Actor(f"subject:{subject}", "guardian")
        )
    return WrittenOut(fields=deleted)
