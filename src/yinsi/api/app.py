"""The FastAPI application factory: routes, problem+json errors, the body limit, and a server's lifespan."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager

import anyio.to_thread
from fastapi import FastAPI
from fastapi.exceptions import RequestValidationError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from starlette.exceptions import HTTPException as StarletteHTTPException

from yinsi.api import problems
from yinsi.api.failures import ContainFailures
from yinsi.api.limits import BodyLimit
from yinsi.api.request_log import RequestLog
from yinsi.api.routes import auth, me, public, requests, subjects
from yinsi.bootstrap import Yinsi, open_yinsi
from yinsi.config import Settings
from yinsi.core.errors import YinsiError


def create_app(yinsi: Yinsi, *, serving: bool = False) -> FastAPI:
    """The app over ``yinsi``. ``serving``: this process is a server worker that owns ``yinsi``: it sizes the
    request threads to the connection pool, follows newly published policies, and closes ``yinsi`` at the
    end (tests drive the app over a ``yinsi`` they own)."""
    app = FastAPI(
        title="yinsi",
        summary="Personal-information protection: the policy as code, a vault, consents and rights.",
        version="1",
        openapi_url="/openapi.json",
        docs_url="/docs",
        redoc_url=None,
        lifespan=_serving(yinsi) if serving else None,
    )
    app.state.yinsi = yinsi
    app.add_exception_handler(YinsiError, problems.yinsi_error)
    app.add_exception_handler(PoolTimeout, problems.busy)
    app.add_exception_handler(RequestValidationError, problems.validation_error)
    app.add_exception_handler(StarletteHTTPException, problems.http_error)
    app.add_exception_handler(Exception, problems.internal_error)
    app.include_router(public.router)
    app.include_router(subjects.router)
    app.include_router(auth.router)
    app.include_router(me.router)
    app.include_router(requests.router)
    app.add_middleware(ContainFailures)  # innermost of these three: the request log still sees the 500
    app.add_middleware(BodyLimit, max_bytes=yinsi.settings.max_body_bytes)
    app.add_middleware(RequestLog)
    return app


def _serving(yinsi: Yinsi) -> Callable[[FastAPI], AbstractAsyncContextManager[None]]:
    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        # Never more request threads than pooled connections (the pool has POOL_SPARE more): a thread then
        # never waits for a connection that only another waiting thread could give back.
        anyio.to_thread.current_default_thread_limiter().total_tokens = yinsi.settings.threads
        yinsi.follow()
        try:
            yield
        finally:
            yinsi.close()

    return lifespan


def app_from_environment() -> FastAPI:
    """The factory each server worker calls (``yinsi serve`` passes its settings as YINSI_* variables): the
    store is already migrated and the policy published by ``serve`` itself before the workers start."""
    return create_app(open_yinsi(Settings(), migrate=False), serving=True)
