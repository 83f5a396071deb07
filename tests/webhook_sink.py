"""A local webhook receiver for tests: verifies each delivery's Standard Webhooks signature with
the specification's own library, answers from a script of statuses, and records every call."""

from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from standardwebhooks import Webhook, WebhookVerificationError


class WebhookSink:
    """An HTTP server on 127.0.0.1; `secret` is set once the webhook is created."""

    def __init__(self) -> None:
        self.secret: str | None = None
        self.statuses: list[int] = []  # answers to the next calls, then 204
        self.calls: list[dict[str, Any]] = []  # headers, body, verified (the CloudEvent or None)
        self.lock = threading.Lock()
        self.answering = threading.Event()  # cleared: calls wait (up to 30 s) before answering
        self.answering.set()
        sink = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                headers = {k.lower(): v for k, v in self.headers.items()}
                with sink.lock:
                    sink.calls.append(
                        {"headers": headers, "body": body, "event": sink.verify(body, headers)}
                    )
                    status = sink.statuses.pop(0) if sink.statuses else 204
                sink.answering.wait(30)
                self.send_response(status)
                if 300 <= status < 400:
                    self.send_header("Location", "http://169.254.169.254/latest/meta-data/")
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/hooks/taskai?from=test"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def verify(self, body: bytes, headers: dict[str, str]) -> dict[str, Any] | None:
        """The CloudEvent if the signature is valid for the secret, else None."""
        if self.secret is None:
            return None
        try:
            return dict(Webhook(self.secret).verify(body, headers))
        except WebhookVerificationError:
            return None

    def events(self) -> list[dict[str, Any]]:
        """The verified CloudEvents received so far (a forged or unsigned call is left out)."""
        return [c["event"] for c in self.calls if c["event"] is not None]

    def wait_for(self, count: int, timeout_s: float = 10.0) -> list[dict[str, Any]]:
        """Wait for `count` calls; the calls."""
        deadline = time.monotonic() + timeout_s
        while len(self.calls) < count and time.monotonic() < deadline:
            time.sleep(0.02)
        assert len(self.calls) >= count, f"{len(self.calls)} calls, expected {count}"
        return self.calls

    def close(self) -> None:
        """Stop serving."""
        self.answering.set()
        self.server.shutdown()
        self.server.server_close()


def body_json(call: dict[str, Any]) -> dict[str, Any]:
    """A recorded call's body as JSON."""
    return dict(json.loads(call["body"]))
