"""Logging in with a phone number and an SMS code (or a password), and logging out."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from fastapi import APIRouter, status
from pydantic import BaseModel, Field

from yinsi.api.deps import ClientDep, TokenDep, YinsiDep
from yinsi.api.schemas import Body
from yinsi.services.consent import Action, ConsentAct, Kind

router = APIRouter(prefix="/v1/auth", tags=["accounts"])

Phone = Field(min_length=5, max_length=32, description="A mainland mobile number (+86 and spaces are fine).")


class CodeRequest(Body):
    phone: str = Phone


class CodeSentOut(BaseModel):
    expires_in: int = Field(description="Seconds the code stays valid.")
    digits: int = Field(description="Digits of the code sent: 6, or 12 while strangers keep guessing at the number.")


class Acceptance(Body):
    """What the person saw and accepted: the hash of the exact policy text, its language, the channel."""

    policy_version: str = Field(max_length=40)
    text_hash: str = Field(pattern=r"^[0-9a-f]{64}$")
    language: Literal["zh-CN", "zh-TW", "en"] = "zh-CN"
    channel: str = Field(default="app", max_length=32)
    affirmative: bool = Field(default=False, description="True only when the person actively ticked or tapped 'agree'.")


class CodeLogin(Body):
    phone: str = Phone
    code: str = Field(min_length=1, max_length=12, description="The code of the SMS: 6 digits, or 12.")
    accept_policy: Acceptance | None = Field(default=None, description="Needed when the number is new.")


class PasswordLogin(Body):
    phone: str = Phone
    password: str = Field(min_length=1, max_length=256)


class LoginOut(BaseModel):
    token: str = Field(description="Send as 'Authorization: Bearer <token>' to /v1/me routes.")
    subject_id: str
    expires_at: datetime
    new_account: bool


@router.post("/sms-code", status_code=status.HTTP_202_ACCEPTED, response_model=CodeSentOut)
def send_code(body: CodeRequest, yinsi: YinsiDep, client: ClientDep) -> CodeSentOut:
    """Send a six-digit code by SMS (the answer is the same whether or not the number is registered)."""
    sent = yinsi.accounts.request_code(phone=body.phone, client=client)
    return CodeSentOut(expires_in=sent.expires_in, digits=sent.digits)


@router.post("/login", response_model=LoginOut)
def login(body: CodeLogin, yinsi: YinsiDep, client: ClientDep) -> LoginOut:
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


@router.post("/password-login", response_model=LoginOut)
def password_login(body: PasswordLogin, yinsi: YinsiDep, client: ClientDep) -> LoginOut:
    done = yinsi.accounts.login_with_password(phone=body.phone, password=body.password, client=client)
    return LoginOut(token=done.token, subject_id=done.subject_id, expires_at=done.expires_at, new_account=False)


@router.post("/logout", status_code=status.HTTP_204_NO_CONTENT)
def logout(token: TokenDep, yinsi: YinsiDep) -> None:
    """End this session at once; the access log records the logout time."""
    yinsi.accounts.logout(token)
