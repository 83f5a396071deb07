"""The relay's turn and its round trips on both stores: on PostgreSQL each batch is one
transaction holding a transaction-scoped advisory lock, so a pass is two round trips: one
statement that takes the lock and claims the batch, and the commit."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import event, insert, select, text

from taskai import bootstrap
from taskai.adapters import orm
from taskai.adapters.outbox import RELAY_LOCK, SqlOutbox
from taskai.ports import OutboxRecord, RelayBusy
from taskai.services.relay import BusUnavailable, relay_pending

NOW = datetime(2031, 3, 1, 12, 0, tzinfo=UTC)


class Collected:
    """A bus that takes every record it is given."""

    def __init__(self) -> None:
        self.keys: list[str] = []

    def publish(self, records: Sequence[OutboxRecord]) -> int:
        self.keys.extend(r.key for r in records)
        return len(records)


def add_events(count: int, *, published_at: datetime | None = None) -> list[str]:
    keys = [f"task-{uuid.uuid4().hex[:8]}" for _ in range(count)]
    rows = [
        {
            "event_id": str(uuid.uuid4()),
            "topic": "task-events",
            "key": key,
            "type": "com.taskai.task.created",
            "occurred_at": NOW - timedelta(days=30),
            "data": {},
            "published_at": published_at,
        }
        for key in keys
    ]
    with bootstrap.engine().begin() as connection:
        connection.execute(insert(orm.outbox).values(rows))
    return keys


def waiting() -> int:
    with bootstrap.engine().connect() as connection:
        stmt = select(orm.outbox.c.key).where(orm.outbox.c.published_at.is_(None))
        return len(connection.execute(stmt).all())


def relay(outbox: SqlOutbox, bus: Collected, **kwargs: Any) -> int:
    return relay_pending(outbox=outbox, publisher=bus, clock=lambda: NOW, **kwargs)


def statements_of(outbox: SqlOutbox, bus: Collected) -> list[str]:
    """The first word of each statement one relay pass sends, and of its transaction ends."""
    sent: list[str] = []

    def executed(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        sent.append(statement.split()[0].upper())

    engine = bootstrap.engine()
    listeners = [
        ("before_cursor_execute", executed),
        ("commit", lambda _conn: sent.append("COMMIT")),
        ("rollback", lambda _conn: sent.append("ROLLBACK")),
    ]
    for name, listener in listeners:
        event.listen(engine, name, listener)
    try:
        relay(outbox, bus)
    finally:
        for name, listener in listeners:
            event.remove(engine, name, listener)
    return sent


def test_a_pass_publishes_in_order_and_purges_once_then_not_again_within_a_minute(database):
    outbox, bus = SqlOutbox(bootstrap.engine()), Collected()
    add_events(2, published_at=NOW - timedelta(days=8))
    first = add_events(3)
    assert relay(outbox, bus) == 3 and bus.keys == first
    add_events(2, published_at=NOW - timedelta(days=8))
    second = add_events(2)
    sent = statements_of(outbox, bus)
    assert bus.keys == first + second and waiting() == 0
    if database == "postgres":  # one transaction: turn, asynchronous commit and claim; commit
        assert sent == ["WITH", "COMMIT"]
    else:
        assert "DELETE" not in sent
    with bootstrap.engine().connect() as connection:  # the first pass's purge, only
        assert len(connection.execute(select(orm.outbox.c.position)).all()) == 7


def test_a_backlog_goes_out_batch_by_batch_each_in_its_own_transaction(database):
    outbox, bus = SqlOutbox(bootstrap.engine()), Collected()
    keys = add_events(5)
    assert relay(outbox, bus, batch=2) == 5
    assert bus.keys == keys and waiting() == 0


def test_events_the_bus_did_not_take_wait_in_order_for_the_next_pass(database):
    outbox, keys = SqlOutbox(bootstrap.engine()), add_events(3)

    class TakesTwo(Collected):
        def publish(self, records: Sequence[OutboxRecord]) -> int:
            return super().publish(records[:2])

    with pytest.raises(BusUnavailable):
        relay(outbox, TakesTwo())
    assert waiting() == 1
    bus = Collected()
    assert relay(outbox, bus) == 1 and bus.keys == keys[2:] and waiting() == 0


@pytest.mark.parametrize("database", ["postgres"], indirect=True)  # an advisory lock
def test_on_postgres_a_relay_finds_the_turn_taken_while_another_holds_the_lock(database):
    keys = add_events(2)
    outbox, bus = SqlOutbox(bootstrap.engine()), Collected()
    other = bootstrap.engine().connect()
    try:
        other.execute(text(f"SELECT pg_advisory_xact_lock({RELAY_LOCK})"))
        with pytest.raises(RelayBusy):
            relay(outbox, bus)
        assert bus.keys == [] and waiting() == 2
        other.commit()  # the other relay's batch ends: its lock goes with its transaction
        assert relay(outbox, bus) == 2 and bus.keys == keys
    finally:
        other.close()


@pytest.mark.parametrize("database", ["postgres"], indirect=True)  # an advisory lock
def test_on_postgres_a_failed_publish_leaves_the_batch_waiting_and_the_turn_free(database):
    keys = add_events(2)
    outbox = SqlOutbox(bootstrap.engine())

    class Broken(Collected):
        def publish(self, records: Sequence[OutboxRecord]) -> int:
            raise ConnectionError("the bus is down")

    with pytest.raises(ConnectionError):
        relay(outbox, Broken())
    bus = Collected()
    assert relay(outbox, bus) == 2 and bus.keys == keys
