"""Logging in with a phone number and an SMS code (or a password), and logging out."""

from __future__ import annotations

from fastapi import APIRouter, status

from yinsi.api.contract import errors
from yinsi.api.deps import ClientDep, TokenDep, YinsiDep
from yinsi.api.schemas.auth import CodeLoginIn, LoginOut, PasswordLoginIn, SmsCodeIn, SmsCodeOut
from yinsi.services.consent import Action, ConsentAct, Kind

router = APIRouter(prefix="/v1/auth", tags=["accounts"])


@router.post(
    "/sms-code",
    status_code=status.HTTP_202_ACCEPTED,
    response_model=SmsCodeOut,
    operation_id="send_sms_code",
    responses=errors("bad_request", "invalid_value", "rate_limited", "accounts_unavailable"),
)
def send_code(body: SmsCodeIn, yinsi: YinsiDep, client: ClientDep) -> SmsCodeOut:
    """Send a six-digit code by SMS (the answer is the same whether or not the number is registered)."""
    sent = yinsi.accounts.request_code(phone=body.phone, client=client)
    return SmsCodeOut(expires_in=sent.expires_in, digits=sent.digits)


@router.post(
    "/login",
    response_model=LoginOut,
    operation_id="login_with_code",
    responses=errors(
        "bad_request",
        "policy_acceptance_required",
        "code_invalid",
        "minor_not_allowed",
        "guardian_consent_required",
        "conflict",
        "invalid_value",
        "invalid_consent",
        "consent_not_affirmative",
        "rate_limited",
        "accounts_unavailable",
    ),
)
def login(body: CodeLoginIn, yinsi: YinsiDep, client: ClientDep) -> LoginOut:
    """Log in with the code; a number without an account opens one, which needs the policy accepted in the same
    step (a number a service wrote first opens the account for that service's subject)."""
    acceptance = None
    if body.accept_policy is not None:
        a = body.accept_policy
        acceptance = ConsentAct(
            Kind.POLICY, "current", Action.GRANT, a.channel, a.text_hash, a.language, a.affirmative, a.policy_version
        )
    done = yinsi.accounts.login_with_code(phone=body.phone, code=body.code, client=client, acceptance=acceptance)
    return LoginOut(
        token=done.token, subject_id=done.subject_id, expires_at=done.expires_at, new_account=done.new_account
    )


@router.post(
    "/password-login",
    response_model=LoginOut,
    operation_id="login_with_password",
    responses=errors("bad_request", "invalid_value", "credentials_invalid", "rate_limited", "accounts_unavailable"),
)
def password_login(body: PasswordLoginIn, yinsi: YinsiDep, client: ClientDep) -> LoginOut:
    done = yinsi.accounts.login_with_password(phone=body.phone, password=body.password, client=client)
    return LoginOut(token=done.token, subject_id=done.subject_id, expires_at=done.expires_at, new_account=False)


@router.post("/logout", status_code=status.HTTP_204_NO_CONTENT, operation_id="logout")
def logout(token: TokenDep, yinsi: YinsiDep) -> None:
    """End this session at once; the access log records the logout time."""
    yinsi.accounts.logout(token)
