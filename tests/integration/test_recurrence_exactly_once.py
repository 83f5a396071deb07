"""The next occurrence is created exactly once, whatever the delivery does (SQLite and PostgreSQL)."""

from __future__ import annotations

import threading
import uuid
from datetime import UTC, datetime

from support import completed_without_delivery
from taskai import bootstrap
from taskai.contracts import TaskCompletedData
from taskai.services.recurrence import on_task_event

NOW = datetime(2031, 1, 15, 12, tzinfo=UTC)


def deliver(event_id: str, data: dict) -> str:
    parsed = TaskCompletedData.model_validate(data)
    return on_task_event(uow=bootstrap.uow(), event_id=event_id, data=parsed, now=NOW)


def occurrences(alice, data) -> list[int]:
    items = alice.get(f"/api/tasks/{data['task']['id']}/series").json["items"]
    return [t["occurrence"] for t in items]


def test_the_same_event_delivered_twice_creates_one_occurrence(alice):
    event_id, data = completed_without_delivery(alice, NOW)
    assert deliver(event_id, data) == "created"
    assert deliver(event_id, data) == "duplicate"
    assert occurrences(alice, data) == [1, 2]


def test_two_events_for_the_same_completion_create_one_occurrence(alice):
    event_id, data = completed_without_delivery(alice, NOW)
    assert deliver(event_id, data) == "created"
    assert deliver(str(uuid.uuid4()), data) == "duplicate"  # e.g. reopened and completed again
    assert occurrences(alice, data) == [1, 2]


def test_concurrent_deliveries_create_one_occurrence(alice):
    event_id, data = completed_without_delivery(alice, NOW)
    outcomes: list[str] = []
    ids = [event_id, event_id, str(uuid.uuid4()), str(uuid.uuid4())] * 2
    threads = [threading.Thread(target=lambda i=i: outcomes.append(deliver(i, data))) for i in ids]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(outcomes) == len(ids)  # every delivery answered (none crashed)
    assert sorted(outcomes).count("created") == 1
    assert occurrences(alice, data) == [1, 2]


def test_each_generation_is_in_the_audit_trail(alice):
    event_id, data = completed_without_delivery(alice, NOW)
    deliver(event_id, data)
    with bootstrap.uow() as uow:
        [row] = uow.audit.of_series(uuid.UUID(data["task"]["series_id"]))
    assert row["action"] == "occurrence_created" and row["event_id"] == event_id
    assert row["rule"] == "FREQ=MONTHLY"
    assert row["previous_due"].isoformat() == "2031-01-01T14:00:00+00:00"
    assert row["next_due"].isoformat() == "2031-02-01T14:00:00+00:00"


def test_an_event_for_a_task_reopened_meanwhile_creates_nothing(alice):
    event_id, data = completed_without_delivery(alice, NOW)
    alice.post(f"/api/tasks/{data['task']['id']}/reopen")
    assert deliver(event_id, data) == "ignored"
    assert occurrences(alice, data) == [1]
