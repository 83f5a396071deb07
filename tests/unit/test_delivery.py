"""The KafkaSource stand-in's delivery policy: backoff, its cap, Retry-After, the budget."""

from __future__ import annotations

from datetime import UTC, datetime

from taskai.adapters.http_delivery import Delivery, retry_after


def test_the_default_delivery_rides_out_several_minutes_of_outage():
    delivery = Delivery()
    assert delivery.retry >= 10 and delivery.backoff(0) == 1.0
    assert [delivery.backoff(n) for n in range(8)] == [1, 2, 4, 8, 16, 32, 60, 60]
    assert delivery.budget_s == 303  # the README states this number


def test_a_retry_after_longer_than_the_backoff_is_waited_but_never_beyond_the_cap():
    delivery = Delivery(backoff_delay_s=1, max_backoff_s=60)
    assert delivery.backoff(0, retry_after_s=20) == 20
    assert delivery.backoff(5, retry_after_s=2) == 32
    assert delivery.backoff(0, retry_after_s=3600) == 60


def test_retry_after_reads_seconds_and_http_dates_and_ignores_garbage():
    now = datetime(2031, 1, 1, 12, 0, tzinfo=UTC)
    assert retry_after("7") == 7.0
    assert retry_after("Wed, 01 Jan 2031 12:00:30 GMT", now) == 30.0
    assert retry_after("Wed, 01 Jan 2031 11:00:00 GMT", now) == 0.0
    assert retry_after("soon") is None and retry_after(None) is None
