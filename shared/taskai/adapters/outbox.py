"""The transactional outbox: events wait here, in commit order, until they are on the bus.

`SqlOutbox` is the relay's store (with its one-relay-at-a-time turn); `BackgroundRelay` runs
relay passes on a daemon thread of the process, woken after each commit that wrote events.
"""

from __future__ import annotations

import logging
import math
import os
import threading
import time
import uuid
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import fields, is_dataclass
from datetime import date, datetime
from enum import StrEnum
from functools import cache
from operator import attrgetter
from typing import Any

from sqlalchemy import (
    Connection,
    Delete,
    Engine,
    Select,
    bindparam,
    delete,
    func,
    select,
    text,
    true,
    update,
)

from taskai.adapters import orm
from taskai.domain.events import DomainEvent
from taskai.domain.tasks import iso
from taskai.ports import OutboxRecord, RelayBusy

log = logging.getLogger("taskai.relay")
o = orm.outbox.c
PURGE_AT_ONCE = 1000  # rows a relay pass looks at for purging: twice its batch, so it keeps up
RELAY_LOCK = 0x7A5CA1  # PostgreSQL advisory lock key: one relay at a time keeps per-key order
ASYNC_COMMIT = text("SET LOCAL synchronous_commit TO OFF")
RECORD = (o.position, o.event_id, o.topic, o.key, o.type, o.occurred_at, o.data, o.traceparent)
UNPUBLISHED = (
    select(*RECORD).where(o.published_at.is_(None)).order_by(o.position).limit(bindparam("n"))
)
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
    """The outbox table of one database, read and marked by the relay inside its turn.

    On PostgreSQL each batch is one transaction holding a transaction-scoped advisory lock:
    lock, read, (publish), mark, commit. On SQLite each call is a short transaction of its
    own, never held open while publishing (the in-process subscribers write to the same file),
    and the turn is an flock beside the file."""

    PURGE_EVERY_S = 60.0  # a caught-up pass purges at most this often, unless the last one was full

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.postgresql = engine.dialect.name == "postgresql"
        self.holding: Connection | None = None  # the turn's connection, while inside turn()
        self.claimed: list[int] = []  # positions the open PostgreSQL batch marked published
        self.purged_at = -math.inf  # time.monotonic() of the last purge that caught up

    @contextmanager
    def turn(self) -> Iterator[None]:
        """Hold the relay turn of this process and database while inside; raises RelayBusy
        (on PostgreSQL from `unpublished`, which takes the database's lock batch by batch).
        The pass's reads and writes go over the turn's connection (one checkout)."""
        if not _this_process.acquire(blocking=False):
            raise RelayBusy("this process's relay is running")
        try:
            with self.engine.connect() as connection:
                if not self.postgresql and not _sqlite_turn(connection):
                    raise RelayBusy("another process's relay is running")
                self.holding = connection
                try:
                    yield
                finally:
                    self.holding = None
                    _sqlite_give_turn(connection)
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

    def unpublished(self, limit: int, *, now: datetime | None = None) -> list[OutboxRecord]:
        """Up to `limit` of the oldest events not yet published, in commit order. Inside a turn
        on PostgreSQL this opens the batch's transaction, which `mark_published` commits, and
        claims them in one round trip with the turn: marked published at `now` in it, so that
        committing the batch is all that is left for the delivered ones. Raises RelayBusy when
        another relay holds the database's lock."""
        if self.postgresql and self.holding is not None:
            connection = self.holding
            connection.begin()
            rows = connection.execute(CLAIM, {"n": limit, "now": now}).all()
            if not rows[0].mine:
                connection.rollback()
                raise RelayBusy("another process's relay is running")
            claimed = [OutboxRecord(*row[1:]) for row in rows if row.position is not None]
            records = sorted(claimed, key=attrgetter("position"))
            self.claimed = [r.position for r in records]
            if not records:
                connection.commit()
            return records
        with self.transaction() as connection:
            return [OutboxRecord(*row) for row in connection.execute(UNPUBLISHED, {"n": limit})]

    def mark_published(
        self, positions: Sequence[int], *, now: datetime, purge_before: datetime | None = None
    ) -> None:
        """Mark these published at `now` (in a PostgreSQL batch: confirm the claim's marks of
        these, the rest waiting again) and forget events published before `purge_before`
        (Kafka keeps them for its own retention), in one transaction; the purge runs at most
        once a minute unless the last one found a full batch of old rows.

        On PostgreSQL the commit does not wait for its WAL to reach the disk (3-8 ms under
        load, on the path of the events committed meanwhile): a crash can lose only the latest
        marks, and their events are then published again, in order, as at least once allows."""
        if self.postgresql and self.holding is not None and self.holding.in_transaction():
            # the batch's transaction, whose claim marked them all: the undelivered wait again
            if undelivered := set(self.claimed).difference(positions):
                self.holding.execute(UNMARK, {"positions": sorted(undelivered)})
            self._mark(self.holding, (), now, purge_before)
            self.holding.commit()
            return
        with self.transaction() as connection:
            if self.postgresql:
                connection.execute(ASYNC_COMMIT)
            self._mark(connection, positions, now, purge_before)

    def _mark(
        self,
        connection: Connection,
        positions: Sequence[int],
        now: datetime,
        purge_before: datetime | None,
    ) -> None:
        if positions:
            connection.execute(MARK, {"positions": list(positions), "now": now})
        if purge_before is None or time.monotonic() - self.purged_at < self.PURGE_EVERY_S:
            return
        old = {"before": purge_before, "oldest": PURGE_AT_ONCE}
        purged = connection.execute(PURGE, old).rowcount
        self.purged_at = -math.inf if purged >= PURGE_AT_ONCE else time.monotonic()


def _purge() -> Delete:
    """Delete the events published before :before among the :oldest rows by position (the
    primary key), where old ones are: a filter on the unindexed `published_at` alone scanned
    all 7 days of rows on every pass. When the very oldest row is not old enough (nearly
    always) PostgreSQL stops after that one row; a larger backlog goes over several passes."""
    first = select(o.position).order_by(o.position)
    before = bindparam("before", type_=o.published_at.type)
    return delete(orm.outbox).where(
        first.with_only_columns(o.published_at).limit(1).scalar_subquery() < before,
        o.position.in_(first.limit(bindparam("oldest")).scalar_subquery()),
        o.published_at < before,
    )


def _claim() -> Select[Any]:
    """One round trip that opens a PostgreSQL batch: it takes the relay's turn (released by
    the batch's commit or rollback, so a crashed relay never strands it), asks for an
    asynchronous commit (see mark_published), and marks the oldest :n waiting events published
    at :now, returning them. One row comes back whatever it finds: `mine` (the turn was free)
    and the event's columns, NULL when there is none."""
    turn = select(
        func.pg_try_advisory_xact_lock(RELAY_LOCK).label("mine"),
        func.set_config("synchronous_commit", "off", true()).label("commit_mode"),
    ).cte("turn")
    waiting = UNPUBLISHED.where(select(turn.c.mine).scalar_subquery()).with_only_columns(o.position)
    claimed = (
        update(orm.outbox)
        .where(o.position.in_(waiting.scalar_subquery()))
        .values(published_at=bindparam("now"))
        .returning(*RECORD)
        .cte("claimed")
    )
    return select(turn.c.mine, *claimed.c).select_from(turn.outerjoin(claimed, true()))


PURGE, CLAIM = _purge(), _claim()
MARK = (
    update(orm.outbox)
    .where(o.position.in_(bindparam("positions", expanding=True)))
    .values(published_at=bindparam("now"))
)
UNMARK = (
    update(orm.outbox)
    .where(o.position.in_(bindparam("positions", expanding=True)))
    .values(published_at=None)
)


def _sqlite_give_turn(connection: Connection) -> None:
    """Drop the flock `_sqlite_turn` took, if it took one."""
    if (turn := connection.info.pop("relay_turn", None)) is not None:
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
    """Runs the relay on a daemon thread when kicked (after each commit); retries with backoff.
    A kick within `linger_s` of the last pass's start waits for the rest of it, so that the
    commits of a busy process share a pass (as Kafka's linger.ms batches a producer's records):
    a pass (four round trips) cost each commit as much CPU as a third of its request. A kick
    after a quiet spell is relayed at once."""

    def __init__(
        self, run: Callable[[], int], *, max_backoff_s: float = 5.0, linger_s: float = 0.01
    ) -> None:
        self.run = run
        self.max_backoff_s = max_backoff_s
        self.linger_s = linger_s
        self._last_pass = -math.inf  # time.monotonic() of the last pass's start
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
            if (linger := self._last_pass + self.linger_s - time.monotonic()) > 0:
                time.sleep(linger)  # the commits meanwhile join this pass
            self._wake.clear()
            self._last_pass = time.monotonic()
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
