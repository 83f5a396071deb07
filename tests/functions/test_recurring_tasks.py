"""Recurring tasks end to end in the embedded wiring: complete → event → next occurrence."""

from __future__ import annotations

from support import settle


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
