"""All-day tasks: due a whole day in the owner's zone, recurring by date, reminded at a time of day."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta
from itertools import islice
from zoneinfo import ZoneInfo

import pytest
from dateutil.rrule import rrulestr
from fakes import NOW, new_task
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from test_recurrence_properties import rules

from taskai.domain.days import DayClock, check_reminder_time, day_start
from taskai.domain.recurrence import Recurrence
from taskai.domain.reminders import ReminderSpec
from taskai.domain.tasks import Task
from taskai.errors import InvalidInput
from taskai.services.auth import update_profile
from taskai.services.tasks import TaskChanges, update_task

MICROSECOND = timedelta(microseconds=1)
ZONES = [
    ("America/New_York", date(2031, 3, 9)),  # 23 hours: DST starts
    ("Europe/Berlin", date(2031, 10, 26)),  # 25 hours: DST ends
    ("Pacific/Kiritimati", date(2031, 1, 15)),  # UTC+14
    ("Etc/GMT+12", date(2031, 1, 15)),  # UTC-12
    ("America/Santiago", date(2031, 9, 7)),  # midnight skipped: the day starts at 01:00
    ("UTC", date(2031, 1, 15)),
]


def all_day_task(day: date, clock: DayClock, **fields: object) -> Task:
    return Task.create(
        user_id=uuid.uuid4(),
        title="Call mom",
        due_at=clock.start(day),
        all_day=True,
        clock=clock,
        now=datetime(2030, 1, 1, tzinfo=UTC),
        **fields,  # type: ignore[arg-type]
    )


@pytest.mark.parametrize(("tz", "day"), ZONES, ids=[tz for tz, _ in ZONES])
def test_an_all_day_task_is_due_its_whole_day_and_overdue_from_the_next_days_start(tz, day):
    clock = DayClock(tz)
    task = all_day_task(day, clock)
    starts, next_starts = clock.start(day), clock.start(day + timedelta(days=1))
    assert clock.day(task.due_at) == task.due_on() == day  # type: ignore[arg-type]
    assert starts.astimezone(ZoneInfo(tz)).date() == day
    assert not task.is_overdue(starts) and not task.is_overdue(next_starts - MICROSECOND)
    assert task.is_overdue(next_starts)
    assert clock.day_after(starts) == next_starts


def test_a_day_of_dst_change_is_23_or_25_hours_long():
    spring, autumn = DayClock("America/New_York"), DayClock("Europe/Berlin")
    assert spring.day_after(spring.start(date(2031, 3, 9))) - spring.start(
        date(2031, 3, 9)
    ) == timedelta(hours=23)
    assert autumn.day_after(autumn.start(date(2031, 10, 26))) - autumn.start(
        date(2031, 10, 26)
    ) == timedelta(hours=25)


def test_a_task_due_at_a_time_is_overdue_right_after_it():
    task = Task.create(user_id=uuid.uuid4(), title="x", due_at=NOW, now=NOW - timedelta(days=1))
    assert not task.is_overdue(NOW) and task.is_overdue(NOW + MICROSECOND)
    assert task.due_on() is None


def test_offset_reminders_count_back_from_the_reminder_time_on_the_date():
    clock = DayClock("America/New_York")
    task = all_day_task(date(2031, 3, 10), clock, reminders=[ReminderSpec(minutes_before=1440)])
    fire = task.reminders[0].fire_at.astimezone(ZoneInfo("America/New_York"))
    assert fire.replace(tzinfo=None) == datetime(2031, 3, 9, 9, 0)


def test_a_reminder_time_dst_skips_moves_forward_by_the_gap():
    clock = DayClock("America/New_York", "02:30")
    base = clock.reminder_base(clock.start(date(2031, 3, 9)))
    assert base.astimezone(ZoneInfo("America/New_York")).replace(tzinfo=None) == datetime(
        2031, 3, 9, 3, 30
    )


@pytest.mark.parametrize("bad", ["24:00", "9:00", "09:60", "0900", "", " 09:00"])
def test_a_reminder_time_must_be_hh_mm(bad):
    with pytest.raises(InvalidInput) as raised:
        check_reminder_time(bad)
    assert "all_day_reminder_time" in raised.value.fields


@settings(max_examples=100, deadline=None)
@given(
    rule=rules(),
    # the 29th-31st land on shorter months' last days, where dateutil skips them (tested apart)
    first=st.dates(date(1990, 1, 1), date(2060, 12, 28)).map(lambda d: d.replace(day=min(d.day, 28))),
    tz=st.sampled_from([tz for tz, _ in ZONES]),
    done_at_hour=st.integers(0, 23),
)
def test_an_all_day_series_walks_the_dates_dateutil_gives(rule, first, tz, done_at_hour):
    expected = [
        moment.date()
        for moment in islice(rrulestr(rule, dtstart=datetime.combine(first, datetime.min.time())), 6)
    ]
    assume(expected[:1] == [first])  # a series starts on its first due date
    clock = DayClock(tz)
    task = all_day_task(first, clock, recurrence=Recurrence.parse(rule))
    seen = [first]
    while len(seen) < len(expected):
        due_day = clock.day(task.due_at)  # type: ignore[arg-type]
        done = datetime.combine(due_day, datetime.min.time(), tzinfo=ZoneInfo(tz))
        task.complete(now=done + timedelta(hours=done_at_hour))
        nxt = task.next_occurrence(tz=tz, now=task.completed_at)  # type: ignore[arg-type]
        if nxt is None:
            break
        assert nxt.all_day and nxt.due_at == day_start(clock.day(nxt.due_at), ZoneInfo(tz))  # type: ignore[arg-type]
        seen.append(clock.day(nxt.due_at))  # type: ignore[arg-type]
        task = nxt
    assert seen == expected


def test_a_daily_all_day_task_completed_days_late_comes_back_the_day_after_completion():
    clock = DayClock("America/New_York")
    task = all_day_task(date(2031, 3, 5), clock, recurrence=Recurrence.parse("FREQ=DAILY"))
    task.complete(now=clock.start(date(2031, 3, 9)) + timedelta(hours=20))
    nxt = task.next_occurrence(tz="America/New_York", now=NOW)
    assert nxt is not None and nxt.due_on() == date(2031, 3, 10)


def test_an_all_day_series_counted_from_completion_starts_from_the_completion_date():
    clock = DayClock("Europe/Berlin")
    every_3_days = Recurrence.parse("FREQ=DAILY;INTERVAL=3", anchor="completion")
    task = all_day_task(date(2031, 10, 20), clock, recurrence=every_3_days)
    task.complete(now=clock.start(date(2031, 10, 24)) + timedelta(hours=23, minutes=30))
    nxt = task.next_occurrence(tz="Europe/Berlin", now=NOW)
    assert nxt is not None and nxt.all_day and nxt.due_on() == date(2031, 10, 27)
    assert nxt.due_at == clock.start(date(2031, 10, 27))  # after the 25-hour day of the 26th


def test_the_next_all_day_occurrence_reminds_at_the_owners_time_of_day():
    clock = DayClock("America/New_York", "07:45")
    task = all_day_task(
        date(2031, 3, 8),
        clock,
        recurrence=Recurrence.parse("FREQ=DAILY"),
        reminders=[ReminderSpec(minutes_before=0)],
    )
    task.complete(now=clock.start(date(2031, 3, 8)) + timedelta(hours=10))
    nxt = task.next_occurrence(tz="America/New_York", now=NOW, reminder_time="07:45")
    assert nxt is not None
    fire = nxt.reminders[0].fire_at.astimezone(ZoneInfo("America/New_York"))
    assert fire.replace(tzinfo=None) == datetime(2031, 3, 9, 7, 45)  # a DST day


def test_moving_the_reminder_time_moves_open_reminders_of_open_all_day_tasks(uow, user):
    later = NOW.astimezone(user.zone).date() + timedelta(days=3)
    all_day = new_task(uow, user, due_date=later, reminders=[{"minutes_before": 60}])
    timed = new_task(uow, user, due_date=NOW + timedelta(days=3), reminders=[{"minutes_before": 60}])
    fired_before = timed.reminders[0].fire_at
    update_profile(uow=uow, user_id=user.id, changes={"all_day_reminder_time": "18:15"}, now=NOW)
    local = all_day.reminders[0].fire_at.astimezone(user.zone)
    assert (local.date(), local.hour, local.minute) == (later, 17, 15)
    assert all_day.reminders[0].status == "pending"
    assert timed.reminders[0].fire_at == fired_before


def test_patching_a_date_time_due_clears_all_day_and_a_date_sets_it(uow, user):
    task = new_task(uow, user, due_date=date(2031, 1, 15))
    update_task(
        uow=uow,
        user_id=user.id,
        task_id=task.id,
        changes=TaskChanges(due_at=datetime(2031, 1, 15, 10, 0)),
        now=NOW,
    )
    assert not task.all_day and task.due_on() is None
    update_task(
        uow=uow, user_id=user.id, task_id=task.id, changes=TaskChanges(due_at=date(2031, 2, 1)), now=NOW
    )
    assert task.all_day and task.due_on() == date(2031, 2, 1)
    assert uow.published[-1].task.all_day and uow.published[-1].task.due_on == date(2031, 2, 1)
