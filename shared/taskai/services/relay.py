"""The outbox relay: moves committed events to the bus, in order, at least once."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from taskai.ports import Clock, OutboxStore, Publisher

BATCH = 500
KEEP_PUBLISHED = timedelta(days=7)


class BusUnavailable(Exception):
    """Some events could not be delivered now; they stay in the outbox."""


def relay_pending(
    *,
    outbox: OutboxStore,
    publisher: Publisher,
    clock: Clock,
    batch: int = BATCH,
    stopping: Callable[[], bool] = lambda: False,
) -> int:
    """Publish every event waiting when called, `batch` at a time; returns how many went out.
    Ends after the batch under way once `stopping()` is true (the rest waits in the outbox).
    One relay at a time per database: raises RelayBusy while another holds the turn,
    BusUnavailable when the bus took only part of a batch (the rest waits in the outbox)."""
    with outbox.turn():
        total = 0
        while records := outbox.unpublished(batch, now=clock()):
            delivered = publisher.publish(records)
            now = clock()
            caught_up = delivered == len(records) and len(records) < batch
            outbox.mark_published(
                [r.position for r in records[:delivered]],
                now=now,
                purge_before=now - KEEP_PUBLISHED if caught_up else None,
            )
            total += delivered
            if delivered < len(records):
                raise BusUnavailable(f"{len(records) - delivered} events wait in the outbox")
            if caught_up:
                break  # no need to read again: a commit since then kicks another pass
            if stopping():
                break  # a process stopping (or a test's reset) does not wait out a backlog
        return total
