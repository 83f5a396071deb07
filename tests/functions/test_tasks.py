"""The tasks function over HTTP: create, read, update, delete, complete, reopen, isolation."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime


def new_task(user, **fields):
    response = user.post("/api/tasks", {"title": "A task", **fields})
    assert response.status_code == 201, response.json
    return response.json


def test_a_created_task_comes_back_with_every_field_of_the_contract(alice):
    task = new_task(
        alice,
        title="  Pay rent  ",
        description="flat 4",
        priority="urgent",
        due_date="2031-01-31T09:00:00",
        tags=["Home", "money", "home"],
        reminders=[{"minutes_before": 1440}],
    )
    assert task["title"] == "Pay rent"
    assert task["status"] == "pending" and task["priority"] == "urgent"
    assert task["due_date"] == "2031-01-31T09:00:00-05:00"  # naive input read in the owner's zone
    assert [t["name"] for t in task["tags"]] == ["Home", "money"]
    assert all(t["color"].startswith("#") for t in task["tags"])
    assert task["reminders"][0]["minutes_before"] == 1440
    assert task["reminders"][0]["fire_at"] == "2031-01-30T09:00:00-05:00"
    assert task["completed_at"] is None and task["recurrence"] is None
    assert alice.get(f"/api/tasks/{task['id']}").json == {**task, "notes": None}


def test_a_due_date_with_an_offset_is_kept_as_that_instant(alice):
    task = new_task(alice, due_date="2031-06-01T12:00:00+02:00")
    assert task["due_date"] == "2031-06-01T06:00:00-04:00"


def test_partial_update_changes_only_the_fields_sent(alice):
    task = new_task(alice, description="keep me", priority="low", tags=["a"])
    response = alice.patch(f"/api/tasks/{task['id']}", {"title": "Renamed", "tags": ["b"]})
    assert response.status_code == 200
    updated = response.json
    assert (updated["title"], updated["description"], updated["priority"]) == (
        "Renamed",
        "keep me",
        "low",
    )
    assert [t["name"] for t in updated["tags"]] == ["b"]
    assert updated["updated_at"] >= task["updated_at"]


def test_clearing_the_due_date_with_null_cancels_offset_reminders(alice):
    task = new_task(alice, due_date="2031-01-31T09:00:00", reminders=[{"minutes_before": 60}])
    updated = alice.patch(f"/api/tasks/{task['id']}", {"due_date": None}).json
    assert updated["due_date"] is None
    assert updated["reminders"][0]["status"] == "cancelled"


def test_moving_the_due_date_moves_offset_reminders(alice):
    task = new_task(alice, due_date="2031-01-31T09:00:00", reminders=[{"minutes_before": 60}])
    updated = alice.patch(f"/api/tasks/{task['id']}", {"due_date": "2031-02-02T10:00:00"}).json
    assert updated["reminders"][0]["fire_at"] == "2031-02-02T09:00:00-05:00"


def test_null_for_a_required_field_is_a_422_naming_it(alice):
    task = new_task(alice)
    response = alice.patch(f"/api/tasks/{task['id']}", {"title": None, "priority": None})
    assert response.status_code == 422
    assert set(response.json["error"]["fields"]) == {"title", "priority"}


def test_completing_and_reopening_are_idempotent_transitions(alice):
    task = new_task(alice, due_date="2031-01-31T09:00:00", reminders=[{"minutes_before": 30}])
    done = alice.post(f"/api/tasks/{task['id']}/complete").json
    assert done["status"] == "completed" and done["completed_at"]
    assert done["reminders"][0]["status"] == "cancelled"
    again = alice.post(f"/api/tasks/{task['id']}/complete").json
    assert again["completed_at"] == done["completed_at"]
    reopened = alice.post(f"/api/tasks/{task['id']}/reopen").json
    assert reopened["status"] == "pending" and reopened["completed_at"] is None
    assert reopened["reminders"][0]["status"] == "pending"


def test_status_can_be_set_through_update_too(alice):
    task = new_task(alice)
    assert (
        alice.patch(f"/api/tasks/{task['id']}", {"status": "in_progress"}).json["status"]
        == "in_progress"
    )
    done = alice.patch(f"/api/tasks/{task['id']}", {"status": "completed"}).json
    assert done["status"] == "completed" and done["completed_at"]


def test_deleting_a_task_makes_it_404(alice):
    task = new_task(alice)
    deleted = alice.delete(f"/api/tasks/{task['id']}")
    assert deleted.status_code == 204 and "Content-Type" not in deleted.headers
    assert alice.get(f"/api/tasks/{task['id']}").status_code == 404
    assert alice.delete(f"/api/tasks/{task['id']}").status_code == 404


def test_another_users_task_is_404_for_read_update_delete_complete_and_reopen(alice, bob):
    task = new_task(alice)
    path = f"/api/tasks/{task['id']}"
    assert bob.get(path).status_code == 404
    assert bob.patch(path, {"title": "mine now"}).status_code == 404
    assert bob.post(f"{path}/complete").status_code == 404
    assert bob.post(f"{path}/reopen").status_code == 404
    assert bob.delete(path).status_code == 404
    assert bob.get("/api/tasks").json["items"] == []
    assert alice.get(path).json["title"] == "A task"


def test_an_unknown_task_id_is_404_and_a_malformed_one_too(alice):
    assert alice.get(f"/api/tasks/{uuid.uuid4()}").status_code == 404
    malformed = alice.get("/api/tasks/not-a-uuid")
    assert malformed.status_code == 404 and "id" in malformed.json["error"]["fields"]


def test_invalid_fields_are_422_and_each_is_named(alice):
    response = alice.post(
        "/api/tasks",
        {
            "title": "",
            "priority": "whenever",
            "status": "done",
            "due_date": "next tuesday",
            "tags": ["x" * 60],
        },
    )
    assert response.status_code == 422
    fields = response.json["error"]["fields"]
    assert {"title", "priority", "status", "due_date", "tags.0"} <= set(fields)


def test_an_unknown_field_is_422(alice):
    response = alice.post("/api/tasks", {"title": "x", "colour": "red"})
    assert response.status_code == 422
    assert "colour" in response.json["error"]["fields"]


def test_a_title_of_501_characters_is_refused_and_500_accepted(alice):
    assert alice.post("/api/tasks", {"title": "x" * 501}).status_code == 422
    assert alice.post("/api/tasks", {"title": "x" * 500}).status_code == 201


def test_a_reminder_in_the_past_is_kept_unsent_missed_when_absolute_skipped_when_an_offset(alice):
    # The schema cannot say "in the future", so a past time is taken and never sent.
    task = new_task(alice, title="x", reminders=[{"at": "2001-01-01T00:00:00Z"}])
    assert task["reminders"][0]["status"] == "missed"
    task = new_task(alice, due_date="2001-01-02T00:00:00Z", reminders=[{"minutes_before": 15}])
    assert task["reminders"][0]["status"] == "skipped"
    assert task["notes"] and "skipped" in task["notes"][0]


def test_an_offset_reminder_asked_for_without_a_due_date_is_422_naming_it(alice):
    offset = {"reminders": [{"at": "2031-01-01T08:00:00Z"}, {"minutes_before": 15}]}
    refused = alice.post("/api/tasks", {"title": "x", **offset})
    assert (
        refused.status_code == 422 and "due_date" in refused.json["error"]["fields"]["reminders.1"]
    )
    task = new_task(alice, title="x")
    refused = alice.patch(f"/api/tasks/{task['id']}", offset)
    assert refused.status_code == 422 and list(refused.json["error"]["fields"]) == ["reminders.1"]
    both = {"due_date": "2031-01-02T09:00:00Z", **offset}
    moved = alice.patch(f"/api/tasks/{task['id']}", both).json  # the due date in the same request
    fire_at = datetime.fromisoformat(moved["reminders"][1]["fire_at"])
    assert fire_at == datetime(2031, 1, 2, 8, 45, tzinfo=UTC)


def test_an_offset_reminder_waits_while_its_task_has_no_due_date(alice):
    task = new_task(alice, title="x", due_date="2031-01-02T09:00:00Z")
    task = alice.patch(f"/api/tasks/{task['id']}", {"reminders": [{"minutes_before": 15}]}).json
    assert task["reminders"][0]["status"] == "pending"
    undated = alice.patch(f"/api/tasks/{task['id']}", {"due_date": None}).json
    assert undated["reminders"][0]["status"] == "cancelled"
    moved = alice.patch(f"/api/tasks/{task['id']}", {"due_date": "2031-01-03T09:00:00Z"}).json
    assert moved["reminders"][0]["status"] == "pending"
    fire_at = datetime.fromisoformat(moved["reminders"][0]["fire_at"])
    assert fire_at == datetime(2031, 1, 3, 8, 45, tzinfo=UTC)


def test_a_recurrence_preset_comes_back_as_its_rule(alice):
    task = new_task(
        alice, due_date="2031-01-31T09:00:00", recurrence={"preset": "weekly", "interval": 2}
    )
    assert task["recurrence"]["rule"] == "FREQ=WEEKLY;INTERVAL=2"
    assert task["recurrence"]["anchor"] == "due"
    assert task["series_id"] == task["id"] and task["occurrence"] == 1
    cleared = alice.patch(f"/api/tasks/{task['id']}", {"recurrence": None}).json
    assert cleared["recurrence"] is None


def test_an_invalid_rule_is_422_naming_the_recurrence(alice):
    response = alice.post("/api/tasks", {"title": "x", "recurrence": {"rule": "FREQ=SOMETIMES"}})
    assert response.status_code == 422
    assert any(key.startswith("recurrence") for key in response.json["error"]["fields"])


def test_an_operation_without_a_body_refuses_fields_sent_to_it(alice):
    task = new_task(alice)
    refused = alice.post(f"/api/tasks/{task['id']}/complete", {"at": "2031-01-01T00:00:00Z"})
    assert refused.status_code == 422 and "at" in refused.json["error"]["fields"]
    assert alice.get(f"/api/tasks/{task['id']}").json["status"] == "pending"  # nothing done
    assert alice.post(f"/api/tasks/{task['id']}/complete", {}).status_code == 200
    assert alice.post(f"/api/tasks/{task['id']}/reopen").status_code == 200
