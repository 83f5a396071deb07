"""Engine details that matter for correctness as well as speed."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

from taskai.adapters.db import timestamptz_in


def test_postgres_timestamps_are_read_as_aware_datetimes_in_every_text_form():
    assert timestamptz_in("2031-01-31 14:00:00+00") == datetime(2031, 1, 31, 14, tzinfo=UTC)
    assert timestamptz_in("2031-01-31 14:00:00.12+00").microsecond == 120000
    half_past = timezone(timedelta(hours=5, minutes=30))
    assert timestamptz_in("2031-01-31 14:00:00.123456+05:30").tzinfo == half_past


def test_timestamps_python_cannot_hold_fall_back_to_the_drivers_rules():
    assert timestamptz_in("infinity") == "infinity"
