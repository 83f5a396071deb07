"""CloudEvents POSTed to a sink over HTTP as Knative's delivery does: the policy (retries,
exponential backoff with a cap, Retry-After) and a kept-alive client. Shared by the KafkaSource
stand-in and `taskai redrive`."""

from __future__ import annotations

import email.utils
import http.client
import socket
import ssl
import threading
import time
import urllib.parse
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import NamedTuple

RETRYABLE = {404, 408, 409, 429}
HONOURS_RETRY_AFTER = {429, 503}  # as Knative: Retry-After counts only on these


@dataclass(frozen=True)
class Delivery:
    """How a KafkaSource delivers: the spec.delivery block of the manifest.

    The defaults ride out a database restart or a broker failover of several minutes: waits of
    1, 2, 4 … s, each capped at `max_backoff_s`, 10 retries: `budget_s` = 303 s.
    """

    retry: int = 10
    backoff_delay_s: float = 1.0
    timeout_s: float = 10.0
    max_backoff_s: float = 60.0  # caps each wait, a Retry-After included

    def backoff(self, attempt: int, retry_after_s: float | None = None) -> float:
        """The wait before retry number `attempt` + 1: exponential, at least any Retry-After."""
        wait = self.backoff_delay_s * 2**attempt
        if retry_after_s is not None:
            wait = max(wait, retry_after_s)
        return min(wait, self.max_backoff_s)

    @property
    def budget_s(self) -> float:
        """Seconds spent waiting between attempts before an event is dead-lettered."""
        return sum(self.backoff(attempt) for attempt in range(self.retry))

    @property
    def worst_case_s(self) -> float:
        """The longest one record can take: every wait, every attempt timing out."""
        return self.budget_s + (self.retry + 1) * self.timeout_s


class Answer(NamedTuple):
    status: int  # 0 when no answer came (timeout, refused, reset)
    retry_after_s: float | None = None


def retry_after(value: str | None, now: datetime | None = None) -> float | None:
    """A Retry-After header in seconds: delay-seconds or an HTTP date; None if absent or bad."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())


class SinkClient:
    """POSTs to one sink URL over a kept-alive connection, reconnecting after any failure.

    Each request goes out in one write (http.client builds the head header by header and
    writes it and the body apart: most of the stand-in's HTTP cost per event); the answer is
    read by http.client's own HTTPResponse, as HTTPConnection reads it.
    """

    def __init__(self, url: str, timeout_s: float) -> None:
        parts = urllib.parse.urlsplit(url)
        self.https, self.timeout_s = parts.scheme == "https", timeout_s
        self.host = parts.hostname or "127.0.0.1"
        self.port = parts.port or (443 if self.https else 80)
        path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        host = self.host if parts.port is None else f"{self.host}:{parts.port}"
        if ":" in self.host:
            host = f"[{self.host}]" if parts.port is None else f"[{self.host}]:{parts.port}"
        self.request_line = f"POST {path} HTTP/1.1\r\nHost: {host}\r\n"
        self.connection: socket.socket | None = None

    def post(self, headers: dict[str, str], body: bytes) -> int:
        """The HTTP status, or 0 when no answer came (timeout, refused, reset)."""
        return self.send(headers, body).status

    def send(self, headers: dict[str, str], body: bytes) -> Answer:
        """The HTTP status and, on a 429 or 503, the Retry-After it asked for; raises ValueError
        for a header that would break the request's head (a CR or LF in it, or not Latin-1)."""
        request = self.head(headers, len(body)) + body
        try:
            if self.connection is None:
                self.connection = self.connect()
            self.connection.sendall(request)
            response = http.client.HTTPResponse(self.connection, method="POST")
            response.begin()
            response.read()
        except (OSError, http.client.HTTPException):
            self.close()
            return Answer(0)
        if response.will_close:
            self.close()
        status = int(response.status)
        if status in HONOURS_RETRY_AFTER:
            return Answer(status, retry_after(response.getheader("Retry-After")))
        return Answer(status)

    def head(self, headers: dict[str, str], length: int) -> bytes:
        """The request's head: request line, Host, `headers` and the body's Content-Length."""
        lines = "".join(f"{name}: {value}\r\n" for name, value in headers.items())
        if lines.count("\n") != len(headers) or lines.count("\r") != len(headers):
            raise ValueError("a header name or value holds a line break")
        text = f"{self.request_line}{lines}Content-Length: {length}\r\n\r\n"
        return text.encode("latin-1")

    def connect(self) -> socket.socket:
        """A new connection to the sink (TLS for https), requests sent as soon as written."""
        connection = socket.create_connection((self.host, self.port), timeout=self.timeout_s)
        connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        if self.https:
            context = ssl.create_default_context()
            return context.wrap_socket(connection, server_hostname=self.host)
        return connection

    def close(self) -> None:
        """Close the kept-alive connection, if any; the next post opens a new one."""
        if self.connection is not None:
            self.connection.close()
            self.connection = None


def deliver(
    client: SinkClient,
    headers: dict[str, str],
    body: bytes,
    delivery: Delivery,
    stopped: threading.Event | None = None,
) -> int | None:
    """Try until success, a permanent failure, or the retries are spent: the last status;
    None when `stopped` was set during a wait (then the event is neither delivered nor failed)."""
    status = 0
    for attempt in range(delivery.retry + 1):
        status, wait_at_least = client.send(headers, body)
        if 200 <= status < 300:
            return status
        if status != 0 and status < 500 and status not in RETRYABLE:
            return status  # the event can never succeed: dead-letter it now
        if attempt < delivery.retry:
            wait = delivery.backoff(attempt, wait_at_least)
            if stopped is None:
                time.sleep(wait)
            elif stopped.wait(wait):
                return None
    return status
