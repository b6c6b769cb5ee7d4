"""The page layer every set of pages shares: templates, the language, session cookies and CSRF.

Sessions are the accounts' own session tokens, carried in a cookie that scripts cannot read (HttpOnly), that
other sites' requests do not carry on a form post (SameSite=Lax) and that is sent only over TLS when the
page was served over TLS (Secure). Every form carries a CSRF token: an HMAC of the session token (or, before
login, of a random pre-session cookie) under a keystore secret, so it is worthless to any other browser and
needs no storage.
"""

from __future__ import annotations

import functools
import hashlib
import hmac
import secrets
from collections.abc import Callable, Mapping
from datetime import datetime
from pathlib import Path
from typing import Any, Literal, TypeVar
from urllib.parse import parse_qsl, urlsplit
from zoneinfo import ZoneInfo

from anyio.to_thread import run_sync
from fastapi import Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from jinja2 import Environment, FileSystemLoader, select_autoescape
from starlette.datastructures import FormData, UploadFile

from yinsi.bootstrap import Yinsi
from yinsi.core.errors import Unauthenticated, YinsiError
from yinsi.core.i18n import Msg
from yinsi.web.messages import LANG_NAMES, LANGS, local, word

HERE = Path(__file__).parent
SESSION_COOKIE = "yinsi_session"
STAFF_COOKIE = "yinsi_staff"  # the console's staff sessions: never the same cookie as a person's
PRE_COOKIE = "yinsi_pre"  # a random value that anchors the CSRF token of forms shown before login
LANG_COOKIE = "yinsi_lang"
CHINA = ZoneInfo("Asia/Shanghai")

_env = Environment(
    loader=FileSystemLoader(HERE / "templates"),
    autoescape=select_autoescape(["html"]),
    trim_blocks=True,
    lstrip_blocks=True,
)


class LoginNeeded(Exception):
    """A page that needs a person was asked for without a valid session: the login page answers."""

    def __init__(self, path: str) -> None:
        super().__init__(path)
        self.path = path


class CsrfFailed(Exception):
    """A form post without the token of this browser's session."""


def yinsi_of(request: Request) -> Yinsi:
    found: Yinsi = request.app.state.yinsi
    return found


def lang_of(request: Request) -> str:
    """?lang= first, then the language cookie, then zh-CN (the privacy centre's default)."""
    asked = request.query_params.get("lang") or request.cookies.get(LANG_COOKIE)
    return asked if asked in LANGS else "zh-CN"


def is_tls(request: Request) -> bool:
    return request.url.scheme == "https"


def session_token(request: Request) -> str | None:
    return request.cookies.get(SESSION_COOKIE) or None


async def current_person(request: Request) -> str:
    """The person whose session cookie this is; anyone else is sent to the login page."""
    token = session_token(request)
    if token is None:
        raise LoginNeeded(request.url.path)
    try:
        return await run_sync(yinsi_of(request).accounts.authenticate, token)
    except Unauthenticated:
        raise LoginNeeded(request.url.path) from None


T = TypeVar("T")


async def call(fn: Callable[..., T], /, **kwargs: Any) -> T:
    """A service operation (which blocks on the database) in the thread pool, never on the event loop."""
    return await run_sync(functools.partial(fn, **kwargs))


def client_of(request: Request) -> str:
    return request.client.host if request.client is not None else "unknown"


def _csrf_key(request: Request) -> bytes:
    return hmac.new(yinsi_of(request).keyring.secret("codes"), b"yinsi web csrf", hashlib.sha256).digest()


def csrf_token(request: Request, anchor: str) -> str:
    return hmac.new(_csrf_key(request), anchor.encode(), hashlib.sha256).hexdigest()


def _anchor(request: Request, cookie: str = SESSION_COOKIE) -> str | None:
    token = request.cookies.get(cookie) or None
    if token is not None:
        return "s:" + token
    pre = request.cookies.get(PRE_COOKIE)
    return "p:" + pre if pre else None


async def read_form(request: Request) -> FormData:
    """An application/x-www-form-urlencoded body (the only kind the pages send; no file uploads), parsed
    with the standard library: Starlette's own form parser would need one more dependency."""
    if not request.headers.get("content-type", "").startswith("application/x-www-form-urlencoded"):
        return FormData()
    body = (await request.body()).decode("utf-8", errors="replace")
    pairs: list[tuple[str, str | UploadFile]] = list(parse_qsl(body, keep_blank_values=True, max_num_fields=100))
    return FormData(pairs)


async def checked_form(request: Request, *, cookie: str = SESSION_COOKIE) -> FormData:
    """The posted form, once its CSRF token is that of this browser's session (or pre-session); ``cookie``
    names the session cookie of the pages that posted it."""
    try:
        form = await read_form(request)
    except ValueError:  # more fields than any page sends
        raise CsrfFailed from None
    anchor = _anchor(request, cookie)
    sent = form.get("csrf")
    if anchor is None or not isinstance(sent, str) or not hmac.compare_digest(sent, csrf_token(request, anchor)):
        raise CsrfFailed
    return form


def text(form: FormData, name: str, limit: int = 5000) -> str:
    value = form.get(name)
    return value.strip()[:limit] if isinstance(value, str) else ""


def safe_next(target: str | None, default: str = "/me") -> str:
    """Only a path on this site: never an open redirect."""
    if not target or not target.startswith("/") or target.startswith("//") or urlsplit(target).netloc:
        return default
    return target


def shown_hash(shown: str) -> str:
    """The evidence of a consent: the SHA-256 of the exact text the person was shown."""
    return hashlib.sha256(shown.encode("utf-8")).hexdigest()


def when(value: datetime | None, lang: str) -> str:
    if value is None:
        return "—"
    return value.astimezone(CHINA).strftime("%Y-%m-%d %H:%M")


def render(
    request: Request,
    template: str,
    context: Mapping[str, Any] | None = None,
    *,
    status: int = 200,
    person: str | None = None,
    cookie: str = SESSION_COOKIE,
) -> HTMLResponse:
    """A page in the request's language, with a fresh CSRF token for its forms (anchored on ``cookie``)."""
    lang = lang_of(request)
    anchor = _anchor(request, cookie)
    new_pre = None
    if anchor is None:
        new_pre = secrets.token_urlsafe(24)
        anchor = "p:" + new_pre
    values = {
        "request": request,
        "lang": lang,
        "langs": LANG_NAMES,
        "t": lambda key, **kw: word(key, lang).format(**kw) if kw else word(key, lang),
        "loc": lambda text: _localised(text, lang),
        "when": lambda value: when(value, lang),
        "csrf": csrf_token(request, anchor),
        "person": person,
        "path": request.url.path,
        "policy_title": _localised(yinsi_of(request).policy.current().spec.policy.title, lang),
        **(context or {}),
    }
    response = HTMLResponse(_env.get_template(template).render(values), status_code=status)
    response.headers["Content-Language"] = lang
    response.headers["Cache-Control"] = "no-store"  # pages show personal information: never kept by a cache
    response.headers["X-Frame-Options"] = "SAMEORIGIN"
    response.headers["Referrer-Policy"] = "same-origin"
    response.headers["Content-Security-Policy"] = (
        "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; frame-ancestors 'self'"
    )
    if new_pre is not None:
        set_cookie(request, response, PRE_COOKIE, new_pre, max_age=3600)
    if request.query_params.get("lang") in LANGS:
        set_cookie(request, response, LANG_COOKIE, lang, max_age=365 * 86400, http_only=False)
    return response


def _localised(value: Any, lang: str) -> str:
    """A spec label (LocalText), a Msg, a {zh-CN, en} or {zh, en} dict, or a plain string, in ``lang``."""
    if value is None:
        return ""
    if isinstance(value, Msg):
        return local(value.zh, value.en, lang)
    if isinstance(value, dict):
        zh = value.get("zh-CN") or value.get("zh") or ""
        return local(str(zh), str(value.get("en") or zh), lang)
    if hasattr(value, "get") and not isinstance(value, str):
        return str(value.get(lang))
    return str(value)


def set_cookie(
    request: Request,
    response: Response,
    name: str,
    value: str,
    *,
    max_age: int | None = None,
    http_only: bool = True,
    path: str = "/",
    same_site: Literal["lax", "strict"] = "lax",
) -> None:
    response.set_cookie(
        name, value, max_age=max_age, path=path, httponly=http_only, samesite=same_site, secure=is_tls(request)
    )


def redirect(target: str) -> RedirectResponse:
    return RedirectResponse(target, status_code=303)


def error_page(request: Request, exc: YinsiError | None, *, status: int, message: str | None = None) -> HTMLResponse:
    lang = lang_of(request)
    shown = message or (local(exc.message.zh, exc.message.en, lang) if exc is not None else word("error_title", lang))
    return render(request, "error.html", {"message": shown}, status=status)
