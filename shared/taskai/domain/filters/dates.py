"""The days and moments a filter names, in the owner's zone: quick add's date words, read again."""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta, tzinfo

from taskai.domain import quickadd
from taskai.domain.recurrence.occurrences import FIRST_YEAR, LAST_YEAR
from taskai.errors import InvalidInput

WHEN_PARTS = {"date", "time", "zone"}  # what quick add may read in a filter's date words
ISO_MOMENT = re.compile(r"\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}\S*")  # a date alone is quick add's


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
    """[start, end) of what `words` name, read as quick add reads a date and time ("friday",
    "2031-03-10", "tomorrow 5pm", "eod", "in 2 hours") or as ISO 8601 ("2031-03-10T10:00", in
    `zone` without an offset) at `now` in `zone`: a whole day, or an instant (start == end);
    raises InvalidInput for words that are not only a date and time, or a day the calendar
    lacks."""
    moment, all_day = iso_moment(words, zone), False
    if moment is None:
        draft = quickadd.parse(words, now=now, tz=getattr(zone, "key", None) or str(zone))
        read = {span["kind"] for span in draft.spans}
        if draft.due_date is None or draft.title != words.strip() or not read <= WHEN_PARTS:
            message = f"'{words}' is not a date quick add reads (e.g. 'friday', 'tomorrow 5pm')"
            raise InvalidInput(message)
        moment, all_day = draft.due_date, draft.all_day
    day = moment.astimezone(zone).date()
    if not FIRST_YEAR <= day.year <= LAST_YEAR:
        raise InvalidInput(f"'{words}' is outside the years {FIRST_YEAR} to {LAST_YEAR}")
    if all_day:
        return day_start(day, zone), day_start(day + timedelta(days=1), zone)
    return moment, moment


def iso_moment(words: str, zone: tzinfo) -> datetime | None:
    """The instant of an ISO 8601 date and time ("2031-03-10T10:00", with or without an offset;
    without one it is a wall time in `zone`), else None (a bare date is quick add's)."""
    if not ISO_MOMENT.fullmatch(words.strip()):
        return None
    try:
        found = datetime.fromisoformat(words.strip())
    except ValueError:
        return None
    return found if found.tzinfo is not None else found.replace(tzinfo=zone)
