"""Date-times near the ends of the calendar are refused by name, never a 500 (year 1, 9999)."""

from __future__ import annotations

import pytest

EDGES = ["0001-01-01T00:30:00", "0001-01-01T00:00:00Z", "1899-12-31T23:59:59",
         "9000-01-01T00:00:00", "9999-12-31T23:59:59", "9999-12-31T23:59:59Z"]  # fmt: skip


@pytest.mark.parametrize("moment", EDGES)
def test_a_due_date_outside_the_years_1900_to_8999_is_a_422_naming_it(alice, moment):
    response = alice.post("/api/tasks", {"title": "x", "due_date": moment,
                                         "reminders": [{"minutes_before": 60}]})  # fmt: skip
    assert response.status_code == 422, response.json
    assert "in the years 1900 to 8999" in response.json["error"]["fields"]["due_date"]


@pytest.mark.parametrize("moment", EDGES)
def test_a_reminder_time_or_a_date_filter_outside_those_years_is_a_422_naming_it(alice, moment):
    response = alice.post("/api/tasks", {"title": "x", "reminders": [{"at": moment}]})
    assert response.status_code == 422 and "reminders.0.at" in response.json["error"]["fields"]
    for name in ("due_after", "due_before"):
        response = alice.get(f"/api/tasks?{name}={moment}")
        assert response.status_code == 422 and name in response.json["error"]["fields"]


def test_the_first_and_last_allowed_years_work_with_reminders_and_lists(alice):
    for due in ("1900-01-01T00:30:00", "8999-12-31T23:59:59"):
        created = alice.post("/api/tasks", {"title": due, "due_date": due,
                                            "reminders": [{"minutes_before": 60}]})  # fmt: skip
        assert created.status_code == 201, created.json
    assert alice.get("/api/tasks?limit=200").status_code == 200
    assert alice.get("/api/sync?cursor=0").status_code == 200
