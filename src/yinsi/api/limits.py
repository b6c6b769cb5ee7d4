"""A cap on request bodies, enforced while reading, so a huge or endless body never reaches the app."""

from __future__ import annotations

from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from yinsi.api.problems import problem
from yinsi.core.i18n import Msg


class BodyTooLarge(Exception):
    pass


class BodyLimit:
    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope.get("headers") or []).get(b"content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > self.max_bytes):
            await _too_large(scope, send, self.max_bytes)
            return
        seen = 0
        started = False
        refused = False

        async def limited_receive() -> Message:
            nonlocal seen, refused
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.max_bytes:
                    # Answer now: the framework would turn an exception raised while it reads the body
                    # into a generic 400, and whatever it sends after this is dropped below.
                    if not started and not refused:
                        refused = True
                        await _too_large(scope, send, self.max_bytes)
                    raise BodyTooLarge
            return message

        async def guarded_send(message: Message) -> None:
            nonlocal started
            if refused:
                return
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, limited_receive, guarded_send)
        except BodyTooLarge:
            if not started and not refused:
                await _too_large(scope, send, self.max_bytes)


async def _too_large(scope: Scope, send: Send, max_bytes: int) -> None:
    response = problem(
        Request(scope),
        "payload_too_large",
        Msg(f"请求体超过了 {max_bytes} 字节的上限。", f"The request body is larger than {max_bytes} bytes."),
        headers={"Connection": "close"},
    )
    await response(scope, _nothing, send)


async def _nothing() -> Message:
    return {"type": "http.disconnect"}
