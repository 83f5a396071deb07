"""Reader for time-of-day expressions ("at 9:30", "5pm", "noon", "eod", "this evening")."""

from __future__ import annotations

import re
from dataclasses import dataclass

from .lexicon import END, HOUR_WORDS, NUMBERS, PERIOD, START, core, first_letters
from .phrase import Phrase

_HOUR = rf"(?:\d{{1,2}}|{HOUR_WORDS})"
_MINUTES = r"(?:half|(?:a\s+)?quarter|\d{1,2}|five|ten|twenty(?:[\s\-]five)?)"

_FIRST_WORDS = (
    "due", "at", "by", "before", "around", "until", "til", "noon", "midday", "midnight", "eod",
    "eob", "cob", "end", "close", "half", "a", "quarter", "five", "ten", "twenty", "this", "in",
    *NUMBERS,
)  # fmt: skip

TIME_RE = re.compile(
    rf"""{START}{first_letters(_FIRST_WORDS)}
    (?P<pre>(?:due\s+)?(?:at|by|before|around|until|til)\s+|@\s*|due\s+)?
    (?:(?P<word>(?:12(?::00)?\s*)?(?:noon|midday|midnight)|eod|eob|cob
         |end\s+of\s+(?:the\s+)?(?:business\s+|work(?:ing)?\s+)?day|close\s+of\s+business)
      |(?P<frac>{_MINUTES})(?:\s+min(?:ute)?s?)?\s+(?P<dir>past|after|to|till|til)\s+
        (?P<fh>{_HOUR}|noon|midnight)(?:\s*(?P<fmer>[ap])\.?m\.?)?(?!\w)
      |(?P<ph>{_HOUR})(?:[:.](?P<pm>\d{{2}}))?(?:\s*o'?clock)?\s+
        (?:in\s+the\s+(?P<pper>morning|afternoon|evening)|at\s+(?P<pnight>night))
      |(?P<h>\d{{1,2}}|{HOUR_WORDS})(?:[:.](?P<m>\d{{2}}))?\s*(?P<mer>[ap])\.?m\.?(?!\w)
      |(?P<hh>\d{{1,2}}):(?P<mm>\d{{2}})(?![\w:])
      |(?P<hh2>\d{{1,2}})h(?P<mm2>\d{{2}})?(?![\w:])
      |(?P<pmod>this|in\s+the|at)\s+(?P<period>{PERIOD})
      |(?P<hw>{HOUR_WORDS})\s*o'?clock
      |(?P<hb>\d{{1,2}})(?:\s*o'?clock)?(?![\w:/.]))
    {END}""",
    re.IGNORECASE | re.VERBOSE,
)

_NAMED_TIMES = {"noon": (12, 0), "midday": (12, 0), "midnight": (23, 59)}
_FRACTIONS = {"half": 30, "quarter": 15, "a quarter": 15, "five": 5, "ten": 10, "twenty": 20}
_END_OF_DAY = (17, 0)
PERIOD_TIMES = {
    "morning": (9, 0), "afternoon": (15, 0), "evening": (19, 0), "night": (20, 0),
    "tonight": (20, 0),
}  # fmt: skip


@dataclass(frozen=True)
class TimePart:
    """A clock time; ``flexible`` hours (1-11, no am/pm) may still move to the afternoon."""

    hour: int
    minute: int
    text: str
    flexible: bool = False
    period: str | None = None
    keeps_today: bool = False


def take_time(phrase: Phrase) -> TimePart | None:
    """Read and take the first time-of-day expression."""
    for match in TIME_RE.finditer(phrase.work):
        part = read_time(match)
        if part:
            phrase.take(*match.span(), "time")
            return part
    return None


def read_time(match: re.Match[str]) -> TimePart | None:
    """Turn a time match into a part, or None when it is not a valid time."""
    text = core(match)
    if match["word"]:
        word = match["word"].lower().lstrip("0123456789: ")
        hour, minute = _NAMED_TIMES.get(word, _END_OF_DAY)
        return TimePart(hour, minute, text)
    if match["dir"]:
        return _words_time(match, text)
    if match["ph"]:
        return _part_of_day_time(match, text)
    if match["mer"]:
        return _meridiem_time(_hour(match["h"]), match["m"], match["mer"].lower(), text)
    if match["hh"]:
        return _clock_time(match["hh"], match["mm"], text)
    if match["hh2"]:
        if not (match["mm2"] or match["pre"]):
            return None
        return _clock_time(match["hh2"], match["mm2"] or "00", text, flexible=False)
    if match["hw"]:
        return _clock_time(_hour(match["hw"]), "00", text)
    if match["period"]:
        period = match["period"].lower()
        return TimePart(*PERIOD_TIMES[period], text, False, period, match["pmod"].lower() == "this")
    if (match["pre"] or "due").split()[-1].lower() == "due":
        return None
    return _clock_time(match["hb"], "00", text)


def _hour(word: str) -> str:
    """Return an hour as digits ("five" → "5")."""
    return word if word.isdigit() else str(NUMBERS[word.lower()])


def _words_time(match: re.Match[str], text: str) -> TimePart | None:
    """Read half past 6, quarter to 5pm, ten past noon, 20 to 4 (digits need at or am/pm)."""
    fraction = " ".join(match["frac"].lower().replace("-", " ").split())
    if fraction.isdigit() and not (match["pre"] or match["fmer"]):
        return None
    minutes = int(fraction) if fraction.isdigit() else _FRACTIONS.get(fraction, 25)
    base = match["fh"].lower()
    if base in _NAMED_TIMES:
        hour, flexible = (12 if base == "noon" else 0), False
    elif match["fmer"]:
        part = _meridiem_time(_hour(base), None, match["fmer"].lower(), text)
        if part is None:
            return None
        hour, flexible = part.hour, False
    else:
        hour, flexible = int(_hour(base)), True
        if hour > 12:
            return None
    if not 0 < minutes < 60:
        return None
    total = hour * 60 + (minutes if match["dir"].lower() in ("past", "after") else -minutes)
    total %= 24 * 60
    return TimePart(total // 60, total % 60, text, flexible=flexible and 0 < total // 60 < 12)


def _part_of_day_time(match: re.Match[str], text: str) -> TimePart | None:
    """Read 5 in the afternoon, 7:30 in the morning, 9 at night."""
    hour, minute = int(_hour(match["ph"])), int(match["pm"] or 0)
    if not 1 <= hour <= 12 or minute > 59:
        return None
    period = (match["pper"] or "night").lower()
    if period == "morning":
        hour %= 12
    elif period != "night" or hour >= 6:
        hour = hour % 12 + 12
    return TimePart(hour, minute, text)


def _meridiem_time(hour: str, minute: str | None, meridiem: str, text: str) -> TimePart | None:
    """Read ``5pm`` or ``9:30 a.m.``."""
    h, m = int(hour), int(minute or 0)
    if not 1 <= h <= 12 or m > 59:
        return None
    return TimePart(h % 12 + (12 if meridiem == "p" else 0), m, text)


def _clock_time(hour: str, minute: str, text: str, *, flexible: bool = True) -> TimePart | None:
    """Read ``17:00``, ``9:30`` or a bare ``at 5``; 1-11 without a leading zero is flexible."""
    h, m = int(hour), int(minute)
    if h > 23 or m > 59:
        return None
    return TimePart(h, m, text, flexible=flexible and 1 <= h <= 11 and not hour.startswith("0"))
