"""A cap on request bodies, enforced while reading, so a huge or endless body never reaches the app."""

from __future__ import annotations

import json

from starlette.types import ASGIApp, Message, Receive, Scope, Send


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
    headers = dict(scope.get("headers") or [])
    english = headers.get(b"accept-language", b"").decode("latin-1").lower().startswith("en")
    detail = (
        f"The request body is larger than {max_bytes} bytes." if english else f"请求体超过了 {max_bytes} 字节的上限。"
    )
    body = json.dumps(
        {
            "type": "https://yinsi.invalid/problems/payload_too_large",
            "title": "Request body too large" if english else "请求体过大",
            "status": 413,
            "code": "payload_too_large",
            "detail": detail,
        },
        ensure_ascii=False,
    ).encode()
    await send(
        {
            "type": "http.response.start",
            "status": 413,
            "headers": [
                (b"content-type", b"application/problem+json"),
                (b"content-length", str(len(body)).encode()),
                (b"connection", b"close"),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})
