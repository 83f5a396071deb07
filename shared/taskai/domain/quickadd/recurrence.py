"""Reader for repeat expressions ("every monday and thursday", "every! 3 days") as RRULEs."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import datetime

from dateutil.rrule import DAILY, MONTHLY, WEEKLY, YEARLY, rrule, weekdays

from .lexicon import (
    DAY_SUFFIX,
    END,
    MONTH,
    MONTHS,
    NUMBERS,
    ORDINAL,
    PERIOD,
    START,
    WEEKDAY,
    WEEKDAY_CODES,
    WEEKDAYS,
    alternation,
    ordinal,
)
from .phrase import Phrase

INTERVALS = {
    **{word: value for word, value in NUMBERS.items() if value > 1},
    "other": 2, "second": 2, "third": 3, "fourth": 4, "fifth": 5,
}  # fmt: skip
_FREQUENCIES = {"DAILY": DAILY, "WEEKLY": WEEKLY, "MONTHLY": MONTHLY, "YEARLY": YEARLY}
_UNIT_FREQUENCIES = {"day": "DAILY", "week": "WEEKLY", "month": "MONTHLY", "year": "YEARLY"}
_ADVERBS = {
    "daily": ("DAILY", 1), "weekly": ("WEEKLY", 1), "biweekly": ("WEEKLY", 2),
    "bi-weekly": ("WEEKLY", 2), "fortnightly": ("WEEKLY", 2), "monthly": ("MONTHLY", 1),
    "quarterly": ("MONTHLY", 3), "yearly": ("YEARLY", 1), "annually": ("YEARLY", 1),
}  # fmt: skip
_WORKDAYS = ((0, None), (1, None), (2, None), (3, None), (4, None))
_WEEKEND = ((5, None), (6, None))
_DAY_LIST = rf"{WEEKDAY}s?(?:(?:\s*,\s*|\s+)(?:and\s+|&\s+)?{WEEKDAY}s?)*"
_OF_MONTH = r"(?:\s+of\s+(?:the|each|every)\s+month)?"

RECURRENCE_RE = re.compile(
    rf"""{START}
    (?:every(?P<bang>!)?\s+
       (?:(?P<wk>weekday|workday|weekend)s?
         |(?P<ord>{ORDINAL})\s+(?P<owd>{WEEKDAY}){_OF_MONTH}
         |(?:(?P<n>\d{{1,3}}{DAY_SUFFIX}?|{alternation(INTERVALS)})\s+)?(?P<unit>day|week|month|year)s?
            (?:\s+on\s+(?:the\s+)?(?P<md>\d{{1,2}}){DAY_SUFFIX}?
              |\s+on\s+the\s+(?P<lastday>last\s+day)
              |\s+on\s+(?P<ondays>{_DAY_LIST}))?
         |(?P<nth>\d{{1,2}}){DAY_SUFFIX}{_OF_MONTH}
         |(?:(?P<other>other)\s+)?(?P<days>{_DAY_LIST})
         |(?P<ym>{MONTH})\.?\s+(?P<yd>\d{{1,2}}){DAY_SUFFIX}?
         |(?P<pday>{PERIOD}))
       (?:\s+(?P<rp>{PERIOD}))?
     |(?P<adv>{alternation(_ADVERBS)}))
    {END}""",
    re.IGNORECASE | re.VERBOSE,
)
EXCEPT_RE = re.compile(
    rf"""\s*,?\s*(?:except|but\s+not|but|excluding|excl\.|other\s+than|apart\s+from|not\s+on)
    \s+(?:on\s+|for\s+)?(?:the\s+)?
    (?:(?P<xwk>weekends?|weekdays|workdays|week\s*days)|(?P<xdays>{_DAY_LIST})){END}""",
    re.IGNORECASE | re.VERBOSE,
)
_WEEKDAY_WORD = re.compile(rf"\b({WEEKDAY})s?\b", re.IGNORECASE)

Days = tuple[tuple[int, int | None], ...]


@dataclass(frozen=True)
class Rule:
    """A repeat rule; ``days`` holds (weekday, nth-in-month or None) pairs."""

    freq: str
    interval: int = 1
    days: Days = ()
    month_day: int | None = None
    month: int | None = None
    period: str | None = None
    anchor: str = "due"

    def body(self) -> str:
        """Return the RFC 5545 RRULE body, e.g. ``FREQ=WEEKLY;INTERVAL=2``."""
        parts = [f"FREQ={self.freq}"]
        if self.interval > 1:
            parts.append(f"INTERVAL={self.interval}")
        if self.month:
            parts.append(f"BYMONTH={self.month}")
        if self.month_day:
            parts.append(f"BYMONTHDAY={self.month_day}")
        if self.days:
            codes = (f"{nth or ''}{WEEKDAY_CODES[day]}" for day, nth in self.days)
            parts.append("BYDAY=" + ",".join(codes))
        return ";".join(parts)

    def first_from(self, start: datetime) -> datetime:
        """Return the first matching wall time at or after ``start``, where the series begins."""
        # The interval is left out on purpose: counted from ``start``, "every other monday"
        # would skip the coming Monday whenever ``start`` falls in the week before it.
        if not (self.days or self.month_day or self.month):
            return start
        days = [weekdays[day](nth) if nth else weekdays[day] for day, nth in self.days]
        rule = rrule(
            _FREQUENCIES[self.freq],
            dtstart=start,
            byweekday=days or None,
            bymonthday=self.month_day,
            bymonth=self.month,
        )
        first: datetime = rule[0]
        return first


def take_recurrence(phrase: Phrase) -> Rule | None:
    """Read and take the first repeat expression."""
    for match in RECURRENCE_RE.finditer(phrase.work):
        rule = read_recurrence(match)
        if rule:
            end = match.end()
            exclusion = EXCEPT_RE.match(phrase.work, end)
            if exclusion:
                rule, end = _exclude(rule, exclusion, phrase)
            phrase.take(match.start(), end, "recurrence")
            return rule
    return None


def _exclude(rule: Rule, exclusion: re.Match[str], phrase: Phrase) -> tuple[Rule, int]:
    """Apply "except weekends" / "but friday" to a daily or weekly rule, as a BYDAY list."""
    if rule.freq == "DAILY" and not rule.days and rule.interval == 1:
        base = {day for day in range(7)}
    elif rule.freq == "WEEKLY" and rule.days and all(nth is None for _, nth in rule.days):
        base = {day for day, _ in rule.days}
    else:
        phrase.note(f"'{exclusion[0].strip()}' only applies to daily or weekly repeats; ignored.")
        return rule, exclusion.start()
    if exclusion["xwk"]:
        excluded = {5, 6} if exclusion["xwk"].lower().startswith("weekend") else set(range(5))
    else:
        excluded = {day for day, _ in _day_list(exclusion["xdays"])}
    kept = base - excluded
    if not kept or kept == base:
        phrase.note(f"'{exclusion[0].strip()}' leaves no day to repeat on; ignored.")
        return rule, exclusion.start()
    days = tuple((day, None) for day in sorted(kept))
    return replace(rule, freq="WEEKLY", days=days), exclusion.end()


def read_recurrence(match: re.Match[str]) -> Rule | None:
    """Turn a repeat match into a rule, or None when its parts do not fit together."""
    rule = _shape(match)
    if rule is None:
        return None
    period = (match["pday"] or match["rp"] or "").lower() or None
    return replace(rule, period=period, anchor="completion" if match["bang"] else "due")


def _shape(match: re.Match[str]) -> Rule | None:
    """Return the frequency, interval and BY-parts of a repeat match."""
    if match["adv"]:
        return Rule(*_ADVERBS[match["adv"].lower()])
    if match["wk"]:
        return Rule("WEEKLY", days=_WEEKEND if match["wk"].lower() == "weekend" else _WORKDAYS)
    if match["ord"]:
        return Rule("MONTHLY", days=((WEEKDAYS[match["owd"].lower()], ordinal(match["ord"])),))
    if match["unit"]:
        return _every_unit(match)
    if match["nth"]:
        return _monthly_on(int(match["nth"]))
    if match["days"]:
        return Rule("WEEKLY", 2 if match["other"] else 1, _day_list(match["days"]))
    if match["ym"]:
        return _yearly_on(MONTHS[match["ym"].lower()], int(match["yd"]))
    return Rule("DAILY")


def _every_unit(match: re.Match[str]) -> Rule | None:
    """Read every [N|other] day/week/month/year [on the 15th | on the last day | on monday]."""
    word = (match["n"] or "1").lower()
    interval = int(word.rstrip("stndrh")) if word[0].isdigit() else INTERVALS[word]
    freq = _UNIT_FREQUENCIES[match["unit"].lower()]
    if interval < 1:
        return None
    if match["md"] or match["lastday"]:
        day = int(match["md"]) if match["md"] else -1
        return Rule("MONTHLY", interval, month_day=day) if freq == "MONTHLY" and day <= 31 else None
    if match["ondays"]:
        return Rule("WEEKLY", interval, _day_list(match["ondays"])) if freq == "WEEKLY" else None
    return Rule(freq, interval)


def _monthly_on(day: int) -> Rule | None:
    """Read every 15th (of the month)."""
    return Rule("MONTHLY", month_day=day) if 1 <= day <= 31 else None


def _yearly_on(month: int, day: int) -> Rule | None:
    """Read every march 3; Feb 29 is allowed and repeats in leap years."""
    longest = (31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)[month - 1]
    return Rule("YEARLY", month=month, month_day=day) if 1 <= day <= longest else None


def _day_list(text: str) -> Days:
    """Return the distinct weekdays named in ``text``, Monday first."""
    found = {WEEKDAYS[word.lower()] for word in _WEEKDAY_WORD.findall(text)}
    return tuple((day, None) for day in sorted(found))
