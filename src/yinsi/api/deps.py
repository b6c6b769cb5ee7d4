"""Request dependencies: the running yinsi, the calling service (from its API key), the language."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from yinsi.bootstrap import Yinsi
from yinsi.core.errors import Unauthenticated
from yinsi.core.i18n import Msg, pick_lang
from yinsi.services import staff
from yinsi.services.api_keys import Caller, authenticate
from yinsi.services.vault import Actor

MISSING_KEY = Msg(
    "缺少 API 密钥：请在 Authorization: Bearer 头中提供。",
    "No API key: send it in an 'Authorization: Bearer' header.",
)


def get_yinsi(request: Request) -> Yinsi:
    yinsi: Yinsi = request.app.state.yinsi
    return yinsi


YinsiDep = Annotated[Yinsi, Depends(get_yinsi)]


def get_caller(request: Request, yinsi: YinsiDep) -> Caller:
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        token = request.headers.get("x-api-key", "")
        if not token:
            raise Unauthenticated(MISSING_KEY)
    return authenticate(yinsi.engine, token.strip())


CallerDep = Annotated[Caller, Depends(get_caller)]


def service_actor(request: Request, yinsi: YinsiDep) -> Actor:
    """Who calls the vault: a service with an API key (a service role), or a member of staff logged in
    with password and TOTP (a staff role). Either way the role's rights come from the spec."""
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    token = token.strip()
    if scheme.lower() == "bearer" and token.startswith(staff.SESSION_PREFIX):
        return staff.authenticate(yinsi.vault, token).actor
    caller = get_caller(request, yinsi)
    return Actor(f"key:{caller.key_id}", caller.role)


ServiceActor = Annotated[Actor, Depends(service_actor)]


SESSION_MISSING = Msg("请先登录。", "Please log in first.")


def session_token(request: Request) -> str:
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise Unauthenticated(SESSION_MISSING)
    return token.strip()


def current_subject(request: Request, yinsi: YinsiDep) -> str:
    """The person a session belongs to: every /v1/me route reaches only this person's records."""
    return yinsi.accounts.authenticate(session_token(request))


SubjectDep = Annotated[str, Depends(current_subject)]
TokenDep = Annotated[str, Depends(session_token)]


def client_address(request: Request) -> str:
    return request.client.host if request.client is not None else "unknown"


ClientDep = Annotated[str, Depends(client_address)]


def get_lang(request: Request) -> str:
    return pick_lang(request.headers.get("accept-language"))


LangDep = Annotated[str, Depends(get_lang)]
