"""The FastAPI application factory: routes, problem+json errors, the body limit, and a server's lifespan."""

from __future__ import annotations

import gc
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, ExitStack, asynccontextmanager

import anyio.to_thread
from fastapi import FastAPI
from fastapi.exceptions import RequestValidationError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from starlette.exceptions import HTTPException as StarletteHTTPException

from yinsi.api import contract, problems
from yinsi.api.failures import ContainFailures
from yinsi.api.limits import BodyLimit
from yinsi.api.request_log import RequestLog
from yinsi.api.routes import auth, lifecycle, me, public, requests, sharing, subjects, webhooks
from yinsi.bootstrap import Yinsi, open_yinsi, serving
from yinsi.config import Settings
from yinsi.core.errors import YinsiError
from yinsi.jobs.scheduler import Scheduler
from yinsi.web.mount import mount as mount_pages


def create_app(yinsi: Yinsi, *, owner: ExitStack | None = None) -> FastAPI:
    """The app over ``yinsi``. With ``owner`` (a server worker's, holding ``yinsi`` and the store's shared
    lock), the lifespan sizes the request threads to the connection pool, follows newly published policies,
    and closes ``owner`` at the end; tests drive the app over a ``yinsi`` they own."""
    app = FastAPI(
        title="yinsi",
        summary="Personal-information protection: the policy as code, a vault, consents and rights.",
        version="1",
        openapi_url="/openapi.json",
        docs_url="/docs",
        redoc_url=None,
        lifespan=_serving(yinsi, owner) if owner is not None else None,
    )
    app.state.yinsi = yinsi
    app.add_exception_handler(YinsiError, problems.yinsi_error)
    app.add_exception_handler(PoolTimeout, problems.busy)
    app.add_exception_handler(RequestValidationError, problems.validation_error)
    app.add_exception_handler(StarletteHTTPException, problems.http_error)
    app.add_exception_handler(Exception, problems.internal_error)
    routers = [  # the most requested first: each request's path is tried against the routes in this order
        public.probe,
        subjects.router,
        public.router,
        auth.router,
        me.router,
        requests.router,
        sharing.router,
        webhooks.router,
        lifecycle.router,
    ]
    for router in routers:
        app.include_router(router)
    contract.install(app, routers)
    mount_pages(app)  # the privacy centre (/me) and the cookie banner: server-rendered pages
    app.add_middleware(ContainFailures)  # innermost of these three: the request log still sees the 500
    app.add_middleware(BodyLimit, max_bytes=yinsi.settings.max_body_bytes)
    app.add_middleware(RequestLog)
    return app


def _serving(yinsi: Yinsi, owner: ExitStack) -> Callable[[FastAPI], AbstractAsyncContextManager[None]]:
    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        # Never more request threads than pooled connections (the pool has POOL_SPARE more): a thread then
        # never waits for a connection that only another waiting thread could give back.
        anyio.to_thread.current_default_thread_limiter().total_tokens = yinsi.settings.threads
        yinsi.follow()
        scheduler = Scheduler(yinsi) if yinsi.settings.schedule_jobs else None
        if scheduler is not None:
            scheduler.start()
        # What start-up made (the compiled policy, the app, the libraries) lives as long as the process:
        # kept out of the collector's reach, a full collection no longer walks it (one took 96 ms here,
        # holding up every request in flight).
        gc.collect()
        gc.freeze()
        try:
            yield
        finally:
            if scheduler is not None:
                scheduler.stop()
            owner.close()

    return lifespan


def app_from_environment() -> FastAPI:
    """The factory each server worker calls (``yinsi serve`` passes its settings as YINSI_* variables): the
    store is already migrated and the policy published by ``serve`` itself before the workers start. The
    worker holds the store's shared lock from before it opens the store until it stops."""
    settings = Settings()
    owner = ExitStack()
    try:
        owner.enter_context(serving(settings))
        yinsi = owner.enter_context(open_yinsi(settings, migrate=False, serving=True))
    except BaseException:
        owner.close()
        raise
    return create_app(yinsi, owner=owner)
