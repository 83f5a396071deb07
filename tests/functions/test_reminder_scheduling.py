"""The reminders function: due reminders become reminder.due events once, or are marked missed."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from reminder_support import (
    DAY,
    due_events,
    fire_at,
    past_due,
    reminder_id,
    soon,
    statuses,
    tick,
    with_reminder,
)
from support import event_client
from taskai import bootstrap, contracts
from taskai.local.ping import ping_event

MINUTE = timedelta(minutes=1)


@pytest.fixture(scope="module")
def reminders_function():
    return event_client("reminders")


@pytest.fixture(autouse=True)
def no_delivery(database):
    """Events stay in the outbox, where these tests read them (nothing relays them)."""
    bootstrap.relay().stop()


def test_a_reminder_whose_time_has_come_is_queued_with_its_reminder_due_event(alice):
    task = with_reminder(alice, due=soon(7200), title="Pay rent", priority="high")
    assert tick(fire_at(task) - MINUTE).queued == 0
    assert tick(fire_at(task) + MINUTE).queued == 1
    assert statuses(alice, task) == ["queued"]
    [(event_id, data)] = due_events()
    assert data["reminder_id"] == reminder_id(task) and data["task_id"] == task["id"]
    assert (data["title"], data["minutes_before"], data["at"]) == ("Pay rent", 60, None)
    assert datetime.fromisoformat(data["due_date"]) == datetime.fromisoformat(task["due_date"])
    assert datetime.fromisoformat(data["fire_at"]) == fire_at(task)
    parsed = contracts.parse({"specversion": "1.0", "type": "com.taskai.reminder.due",
                              "id": event_id, "data": data})  # fmt: skip
    assert str(parsed.user_id) == data["user_id"]  # type: ignore[attr-defined]


def test_a_reminder_is_queued_once_however_often_the_scheduler_ticks(alice):
    task = with_reminder(alice, due=soon(7200))
    for minutes in (1, 2, 3, 60):
        tick(fire_at(task) + minutes * MINUTE)
    assert len(due_events()) == 1


def test_an_absolute_reminder_fires_at_its_time(alice):
    at = soon(3600)
    task = alice.post(
        "/api/tasks", {"title": "Call mum", "reminders": [{"at": at.isoformat()}]}
    ).json
    assert tick(at - MINUTE).queued == 0
    assert tick(at).queued == 1
    [(_, data)] = due_events()
    assert (data["minutes_before"], data["due_date"]) == (None, None)
    assert datetime.fromisoformat(data["at"]) == at
    assert statuses(alice, task) == ["queued"]


def test_moving_the_due_date_moves_the_reminder_and_it_fires_at_the_new_time(alice):
    task = with_reminder(alice, due=soon(7200))
    first = fire_at(task)
    moved = alice.patch(
        f"/api/tasks/{task['id']}", {"due_date": (soon(7200) + DAY).isoformat()}
    ).json
    assert fire_at(moved) > first + DAY - MINUTE
    assert tick(first + MINUTE).queued == 0
    assert tick(fire_at(moved) + MINUTE).queued == 1
    [(_, data)] = due_events()
    assert datetime.fromisoformat(data["fire_at"]) == fire_at(moved)


def test_completing_the_task_cancels_its_reminder(alice):
    task = with_reminder(alice, due=soon(7200))
    alice.post(f"/api/tasks/{task['id']}/complete")
    assert tick(fire_at(task) + MINUTE).queued == 0
    assert statuses(alice, task) == ["cancelled"] and due_events() == []


def test_deleting_the_task_cancels_its_reminder(alice):
    task = with_reminder(alice, due=soon(7200))
    assert alice.delete(f"/api/tasks/{task['id']}").status_code == 204
    assert tick(fire_at(task) + MINUTE).queued == 0
    assert due_events() == []


def test_after_downtime_one_tick_catches_up_on_every_reminder_in_order(alice):
    tasks = [with_reminder(alice, due=soon(3600 * hours)) for hours in (4, 2, 3)]
    tally = tick(max(fire_at(t) for t in tasks) + 90 * MINUTE, batch=2)  # several batches
    assert (tally.queued, tally.missed) == (3, 0)
    fired = [data["reminder_id"] for _, data in due_events()]
    assert fired == [reminder_id(t) for t in sorted(tasks, key=fire_at)]


def test_a_reminder_more_than_a_day_late_is_marked_missed_instead_of_sent(alice):
    late, in_time = (with_reminder(alice, due=soon(7200 + s)) for s in (0, 60))
    tally = tick(fire_at(late) + DAY + MINUTE)  # in_time is 23 h 59 min late: still sent
    assert (tally.queued, tally.missed) == (1, 1)
    assert statuses(alice, late) == ["missed"] and statuses(alice, in_time) == ["queued"]
    assert [data["reminder_id"] for _, data in due_events()] == [reminder_id(in_time)]


def test_the_function_queues_what_is_due_on_a_ping_and_honours_the_missed_limit(
    alice, reminders_function, monkeypatch
):
    monkeypatch.setenv("REMINDER_MISSED_AFTER_MINUTES", "30")
    bootstrap.reset()
    bootstrap.relay().stop()
    _late, recent = past_due(alice, 45, 10)
    headers, body = ping_event("reminders")
    response = reminders_function.post("/", headers=headers, data=body)
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.json["outcome"] == "queued 1, missed 1"
    assert [data["reminder_id"] for _, data in due_events()] == [recent]
    assert reminders_function.post("/", headers=headers, data=body).json["outcome"] == (
        "queued 0, missed 0"
    )


def test_a_tick_leaves_future_reminders_alone(alice):
    task = with_reminder(alice, due=soon(7200))
    assert tick(datetime.now(UTC)).queued == 0
    assert statuses(alice, task) == ["pending"]
