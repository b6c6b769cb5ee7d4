"""A request log that holds no PI: method, path, status and time, never the client's address or a query.

Paths carry only ids and field names (PI travels in bodies, never in URLs);
query strings are left out anyway, and so is the client address, which is
personal information (uvicorn's own access log, which prints it, is off).
"""

from __future__ import annotations

import logging
import time

from starlette.types import ASGIApp, Message, Receive, Scope, Send

log = logging.getLogger("yinsi.requests")


class RequestLog:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500

        async def recording_send(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = int(message["status"])
            await send(message)

        try:
            await self.app(scope, receive, recording_send)
        finally:
            log.info("%s %s %d %.1fms", scope["method"], scope["path"], status, (time.perf_counter() - started) * 1000)
