"""Task recurrence: a validated subset of RFC 5545 RRULE and the next due date it gives."""

from __future__ import annotations

import re
from calendar import monthrange
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import MAXYEAR, UTC, datetime, time, timedelta
from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from dateutil.rrule import DAILY, MONTHLY, WEEKLY, YEARLY, rrule, rruleset, weekday

from taskai.domain.vocabulary import Anchor
from taskai.errors import InvalidInput

ANCHORS = tuple(Anchor)
PRESETS = {
    "daily": "FREQ=DAILY",
    "weekdays": "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR",
    "weekly": "FREQ=WEEKLY",
    "monthly": "FREQ=MONTHLY",
    "yearly": "FREQ=YEARLY",
}
MAX_INTERVAL = 1000
MAX_RULE_LENGTH = 500
# next_due looks at least this many years past its starting point (and at most 400 more);
# an occurrence further away counts as none.
HORIZON_YEARS = 100
# dateutil stops a fruitless search only at year 9999; the Gregorian calendar, weekdays included,
# repeats every 400 years, so searches run moved by whole cycles to end near 9999.
_CALENDAR_CYCLE_YEARS = 400
_FOLD_RETRIES = 3

_FREQUENCIES = {"DAILY": DAILY, "WEEKLY": WEEKLY, "MONTHLY": MONTHLY, "YEARLY": YEARLY}
_PARTS = ("FREQ", "INTERVAL", "BYMONTH", "BYMONTHDAY", "BYDAY", "BYSETPOS",
          "WKST", "COUNT", "UNTIL")  # fmt: skip
_UNSUPPORTED_PARTS = ("BYSECOND", "BYMINUTE", "BYHOUR", "BYWEEKNO", "BYYEARDAY")
_WEEKDAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
_DAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_MONTH_NAMES = ("January", "February", "March", "April", "May", "June", "July", "August",
                "September", "October", "November", "December")  # fmt: skip
_LONGEST_MONTHS = (31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)
_UNITS = {"DAILY": "day", "WEEKLY": "week", "MONTHLY": "month", "YEARLY": "year"}
_BYDAY_ITEM = re.compile(r"([+-]?\d{1,2})?([A-Z]{2})")
_UNTIL_DATE, _UNTIL_UTC = "%Y%m%d", "%Y%m%dT%H%M%SZ"
_WHOLE_1_TO_1000, _AT_LEAST_1 = "a whole number from 1 to 1000", "a whole number, 1 or more"

ByDay = tuple[int | None, int]  # (ordinal or None, weekday with Monday = 0)
_WORKDAYS: tuple[ByDay, ...] = tuple((None, day) for day in range(5))


def _invalid(field: str, message: str) -> InvalidInput:
    """An InvalidInput about one recurrence field."""
    fields = {f"recurrence.{field}": message}
    return InvalidInput(f"Invalid recurrence {field}: {message}", fields=fields)


@dataclass(frozen=True)
class _Rule:
    """A validated rule; each field holds one RRULE part."""

    freq: str
    interval: int = 1
    bymonth: tuple[int, ...] = ()
    bymonthday: tuple[int, ...] = ()
    byday: tuple[ByDay, ...] = ()
    bysetpos: tuple[int, ...] = ()
    wkst: int | None = None
    count: int | None = None
    until: str | None = None

    def text(self) -> str:
        """The canonical RRULE body: known part order, INTERVAL=1 left out."""
        values = {
            "FREQ": self.freq,
            "INTERVAL": str(self.interval) if self.interval > 1 else "",
            "BYMONTH": ",".join(map(str, self.bymonth)),
            "BYMONTHDAY": ",".join(map(str, self.bymonthday)),
            "BYDAY": ",".join(f"{n or ''}{_WEEKDAYS[day]}" for n, day in self.byday),
            "BYSETPOS": ",".join(map(str, self.bysetpos)),
            "WKST": "" if self.wkst is None else _WEEKDAYS[self.wkst],
            "COUNT": "" if self.count is None else str(self.count),
            "UNTIL": self.until or "",
        }
        return ";".join(f"{name}={value}" for name, value in values.items() if value)


@dataclass(frozen=True)
class Recurrence:
    """How a task repeats: a normalized RRULE body and what the next date is counted from."""

    rule: str
    anchor: str = "due"

    def __post_init__(self) -> None:
        """Validate and normalize both fields, so every instance is usable."""
        object.__setattr__(self, "rule", _parse_rule(_rule_body(self.rule)).text())
        object.__setattr__(self, "anchor", _parse_anchor(self.anchor))

    @classmethod
    def parse(cls, rule: str, anchor: str = "due") -> Recurrence:
        """Validate and normalize an RRULE (any case, optional "RRULE:" prefix)."""
        return cls(rule, anchor)

    @classmethod
    def from_preset(cls, preset: str, interval: int = 1, anchor: str = "due") -> Recurrence:
        """Build a rule from a preset name (daily, weekdays, weekly, monthly, yearly)."""
        key = preset.strip().lower() if isinstance(preset, str) else ""
        if key not in PRESETS:
            raise _invalid("preset", f"'{preset}' is not a preset; use {', '.join(PRESETS)}")
        if type(interval) is not int or not 1 <= interval <= MAX_INTERVAL:
            raise _invalid("interval", f"'{interval}' is not {_WHOLE_1_TO_1000}")
        return cls(f"{PRESETS[key]};INTERVAL={interval}", anchor)

    @classmethod
    def from_input(cls, data: Mapping[str, Any]) -> Recurrence:
        """Build from API input: {"rule", "anchor"?} or {"preset", "interval"?, "anchor"?}."""
        if not isinstance(data, Mapping):
            raise InvalidInput("Invalid recurrence", fields={"recurrence": "must be an object"})
        unknown = sorted(set(data) - {"rule", "preset", "interval", "anchor"})
        if unknown:
            raise _invalid(str(unknown[0]), "unknown field")
        if ("rule" in data) == ("preset" in data):
            message = "give either a rule or a preset"
            raise InvalidInput(f"Invalid recurrence: {message}", fields={"recurrence": message})
        anchor = "due" if data.get("anchor") is None else data["anchor"]
        if "rule" not in data:
            interval = 1 if data.get("interval") is None else data["interval"]
            return cls.from_preset(data["preset"], interval, anchor)
        if "interval" in data:
            raise _invalid("interval", "only goes with a preset; put INTERVAL in the rule")
        return cls(data["rule"], anchor)

    def to_dict(self) -> dict[str, str]:
        """The stored and serialized form."""
        return {"rule": self.rule, "anchor": self.anchor}

    def describe(self) -> str:
        """The rule in English words, e.g. "every 2 weeks on Monday and Wednesday"."""
        return _describe(_parse_rule(self.rule), self.anchor)

    def next_due(
        self,
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
        rule = _parse_rule(self.rule)
        if rule.count is not None and occurrence >= rule.count:
            return None
        zone = _zone(tz)
        start = _wall(series_start, zone, "series_start")
        after = max(_wall(previous_due, zone, "previous_due"), _wall(completed_at, zone, "done"))
        if self.anchor == "completion":
            done = _wall(completed_at, zone, "completed_at").date()
            start, after = datetime.combine(done, start.time()), datetime.combine(done, time.max)
        for _ in range(_FOLD_RETRIES):  # a wall time later than `after` is earlier in UTC
            found = _first_after(rule, start, after)  # only inside a repeated DST hour
            moment = None if found is None else _to_utc(found, zone)
            if found is None or moment is None or _past_until(rule, found, moment):
                return None
            if moment > completed_at or self.anchor == "completion":
                return moment
            after = found
        return None

    def check_expands(self, *, series_start: datetime) -> None:
        """Refuse (InvalidInput on recurrence.rule) a rule that gives no date from `series_start`
        (aware) on within the search horizon, e.g. an UNTIL before the due date."""
        rule = _parse_rule(self.rule)
        start = series_start.astimezone(UTC).replace(tzinfo=None)
        found = _first_after(rule, start, start - timedelta(microseconds=1))
        if found is None or _past_until(rule, found, found.replace(tzinfo=UTC)):
            raise _invalid("rule", "RRULE: gives no date on or after the task's due date")

    def end_reason(self, occurrence: int) -> str:
        """Why next_due gave None after occurrence number `occurrence`, in words."""
        rule = _parse_rule(self.rule)
        if rule.count is not None and occurrence >= rule.count:
            return f"all {rule.count} occurrences are done (COUNT={rule.count})"
        if rule.until is not None:
            return f"the series ended at its UNTIL ({rule.until})"
        return f"the rule gives no later date within {HORIZON_YEARS} years"


def _rule_body(rule: object) -> str:
    """The uppercase RRULE body without an "RRULE:" prefix."""
    if not isinstance(rule, str):
        raise _invalid("rule", "RRULE: must be text such as FREQ=WEEKLY;BYDAY=MO")
    if len(rule) > MAX_RULE_LENGTH:
        raise _invalid("rule", f"RRULE: longer than {MAX_RULE_LENGTH} characters")
    return rule.strip().upper().removeprefix("RRULE:")


def _parse_anchor(anchor: object) -> str:
    """A valid anchor, lowercased."""
    if isinstance(anchor, str) and anchor.strip().lower() in ANCHORS:
        return anchor.strip().lower()
    raise _invalid("anchor", f"'{anchor}' is not an anchor; use 'due' or 'completion'")


@lru_cache(maxsize=512)
def _parse_rule(body: str) -> _Rule:
    """Validate an uppercase RRULE body into a _Rule."""
    parts = _split_parts(body)
    freq = _parse_freq(parts["FREQ"])
    rule = _Rule(
        freq=freq,
        interval=_number("INTERVAL", parts.get("INTERVAL", "1"), 1, MAX_INTERVAL, _WHOLE_1_TO_1000),
        bymonth=_numbers("BYMONTH", parts.get("BYMONTH"), 12, "a month (1 to 12)"),
        bymonthday=_numbers("BYMONTHDAY", parts.get("BYMONTHDAY"), 31, "a day (±1 to 31)"),
        byday=_parse_byday(parts.get("BYDAY"), freq, "BYMONTH" in parts),
        bysetpos=_numbers("BYSETPOS", parts.get("BYSETPOS"), 366, "a position (±1 to 366)"),
        wkst=_weekday_index("WKST", parts["WKST"]) if "WKST" in parts else None,
        count=_number("COUNT", parts["COUNT"], 1, 10**9, _AT_LEAST_1) if "COUNT" in parts else None,
        until=_parse_until(parts.get("UNTIL")),
    )
    _check_combination(rule)
    return rule


def _split_parts(body: str) -> dict[str, str]:
    """NAME=VALUE pairs by name; unknown, unsupported or repeated names are errors."""
    parts: dict[str, str] = {}
    for chunk in filter(None, (piece.strip() for piece in body.split(";"))):
        name, equals, value = (piece.strip() for piece in chunk.partition("="))
        if not equals or not name:
            raise _invalid("rule", f"{chunk}: not a NAME=VALUE part")
        if name in _UNSUPPORTED_PARTS:
            raise _invalid("rule", f"{name}: not supported")
        if name not in _PARTS:
            raise _invalid("rule", f"{name}: unknown rule part")
        if name in parts:
            raise _invalid("rule", f"{name}: given more than once")
        if not value:
            raise _invalid("rule", f"{name}: has no value")
        parts[name] = value
    if "FREQ" not in parts:
        raise _invalid("rule", "FREQ: missing; a rule starts like FREQ=WEEKLY")
    return parts


def _parse_freq(value: str) -> str:
    """A supported frequency."""
    if value in _FREQUENCIES:
        return value
    problem = "not supported" if value in ("HOURLY", "MINUTELY", "SECONDLY") else "not a frequency"
    raise _invalid("rule", f"FREQ: '{value}' is {problem}; use DAILY, WEEKLY, MONTHLY or YEARLY")


def _number(part: str, text: str, low: int, high: int, meaning: str) -> int:
    """One non-zero whole number within low..high."""
    if re.fullmatch(r"[+-]?\d{1,10}", text) and low <= int(text) <= high and int(text) != 0:
        return int(text)
    raise _invalid("rule", f"{part}: '{text}' is not {meaning}")


def _numbers(part: str, text: str | None, limit: int, meaning: str) -> tuple[int, ...]:
    """A comma list of distinct numbers within ±limit (negative only where limit allows)."""
    if text is None:
        return ()
    low = 1 if part == "BYMONTH" else -limit
    values = {_number(part, item.strip(), low, limit, meaning) for item in text.split(",")}
    return tuple(sorted(values, key=_position_order))


def _position_order(value: int) -> tuple[bool, int]:
    """Sort key: positive positions ascending, then negative ones from the end."""
    return value < 0, abs(value)


def _weekday_index(part: str, text: str) -> int:
    """The index (Monday = 0) of a two-letter weekday."""
    if text in _WEEKDAYS:
        return _WEEKDAYS.index(text)
    raise _invalid("rule", f"{part}: '{text}' is not a weekday")


def _parse_byday(text: str | None, freq: str, has_bymonth: bool) -> tuple[ByDay, ...]:
    """BYDAY items such as MO, 2TU or -1FR, sorted by weekday."""
    if text is None:
        return ()
    days = {_parse_byday_item(item.strip(), freq, has_bymonth) for item in text.split(",")}
    return tuple(sorted(days, key=lambda day: (day[1], (day[0] or 0) < 0, abs(day[0] or 0))))


def _parse_byday_item(item: str, freq: str, has_bymonth: bool) -> ByDay:
    """One BYDAY item; ordinals only for MONTHLY and YEARLY rules."""
    match = _BYDAY_ITEM.fullmatch(item)
    day = _weekday_index("BYDAY", match[2] if match else item)
    if not match or match[1] is None:
        return None, day
    if freq not in ("MONTHLY", "YEARLY"):
        raise _invalid("rule", f"BYDAY: '{item}' has an ordinal, which needs MONTHLY or YEARLY")
    limit = 53 if freq == "YEARLY" and not has_bymonth else 5
    if not 1 <= abs(int(match[1])) <= limit:
        raise _invalid("rule", f"BYDAY: the ordinal in '{item}' is not ±1 to {limit}")
    return int(match[1]), day


def _parse_until(text: str | None) -> str | None:
    """A UNTIL value: a local date YYYYMMDD or a UTC time YYYYMMDDTHHMMSSZ."""
    if text is None:
        return None
    try:
        if re.fullmatch(r"\d{8}(T\d{6}Z)?", text):
            datetime.strptime(text, _UNTIL_DATE if len(text) == 8 else _UNTIL_UTC)
            return text
    except ValueError:
        pass
    raise _invalid("rule", f"UNTIL: '{text}' is not a date YYYYMMDD or a UTC time YYYYMMDDTHHMMSSZ")


def _check_combination(rule: _Rule) -> None:
    """Reject parts that are valid alone but not together."""
    if rule.count is not None and rule.until is not None:
        raise _invalid("rule", "COUNT and UNTIL: give one or the other, not both")
    if rule.bymonthday and rule.freq == "WEEKLY":
        raise _invalid("rule", "BYMONTHDAY: not allowed with FREQ=WEEKLY")
    if rule.bysetpos and not (rule.bymonth or rule.bymonthday or rule.byday):
        raise _invalid("rule", "BYSETPOS: needs BYDAY, BYMONTHDAY or BYMONTH as well")
    if rule.bysetpos and len({n is None for n, _ in rule.byday}) == 2:
        raise _invalid(
            "rule", "BYSETPOS: not supported with a BYDAY list that mixes plain and ordinal days"
        )
    if rule.bymonth and rule.bymonthday and _month_end_day(rule, 1) is None:
        longest = [_LONGEST_MONTHS[month - 1] for month in rule.bymonth]
        if all(abs(day) > most for day in rule.bymonthday for most in longest):
            raise _invalid("rule", "BYMONTHDAY: none of these days exists in the BYMONTH months")


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


def _past_until(rule: _Rule, wall: datetime, moment: datetime) -> bool:
    """Whether an occurrence falls after UNTIL (a UTC time, or a whole local day)."""
    if rule.until is None:
        return False
    if rule.until.endswith("Z"):
        return moment > datetime.strptime(rule.until, _UNTIL_UTC).replace(tzinfo=UTC)
    return wall.date() > datetime.strptime(rule.until, _UNTIL_DATE).date()


def _first_after(rule: _Rule, start: datetime, after: datetime) -> datetime | None:
    """The first wall time of the series from `start` strictly after `after`, within the horizon."""
    month_end = _month_end_day(rule, start.day)
    defaults = _implicit_parts(rule, start)
    start = _jump(rule, start, after)
    room = MAXYEAR - HORIZON_YEARS - max(start, after).year
    shift = max(0, room // _CALENDAR_CYCLE_YEARS) * _CALENDAR_CYCLE_YEARS
    series = _dateutil_rule(replace(rule, **defaults), _move_years(start, shift), month_end)
    for candidate in series.xafter(_move_years(after, shift)):
        if month_end is None or candidate.day == min(month_end, _month_length(candidate)):
            return _move_years(candidate, -shift)
    return None


def _implicit_parts(rule: _Rule, start: datetime) -> dict[str, Any]:
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


def _jump(rule: _Rule, start: datetime, after: datetime) -> datetime:
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


def _month_end_day(rule: _Rule, start_day: int) -> int | None:
    """The day (29-31) that shorter months replace by their last day, if the rule has one."""
    if rule.freq not in ("MONTHLY", "YEARLY") or rule.byday or rule.bysetpos:
        return None
    if rule.freq == "YEARLY" and rule.bymonthday and not rule.bymonth:
        return None
    days = rule.bymonthday or (start_day,)
    return days[0] if len(days) == 1 and days[0] >= 29 else None


def _month_length(moment: datetime) -> int:
    """The number of days in the month of `moment`."""
    return monthrange(moment.year, moment.month)[1]


def _dateutil_rule(rule: _Rule, start: datetime, month_end: int | None) -> rrule | rruleset:
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
        _FREQUENCIES[rule.freq],
        dtstart=start,
        interval=rule.interval,
        wkst=rule.wkst or 0,
        bymonth=bymonth or None,
        bymonthday=bymonthday or None,
        byweekday=[weekday(day, n) for n, day in rule.byday] or None,
        bysetpos=rule.bysetpos or None,
        cache=False,
    )


def _describe(rule: _Rule, anchor: str) -> str:
    """English words for a rule and its anchor."""
    plain = replace(rule, count=None, until=None, wkst=None)
    if plain.freq in ("DAILY", "WEEKLY") and plain == _Rule(plain.freq, byday=_WORKDAYS):
        words = ["every weekday"]
    else:
        unit = _UNITS[rule.freq]
        words = [f"every {unit}" if rule.interval == 1 else f"every {rule.interval} {unit}s"]
        words += _filter_words(rule)
    if anchor == "completion":
        words.append("after completion")
    text = " ".join(words)
    if rule.bysetpos:
        positions = _join([_ordinal(position) for position in rule.bysetpos])
        text += f", only the {positions} of each {_UNITS[rule.freq]}"
    return text + _ending(rule)


def _filter_words(rule: _Rule) -> list[str]:
    """Phrases for BYMONTH, BYMONTHDAY and BYDAY."""
    months, days = rule.bymonth, rule.bymonthday
    if rule.freq == "YEARLY" and len(months) == len(days) == 1 and days[0] > 0 and not rule.byday:
        return [f"on {_MONTH_NAMES[months[0] - 1]} {days[0]}"]
    words = []
    if months:
        words.append("in " + _join([_MONTH_NAMES[month - 1] for month in months]))
    if days:
        words.append("on " + _join([f"the {_ordinal(day)}" + " day" * (day < 0) for day in days]))
    if rule.byday and days:
        words.append("when it is " + _join(_byday_words(rule.byday, "a "), "or"))
    elif rule.byday:
        words.append("on " + _join(_byday_words(rule.byday, "")))
    return words


def _byday_words(byday: tuple[ByDay, ...], article: str) -> list[str]:
    """Words for BYDAY items, e.g. ["Monday", "the last Friday"] or ["weekdays"]."""
    if byday == _WORKDAYS:
        return ["weekdays"]
    if byday == ((None, 5), (None, 6)):
        return ["weekends"]
    return [
        f"{article}{_DAY_NAMES[day]}" if n is None else f"the {_ordinal(n)} {_DAY_NAMES[day]}"
        for n, day in byday
    ]


def _ordinal(number: int) -> str:
    """1st, 2nd, 3rd, 11th ...; last, 2nd to last ... for negative numbers."""
    if number < 0:
        return "last" if number == -1 else f"{_ordinal(-number)} to last"
    suffix = {1: "st", 2: "nd", 3: "rd"}.get(number % 10, "th")
    return f"{number}{'th' if 10 <= number % 100 <= 20 else suffix}"


def _join(items: list[str], conjunction: str = "and") -> str:
    """Join words as in "a", "a and b", "a, b and c"."""
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} {conjunction} {items[-1]}"


def _ending(rule: _Rule) -> str:
    """Words for COUNT or UNTIL."""
    if rule.count is not None:
        return ", once" if rule.count == 1 else f", {rule.count} times"
    if rule.until is None:
        return ""
    if len(rule.until) == 8:
        return f" until {datetime.strptime(rule.until, _UNTIL_DATE):%Y-%m-%d}"
    return f" until {datetime.strptime(rule.until, _UNTIL_UTC):%Y-%m-%d %H:%M} UTC"
