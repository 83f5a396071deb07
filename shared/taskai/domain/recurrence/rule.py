"""The supported subset of RFC 5545 RRULE: text in, a validated `Rule` out (InvalidInput if not)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache

from dateutil.rrule import DAILY, MONTHLY, WEEKLY, YEARLY

from taskai.domain.vocabulary import Anchor, Preset
from taskai.errors import InvalidInput

ANCHORS = tuple(Anchor)
PRESETS = {
    Preset.DAILY: "FREQ=DAILY",
    Preset.WEEKDAYS: "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR",
    Preset.WEEKLY: "FREQ=WEEKLY",
    Preset.MONTHLY: "FREQ=MONTHLY",
    Preset.YEARLY: "FREQ=YEARLY",
}
MAX_INTERVAL = 1000
MAX_RULE_LENGTH = 500
FREQUENCIES = {"DAILY": DAILY, "WEEKLY": WEEKLY, "MONTHLY": MONTHLY, "YEARLY": YEARLY}
WEEKDAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
UNTIL_DATE, UNTIL_UTC = "%Y%m%d", "%Y%m%dT%H%M%SZ"
WHOLE_1_TO_1000 = "a whole number from 1 to 1000"

_PARTS = ("FREQ", "INTERVAL", "BYMONTH", "BYMONTHDAY", "BYDAY", "BYSETPOS",
          "WKST", "COUNT", "UNTIL")  # fmt: skip
_UNSUPPORTED_PARTS = ("BYSECOND", "BYMINUTE", "BYHOUR", "BYWEEKNO", "BYYEARDAY")
_LONGEST_MONTHS = (31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)
_BYDAY_ITEM = re.compile(r"([+-]?\d{1,2})?([A-Z]{2})")
_AT_LEAST_1 = "a whole number, 1 or more"

ByDay = tuple[int | None, int]  # (ordinal or None, weekday with Monday = 0)


def invalid(field: str, message: str) -> InvalidInput:
    """An InvalidInput about one recurrence field, keyed `recurrence.<field>`."""
    fields = {f"recurrence.{field}": message}
    return InvalidInput(f"Invalid recurrence {field}: {message}", fields=fields)


@dataclass(frozen=True)
class Rule:
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
            "BYDAY": ",".join(f"{n or ''}{WEEKDAYS[day]}" for n, day in self.byday),
            "BYSETPOS": ",".join(map(str, self.bysetpos)),
            "WKST": "" if self.wkst is None else WEEKDAYS[self.wkst],
            "COUNT": "" if self.count is None else str(self.count),
            "UNTIL": self.until or "",
        }
        return ";".join(f"{name}={value}" for name, value in values.items() if value)

    def month_end_day(self, start_day: int) -> int | None:
        """The day (29-31) that shorter months replace by their last day, if the rule has one."""
        if self.freq not in ("MONTHLY", "YEARLY") or self.byday or self.bysetpos:
            return None
        if self.freq == "YEARLY" and self.bymonthday and not self.bymonth:
            return None
        days = self.bymonthday or (start_day,)
        return days[0] if len(days) == 1 and days[0] >= 29 else None


def rule_body(rule: object) -> str:
    """The uppercase RRULE body without an "RRULE:" prefix; InvalidInput if not text or too long."""
    if not isinstance(rule, str):
        raise invalid("rule", "RRULE: must be text such as FREQ=WEEKLY;BYDAY=MO")
    if len(rule) > MAX_RULE_LENGTH:
        raise invalid("rule", f"RRULE: longer than {MAX_RULE_LENGTH} characters")
    return rule.strip().upper().removeprefix("RRULE:")


def parse_anchor(anchor: object) -> str:
    """A valid anchor (one of ANCHORS), lowercased; InvalidInput otherwise."""
    if isinstance(anchor, str) and anchor.strip().lower() in ANCHORS:
        return anchor.strip().lower()
    raise invalid("anchor", f"'{anchor}' is not an anchor; use 'due' or 'completion'")


@lru_cache(maxsize=512)
def parse_rule(body: str) -> Rule:
    """Validate an uppercase RRULE body into a Rule; InvalidInput on recurrence.rule if invalid."""
    parts = _split_parts(body)
    freq = _parse_freq(parts["FREQ"])
    rule = Rule(
        freq=freq,
        interval=_number("INTERVAL", parts.get("INTERVAL", "1"), 1, MAX_INTERVAL, WHOLE_1_TO_1000),
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
            raise invalid("rule", f"{chunk}: not a NAME=VALUE part")
        if name in _UNSUPPORTED_PARTS:
            raise invalid("rule", f"{name}: not supported")
        if name not in _PARTS:
            raise invalid("rule", f"{name}: unknown rule part")
        if name in parts:
            raise invalid("rule", f"{name}: given more than once")
        if not value:
            raise invalid("rule", f"{name}: has no value")
        parts[name] = value
    if "FREQ" not in parts:
        raise invalid("rule", "FREQ: missing; a rule starts like FREQ=WEEKLY")
    return parts


def _parse_freq(value: str) -> str:
    """A supported frequency."""
    if value in FREQUENCIES:
        return value
    problem = "not supported" if value in ("HOURLY", "MINUTELY", "SECONDLY") else "not a frequency"
    raise invalid("rule", f"FREQ: '{value}' is {problem}; use DAILY, WEEKLY, MONTHLY or YEARLY")


def _number(part: str, text: str, low: int, high: int, meaning: str) -> int:
    """One non-zero whole number within low..high."""
    if re.fullmatch(r"[+-]?\d{1,10}", text) and low <= int(text) <= high and int(text) != 0:
        return int(text)
    raise invalid("rule", f"{part}: '{text}' is not {meaning}")


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
    if text in WEEKDAYS:
        return WEEKDAYS.index(text)
    raise invalid("rule", f"{part}: '{text}' is not a weekday")


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
        raise invalid("rule", f"BYDAY: '{item}' has an ordinal, which needs MONTHLY or YEARLY")
    limit = 53 if freq == "YEARLY" and not has_bymonth else 5
    if not 1 <= abs(int(match[1])) <= limit:
        raise invalid("rule", f"BYDAY: the ordinal in '{item}' is not ±1 to {limit}")
    return int(match[1]), day


def _parse_until(text: str | None) -> str | None:
    """A UNTIL value: a local date YYYYMMDD or a UTC time YYYYMMDDTHHMMSSZ."""
    if text is None:
        return None
    try:
        if re.fullmatch(r"\d{8}(T\d{6}Z)?", text):
            datetime.strptime(text, UNTIL_DATE if len(text) == 8 else UNTIL_UTC)
            return text
    except ValueError:
        pass
    raise invalid("rule", f"UNTIL: '{text}' is not a date YYYYMMDD or a UTC time YYYYMMDDTHHMMSSZ")


def _check_combination(rule: Rule) -> None:
    """Reject parts that are valid alone but not together."""
    if rule.count is not None and rule.until is not None:
        raise invalid("rule", "COUNT and UNTIL: give one or the other, not both")
    if rule.bymonthday and rule.freq == "WEEKLY":
        raise invalid("rule", "BYMONTHDAY: not allowed with FREQ=WEEKLY")
    if rule.bysetpos and not (rule.bymonth or rule.bymonthday or rule.byday):
        raise invalid("rule", "BYSETPOS: needs BYDAY, BYMONTHDAY or BYMONTH as well")
    if rule.bysetpos and len({n is None for n, _ in rule.byday}) == 2:
        raise invalid(
            "rule", "BYSETPOS: not supported with a BYDAY list that mixes plain and ordinal days"
        )
    if rule.bymonth and rule.bymonthday and rule.month_end_day(1) is None:
        longest = [_LONGEST_MONTHS[month - 1] for month in rule.bymonth]
        if all(abs(day) > most for day in rule.bymonthday for most in longest):
            raise invalid("rule", "BYMONTHDAY: none of these days exists in the BYMONTH months")
