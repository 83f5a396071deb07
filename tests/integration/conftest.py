"""Fixtures for tests against the real Kafka broker."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest

from support import KAFKA, need


@pytest.fixture
def kafka() -> str:
    need("kafka", bool(KAFKA), "TEST_KAFKA_BOOTSTRAP_SERVERS is not set")
    assert KAFKA
    return KAFKA


@pytest.fixture
def topic(kafka: str) -> Iterator[str]:
    """A fresh topic with 3 partitions, deleted afterwards."""
    from kafka.admin import KafkaAdminClient, NewTopic

    name = f"test-{uuid.uuid4().hex[:12]}"
    admin = KafkaAdminClient(bootstrap_servers=kafka)
    admin.create_topics([NewTopic(name, num_partitions=3, replication_factor=1)])
    yield name
    admin.delete_topics([name])
    admin.close()
