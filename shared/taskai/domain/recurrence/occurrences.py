"""Where a series goes next: the first occurrence of a `Rule` after a moment, in a time zone."""

from __future__ import annotations

from calendar import monthrange
from dataclasses import replace
from datetime import MAXYEAR, UTC, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from dateutil.rrule import rrule, rruleset, weekday

from taskai.errors import InvalidInput

from .rule import FREQUENCIES, UNTIL_DATE, UNTIL_UTC, Rule, invalid

# next_due looks at least this many years past its starting point (and at most 400 more);
# an occurrence further away counts as none.
HORIZON_YEARS = 100
# Years a date-time may have: far from the calendar's ends (1 and 9999), so that a zone offset or
# a reminder's lead never carries it past them; a series ends rather than leave them.
FIRST_YEAR, LAST_YEAR = 1900, 8999
# dateutil stops a fruitless search only at year 9999; the Gregorian calendar, weekdays included,
# repeats every 400 years, so searches run moved by whole cycles to end near 9999.
_CALENDAR_CYCLE_YEARS = 400
_FOLD_RETRIES = 3


def next_due(
    rule: Rule,
    anchor: str,
    *,
    series_start: datetime,
    previous_due: datetime,
    completed_at: datetime,
    tz: str,
    occurrence: int,
) -> datetime | None:
    """The next due date (UTC) after completing occurrence number `occurrence`, or None.

    Dates the series passed while the task waited are rolled over: the answer is the first
    date after both `previous_due` and `completed_at`, found without walking the missed
    dates, so a task decades overdue costs as little as one due today. Naive datetimes
    raise ValueError; an unknown zone raises InvalidInput. COUNT/UNTIL: RFC 5545 3.3.10.
    """
    if rule.count is not None and occurrence >= rule.count:
        return None
    zone = _zone(tz)
    start = _wall(series_start, zone, "series_start")
    after = max(_wall(previous_due, zone, "previous_due"), _wall(completed_at, zone, "done"))
    if anchor == "completion":
        done = _wall(completed_at, zone, "completed_at").date()
        start, after = datetime.combine(done, start.time()), datetime.combine(done, time.max)
    for _ in range(_FOLD_RETRIES):  # a wall time later than `after` is earlier in UTC
        found = _first_after(rule, start, after)  # only inside a repeated DST hour
        moment = None if found is None else _to_utc(found, zone)
        if found is None or moment is None or _past_until(rule, found, moment):
            return None
        if moment.year > LAST_YEAR:  # dates past the API's years: the series ends there
            return None
        if moment > completed_at or anchor == "completion":
            return moment
        after = found
    return None


def check_expands(rule: Rule, *, series_start: datetime, tz: str = "UTC") -> None:
    """Refuse (InvalidInput on recurrence.rule) a rule that gives no date from `series_start`
    (aware) on within the search horizon, e.g. an UNTIL before the due date, or, without COUNT
    or UNTIL to end it, no second date within HORIZON_YEARS (FREQ=YEARLY;INTERVAL=1000). The
    rule runs on wall times in zone `tz`, as next_due runs it (in UTC, a task due on January 1
    in Berlin started in December, and every second month of January never came)."""
    zone = _zone(tz)
    start = _wall(series_start, zone, "series_start")
    found = _first_after(rule, start, start - timedelta(microseconds=1))
    moment = None if found is None else _to_utc(found, zone)
    if found is None or moment is None or _past_until(rule, found, moment):
        raise invalid("rule", "RRULE: gives no date on or after the task's due date")
    if rule.count is None and rule.until is None and _first_after(rule, start, found) is None:
        raise invalid("rule", f"RRULE: gives no second date within {HORIZON_YEARS} years")


def _zone(name: str) -> ZoneInfo:
    """The IANA time zone called `name`."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, TypeError):
        message = f"'{name}' is not an IANA time zone"
        raise InvalidInput(message, fields={"timezone": message}) from None


def _wall(moment: datetime, zone: ZoneInfo, name: str) -> datetime:
    """The naive local wall-clock time of an aware datetime."""
    if moment.utcoffset() is None:
        raise ValueError(f"{name} must be timezone-aware")
    return moment.astimezone(zone).replace(tzinfo=None)


def _to_utc(wall: datetime, zone: ZoneInfo) -> datetime | None:
    """The UTC instant of a wall time: gap times move forward, ambiguous ones take the first."""
    try:
        return wall.replace(tzinfo=zone, fold=0).astimezone(UTC)
    except OverflowError:
        return None


def _past_until(rule: Rule, wall: datetime, moment: datetime) -> bool:
    """Whether an occurrence falls after UNTIL (a UTC time, or a whole local day)."""
    if rule.until is None:
        return False
    if rule.until.endswith("Z"):
        return moment > datetime.strptime(rule.until, UNTIL_UTC).replace(tzinfo=UTC)
    return wall.date() > datetime.strptime(rule.until, UNTIL_DATE).date()


def _first_after(rule: Rule, start: datetime, after: datetime) -> datetime | None:
    """The first wall time of the series from `start` strictly after `after`, within the horizon."""
    month_end = rule.month_end_day(start.day)
    defaults = _implicit_parts(rule, start)
    start = _jump(rule, start, after)
    room = MAXYEAR - HORIZON_YEARS - max(start, after).year
    shift = max(0, room // _CALENDAR_CYCLE_YEARS) * _CALENDAR_CYCLE_YEARS
    series = _dateutil_rule(replace(rule, **defaults), _move_years(start, shift), month_end)
    for candidate in series.xafter(_move_years(after, shift)):
        if month_end is None or candidate.day == min(month_end, _month_length(candidate)):
            return _move_years(candidate, -shift)
    return None


def _implicit_parts(rule: Rule, start: datetime) -> dict[str, Any]:
    """The parts RFC 5545 (3.3.10) takes from DTSTART when a rule leaves them out, made explicit
    so that the series can start from a later period without changing its dates."""
    if rule.bymonthday or rule.byday:
        return {}
    if rule.freq == "WEEKLY":
        return {"byday": ((None, start.weekday()),)}
    if rule.freq == "MONTHLY":
        return {"bymonthday": (start.day,)}
    if rule.freq == "YEARLY":
        return {"bymonth": rule.bymonth or (start.month,), "bymonthday": (start.day,)}
    return {}


def _jump(rule: Rule, start: datetime, after: datetime) -> datetime:
    """A later DTSTART of the same series: the first day of a period (INTERVAL units of FREQ)
    that begins before the one holding `after`, reached in one step instead of walking there."""
    if after <= start:
        return start
    if rule.freq in ("DAILY", "WEEKLY"):
        days = rule.interval * (7 if rule.freq == "WEEKLY" else 1)
        periods = (after.date() - start.date()).days // days - 1
        return start + timedelta(days=periods * days) if periods > 0 else start
    per_year = 12 if rule.freq == "MONTHLY" else 1
    units = (after.year - start.year) * per_year
    if per_year == 12:
        units += after.month - start.month
    periods = units // rule.interval - 1
    if periods <= 0:
        return start
    months = periods * rule.interval * (12 // per_year) + start.month - 1
    first_month = 1 if per_year == 1 else months % 12 + 1
    return start.replace(year=start.year + months // 12, month=first_month, day=1)


def _move_years(moment: datetime, years: int) -> datetime:
    """The same wall time `years` later; only whole 400-year cycles keep Feb 29 valid."""
    return moment.replace(year=moment.year + years)


def _month_length(moment: datetime) -> int:
    """The number of days in the month of `moment`."""
    return monthrange(moment.year, moment.month)[1]


def _dateutil_rule(rule: Rule, start: datetime, month_end: int | None) -> rrule | rruleset:
    """The dateutil rrule without COUNT/UNTIL; month-end rules take all candidate days 28+.

    A BYDAY list that mixes plain and ordinal days (MO,-1WE) means either kind (RFC 5545
    3.3.10); dateutil would demand both, so such a rule is the union of its two halves.
    """
    plain = tuple(day for day in rule.byday if day[0] is None)
    if plain and len(plain) < len(rule.byday):
        union = rruleset(cache=False)
        union.rrule(_dateutil_rule(replace(rule, byday=plain), start, month_end))
        ordinal = tuple(day for day in rule.byday if day[0] is not None)
        union.rrule(_dateutil_rule(replace(rule, byday=ordinal), start, month_end))
        return union
    bymonth, bymonthday = rule.bymonth, rule.bymonthday
    if month_end is not None:
        bymonthday = tuple(range(28, month_end + 1))
        if rule.freq == "YEARLY":
            bymonth = bymonth or (start.month,)
    return rrule(
        FREQUENCIES[rule.freq],
        dtstart=start,
        interval=rule.interval,
        wkst=rule.wkst or 0,
        bymonth=bymonth or None,
        bymonthday=bymonthday or None,
        byweekday=[weekday(day, n) for n, day in rule.byday] or None,
        bysetpos=rule.bysetpos or None,
        cache=False,
    )
