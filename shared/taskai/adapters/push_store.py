"""Web Push subscriptions and the log of push attempts in SQL (issue 17)."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.orm import Session

from taskai.adapters import orm
from taskai.domain.push import PushSubscription
from taskai.errors import NotFound


class PushSubscriptionRepository:
    """Push subscriptions, read through their owner."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def add(self, subscription: PushSubscription) -> None:
        """Add the subscription to the session; inserted at flush (a second one of the same
        user and endpoint fails the commit with Conflict)."""
        self.session.add(subscription)

    def of_user(self, user_id: uuid.UUID) -> list[PushSubscription]:
        """The user's subscriptions, oldest first."""
        c = orm.push_subscriptions.c
        stmt = select(PushSubscription).where(c.user_id == user_id)
        return list(self.session.scalars(stmt.order_by(c.created_at, c.id)))

    def count(self, user_id: uuid.UUID) -> int:
        """How many subscriptions the user has."""
        c = orm.push_subscriptions.c
        return int(self.session.scalar(select(func.count()).where(c.user_id == user_id)) or 0)

    def by_endpoint(self, user_id: uuid.UUID, endpoint: str) -> PushSubscription | None:
        """The user's subscription to this endpoint, else None."""
        c = orm.push_subscriptions.c
        stmt = select(PushSubscription).where(c.user_id == user_id, c.endpoint == endpoint)
        return self.session.scalars(stmt).first()

    def get(self, user_id: uuid.UUID, subscription_id: uuid.UUID) -> PushSubscription:
        """One of the user's subscriptions; raises NotFound (also for another user's)."""
        found = self.session.get(PushSubscription, subscription_id)
        if found is None or found.user_id != user_id:
            raise NotFound("push subscription not found", fields={"id": "no such subscription"})
        return found

    def remove(self, subscription_id: uuid.UUID) -> None:
        """Delete the subscription of this id, if it is still there (a push service said gone)."""
        c = orm.push_subscriptions.c
        self.session.execute(delete(orm.push_subscriptions).where(c.id == subscription_id))


class PushAttemptLog:
    """push_attempts: one row per attempt to push a reminder to one subscription."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def last_attempts(self, reminder_id: uuid.UUID) -> dict[uuid.UUID, dict[str, Any]]:
        """The reminder's latest attempt row per subscription id, as dicts."""
        c = orm.push_attempts.c
        stmt = select(orm.push_attempts).where(c.reminder_id == reminder_id).order_by(c.attempt)
        return {row.subscription_id: dict(row._mapping) for row in self.session.execute(stmt)}

    def start(self, **row: object) -> None:
        """Record an attempt; a concurrent claim of the same attempt fails the commit."""
        with self.session.no_autoflush:
            self.session.execute(insert(orm.push_attempts), [row])

    def finish(
        self, reminder_id: uuid.UUID, subscription_id: uuid.UUID, attempt: int, **outcome: object
    ) -> None:
        """Set the outcome columns (status, response_status, error, finished_at) of an attempt."""
        c = orm.push_attempts.c
        stmt = update(orm.push_attempts).where(
            c.reminder_id == reminder_id, c.subscription_id == subscription_id, c.attempt == attempt
        )
        self.session.execute(stmt.values(**outcome))

    def of_reminder(self, reminder_id: uuid.UUID) -> list[dict[str, Any]]:
        """Every push attempt row of the reminder as dicts, in the order they were made."""
        c = orm.push_attempts.c
        stmt = select(orm.push_attempts).where(c.reminder_id == reminder_id).order_by(c.id)
        return [dict(r._mapping) for r in self.session.execute(stmt)]
