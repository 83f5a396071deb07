"""The live stream's loop and bounds without a server: what it sends and when it ends, on a fake
clock; and sync's scope rule on the fakes."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import pytest

from taskai.errors import Unauthorized
from taskai.services import live, sync
from taskai.services.tasks import TaskDraft, create_task

TIMING = live.Timing(heartbeat_s=1.0, poll_s=0.25, lifetime_s=3.0)


class Clock:
    """Monotonic seconds that move only when the stream waits."""

    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


class FakeWakeup(live.Wakeup):
    """Waiting moves the clock on by the timeout (nothing wakes it early)."""

    def __init__(self, clock: Clock) -> None:
        super().__init__()
        self.clock = clock

    def wait(self, seen: int, timeout: float) -> None:
        self.clock.now += timeout


def page(cursor: int, *, more: bool = False) -> live.Page:
    return live.Page(sync.Cursor(cursor), more, f'{{"cursor":"{cursor}"}}')


def run(changes: dict[float, int], *, recheck=lambda: None, first: live.Page | None = None):
    """The chunks of one stream and when each was sent; `changes` moves the account's change
    number at those times."""
    clock = Clock()
    seq = {"now": 0}

    def latest() -> int:
        for at, value in changes.items():
            if clock.now >= at:
                seq["now"] = max(seq["now"], value)
        return seq["now"]

    def read(after: sync.Cursor) -> live.Page:
        return page(min(after.seq + 1, latest()), more=after.seq + 1 < latest())

    chunks = live.events(
        first=first or page(0),
        page=read,
        latest=latest,
        recheck=recheck,
        timing=TIMING,
        wakeup=FakeWakeup(clock),
        clock=clock,
    )
    return [(round(clock.now, 2), chunk) for chunk in chunks]


def test_the_first_page_then_heartbeats_until_the_lifetime_ends():
    sent = run({})
    assert sent[0] == (0.0, live.message(page(0)))
    assert [at for at, chunk in sent[1:]] == [1.0, 2.0]
    assert all(chunk == live.HEARTBEAT for _, chunk in sent[1:])


def test_a_change_is_sent_at_the_next_poll_and_a_backlog_page_after_page():
    sent = run({0.6: 1, 2.1: 3})
    messages = [(at, chunk) for at, chunk in sent if chunk != live.HEARTBEAT]
    assert messages[1:] == [
        (0.75, live.message(page(1))),
        (2.25, live.message(page(2, more=True))),
        (2.25, live.message(page(3))),
    ]


def test_a_caller_refused_at_a_heartbeat_ends_the_stream():
    def refuse() -> None:
        raise Unauthorized("token revoked")

    assert run({}, recheck=refuse) == [(0.0, live.message(page(0)))]


def test_the_slots_are_bounded_per_process_and_per_user_and_released_once():
    slots = live.Slots()
    ann, bob = uuid.uuid4(), uuid.uuid4()
    release = slots.take(ann, per_process=2, per_user=1)
    with pytest.raises(live.TooManyStreams):
        slots.take(ann, per_process=2, per_user=1)
    slots.take(bob, per_process=2, per_user=1)
    with pytest.raises(live.TooManyStreams):
        slots.take(uuid.uuid4(), per_process=2, per_user=1)
    release()
    release()  # twice: still one slot freed
    slots.take(ann, per_process=2, per_user=1)
    assert slots.per_user.total() == 2


def test_sync_shows_a_token_only_what_its_scopes_read(uow, user):
    now = datetime(2031, 1, 1, tzinfo=UTC)
    create_task(uow=uow, user_id=user.id, draft=TaskDraft(title="t", tags=["a"]), now=now)
    uow.scopes = ("tasks:read",)
    changes = sync.changes_since(uow=uow, user_id=user.id)
    assert [t.body["title"] for t in changes.tasks] == ["t"] and changes.tags == []
    uow.scopes = ("tags:read",)
    changes = sync.changes_since(uow=uow, user_id=user.id)
    assert changes.tasks == [] and [t.name for t in changes.tags] == ["a"]
    uow.scopes = None  # a session
    assert sync.changes_since(uow=uow, user_id=user.id).tags


def test_a_client_that_hung_up_ends_the_stream_at_the_next_poll():
    clock = Clock()
    chunks = live.events(
        first=page(0),
        page=lambda after: page(after.seq),
        latest=lambda: 0,
        recheck=lambda: None,
        timing=TIMING,
        gone=lambda: True,
        wakeup=FakeWakeup(clock),
        clock=clock,
    )
    assert list(chunks) == [live.message(page(0))]


def test_a_stream_waiting_for_changes_ends_when_its_process_closes_the_wakeup():
    # A worker exiting (its master killed) waited for its open streams' whole lifetime.
    import threading

    wakeup = live.Wakeup()
    chunks = live.events(
        first=page(0),
        page=page,
        latest=lambda: 0,
        recheck=lambda: None,
        timing=live.Timing(heartbeat_s=60.0, poll_s=60.0, lifetime_s=600.0),
        wakeup=wakeup,
    )
    assert next(chunks) == live.message(page(0))
    threading.Timer(0.2, wakeup.close).start()
    ended = threading.Event()
    threading.Thread(target=lambda: (list(chunks), ended.set()), daemon=True).start()
    assert ended.wait(5)  # not after the 60 s poll
