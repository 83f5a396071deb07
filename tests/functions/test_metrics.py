"""Prometheus metrics: RED per operation, outbox backlog, events by outcome, reminders, throttling,
pool use; served off the public route, in the text format, with bounded labels."""

from __future__ import annotations

import re
import uuid
from datetime import UTC, datetime

import pytest
from prometheus_client import REGISTRY
from prometheus_client.parser import text_string_to_metric_families
from werkzeug.test import Client

from support import event_client, settle
from taskai import bootstrap
from taskai.local.devserver import HTTP_FUNCTIONS, EventRouter, load_function
from taskai.triggers import TRIGGERS

UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


def sample(name: str, **labels: str) -> float:
    return REGISTRY.get_sample_value(name, labels) or 0.0


def families(text: str) -> dict[str, object]:
    return {f.name: f for f in text_string_to_metric_families(text)}


@pytest.mark.parametrize("name", HTTP_FUNCTIONS + [t.function for t in TRIGGERS])
def test_every_function_serves_its_metrics_in_the_prometheus_text_format(name, database):
    response = Client(load_function(name)).get("/metrics")
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("text/plain; version=")
    found = families(response.get_data(as_text=True))
    for family in (
        "taskai_http_requests",
        "taskai_http_request_duration_seconds",
        "taskai_events_handled",
        "taskai_reminder_lateness_seconds",
        "taskai_login_throttled",
    ):
        assert family in found, family


def test_requests_are_counted_per_operation_with_errors_by_status_class_and_latency(alice):
    before = {
        "created": sample(
            "taskai_http_requests_total",
            function="tasks",
            operation="createTask",
            status_class="2xx",
        ),
        "invalid": sample(
            "taskai_http_request_errors_total",
            function="tasks",
            operation="createTask",
            status_class="4xx",
        ),
        "timed": sample(
            "taskai_http_request_duration_seconds_count", function="tasks", operation="getTask"
        ),
    }
    assert alice.post("/api/tasks", {"title": "Water the plants"}).status_code == 201
    assert alice.post("/api/tasks", {"title": ""}).status_code == 422
    missing = "/api/tasks/00000000-0000-4000-8000-000000000000"
    assert alice.get(missing).status_code == 404
    assert (
        sample(
            "taskai_http_requests_total",
            function="tasks",
            operation="createTask",
            status_class="2xx",
        )
        == before["created"] + 1
    )
    assert (
        sample(
            "taskai_http_request_errors_total",
            function="tasks",
            operation="createTask",
            status_class="4xx",
        )
        == before["invalid"] + 1
    )
    assert (
        sample("taskai_http_request_duration_seconds_count", function="tasks", operation="getTask")
        == before["timed"] + 1
    )


def test_no_label_carries_an_id_or_a_raw_path(alice):
    task = alice.post("/api/tasks", {"title": "Label hygiene"}).json
    alice.get(f"/api/tasks/{task['id']}")
    alice.get("/api/no/such/path/" + task["id"])
    for family in REGISTRY.collect():
        for s in family.samples:
            for value in s.labels.values():
                assert not UUID.search(value), (s.name, s.labels)
                assert "/" not in value, (s.name, s.labels)


def test_metrics_are_not_on_the_public_port_but_on_the_loopback_event_port(api, gateway):
    public = api.get("/metrics")
    assert b"taskai_http_requests_total" not in public.get_data()
    private = Client(EventRouter(gateway.events)).get("/metrics")
    assert private.status_code == 200
    assert b"taskai_http_requests_total" in private.get_data()


def test_the_outbox_backlog_and_the_age_of_its_oldest_event_are_gauges(alice, gateway):
    from taskai.adapters.unit_of_work import UnitOfWork
    from taskai.services import tasks as service

    alice.post("/api/tasks", {"title": "Relayed at once"})
    settle()
    text = Client(EventRouter(gateway.events)).get("/metrics").get_data(as_text=True)
    assert "taskai_outbox_pending_events 0.0" in text
    assert "taskai_outbox_oldest_pending_age_seconds 0.0" in text
    user_id = uuid.UUID(alice.get("/api/auth/me").json["id"])
    quiet = UnitOfWork(bootstrap.session_factory())  # commits without waking the relay
    draft = service.TaskDraft(title="Waits in the outbox")
    service.create_task(uow=quiet, user_id=user_id, draft=draft, now=datetime.now(UTC))
    found = families(Client(EventRouter(gateway.events)).get("/metrics").get_data(as_text=True))
    assert found["taskai_outbox_pending_events"].samples[0].value == 1  # type: ignore[attr-defined]
    age = found["taskai_outbox_oldest_pending_age_seconds"].samples[0].value  # type: ignore[attr-defined]
    assert 0 <= age < 60
    assert "taskai_db_pool_connections_in_use" in found


def test_events_are_counted_by_type_and_outcome(alice):
    from cloudevents.conversion import to_binary
    from test_event_functions import completed_event

    recurrence = event_client("recurrence")
    completed = "com.taskai.task.completed"
    labels = {"consumer": "recurrence", "type": completed}
    ok = sample("taskai_events_handled_total", **labels, outcome="ok")
    dup = sample("taskai_events_handled_total", **labels, outcome="duplicate")
    dead = sample(
        "taskai_events_handled_total", consumer="recurrence", type="other", outcome="dead_lettered"
    )
    event = completed_event(alice)
    for _ in range(2):
        headers, body = to_binary(event)
        assert recurrence.post("/", headers=headers, data=body).status_code == 200
    bad = recurrence.post("/", headers={"Content-Type": "application/json"}, data=b"{}")
    assert bad.status_code == 400
    assert sample("taskai_events_handled_total", **labels, outcome="ok") == ok + 1
    assert sample("taskai_events_handled_total", **labels, outcome="duplicate") == dup + 1
    assert (
        sample(
            "taskai_events_handled_total",
            consumer="recurrence",
            type="other",
            outcome="dead_lettered",
        )
        == dead + 1
    )


def test_login_throttling_hits_are_counted(api, alice):
    before = sample("taskai_login_throttled_total", action="login")
    statuses = [
        api.post(
            "/api/auth/login", {"email": alice.email, "password": "wrong password"}
        ).status_code
        for _ in range(8)
    ]
    assert sample("taskai_login_throttled_total", action="login") == before + statuses.count(429)
    assert statuses.count(429) >= 1
