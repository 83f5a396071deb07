"""`taskai redrive` end to end: a dead-lettered task.completed replayed to the real recurrence
function over HTTP creates the missing next occurrence, and a second replay changes nothing."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from cloudevents.http import CloudEvent
from cloudevents.kafka import to_binary
from werkzeug.serving import make_server

from support import completed_without_delivery
from taskai import bootstrap
from taskai.contracts import envelope
from taskai.domain.events import TaskCompleted
from taskai.local.devserver import load_function
from taskai.redrive import redrive

NOW = datetime(2031, 1, 15, 12, tzinfo=UTC)


def occurrences(alice, data) -> list[int]:
    items = alice.get(f"/api/tasks/{data['task']['id']}/series").json["items"]
    return [t["occurrence"] for t in items]


@pytest.fixture
def recurrence_url(database) -> Iterator[str]:
    """The recurrence function, as Knative runs it, on a real port."""
    server = make_server("127.0.0.1", 0, load_function("recurrence"), threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}/"
    server.shutdown()


def dead_letter(kafka: str, topic: str, event_id: str, data: dict) -> None:
    from kafka import KafkaProducer

    attributes = envelope(
        event_id=event_id,
        type=TaskCompleted.type,
        key=data["task"]["id"],
        occurred_at=NOW,
        data=data,
    )
    event = CloudEvent(
        {**attributes, "knativeerrorcode": "503", "knativeerrordest": "http://recurrence"},
        json.loads(json.dumps(data, default=str)),
    )
    message = to_binary(event, key_mapper=lambda e: e["subject"].encode())
    producer = KafkaProducer(bootstrap_servers=kafka, acks="all")
    producer.send(
        topic, key=message.key, value=message.value, headers=list(message.headers.items())
    ).get(timeout=10)
    producer.close()


def test_a_replayed_completion_creates_the_next_occurrence_once(
    kafka, topic, alice, recurrence_url
):
    event_id, data = completed_without_delivery(alice, NOW)
    dead_letter(kafka, topic, event_id, data)
    assert occurrences(alice, data) == [1]  # the occurrence the outage lost
    first = redrive(
        kafka, topic, recurrence_url, None, False, credential=bootstrap.event_credential()
    )
    assert (first.replayed, first.failed) == (1, [])
    assert occurrences(alice, data) == [1, 2]
    again = redrive(
        kafka, topic, recurrence_url, None, False, credential=bootstrap.event_credential()
    )
    assert again.replayed == 1 and occurrences(alice, data) == [1, 2]  # a duplicate, answered 2xx
