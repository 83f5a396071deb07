"""Reader for date expressions ("friday", "in 3 days", "march 3rd", "3/15", "2031-01-31")."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from dateutil.relativedelta import relativedelta

from .context import Context
from .lexicon import (
    DAY_ORDINAL,
    DAY_ORDINALS,
    DAY_SUFFIX,
    END,
    FULL_WEEKDAYS,
    MONTH,
    MONTHS,
    NUMBER,
    NUMBERS,
    PERIOD,
    START,
    UNIT,
    UNITS,
    WEEKDAY,
    WEEKDAYS,
    core,
    first_letters,
    number,
)
from .phrase import Phrase

_NOT_A_MEASURE = (
    r"(?!\s+(?:cups?|tsp|tbsp|teaspoons?|tablespoons?|oz|ounces?|lbs?|pounds?|kg|grams?"
    r"|inch(?:es)?|miles?|km|lit(?:er|re)s?|ml|of)\b)"
)

_TOMORROW = r"(?:tomm?orr?ow|tmrw?|2morrow|2moro)"
_FROM = r"(?:now|today|tomorrow)"

_FIRST_WORDS = (
    "due", "on", "by", "before", "until", "til", "at", "the", "day", "overmorrow", "today",
    "tonight", "tomorrow", "tmrw", "tommorow", "2morrow", "2moro", "very", "end", "last", "eo",
    "next", "this", "coming", "in", *WEEKDAYS, *MONTHS, *NUMBERS, *DAY_ORDINALS,
)  # fmt: skip

DATE_RE = re.compile(
    rf"""{START}{first_letters(_FIRST_WORDS)}(?P<pre>(?:due\s+)?(?:on|by|before|until|til)\s+|due\s+|at\s+(?=the\s+end))?
    (?:(?P<rel>(?:the\s+)?day\s+after\s+{_TOMORROW}|overmorrow|today|tonight|{_TOMORROW})
      |(?:the\s+)?(?:very\s+)?(?P<edge>end|last\s+day)\s+of\s+
        (?:(?P<emod>the|this|next|the\s+next|the\s+following)\s+)?
        (?:(?P<espan>week|month|quarter|year)|(?P<em>{MONTH}))
      |(?P<eo>eo[wmqy])
      |(?:the\s+)?(?P<nd>\d{{1,2}}{DAY_SUFFIX}?|{DAY_ORDINAL})(?:\s+day)?\s+(?:of\s+)?
        (?P<nmod>next|this|the\s+next|the\s+following|the)\s+month
      |(?P<nmod2>next)\s+month\s+on\s+the\s+(?P<nd2>\d{{1,2}}{DAY_SUFFIX}?|{DAY_ORDINAL})
      |(?P<fn>{NUMBER})\s*(?P<funit>{UNIT})\s+from\s+(?P<from>{_FROM})
      |(?P<mod>this|next|coming|the)\s+(?P<span>weekend|week|month|year)
      |(?:(?P<wmod>this|next|coming)\s+)?(?P<wd>{WEEKDAY})
      |in\s+(?:(?P<n>{NUMBER})\s*(?P<unit>{UNIT})|(?P<half>half\s+an?\s+hour))
      |(?P<m1>{MONTH})\.?\s+(?P<d1>\d{{1,2}}){DAY_SUFFIX}?(?:,?\s+(?P<y1>\d{{4}}))?
      |(?P<d2>\d{{1,2}}){DAY_SUFFIX}?\s+(?:of\s+)?(?P<m2>{MONTH})\.?(?:,?\s+(?P<y2>\d{{4}}))?
      |the\s+(?P<d3>\d{{1,2}}){DAY_SUFFIX}
      |(?P<um>\d{{1,2}})/(?P<ud>\d{{1,2}})(?:/(?P<uy>\d{{4}}|\d{{2}}))?{_NOT_A_MEASURE}
      |(?P<iy>\d{{4}})-(?P<im>\d{{1,2}})-(?P<id>\d{{1,2}}))
    (?:\s+(?P<dp>{PERIOD}))?{END}""",
    re.IGNORECASE | re.VERBOSE,
)


@dataclass(frozen=True)
class DatePart:
    """A calendar day (or an exact instant, for "in 2 hours") read from the phrase."""

    day: date | None = None
    moment: datetime | None = None
    period: str | None = None


Reading = DatePart | str | None


def take_date(phrase: Phrase, context: Context) -> DatePart | None:
    """Read and take the first date expression; later ones stay in the title with a note."""
    found: DatePart | None = None
    for match in DATE_RE.finditer(phrase.work):
        reading = read_date(match, context)
        if isinstance(reading, str):
            phrase.note(reading)
        elif reading and found:
            phrase.note(f"Several dates given; '{core(match)}' was left in the title.")
            break
        elif reading:
            found = reading
            remark(match, reading, phrase, context)
            phrase.take(*match.span(), "date")
    return found


def read_date(match: re.Match[str], context: Context) -> Reading:
    """Turn a date match into a part, a note explaining why it is invalid, or None."""
    for group, reader in _DATE_READERS:
        if match[group] is not None:
            reading = reader(match, context)
            if isinstance(reading, DatePart) and match["dp"]:
                return DatePart(reading.day, reading.moment, match["dp"].lower())
            return reading
    return None


def remark(match: re.Match[str], part: DatePart, phrase: Phrase, context: Context) -> None:
    """Note readings of a date match that a user may not expect."""
    if match["wd"]:
        _remark_weekday(match, part, phrase, context)
    elif part.day and "w" in ((match["eo"] or "") + (match["espan"] or "")).lower():
        friday = part.day - timedelta(days=2)
        if friday >= context.today:
            phrase.note(
                f"Read '{core(match)}' as Sunday {part.day}; the working week ends Friday {friday}."
            )


def _remark_weekday(match: re.Match[str], part: DatePart, phrase: Phrase, context: Context) -> None:
    """Note the readings of a bare weekday and of "next <weekday>" that a user may not expect."""
    modifier = (match["wmod"] or "").lower()
    text = match.string[match.start("wmod" if modifier else "wd") : match.end("wd")]
    if not (modifier or match["pre"]):
        phrase.note(f"Read '{text}' as the date {part.day}; quote it to keep it as text.")
    if modifier != "next" or part.day is None:
        return
    coming = part.day - timedelta(days=7)
    if coming > context.today:
        phrase.note(f"Read '{text}' as {part.day} in next week, not the coming {coming}.")
    else:
        later = part.day + timedelta(days=7)
        phrase.note(f"Read '{text}' as the coming {part.day}; the one after is {later}.")


def _relative(match: re.Match[str], context: Context) -> Reading:
    """Read today, tonight, tomorrow (and its misspellings), the day after tomorrow."""
    word = match["rel"].lower()
    if word == "tonight":
        return DatePart(context.today, period="tonight")
    if word == "today":
        return DatePart(context.today)
    after = "after" in word or word == "overmorrow"
    return DatePart(context.today + timedelta(days=2 if after else 1))


_SPAN_FIRST_MONTHS = {"week": 0, "month": 1, "quarter": 3, "year": 12}


def _period_end(match: re.Match[str], context: Context) -> Reading:
    """Read end of the week/month/quarter/year (or of a month), last day of …, eom."""
    if match["eo"]:
        span = {"w": "week", "m": "month", "q": "quarter", "y": "year"}[match["eo"][-1].lower()]
        later = False
    elif match["em"]:
        month = MONTHS[match["em"].lower()]
        year = context.today.year + (month < context.today.month)
        return DatePart(date(year, month, 1) + relativedelta(months=1, days=-1))
    else:
        span, later = match["espan"].lower(), "next" in (match["emod"] or "").lower()
        later = later or "following" in (match["emod"] or "").lower()
    return DatePart(last_day_of(span, context.today, later=later))


def last_day_of(span: str, today: date, *, later: bool) -> date:
    """Return the last day of the week (Sunday), month, quarter or year holding ``today``."""
    if span == "week":
        return today + timedelta(days=6 - today.weekday() + (7 if later else 0))
    months = {"month": 1, "quarter": 3, "year": 12}[span]
    first = date(today.year, 1, 1) if span == "year" else today.replace(day=1)
    if span == "quarter":
        first = first.replace(month=(today.month - 1) // 3 * 3 + 1)
    return first + relativedelta(months=months * (2 if later else 1), days=-1)


def _month_day_of(match: re.Match[str], context: Context) -> Reading:
    """Read the 15th of next month, the first of the month, next month on the 3rd."""
    word = (match["nd"] or match["nd2"]).lower()
    word = " ".join(word.replace("-", " ").split())
    if word.startswith(("twenty", "thirty")) and " " not in word and word not in DAY_ORDINALS:
        word = word[:6] + " " + word[6:]
    day = DAY_ORDINALS[word] if word in DAY_ORDINALS else int(word.rstrip("stndrh"))
    modifier = (match["nmod"] or match["nmod2"]).lower()
    first = context.today.replace(day=1)
    if modifier != "this" and modifier != "the":
        first += relativedelta(months=1)
    last = (first + relativedelta(months=1, days=-1)).day
    if day == -1:
        day = last
    if not 1 <= day <= last:
        return f"'{core(match)}' is not a valid day of that month; no due date set."
    found = first.replace(day=day)
    if modifier == "the" and found < context.today:
        found = _day_of_next_month(found)
    return DatePart(found)


def _day_of_next_month(day: date) -> date:
    """Return the same day in the next month that has it."""
    for months in range(1, 13):
        candidate = day.replace(day=1) + relativedelta(months=months)
        if _exists(candidate.year, candidate.month, day.day):
            return candidate.replace(day=day.day)
    return day


def _from_now(match: re.Match[str], context: Context) -> Reading:
    """Read 3 days from now, a week from today, two weeks from tomorrow."""
    unit, amount = UNITS[match["funit"].lower()], number(match["fn"])
    if unit == "fortnight":
        unit, amount = "week", amount * 2
    base = match["from"].lower()
    try:
        if unit in ("minute", "hour"):
            if base != "now":
                return None
            return DatePart(moment=_elapsed(context, timedelta(**{unit + "s": amount})))
        start = context.today + timedelta(days=1 if base == "tomorrow" else 0)
        return DatePart(start + relativedelta(**{unit + "s": amount}))
    except (OverflowError, ValueError):
        return f"'{core(match)}' is too far away; no due date set."


def _span(match: re.Match[str], context: Context) -> Reading:
    """Read this/next weekend (a Saturday), next week (Monday), next month, next year (1st)."""
    modifier, span, today = match["mod"].lower(), match["span"].lower(), context.today
    if span == "weekend":
        return DatePart(_weekend(today, later=modifier == "next"))
    if modifier not in ("next", "coming"):
        return None
    if span == "week":
        return DatePart(today + timedelta(days=7 - today.weekday()))
    if span == "month":
        return DatePart(today.replace(day=1) + relativedelta(months=1))
    return DatePart(date(today.year + 1, 1, 1))


def _weekend(today: date, *, later: bool) -> date:
    """This weekend: its Saturday, or today when it is one; next weekend: the Saturday after."""
    if today.weekday() >= 5:
        return today + timedelta(days=(5 - today.weekday()) % 7 or 7) if later else today
    saturday = today + timedelta(days=5 - today.weekday())
    return saturday + timedelta(days=7 if later else 0)


def _weekday(match: re.Match[str], context: Context) -> Reading:
    """Read friday (the coming one), this friday, next friday (Friday of next week)."""
    name, modifier = match["wd"].lower(), (match["wmod"] or "").lower()
    if name not in FULL_WEEKDAYS and not (modifier or match["pre"] or _beside_time(match)):
        return None
    today, target = context.today, WEEKDAYS[name]
    ahead = (target - today.weekday()) % 7 or (0 if modifier == "this" else 7)
    if modifier == "next":
        ahead = 7 - today.weekday() + target
    return DatePart(today + timedelta(days=ahead))


_TIME_AFTER = re.compile(
    r"\s*,?\s*(?:at\s+|@\s*)?(?:\d{1,2}(?:[:.]\d{2})?\s*[ap]\.?m(?!\w)|\d{1,2}:\d{2}"
    r"|noon|midnight|(?:morning|afternoon|evening|night)\b)",
    re.IGNORECASE,
)
_TIME_BEFORE = re.compile(r"(?:\d\s*[ap]\.?m\.?|\d:\d{2}|noon)\s*,?\s*(?:on\s+)?$", re.I)


def _beside_time(match: re.Match[str]) -> bool:
    """Tell whether a short weekday name ("sat", "sun") stands next to a time of day."""
    text = match.string
    return bool(_TIME_AFTER.match(text, match.end()) or _TIME_BEFORE.search(text, 0, match.start()))


def _offset(match: re.Match[str], context: Context) -> Reading:
    """Read in 3 days, in 2 hours, in 30 minutes, in 2 weeks, in a month."""
    if match["half"]:
        return DatePart(moment=_elapsed(context, timedelta(minutes=30)))
    unit, amount = UNITS[match["unit"].lower()], number(match["n"])
    if unit == "fortnight":
        unit, amount = "week", amount * 2
    if len(match["unit"]) == 1 and match.end("n") != match.start("unit"):
        return None
    try:
        if unit in ("minute", "hour"):
            return DatePart(moment=_elapsed(context, timedelta(**{unit + "s": amount})))
        return DatePart(context.today + relativedelta(**{unit + "s": amount}))
    except (OverflowError, ValueError):
        return f"'{core(match)}' is too far away; no due date set."


def _elapsed(context: Context, delta: timedelta) -> datetime:
    """Return the moment ``delta`` of real time after now (so "in 2 hours" spans a DST jump)."""
    return (context.minute.astimezone(UTC) + delta).astimezone(context.zone)


def _month_name(match: re.Match[str], context: Context) -> Reading:
    """Read march 3, march 3rd 2032, 3 march, 15th of march."""
    month = MONTHS[(match["m1"] or match["m2"]).lower()]
    day, year = int(match["d1"] or match["d2"]), match["y1"] or match["y2"]
    return _calendar_day(int(year) if year else None, month, day, core(match), context)


def _day_of_month(match: re.Match[str], context: Context) -> Reading:
    """Read "on the 15th": this month, or the next month that has that day."""
    if not match["pre"]:
        return None
    day, start = int(match["d3"]), context.today.replace(day=1)
    for months in range(13):
        first = start + relativedelta(months=months)
        if _exists(first.year, first.month, day) and (months or day >= context.today.day):
            return DatePart(date(first.year, first.month, day))
    return f"'{core(match)}' is not a valid day of the month; no due date set."


def _us_date(match: re.Match[str], context: Context) -> Reading:
    """Read 3/15 and 3/15/2032 (US month/day order)."""
    year = int(match["uy"]) + (2000 if len(match["uy"]) == 2 else 0) if match["uy"] else None
    text = core(match) + " (month/day)"
    return _calendar_day(year, int(match["um"]), int(match["ud"]), text, context)


def _iso_date(match: re.Match[str], context: Context) -> Reading:
    """Read 2031-01-31."""
    year, month, day = int(match["iy"]), int(match["im"]), int(match["id"])
    return _calendar_day(year, month, day, core(match), context)


def _calendar_day(year: int | None, month: int, day: int, text: str, context: Context) -> Reading:
    """Build a date; without a year, the first one not in the past (so Feb 29 finds a leap year)."""
    if year is not None:
        if _exists(year, month, day):
            return DatePart(date(year, month, day))
        return f"'{text}' is not a valid date; no due date set."
    for candidate in range(context.today.year, context.today.year + 9):
        if _exists(candidate, month, day) and date(candidate, month, day) >= context.today:
            return DatePart(date(candidate, month, day))
    return f"'{text}' is not a valid date; no due date set."


def _exists(year: int, month: int, day: int) -> bool:
    """Tell whether the calendar has this day."""
    try:
        date(year, month, day)
    except ValueError:
        return False
    return True


_DATE_READERS: tuple[tuple[str, Callable[[re.Match[str], Context], Reading]], ...] = (
    ("rel", _relative),
    ("edge", _period_end),
    ("eo", _period_end),
    ("nd", _month_day_of),
    ("nd2", _month_day_of),
    ("fn", _from_now),
    ("span", _span),
    ("wd", _weekday),
    ("unit", _offset),
    ("half", _offset),
    ("m1", _month_name),
    ("m2", _month_name),
    ("d3", _day_of_month),
    ("um", _us_date),
    ("iy", _iso_date),
)
