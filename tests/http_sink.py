"""A tiny HTTP sink for event delivery tests: scripted answers per event id, every call recorded."""

from __future__ import annotations

import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class Sink:
    """An HTTP server that answers from a script of statuses per event id, and records calls."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, dict[str, str], bytes]] = []
        self.times: list[float] = []  # time.monotonic() of each call
        self.script: dict[str, list[int | tuple[int, str]]] = {}  # status, or (status, Retry-After)
        sink = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"  # keep-alive, as a real sink

            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                event_id = self.headers.get("ce-id", "")
                headers = {k.lower(): v for k, v in self.headers.items()}
                sink.calls.append((event_id, headers, body))
                sink.times.append(time.monotonic())
                statuses = sink.script.get(event_id, [])
                answer = statuses.pop(0) if statuses else 200
                status, wait = answer if isinstance(answer, tuple) else (answer, None)
                self.send_response(status)
                if wait is not None:
                    self.send_header("Retry-After", wait)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def ids(self) -> list[str]:
        return [event_id for event_id, _, _ in self.calls]
