"""Webhooks: a user's URL that receives the CloudEvents of their own changes, signed per the
Standard Webhooks specification, and the deliveries to it (an outbox, retried with backoff).

A delivery is retried with exponential backoff (1 min, 2 min, 4 min … at most 6 h apart) for
`RETRY_FOR` after its event; a webhook whose deliveries have failed without a success in between
for `DISABLE_AFTER`, or whose delivery failed for good, is disabled, with the reason shown to its
owner, who may enable it again.
"""

from __future__ import annotations

import base64
import secrets
import urllib.parse
import uuid
from collections.abc import Collection, Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Literal

from taskai.errors import InvalidInput

ALL_TYPES = "*"
MAX_WEBHOOKS = 20  # per account
MAX_URL_LENGTH = 2000
MAX_ERROR_LENGTH = 500
SECRET_PREFIX = "whsec_"  # the Standard Webhooks secret format: whsec_ + base64 of the key
RETRY_FOR = timedelta(hours=24)
DISABLE_AFTER = timedelta(hours=24)
FIRST_WAIT = timedelta(minutes=1)
MAX_WAIT = timedelta(hours=6)
LEASE = timedelta(minutes=2)  # a claimed delivery whose sender died is retried after this
DeliveryStatus = Literal["pending", "delivered", "failed"]


def check_url(url: str, *, plain_http_hosts: Collection[str]) -> str:
    """The URL, if it is https (or http to a host of `plain_http_hosts`) with a host and no
    credentials, written in ASCII without spaces (RFC 3986: percent-encoded path, punycode
    host); raises InvalidInput naming `url`."""
    if not url.isascii() or any(c.isspace() or not c.isprintable() for c in url):
        raise _bad_url("must be ASCII without spaces (percent-encode the rest, punycode the host)")
    try:
        parts = urllib.parse.urlsplit(url)
        host = (parts.hostname or "").lower()
        parts.port  # noqa: B018  # raises ValueError for a port out of range
    except ValueError as e:
        raise _bad_url("must be a valid URL") from e
    if len(url) > MAX_URL_LENGTH:
        raise _bad_url(f"must be at most {MAX_URL_LENGTH} characters")
    if parts.scheme not in ("https", "http") or not host:
        raise _bad_url("must be an https:// URL with a host")
    if parts.port == 0:
        raise _bad_url("must not name port 0")
    if parts.scheme == "http" and host not in plain_http_hosts:
        raise _bad_url("must use https (plain http only to an allowed host)")
    if parts.username is not None or parts.password is not None:
        raise _bad_url("must not carry credentials")
    if parts.fragment:
        raise _bad_url("must not have a #fragment")
    return url


def _bad_url(message: str) -> InvalidInput:
    return InvalidInput(f"url {message}", fields={"url": message})


def check_event_types(event_types: Iterable[str], known: Collection[str]) -> tuple[str, ...]:
    """The wanted types, deduplicated and sorted: ("*",) when it is among them, else known
    types; raises InvalidInput naming `event_types`."""
    wanted = sorted(set(event_types))
    if ALL_TYPES in wanted:  # every type, whatever else is named
        return (ALL_TYPES,)
    if not wanted or any(t not in known for t in wanted):
        message = 'must be ["*"] or one or more of ' + ", ".join(sorted(known))
        raise InvalidInput(f"event_types {message}", fields={"event_types": message})
    return tuple(wanted)


def new_secret() -> str:
    """A fresh signing secret in the Standard Webhooks format: whsec_ + base64 of 32 bytes."""
    return SECRET_PREFIX + base64.b64encode(secrets.token_bytes(32)).decode()


@dataclass(eq=False)
class Webhook:
    """A URL of one account's that receives its events of `event_types`, signed with `secret`."""

    user_id: uuid.UUID
    url: str
    event_types: tuple[str, ...]
    secret: str
    created_at: datetime
    updated_at: datetime
    enabled: bool = True
    disabled_reason: str | None = None
    failing_since: datetime | None = None  # the first failed attempt since the last success
    id: uuid.UUID = field(default_factory=uuid.uuid4)

    def wants(self, event_type: str) -> bool:
        """Whether an event of this type is delivered here (when enabled)."""
        return ALL_TYPES in self.event_types or event_type in self.event_types

    def enable(self, now: datetime) -> None:
        """Deliver again, the run of failures forgotten."""
        self.enabled, self.disabled_reason, self.failing_since = True, None, None
        self.updated_at = now

    def disable(self, reason: str | None, now: datetime) -> None:
        """Stop delivering; `reason` is shown to the owner (None: the owner turned it off)."""
        self.enabled, self.disabled_reason = False, reason
        self.updated_at = now

    def succeeded(self) -> None:
        """A delivery succeeded: the run of failures is over."""
        self.failing_since = None

    def failed(self, delivery: Delivery, now: datetime) -> None:
        """A delivery attempt failed: once a delivery has failed for good, or attempts have
        failed without a success for DISABLE_AFTER, disable the webhook."""
        if self.failing_since is None:
            self.failing_since = now
        given_up = delivery.status == "failed"
        if self.enabled and (given_up or now - self.failing_since >= DISABLE_AFTER):
            hours = int(RETRY_FOR.total_seconds() // 3600)
            self.disable(
                f"deliveries failed for {hours} hours without a success; the last: "
                f"{delivery.last_error}",
                now,
            )


@dataclass(eq=False)
class Delivery:
    """One event to one webhook: pending until delivered, or failed for good after RETRY_FOR."""

    webhook_id: uuid.UUID
    event_id: str
    event_type: str
    payload: str  # the structured CloudEvent JSON, exactly as signed and sent
    created_at: datetime
    next_attempt_at: datetime | None
    status: DeliveryStatus = "pending"
    attempts: int = 0
    response_status: int | None = None
    last_error: str | None = None
    finished_at: datetime | None = None
    id: uuid.UUID = field(default_factory=uuid.uuid4)

    def claim(self, now: datetime) -> None:
        """Take the next attempt now; if its sender dies, the delivery is due again after LEASE."""
        self.next_attempt_at = now + LEASE

    def record(self, status: int, error: str | None, now: datetime) -> bool:
        """Record an attempt's answer (`status` 0: none came); whether it succeeded. A failure
        is retried after an exponential wait, or fails for good once RETRY_FOR is spent."""
        self.attempts += 1
        self.response_status = status or None
        if 200 <= status < 300:
            self.status, self.last_error = "delivered", None
            self.next_attempt_at, self.finished_at = None, now
            return True
        self.last_error = (error or f"HTTP {status}")[:MAX_ERROR_LENGTH]
        wait = min(FIRST_WAIT * 2 ** (self.attempts - 1), MAX_WAIT)
        if now + wait > self.created_at + RETRY_FOR:
            self.give_up(self.last_error, now)
        else:
            self.next_attempt_at = now + wait
        return False

    def give_up(self, error: str, now: datetime) -> None:
        """Fail for good: no attempt follows."""
        self.status, self.last_error = "failed", error[:MAX_ERROR_LENGTH]
        self.next_attempt_at, self.finished_at = None, now
