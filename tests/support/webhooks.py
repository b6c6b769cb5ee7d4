"""The operator's endpoint for events, on loopback: it verifies each signature with the Standard Webhooks
library (an implementation that is not yinsi's) and can fail on purpose."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from standardwebhooks.webhooks import Webhook


class Receiver:
    """The operator's endpoint on loopback: answers 503 to the first ``fail`` deliveries of each event, then 204;
    keeps what it was sent, and whether the Standard Webhooks library accepted each signature."""

    def __init__(self, secret: str, fail: int = 0) -> None:
        self.fail = fail
        self.tries: dict[str, int] = {}
        self.received: list[dict[str, Any]] = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["content-length"]))
                headers = {k.lower(): v for k, v in self.headers.items()}
                event_id = headers["webhook-id"]
                receiver.tries[event_id] = receiver.tries.get(event_id, 0) + 1
                try:
                    Webhook(secret).verify(body, headers)
                    verified = True
                except Exception:  # the library's WebhookVerificationError: recorded, asserted on below
                    verified = False
                receiver.received.append(
                    {"id": event_id, "try": receiver.tries[event_id], "verified": verified, "body": json.loads(body)}
                )
                self.send_response(503 if receiver.tries[event_id] <= receiver.fail else 204)
                self.send_header("content-length", "0")
                self.end_headers()

            def log_message(self, *_: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/yinsi-events"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> Receiver:
        self.thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self.server.shutdown()
        self.server.server_close()
