"""Use cases of accounts: register, log in (throttled), profile, password, logout, deletion."""

from __future__ import annotations

import hashlib
import math
import secrets
import urllib.parse
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from taskai.domain.account_emails import render_password_reset
from taskai.domain.days import DayClock, check_reminder_time
from taskai.domain.emails import Email
from taskai.domain.login_guard import PER_ACCOUNT, PER_ADDRESS
from taskai.domain.names import email_key
from taskai.domain.projects import Project
from taskai.domain.users import (
    User,
    check_email,
    check_language,
    check_password,
    check_timezone,
)
from taskai.errors import Conflict, Forbidden, InvalidInput, TooManyAttempts, Unauthorized
from taskai.ports import PasswordHasher, TokenIssuer, UnitOfWork
from taskai.services.reminders import BATCH, follow_reminder_time
from taskai.telemetry.metrics import metrics


@dataclass(frozen=True)
class Session:
    """What a successful register or login hands back."""

    user: User
    access_token: str
    expires_in: int


def new_password(
    password: str, *, passwords: PasswordHasher, user: User | None, field: str = "password"
) -> str:
    """Apply the password policy: length, bcrypt's 72 bytes, and not a common password (nor
    the account's email or name); raises InvalidInput naming `field`."""
    try:
        check_password(password)
    except InvalidInput as e:
        raise InvalidInput(e.message, fields={field: e.fields["password"]}) from e
    related = [user.email, user.email.split("@")[0], user.name] if user else []
    if passwords.is_guessable(password, related=related):
        message = "is too common or too easy to guess"
        raise InvalidInput(f"{field} {message}", fields={field: message})
    return password


def register(
    *,
    uow: UnitOfWork,
    tokens: TokenIssuer,
    email: str,
    password: str,
    name: str = "",
    timezone: str = "UTC",
    language: str | None = None,
    now: datetime,
    passwords: PasswordHasher,
) -> Session:
    """Create an account and log it in; raises InvalidInput, or Conflict for a known email."""
    draft = User(email=check_email(email), password_hash="", name=name.strip())
    user = User(
        email=draft.email,
        password_hash=passwords.hash(new_password(password, passwords=passwords, user=draft)),
        name=draft.name,
        timezone=check_timezone(timezone),
        language=check_language(language) if language else None,
        created_at=now,
    )
    with uow:
        if uow.users.by_email(user.email) is not None:
            raise Conflict(
                "an account with this email exists", fields={"email": "already registered"}
            )
        uow.users.add(user)
        uow.projects.add(Project.new_inbox(user_id=user.id, now=now))
        uow.commit()
    return Session(user, tokens.issue(user.id, now=now), tokens.ttl_seconds)


def login(
    *,
    uow: UnitOfWork,
    tokens: TokenIssuer,
    email: str,
    password: str,
    address: str,
    now: datetime,
    passwords: PasswordHasher,
) -> Session:
    """Exchange email and password for a token; Unauthorized for every kind of failure, and
    TooManyAttempts (429) while the account or the address is locked after repeated failures."""
    account, client = f"account:{email_key(email)[:320]}", f"address:{address}"
    with uow:
        locked_until = uow.users.attempts.locked_until([account, client], now)
        user = uow.users.by_email(email)
    if locked_until is not None:
        wait = max(1, math.ceil((locked_until - now).total_seconds()))
        metrics().login_throttled.labels("login").inc()
        raise TooManyAttempts("too many failed logins; try again later", retry_after_s=wait)
    known_hash = user.password_hash if user else None
    if not passwords.matches(password, known_hash) or user is None:
        with uow:
            uow.users.attempts.failed(account, PER_ACCOUNT, now)
            uow.users.attempts.failed(client, PER_ADDRESS, now)
            uow.commit()
        raise Unauthorized("wrong email or password")
    with uow:
        uow.users.attempts.clear(account)
        uow.commit()
    return Session(
        user, tokens.issue(user.id, now=now, version=user.token_version), tokens.ttl_seconds
    )


def get_profile(*, uow: UnitOfWork, user_id: uuid.UUID) -> User:
    """The caller's account; raises NotFound."""
    with uow:
        return uow.users.get(user_id)


def update_profile(
    *, uow: UnitOfWork, user_id: uuid.UUID, changes: dict[str, str], now: datetime
) -> User:
    """Change name, time zone (all-day tasks keep their dates, see follow_zone), language or
    all-day reminder time (HH:MM; pending reminders of all-day tasks follow it); the password
    has its own use case. Raises InvalidInput for an unknown zone or language or a bad time."""
    with uow:
        user = uow.users.get(user_id)
        if "name" in changes:
            user.name = changes["name"].strip()
        if "timezone" in changes:
            was = user.clock
            user.timezone = check_timezone(changes["timezone"])
            if user.timezone != was.tz:
                follow_zone(uow=uow, user=user, was=was, now=now)
        if "language" in changes:
            user.language = check_language(changes["language"])
        if "all_day_reminder_time" in changes:
            user.all_day_reminder_time = check_reminder_time(changes["all_day_reminder_time"])
            follow_reminder_time(uow=uow, user=user, now=now)
        uow.commit()
        return user


def follow_zone(
    *, uow: UnitOfWork, user: User, was: DayClock, now: datetime, batch: int = BATCH
) -> int:
    """Keep `user`'s all-day tasks on their dates after a zone change (from clock `was`): each
    starts at its date's midnight in the new zone, `batch` per statement, and their offset
    reminders follow (as after a reminder time change: no events); returns how many moved."""
    clock, after, moved = user.clock, None, 0
    while True:
        found = uow.tasks.all_day_starts(user.id, after=after, limit=batch)
        uow.tasks.reanchor(user.id, [(i, clock.start(was.day(due_at))) for i, due_at in found])
        moved += len(found)
        if len(found) < batch:
            break
        after = found[-1][0]
    follow_reminder_time(uow=uow, user=user, now=now, batch=batch)
    return moved


def confirm_password(
    uow: UnitOfWork,
    user: User,
    password: str,
    *,
    field: str,
    now: datetime,
    passwords: PasswordHasher,
) -> None:
    """Check the account's password before a sensitive change; failures count as logins do.
    Raises TooManyAttempts while the account is locked, Forbidden for a wrong password."""
    account = f"account:{user.email_key}"
    locked_until = uow.users.attempts.locked_until([account], now)
    if locked_until is not None:
        wait = max(1, math.ceil((locked_until - now).total_seconds()))
        metrics().login_throttled.labels("password_check").inc()
        raise TooManyAttempts("too many wrong passwords; try again later", retry_after_s=wait)
    if not passwords.matches(password, user.password_hash):
        uow.users.attempts.failed(account, PER_ACCOUNT, now)
        uow.commit()
        raise Forbidden("the password is not right", fields={field: "is not your password"})


def change_password(
    *,
    uow: UnitOfWork,
    user_id: uuid.UUID,
    current_password: str,
    new: str,
    now: datetime,
    passwords: PasswordHasher,
) -> None:
    """Replace the password, given the current one; every token issued before stops working.
    Raises Forbidden or TooManyAttempts (as confirm_password), InvalidInput for a weak one."""
    with uow:
        user = uow.users.get(user_id)
        confirm_password(
            uow,
            user,
            current_password,
            field="current_password",
            now=now,
            passwords=passwords,
        )
        checked = new_password(new, passwords=passwords, user=user, field="new_password")
        user.password_hash = passwords.hash(checked)
        user.end_sessions()
        uow.commit()


def logout(*, uow: UnitOfWork, user_id: uuid.UUID) -> None:
    """End the caller's sessions: the token used, and every other one of the account."""
    with uow:
        uow.users.get(user_id).end_sessions()
        uow.commit()


def delete_account(
    *,
    uow: UnitOfWork,
    user_id: uuid.UUID,
    password: str,
    now: datetime,
    passwords: PasswordHasher,
) -> None:
    """Delete the account with its tasks (each announced as deleted), tags, reminders and logs;
    raises Forbidden or TooManyAttempts (as confirm_password)."""
    with uow:
        user = uow.users.get(user_id)
        confirm_password(uow, user, password, field="password", now=now, passwords=passwords)
        for task in uow.tasks.changed_since(user_id, -1):
            task.clock = user.clock
            task.delete(now=now)
            uow.delete_task(task)
        for tag in uow.tags.changed_since(user_id, -1):
            uow.delete_tag(tag)
        uow.users.attempts.clear(f"account:{user.email_key}")
        uow.commit()  # the deletions are announced (outbox) and stamped on the user row first
        uow.users.delete(user)  # then the account; what is left of it cascades
        uow.commit()


RESET_VALID = timedelta(minutes=30)


def request_password_reset(
    *, uow: UnitOfWork, email: str, now: datetime, public_url: str, sender: str
) -> Email | None:
    """A single-use reset link for the account of `email`, as the email to send; None when
    there is no such account (the caller answers the same either way)."""
    with uow:
        user = uow.users.by_email(email)
        if user is None:
            return None
        token = secrets.token_urlsafe(32)
        uow.users.resets.add(
            token_hash=token_digest(token), user_id=user.id, now=now, expires_at=now + RESET_VALID
        )
        uow.commit()
    query = urllib.parse.urlencode({"token": token})
    return render_password_reset(
        to=user.email,
        sender=sender,
        link=f"{public_url.rstrip('/')}/reset-password?{query}",
        minutes=int(RESET_VALID.total_seconds() // 60),
        key=f"password-reset-{token_digest(token)[:32]}",
    )


def reset_password(
    *, uow: UnitOfWork, token: str, new: str, now: datetime, passwords: PasswordHasher
) -> None:
    """Set a new password with a reset link's token; the token and every session end. Raises
    Forbidden for an unknown, used or expired token, InvalidInput for a weak password."""
    with uow:
        user_id = uow.users.resets.redeem(token_digest(token), now)
        if user_id is None:
            message = "the reset link is invalid, used or expired"
            raise Forbidden(message, fields={"token": message})
        user = uow.users.get(user_id)
        checked = new_password(new, passwords=passwords, user=user, field="new_password")
        user.password_hash = passwords.hash(checked)
        user.end_sessions()
        uow.users.attempts.clear(f"account:{user.email_key}")
        uow.commit()


def token_digest(token: str) -> str:
    """Reset tokens are kept only as their SHA-256: a database leak cannot be used to reset."""
    return hashlib.sha256(token.encode()).hexdigest()
