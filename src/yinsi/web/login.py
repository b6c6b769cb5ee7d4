"""Logging in to the privacy centre: the spec's own way in (phone and SMS code; phone, password and code; user
name and password), third-party providers, the H5 hand-over from an app (a one-time code), and logging out.

The pages call the same ``Accounts`` operations as /v1/auth; the session they start goes into the HttpOnly
session cookie (see ``pages``).
"""

from __future__ import annotations

import contextlib
import hmac
import secrets
from typing import Any, Literal
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from yinsi.core.errors import RateLimited, YinsiError
from yinsi.core.i18n import Msg
from yinsi.core.policy.login import LoginMethod, LoginScheme, login_scheme
from yinsi.core.policy.render import render_policy
from yinsi.services.accounts import PolicyAcceptanceRequired
from yinsi.services.consent import Action, ConsentAct, Kind
from yinsi.services.consent_state import POLICY_SCOPE
from yinsi.web import third_party
from yinsi.web.messages import LANGS, local, word
from yinsi.web.pages import (
    SESSION_COOKIE,
    call,
    checked_form,
    client_of,
    error_page,
    lang_of,
    read_form,
    redirect,
    render,
    safe_next,
    session_token,
    set_cookie,
    shown_hash,
    text,
    yinsi_of,
)

router = APIRouter(prefix="/me", include_in_schema=False)
Lang = Literal["zh-CN", "zh-TW", "en"]
NO_LOGIN = Msg("隐私政策没有声明登录方式。", "The policy declares no way to log in.")


def scheme_of(request: Request) -> LoginScheme | None:
    return login_scheme(yinsi_of(request).policy.current().spec)


_POLICY_HASHES: dict[tuple[str, str], str] = {}


def policy_text_hash(request: Request) -> str:
    """The evidence of accepting the policy: the SHA-256 of the policy text in the language shown (rendered
    once per version and language)."""
    policy = yinsi_of(request).policy.current()
    lang = lang_of(request)
    found = _POLICY_HASHES.get((policy.digest, lang))
    if found is None:
        shown: Lang = "en" if lang == "en" else "zh-TW" if lang == "zh-TW" else "zh-CN"
        found = _POLICY_HASHES[(policy.digest, lang)] = shown_hash(render_policy(policy.spec, shown, "md"))
    return found


def _acceptance(request: Request, form: Any) -> ConsentAct | None:
    if form.get("accept") != "yes":
        return None
    policy = yinsi_of(request).policy.current()
    lang = lang_of(request)
    return ConsentAct(
        Kind.POLICY, POLICY_SCOPE, Action.GRANT, "web", policy_text_hash(request), lang, True, policy.version
    )


# ---------------------------------------------------------------------------------------------- logging in


def _login_page(
    request: Request, *, register: bool = False, error: str | None = None, notice: str | None = None, **values: str
) -> HTMLResponse:
    scheme = scheme_of(request)
    if scheme is None:
        return error_page(request, None, status=503, message=local(NO_LOGIN.zh, NO_LOGIN.en, lang_of(request)))
    return render(
        request,
        "login.html",
        {
            "scheme": scheme.method.value,
            "register": register,
            "error": error,
            "notice": notice,
            "values": values,
            "next": safe_next(request.query_params.get("next") or values.get("next")),
            "providers": list(providers(request).values()),
        },
        status=400 if error else 200,
    )


@router.get("/login", response_class=HTMLResponse)
async def login_page(request: Request) -> HTMLResponse:
    return _login_page(request)


@router.get("/register", response_class=HTMLResponse)
async def register_page(request: Request) -> HTMLResponse:
    return _login_page(request, register=True)


@router.post("/login/code", response_class=HTMLResponse)
async def send_login_code(request: Request) -> HTMLResponse:
    form = await checked_form(request)
    phone = text(form, "phone", 32)
    register = form.get("register") == "yes"
    values = {"phone": phone, "next": text(form, "next", 300)}
    try:
        await call(yinsi_of(request).accounts.request_code, phone=phone, client=client_of(request))
    except YinsiError as exc:
        return _login_page(request, register=register, error=exc.message.get(lang_of(request)), **values)
    return _login_page(request, register=register, notice=word("code_sent", lang_of(request)), **values)


def _logged_in(request: Request, token: str, target: str) -> Response:
    response = redirect(safe_next(target))
    set_cookie(request, response, SESSION_COOKIE, token, max_age=30 * 86400)
    return response


@router.post("/login", response_class=HTMLResponse)
async def login(request: Request) -> Response:
    form = await checked_form(request)
    accounts = yinsi_of(request).accounts
    scheme = scheme_of(request)
    target = text(form, "next", 300)
    register = form.get("register") == "yes"
    values = {"phone": text(form, "phone", 32), "username": text(form, "username", 64), "next": target}
    lang = lang_of(request)
    try:
        if scheme is None:
            raise YinsiError(NO_LOGIN)
        password = text(form, "password", 256)
        code = text(form, "code", 12)
        if scheme.method is LoginMethod.USERNAME_PASSWORD:
            if register:
                acceptance = _acceptance(request, form)
                if acceptance is None:
                    raise YinsiError(Msg("注册需要同意隐私政策。", "Registering needs the privacy policy accepted."))
                done = await call(
                    accounts.register_with_username,
                    username=values["username"],
                    password=password,
                    client=client_of(request),
                    acceptance=acceptance,
                )
            else:
                done = await call(
                    accounts.login_with_username,
                    username=values["username"],
                    password=password,
                    client=client_of(request),
                )
        elif scheme.method is LoginMethod.PHONE_PASSWORD_CODE and not register:
            done = await call(
                accounts.login_with_password,
                phone=values["phone"],
                password=password,
                client=client_of(request),
                code=code,
            )
        else:
            done = await call(
                accounts.login_with_code,
                phone=values["phone"],
                code=code,
                client=client_of(request),
                acceptance=_acceptance(request, form),
                password=password if scheme.method is LoginMethod.PHONE_PASSWORD_CODE else None,
            )
    except YinsiError as exc:
        return _login_page(request, register=register, error=exc.message.get(lang), **values)
    return _logged_in(request, done.token, target)


def providers(request: Request) -> dict[str, third_party.LocalTestProvider]:
    """The third-party logins offered: the local test providers in the demo, none otherwise (no real adapter
    is configured yet)."""
    yinsi = yinsi_of(request)
    return third_party.local_test_providers(yinsi.keyring.secret("codes")) if yinsi.settings.demo else {}


STATE_COOKIE = "yinsi_login_state"


@router.get("/login/with/{name}")
async def login_with(request: Request, name: str) -> Response:
    provider = providers(request).get(name)
    if provider is None:
        return error_page(request, None, status=404, message=word("not_found", lang_of(request)))
    state = secrets.token_urlsafe(24)
    response = redirect(provider.authorise_url(state=state, callback=f"/me/login/with/{name}/callback"))
    set_cookie(request, response, STATE_COOKIE, state, max_age=600)
    return response


@router.get("/login/with/{name}/test-provider", response_class=HTMLResponse)
async def test_provider_page(request: Request, name: str) -> HTMLResponse:
    provider = providers(request).get(name)
    if provider is None:
        return error_page(request, None, status=404, message=word("not_found", lang_of(request)))
    return render(
        request,
        "test_provider.html",
        {"provider": provider, "state": request.query_params.get("state", "")[:64]},
    )


@router.post("/login/with/{name}/test-provider")
async def test_provider_answer(request: Request, name: str) -> Response:
    form = await checked_form(request)
    provider = providers(request).get(name)
    identifier = text(form, "identifier", 64)
    if provider is None or not identifier:
        return error_page(request, None, status=400, message=word("error_title", lang_of(request)))
    query = urlencode({"code": provider.code_for(identifier), "state": text(form, "state", 64)})
    return redirect(f"/me/login/with/{name}/callback?{query}")


def _provider_login(request: Request, name: str, code: str) -> tuple[third_party.LocalTestProvider, str] | None:
    provider = providers(request).get(name)
    identifier = provider.identity(code=code) if provider is not None else None
    return (provider, identifier) if provider is not None and identifier is not None else None


@router.get("/login/with/{name}/callback", response_class=HTMLResponse)
async def provider_callback(request: Request, name: str) -> Response:
    lang = lang_of(request)
    state = request.query_params.get("state", "")
    code = request.query_params.get("code", "")[:200]
    expected = request.cookies.get(STATE_COOKIE, "")
    found = _provider_login(request, name, code)
    if not expected or not hmac.compare_digest(state, expected) or found is None:
        return _login_page(request, error=word("provider_failed", lang))
    provider, identifier = found
    try:
        done = await call(
            yinsi_of(request).accounts.login_with_provider,
            provider=provider.name,
            identifier=identifier,
            client=client_of(request),
        )
    except PolicyAcceptanceRequired:
        return render(request, "provider_accept.html", {"provider": provider, "code": code})
    except YinsiError as exc:
        return _login_page(request, error=exc.message.get(lang))
    return _logged_in(request, done.token, "/me")


@router.post("/login/with/{name}/accept")
async def provider_accept(request: Request, name: str) -> Response:
    form = await checked_form(request)
    lang = lang_of(request)
    found = _provider_login(request, name, text(form, "code", 200))
    acceptance = _acceptance(request, form)
    if found is None:
        return _login_page(request, error=word("provider_failed", lang))
    provider, identifier = found
    if acceptance is None:
        return render(
            request, "provider_accept.html", {"provider": provider, "code": text(form, "code", 200)}, status=400
        )
    try:
        done = await call(
            yinsi_of(request).accounts.login_with_provider,
            provider=provider.name,
            identifier=identifier,
            client=client_of(request),
            acceptance=acceptance,
        )
    except YinsiError as exc:
        return _login_page(request, error=exc.message.get(lang))
    return _logged_in(request, done.token, "/me")


@router.post("/handover")
async def handover(request: Request) -> Response:
    """The operator's app opens the centre as an H5 page: it asks POST /v1/me/handover for a one-time code
    and its web view POSTs the code here in the form body. A POST, not a GET, so that the code is never in a
    URL (which access logs, histories and Referer headers keep); the answer is a 303 to a clean URL, under
    Referrer-Policy: no-referrer and Cache-Control: no-store. The code is exchanged for a new session of the
    centre's own (services.handover), so ending either session leaves the other alone. This form carries no
    CSRF token (the app, not a page of ours, builds it): the code itself, bound to one person and living 60
    seconds, is what proves the request. A wrong, used or expired code gets the login page and nothing else."""
    form = await read_form(request)
    lang = lang_of(request)
    response: Response
    try:
        done = await call(
            yinsi_of(request).centre.redeem_handover, code=text(form, "code", 200), client=client_of(request)
        )
    except RateLimited as exc:
        response = _login_page(request, error=exc.message.get(lang))
        response.status_code = 429
        response.headers["Retry-After"] = str(exc.retry_after)
    except YinsiError:
        response = _login_page(request, error=word("handover_failed", lang))
    else:
        response = _logged_in(request, done.token, text(form, "next", 300))
    response.headers["Referrer-Policy"] = "no-referrer"
    response.headers["Cache-Control"] = "no-store"
    return response


@router.get("/handover")
async def handover_get(request: Request) -> Response:
    """Never redeems anything (a code must not be in a URL): a reload or a language link of the refusal page
    lands on the login page."""
    lang = request.query_params.get("lang")
    return redirect(f"/me/login?lang={lang}" if lang in LANGS else "/me/login")


@router.post("/logout")
async def logout(request: Request) -> Response:
    await checked_form(request)
    token = session_token(request)
    if token is not None:
        with contextlib.suppress(YinsiError):  # an ended session: logging out again changes nothing
            await call(yinsi_of(request).accounts.logout, token=token)
    response = redirect("/me/login")
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response
