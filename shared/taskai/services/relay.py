"""The outbox relay: moves committed events to the bus, in order, at least once."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Sequence
from datetime import UTC, datetime, timedelta
from typing import Protocol

from sqlalchemy import Connection, Engine, text

from taskai.adapters import outbox
from taskai.adapters.outbox import OutboxRecord

log = logging.getLogger("taskai.relay")
BATCH = 500
KEEP_PUBLISHED = timedelta(days=7)
_this_process = threading.Lock()


class Publisher(Protocol):
    def publish(self, records: Sequence[OutboxRecord]) -> int:
        """Send in order; return how many records, from the first, are safely delivered."""


def relay_pending(*, engine: Engine, publisher: Publisher, batch: int = BATCH) -> int:
    """Publish every waiting event; returns how many went out. One relay at a time per database.

    The records are read and marked in short transactions of their own, never held open while
    publishing: in the embedded mode the subscribers write to the same SQLite file.
    """
    total = 0
    if not _this_process.acquire(blocking=False):
        raise RelayBusy("this process's relay is running")
    try:
        with engine.connect() as lock:
            if not take_turn(lock):
                raise RelayBusy("another process's relay is running")
            try:
                total = _relay_batches(engine, publisher, batch)
            finally:
                give_turn(lock)
    finally:
        _this_process.release()
    return total


def _relay_batches(engine: Engine, publisher: Publisher, batch: int) -> int:
    total = 0
    while True:
        with engine.begin() as connection:
            records = outbox.unpublished(connection, batch)
        if not records:
            return total
        delivered = publisher.publish(records)
        with engine.begin() as connection:
            now = datetime.now(UTC)
            outbox.mark_published(connection, [r.position for r in records[:delivered]], now)
            if delivered == len(records) and len(records) < batch:
                outbox.purge_published(connection, now, KEEP_PUBLISHED)
        total += delivered
        if delivered < len(records):
            raise BusUnavailable(f"{len(records) - delivered} events wait in the outbox")


class BusUnavailable(Exception):
    """Some events could not be delivered now; they stay in the outbox."""


class RelayBusy(Exception):
    """Another relay pass holds the turn; it publishes these events too (or try again soon)."""


def take_turn(connection: Connection) -> bool:
    """A PostgreSQL session advisory lock, so concurrent relays cannot reorder a key's events."""
    if connection.dialect.name != "postgresql":
        return True  # the embedded mode runs one process
    got = connection.execute(text(f"SELECT pg_try_advisory_lock({outbox.RELAY_LOCK})")).scalar()
    connection.commit()
    return bool(got)


def give_turn(connection: Connection) -> None:
    if connection.dialect.name == "postgresql":
        connection.execute(text(f"SELECT pg_advisory_unlock({outbox.RELAY_LOCK})"))
        connection.commit()


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
        """End the thread, waiting for a pass under way to finish."""
        self.stopped = True
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout_s)
