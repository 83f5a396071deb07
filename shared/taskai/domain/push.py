"""Web Push subscriptions (issue 17): a browser's push endpoint and the keys its pushes are
encrypted to (RFC 8291), and what a reminder's push says."""

from __future__ import annotations

import base64
import binascii
import json
import uuid
from dataclasses import dataclass, field
from datetime import datetime

from taskai.errors import InvalidInput

MAX_SUBSCRIPTIONS = 20  # per account: a few browsers on a few devices
P256DH_BYTES = 65  # an uncompressed P-256 point: 0x04, x, y
AUTH_BYTES = 16
REMINDER_TTL_S = 4 * 3600  # a reminder kept by the push service longer than this is stale
TEST_TTL_S = 60
URGENCY = "high"  # RFC 8030 §5.3: a reminder is time-sensitive


@dataclass
class PushSubscription:
    """A browser's push subscription of a user's: where to POST, and whom to encrypt to."""

    user_id: uuid.UUID
    endpoint: str
    p256dh: str  # base64url, as the browser's PushSubscription.toJSON() gives it
    auth: str
    created_at: datetime
    id: uuid.UUID = field(default_factory=uuid.uuid4)

    def info(self) -> dict[str, object]:
        """The subscription as pywebpush and the Push API's toJSON() shape it."""
        return {"endpoint": self.endpoint, "keys": {"p256dh": self.p256dh, "auth": self.auth}}


def check_keys(p256dh: str, auth: str) -> None:
    """Refuse a p256dh that is not a 65-byte uncompressed P-256 point or an auth that is not
    16 bytes, both base64url; InvalidInput naming keys.p256dh or keys.auth."""
    point = b64url(p256dh)
    if point is None or len(point) != P256DH_BYTES or point[0] != 4:
        raise _bad("keys.p256dh", "must be a 65-byte uncompressed P-256 point, base64url")
    secret = b64url(auth)
    if secret is None or len(secret) != AUTH_BYTES:
        raise _bad("keys.auth", "must be 16 bytes, base64url")


def b64url(text: str) -> bytes | None:
    """The bytes of unpadded (or padded) base64url text, else None."""
    if not text or any(c in "+/" for c in text):
        return None
    try:
        return base64.urlsafe_b64decode(text.rstrip("=") + "=" * (-len(text.rstrip("=")) % 4))
    except (binascii.Error, ValueError):
        return None


def reminder_payload(*, task_id: uuid.UUID, title: str, due: datetime | None) -> str:
    """The small JSON a reminder's push carries: {task_id, title, due (ISO 8601 or null)}."""
    return json.dumps(
        {"task_id": str(task_id), "title": title, "due": due.isoformat() if due else None}
    )


def sample_payload() -> str:
    """The JSON of a test notification: no task, a title saying what it is."""
    return json.dumps({"task_id": None, "title": "TaskAI test notification", "due": None})


def _bad(name: str, message: str) -> InvalidInput:
    return InvalidInput(f"{name} {message}", fields={name: message})
