"""The dead-letter sink: logs what could not be delivered, keeps it on the type's DLQ topic, and
re-queues transient failures to their original topic after a delay, a bounded number of times."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from cloudevents.conversion import to_binary
from cloudevents.http import CloudEvent

from support import consume_all, event_client
from taskai import bootstrap, dead_letters
from taskai.local.ping import ping_event

LATER = timedelta(seconds=dead_letters.Policy().delay_s + 1)


@pytest.fixture
def sink(monkeypatch, kafka, tmp_path):
    monkeypatch.setenv("KAFKA_BOOTSTRAP_SERVERS", kafka)
    monkeypatch.setenv("DATA_DIR", str(tmp_path))
    bootstrap.reset()
    yield event_client("deadletters")
    bootstrap.reset()


@pytest.fixture
def dlq(kafka: str, topic: str) -> Iterator[str]:
    """A fresh dead-letter topic for the fresh `topic` (the shared ones are not ours to re-queue)."""
    from kafka.admin import KafkaAdminClient, NewTopic

    name = f"{topic}.dlq"
    admin = KafkaAdminClient(bootstrap_servers=kafka)
    admin.create_topics([NewTopic(name, num_partitions=3, replication_factor=1)])
    yield name
    admin.delete_topics([name])
    admin.close()


def keep_on(kafka: str, dlq: str, event: CloudEvent, now: datetime | None = None) -> str:
    """What the dead-letters function does with `event`, but onto `dlq`."""
    from kafka import KafkaProducer

    producer = KafkaProducer(bootstrap_servers=kafka, acks="all")
    try:
        return dead_letters.keep(
            event,
            now=now or datetime.now(UTC),
            policy=dead_letters.Policy(),
            send=lambda _topic, **kw: producer.send(dlq, **kw).get(timeout=10),
        )
    finally:
        producer.close()


def dead_event(code: str = "422", requeues: int | None = None) -> CloudEvent:
    attributes = {
        "id": str(uuid.uuid4()),
        "type": "com.taskai.task.completed",
        "source": "/taskai/tasks",
        "subject": str(uuid.uuid4()),
        "datacontenttype": "application/json",
        "knativeerrorcode": code,
        "knativeerrordest": "http://recurrence.taskai.svc.cluster.local",
    }
    if requeues is not None:
        attributes[dead_letters.REQUEUES] = str(requeues)
    return CloudEvent(attributes, {"task": {"id": "broken"}})


def post(sink: Any, event: CloudEvent) -> Any:
    headers, body = to_binary(event)
    return sink.post("/", headers=headers, data=body)


def on_topic(kafka: str, topic: str, event: CloudEvent, timeout_s: float = 5) -> list:
    return [
        r
        for r in consume_all(kafka, topic, expected=10_000, timeout_s=timeout_s)
        if dict(r.headers).get("ce_id") == event["id"].encode()
    ]


def requeue(kafka: str, topic: str, dlq: str, now: datetime) -> int | None:
    return dead_letters.requeue_due(kafka, now=now, group=f"requeue-{topic}", topics={dlq: topic})


def test_a_dead_letter_is_kept_on_its_types_dead_letter_topic_with_the_error(sink, kafka, caplog):
    event = dead_event("422")
    response = post(sink, event)
    assert response.status_code == 200 and response.json["outcome"] == "kept on task-events.dlq"
    [found] = on_topic(kafka, "task-events.dlq", event)
    assert found.key == event["subject"].encode()
    assert dict(found.headers)["ce_knativeerrorcode"] == b"422"
    assert f"ce_{dead_letters.NOT_BEFORE}" not in dict(found.headers)  # never re-queued
    [logged] = [r for r in caplog.records if r.message == "dead letter"]
    assert logged.levelname == "ERROR" and "can never succeed" in logged.reason


def test_the_dead_letter_sink_answers_health(sink):
    assert sink.get("/health").status_code == 200


def test_a_transient_failure_goes_back_to_its_original_topic_after_the_delay(kafka, topic, dlq):
    event = dead_event("503")
    assert "re-queue after" in keep_on(kafka, dlq, event)
    [kept] = on_topic(kafka, dlq, event)
    assert f"ce_{dead_letters.NOT_BEFORE}" in dict(kept.headers)
    assert requeue(kafka, topic, dlq, datetime.now(UTC)) == 0  # not yet
    assert on_topic(kafka, topic, event, timeout_s=1) == []
    assert requeue(kafka, topic, dlq, datetime.now(UTC) + LATER) == 1
    [again] = on_topic(kafka, topic, event)
    headers = dict(again.headers)
    assert again.key == event["subject"].encode() and again.value == kept.value
    assert headers[f"ce_{dead_letters.REQUEUES}"] == b"1"
    assert headers["ce_id"] == event["id"].encode()  # the same event: consumers dedupe by id
    assert not [h for h in headers if h.startswith(("ce_knativeerror", "ce_taskainotbefore"))]
    assert requeue(kafka, topic, dlq, datetime.now(UTC) + LATER) == 0  # once: committed


def test_the_requeue_count_grows_and_permanent_or_exhausted_failures_stay(
    kafka, topic, dlq, caplog
):
    second = dead_event("500", requeues=1)
    exhausted = dead_event("500", requeues=dead_letters.Policy().max_requeues)
    refused = dead_event("400")
    assert "re-queue after" in keep_on(kafka, dlq, second)
    assert keep_on(kafka, dlq, exhausted) == "kept on task-events.dlq"
    assert keep_on(kafka, dlq, refused) == "kept on task-events.dlq"
    assert requeue(kafka, topic, dlq, datetime.now(UTC) + LATER) == 1
    [again] = on_topic(kafka, topic, second)
    assert dict(again.headers)[f"ce_{dead_letters.REQUEUES}"] == b"2"
    assert len(consume_all(kafka, topic, expected=2, timeout_s=2)) == 1
    assert len(consume_all(kafka, dlq, expected=3)) == 3  # all three still kept
    reasons = [r.reason for r in caplog.records if r.levelname == "ERROR"]
    assert any("after 3 re-queues" in r for r in reasons)
    assert any("can never succeed" in r for r in reasons)


def test_a_letter_not_yet_due_holds_back_those_behind_it_until_its_time(kafka, topic, dlq):
    now = datetime.now(UTC)
    first, later = dead_event("503"), dead_event("503")
    first["subject"] = later["subject"]  # one key: one partition, in this order
    keep_on(kafka, dlq, first, now=now)
    keep_on(kafka, dlq, later, now=now + timedelta(seconds=60))
    assert requeue(kafka, topic, dlq, now + LATER) == 1
    assert requeue(kafka, topic, dlq, now + LATER + timedelta(seconds=60)) == 1
    assert [dict(r.headers)["ce_id"] for r in consume_all(kafka, topic, expected=2)] == [
        first["id"].encode(),
        later["id"].encode(),
    ]


def test_a_ping_runs_the_requeue_pass(sink, monkeypatch):
    passes = []
    monkeypatch.setattr(dead_letters, "requeue_due", lambda servers, now: passes.append(now) or 0)
    headers, body = ping_event("dead-letters")
    response = sink.post("/", headers=headers, data=body)
    assert response.status_code == 200 and response.json["outcome"] == "re-queued 0"
    assert len(passes) == 1


def test_without_kafka_a_dead_letter_is_only_logged_and_a_ping_does_nothing(monkeypatch, tmp_path):
    monkeypatch.delenv("KAFKA_BOOTSTRAP_SERVERS", raising=False)
    monkeypatch.setenv("DATA_DIR", str(tmp_path))
    bootstrap.reset()
    try:
        embedded = event_client("deadletters")
        assert post(embedded, dead_event("503")).json["outcome"] == "logged"
        headers, body = ping_event("dead-letters")
        outcome = embedded.post("/", headers=headers, data=body).json["outcome"]
        assert outcome == "no kafka: nothing to re-queue"
    finally:
        bootstrap.reset()


@pytest.mark.parametrize(
    ("code", "transient"),
    [("500", True), ("503", True), ("0", True), (None, True), ("429", True), ("404", True),
     ("408", True), ("409", True), ("400", False), ("401", False), ("422", False)],
)  # fmt: skip
def test_which_failures_are_transient(code, transient):
    assert dead_letters.transient(code) is transient
