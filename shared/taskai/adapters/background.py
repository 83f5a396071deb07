"""A bounded pool of background threads, for work that must not hold up its caller."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from typing import Generic, TypeVar

log = logging.getLogger("taskai.background")
T = TypeVar("T")


class BoundedPool(Generic[T]):
    """Runs `job(item)` on at most `workers` threads with at most `waiting` items queued, and
    refuses more: the caller keeps a durable record (a claimed row with a lease) for what it
    could not start, so nothing is lost and memory stays bounded."""

    def __init__(self, job: Callable[[T], object], *, name: str, workers: int, waiting: int):
        self._job, self._name = job, name
        self._slots = threading.BoundedSemaphore(workers + waiting)
        self._busy = 0  # queued or running
        self._quiet = threading.Condition()
        self._pool = ThreadPoolExecutor(workers, thread_name_prefix=name)

    def start(self, items: Iterable[T]) -> int:
        """Queue each item until the pool is full; how many were queued."""
        started = 0
        for item in items:
            if not self._slots.acquire(blocking=False):
                break
            with self._quiet:
                self._busy += 1
            try:
                self._pool.submit(self._run, item)
            except RuntimeError:  # stopped, or the interpreter is exiting: refuse like a full pool
                self._done()
                break
            started += 1
        return started

    def wait_idle(self, timeout_s: float) -> bool:
        """Wait until nothing is queued or running; whether that happened within `timeout_s`."""
        with self._quiet:
            return self._quiet.wait_for(lambda: self._busy == 0, timeout_s)

    def stop(self) -> None:
        """Wait for the queued jobs, then release the threads."""
        self._pool.shutdown(wait=True)

    def _run(self, item: T) -> None:
        try:
            self._job(item)
        except Exception:
            log.exception("background job failed", extra={"pool": self._name})
        finally:
            self._done()

    def _done(self) -> None:
        self._slots.release()
        with self._quiet:
            self._busy -= 1
            self._quiet.notify_all()
