"""Helpers shared by the tests: service requirements, an API client, waiting for the relay."""

from __future__ import annotations

import os
import time
import uuid
from typing import Any

import pytest

from taskai import bootstrap

REQUIRED = {
    s.strip() for s in os.environ.get("TASKAI_REQUIRE_SERVICES", "").split(",") if s.strip()
}
POSTGRES_URL = os.environ.get("TEST_DATABASE_URL")
KAFKA = os.environ.get("TEST_KAFKA_BOOTSTRAP_SERVERS")
TEST_SECRET = "test-signing-secret-that-is-long-enough-0123456789"
PG_TABLES = (  # every table a test writes, emptied between tests
    "users, tasks.tasks, tasks.tags, tasks.task_tags, tasks.reminders, tasks.deletions, "
    "events.outbox, events.processed_events, login_attempts, password_resets, api_tokens"
)


def migrate_from_scratch(url: str) -> None:
    """Drop whatever an earlier run left in the PostgreSQL database at `url`, then migrate."""
    from sqlalchemy import text

    from taskai.adapters.db import make_engine
    from taskai.adapters.migrate import upgrade

    engine = make_engine(url, pool_size=1)
    with engine.begin() as connection:
        connection.execute(
            text("DROP SCHEMA IF EXISTS tasks, events, notifications, audit CASCADE")
        )
        connection.execute(
            text(
                "DROP TABLE IF EXISTS users, login_attempts, password_resets, api_tokens, imports, "
                "webhooks, webhook_deliveries, calendar_feeds, alembic_version, "
                "push_subscriptions, push_attempts CASCADE"  # Web Push (issue 17)
            )
        )
    engine.dispose()
    upgrade(url)


def drop_database(connection: Any, name: str) -> None:
    """DROP DATABASE `name` (quoted) on `connection`, an AUTOCOMMIT one to another database.
    A plain DROP first: it stops an autovacuum worker there itself, where WITH (FORCE) refuses
    a role that may not signal it (42501); FORCE only for a connection a test left open."""
    from sqlalchemy import text
    from sqlalchemy.exc import DBAPIError

    try:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
    except DBAPIError as e:
        if "being accessed by other users" not in str(e.orig):
            raise
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


def need(service: str, available: bool, how: str) -> None:
    """Skip when a service is missing on a laptop; fail when CI said it must be there."""
    if available:
        return
    if service in REQUIRED:
        pytest.fail(f"{service} is required here (TASKAI_REQUIRE_SERVICES) but {how}")
    pytest.skip(f"{service} not available: {how}")


def settle(timeout: float = 10.0) -> None:
    """Wait until the outbox relay has delivered everything committed so far, and the webhook
    attempts it started have finished."""
    assert bootstrap.relay().idle.wait(timeout), "the relay did not settle"
    if bootstrap.webhook_attempts.cache_info().currsize:
        assert bootstrap.webhook_attempts().wait_idle(timeout), "webhook attempts did not settle"


class Api:
    """A tiny client for the HTTP API that speaks JSON and carries a bearer token."""

    def __init__(self, app: Any, token: str | None = None) -> None:
        from werkzeug.test import Client

        self.client = Client(app)
        self.token = token

    def call(self, method: str, path: str, json: Any = None, **kwargs: Any) -> Any:
        """The werkzeug test response of `method` `path` with `json` as body, the bearer token
        added unless given."""
        headers = dict(kwargs.pop("headers", {}))
        if self.token and "Authorization" not in headers:
            headers["Authorization"] = f"Bearer {self.token}"
        return self.client.open(path, method=method, json=json, headers=headers, **kwargs)

    def get(self, path: str, **kw: Any) -> Any:
        """The test response of GET `path`."""
        return self.call("GET", path, **kw)

    def post(self, path: str, json: Any = None, **kw: Any) -> Any:
        """The test response of POST `path` with `json` as body."""
        return self.call("POST", path, json=json, **kw)

    def patch(self, path: str, json: Any = None, **kw: Any) -> Any:
        """The test response of PATCH `path` with `json` as body."""
        return self.call("PATCH", path, json=json, **kw)

    def delete(self, path: str, **kw: Any) -> Any:
        """The test response of DELETE `path`."""
        return self.call("DELETE", path, **kw)

    def as_new_user(self, timezone: str = "UTC") -> Api:
        """A client logged in as a freshly registered user."""
        email = f"user-{uuid.uuid4().hex[:10]}@example.com"
        response = self.post(
            "/api/auth/register",
            {"email": email, "password": "correct horse", "timezone": timezone},
        )
        assert response.status_code == 201, response.json
        user = Api(self.client.application, response.json["access_token"])
        user.email = email  # type: ignore[attr-defined]
        return user


def produce(
    kafka: str, topic: str, records: list[tuple[bytes, bytes, list[tuple[str, bytes]]]]
) -> None:
    """Write `records` ((key, value, headers) each) to `topic` on `kafka` (host:port list), acked
    by all replicas."""
    from kafka import KafkaProducer

    producer = KafkaProducer(bootstrap_servers=kafka, acks="all")
    for key, value, headers in records:
        producer.send(topic, key=key, value=value, headers=headers)
    producer.flush()
    producer.close()


def consume_all(kafka: str, topic: str, expected: int, timeout_s: float = 30.0) -> list:
    """Read `topic` from the beginning until `expected` records came (or the time is up)."""
    import time

    from kafka import KafkaConsumer

    consumer = KafkaConsumer(
        topic,
        bootstrap_servers=kafka,
        auto_offset_reset="earliest",
        enable_auto_commit=False,
        group_id=None,
    )
    records, deadline = [], time.monotonic() + timeout_s
    while len(records) < expected and time.monotonic() < deadline:
        for batch in consumer.poll(timeout_ms=200).values():
            records.extend(batch)
    consumer.close()
    return records


def event_client(function: str) -> Any:
    """A test client of an event function that delivers as its sources do: with the credential."""
    from werkzeug.test import Client

    from taskai.local.devserver import load_function

    class Delivering(Client):
        def open(self, *args: Any, **kwargs: Any) -> Any:
            headers = dict(kwargs.pop("headers", None) or {})
            headers.setdefault("Authorization", bootstrap.event_credential()["Authorization"])
            return super().open(*args, headers=headers, **kwargs)

    return Delivering(load_function(function))


def completed_without_delivery(user: Api, now: Any) -> tuple[str, dict[str, Any]]:
    """Complete a recurring task of `user`'s with nothing delivering its events (the relay
    stopped, as if the consumer lost them): its task.completed event's id and data, at `now`."""
    import uuid

    from taskai.adapters.outbox import event_data
    from taskai.domain.events import TaskCompleted

    task = user.post("/api/tasks", {"title": "Pay rent", "due_date": "2031-01-01T09:00:00",
                                    "recurrence": {"preset": "monthly"}}).json  # fmt: skip
    bootstrap.relay().stop()
    user.post(f"/api/tasks/{task['id']}/complete")
    me = uuid.UUID(user.get("/api/auth/me").json["id"])
    with bootstrap.uow() as uow:
        done = uow.tasks.get(me, uuid.UUID(task["id"]))
        done.events.clear()
        done.record(TaskCompleted, now)
        return done.events[0].id, event_data(done.events[0])


def end_offsets(kafka: str, topic: str) -> dict:
    """The end offset of each partition of `topic` on the broker at `kafka`."""
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
