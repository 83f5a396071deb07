"""A rule in English words: what it repeats on, and why its series ended."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from .occurrences import HORIZON_YEARS, LAST_YEAR
from .rule import UNTIL_DATE, UNTIL_UTC, ByDay, Rule

_DAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_MONTH_NAMES = ("January", "February", "March", "April", "May", "June", "July", "August",
                "September", "October", "November", "December")  # fmt: skip
_UNITS = {"DAILY": "day", "WEEKLY": "week", "MONTHLY": "month", "YEARLY": "year"}
_WORKDAYS: tuple[ByDay, ...] = tuple((None, day) for day in range(5))


def describe(rule: Rule, anchor: str) -> str:
    """English words for a rule and its anchor, e.g. "every 2 weeks on Monday and Wednesday"."""
    plain = replace(rule, count=None, until=None, wkst=None)
    if plain.freq in ("DAILY", "WEEKLY") and plain == Rule(plain.freq, byday=_WORKDAYS):
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


def end_reason(rule: Rule, occurrence: int) -> str:
    """Why next_due gave None after occurrence number `occurrence`, in words."""
    if rule.count is not None and occurrence >= rule.count:
        return f"all {rule.count} occurrences are done (COUNT={rule.count})"
    if rule.until is not None:
        return f"the series ended at its UNTIL ({rule.until})"
    return (
        f"the rule gives no later date within {HORIZON_YEARS} years and before the year "
        f"{LAST_YEAR + 1}"
    )


def _filter_words(rule: Rule) -> list[str]:
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


def _ending(rule: Rule) -> str:
    """Words for COUNT or UNTIL."""
    if rule.count is not None:
        return ", once" if rule.count == 1 else f", {rule.count} times"
    if rule.until is None:
        return ""
    if len(rule.until) == 8:
        return f" until {datetime.strptime(rule.until, UNTIL_DATE):%Y-%m-%d}"
    return f" until {datetime.strptime(rule.until, UNTIL_UTC):%Y-%m-%d %H:%M} UTC"
