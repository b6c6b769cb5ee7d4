"""The last net under every request: an unexpected exception becomes the 500 problem, and stops there.

Starlette answers an unhandled exception through its ``Exception`` handler
and then raises it again, so the server logs its traceback, and an
exception's text can quote what it was working on (a value, a statement's
parameters, a pydantic ``input_value``). Here the exception is answered and
logged by its type and the route alone, and goes no further.
"""

from __future__ import annotations

import logging

from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from yinsi.api.problems import internal_error

log = logging.getLogger("yinsi.api")


class ContainFailures:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def tracking_send(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, receive, tracking_send)
        except Exception as exc:  # the point of this class: nothing unexpected goes further
            log.error(
                "unexpected %s in %s %s", type(exc).__name__, scope["method"], scope["path"]
            )  # no traceback: its text may quote PI
            if not started:
                response = await internal_error(Request(scope), exc)
                await response(scope, receive, send)
