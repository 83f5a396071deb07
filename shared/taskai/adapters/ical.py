"""Tasks as an iCalendar (RFC 5545) feed, built with the `icalendar` library, one event at a time.

Each task with a due date is a VEVENT, not a VTODO: Google Calendar and Apple Calendar show the
events of a subscribed calendar and ignore its to-dos. An event carries no COMPLETED property and
no STATUS:COMPLETED (RFC 5545 allows them on VTODO only), so a completed task's summary opens
with a check mark and X-TASKAI-COMPLETED gives the time; a skipped occurrence is CANCELLED.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from icalendar import Alarm, Calendar, Event, Timezone, vDatetime, vRecur

from taskai.domain.calendar import PRIORITY
from taskai.domain.days import DayClock
from taskai.domain.reminders import CANCELLED
from taskai.domain.tasks import Task

PRODID = "-//TaskAI//Calendar feed//EN"
DONE_MARK = "✓ "
_END = b"END:VCALENDAR\r\n"


def feed_chunks(
    tasks: list[Task], *, clock: DayClock, app_url: str, name: str, now: datetime
) -> Iterator[bytes]:
    """The feed as iCalendar bytes, a chunk per event: times in the owner's zone (`clock.tz`,
    with its VTIMEZONE; UTC needs none), links to `app_url`."""
    head = Calendar()
    head.add("prodid", PRODID)
    head.add("version", "2.0")
    head.add("calscale", "GREGORIAN")
    head.add("x-wr-calname", name)
    head.add("x-wr-timezone", clock.tz)
    zone = clock.zone
    if clock.tz != "UTC" and tasks:
        days = [t.due_at.astimezone(zone).date() for t in tasks if t.due_at is not None]
        first, last = min(days), max(*days, now.date())
        head.add_component(
            Timezone.from_tzinfo(
                zone,
                tzid=clock.tz,
                first_date=first - timedelta(days=366),
                last_date=last + timedelta(days=3 * 366),
            )
        )
    text = head.to_ical()
    yield text[: -len(_END)]
    for task in tasks:
        yield event_of(task, clock=clock, app_url=app_url, now=now).to_ical()
    yield _END


def event_of(task: Task, *, clock: DayClock, app_url: str, now: datetime) -> Event:
    """One task (with a due date) as a VEVENT; RRULE only on an open occurrence of a series."""
    assert task.due_at is not None
    zone = clock.zone
    event = Event()
    event.add("uid", f"{task.id}@taskai")
    event.add("dtstamp", (task.updated_at or now).astimezone(UTC))
    if task.created_at is not None:
        event.add("created", task.created_at.astimezone(UTC))
    if task.updated_at is not None:
        event.add("last-modified", task.updated_at.astimezone(UTC))
    if task.all_day:
        day = clock.day(task.due_at)
        event.add("dtstart", day)
        event.add("dtend", day + timedelta(days=1))
    else:
        event.add("dtstart", task.due_at.astimezone(zone))
    summary = task.title
    if task.is_completed:
        summary = DONE_MARK + summary
        event.add("status", "CANCELLED" if task.skipped else "CONFIRMED")
        if task.completed_at is not None:
            # an X- property has no known type: give the RFC's date-time form explicitly
            event.add("x-taskai-completed", vDatetime(task.completed_at.astimezone(UTC)))
    else:
        event.add("status", "CONFIRMED")
        if task.recurrence_rule:
            event.add("rrule", series_rule(task, zone))
        for alarm in alarms(task, clock):
            event.add_component(alarm)
    event.add("summary", summary)
    if task.description:
        event.add("description", task.description)
    event.add("priority", PRIORITY[task.priority])
    if task.tags:
        event.add("categories", [tag.name for tag in task.tags])
    event.add("url", f"{app_url.rstrip('/')}/tasks/{task.id}")
    event.add("transp", "TRANSPARENT")  # a task does not make its owner busy
    return event


def series_rule(task: Task, zone: ZoneInfo) -> vRecur:
    """The series' RRULE from this open occurrence on: COUNT counts only what is left of it, and
    UNTIL takes the type of DTSTART (a date for an all-day task, else UTC) as RFC 5545 asks."""
    assert task.recurrence_rule is not None
    rule = vRecur.from_ical(task.recurrence_rule)
    if "COUNT" in rule:
        rule["COUNT"] = [max(1, int(rule["COUNT"][0]) - (task.occurrence or 1) + 1)]
    if "UNTIL" in rule:
        until = rule["UNTIL"][0]
        if task.all_day and isinstance(until, datetime):
            until = until.astimezone(zone).date()
        elif not task.all_day and not isinstance(until, datetime):
            until = datetime.combine(until + timedelta(days=1), datetime.min.time(), zone)
            until = until.astimezone(UTC) - timedelta(seconds=1)
        elif isinstance(until, datetime):
            until = until.astimezone(UTC)
        rule["UNTIL"] = [until]
    return rule


def alarms(task: Task, clock: DayClock) -> Iterator[Alarm]:
    """A display VALARM per reminder still to come: an offset before the start (for an all-day
    task, before the owner's reminder time of that day), or an absolute time."""
    hours, minutes = (int(part) for part in clock.reminder_time.split(":"))
    for reminder in task.reminders:
        if reminder.status == CANCELLED:
            continue
        alarm = Alarm()
        alarm.add("action", "DISPLAY")
        alarm.add("description", task.title)
        if reminder.minutes_before is not None:
            base = timedelta(hours=hours, minutes=minutes) if task.all_day else timedelta(0)
            alarm.add("trigger", base - timedelta(minutes=reminder.minutes_before))
        elif reminder.at is not None:
            alarm.add("trigger", reminder.at.astimezone(UTC))
        else:
            continue
        yield alarm
