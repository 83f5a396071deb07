"""Use cases of webhooks: manage them (create, list, change, delete, list deliveries), record
the deliveries an event owes, and attempt them (at once, then on each retry tick)."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from taskai.contracts.data import EventData
from taskai.contracts.registry import TYPES
from taskai.domain.api_tokens import InsufficientScope, needed_to_read
from taskai.domain.webhooks import (
    ALL_TYPES,
    MAX_WEBHOOKS,
    Delivery,
    Webhook,
    check_event_types,
    new_secret,
)
from taskai.errors import Conflict, InvalidInput
from taskai.ports import UnitOfWork, WebhookSender

CONSUMER = "webhooks"
RETRY_BATCH = 50  # deliveries attempted per retry tick, at most
TOPIC = "task-events"
EVENT_TYPES = frozenset(name for name, kind in TYPES.items() if kind.topic == TOPIC)


def create_webhook(
    *,
    uow: UnitOfWork,
    sender: WebhookSender,
    user_id: uuid.UUID,
    url: str,
    event_types: Iterable[str],
    now: datetime,
) -> Webhook:
    """A new enabled webhook of the user's with a fresh secret (shown once); raises InvalidInput
    naming url or event_types (an address SSRF forbids included), Conflict at MAX_WEBHOOKS."""
    wanted = check_event_types(event_types, EVENT_TYPES)
    sender.check(url)
    webhook = Webhook(
        user_id=user_id,
        url=url,
        event_types=wanted,
        secret=new_secret(),
        created_at=now,
        updated_at=now,
    )
    with uow:
        ensure_readable(wanted, uow.scopes)
        if uow.webhooks.count(user_id) >= MAX_WEBHOOKS:
            raise Conflict(f"an account has at most {MAX_WEBHOOKS} webhooks; delete one first")
        uow.webhooks.add(webhook)
        uow.commit()
    return webhook


def ensure_readable(event_types: Iterable[str], scopes: tuple[str, ...] | None) -> None:
    """Refuse an API token a webhook of events carrying rows it may not read (a webhooks:write
    token would otherwise receive every task); raises InsufficientScope naming the read scope."""
    kinds = {t.split(".")[2] for t in EVENT_TYPES if ALL_TYPES in event_types or t in event_types}
    if (missing := needed_to_read(sorted(kinds), scopes)) is not None:
        raise InsufficientScope(missing)


def list_webhooks(*, uow: UnitOfWork, user_id: uuid.UUID) -> list[Webhook]:
    """The user's webhooks, oldest first."""
    with uow:
        return uow.webhooks.of_user(user_id)


def update_webhook(
    *,
    uow: UnitOfWork,
    sender: WebhookSender,
    user_id: uuid.UUID,
    webhook_id: uuid.UUID,
    changes: dict[str, Any],
    now: datetime,
) -> Webhook:
    """Change url, event_types or enabled (`enabled: true` re-enables a disabled one); raises
    NotFound, InvalidInput naming the field."""
    types = changes.get("event_types")
    wanted = None if types is None else check_event_types(types, EVENT_TYPES)
    if changes.get("url") is not None:
        sender.check(changes["url"])
    with uow:
        webhook = uow.webhooks.get(user_id, webhook_id)
        ensure_readable(wanted or webhook.event_types, uow.scopes)
        if changes.get("url") is not None:
            webhook.url = changes["url"]
        if wanted is not None:
            webhook.event_types = wanted
        if changes.get("enabled") is True:
            webhook.enable(now)
        elif changes.get("enabled") is False:
            webhook.disable(None, now)
        webhook.updated_at = now
        uow.commit()
    return webhook


def delete_webhook(*, uow: UnitOfWork, user_id: uuid.UUID, webhook_id: uuid.UUID) -> None:
    """Delete one of the user's webhooks with its deliveries; raises NotFound."""
    with uow:
        uow.webhooks.delete(uow.webhooks.get(user_id, webhook_id))
        uow.commit()


def list_deliveries(
    *, uow: UnitOfWork, user_id: uuid.UUID, webhook_id: uuid.UUID, limit: int
) -> list[Delivery]:
    """At most `limit` deliveries to one of the user's webhooks, newest first; raises NotFound."""
    with uow:
        return uow.deliveries.of_webhook(uow.webhooks.get(user_id, webhook_id).id, limit)


def record_deliveries(
    *,
    uow: UnitOfWork,
    user_id: uuid.UUID,
    event_id: str,
    event_type: str,
    payload: str,
    now: datetime,
) -> list[uuid.UUID]:
    """One delivery of the event to each enabled webhook of its owner that wants its type
    (none twice for one webhook), claimed for an attempt now; their ids."""
    claimed = []
    with uow:
        for webhook in uow.webhooks.of_user(user_id):
            if not (webhook.enabled and webhook.wants(event_type)):
                continue
            if uow.deliveries.exists(webhook.id, event_id):
                continue  # a redelivered event: its delivery is already in the outbox
            delivery = Delivery(
                webhook_id=webhook.id,
                event_id=event_id,
                event_type=event_type,
                payload=payload,
                created_at=now,
                next_attempt_at=now,
            )
            delivery.claim(now)
            uow.deliveries.add(delivery)
            claimed.append(delivery.id)
        uow.commit()
    return claimed


def claim_due(*, uow: UnitOfWork, now: datetime, limit: int = RETRY_BATCH) -> list[uuid.UUID]:
    """Claim at most `limit` deliveries due by `now` (their next attempt is this one); ids."""
    with uow:
        due = uow.deliveries.due(now, limit)
        for delivery in due:
            delivery.claim(now)
        uow.commit()
        return [delivery.id for delivery in due]


def attempt(
    *, uow: UnitOfWork, sender: WebhookSender, delivery_id: uuid.UUID, now: datetime
) -> str:
    """Send one claimed delivery, outside any transaction, and record the answer: "delivered",
    "retry", "failed", or "skipped" (not pending any more)."""
    with uow:
        delivery = uow.deliveries.get(delivery_id)
        if delivery is None or delivery.status != "pending":
            return "skipped"
        webhook = uow.webhooks.find(delivery.webhook_id)
        if webhook is None or not webhook.enabled:
            delivery.give_up("the webhook is disabled", now)
            uow.commit()
            return "failed"
        url, secret = webhook.url, webhook.secret
        event_id, body = delivery.event_id, delivery.payload
    answer = sender.send(url=url, secret=secret, message_id=event_id, body=body, now=now)
    with uow:
        delivery = uow.deliveries.get(delivery_id)
        webhook = uow.webhooks.find(delivery.webhook_id) if delivery else None
        if delivery is None or webhook is None or delivery.status != "pending":
            return "skipped"  # deleted meanwhile
        if delivery.record(answer.status, answer.error, now):
            webhook.succeeded()
        else:
            webhook.failed(delivery, now)
        uow.commit()
        return delivery.status if delivery.status != "pending" else "retry"


def retry_due(*, uow: UnitOfWork, sender: WebhookSender, now: datetime) -> str:
    """Attempt the deliveries due by `now`, a bounded batch per tick; "attempted N"."""
    ids = claim_due(uow=uow, now=now)
    for delivery_id in ids:
        attempt(uow=uow, sender=sender, delivery_id=delivery_id, now=now)
    return f"attempted {len(ids)}"


def owner_of(data: EventData) -> uuid.UUID:
    """The account an event's change belongs to: the user_id of its data or of the snapshot it
    carries (task, filter, project, section); raises InvalidInput when it names none."""
    for value in (data, *(getattr(data, name) for name in type(data).model_fields)):
        user_id = getattr(value, "user_id", None)
        if isinstance(user_id, uuid.UUID):
            return user_id
    raise InvalidInput("the event names no owner")
