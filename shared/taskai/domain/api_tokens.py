"""Personal API tokens: long-lived secrets for scripts, each limited to some scopes.

A token reads `tai_<the owner's id, 32 hex digits><random secret>`: the owner's id lets a request
name its caller before any database read (as a session's JWT does), and the whole token's
SHA-256, looked up in the request's one transaction together with the owner, proves it. SHA-256
and not bcrypt: the secret is 256 random bits, so nothing can be guessed however fast the hash
is, and a fast hash can be indexed and looked up on every request (a salted slow hash cannot).
"""

from __future__ import annotations

import hashlib
import secrets
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Literal, get_args

from taskai.domain.names import checked_name
from taskai.errors import Forbidden, InvalidInput, Unauthorized

Scope = Literal[
    "tasks:read",
    "tasks:write",
    "tags:read",
    "tags:write",
    "projects:read",
    "projects:write",
    "webhooks:write",
    "account:read",
]
SCOPES: tuple[Scope, ...] = get_args(Scope)
# What an operation needs that no API token has: a session (a password login).
SESSION = "session"
# The scope that reads each kind of row (sync, the live stream, webhooks' events of that kind).
READ_SCOPE = {
    "task": "tasks:read",
    "filter": "tasks:read",
    "tag": "tags:read",
    "project": "projects:read",
    "section": "projects:read",
}
PREFIX = "tai_"
MAX_NAME_LENGTH = 100
MAX_TOKENS = 50  # per account
MAX_LIFETIME = timedelta(days=365)
USE_STAMP_EVERY = timedelta(minutes=1)  # last_used_at is written at most this often


class InsufficientScope(Forbidden):
    """The token is valid but lacks the scope the operation needs (RFC 6750 §3.1)."""

    code = "insufficient_scope"

    def __init__(self, scope: str) -> None:
        if scope == SESSION:
            message = "API tokens cannot do this; log in with a password"
        else:
            message = f"this token lacks the scope {scope}"
        super().__init__(message)
        self.scope = scope


@dataclass(frozen=True)
class Credential:
    """Who a request says it is, and the scope its operation needs: a session (the account's
    token version it was issued at) or an API token (its SHA-256 hex digest)."""

    user_id: uuid.UUID
    version: int = 0
    token_hash: str | None = None
    needs: str | None = None  # a Scope, SESSION, or None (nothing beyond the account)


@dataclass(eq=False)
class ApiToken:
    """A personal API token of one account, kept as its hash; `scopes` is what it may do."""

    user_id: uuid.UUID
    name: str
    scopes: tuple[str, ...]
    token_hash: str
    created_at: datetime
    expires_at: datetime | None = None
    last_used_at: datetime | None = None
    id: uuid.UUID = field(default_factory=uuid.uuid4)

    @classmethod
    def new(
        cls,
        *,
        user_id: uuid.UUID,
        name: str,
        scopes: list[str],
        expires_at: datetime | None,
        now: datetime,
    ) -> tuple[ApiToken, str]:
        """A new token and its secret (shown once); raises InvalidInput naming the field."""
        name = checked_name(
            " ".join(name.split()), max_length=MAX_NAME_LENGTH, field_name="name", what="name"
        )
        unknown = sorted(set(scopes) - set(SCOPES))
        if not scopes or unknown:
            message = "must be one or more of " + ", ".join(SCOPES)
            raise InvalidInput(f"scopes {message}", fields={"scopes": message})
        if expires_at is not None and not now < expires_at <= now + MAX_LIFETIME:
            message = "must be in the future and at most 365 days away"
            raise InvalidInput(f"expires_at {message}", fields={"expires_at": message})
        secret = PREFIX + user_id.hex + secrets.token_urlsafe(32)
        token = cls(
            user_id=user_id,
            name=name,
            scopes=tuple(s for s in SCOPES if s in scopes),
            token_hash=digest(secret),
            created_at=now,
            expires_at=expires_at,
        )
        return token, secret

    def authorize(self, needs: str | None, *, now: datetime) -> None:
        """Let the token do what needs `needs`; raises Unauthorized when it has expired,
        InsufficientScope when it lacks the scope (or the operation needs a session)."""
        if self.expires_at is not None and self.expires_at <= now:
            raise Unauthorized("token expired")
        if needs is not None and needs not in self.scopes:
            raise InsufficientScope(needs)

    def use_is_stale(self, now: datetime) -> bool:
        """Whether last_used_at is old enough to be written again (at most once a minute)."""
        return self.last_used_at is None or now - self.last_used_at >= USE_STAMP_EVERY


def needed_to_read(kinds: Iterable[str], scopes: tuple[str, ...] | None) -> str | None:
    """The first READ_SCOPE that `scopes` lacks to read rows of these `kinds` (task, project…);
    None when it has them all or is None (a session reads everything)."""
    if scopes is None:
        return None
    return next((READ_SCOPE[k] for k in kinds if READ_SCOPE[k] not in scopes), None)


def is_api_token(token: str) -> bool:
    """Whether a bearer token is shaped as an API token (else it is a session's JWT)."""
    return token.startswith(PREFIX)


def owner_of(token: str) -> uuid.UUID:
    """The account id an API token carries; raises Unauthorized for a malformed one."""
    try:
        return uuid.UUID(hex=token[len(PREFIX) : len(PREFIX) + 32])
    except ValueError as e:
        raise Unauthorized("invalid token") from e


def digest(token: str) -> str:
    """The SHA-256 hex digest under which an API token is kept and looked up."""
    return hashlib.sha256(token.encode()).hexdigest()
