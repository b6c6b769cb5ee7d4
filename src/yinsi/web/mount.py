"""Puts the pages into the FastAPI app: the privacy centre's routes, its static files, and what a page
answers when the person is not logged in or a form's CSRF token is wrong."""

from __future__ import annotations

from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.responses import Response
from fastapi.staticfiles import StaticFiles

from yinsi.web import banner, centre, console, demo, login
from yinsi.web.messages import word
from yinsi.web.pages import HERE, CsrfFailed, LoginNeeded, error_page, lang_of, redirect


async def _login_needed(request: Request, exc: Exception) -> Response:
    path = exc.path if isinstance(exc, LoginNeeded) else "/me"
    return redirect("/me/login?next=" + quote(path, safe="/"))


async def _csrf_failed(request: Request, exc: Exception) -> Response:
    return error_page(request, None, status=403, message=word("csrf_failed", lang_of(request)))


def yinsi_settings_demo(app: FastAPI) -> bool:
    return bool(app.state.yinsi.settings.demo)


def mount(app: FastAPI) -> None:
    """The pages, after ``app.state.yinsi`` is set; the demo booking service only with ``settings.demo``."""
    app.include_router(login.router)
    app.include_router(centre.router)
    app.include_router(banner.router)
    if yinsi_settings_demo(app):
        app.include_router(demo.router)
    app.mount("/me/static", StaticFiles(directory=HERE / "static"), name="centre-static")
    app.add_exception_handler(LoginNeeded, _login_needed)
    app.add_exception_handler(CsrfFailed, _csrf_failed)
    console.install(app)
