"""Use cases of accounts: register, log in, read and change the profile."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from taskai.adapters.security import TokenIssuer, hash_password, password_matches
from taskai.adapters.unit_of_work import UnitOfWork
from taskai.domain.users import User, check_password, check_timezone
from taskai.errors import Conflict, InvalidInput, Unauthorized


@dataclass(frozen=True)
class Session:
    """What a successful register or login hands back."""

    user: User
    access_token: str
    expires_in: int


def normalize_email(email: str) -> str:
    """Emails compare without case and surrounding spaces."""
    email = email.strip().lower()
    local, _, domain = email.partition("@")
    if not local or "." not in domain or " " in email or len(email) > 320:
        raise InvalidInput("invalid email address", fields={"email": "must be an email address"})
    return email


def register(
    *,
    uow: UnitOfWork,
    tokens: TokenIssuer,
    email: str,
    password: str,
    name: str = "",
    timezone: str = "UTC",
    now: datetime,
    bcrypt_rounds: int,
) -> Session:
    """Create an account and log it in."""
    email = normalize_email(email)
    user = User(
        email=email,
        password_hash=hash_password(check_password(password), rounds=bcrypt_rounds),
        name=name.strip(),
        timezone=check_timezone(timezone),
        created_at=now,
    )
    with uow:
        if uow.users.by_email(email) is not None:
            raise Conflict(
                "an account with this email exists", fields={"email": "already registered"}
            )
        uow.users.add(user)
        uow.commit()
    return Session(user, tokens.issue(user.id, now=now), tokens.ttl_seconds)


def login(
    *,
    uow: UnitOfWork,
    tokens: TokenIssuer,
    email: str,
    password: str,
    now: datetime,
    bcrypt_rounds: int,
) -> Session:
    """Exchange email and password for a token; one answer for every kind of failure."""
    with uow:
        user = uow.users.by_email(email.strip().lower())
    known_hash = user.password_hash if user else None
    if not password_matches(password, known_hash, rounds=bcrypt_rounds) or user is None:
        raise Unauthorized("wrong email or password")
    return Session(user, tokens.issue(user.id, now=now), tokens.ttl_seconds)


def get_profile(*, uow: UnitOfWork, user_id: uuid.UUID) -> User:
    """The caller's account."""
    with uow:
        return uow.users.get(user_id)


def update_profile(
    *, uow: UnitOfWork, user_id: uuid.UUID, changes: dict[str, str], bcrypt_rounds: int
) -> User:
    """Change name, time zone or password."""
    with uow:
        user = uow.users.get(user_id)
        if "name" in changes:
            user.name = changes["name"].strip()
        if "timezone" in changes:
            user.timezone = check_timezone(changes["timezone"])
        if "password" in changes:
            user.password_hash = hash_password(
                check_password(changes["password"]), rounds=bcrypt_rounds
            )
        uow.commit()
        return user
