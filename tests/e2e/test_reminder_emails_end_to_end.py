"""Reminders for real: `taskai dev --tick 1` fires them and the notifications function sends them."""

from __future__ import annotations

import json
import threading
import time
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import text
from test_dev_server import Server, clean_env, sign_up

from resend_standin import API_KEY, ResendStandIn
from support import KAFKA, need


def remind_at(server: Server, title: str, seconds: float) -> dict:
    """A task with one reminder `seconds` from now."""
    at = datetime.now(UTC) + timedelta(seconds=seconds)
    status, task = server.call(
        "POST", "/api/tasks", {"title": title, "reminders": [{"at": at.isoformat()}]}
    )
    assert status == 201, task
    return task  # type: ignore[return-value]


def reminder_status(server: Server, task: dict) -> str:
    return server.call("GET", f"/api/tasks/{task['id']}")[1]["reminders"][0]["status"]  # type: ignore[index]


@pytest.fixture
def embedded(tmp_path: Path) -> Iterator[Server]:
    server = Server(tmp_path, clean_env())
    yield server
    server.stop()


def test_with_nothing_configured_a_reminder_fires_and_its_email_is_logged(embedded):
    sign_up(embedded)
    task = remind_at(embedded, "Take the cake out", seconds=3)
    started = time.monotonic()
    embedded.wait_for_log('"message": "email"', timeout_s=30)
    [line] = [json.loads(x) for x in embedded.log if '"message": "email"' in x]
    assert time.monotonic() - started < 15
    assert line["to"] == "ann@example.com" and line["subject"] == "Reminder: Take the cake out"
    assert f"/tasks/{task['id']}" in line["text"] and "Take the cake out" in line["html"]
    deadline = time.monotonic() + 5
    while reminder_status(embedded, task) != "sent" and time.monotonic() < deadline:
        time.sleep(0.1)
    assert reminder_status(embedded, task) == "sent"


@pytest.fixture
def resend() -> Iterator[ResendStandIn]:
    stand_in = ResendStandIn().start()
    yield stand_in
    stand_in.stop()


@pytest.fixture
def on_postgres_kafka_and_resend(
    tmp_path: Path, postgres_migrated: str, resend: ResendStandIn
) -> Iterator[Server]:
    need("kafka", bool(KAFKA), "TEST_KAFKA_BOOTSTRAP_SERVERS is not set")
    from taskai.adapters.db import make_engine

    assert KAFKA
    engine = make_engine(postgres_migrated, pool_size=1)
    with engine.begin() as connection:  # only this test's reminders and events
        connection.execute(text("TRUNCATE users, events.outbox CASCADE"))
    engine.dispose()
    env = clean_env(
        DATABASE_URL=postgres_migrated,
        KAFKA_BOOTSTRAP_SERVERS=KAFKA,
        JWT_SECRET="e2e-secret-that-is-long-enough-0123456789",
        RESEND_API_KEY=API_KEY,
        RESEND_API_URL=resend.url,
    )
    server = Server(tmp_path, env, "--kafka-group-prefix", f"e2e-{uuid.uuid4().hex[:8]}-")
    watchdog = threading.Timer(240, server.process.kill)  # a server gone quiet ends the wait
    watchdog.start()
    try:
        try:
            server.wait_for_sources()
        finally:
            watchdog.cancel()
        yield server
    finally:
        server.stop()  # also when the start failed: never leave a server behind


def test_through_kafka_a_reminder_a_minute_ahead_is_emailed_through_resend_within_two_minutes(
    on_postgres_kafka_and_resend, resend
):
    server = on_postgres_kafka_and_resend
    sign_up(server)
    created = time.monotonic()
    task = remind_at(server, "Leave for the airport", seconds=60)
    while not resend.emails and time.monotonic() - created < 120:
        time.sleep(0.5)
    assert resend.emails, "no email within 2 minutes:\n" + "".join(server.log[-20:])
    assert time.monotonic() - created >= 55  # not before its time
    [email] = resend.emails
    assert email["to"] == ["ann@example.com"]
    assert email["headers"]["idempotency-key"] == f"reminder/{task['reminders'][0]['id']}"
    time.sleep(3)  # ticks go on: still one email
    assert len(resend.emails) == 1 and reminder_status(server, task) == "sent"
