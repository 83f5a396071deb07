"""CloudEvents POSTed to a sink over HTTP as Knative's delivery does: the policy (retries,
exponential backoff with a cap, Retry-After) and a kept-alive client. Shared by the KafkaSource
stand-in and `taskai redrive`."""

from __future__ import annotations

import email.utils
import http.client
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
    """POSTs to one sink URL over a kept-alive connection, reconnecting after any failure."""

    def __init__(self, url: str, timeout_s: float) -> None:
        parts = urllib.parse.urlsplit(url)
        self.host, self.port = parts.hostname or "127.0.0.1", parts.port
        self.path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        self.https, self.timeout_s = parts.scheme == "https", timeout_s
        self.connection: http.client.HTTPConnection | None = None

    def post(self, headers: dict[str, str], body: bytes) -> int:
        """The HTTP status, or 0 when no answer came (timeout, refused, reset)."""
        return self.send(headers, body).status

    def send(self, headers: dict[str, str], body: bytes) -> Answer:
        """The HTTP status and, on a 429 or 503, the Retry-After it asked for."""
        try:
            if self.connection is None:
                kind = http.client.HTTPSConnection if self.https else http.client.HTTPConnection
                self.connection = kind(self.host, self.port, timeout=self.timeout_s)
            self.connection.request("POST", self.path, body=body, headers=headers)
            response = self.connection.getresponse()
            response.read()
        except (OSError, http.client.HTTPException):
            self.close()
            return Answer(0)
        status = int(response.status)
        if status in HONOURS_RETRY_AFTER:
            return Answer(status, retry_after(response.getheader("Retry-After")))
        return Answer(status)

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
