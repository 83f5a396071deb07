"""The dead-letter sink: logs what could not be delivered and keeps it on the type's DLQ topic."""

from __future__ import annotations

import uuid

import pytest
from cloudevents.conversion import to_binary
from cloudevents.http import CloudEvent

from support import consume_all, event_client
from taskai import bootstrap


@pytest.fixture
def sink(monkeypatch, kafka, tmp_path):
    monkeypatch.setenv("KAFKA_BOOTSTRAP_SERVERS", kafka)
    monkeypatch.setenv("DATA_DIR", str(tmp_path))
    bootstrap.reset()
    yield event_client("deadletters")
    bootstrap.reset()


def refused_event() -> CloudEvent:
    return CloudEvent(
        {
            "id": str(uuid.uuid4()),
            "type": "com.taskai.task.completed",
            "source": "/taskai/tasks",
            "subject": str(uuid.uuid4()),
            "datacontenttype": "application/json",
            "knativeerrorcode": "422",
            "knativeerrordest": "http://recurrence.taskai.svc.cluster.local",
        },
        {"task": {"id": "broken"}},
    )


def test_a_dead_letter_is_kept_on_its_types_dead_letter_topic_with_the_error(sink, kafka, caplog):
    event = refused_event()
    headers, body = to_binary(event)
    response = sink.post("/", headers=headers, data=body)
    assert response.status_code == 200 and response.json["outcome"] == "kept on task-events.dlq"
    found = [
        r
        for r in consume_all(kafka, "task-events.dlq", expected=10_000, timeout_s=5)
        if dict(r.headers).get("ce_id") == event["id"].encode()
    ]
    assert len(found) == 1
    assert found[0].key == event["subject"].encode()
    assert dict(found[0].headers)["ce_knativeerrorcode"] == b"422"
    assert any(r.message == "dead letter" for r in caplog.records)


def test_the_dead_letter_sink_answers_health(sink):
    assert sink.get("/health").status_code == 200
