"""Request dependencies: the running yinsi, the calling service (from its API key), the language."""

from __future__ import annotations

import functools
from typing import Annotated

from anyio.to_thread import run_sync
from fastapi import Depends, Query, Request

from yinsi.bootstrap import Yinsi
from yinsi.core.errors import Unauthenticated
from yinsi.core.i18n import Msg, pick_lang
from yinsi.services import staff
from yinsi.services.api_keys import Caller
from yinsi.services.vault import Actor

MISSING_KEY = Msg(
    "缺少 API 密钥：请在 Authorization: Bearer 头中提供。",
    "No API key: send it in an 'Authorization: Bearer' header.",
)


# Dependencies that do no I/O are ``async``: FastAPI runs a plain ``def`` dependency in the thread pool, one
# hand-over per dependency per request, which costs more than what they do.


async def get_yinsi(request: Request) -> Yinsi:
    yinsi: Yinsi = request.app.state.yinsi
    return yinsi


YinsiDep = Annotated[Yinsi, Depends(get_yinsi)]


def bearer(request: Request) -> str | None:
    """The token of an ``Authorization: Bearer`` header, if there is one."""
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    return token.strip() or None if scheme.lower() == "bearer" else None


async def get_caller(request: Request, yinsi: YinsiDep) -> Caller:
    """The service an API key belongs to: from the keys verified in the last half second (``VerifiedKeys``),
    or else looked up in the thread pool, never on the event loop."""
    return await _caller(request, yinsi)


async def _caller(request: Request, yinsi: Yinsi) -> Caller:
    token = bearer(request) or request.headers.get("x-api-key", "").strip()
    if not token:
        raise Unauthenticated(MISSING_KEY)
    cached = yinsi.api_keys.cached(token)
    return cached if cached is not None else await run_sync(yinsi.api_keys.verify, token)


CallerDep = Annotated[Caller, Depends(get_caller)]


async def service_actor(request: Request) -> Actor:
    """Who calls the vault: a service with an API key (a service role), or a member of staff logged in
    with password and TOTP (a staff role). Either way the role's rights come from the spec.

    It takes only the request (not ``YinsiDep``): the vault's hot routes resolve it on every call, and each
    dependency FastAPI resolves costs more than what this one does."""
    yinsi: Yinsi = request.app.state.yinsi
    token = bearer(request)
    if token is not None and token.startswith(staff.SESSION_PREFIX):
        member = await run_sync(functools.partial(yinsi.staff.authenticate, token=token))
        return member.actor
    caller = await _caller(request, yinsi)
    return Actor(f"key:{caller.key_id}", caller.role)


ServiceActor = Annotated[Actor, Depends(service_actor)]


SESSION_MISSING = Msg("请先登录。", "Please log in first.")


async def session_token(request: Request) -> str:
    token = bearer(request)
    if token is None:
        raise Unauthenticated(SESSION_MISSING)
    return token


async def current_subject(request: Request, yinsi: YinsiDep) -> str:
    """The person a session belongs to: every /v1/me route reaches only this person's records."""
    return await run_sync(yinsi.accounts.authenticate, await session_token(request))


SubjectDep = Annotated[str, Depends(current_subject)]
TokenDep = Annotated[str, Depends(session_token)]


async def client_address(request: Request) -> str:
    return request.client.host if request.client is not None else "unknown"


ClientDep = Annotated[str, Depends(client_address)]


async def get_lang(request: Request) -> str:
    return pick_lang(request.headers.get("accept-language"))


LangDep = Annotated[str, Depends(get_lang)]

# Every paged list takes its cursor the same way: opaque, handed back unchanged (core/pages.py).
Cursor = Annotated[str | None, Query(max_length=512, description="The next_cursor of the previous page.")]


async def staff_token(request: Request) -> str:
    token = bearer(request)
    if token is None:
        raise Unauthenticated(staff.STAFF_SESSION_INVALID)
    return token


def current_staff(token: Annotated[str, Depends(staff_token)], yinsi: YinsiDep) -> staff.StaffMember:
    return yinsi.staff.authenticate(token=token)


StaffTokenDep = Annotated[str, Depends(staff_token)]
StaffDep = Annotated[staff.StaffMember, Depends(current_staff)]
