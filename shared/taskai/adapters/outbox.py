"""The transactional outbox: events wait here, in commit order, until they are on the bus."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Connection, delete, func, select, update

from taskai.adapters import orm

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
