"""All-day dates: a day in the owner's zone, where it starts, and when its reminders count from.

An all-day task is stored as the start of its day in the owner's zone (UTC in the database) with
`all_day` set; it is due for that whole day and overdue from the start of the next one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from zoneinfo import ZoneInfo

from taskai.errors import InvalidInput

DEFAULT_REMINDER_TIME = "09:00"
HH_MM = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")


def check_reminder_time(text: str, field_name: str = "all_day_reminder_time") -> str:
    """`text` when it is a time of day as HH:MM (00:00 to 23:59), else raise InvalidInput."""
    if not isinstance(text, str) or not HH_MM.match(text):
        message = "must be a time of day as HH:MM, 00:00 to 23:59"
        raise InvalidInput(f"{field_name} {message}", fields={field_name: message})
    return text


def day_start(day: date, zone: tzinfo) -> datetime:
    """The UTC instant `day` begins in `zone` (a midnight skipped by DST: when the day begins)."""
    return datetime.combine(day, time(0), tzinfo=zone).astimezone(UTC)


def day_of(moment: datetime, zone: ZoneInfo) -> date:
    """The date an aware `moment` falls on in `zone`."""
    return moment.astimezone(zone).date()


@dataclass(frozen=True)
class DayClock:
    """The owner's zone (IANA name) and the time of day (HH:MM) all-day reminders count back
    from; what an all-day task needs to know besides its stored start of day."""

    tz: str = "UTC"
    reminder_time: str = DEFAULT_REMINDER_TIME

    @property
    def zone(self) -> ZoneInfo:
        """The owner's zone as a tzinfo."""
        return ZoneInfo(self.tz)

    def day(self, due_at: datetime) -> date:
        """The date of an all-day task whose day starts at `due_at` (UTC)."""
        return day_of(due_at, self.zone)

    def start(self, day: date) -> datetime:
        """The UTC instant `day` begins in the owner's zone."""
        return day_start(day, self.zone)

    def day_after(self, due_at: datetime) -> datetime:
        """When an all-day task starting at `due_at` stops being due (the next day's start, UTC;
        23 or 25 hours later across a DST change)."""
        return self.start(self.day(due_at) + timedelta(days=1))

    def reminder_base(self, due_at: datetime) -> datetime:
        """The UTC instant offset reminders of an all-day task count back from: the reminder time
        of day on its date, in the owner's zone (a wall time DST skips moves forward)."""
        hours, minutes = (int(part) for part in self.reminder_time.split(":"))
        wall = datetime.combine(self.day(due_at), time(hours, minutes), tzinfo=self.zone)
        return wall.astimezone(UTC)
