"""The outbox forgets what was published long ago, reading only its oldest rows to find it."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

from sqlalchemy import insert, select

from taskai import bootstrap
from taskai.adapters import orm
from taskai.adapters.outbox import SqlOutbox

NOW = datetime(2031, 3, 1, 12, 0, tzinfo=UTC)


def add_events(published_at: list[datetime | None]) -> None:
    rows = [
        {
            "event_id": str(uuid.uuid4()),
            "topic": "task-events",
            "key": f"task-{n}",
            "type": "com.taskai.task.created",
            "occurred_at": NOW - timedelta(days=30),
            "data": {"n": n},
            "published_at": at,
        }
        for n, at in enumerate(published_at)
    ]
    with bootstrap.engine().begin() as connection:
        connection.execute(insert(orm.outbox).values(rows))


def keys_left() -> list[str]:
    with bootstrap.engine().connect() as connection:
        stmt = select(orm.outbox.c.key).order_by(orm.outbox.c.position)
        return list(connection.execute(stmt).scalars())


def test_a_caught_up_pass_forgets_old_published_events_and_keeps_the_rest(database):
    old, recent = NOW - timedelta(days=8), NOW - timedelta(days=1)
    add_events([old, old, None, recent, old, None])
    SqlOutbox(bootstrap.engine()).mark_published([], now=NOW, purge_before=NOW - timedelta(days=7))
    assert keys_left() == ["task-2", "task-3", "task-5"]


def test_a_large_backlog_of_old_events_is_purged_over_several_passes(database, monkeypatch):
    monkeypatch.setattr("taskai.adapters.outbox.PURGE_AT_ONCE", 2)
    old = NOW - timedelta(days=8)
    add_events([old] * 5 + [None])
    outbox = SqlOutbox(bootstrap.engine())
    left = []
    for _ in range(3):
        outbox.mark_published([], now=NOW, purge_before=NOW - timedelta(days=7))
        left.append(len(keys_left()))
    assert left == [4, 2, 1]
