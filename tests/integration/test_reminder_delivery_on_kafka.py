"""Reminders through the real broker: scheduler → outbox → Kafka → KafkaSource → notifications →
Resend stand-in failing 30 % of calls and rate limiting once; every reminder is emailed once."""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import func, select

from reminder_support import past_due, tick
from resend_standin import API_KEY, ResendStandIn
from taskai import bootstrap
from taskai.adapters import orm
from taskai.local.devserver import load_function
from taskai.local.kafka_source import Delivery, KafkaSourceBridge

REMINDERS = 40


@pytest.fixture
def flaky_resend(monkeypatch: pytest.MonkeyPatch) -> Iterator[ResendStandIn]:
    stand_in = ResendStandIn(fail_rate=0.3, seed=11).start()
    monkeypatch.setenv("RESEND_API_KEY", API_KEY)
    monkeypatch.setenv("RESEND_API_URL", stand_in.url)
    yield stand_in
    stand_in.stop()


@pytest.fixture
def on_kafka(database: str, kafka: str, flaky_resend: ResendStandIn, monkeypatch) -> str:
    """Events go to the real broker (the relay's publisher is Kafka)."""
    monkeypatch.setenv("KAFKA_BOOTSTRAP_SERVERS", kafka)
    bootstrap.reset()
    from kafka import KafkaProducer

    producer = KafkaProducer(bootstrap_servers=kafka)
    producer.partitions_for("reminders")  # the broker creates the topic on first use
    producer.close()
    return kafka


@pytest.fixture
def notifications_url() -> Iterator[str]:
    """The notifications function served over HTTP, as Knative serves it to its KafkaSource."""
    from werkzeug.serving import make_server

    server = make_server("127.0.0.1", 0, load_function("notifications"), threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}/"
    server.shutdown()


@pytest.fixture
def source(on_kafka: str, notifications_url: str) -> Iterator[KafkaSourceBridge]:
    """A KafkaSource on `reminders` for this test alone (a new group, starting at the end)."""
    bridge = KafkaSourceBridge(
        bootstrap_servers=on_kafka,
        topic="reminders",
        group=f"test-notifications-{uuid.uuid4().hex[:8]}",
        sink=notifications_url,
        dead_letter_topic="reminders.dlq",
        delivery=Delivery(retry=12, backoff_delay_s=0.01, max_backoff_s=0.2, timeout_s=10),
        initial_offset="latest",
        credential=bootstrap.event_credential(),
    )
    thread = bridge.start()
    assert bridge.ready.wait(30), "the source's group did not get its partitions"
    yield bridge
    bridge.stop()
    thread.join(timeout=10)


def sent(reminders: list[str]) -> int:
    r = orm.reminders.c
    with bootstrap.uow() as uow:
        ids = [uuid.UUID(i) for i in reminders]
        stmt = select(func.count()).where(r.id.in_(ids), r.status == "sent")
        return int(uow.session.execute(stmt).scalar_one())


def log_rows(reminders: list[str]) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    for reminder in reminders:
        with bootstrap.uow() as uow:
            rows += uow.notifications.of_reminder(uuid.UUID(reminder))
    return rows


@pytest.mark.parametrize("database", ["postgres"], indirect=True)  # the deployed pairing
def test_every_reminder_is_emailed_exactly_once_through_kafka_despite_a_flaky_provider(
    alice, flaky_resend, source
):
    flaky_resend.rate_limit(1, retry_after=1)
    reminders = past_due(alice, *range(1, REMINDERS + 1))
    assert tick(datetime.now(UTC)).queued == REMINDERS
    deadline = time.monotonic() + 90
    while sent(reminders) < REMINDERS and time.monotonic() < deadline:
        time.sleep(0.2)
    assert sent(reminders) == REMINDERS, flaky_resend.stats()
    per_key = flaky_resend.sent_per_key()
    assert sorted(per_key) == sorted(f"reminder/{r}" for r in reminders)
    assert set(per_key.values()) == {1}  # nobody got an email twice
    stats = flaky_resend.stats()
    assert stats["statuses"]["500"] > 0 and stats["statuses"]["429"] == 1  # the faults did happen
    rows = log_rows(reminders)
    assert sorted(r["reminder_id"] for r in rows if r["status"] == "sent") == sorted(
        uuid.UUID(r) for r in reminders
    )
    assert {r["status"] for r in rows} == {"sent", "retry"}  # every attempt is in the log
    assert source.dead_lettered == 0
