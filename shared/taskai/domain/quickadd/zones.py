"""Reader for a time zone named in the phrase ("5pm PST", "17:00 UTC+2", "9am Berlin time")."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone, tzinfo
from zoneinfo import ZoneInfo

from .phrase import Phrase

# Abbreviations name the region's zone (DST-aware), so "5pm PST" in July still means Pacific
# time; a note says when the abbreviation does not match the season. Where an abbreviation is
# shared, the most common reading wins and the note names the other.
ABBREVIATIONS: dict[str, str] = {
    "PST": "America/Los_Angeles", "PDT": "America/Los_Angeles", "PT": "America/Los_Angeles",
    "MST": "America/Denver", "MDT": "America/Denver", "MT": "America/Denver",
    "CST": "America/Chicago", "CDT": "America/Chicago", "CT": "America/Chicago",
    "EST": "America/New_York", "EDT": "America/New_York", "ET": "America/New_York",
    "AKST": "America/Anchorage", "AKDT": "America/Anchorage", "HST": "Pacific/Honolulu",
    "NST": "America/St_Johns", "NDT": "America/St_Johns", "BRT": "America/Sao_Paulo",
    "ART": "America/Argentina/Buenos_Aires", "GMT": "UTC", "UTC": "UTC",
    "BST": "Europe/London", "WET": "Europe/Lisbon", "WEST": "Europe/Lisbon",
    "CET": "Europe/Berlin", "CEST": "Europe/Berlin", "MEZ": "Europe/Berlin",
    "MESZ": "Europe/Berlin", "EET": "Europe/Athens", "EEST": "Europe/Athens",
    "MSK": "Europe/Moscow", "SAST": "Africa/Johannesburg", "IST": "Asia/Kolkata",
    "PKT": "Asia/Karachi", "SGT": "Asia/Singapore", "HKT": "Asia/Hong_Kong",
    "JST": "Asia/Tokyo", "KST": "Asia/Seoul", "AWST": "Australia/Perth",
    "ACST": "Australia/Adelaide", "ACDT": "Australia/Adelaide", "AEST": "Australia/Sydney",
    "AEDT": "Australia/Sydney", "NZST": "Pacific/Auckland", "NZDT": "Pacific/Auckland",
}  # fmt: skip
SHARED = {
    "CST": "China Standard Time (UTC+8)",
    "IST": "Israel or Irish Standard Time",
    "BST": "Bangladesh Standard Time (UTC+6)",
}
REGIONS: dict[str, str] = {
    "pacific": "America/Los_Angeles", "mountain": "America/Denver",
    "central": "America/Chicago", "eastern": "America/New_York",
    "london": "Europe/London", "uk": "Europe/London", "paris": "Europe/Paris",
    "berlin": "Europe/Berlin", "madrid": "Europe/Madrid", "india": "Asia/Kolkata",
    "tokyo": "Asia/Tokyo", "sydney": "Australia/Sydney", "new york": "America/New_York",
}  # fmt: skip

_SIGNED = r"(?P<sign>[+\-\u2212])\s?(?P<oh>\d{1,2})(?::?(?P<om>\d{2}))?"
ZONE_RE = re.compile(
    rf"""(?<![\w+\-])\(?
    (?:(?i:utc|gmt)\s?{_SIGNED}
      |(?P<abbr>[A-Z]{{2,5}}|(?i:utc|gmt))
      |(?i:(?P<region>{"|".join(REGIONS)})\s+time))
    \)?(?![\w+\-])""",
    re.VERBOSE,
)
# Two-letter abbreviations (ET, PT, CT: also "CT scan", "PT session") and unknown ones are
# only read right after a clock time ("5pm PT", "5pm XST").
_AFTER_TIME = re.compile(r"(?:\d\s*[ap]\.?m\.?|\d:\d{2}|\d)\s*$", re.IGNORECASE)


@dataclass(frozen=True)
class ZonePart:
    """The zone the phrase's wall time is given in."""

    zone: tzinfo
    text: str
    abbreviation: str | None = None


def take_zone(phrase: Phrase) -> ZonePart | None:
    """Read and take the first time zone named in the phrase."""
    for match in ZONE_RE.finditer(phrase.work):
        part = _read(match, phrase)
        if part:
            phrase.take(*match.span(), "zone")
            return part
    return None


def _read(match: re.Match[str], phrase: Phrase) -> ZonePart | None:
    """Turn a zone match into a part; an unknown abbreviation after a time gets a note."""
    text = match[0].strip("() ")
    if match["sign"]:
        return _offset(match, text)
    if match["region"]:
        return ZonePart(ZoneInfo(REGIONS[match["region"].lower()]), text)
    abbr = match["abbr"].upper()
    after_time = _AFTER_TIME.search(phrase.work, 0, match.start()) is not None
    if abbr in ABBREVIATIONS and (len(abbr) > 2 or after_time):
        if abbr in SHARED:
            phrase.note(
                f"Read '{abbr}' as {ABBREVIATIONS[abbr]} time; it can also mean {SHARED[abbr]}."
            )
        return ZonePart(ZoneInfo(ABBREVIATIONS[abbr]), text, abbr)
    if len(abbr) > 2 and abbr.endswith("T") and after_time and abbr not in ABBREVIATIONS:
        phrase.note(f"'{abbr}' is not a time zone I know; the time is read in your own zone.")
    return None


def _offset(match: re.Match[str], text: str) -> ZonePart | None:
    """Read UTC+2, GMT-3, UTC+05:30."""
    hours, minutes = int(match["oh"]), int(match["om"] or 0)
    if hours > 14 or minutes > 59:
        return None
    delta = timedelta(hours=hours, minutes=minutes)
    return ZonePart(timezone(-delta if match["sign"] != "+" else delta), text)


def remark_season(part: ZonePart, due: datetime, phrase: Phrase) -> None:
    """Note when "PST" names Pacific time on a day it is on daylight time (and the like)."""
    abbr = part.abbreviation
    if not abbr or len(abbr) < 3 or abbr in ("UTC", "GMT") or abbr in SHARED:
        return
    actual = due.astimezone(part.zone).tzname()
    if actual and actual != abbr and actual.isalpha() and abbr[-2:] in ("ST", "DT"):
        phrase.note(f"'{abbr}' read as {part.zone} time, which is {actual} on that day.")
