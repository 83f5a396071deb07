"""Webhooks through the real broker: API → outbox → Kafka → KafkaSource → webhooks function →
a receiver that verifies each signature; the owner's events only, each once."""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Iterator

import pytest

from support import Api, settle
from taskai import bootstrap
from taskai.config import get_settings
from taskai.local.devserver import load_function
from taskai.local.kafka_source import Delivery, KafkaSourceBridge
from webhook_sink import WebhookSink, body_json


@pytest.fixture
def sink(database: str, kafka: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[WebhookSink]:
    """Events go to the real broker; webhooks may reach the receiver on 127.0.0.1."""
    monkeypatch.setenv("KAFKA_BOOTSTRAP_SERVERS", kafka)
    monkeypatch.setenv("WEBHOOK_ALLOW_HOSTS", "127.0.0.1")
    bootstrap.reset()
    get_settings.cache_clear()
    receiver = WebhookSink()
    yield receiver
    receiver.close()
    bootstrap.reset()


@pytest.fixture
def source(sink: WebhookSink, kafka: str) -> Iterator[KafkaSourceBridge]:
    """The webhooks function served over HTTP, fed by a KafkaSource of this test's own."""
    from werkzeug.serving import make_server

    server = make_server("127.0.0.1", 0, load_function("webhooks"), threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    bridge = KafkaSourceBridge(
        bootstrap_servers=kafka,
        topic="task-events",
        group=f"test-webhooks-{uuid.uuid4().hex[:8]}",
        sink=f"http://127.0.0.1:{server.server_port}/",
        dead_letter_topic="task-events.dlq",
        delivery=Delivery(retry=5, backoff_delay_s=0.01, max_backoff_s=0.2, timeout_s=30),
        initial_offset="latest",
        credential=bootstrap.event_credential(),
    )
    thread = bridge.start()
    assert bridge.ready.wait(30), "the source's group did not get its partitions"
    yield bridge
    bridge.stop()
    thread.join(timeout=10)
    server.shutdown()


def test_the_owners_task_events_reach_the_webhook_signed_once_each_and_nobody_elses(
    sink: WebhookSink, source: KafkaSourceBridge, gateway
) -> None:
    alice, bob = Api(gateway).as_new_user(), Api(gateway).as_new_user()
    kinds = ["com.taskai.task.created", "com.taskai.task.completed"]
    created = alice.post("/api/webhooks", {"url": sink.url, "event_types": kinds})
    assert created.status_code == 201, created.json
    sink.secret = created.json["secret"]
    task = alice.post("/api/tasks", {"title": "Through Kafka"}).json
    bob.post("/api/tasks", {"title": "Not for Alice's webhook"})
    alice.post(f"/api/tasks/{task['id']}/complete")
    settle()
    calls = sink.wait_for(2, timeout_s=60)
    assert len(sink.events()) == len(calls) == 2
    assert sorted(body_json(c)["type"] for c in calls) == sorted(kinds)
    assert {body_json(c)["data"]["task"]["id"] for c in calls} == {task["id"]}
    # the sink has the request before the function records its answer: wait for the record
    deadline = time.monotonic() + 10
    while True:
        path = f"/api/webhooks/{created.json['id']}/deliveries"
        deliveries = alice.get(path).json["deliveries"]
        if all(d["status"] == "delivered" for d in deliveries) or time.monotonic() > deadline:
            break
        time.sleep(0.1)
    assert [d["status"] for d in deliveries] == ["delivered", "delivered"]
