"""The outbox relay (`taskai.services.relay`) against a fake outbox, bus and clock."""

from __future__ import annotations

import pytest
from fakes import NOW, FakeClock, FakeOutbox, FakePublisher

from taskai.ports import RelayBusy
from taskai.services.relay import KEEP_PUBLISHED, BusUnavailable, relay_pending


def test_every_waiting_event_goes_out_in_order_and_is_marked_published():
    outbox, bus = FakeOutbox(3), FakePublisher()
    assert relay_pending(outbox=outbox, publisher=bus, clock=FakeClock(NOW)) == 3
    assert [r.position for r in bus.delivered] == [1, 2, 3]
    assert outbox.published == {1: NOW, 2: NOW, 3: NOW}


def test_a_caught_up_relay_forgets_events_published_longer_ago_than_it_keeps_them():
    outbox = FakeOutbox(1)
    relay_pending(outbox=outbox, publisher=FakePublisher(), clock=FakeClock(NOW))
    assert outbox.purged_before == NOW - KEEP_PUBLISHED


def test_a_backlog_goes_out_in_batches_and_is_purged_only_once_caught_up():
    outbox, bus = FakeOutbox(5), FakePublisher()
    assert relay_pending(outbox=outbox, publisher=bus, clock=FakeClock(NOW), batch=2) == 5
    assert len(outbox.published) == 5 and outbox.purged_before is not None


def test_a_relay_asked_to_stop_ends_after_the_batch_under_way_leaving_the_rest_waiting():
    # a stopped process's pass (and a test's reset) waited out 9,400 events' handlers: 30 s+
    outbox, bus = FakeOutbox(5), FakePublisher()
    asked = iter([False, True])
    stopping = lambda: next(asked)  # noqa: E731
    assert (
        relay_pending(
            outbox=outbox, publisher=bus, clock=FakeClock(NOW), batch=2, stopping=stopping
        )
        == 4
    )
    assert list(outbox.published) == [1, 2, 3, 4] and outbox.purged_before is None
    assert relay_pending(outbox=outbox, publisher=bus, clock=FakeClock(NOW), batch=2) == 1


def test_a_full_last_batch_is_not_purged_until_the_next_pass_finds_less():
    outbox = FakeOutbox(2)
    relay_pending(outbox=outbox, publisher=FakePublisher(), clock=FakeClock(NOW), batch=2)
    assert outbox.purged_before is None


def test_events_the_bus_did_not_take_stay_in_the_outbox_for_the_next_pass():
    outbox, clock = FakeOutbox(3), FakeClock(NOW)
    with pytest.raises(BusUnavailable, match="2 events wait"):
        relay_pending(outbox=outbox, publisher=FakePublisher(accept=1), clock=clock)
    assert list(outbox.published) == [1] and outbox.purged_before is None
    later = clock.advance(seconds=5)
    assert relay_pending(outbox=outbox, publisher=FakePublisher(), clock=clock) == 2
    assert outbox.published == {1: NOW, 2: later, 3: later}


def test_a_relay_that_finds_the_turn_taken_publishes_nothing():
    outbox, bus = FakeOutbox(2), FakePublisher()
    outbox.busy = True
    with pytest.raises(RelayBusy):
        relay_pending(outbox=outbox, publisher=bus, clock=FakeClock(NOW))
    assert bus.delivered == [] and outbox.published == {}


def test_an_empty_outbox_publishes_nothing():
    assert relay_pending(outbox=FakeOutbox(), publisher=FakePublisher(), clock=FakeClock(NOW)) == 0
