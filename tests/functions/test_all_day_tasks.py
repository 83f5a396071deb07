"""All-day tasks over HTTP: a bare due date in, all_day and due_on out, on both stores."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from support import settle
from taskai import bootstrap
from taskai.adapters import orm

NEW_YORK = ZoneInfo("America/New_York")  # alice's zone


def new_task(user, **fields):
    response = user.post("/api/tasks", {"title": "Call mom", **fields})
    assert response.status_code == 201, response.json
    return response.json


def ids(response):
    assert response.status_code == 200, response.json
    return {task["id"] for task in response.json["items"]}


def test_a_bare_due_date_makes_an_all_day_task_due_from_the_start_of_that_day(alice):
    task = new_task(alice, due_date="2031-01-15")
    assert (task["all_day"], task["due_on"]) == (True, "2031-01-15")
    assert task["due_date"] == "2031-01-15T00:00:00-05:00"
    assert alice.get(f"/api/tasks/{task['id']}").json == {**task, "notes": None}


def test_a_task_due_at_a_time_is_not_all_day_and_has_no_due_on(alice):
    task = new_task(alice, due_date="2031-01-15T00:00:00")
    assert (task["all_day"], task["due_on"]) == (False, None)
    assert (new_task(alice)["all_day"], new_task(alice)["due_on"]) == (False, None)


def test_patching_a_date_time_clears_all_day_and_a_bare_date_sets_it_again(alice):
    task = new_task(alice, due_date="2031-01-15")
    timed = alice.patch(f"/api/tasks/{task['id']}", {"due_date": "2031-01-16T10:00:00"}).json
    assert (timed["all_day"], timed["due_on"], timed["due_date"]) == (
        False,
        None,
        "2031-01-16T10:00:00-05:00",
    )
    again = alice.patch(f"/api/tasks/{task['id']}", {"due_date": "2031-07-04"}).json
    assert (again["all_day"], again["due_on"], again["due_date"]) == (
        True,
        "2031-07-04",
        "2031-07-04T00:00:00-04:00",
    )
    kept = alice.patch(f"/api/tasks/{task['id']}", {"title": "Call dad"}).json
    assert (kept["all_day"], kept["due_on"]) == (True, "2031-07-04")
    cleared = alice.patch(f"/api/tasks/{task['id']}", {"due_date": None}).json
    assert (cleared["all_day"], cleared["due_on"], cleared["due_date"]) == (False, None, None)


def test_a_due_date_that_is_no_date_is_refused_naming_the_field(alice):
    for bad in ("2031-02-30", "2031-1-5", "0031-01-05", "2031-13-45T00:00:00", 20310105):
        response = alice.post("/api/tasks", {"title": "x", "due_date": bad})
        assert response.status_code == 422, bad
        assert "due_date" in response.json["error"]["fields"]


def test_bare_dates_filter_from_the_start_of_that_day_in_the_callers_zone(alice):
    on_14 = new_task(alice, due_date="2031-01-14")
    late_14 = new_task(alice, due_date="2031-01-14T23:30:00")
    on_15 = new_task(alice, due_date="2031-01-15")
    early_15 = new_task(alice, due_date="2031-01-15T00:30:00")
    assert ids(alice.get("/api/tasks?due_before=2031-01-15")) == {on_14["id"], late_14["id"]}
    assert ids(alice.get("/api/tasks?due_after=2031-01-15")) == {on_15["id"], early_15["id"]}
    response = alice.get("/api/tasks?due_before=2031-02-30")
    assert response.status_code == 422 and "due_before" in response.json["error"]["fields"]


def test_an_all_day_task_is_overdue_only_once_its_day_is_over_in_the_owners_zone(alice):
    today = datetime.now(NEW_YORK).date()
    due_today = new_task(alice, due_date=today.isoformat())
    due_yesterday = new_task(alice, due_date=(today - timedelta(days=1)).isoformat())
    an_hour_ago = (datetime.now(NEW_YORK) - timedelta(hours=1)).replace(tzinfo=None)
    timed = new_task(alice, due_date=an_hour_ago.isoformat(timespec="seconds"))
    overdue = ids(alice.get("/api/tasks?overdue=true"))
    assert due_yesterday["id"] in overdue and timed["id"] in overdue
    assert due_today["id"] not in overdue
    assert due_today["id"] in ids(alice.get("/api/tasks?overdue=false"))
    in_the_language = ids(alice.get("/api/tasks", query_string={"filter": "overdue"}))
    assert in_the_language == overdue  # the filter language's `overdue` is the same rule


@pytest.mark.parametrize("zone", ["Pacific/Kiritimati", "Etc/GMT+12"])  # UTC+14, UTC-12
def test_overdue_counts_all_day_tasks_by_the_owners_day_at_the_ends_of_the_earth(api, zone):
    user = api.as_new_user(zone)
    today = datetime.now(ZoneInfo(zone)).date()
    due_today = new_task(user, due_date=today.isoformat())
    due_yesterday = new_task(user, due_date=(today - timedelta(days=1)).isoformat())
    overdue = ids(user.get("/api/tasks?overdue=true"))
    assert due_yesterday["id"] in overdue and due_today["id"] not in overdue
    assert due_today["due_on"] == today.isoformat()


def test_offset_reminders_of_an_all_day_task_count_back_from_nine_in_the_morning(alice):
    task = new_task(alice, due_date="2031-03-10", reminders=[{"minutes_before": 1440}])
    assert task["reminders"][0]["fire_at"] == "2031-03-09T09:00:00-04:00"  # a DST day


def test_moving_the_reminder_time_moves_pending_reminders_of_all_day_tasks_only(alice):
    all_day = new_task(alice, due_date="2031-03-10", reminders=[{"minutes_before": 60}])
    timed = new_task(alice, due_date="2031-03-10T12:00:00", reminders=[{"minutes_before": 60}])
    response = alice.patch("/api/auth/me", {"all_day_reminder_time": "07:30"})
    assert response.status_code == 200 and response.json["all_day_reminder_time"] == "07:30"
    moved = alice.get(f"/api/tasks/{all_day['id']}").json["reminders"][0]
    assert (moved["fire_at"], moved["status"]) == ("2031-03-10T06:30:00-04:00", "pending")
    kept = alice.get(f"/api/tasks/{timed['id']}").json["reminders"][0]
    assert kept["fire_at"] == "2031-03-10T11:00:00-04:00"
    later = new_task(alice, due_date="2031-03-12", reminders=[{"minutes_before": 0}])
    assert later["reminders"][0]["fire_at"] == "2031-03-12T07:30:00-04:00"


def test_a_reminder_time_that_is_not_hh_mm_is_refused_naming_the_field(alice):
    assert alice.get("/api/auth/me").json["all_day_reminder_time"] == "09:00"
    for bad in ("24:00", "9:00", "09:60", "", None):
        response = alice.patch("/api/auth/me", {"all_day_reminder_time": bad})
        assert response.status_code == 422, bad
        assert "all_day_reminder_time" in response.json["error"]["fields"]


def test_a_daily_all_day_series_recurs_by_date_across_the_dst_change(alice):
    task = new_task(alice, due_date="2031-03-08", recurrence={"preset": "daily"})
    alice.post(f"/api/tasks/{task['id']}/complete")
    settle()
    first, second = alice.get(f"/api/tasks/{task['id']}/series").json["items"]
    assert first["status"] == "completed"
    assert (second["all_day"], second["due_on"]) == (True, "2031-03-09")
    assert second["due_date"] == "2031-03-09T00:00:00-05:00"
    alice.post(f"/api/tasks/{second['id']}/complete")
    settle()
    third = alice.get(f"/api/tasks/{task['id']}/series").json["items"][2]
    assert (third["due_on"], third["due_date"]) == ("2031-03-10", "2031-03-10T00:00:00-04:00")


def test_task_events_carry_all_day_and_due_on(alice):
    task = new_task(alice, due_date="2031-01-15")
    o = orm.outbox.c
    with bootstrap.uow() as uow:
        [data] = uow.session.execute(
            select(o.data).where(o.key == task["id"], o.type == "com.taskai.task.created")
        ).scalars()
    assert (data["task"]["all_day"], data["task"]["due_on"]) == (True, "2031-01-15")
    assert date.fromisoformat(data["task"]["due_on"]) == date(2031, 1, 15)
