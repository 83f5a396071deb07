"""Task changes reach the real Kafka broker as CloudEvents, in order, even across an outage."""

from __future__ import annotations

import json
import subprocess
import time
from pathlib import Path

import jsonschema
import pytest

from support import settle
from taskai import bootstrap

ROOT = Path(__file__).resolve().parents[2]
SCHEMAS = ROOT / "events" / "schemas"


@pytest.fixture
def through_kafka(database, kafka, monkeypatch):
    """The API with events going to the real broker (the relay's publisher is Kafka)."""
    monkeypatch.setenv("KAFKA_BOOTSTRAP_SERVERS", kafka)
    bootstrap.reset()
    yield kafka
    bootstrap.reset()


@pytest.fixture
def user(through_kafka, gateway):
    from support import Api

    return Api(gateway).as_new_user("Europe/Berlin")


def end_offsets(kafka: str, topic: str) -> dict:
    from kafka import KafkaConsumer, TopicPartition

    consumer = KafkaConsumer(bootstrap_servers=kafka)
    partitions = [TopicPartition(topic, p) for p in consumer.partitions_for_topic(topic) or []]
    offsets = consumer.end_offsets(partitions)
    consumer.close()
    return offsets


def events_since(kafka: str, offsets: dict, keys: set[str], expected: int, timeout_s: float = 60):
    """The records of `keys` written after `offsets`, in the order each partition holds them."""
    from kafka import KafkaConsumer

    consumer = KafkaConsumer(bootstrap_servers=kafka, enable_auto_commit=False)
    consumer.assign(list(offsets))
    for partition, offset in offsets.items():
        consumer.seek(partition, offset)
    found, deadline = [], time.monotonic() + timeout_s
    while len(found) < expected and time.monotonic() < deadline:
        for batch in consumer.poll(timeout_ms=200).values():
            found += [r for r in batch if r.key and r.key.decode() in keys]
    consumer.close()
    return found


def ensure_topic(kafka: str) -> None:
    """Make sure task-events exists (the broker auto-creates it with 3 partitions)."""
    from kafka import KafkaProducer

    producer = KafkaProducer(bootstrap_servers=kafka)
    producer.partitions_for("task-events")
    producer.close()


def test_each_change_arrives_as_a_binary_cloudevent_keyed_by_the_task_with_valid_data(
    user, through_kafka
):
    ensure_topic(through_kafka)
    before = end_offsets(through_kafka, "task-events")
    task = user.post("/api/tasks", {"title": "Ship it", "tags": ["work"]}).json
    user.patch(f"/api/tasks/{task['id']}", {"priority": "urgent"})
    user.post(f"/api/tasks/{task['id']}/complete")
    user.delete(f"/api/tasks/{task['id']}")
    records = events_since(through_kafka, before, {task["id"]}, expected=4)
    kinds = [dict(r.headers)["ce_type"].decode() for r in records]
    assert kinds == [f"com.taskai.task.{k}" for k in ("created", "updated", "completed", "deleted")]
    for record in records:
        headers = {name: value.decode() for name, value in record.headers}
        assert record.key.decode() == task["id"]
        assert headers["ce_specversion"] == "1.0" and headers["ce_subject"] == task["id"]
        assert headers["content-type"] == "application/json"
        assert headers["ce_source"] == "/taskai/tasks" and headers["ce_dataschema"]
        schema = json.loads((SCHEMAS / f"{headers['ce_type']}.json").read_text())
        jsonschema.validate(json.loads(record.value), schema)
    assert len({r.partition for r in records}) == 1  # one key, one partition, one order


@pytest.mark.parametrize(
    "database", ["postgres"], indirect=True
)  # the deployed pairing; a minute each
def test_tasks_created_while_the_broker_is_down_all_arrive_in_order_when_it_returns(
    user, through_kafka
):
    ensure_topic(through_kafka)
    before = end_offsets(through_kafka, "task-events")
    scripts = ROOT / "scripts" / "kafka"
    subprocess.run(["bash", str(scripts), "stop"], check=True, capture_output=True)
    try:
        ids = []
        for n in range(5):
            started = time.monotonic()
            task = user.post("/api/tasks", {"title": f"offline {n}"})
            assert task.status_code == 201  # the API keeps answering
            assert time.monotonic() - started < 2.0
            ids.append(task.json["id"])
            user.patch(f"/api/tasks/{ids[-1]}", {"title": f"offline {n} renamed"})
        time.sleep(60)  # the broker stays down for a minute
    finally:
        subprocess.run(["bash", str(scripts), "start"], check=True, capture_output=True)
    bootstrap.relay().kick()
    records = events_since(through_kafka, before, set(ids), expected=10, timeout_s=90)
    by_task: dict[str, list[str]] = {}
    for record in records:
        by_task.setdefault(record.key.decode(), []).append(dict(record.headers)["ce_type"].decode())
    assert set(by_task) == set(ids)
    for kinds in by_task.values():
        assert [k for k in dict.fromkeys(kinds)] == [
            "com.taskai.task.created",
            "com.taskai.task.updated",
        ]
    settle(30)
