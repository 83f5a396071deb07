"""The transactional outbox: events wait here, in commit order, until they are on the bus.

`SqlOutbox` is the relay's store (with its one-relay-at-a-time turn); `BackgroundRelay` runs
relay passes on a daemon thread of the process, woken after each commit that wrote events.
"""

from __future__ import annotations

import logging
import os
import threading
import uuid
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import fields, is_dataclass
from datetime import date, datetime
from enum import StrEnum
from functools import cache
from typing import Any

from sqlalchemy import Connection, Delete, Engine, delete, func, select, text, update

from taskai.adapters import orm
from taskai.domain.events import DomainEvent
from taskai.domain.tasks import iso
from taskai.ports import OutboxRecord, RelayBusy

log = logging.getLogger("taskai.relay")
o = orm.outbox.c
PURGE_AT_ONCE = 1000  # rows a relay pass looks at for purging: twice its batch, so it keeps up
RELAY_LOCK = 0x7A5CA1  # PostgreSQL advisory lock key: one relay at a time keeps per-key order
ASYNC_COMMIT = text("SET LOCAL synchronous_commit TO OFF")
_this_process = threading.Lock()

__all__ = ["BackgroundRelay", "OutboxRecord", "SqlOutbox", "backlog", "event_data"]


def event_data(event: DomainEvent) -> dict[str, Any]:
    """The contract's JSON `data` of a recorded event (the one place it is written): its fields
    but `id` and `occurred_at`, uuids and words as text, times as ISO 8601 in UTC (+00:00)."""
    data: dict[str, Any] = _json_value(event)
    del data["id"], data["occurred_at"]  # the envelope's
    return data


PLAIN = frozenset({str, int, float, bool, type(None)})


@cache
def _field_names(kind: type) -> tuple[str, ...]:
    return tuple(f.name for f in fields(kind))


def _json_value(value: Any) -> Any:
    """`value` as JSON data: dataclasses as objects (as `asdict` would, without its deep copies
    of every leaf), sequences as lists."""
    kind = type(value)
    if kind in PLAIN:
        return value
    if is_dataclass(kind):
        return {name: _json_value(getattr(value, name)) for name in _field_names(kind)}
    if isinstance(value, tuple | list):
        return [_json_value(item) for item in value]
    if isinstance(value, datetime):
        return iso(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, uuid.UUID | StrEnum):
        return str(value)
    return value


class SqlOutbox:
    """The outbox table of one database; each call is a short transaction of its own, never held
    open while publishing (in the embedded mode the subscribers write to the same SQLite file)."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.holding: Connection | None = None  # the turn's connection, while inside turn()

    @contextmanager
    def turn(self) -> Iterator[None]:
        """Hold the relay turn of this process and database while inside; raises RelayBusy.
        The pass's reads and writes go over the turn's connection (one checkout, no pings)."""
        if not _this_process.acquire(blocking=False):
            raise RelayBusy("this process's relay is running")
        try:
            with self.engine.connect() as connection:
                if not take_turn(connection):
                    raise RelayBusy("another process's relay is running")
                self.holding = connection
                try:
                    yield
                finally:
                    self.holding = None
                    give_turn(connection)
        finally:
            _this_process.release()

    @contextmanager
    def transaction(self) -> Iterator[Connection]:
        """A short transaction on the turn's connection, or on one of its own outside a turn."""
        if self.holding is None:
            with self.engine.begin() as connection:
                yield connection
        else:
            with self.holding.begin():
                yield self.holding

    def unpublished(self, limit: int) -> list[OutboxRecord]:
        """Up to `limit` of the oldest events not yet published, in commit order."""
        stmt = (
            select(
                o.position, o.event_id, o.topic, o.key, o.type, o.occurred_at, o.data, o.traceparent
            )
            .where(o.published_at.is_(None))
            .order_by(o.position)
            .limit(limit)
        )
        with self.transaction() as connection:
            return [OutboxRecord(*row) for row in connection.execute(stmt)]

    def mark_published(
        self, positions: Sequence[int], *, now: datetime, purge_before: datetime | None = None
    ) -> None:
        """Mark these published at `now` and forget events published before `purge_before`
        (Kafka keeps them for its own retention), in one transaction.

        On PostgreSQL the commit does not wait for its WAL to reach the disk (3-8 ms under
        load, on the path of the events committed meanwhile): a crash can lose only the latest
        marks, and their events are then published again, in order, as at least once allows."""
        with self.transaction() as connection:
            if connection.dialect.name == "postgresql":
                connection.execute(ASYNC_COMMIT)
            if positions:
                stmt = update(orm.outbox).where(o.position.in_(positions))
                connection.execute(stmt.values(published_at=now))
            if purge_before is not None:
                connection.execute(purge(purge_before, oldest=PURGE_AT_ONCE))


def purge(before: datetime, *, oldest: int) -> Delete:
    """Delete the events published before `before` among the `oldest` rows by position (the
    primary key), where old ones are: a filter on the unindexed `published_at` alone scanned
    all 7 days of rows on every pass. When the very oldest row is not old enough (nearly
    always) PostgreSQL stops after that one row; a larger backlog goes over several passes."""
    first = select(o.position).order_by(o.position)
    return delete(orm.outbox).where(
        first.with_only_columns(o.published_at).limit(1).scalar_subquery() < before,
        o.position.in_(first.limit(oldest).scalar_subquery()),
        o.published_at < before,
    )


def take_turn(connection: Connection) -> bool:
    """A PostgreSQL session advisory lock, so concurrent relays cannot reorder a key's events."""
    if connection.dialect.name != "postgresql":
        return _sqlite_turn(connection)
    got = connection.execute(text(f"SELECT pg_try_advisory_lock({RELAY_LOCK})")).scalar()
    connection.commit()
    return bool(got)


def give_turn(connection: Connection) -> None:
    """Release the advisory lock `take_turn` took."""
    if connection.dialect.name == "postgresql":
        connection.execute(text(f"SELECT pg_advisory_unlock({RELAY_LOCK})"))
        connection.commit()
    elif (turn := connection.info.pop("relay_turn", None)) is not None:
        os.close(turn)  # closing the descriptor drops its flock


def _sqlite_turn(connection: Connection) -> bool:
    """An flock on a file beside the SQLite database: `taskai serve` runs several processes."""
    import fcntl

    database = connection.engine.url.database
    if not database or database == ":memory:":
        return True
    turn = os.open(f"{database}.relay-lock", os.O_CREAT | os.O_RDWR, 0o600)
    try:
        fcntl.flock(turn, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        os.close(turn)
        return False
    connection.info["relay_turn"] = turn
    return True


def backlog(connection: Connection) -> tuple[int, datetime | None]:
    """How many events wait to be published, and when the oldest of them occurred."""
    stmt = select(func.count(), func.min(o.occurred_at)).where(o.published_at.is_(None))
    waiting, oldest = connection.execute(stmt).one()
    return int(waiting), oldest


class BackgroundRelay:
    """Runs the relay on a daemon thread when kicked (after each commit); retries with backoff."""

    def __init__(self, run: Callable[[], int], *, max_backoff_s: float = 5.0) -> None:
        self.run = run
        self.max_backoff_s = max_backoff_s
        self._wake = threading.Event()
        self._start = threading.Lock()
        self._thread: threading.Thread | None = None
        self.idle = threading.Event()
        self.idle.set()
        self.stopped = False

    def kick(self) -> None:
        """Ask for a relay pass soon; returns at once."""
        self.idle.clear()
        self._wake.set()
        if self._thread is None:
            with self._start:
                if self._thread is None:
                    self._thread = threading.Thread(
                        target=self._loop, name="outbox-relay", daemon=True
                    )
                    self._thread.start()

    def _loop(self) -> None:
        backoff = 0.0
        while not self.stopped:
            self._wake.wait(timeout=backoff or None)  # a kick, or the end of a backoff
            if self.stopped:
                return
            self._wake.clear()
            try:
                self.run()
                backoff = 0.0
            except RelayBusy:
                backoff = 0.2  # another pass is publishing; look again shortly, without escalating
            except Exception as e:  # the outbox keeps the events; try again later
                backoff = min(max(backoff * 2, 0.5), self.max_backoff_s)
                log.warning("relay pass failed", extra={"error": repr(e), "retry_in_s": backoff})
            if not self._wake.is_set() and backoff == 0.0:
                self.idle.set()

    def stop(self, timeout_s: float = 30.0) -> None:
        """End the thread, waiting for a pass under way to finish (at most `timeout_s`)."""
        self.stopped = True
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout_s)
