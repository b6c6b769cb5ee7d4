"""The OpenAPI document as a contract: who may call each operation, and every problem it can answer.

Routes declare the problems particular to them (``errors("not_found",
"conflict")``); what follows from the route's shape is added here, so it
cannot be forgotten: ``401`` wherever a token is needed, ``422`` wherever
there are parameters or a body, ``400`` and ``413`` wherever there is a body,
``503`` on every operation. The security requirement of each operation is
read from the authentication dependency it really uses, so the document
cannot say one thing while the route does another.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from fastapi import APIRouter, FastAPI
from fastapi.openapi.utils import get_openapi
from fastapi.routing import APIRoute

from yinsi.api import deps
from yinsi.api.problems import PROBLEM_TYPE, STATUS
from yinsi.api.schemas.common import ProblemOut

PROBLEM_REF = {"$ref": "#/components/schemas/Problem"}
CODES_KEY = "x-problem-codes"

SERVICE_KEY = "ServiceKey"
SERVICE_KEY_HEADER = "ServiceKeyHeader"
PERSON_SESSION = "PersonSession"
STAFF_SESSION = "StaffSession"

SECURITY_SCHEMES: dict[str, dict[str, Any]] = {
    SERVICE_KEY: {
        "type": "http",
        "scheme": "bearer",
        "bearerFormat": "yk_<key id>_<secret>",
        "description": "An operator's service: an API key bound to a service role of the spec "
        "(`yinsi keys create-api-key ROLE`).",
    },
    SERVICE_KEY_HEADER: {
        "type": "apiKey",
        "in": "header",
        "name": "X-API-Key",
        "description": "The same API key, in an X-API-Key header instead of Authorization.",
    },
    PERSON_SESSION: {
        "type": "http",
        "scheme": "bearer",
        "bearerFormat": "ys_...",
        "description": "A person's session, from POST /v1/auth/login or /v1/auth/password-login (30 days).",
    },
    STAFF_SESSION: {
        "type": "http",
        "scheme": "bearer",
        "bearerFormat": "ss_...",
        "description": "A member of staff's session, from POST /v1/staff/login with password and TOTP (8 hours).",
    },
}

# The dependency each audience's routes use, and the schemes that satisfy it (alternatives).
_AUDIENCES: dict[Callable[..., Any], list[str]] = {
    deps.get_caller: [SERVICE_KEY, SERVICE_KEY_HEADER],
    deps.service_actor: [SERVICE_KEY, SERVICE_KEY_HEADER, STAFF_SESSION],
    deps.current_subject: [PERSON_SESSION],
    deps.session_token: [PERSON_SESSION],
    deps.staff_token: [STAFF_SESSION],
    deps.current_staff: [STAFF_SESSION],
}
_ORDER = [deps.service_actor, deps.get_caller, deps.current_staff, deps.staff_token, deps.current_subject]


def errors(*codes: str) -> dict[int | str, dict[str, Any]]:
    """The ``responses`` of a route for the problems particular to it, grouped by HTTP status."""
    unknown = [code for code in codes if code not in STATUS]
    if unknown:
        raise ValueError(f"problem codes without a status in problems.STATUS: {unknown}")
    grouped: dict[int | str, dict[str, Any]] = {}
    for code in codes:
        entry = grouped.setdefault(STATUS[code], {CODES_KEY: []})
        entry[CODES_KEY].append(code)
    return grouped


def _schemes_of(route: APIRoute) -> list[str]:
    found: set[Callable[..., Any]] = set()
    stack = list(route.dependant.dependencies)
    while stack:
        dependency = stack.pop()
        if dependency.call in _AUDIENCES:
            found.add(dependency.call)
        stack.extend(dependency.dependencies)
    for call in _ORDER:
        if call in found:
            return _AUDIENCES[call]
    return []


def _add(operation: dict[str, Any], status: int, *codes: str) -> None:
    responses = operation.setdefault("responses", {})
    entry = responses.setdefault(str(status), {})
    listed = entry.setdefault(CODES_KEY, [])
    listed.extend(code for code in codes if code not in listed)


def _finish(entry: dict[str, Any]) -> None:
    codes = entry[CODES_KEY]
    entry["description"] = "Problem: " + ", ".join(f"`{code}`" for code in codes)
    entry["content"] = {PROBLEM_TYPE: {"schema": PROBLEM_REF}}


def build(app: FastAPI, routers: Sequence[APIRouter]) -> dict[str, Any]:
    """The document ``/openapi.json`` serves, built once per app from the app's ``routers``."""
    document = get_openapi(
        title=app.title, version=app.version, summary=app.summary, description=app.description, routes=app.routes
    )
    routes = {r.operation_id: r for router in routers for r in router.routes if isinstance(r, APIRoute)}
    for item in document.get("paths", {}).values():
        for operation in item.values():
            route = routes.get(operation.get("operationId"))
            if route is None:
                raise ValueError(f"an operation without an operation_id of its own: {operation.get('summary')}")
            schemes = _schemes_of(route)
            responses = operation.setdefault("responses", {})
            if CODES_KEY not in responses.get("422", {CODES_KEY: []}):
                del responses["422"]  # FastAPI's own validation answer, which yinsi gives as a problem instead
            if schemes:
                operation["security"] = [{name: []} for name in schemes]
                _add(operation, 401, "unauthenticated")
            if operation.get("parameters") or "requestBody" in operation:
                _add(operation, 422, "invalid_request")
            if "requestBody" in operation:
                _add(operation, 400, "malformed_json")
                _add(operation, 413, "payload_too_large")
            _add(operation, 503, "busy")
            for entry in responses.values():
                if CODES_KEY in entry:
                    _finish(entry)
            operation["responses"] = dict(sorted(responses.items()))
    components = document.setdefault("components", {})
    schemas = components.setdefault("schemas", {})
    for unused in ("HTTPValidationError", "ValidationError"):
        schemas.pop(unused, None)
    problem = ProblemOut.model_json_schema(ref_template="#/components/schemas/{model}")
    # The codes are listed per operation (x-problem-codes), not as an enum here: a client generated today must
    # still read a problem whose code is added tomorrow.
    schemas["Problem"] = problem
    components["securitySchemes"] = SECURITY_SCHEMES
    return document


def install(app: FastAPI, routers: Sequence[APIRouter]) -> None:
    """Serves ``build`` as the app's OpenAPI document (and so in /docs, with its Authorize button)."""

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            app.openapi_schema = build(app, routers)
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]  # FastAPI's documented way to customise the document
