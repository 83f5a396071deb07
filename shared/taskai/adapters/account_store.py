"""What accounts keep beside the users table: login counters and password-reset tokens."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import delete, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from taskai.adapters import orm
from taskai.domain.login_guard import Limit


class LoginAttempts:
    """login_attempts: failure counters of accounts and addresses, and their locks."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def locked_until(self, keys: list[str], now: datetime) -> datetime | None:
        """The latest lock among `keys` that still holds at `now`."""
        a = orm.login_attempts.c
        stmt = select(a.locked_until).where(a.key.in_(keys), a.locked_until > now)
        locks = [until for until in self.session.scalars(stmt) if until is not None]
        return max(locks, default=None)

    def failed(self, key: str, limit: Limit, now: datetime) -> None:
        """Count a failure; lock the counter when the limit says so."""
        a = orm.login_attempts.c
        row = self.session.execute(
            select(a.failures, a.last_failure_at).where(a.key == key).with_for_update()
        ).first()
        if row is None:
            try:
                with self.session.begin_nested():
                    self.session.execute(
                        insert(orm.login_attempts),
                        [{"key": key, "failures": 0, "last_failure_at": now}],
                    )
            except IntegrityError:  # a concurrent failure made the row first
                pass
            row = self.session.execute(
                select(a.failures, a.last_failure_at).where(a.key == key).with_for_update()
            ).one()
            failures = limit.failures_after(0, None, now)
        else:
            failures = limit.failures_after(row.failures, row.last_failure_at, now)
        delay = limit.delay(failures)
        self.session.execute(
            update(orm.login_attempts)
            .where(a.key == key)
            .values(
                failures=failures, last_failure_at=now, locked_until=now + delay if delay else None
            )
        )

    def clear(self, key: str) -> None:
        """Delete the failure counter (and any lock) of `key`."""
        self.session.execute(delete(orm.login_attempts).where(orm.login_attempts.c.key == key))


class PasswordResets:
    """password_resets: single-use reset tokens, kept only as their SHA-256."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def add(
        self, *, token_hash: str, user_id: uuid.UUID, now: datetime, expires_at: datetime
    ) -> None:
        """Insert the token's SHA-256 hex digest for `user_id`, created at `now`, valid until
        `expires_at`."""
        self.session.execute(
            insert(orm.password_resets),
            [
                {
                    "token_hash": token_hash,
                    "user_id": user_id,
                    "created_at": now,
                    "expires_at": expires_at,
                }
            ],
        )

    def redeem(self, token_hash: str, now: datetime) -> uuid.UUID | None:
        """The user of an unused, unexpired token, which is used up now; else None."""
        r = orm.password_resets.c
        stmt = (
            update(orm.password_resets)
            .where(r.token_hash == token_hash, r.used_at.is_(None), r.expires_at > now)
            .values(used_at=now)
            .returning(r.user_id)
        )
        user_id = self.session.execute(stmt).scalar_one_or_none()
        if user_id is not None:  # the other links sent to this user stop working too
            self.session.execute(
                update(orm.password_resets)
                .where(r.user_id == user_id, r.used_at.is_(None))
                .values(used_at=now)
            )
        return user_id
