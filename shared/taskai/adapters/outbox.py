"""The transactional outbox: events wait here, in commit order, until they are on the bus."""

from __future__ import annotations

import uuid
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from sqlalchemy import Connection, delete, func, select, update

from taskai.adapters import orm
from taskai.domain.events import DomainEvent
from taskai.domain.tasks import iso

o = orm.outbox.c
RELAY_LOCK = 0x7A5CA1  # PostgreSQL advisory lock key: one relay at a time keeps per-key order


@dataclass(frozen=True)
class OutboxRecord:
    """One event as stored: enough to build its CloudEvent and its Kafka record."""

    position: int
    event_id: str
    topic: str
    key: str
    type: str
    occurred_at: datetime
    data: dict[str, Any]
    traceparent: str | None


def event_data(event: DomainEvent) -> dict[str, Any]:
    """The contract's JSON `data` of a recorded event (the one place it is written): its fields
    but `id` and `occurred_at`, uuids and words as text, times as ISO 8601 in UTC (+00:00)."""
    data = asdict(event, dict_factory=_json_object)
    del data["id"], data["occurred_at"]  # the envelope's
    return data


def _json_object(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    return {name: _json_value(value) for name, value in pairs}


def _json_value(value: Any) -> Any:
    if isinstance(value, tuple | list):
        return [_json_value(item) for item in value]
    if isinstance(value, datetime):
        return iso(value)
    if isinstance(value, uuid.UUID | StrEnum):
        return str(value)
    return value


def unpublished(connection: Connection, limit: int) -> list[OutboxRecord]:
    """The oldest events not yet published, in commit order."""
    stmt = (
        select(o.position, o.event_id, o.topic, o.key, o.type, o.occurred_at, o.data, o.traceparent)
        .where(o.published_at.is_(None))
        .order_by(o.position)
        .limit(limit)
    )
    return [OutboxRecord(*row) for row in connection.execute(stmt)]


def mark_published(connection: Connection, positions: list[int], now: datetime) -> None:
    if positions:
        connection.execute(
            update(orm.outbox).where(o.position.in_(positions)).values(published_at=now)
        )


def purge_published(connection: Connection, now: datetime, keep: timedelta) -> int:
    """Forget published events older than `keep` (Kafka keeps them for its own retention)."""
    stmt = delete(orm.outbox).where(o.published_at < now - keep)
    return connection.execute(stmt).rowcount or 0


def backlog(connection: Connection) -> tuple[int, datetime | None]:
    """How many events wait to be published, and when the oldest of them occurred."""
    stmt = select(func.count(), func.min(o.occurred_at)).where(o.published_at.is_(None))
    waiting, oldest = connection.execute(stmt).one()
    return int(waiting), oldest
