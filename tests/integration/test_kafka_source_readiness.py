"""The KafkaSource stand-in joins its group once, already holding its topic's partitions.

A group that formed before its consumer knew the topic's partitions handed out an empty
assignment, and kafka-python 3.0.12 could strand the consumer in the rejoin that followed (no
partitions, heartbeat off, never ready): `taskai dev` then waited for a source forever.
"""

from __future__ import annotations

import logging
import threading
import uuid
from collections.abc import Iterator

import pytest

from taskai.local.kafka_source import KafkaSourceBridge

NOWHERE = "http://127.0.0.1:9/"  # readiness needs no sink: nothing is produced


def joins(caplog: pytest.LogCaptureFixture, group: str) -> list[str]:
    """kafka-python's log of each generation this group's consumer joined."""
    prefix = f"Successfully joined group {group} "
    return [
        r.getMessage()
        for r in caplog.records
        if r.name == "kafka.coordinator" and r.getMessage().startswith(prefix)
    ]


def started(kafka: str, topic: str, group: str) -> tuple[KafkaSourceBridge, threading.Thread]:
    bridge = KafkaSourceBridge(bootstrap_servers=kafka, topic=topic, group=group, sink=NOWHERE)
    return bridge, bridge.start()


@pytest.fixture
def unmade_topic(kafka: str) -> Iterator[str]:
    """A topic name nobody has created yet (the broker creates it on first use); deleted
    afterwards."""
    from kafka.admin import KafkaAdminClient

    name = f"test-{uuid.uuid4().hex[:12]}"
    yield name
    admin = KafkaAdminClient(bootstrap_servers=kafka)
    try:
        admin.delete_topics([name])
    finally:
        admin.close()


@pytest.mark.parametrize("which", ["topic", "unmade_topic"])
def test_a_source_is_ready_after_one_join_that_assigns_its_topic(
    kafka: str, which: str, request: pytest.FixtureRequest, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="kafka.coordinator")
    topic = request.getfixturevalue(which)
    bridge, thread = started(kafka, topic, f"g-{uuid.uuid4().hex[:12]}")
    try:
        assert bridge.ready.wait(30)
    finally:
        bridge.stop()
        thread.join(timeout=10)
    assert len(joins(caplog, bridge.group)) == 1, joins(caplog, bridge.group)


def test_a_dozen_sources_started_together_are_all_ready_within_twenty_seconds(
    kafka: str, topic: str
) -> None:
    running = [started(kafka, topic, f"g-{uuid.uuid4().hex[:12]}") for _ in range(12)]
    try:
        for bridge, _ in running:
            assert bridge.ready.wait(20), f"{bridge.group} not ready"
    finally:
        for bridge, _ in running:
            bridge.stop()
        for _, thread in running:
            thread.join(timeout=10)
