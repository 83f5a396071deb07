"""The Kafka publisher answers how many records are stored, even when the broker is gone."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from taskai.adapters.kafka_bus import KafkaPublisher
from taskai.ports import OutboxRecord

pytest.importorskip("kafka")


class StalledProducer:
    """A kafka-python producer whose broker never answers: flush and close time out."""

    def __init__(self) -> None:
        self.sent = 0

    def send(self, *args: object, **kwargs: object) -> object:
        self.sent += 1
        return object()

    def flush(self, timeout: float | None = None) -> None:
        from kafka.errors import KafkaTimeoutError

        raise KafkaTimeoutError("Timeout waiting for future")

    def close(self, timeout: float | None = None) -> None:
        self.flush(timeout)


def test_a_broker_that_never_acks_gets_nothing_counted_and_a_fresh_producer_next_time():
    publisher = KafkaPublisher("127.0.0.1:9")
    stalled = StalledProducer()
    publisher._producer = stalled
    record = OutboxRecord(
        1, "e1", "task-events", "task-1", "com.taskai.task.created", datetime.now(UTC), {}, None
    )
    assert publisher.publish([record]) == 0
    assert stalled.sent == 1 and publisher._producer is None
