"""The calendar feed's rules and its iCalendar, against the in-memory fakes."""

from __future__ import annotations

import uuid
from datetime import date, timedelta

import icalendar
import pytest
from fakes import NOW, new_task

from taskai.adapters.ical import event_of, feed_chunks
from taskai.domain.calendar import COMPLETED_DAYS, CalendarFeed, digest
from taskai.errors import NotFound
from taskai.services import calendar, projects

KEY = "k" * 40


def always_stale(_etag: str) -> bool:
    return False


def test_only_the_tokens_hash_and_nonce_are_kept_and_rotation_forgets_the_old_token(uow, user):
    feed = calendar.rotate_feed(uow=uow, user_id=user.id, key=KEY, now=NOW)
    old = feed.token(KEY)
    assert old not in (feed.nonce, feed.token_hash) and feed.token_hash == digest(old)
    assert calendar.read_feed(uow=uow, token=old, now=NOW, unchanged=always_stale).owner is user
    calendar.rotate_feed(uow=uow, user_id=user.id, key=KEY, now=NOW)
    assert calendar.show_feed(uow=uow, user_id=user.id).token(KEY) != old
    with pytest.raises(NotFound):
        calendar.read_feed(uow=uow, token=old, now=NOW, unchanged=always_stale)


def test_the_same_nonce_under_another_key_is_another_token():
    feed = CalendarFeed.new(user_id=uuid.uuid4(), key=KEY, now=NOW)
    assert feed.token(KEY) != feed.token("other" * 8) and len(feed.token(KEY)) == 43


def test_completed_tasks_leave_the_feed_after_30_days_and_archived_projects_stay_out(uow, user):
    open_one = new_task(uow, user, "Open", due_date=NOW + timedelta(days=1))
    recent = new_task(uow, user, "Recent", due_date=NOW - timedelta(days=2))
    recent.complete(now=NOW - timedelta(days=1))
    old = new_task(uow, user, "Old", due_date=NOW - timedelta(days=60))
    old.complete(now=NOW - timedelta(days=COMPLETED_DAYS + 1))
    new_task(uow, user, "Undated")
    hidden = projects.create_project(uow=uow, user_id=user.id, fields={"name": "Old"}, now=NOW)
    new_task(uow, user, "Archived", due_date=NOW, project_id=hidden.id)
    projects.update_project(
        uow=uow, user_id=user.id, project_id=hidden.id, changes={"archived": True}, now=NOW
    )
    feed = calendar.rotate_feed(uow=uow, user_id=user.id, key=KEY, now=NOW)
    read = calendar.read_feed(uow=uow, token=feed.token(KEY), now=NOW, unchanged=always_stale)
    assert [t.title for t in read.tasks or []] == ["Open", "Recent"]
    assert read.tasks and read.tasks[0] is open_one


def test_a_current_etag_skips_reading_the_tasks(uow, user):
    new_task(uow, user, "Open", due_date=NOW + timedelta(days=1))
    token = calendar.rotate_feed(uow=uow, user_id=user.id, key=KEY, now=NOW).token(KEY)
    first = calendar.read_feed(uow=uow, token=token, now=NOW, unchanged=always_stale)
    again = calendar.read_feed(uow=uow, token=token, now=NOW, unchanged=first.etag.__eq__)
    assert again.tasks is None and again.etag == first.etag
    next_day = calendar.read_feed(
        uow=uow, token=token, now=NOW + timedelta(days=1), unchanged=first.etag.__eq__
    )
    assert next_day.tasks is not None  # the completed window moved


def test_a_later_occurrence_carries_what_is_left_of_a_count_and_a_utc_until(uow, user):
    task = new_task(uow, user, "Gym", due_date=NOW, recurrence={"rule": "FREQ=DAILY;COUNT=5"})
    task.occurrence = 3
    event = event_of(task, clock=user.clock, app_url="https://t.example", now=NOW)
    assert event["RRULE"]["COUNT"] == [3]
    task.recurrence_rule, task.all_day = "FREQ=DAILY;UNTIL=20300201", True
    event = event_of(task, clock=user.clock, app_url="https://t.example", now=NOW)
    assert event["RRULE"]["UNTIL"] == [date(2030, 2, 1)]
    task.all_day = False
    event = event_of(task, clock=user.clock, app_url="https://t.example", now=NOW)
    (until,) = event["RRULE"]["UNTIL"]
    assert until.tzinfo is not None and until.utcoffset() == timedelta(0)


def test_an_all_day_reminder_counts_back_from_the_owners_reminder_time(uow, user):
    task = new_task(
        uow, user, "Birthday", due_date=date(2030, 1, 9), reminders=[{"minutes_before": 60}]
    )
    event = event_of(task, clock=user.clock, app_url="https://t.example", now=NOW)
    (alarm,) = event.walk("VALARM")
    assert alarm.decoded("TRIGGER") == timedelta(hours=8)  # 09:00 less an hour


def test_a_skipped_occurrence_is_cancelled_and_the_feed_has_the_owners_vtimezone(uow, user):
    task = new_task(uow, user, "Gym", due_date=NOW, recurrence={"rule": "FREQ=DAILY"})
    task.complete(now=NOW, skipped=True)
    body = b"".join(feed_chunks([task], clock=user.clock, app_url="x", name="T", now=NOW))
    parsed = icalendar.Calendar.from_ical(body)
    (zone,) = parsed.walk("VTIMEZONE")
    assert str(zone["TZID"]) == "Europe/Berlin"
    (event,) = parsed.walk("VEVENT")
    assert (str(event["STATUS"]), "RRULE" in event) == ("CANCELLED", False)
    assert event["X-TASKAI-COMPLETED"].to_ical() == b"20300107T090000Z"
