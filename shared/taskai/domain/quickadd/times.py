"""Reader for time-of-day expressions ("at 9:30", "5pm", "noon", "eod", "this evening")."""

from __future__ import annotations

import re
from dataclasses import dataclass

from .lexicon import END, PERIOD, START, core
from .phrase import Phrase

TIME_RE = re.compile(
    rf"""{START}(?P<pre>(?:due\s+)?(?:at|by|before|around)\s+|@\s*|due\s+)?
    (?:(?P<h>\d{{1,2}})(?::(?P<m>\d{{2}}))?\s*(?P<mer>[ap])\.?m\.?(?!\w)
      |(?P<hh>\d{{1,2}}):(?P<mm>\d{{2}})(?![\w:])
      |(?P<word>noon|midday|midnight|eod|eob|cob|end\s+of\s+(?:the\s+)?day|close\s+of\s+business)
      |(?P<pmod>this|in\s+the|at)\s+(?P<period>{PERIOD})
      |(?P<hb>\d{{1,2}})(?:\s*o'?clock)?(?![\w:/.]))
    {END}""",
    re.IGNORECASE | re.VERBOSE,
)

_NAMED_TIMES = {"noon": (12, 0), "midday": (12, 0), "midnight": (23, 59)}
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
            phrase.take(*match.span())
            return part
    return None


def read_time(match: re.Match[str]) -> TimePart | None:
    """Turn a time match into a part, or None when it is not a valid time."""
    text = core(match)
    if match["mer"]:
        return _meridiem_time(match["h"], match["m"], match["mer"].lower(), text)
    if match["hh"]:
        return _clock_time(match["hh"], match["mm"], text)
    if match["word"]:
        hour, minute = _NAMED_TIMES.get(match["word"].lower(), _END_OF_DAY)
        return TimePart(hour, minute, text)
    if match["period"]:
        period = match["period"].lower()
        return TimePart(*PERIOD_TIMES[period], text, False, period, match["pmod"].lower() == "this")
    if (match["pre"] or "due").split()[-1].lower() == "due":
        return None
    return _clock_time(match["hb"], "00", text)


def _meridiem_time(hour: str, minute: str | None, meridiem: str, text: str) -> TimePart | None:
    """Read ``5pm`` or ``9:30 a.m.``."""
    h, m = int(hour), int(minute or 0)
    if not 1 <= h <= 12 or m > 59:
        return None
    return TimePart(h % 12 + (12 if meridiem == "p" else 0), m, text)


def _clock_time(hour: str, minute: str, text: str) -> TimePart | None:
    """Read ``17:00``, ``9:30`` or a bare ``at 5``; 1-11 without a leading zero is flexible."""
    h, m = int(hour), int(minute)
    if h > 23 or m > 59:
        return None
    return TimePart(h, m, text, flexible=1 <= h <= 11 and not hour.startswith("0"))
