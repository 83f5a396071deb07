"""Login throttling rules: how many wrong passwords are free, and how long each later one locks.

Two counters guard every login: one per account (its normalized email, known or not, so the
answer never tells which emails exist) and one per client address. Past the free failures,
each further failure locks that counter for twice as long as the previous one, up to a cap; a
counter with no failure for `forget_after` starts again from zero; a success clears the
account's counter.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta


@dataclass(frozen=True)
class Limit:
    """Failures allowed before delays start, and the delays' first and largest length."""

    free_failures: int
    first_delay: timedelta
    max_delay: timedelta
    forget_after: timedelta = timedelta(hours=1)

    def delay(self, failures: int) -> timedelta:
        """How long the counter is locked after its `failures`-th failure in a row."""
        if failures <= self.free_failures:
            return timedelta(0)
        doublings = min(failures - self.free_failures - 1, 30)
        return min(self.first_delay * 2**doublings, self.max_delay)

    def failures_after(self, failures: int, last_failure_at: datetime | None, now: datetime) -> int:
        """The count after one more failure at `now` (an old streak is forgotten)."""
        if last_failure_at is None or now - last_failure_at > self.forget_after:
            return 1
        return failures + 1


PER_ACCOUNT = Limit(
    free_failures=5, first_delay=timedelta(seconds=1), max_delay=timedelta(minutes=15)
)
PER_ADDRESS = Limit(
    free_failures=20, first_delay=timedelta(seconds=1), max_delay=timedelta(minutes=15)
)
