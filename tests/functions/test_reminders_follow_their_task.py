"""A reminder that has not gone out follows its task through every pair of transitions."""

from __future__ import annotations

from datetime import datetime, timedelta
from itertools import product
from zoneinfo import ZoneInfo

import pytest

NEW_YORK = ZoneInfo("America/New_York")
FIRST_DUE = "2031-03-10T15:00:00"
TRANSITIONS = {
    "set": ("PATCH", {"due_date": "2031-03-14T10:00:00"}),
    "move": ("PATCH", {"due_date": "2031-04-02T18:30:00"}),
    "clear": ("PATCH", {"due_date": None}),
    "complete": ("POST", "complete"),
    "reopen": ("POST", "reopen"),
    "skip": ("POST", "skip"),
}


def apply(user, task_id, name, state):
    """Run one transition over the API and in the model (`state`: due date and openness)."""
    method, what = TRANSITIONS[name]
    if method == "PATCH":
        response = user.patch(f"/api/tasks/{task_id}", what)
        state["due"] = what["due_date"]
    else:
        response = user.post(f"/api/tasks/{task_id}/{what}")
        state["open"] = what == "reopen"
    assert response.status_code == 200, response.json
    return response.json


@pytest.mark.parametrize(("first", "second"), list(product(TRANSITIONS, repeat=2)))
def test_a_reminder_an_hour_before_follows_the_due_date_through_both_transitions(
    alice, first, second
):
    created = alice.post(
        "/api/tasks",
        {"title": "Dentist", "due_date": FIRST_DUE, "reminders": [{"minutes_before": 60}]},
    ).json
    state = {"due": FIRST_DUE, "open": True}
    apply(alice, created["id"], first, state)
    task = apply(alice, created["id"], second, state)
    [reminder] = task["reminders"]
    if state["open"] and state["due"] is not None:
        due = datetime.fromisoformat(state["due"]).replace(tzinfo=NEW_YORK)
        assert reminder["status"] == "pending"
        assert reminder["fire_at"] == (due - timedelta(minutes=60)).isoformat()
    else:
        assert reminder["status"] == "cancelled"


def test_clearing_then_setting_the_due_date_again_brings_the_reminder_back(alice):
    created = alice.post(
        "/api/tasks",
        {"title": "Dentist", "due_date": FIRST_DUE, "reminders": [{"minutes_before": 60}]},
    ).json
    cleared = alice.patch(f"/api/tasks/{created['id']}", {"due_date": None}).json
    assert cleared["reminders"][0]["status"] == "cancelled"
    again = alice.patch(f"/api/tasks/{created['id']}", {"due_date": "2031-03-14T10:00:00"}).json
    assert (again["reminders"][0]["status"], again["reminders"][0]["fire_at"]) == (
        "pending",
        "2031-03-14T09:00:00-04:00",
    )
