"""The days and moments a filter names, in the owner's zone: quick add's date words, read again."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta, tzinfo

from taskai.domain.quickadd.context import Context
from taskai.domain.quickadd.dates import DATE_RE, DatePart, read_date
from taskai.domain.recurrence.occurrences import FIRST_YEAR, LAST_YEAR
from taskai.errors import InvalidInput


def day_start(day: date, zone: tzinfo) -> datetime:
    """The aware moment `day` begins in `zone` (00:00 wall time)."""
    return datetime.combine(day, time(0), tzinfo=zone)


def days_from_today(
    now: datetime, zone: tzinfo, first: int, count: int
) -> tuple[datetime, datetime]:
    """[start, end) of `count` whole days from today + `first` days, today being `now`'s date in
    `zone`; each end is a local midnight, so a 23- or 25-hour DST day counts as one day."""
    today = now.astimezone(zone).date()
    start = today + timedelta(days=first)
    return day_start(start, zone), day_start(start + timedelta(days=count), zone)


def read_when(words: str, *, now: datetime, zone: tzinfo) -> tuple[datetime, datetime]:
    """[start, end) of what `words` name, read as quick add reads a date ("friday", "next week",
    "march 3", "2031-03-10", "in 2 hours") at `now` in `zone`: a whole day, or an instant (start
    == end); raises InvalidInput for words that are not a date or a day the calendar lacks."""
    match = DATE_RE.fullmatch(words)
    local = now.astimezone(zone)
    reading = read_date(match, Context(now=local, zone=zone, today=local.date())) if match else None
    if not isinstance(reading, DatePart):
        raise InvalidInput(f"'{words}' is not a date quick add reads (e.g. 'friday', '2031-03-10')")
    day = reading.moment.date() if reading.moment is not None else reading.day
    assert day is not None
    if not FIRST_YEAR <= day.year <= LAST_YEAR:
        raise InvalidInput(f"'{words}' is outside the years {FIRST_YEAR} to {LAST_YEAR}")
    if reading.moment is not None:
        return reading.moment, reading.moment
    assert reading.day is not None
    return day_start(reading.day, zone), day_start(reading.day + timedelta(days=1), zone)
