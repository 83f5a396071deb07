"""Webhooks and their deliveries in SQL (issue 17): always read through their owner, except the
retry pass, which claims due deliveries of every owner."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from taskai.adapters import orm
from taskai.domain.webhooks import Delivery, Webhook
from taskai.errors import NotFound


class WebhookRepository:
    """Webhooks of one user at a time."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def add(self, webhook: Webhook) -> None:
        """Add the webhook to the session; inserted at flush."""
        self.session.add(webhook)

    def of_user(self, user_id: uuid.UUID) -> list[Webhook]:
        """The user's webhooks, oldest first."""
        c = orm.webhooks.c
        stmt = select(Webhook).where(c.user_id == user_id).order_by(c.created_at, c.id)
        return list(self.session.scalars(stmt))

    def count(self, user_id: uuid.UUID) -> int:
        """How many webhooks the user has."""
        c = orm.webhooks.c
        return int(self.session.scalar(select(func.count()).where(c.user_id == user_id)) or 0)

    def get(self, user_id: uuid.UUID, webhook_id: uuid.UUID) -> Webhook:
        """One of the user's webhooks; raises NotFound (also for another user's)."""
        webhook = self.session.get(Webhook, webhook_id)
        if webhook is None or webhook.user_id != user_id:
            raise NotFound("webhook not found", fields={"id": "no such webhook"})
        return webhook

    def find(self, webhook_id: uuid.UUID) -> Webhook | None:
        """The webhook of this id, whoever owns it (for its deliveries), else None."""
        return self.session.get(Webhook, webhook_id)

    def delete(self, webhook: Webhook) -> None:
        """Delete the webhook with its deliveries."""
        self.session.delete(webhook)


class DeliveryRepository:
    """The outbox of webhook deliveries."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def add(self, delivery: Delivery) -> None:
        """Add the delivery to the session; inserted at flush (one per webhook and event)."""
        self.session.add(delivery)

    def exists(self, webhook_id: uuid.UUID, event_id: str) -> bool:
        """Whether the event already has a delivery to this webhook."""
        d = orm.webhook_deliveries.c
        stmt = select(d.id).where(d.webhook_id == webhook_id, d.event_id == event_id)
        return self.session.execute(stmt).first() is not None

    def get(self, delivery_id: uuid.UUID) -> Delivery | None:
        """The delivery of this id, locked until the transaction ends, else None."""
        return self.session.get(Delivery, delivery_id, with_for_update=True)

    def of_webhook(self, webhook_id: uuid.UUID, limit: int) -> list[Delivery]:
        """At most `limit` deliveries to the webhook, newest first."""
        d = orm.webhook_deliveries.c
        stmt = (
            select(Delivery)
            .where(d.webhook_id == webhook_id)
            .order_by(d.created_at.desc(), d.id)
            .limit(limit)
        )
        return list(self.session.scalars(stmt))

    def due(self, now: datetime, limit: int) -> list[Delivery]:
        """At most `limit` pending deliveries due by `now`, soonest first, locked (skipping
        those another pass holds)."""
        d = orm.webhook_deliveries.c
        stmt = (
            select(Delivery)
            .where(d.status == "pending", d.next_attempt_at <= now)
            .order_by(d.next_attempt_at)
            .limit(limit)
            .with_for_update(skip_locked=True)
        )
        return list(self.session.scalars(stmt))
