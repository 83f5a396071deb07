"""Turning read date, time and repeat parts into aware datetimes in the user's zone."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from .context import Context
from .dates import DatePart
from .phrase import Phrase
from .recurrence import Rule
from .times import PERIOD_TIMES, TimePart

DEFAULT_TIME = time(9, 0)
END_OF_DAY = time(23, 59)
_AFTERNOON_HINTS = frozenset({"afternoon", "evening", "night", "tonight"})
_LATEST_MORNING_GUESS = 7


def due_date(
    date_part: DatePart | None,
    time_part: TimePart | None,
    rule: Rule | None,
    context: Context,
    phrase: Phrase,
) -> datetime | None:
    """Combine the parts into the due date; a rule alone starts at its first occurrence."""
    if date_part and date_part.moment:
        if time_part:
            phrase.note(f"'{time_part.text}' ignored: the due time is already relative to now.")
        return date_part.moment
    period = _period(date_part, time_part, rule)
    clock = clock_of(time_part, period, phrase) if time_part else _period_time(period)
    if date_part and date_part.day:
        return on_day(date_part.day, clock, context, phrase)
    if rule:
        return _first_occurrence(rule, clock or DEFAULT_TIME, context, phrase)
    if clock and time_part:
        return next_at(clock, context, phrase, keep_today=time_part.keeps_today)
    return None


def all_day(
    date_part: DatePart | None, time_part: TimePart | None, rule: Rule | None, context: Context
) -> date | None:
    """The date of an all-day task: a date (or a repeat without one) named with no time and no
    part of day; None when the phrase gives a time or no date at all (#16)."""
    if time_part or _period(date_part, time_part, rule):
        return None
    if date_part and date_part.day:
        return date_part.day
    if date_part is None and rule:
        return rule.first_from(datetime.combine(context.today, time(0))).date()
    return None


def clock_of(part: TimePart, hint: str | None, phrase: Phrase) -> time:
    """Return the clock time, moving flexible hours to the afternoon when the hint or habit says."""
    hour = part.hour
    if part.flexible and hint in _AFTERNOON_HINTS:
        hour += 12
    elif part.flexible and hint is None and hour <= _LATEST_MORNING_GUESS:
        hour += 12
        phrase.note(f"Read '{part.text}' as {hour:02d}:{part.minute:02d}.")
    return time(hour, part.minute)


def on_day(day: date, clock: time | None, context: Context, phrase: Phrase) -> datetime:
    """Place a clock time (09:00 when none was given) on a day."""
    if clock is None:
        due = localize(day, DEFAULT_TIME, context, phrase)
        if due >= context.now or day != context.today:
            return _warn_if_past(due, context, phrase)
        phrase.note("09:00 has already passed today; due at 23:59 instead.")
        return localize(day, END_OF_DAY, context, phrase)
    return _warn_if_past(localize(day, clock, context, phrase), context, phrase)


def _warn_if_past(due: datetime, context: Context, phrase: Phrase) -> datetime:
    """Return ``due``, noting when it is already in the past."""
    if due < context.now:
        phrase.note(f"{due:%Y-%m-%d %H:%M} is already in the past.")
    return due


def next_at(clock: time, context: Context, phrase: Phrase, *, keep_today: bool) -> datetime:
    """Place a clock time today, or tomorrow when it has already passed today."""
    due = localize(context.today, clock, context, phrase)
    if due >= context.now:
        return due
    if keep_today:
        phrase.note(f"{clock:%H:%M} today is already in the past.")
        return due
    phrase.note(f"{clock:%H:%M} has already passed today; using tomorrow.")
    return localize(context.today + timedelta(days=1), clock, context, phrase)


def localize(day: date, clock: time, context: Context, phrase: Phrase) -> datetime:
    """Attach the zone; a wall time skipped by DST moves forward, a repeated one takes the first."""
    naive = datetime.combine(day, clock)
    aware = naive.replace(tzinfo=context.zone)
    settled = aware.astimezone(UTC).astimezone(context.zone)
    if settled.replace(tzinfo=None) != naive:
        phrase.note(f"{clock:%H:%M} does not exist on {day} (DST starts); using {settled:%H:%M}.")
        return settled
    if aware.replace(fold=1).utcoffset() != aware.utcoffset():
        phrase.note(f"{clock:%H:%M} happens twice on {day} (DST ends); using the first.")
    return aware


def _period(
    date_part: DatePart | None, time_part: TimePart | None, rule: Rule | None
) -> str | None:
    """Return the part of day named anywhere in the phrase, if any."""
    if date_part and date_part.period:
        return date_part.period
    if time_part and time_part.period:
        return time_part.period
    return rule.period if rule else None


def _period_time(period: str | None) -> time | None:
    """Return the default clock time of a part of day."""
    return time(*PERIOD_TIMES[period]) if period else None


def _first_occurrence(rule: Rule, clock: time, context: Context, phrase: Phrase) -> datetime:
    """Return the rule's first occurrence at ``clock`` that is not in the past."""
    start = datetime.combine(context.today, clock)
    if start < context.now.replace(tzinfo=None):
        start += timedelta(days=1)
    first = rule.first_from(start)
    return localize(first.date(), first.time(), context, phrase)
