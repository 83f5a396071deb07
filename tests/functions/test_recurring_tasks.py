"""Recurring tasks end to end in the embedded wiring: complete → event → next occurrence."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from support import settle
from taskai import bootstrap


def recurring(user, **fields):
    body = {
        "title": "Water plants",
        "due_date": "2031-01-31T09:00:00",
        "recurrence": {"rule": "FREQ=MONTHLY"},
        "tags": ["home"],
        "reminders": [{"minutes_before": 60}],
        "priority": "high",
        **fields,
    }
    response = user.post("/api/tasks", body)
    assert response.status_code == 201, response.json
    return response.json


def series(user, task_id):
    settle()
    response = user.get(f"/api/tasks/{task_id}/series")
    assert response.status_code == 200, response.json
    return response.json["items"]


def test_completing_a_recurring_task_creates_the_next_occurrence_with_the_same_details(alice):
    task = recurring(alice)
    alice.post(f"/api/tasks/{task['id']}/complete")
    first, second = series(alice, task["id"])
    assert first["status"] == "completed" and second["status"] == "pending"
    assert second["due_date"] == "2031-02-28T09:00:00-05:00"  # Jan 31 monthly → last day of Feb
    assert (second["title"], second["priority"]) == ("Water plants", "high")
    assert [t["name"] for t in second["tags"]] == ["home"]
    assert [r["minutes_before"] for r in second["reminders"]] == [60]
    assert second["reminders"][0]["fire_at"] == "2031-02-28T08:00:00-05:00"
    assert (second["series_id"], second["occurrence"]) == (task["id"], 2)


def test_reopening_and_completing_again_does_not_create_another_occurrence(alice):
    task = recurring(alice)
    for _ in range(3):
        alice.post(f"/api/tasks/{task['id']}/complete")
        settle()
        alice.post(f"/api/tasks/{task['id']}/reopen")
    alice.post(f"/api/tasks/{task['id']}/complete")
    assert [t["occurrence"] for t in series(alice, task["id"])] == [1, 2]


def test_skipping_an_occurrence_marks_it_and_moves_the_series_on(alice):
    task = recurring(alice, recurrence={"preset": "weekly"})
    skipped = alice.post(f"/api/tasks/{task['id']}/skip").json
    assert skipped["status"] == "completed" and skipped["skipped"] is True
    items = series(alice, task["id"])
    assert items[1]["due_date"] == "2031-02-07T09:00:00-05:00"


def test_a_count_limited_series_ends(alice):
    task = recurring(alice, recurrence={"rule": "FREQ=DAILY;COUNT=2"})
    alice.post(f"/api/tasks/{task['id']}/complete")
    second = series(alice, task["id"])[1]
    alice.post(f"/api/tasks/{second['id']}/complete")
    assert len(series(alice, task["id"])) == 2


def test_a_non_recurring_task_has_a_series_of_one(alice):
    task = alice.post("/api/tasks", {"title": "once"}).json
    alice.post(f"/api/tasks/{task['id']}/complete")
    assert [t["id"] for t in series(alice, task["id"])] == [task["id"]]


def test_another_users_series_is_404(alice, bob):
    task = recurring(alice)
    assert bob.get(f"/api/tasks/{task['id']}/series").status_code == 404
    assert bob.post(f"/api/tasks/{task['id']}/skip").status_code == 404


def audit(task_id):
    with bootstrap.uow() as uow:
        return [(row["action"], row["reason"]) for row in uow.audit.of_series(uuid.UUID(task_id))]


def test_undo_of_a_completion_retracts_the_untouched_next_occurrence(alice):
    task = recurring(alice)
    alice.post(f"/api/tasks/{task['id']}/complete")
    assert len(series(alice, task["id"])) == 2
    reopened = alice.post(f"/api/tasks/{task['id']}/reopen")
    assert reopened.status_code == 200 and reopened.json["status"] == "pending"
    assert [(t["occurrence"], t["status"]) for t in series(alice, task["id"])] == [(1, "pending")]
    assert [action for action, _ in audit(task["id"])] == ["occurrence_created", "retracted"]


def test_undo_keeps_a_next_occurrence_the_user_already_changed(alice):
    task = recurring(alice)
    alice.post(f"/api/tasks/{task['id']}/complete")
    second = series(alice, task["id"])[1]
    assert (
        alice.patch(f"/api/tasks/{second['id']}", {"title": "Water the ferns"}).status_code == 200
    )
    alice.patch(f"/api/tasks/{task['id']}", {"status": "pending"})  # undo by status, too
    assert [t["status"] for t in series(alice, task["id"])] == ["pending", "pending"]


def test_monday_and_the_last_wednesday_monthly_continues_on_the_next_monday(alice):
    task = recurring(
        alice, due_date="2031-01-06T09:00:00", recurrence={"rule": "FREQ=MONTHLY;BYDAY=MO,-1WE"}
    )
    assert task["recurrence"]["text"] == "every month on Monday and the last Wednesday"
    alice.post(f"/api/tasks/{task['id']}/complete")
    assert series(alice, task["id"])[1]["due_date"] == "2031-01-13T09:00:00-05:00"


def test_a_daily_task_decades_overdue_continues_at_the_next_due_time_after_now(alice):
    task = recurring(alice, due_date="1990-01-01T09:00:00", recurrence={"preset": "daily"},
                     reminders=[])  # fmt: skip
    alice.post(f"/api/tasks/{task['id']}/complete")
    second = series(alice, task["id"])[1]
    now = datetime.now(ZoneInfo("America/New_York"))
    expected = now.replace(hour=9, minute=0, second=0, microsecond=0)
    expected += timedelta(days=1) if expected <= now else timedelta(0)
    assert second["due_date"] == expected.isoformat()
    assert [action for action, _ in audit(task["id"])] == ["occurrence_created"]


def test_a_series_that_ends_says_why_on_the_task_and_in_the_audit(alice):
    task = recurring(alice, recurrence={"rule": "FREQ=DAILY;COUNT=2"})
    alice.post(f"/api/tasks/{task['id']}/complete")
    second = series(alice, task["id"])[1]
    assert second["recurrence"]["ended_reason"] is None
    alice.post(f"/api/tasks/{second['id']}/complete")
    settle()
    ended = alice.get(f"/api/tasks/{second['id']}").json
    assert ended["recurrence"]["ended_reason"] == "all 2 occurrences are done (COUNT=2)"
    assert audit(task["id"])[-1] == ("series_ended", "all 2 occurrences are done (COUNT=2)")
    reopened = alice.post(f"/api/tasks/{second['id']}/reopen").json
    assert reopened["recurrence"]["ended_reason"] is None


def test_a_rule_that_gives_no_date_from_the_due_date_on_is_refused_naming_the_rule(alice):
    response = alice.post("/api/tasks", {"title": "Past", "due_date": "2031-01-06T09:00:00",
                                         "recurrence": {"rule": "FREQ=DAILY;UNTIL=20300101"}})  # fmt: skip
    assert response.status_code == 422
    assert "no date" in response.json["error"]["fields"]["recurrence.rule"]


def test_a_yearly_rule_every_1000_years_is_refused_rather_than_ending_after_one_occurrence(alice):
    response = alice.post("/api/tasks", {"title": "Millennium", "due_date": "2031-01-06T09:00:00",
                                         "recurrence": {"preset": "yearly", "interval": 1000}})  # fmt: skip
    assert response.status_code == 422
    assert response.json["error"]["fields"] == {
        "recurrence.rule": "RRULE: gives no second date within 100 years"
    }


def test_a_long_series_comes_a_page_at_a_time(alice):
    task = recurring(alice, recurrence={"preset": "daily"}, reminders=[])
    current = task
    for _ in range(4):
        alice.post(f"/api/tasks/{current['id']}/complete")
        current = series(alice, task["id"])[-1]
    first = alice.get(f"/api/tasks/{task['id']}/series?limit=2").json
    assert [t["occurrence"] for t in first["items"]] == [1, 2] and first["next_after"] == 2
    rest = alice.get(f"/api/tasks/{task['id']}/series?after=2&limit=3").json
    assert [t["occurrence"] for t in rest["items"]] == [3, 4, 5] and rest["next_after"] is None
    assert alice.get(f"/api/tasks/{task['id']}/series?limit=201").status_code == 422
