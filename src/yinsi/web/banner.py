"""The cookie-consent banner for the operator's website: one script tag, choices in the consent ledger.

The script (static/cookie-banner.js) asks /cookie-banner.json what to show, and posts the person's choice to
/cookie-banner/choices: each non-essential cookie of the spec is granted or refused in the consent ledger,
with the SHA-256 of the banner text shown. A logged-in person's choice is theirs; a visitor's is recorded
under a visitor subject whose id the browser keeps in a signed, HttpOnly cookie. The post needs a custom
header and a JSON body, which another site's page cannot send without a CORS preflight that yinsi never
grants: that is its CSRF protection.
"""

from __future__ import annotations

import hashlib
import hmac
from typing import Any

from anyio.to_thread import run_sync
from fastapi import APIRouter, Request
from fastapi.responses import FileResponse, JSONResponse, Response

from yinsi.core.errors import Unauthenticated, YinsiError
from yinsi.core.policy.vocabulary import CookieCategory
from yinsi.web.messages import LANGS, word
from yinsi.web.pages import HERE, is_tls, session_token, shown_hash, yinsi_of

router = APIRouter(include_in_schema=False)
VISITOR_COOKIE = "yinsi_visitor"
CATEGORY_WORDS = {
    "essential": ("必要", "Essential"),
    "preferences": ("偏好设置", "Preferences"),
    "analytics": ("统计分析", "Analytics"),
    "advertising": ("广告", "Advertising"),
    "other": ("其他", "Other"),
}


def _category(value: CookieCategory | None) -> str:
    return value.value if value is not None else "other"


def banner_info(request: Request, lang: str) -> dict[str, Any]:
    policy = yinsi_of(request).policy.current()
    cookies = policy.spec.cookies
    categories: dict[str, bool] = {}
    for cookie in cookies.values():
        categories[_category(cookie.category)] = cookie.category is CookieCategory.ESSENTIAL
    shown = word("cookie_banner_text", lang)
    en = lang == "en"
    return {
        "lang": lang,
        "version": policy.version,
        "title": word("cookies", lang),
        "text": shown,
        "text_hash": shown_hash(shown),
        "accept_all": word("accept_all", lang),
        "reject_all": word("reject_all", lang),
        "save": word("save_choices", lang),
        "got_it": word("got_it", lang),
        "failed": word("error_title", lang),
        "categories": [
            {"id": c, "label": CATEGORY_WORDS[c][1 if en else 0], "essential": essential}
            for c, essential in categories.items()
        ],
        "cookies": [
            {"id": cid, "category": _category(c.category), "essential": c.category is CookieCategory.ESSENTIAL}
            for cid, c in cookies.items()
        ],
    }


@router.get("/cookie-banner.js")
async def banner_script() -> FileResponse:
    return FileResponse(
        HERE / "static" / "cookie-banner.js",
        media_type="text/javascript; charset=utf-8",
        headers={"Cache-Control": "public, max-age=300"},
    )


@router.get("/cookie-banner.json")
async def banner_json(request: Request) -> JSONResponse:
    asked = request.query_params.get("lang", "zh-CN")
    lang = next((code for code in LANGS if code.lower() == asked.lower()), "en" if asked.startswith("en") else "zh-CN")
    return JSONResponse(banner_info(request, lang), headers={"Cache-Control": "no-store"})


def _visitor_mac(request: Request, subject: str) -> str:
    key = hmac.new(yinsi_of(request).keyring.secret("codes"), b"yinsi cookie visitor", hashlib.sha256).digest()
    return hmac.new(key, subject.encode(), hashlib.sha256).hexdigest()[:32]


def _visitor(request: Request) -> str | None:
    value = request.cookies.get(VISITOR_COOKIE, "")
    subject, _, mac = value.partition(".")
    return subject if subject and hmac.compare_digest(mac, _visitor_mac(request, subject)) else None


@router.post("/cookie-banner/choices")
async def record_choices(request: Request) -> Response:
    if request.headers.get("x-yinsi-banner") != "1" or not request.headers.get("content-type", "").startswith(
        "application/json"
    ):
        return JSONResponse({"error": "forbidden"}, status_code=403)
    body = await request.json()
    if not isinstance(body, dict) or not isinstance(body.get("granted"), list):
        return JSONResponse({"error": "bad_request"}, status_code=400)
    yinsi = yinsi_of(request)
    person = None
    token = session_token(request)
    if token is not None:
        try:
            person = await run_sync(yinsi.accounts.authenticate, token)
        except Unauthenticated:
            person = None
    subject = person or _visitor(request)
    lang = str(body.get("lang")) if body.get("lang") in LANGS else "zh-CN"
    try:
        recorded = await run_sync(
            lambda: yinsi.centre.record_cookie_choices(
                subject=subject,
                granted=[str(g)[:64] for g in body["granted"][:50]],
                text_hash=str(body.get("text_hash", ""))[:64],
                language=lang,
            )
        )
    except YinsiError as exc:
        return JSONResponse({"error": exc.code, "detail": exc.message.get(lang)}, status_code=400)
    response = JSONResponse({"recorded": True})
    if person is None:
        response.set_cookie(
            VISITOR_COOKIE,
            f"{recorded}.{_visitor_mac(request, recorded)}",
            max_age=365 * 86400,
            path="/",
            httponly=True,
            samesite="lax",
            secure=is_tls(request),
        )
    return response
