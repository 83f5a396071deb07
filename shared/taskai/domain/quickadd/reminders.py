"""Reader for "remind me ..." phrases: offsets before the due date or absolute times."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from .context import Context
from .dates import DATE_RE, DatePart, read_date, remark
from .draft import Reminder
from .lexicon import END, NUMBER, START, UNIT, UNIT_MINUTES, UNITS, number
from .phrase import Phrase
from .resolve import clock_of, due_date, localize
from .times import TIME_RE, TimePart, read_time

_OFFSET = rf"(?:{NUMBER}\s*{UNIT}|half\s+an?\s+hour)"
_BEFORE = r"(?:before|earlier|ahead|prior|in\s+advance)"
HEAD_RE = re.compile(rf"{START}remind(?:er)?(?:\s+me)?\s+", re.IGNORECASE)
LEAD_RE = re.compile(r"\s*remind\s+me\s+to\s+", re.IGNORECASE)
OFFSETS_RE = re.compile(
    rf"{_OFFSET}(?:\s+{_BEFORE})?(?:(?:\s*,\s*|\s+)(?:and\s+)?{_OFFSET}(?:\s+{_BEFORE})?)*"
    rf"\s+{_BEFORE}{END}",
    re.IGNORECASE,
)
OFFSET_RE = re.compile(
    rf"(?<!\w)(?:(?P<n>{NUMBER})\s*(?P<unit>{UNIT})|(?P<half>half\s+an?\s+hour))(?!\w)", re.I
)
_SPACES = re.compile(r"\s*")


@dataclass(frozen=True)
class ReminderSpec:
    """A reminder as read: minutes before the due date, or a date and/or time of its own."""

    minutes_before: int | None = None
    date_part: DatePart | None = None
    time_part: TimePart | None = None


def take_reminders(phrase: Phrase, context: Context) -> list[ReminderSpec]:
    """Read and take every "remind me ..." phrase; a leading "remind me to" is dropped."""
    if "remind" not in phrase.work.lower():
        return []
    lead = LEAD_RE.match(phrase.work)
    if lead:
        phrase.take(*lead.span())
    specs: list[ReminderSpec] = []
    for head in HEAD_RE.finditer(phrase.work):
        found, end = _offsets(phrase, head.end()) or _absolute(phrase, head.end(), context)
        if found:
            specs.extend(found)
            phrase.take(head.start(), end, "reminder")
    return specs


def resolve_reminders(
    specs: list[ReminderSpec], due: datetime | None, context: Context, phrase: Phrase
) -> list[Reminder]:
    """Turn read reminders into ``{"minutes_before": n}`` or ``{"at": datetime}`` entries."""
    reminders: list[Reminder] = []
    for spec in specs:
        if spec.minutes_before is not None:
            if due is None:
                phrase.note("A reminder before the due date was given, but there is no due date.")
            reminders.append({"minutes_before": spec.minutes_before})
            continue
        at = _moment(spec, due, context, phrase)
        if at is None:
            continue
        if due and at > due:
            phrase.note(f"The reminder at {at:%Y-%m-%d %H:%M} comes after the due date.")
        reminders.append({"at": at})
    return reminders


def _offsets(phrase: Phrase, position: int) -> tuple[list[ReminderSpec], int] | None:
    """Read "30 minutes before", "1 day and 2 hours before" at ``position``."""
    match = OFFSETS_RE.match(phrase.work, position)
    if not match:
        return None
    specs = [_offset(item) for item in OFFSET_RE.finditer(match[0])]
    if None in specs:
        return None
    return [ReminderSpec(minutes_before=m) for m in specs if m is not None], match.end()


def _offset(item: re.Match[str]) -> int | None:
    """Return the minutes of one offset; months and years have no fixed length."""
    if item["half"]:
        return 30
    unit = UNITS[item["unit"].lower()]
    return number(item["n"]) * UNIT_MINUTES[unit] if unit in UNIT_MINUTES else None


def _absolute(phrase: Phrase, position: int, context: Context) -> tuple[list[ReminderSpec], int]:
    """Read "at 8am", "tomorrow at 9", "at 9 on friday", "in 2 hours" at ``position``."""
    date_part, position = _date_at(phrase, position, context)
    time_part, position = _time_at(phrase, position)
    if date_part is None and time_part is not None:
        date_part, position = _date_at(phrase, position, context)
    if date_part is None and time_part is None:
        return [], position
    return [ReminderSpec(date_part=date_part, time_part=time_part)], position


def _date_at(phrase: Phrase, position: int, context: Context) -> tuple[DatePart | None, int]:
    """Read a date expression starting at ``position`` (after spaces)."""
    start = _skip_spaces(phrase, position)
    match = DATE_RE.match(phrase.work, start)
    reading = read_date(match, context) if match else None
    if match and isinstance(reading, DatePart):
        remark(match, reading, phrase, context)
        return reading, match.end()
    return None, position


def _time_at(phrase: Phrase, position: int) -> tuple[TimePart | None, int]:
    """Read a time expression starting at ``position`` (after spaces)."""
    start = _skip_spaces(phrase, position)
    match = TIME_RE.match(phrase.work, start)
    part = read_time(match) if match else None
    return (part, match.end()) if match and part else (None, position)


def _skip_spaces(phrase: Phrase, position: int) -> int:
    """Return the first position at or after ``position`` that is not a space."""
    spaces = _SPACES.match(phrase.work, position)
    return spaces.end() if spaces else position


def _moment(
    spec: ReminderSpec, due: datetime | None, context: Context, phrase: Phrase
) -> datetime | None:
    """Place an absolute reminder: on its own date, else on the due date's day, else next."""
    time_part = spec.time_part
    if spec.date_part is None and time_part and due:
        return localize(due.date(), clock_of(time_part, time_part.period, phrase), context, phrase)
    return due_date(spec.date_part, time_part, None, context, phrase)
