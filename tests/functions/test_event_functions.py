"""Event-fed functions over HTTP: CloudEvents in binary and structured mode, and their statuses."""

from __future__ import annotations

import json
import uuid

import pytest
from cloudevents.conversion import to_binary, to_structured
from cloudevents.http import CloudEvent

from support import event_client, settle


@pytest.fixture(scope="module")
def recurrence():
    return event_client("recurrence")


def completed_event(alice) -> CloudEvent:
    """The task.completed event of a fresh recurring task of alice's (completed, not relayed)."""
    from taskai import bootstrap

    task = alice.post(
        "/api/tasks",
        {
            "title": "Weekly review",
            "due_date": "2031-01-03T09:00:00",
            "recurrence": {"preset": "weekly"},
        },
    ).json
    settle()
    bootstrap.relay().stop()  # the test delivers this one itself
    alice.post(f"/api/tasks/{task['id']}/complete")
    with bootstrap.uow() as uow:
        from sqlalchemy import select

        from taskai.adapters import orm

        row = uow.session.execute(
            select(orm.outbox.c.event_id, orm.outbox.c.data)
            .where(orm.outbox.c.type == "com.taskai.task.completed")
            .order_by(orm.outbox.c.position.desc())
        ).first()
    attributes = {
        "id": row.event_id,
        "type": "com.taskai.task.completed",
        "source": "/taskai/tasks",
        "subject": task["id"],
        "datacontenttype": "application/json",
    }
    return CloudEvent(attributes, row.data)


def occurrences(alice, event) -> int:
    return len(alice.get(f"/api/tasks/{event['subject']}/series").json["items"])


@pytest.mark.parametrize("mode", [to_binary, to_structured], ids=["binary", "structured"])
def test_a_completed_event_in_either_mode_creates_the_next_occurrence_once(alice, recurrence, mode):
    event = completed_event(alice)
    headers, body = mode(event)
    first = recurrence.post("/", headers=headers, data=body)
    again = recurrence.post("/", headers=headers, data=body)
    assert (first.status_code, first.json["outcome"]) == (200, "created")
    assert (again.status_code, again.json["outcome"]) == (200, "duplicate")
    assert occurrences(alice, event) == 2


def test_an_event_against_its_contract_is_422_so_it_is_dead_lettered(alice, recurrence):
    event = CloudEvent(
        {
            "type": "com.taskai.task.completed",
            "source": "/taskai/tasks",
            "datacontenttype": "application/json",
        },
        {"task": {"id": "not a uuid"}},
    )
    headers, body = to_binary(event)
    response = recurrence.post("/", headers=headers, data=body)
    assert response.status_code == 422 and response.json["error"]["code"] == "event_refused"


def test_a_request_that_is_not_a_cloudevent_is_400(recurrence, database):
    response = recurrence.post(
        "/", data=json.dumps({"hello": "world"}), headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 400


def test_an_unknown_event_type_is_accepted_and_ignored(recurrence, database):
    event = CloudEvent(
        {
            "type": "com.taskai.something.new",
            "source": "/taskai/x",
            "datacontenttype": "application/json",
            "id": str(uuid.uuid4()),
        },
        {"x": 1},
    )
    headers, body = to_binary(event)
    response = recurrence.post("/", headers=headers, data=body)
    assert (response.status_code, response.json["outcome"]) == (200, "ignored")


def test_a_database_outage_is_a_503_with_retry_after_so_the_source_retries(
    alice, recurrence, monkeypatch
):
    event = completed_event(alice)
    from taskai import bootstrap

    monkeypatch.setenv("DATABASE_URL", "postgresql+pg8000://nobody:x@127.0.0.1:1/none")
    monkeypatch.setenv("JWT_SECRET", "x" * 40)
    bootstrap.reset()
    headers, body = to_binary(event)
    response = recurrence.post("/", headers=headers, data=body)
    assert response.status_code == 503 and int(response.headers["Retry-After"]) > 0


def test_the_outbox_function_publishes_on_a_ping(alice, database):
    from taskai.local.ping import ping_event

    outbox = event_client("outbox")
    headers, body = ping_event("outbox-relay")
    response = outbox.post("/", headers=headers, data=body)
    assert response.status_code == 200 and response.json["outcome"].startswith(
        ("published", "busy")
    )


def test_a_completion_dead_lettered_for_good_shows_on_the_task_why_its_series_stopped(alice):
    event = completed_event(alice)
    event["knativeerrorcode"] = "422"  # refused: it will not be re-queued
    headers, body = to_binary(event)
    dead_letters = event_client("deadletters")
    assert dead_letters.post("/", headers=headers, data=body).status_code == 200
    task = alice.get(f"/api/tasks/{event['subject']}").json
    assert task["recurrence"]["ended_reason"] == (
        "the next occurrence could not be made (refused with 422: can never succeed); "
        "it waits to be replayed"
    )
    recurrence = event_client("recurrence")  # the replay, once the cause is fixed
    del event["knativeerrorcode"]
    headers, body = to_binary(event)
    assert recurrence.post("/", headers=headers, data=body).json["outcome"] == "created"
    assert occurrences(alice, event) == 2
    assert alice.get(f"/api/tasks/{event['subject']}").json["recurrence"]["ended_reason"] is None
