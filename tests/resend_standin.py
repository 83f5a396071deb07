"""A local stand-in for Resend's email API: `POST /emails` as the `resend` SDK speaks it.

Wire format as the SDK (resend/request.py) and Resend's docs have it: `Authorization: Bearer
<key>`, a JSON body (`from`, `to`, `subject`, `html`/`text`), an optional `Idempotency-Key`
header; success is 200 `{"id": …}`, an error is `{"statusCode", "name", "message"}` with its
HTTP status. A key seen before with the same body gets the first answer back and sends nothing;
with another body it is 409 `invalid_idempotent_request`; while its first request is still being
handled it is 409 `concurrent_idempotent_requests`.

Faults on demand: `fail_rate` answers that share of requests 500, half before sending and half
after (the email went out but the answer was lost), `rate_limit(n, retry_after)` answers the
next n requests 429 with Retry-After, and addresses in `rejected` are refused with 422.

Run on its own (the benchmark does): `python tests/resend_standin.py --port 8025`; then
`GET /_standin/stats` reports what it sent, and `GET /_standin/keys` how often per key.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import re
import threading
import uuid
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

API_KEY = "re_test_0123456789abcdef"
ADDRESS = re.compile(r"^(?:[^<>]*<)?[^@\s<>]+@[^@\s<>]+\.[^@\s<>]+>?$")
IN_PROGRESS = object()


class ResendStandIn:
    """The server, its faults, and what it was asked and sent (safe to read from any thread)."""

    def __init__(
        self,
        *,
        api_key: str = API_KEY,
        fail_rate: float = 0.0,
        seed: int | None = None,
        port: int = 0,
    ) -> None:
        self.api_key, self.fail_rate = api_key, fail_rate
        self.random = random.Random(seed)
        self.rejected: set[str] = set()
        self.lock = threading.Lock()
        self.emails: list[dict[str, Any]] = []  # what was sent: body, key, id, headers
        self.statuses: Counter[int] = Counter()  # every answer given
        self.keys: dict[str, Any] = {}  # idempotency key -> (fingerprint, status, body)
        self.rate_limited: list[int] = []  # Retry-After of each 429 still to give
        self.failing: list[str] = []  # 500s still to give: "before" or "after" sending
        stand_in = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"  # keep-alive, as Resend's API
            disable_nagle_algorithm = True
            wbufsize = 64 * 1024  # an answer leaves in one write, flushed after each request

            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                if self.path != "/emails":
                    return self.answer(404, error(404, "not_found", "Route not found"))
                status, payload, headers = stand_in.handle(dict(self.headers.items()), body)
                self.answer(status, payload, headers)

            def do_GET(self) -> None:
                if self.path == "/_standin/stats":
                    return self.answer(200, stand_in.stats())
                if self.path == "/_standin/keys":  # emails sent per idempotency key
                    return self.answer(200, {str(k): n for k, n in stand_in.sent_per_key().items()})
                self.answer(404, error(404, "not_found", "Route not found"))

            def answer(
                self, status: int, payload: dict[str, Any], headers: dict[str, str] | None = None
            ) -> None:
                raw = json.dumps(payload).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json; charset=utf-8")
                self.send_header("Content-Length", str(len(raw)))
                for name, value in (headers or {}).items():
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(raw)

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_port}"

    def start(self) -> ResendStandIn:
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def fail_next(self, times: int = 1, *, after_sending: bool = False) -> None:
        """Answer the next `times` requests 500, before sending or after (the answer is lost)."""
        with self.lock:
            self.failing += ["after" if after_sending else "before"] * times

    def rate_limit(self, times: int = 1, retry_after: int = 1) -> None:
        """Answer the next `times` requests 429 rate_limit_exceeded with this Retry-After."""
        with self.lock:
            self.rate_limited += [retry_after] * times

    def handle(
        self, headers: dict[str, str], body: bytes
    ) -> tuple[int, dict[str, Any], dict[str, str]]:
        status, payload, extra = self.decide(headers, body)
        with self.lock:
            self.statuses[status] += 1
        return status, payload, extra

    def decide(
        self, headers: dict[str, str], body: bytes
    ) -> tuple[int, dict[str, Any], dict[str, str]]:
        headers = {k.lower(): v for k, v in headers.items()}
        auth = headers.get("authorization", "")
        if not auth.startswith("Bearer ") or not auth[7:]:
            return (
                401,
                error(401, "missing_api_key", "Missing API key in the authorization header"),
                {},
            )
        if auth[7:] != self.api_key:
            return 403, error(403, "invalid_api_key", "API key is invalid"), {}
        with self.lock:
            wait = self.rate_limited.pop(0) if self.rate_limited else None
        if wait is not None:
            message = "Too many requests. You can only make 2 requests per second."
            limits = {"Retry-After": str(wait), "ratelimit-limit": "2", "ratelimit-remaining": "0",
                      "ratelimit-reset": str(wait)}  # fmt: skip
            return 429, error(429, "rate_limit_exceeded", message), limits
        key = headers.get("idempotency-key")
        if key is not None and not 1 <= len(key) <= 256:
            message = "Idempotency keys, if present, must have between 1 and 256 characters."
            return 400, error(400, "invalid_idempotency_key", message), {}
        if self.fault("before"):
            return 500, error(500, "internal_server_error", "An unexpected error occurred."), {}
        try:
            email = json.loads(body)
        except ValueError:
            return 400, error(400, "validation_error", "Invalid JSON body."), {}
        if problem := invalid(email, self.rejected):
            return 422, problem, {}
        return self.send_once(key, email, headers)

    def send_once(
        self, key: str | None, email: dict[str, Any], headers: dict[str, str]
    ) -> tuple[int, dict[str, Any], dict[str, str]]:
        fingerprint = hashlib.sha256(json.dumps(email, sort_keys=True).encode()).hexdigest()
        with self.lock:
            seen = self.keys.get(key) if key else None
            if seen is IN_PROGRESS:
                message = "Same idempotency key used while original request is still in progress."
                return 409, error(409, "concurrent_idempotent_requests", message), {}
            if seen is not None:
                if seen[0] != fingerprint:
                    message = "Same idempotency key used with a different request payload."
                    return 409, error(409, "invalid_idempotent_request", message), {}
                return seen[1], seen[2], {}
            if key:
                self.keys[key] = IN_PROGRESS
        answer = {"id": str(uuid.uuid4())}
        with self.lock:
            self.emails.append({**email, "id": answer["id"], "key": key, "headers": headers})
            if key:
                self.keys[key] = (fingerprint, 200, answer)
        if self.fault("after"):  # sent, but the answer is lost on the way back
            return 500, error(500, "internal_server_error", "An unexpected error occurred."), {}
        return 200, answer, {}

    def fault(self, when: str) -> bool:
        """Whether to fail here: a scripted failure, or half the random rate (before and after)."""
        with self.lock:
            if self.failing and self.failing[0] == when:
                self.failing.pop(0)
                return True
            return self.random.random() < self.fail_rate / 2

    def sent_per_key(self) -> Counter[str | None]:
        with self.lock:
            return Counter(email["key"] for email in self.emails)

    def stats(self) -> dict[str, Any]:
        per_key = self.sent_per_key()
        with self.lock:
            return {
                "emails": len(self.emails),
                "keys": len(per_key),
                "sent_twice": sorted(str(k) for k, n in per_key.items() if n > 1),
                "statuses": {str(k): v for k, v in self.statuses.items()},
            }


def error(status: int, name: str, message: str) -> dict[str, Any]:
    return {"statusCode": status, "name": name, "message": message}


def invalid(email: Any, rejected: set[str]) -> dict[str, Any] | None:
    """Resend's 422 for a body it cannot send, or None."""
    if not isinstance(email, dict):
        return error(422, "validation_error", "The request body must be a JSON object.")
    for name in ("from", "to", "subject"):
        if not email.get(name):
            return error(422, "missing_required_field", f"Missing `{name}` field.")
    if not (email.get("html") or email.get("text")):
        return error(422, "validation_error", "Missing `html` or `text` field.")
    recipients = email["to"] if isinstance(email["to"], list) else [email["to"]]
    for address in recipients:
        if not isinstance(address, str) or not ADDRESS.match(address) or address in rejected:
            message = (
                "Invalid `to` field. The email address needs to follow the `email@example.com` "
                "or `Name <email@example.com>` format."
            )
            return error(422, "validation_error", message)
    return None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--api-key", default=API_KEY)
    parser.add_argument("--fail-rate", type=float, default=0.0)
    args = parser.parse_args()
    stand_in = ResendStandIn(api_key=args.api_key, fail_rate=args.fail_rate, port=args.port)
    print(stand_in.url, flush=True)
    stand_in.server.serve_forever()


if __name__ == "__main__":
    main()
