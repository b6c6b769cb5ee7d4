"""The FastAPI application factory: routes, problem+json errors, the body limit."""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.exceptions import RequestValidationError
from starlette.exceptions import HTTPException as StarletteHTTPException

from yinsi.api import problems
from yinsi.api.failures import ContainFailures
from yinsi.api.limits import BodyLimit
from yinsi.api.request_log import RequestLog
from yinsi.api.routes import auth, me, public, requests, subjects
from yinsi.bootstrap import Yinsi
from yinsi.core.errors import YinsiError


def create_app(yinsi: Yinsi) -> FastAPI:
    app = FastAPI(
        title="yinsi",
        summary="Personal-information protection: the policy as code, a vault, consents and rights.",
        version="1",
        openapi_url="/openapi.json",
        docs_url="/docs",
        redoc_url=None,
    )
    app.state.yinsi = yinsi
    app.add_exception_handler(YinsiError, problems.yinsi_error)
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
