"""What anyone may read: health, and the published privacy policy rendered from the spec in force."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query
from fastapi.responses import HTMLResponse, PlainTextResponse, RedirectResponse

from yinsi.api.contract import errors
from yinsi.api.deps import Cursor, YinsiDep
from yinsi.api.schemas.public import AnnouncementOut, AnnouncementsPageOut, HealthOut
from yinsi.core.policy.render import render_policy

router = APIRouter(tags=["public"])
# The probe has a router of its own, so the app can match it, then the vault's hot routes, before everything
# else: FastAPI tries a request's path against each route in turn.
probe = APIRouter(tags=["public"])

Lang = Literal["zh-CN", "zh-TW", "en"]


@router.get("/", include_in_schema=False)
def index() -> RedirectResponse:
    return RedirectResponse("/policy")


@probe.get("/health", response_model=HealthOut, operation_id="health")
def health(yinsi: YinsiDep) -> HealthOut:
    yinsi.healthy()
    compiled = yinsi.policy.compiled
    return HealthOut(status="ok", policy=compiled.version if compiled else None, database=yinsi.engine.dialect.name)


@router.get(
    "/v1/announcements",
    response_model=AnnouncementsPageOut,
    operation_id="list_announcements",
    responses=errors("bad_request"),
)
def announcements_feed(
    yinsi: YinsiDep, cursor: Cursor = None, limit: Annotated[int, Query(ge=1, le=100)] = 10
) -> AnnouncementsPageOut:
    """Notices of policy changes, newest first, for apps to show as a pop-up or banner."""
    page = yinsi.announcements.latest_page(limit=limit, cursor=cursor)
    return AnnouncementsPageOut(
        announcements=[AnnouncementOut.model_validate(a) for a in page.items], next_cursor=page.next_cursor
    )


@router.get("/policy", response_class=HTMLResponse, operation_id="policy_html")
def policy_html(yinsi: YinsiDep, lang: Annotated[Lang, Query()] = "zh-CN") -> HTMLResponse:
    """The privacy policy in force, as a standalone page (zh-CN by default; ?lang=en or zh-TW)."""
    return HTMLResponse(render_policy(yinsi.policy.current().spec, lang, "html"), headers={"Content-Language": lang})


@router.get(
    "/policy.md",
    response_class=PlainTextResponse,
    operation_id="policy_markdown",
    responses={200: {"content": {"text/markdown": {"schema": {"type": "string"}}}}},
)
def policy_markdown(yinsi: YinsiDep, lang: Annotated[Lang, Query()] = "zh-CN") -> PlainTextResponse:
    """The privacy policy in force as Markdown."""
    return PlainTextResponse(
        render_policy(yinsi.policy.current().spec, lang, "md"),
        media_type="text/markdown; charset=utf-8",
        headers={"Content-Language": lang},
    )
