"""Task changes reach the real Kafka broker as CloudEvents, in order (across an outage: the
fault suite, which stops a broker of its own)."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

from support import end_offsets, ensure_topic, events_since
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
