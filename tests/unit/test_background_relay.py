"""The background relay's passes: commits of a busy process share one, a lone one goes at once."""

from __future__ import annotations

import time

from taskai.adapters.outbox import BackgroundRelay

LINGER_S = 0.3


def relay_recording(starts: list[float]) -> BackgroundRelay:
    def run() -> int:
        starts.append(time.monotonic())
        return 0

    return BackgroundRelay(run, linger_s=LINGER_S)


def test_commits_that_come_while_a_pass_lingers_share_the_next_pass() -> None:
    starts: list[float] = []
    relay = relay_recording(starts)
    relay.kick()
    assert relay.idle.wait(5)
    for _ in range(20):  # twenty commits right after the first pass
        relay.kick()
    assert relay.idle.wait(5)
    relay.stop()
    assert len(starts) == 2
    assert starts[1] - starts[0] >= LINGER_S


def test_a_commit_after_a_quiet_spell_is_relayed_at_once() -> None:
    starts: list[float] = []
    relay = relay_recording(starts)
    relay.kick()
    assert relay.idle.wait(5)
    time.sleep(LINGER_S)
    kicked = time.monotonic()
    relay.kick()
    assert relay.idle.wait(5)
    relay.stop()
    assert len(starts) == 2
    assert starts[1] - kicked < LINGER_S / 2


def test_a_stopped_pool_refuses_new_work_as_a_full_one_does() -> None:
    # At exit a relay still publishing handed webhook attempts to a pool already shut down:
    # submit raised, and the event's handler answered 500.
    from taskai.adapters.background import BoundedPool

    pool: BoundedPool[int] = BoundedPool(lambda _: None, name="t", workers=1, waiting=1)
    pool.stop()
    assert pool.start([1, 2]) == 0
    assert pool.wait_idle(1)


def test_the_process_relay_hands_each_pass_its_stopped_flag(monkeypatch) -> None:
    # so that a stopping process's pass ends at a batch instead of waiting out a backlog
    from taskai import bootstrap

    passes: list = []
    monkeypatch.setattr(bootstrap, "relay_now", lambda stopping: passes.append(stopping) or 0)
    bootstrap.relay.cache_clear()
    try:
        background = bootstrap.relay()
        background.run()
        assert passes[0]() is False
        background.stopped = True
        assert passes[0]() is True
    finally:
        bootstrap.relay.cache_clear()
