"""What anyone may read: health, and the published privacy policy rendered from the spec in force."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query
from fastapi.responses import HTMLResponse, PlainTextResponse, RedirectResponse

from yinsi.api.deps import YinsiDep
from yinsi.api.schemas import Health
from yinsi.core.policy.render import render_policy
from yinsi.services import announcements

router = APIRouter(tags=["public"])

Lang = Literal["zh-CN", "zh-TW", "en"]


@router.get("/", include_in_schema=False)
def index() -> RedirectResponse:
    return RedirectResponse("/policy")


@router.get("/health", response_model=Health)
def health(yinsi: YinsiDep) -> Health:
    yinsi.healthy()
    compiled = yinsi.policy.compiled
    return Health(status="ok", policy=compiled.version if compiled else None, database=yinsi.engine.dialect.name)


@router.get("/v1/announcements")
def announcements_feed(yinsi: YinsiDep) -> dict[str, list[dict[str, object]]]:
    """Notices of policy changes, newest first, for apps to show as a pop-up or banner."""
    return {"announcements": announcements.latest(yinsi.engine)}


@router.get("/policy", response_class=HTMLResponse)
def policy_html(yinsi: YinsiDep, lang: Annotated[Lang, Query()] = "zh-CN") -> HTMLResponse:
    """The privacy policy in force, as a standalone page (zh-CN by default; ?lang=en or zh-TW)."""
    return HTMLResponse(render_policy(yinsi.policy.current().spec, lang, "html"), headers={"Content-Language": lang})


@router.get("/policy.md", response_class=PlainTextResponse)
def policy_markdown(yinsi: YinsiDep, lang: Annotated[Lang, Query()] = "zh-CN") -> PlainTextResponse:
    return PlainTextResponse(
        render_policy(yinsi.policy.current().spec, lang, "md"),
        media_type="text/markdown; charset=utf-8",
        headers={"Content-Language": lang},
    )
