"""The calendar feed (issue 17): a secret URL per user serving tasks with due dates as iCalendar.

The URL's token is HMAC-SHA256(server key, a random nonce kept per user): the database keeps the
nonce and the token's SHA-256 (looked up on each fetch, as API tokens are), never the token, so
a copy of the database alone opens no feed, while the owner can still be shown the current URL.
Rotating draws a new nonce: the old URL is unknown from then on. Changing the server key (the
JWT secret) changes every URL, as it ends every session.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from taskai.domain.vocabulary import Priority

MAX_EVENTS = 5_000  # tasks in one feed: open ones with a due date first, then recent completed
COMPLETED_DAYS = 30  # completed tasks stay in the feed this long after completion
# RFC 5545 §3.8.1.9: 1 is the highest priority, 9 the lowest (0 undefined).
PRIORITY = {Priority.URGENT: 1, Priority.HIGH: 3, Priority.MEDIUM: 5, Priority.LOW: 9}
_CONTEXT = b"taskai calendar feed\x00"


@dataclass(eq=False)
class CalendarFeed:
    """The feed of one user: the nonce its token is derived from and that token's SHA-256."""

    user_id: uuid.UUID
    nonce: str
    token_hash: str
    created_at: datetime

    @classmethod
    def new(cls, *, user_id: uuid.UUID, key: str, now: datetime) -> CalendarFeed:
        """A feed with a fresh token derived from `key` (the server's secret)."""
        feed = cls(user_id=user_id, nonce="", token_hash="", created_at=now)
        feed.rotate(key=key, now=now)
        return feed

    def rotate(self, *, key: str, now: datetime) -> None:
        """Draw a new nonce: a new token, and the old one is no longer found."""
        self.nonce = secrets.token_hex(16)
        self.token_hash = digest(self.token(key))
        self.created_at = now

    def token(self, key: str) -> str:
        """The URL token (43 URL-safe characters) of this feed under `key`."""
        mac = hmac.new(key.encode(), _CONTEXT + self.nonce.encode(), hashlib.sha256).digest()
        return base64.urlsafe_b64encode(mac).decode().rstrip("=")


def digest(token: str) -> str:
    """The SHA-256 hex digest under which a feed token is kept and looked up."""
    return hashlib.sha256(token.encode()).hexdigest()


def completed_since(now: datetime) -> datetime:
    """The oldest completion time a completed task may have to stay in the feed."""
    return now - timedelta(days=COMPLETED_DAYS)


def entity_tag(change_seq: int, settings: str, now: datetime) -> str:
    """The feed's entity tag, unquoted ("c42-1a2b3c4d-20260301"): it changes with the owner's
    data (change_seq), settings (zone, reminder time) and the day (the completed window moves)."""
    settings_hash = hashlib.sha256(settings.encode()).hexdigest()[:8]
    return f"c{change_seq}-{settings_hash}-{now:%Y%m%d}"
