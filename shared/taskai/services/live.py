"""Live push: an account's sync pages as Server-Sent Events (GET /api/stream), so a change made
in one tab or device shows in another in under a second.

Built for long-lived connections:
- No transaction is held open while a stream waits. Each check is its own short read-only unit
  of work: `latest` reads the account's change number (a primary-key lookup, the same number
  sync cursors are); only when it is past the stream's cursor does `page` read the sync page.
- A change committed by this process wakes its streams at once (`WAKEUP`, notified after every
  commit); one committed by another process (a gunicorn worker, a Knative pod) is seen by the
  next poll, every STREAM_POLL_S (0.5 s).
- Every STREAM_HEARTBEAT_S a comment line keeps proxies from closing an idle connection and
  the caller is checked again (`recheck`): a logout, a revoked or expired token ends the stream.
- A stream ends by itself after STREAM_LIFETIME_S; the client reconnects with Last-Event-ID
  (the last cursor), so nothing is missed and no connection outlives a deploy for long.
- Each open stream holds a server thread, so `Slots` bounds them per process and per account;
  over the bound the request is 503 with Retry-After and the client polls /api/sync instead. A
  client that hung up (a closed tab, a reload) is noticed at the next poll, not at the next
  write, so its slot is free again within a poll.
"""

from __future__ import annotations

import logging
import threading
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from taskai.domain.api_tokens import Credential
from taskai.errors import TaskAIError, Unauthorized, Unavailable
from taskai.ports import UnitOfWork
from taskai.services.sync import Cursor

log = logging.getLogger("taskai.live")
HEARTBEAT = b": heartbeat\n\n"


class Wakeup:
    """A process-wide signal that something was committed: streams wait on it between polls."""

    def __init__(self) -> None:
        self._condition = threading.Condition()
        self.generation = 0
        self.closed = False  # the process is exiting: every stream ends

    def close(self) -> None:
        """End every stream of this process at once (its worker is exiting: a stream left
        running kept the process, and its database connections, up to the stream's lifetime)."""
        with self._condition:
            self.closed = True
            self._condition.notify_all()

    def notify(self) -> None:
        """Wake every waiting stream (called after each commit of this process)."""
        with self._condition:
            self.generation += 1
            self._condition.notify_all()

    def wait(self, seen: int, timeout: float) -> None:
        """Block up to `timeout` seconds unless a commit came after generation `seen`."""
        with self._condition:
            self._condition.wait_for(
                lambda: self.generation != seen or self.closed, timeout=max(timeout, 0)
            )


WAKEUP = Wakeup()


class TooManyStreams(Unavailable):
    """The process (or the account) has as many open streams as it may hold (503)."""

    code = "too_many_streams"
    retry_after_s = 30


class Slots:
    """Open streams counted per process and per account, each bounded."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.per_user: Counter[uuid.UUID] = Counter()

    def take(self, user_id: uuid.UUID, *, per_process: int, per_user: int) -> Callable[[], None]:
        """Take a slot for `user_id`; returns its release (safe to call twice); raises
        TooManyStreams over either bound."""
        with self._lock:
            if self.per_user.total() >= per_process or self.per_user[user_id] >= per_user:
                raise TooManyStreams("too many live streams open; poll /api/sync instead")
            self.per_user[user_id] += 1
        released = threading.Event()

        def release() -> None:
            with self._lock:
                if not released.is_set():
                    released.set()
                    self.per_user[user_id] -= 1
                    if self.per_user[user_id] <= 0:
                        del self.per_user[user_id]

        return release


SLOTS = Slots()


@dataclass(frozen=True)
class Timing:
    """Seconds between heartbeats, between polls, and before the stream ends."""

    heartbeat_s: float
    poll_s: float
    lifetime_s: float


@dataclass(frozen=True)
class Page:
    """One sync page as the stream sends it: its cursor, whether more follow, its JSON."""

    cursor: Cursor
    has_more: bool
    data: str


def latest_change(*, uow: UnitOfWork, caller: Credential) -> int:
    """The caller's account's change number; raises Unauthorized once a session has logged out
    (the account's token version moved on) and NotFound once the account is gone, so a poll
    ends the stream within `poll_s` rather than at the next heartbeat."""
    with uow:
        account = uow.users.get(caller.user_id)
    if caller.token_hash is None and account.token_version != caller.version:
        raise Unauthorized("token revoked")
    return account.change_seq


def message(page: Page) -> bytes:
    """`page` as one SSE message: `id: <cursor>`, `event: sync`, `data: <JSON on one line>`."""
    return f"id: {page.cursor}\nevent: sync\ndata: {page.data}\n\n".encode()


def events(
    *,
    first: Page,
    page: Callable[[Cursor], Page],
    latest: Callable[[], int],
    recheck: Callable[[], None],
    timing: Timing,
    gone: Callable[[], bool] = lambda: False,
    wakeup: Wakeup = WAKEUP,
    clock: Callable[[], float] = time.monotonic,
) -> Iterator[bytes]:
    """The stream's bytes: `first`, then each page after its cursor as changes come (`latest` is
    the account's change number, `page(cursor)` the sync page after it), a heartbeat comment
    after each `recheck` of the caller; ends after the lifetime, when a check raises, or once
    the client is `gone` (checked at each poll, so a closed tab frees its slot at once)."""
    started = clock()
    ends, beat = started + timing.lifetime_s, started + timing.heartbeat_s
    cursor, more = first.cursor, first.has_more
    yield message(first)
    try:
        while (now := clock()) < ends and not gone() and not wakeup.closed:
            seen = wakeup.generation  # before the check: a commit after it cuts the wait short
            if more or latest() > cursor.seq:
                found = page(cursor)
                cursor, more = found.cursor, found.has_more
                yield message(found)
            elif now >= beat:
                recheck()
                beat = now + timing.heartbeat_s
                yield HEARTBEAT
            else:
                wakeup.wait(seen, min(timing.poll_s, beat - now, ends - now))
    except TaskAIError as e:  # logged out, revoked, expired, or the database down: the end
        log.info("stream closed", extra={"reason": e.code})
    except Exception:  # headers are sent: no status can tell it; the client reconnects
        log.warning("stream closed by an error", exc_info=True)
