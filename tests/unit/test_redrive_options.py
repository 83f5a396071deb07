"""`taskai redrive`'s options: where dead letters go back to, and what --since means."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from taskai.redrive import RedriveError, RedriveResult, default_sink, parse_since, summary

NOW = datetime(2031, 3, 1, 12, 0, tzinfo=UTC)


def test_each_dead_letter_topic_goes_back_to_the_function_consuming_its_original_topic():
    assert default_sink("task-events.dlq") == "http://127.0.0.1:8081/_events/recurrence"
    assert (
        default_sink("reminders.dlq", "http://h:1/_events/") == "http://h:1/_events/notifications"
    )


def test_a_topic_that_is_no_dead_letter_topic_needs_an_explicit_sink():
    with pytest.raises(RedriveError, match="--sink"):
        default_sink("task-events")


def test_since_takes_durations_back_from_now_and_iso_times():
    assert parse_since("2h", NOW) == NOW - timedelta(hours=2)
    assert parse_since("1d12h", NOW) == NOW - timedelta(days=1, hours=12)
    assert parse_since("90s", NOW) == NOW - timedelta(seconds=90)
    assert parse_since("2031-03-01T10:00:00+02:00", NOW) == datetime(2031, 3, 1, 8, tzinfo=UTC)
    assert parse_since("2031-03-01T10:00", NOW) == datetime(2031, 3, 1, 10, tzinfo=UTC)


def test_since_refuses_what_it_cannot_read():
    with pytest.raises(RedriveError, match="--since"):
        parse_since("yesterday", NOW)


def test_the_summary_says_what_happened():
    result = RedriveResult("task-events.dlq", "http://s", total=3, replayed=2, failed=[("e", 503)])
    assert summary(result) == (
        "task-events.dlq -> http://s: 3 dead letters; 2 replayed, 1 still failing (kept on the topic)"
    )
    assert not result.unreachable
    assert RedriveResult("t", "http://s", failed=[("e", 0)]).unreachable
