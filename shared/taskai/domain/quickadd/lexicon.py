"""Word tables and regex fragments shared by the quick-add readers."""

from __future__ import annotations

import re
from collections.abc import Iterable

WEEKDAY_CODES = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")

WEEKDAYS: dict[str, int] = {
    "monday": 0, "mon": 0,
    "tuesday": 1, "tues": 1, "tue": 1,
    "wednesday": 2, "wed": 2,
    "thursday": 3, "thurs": 3, "thur": 3, "thu": 3,
    "friday": 4, "fri": 4,
    "saturday": 5, "sat": 5,
    "sunday": 6, "sun": 6,
    # common misspellings and longer abbreviations
    "mondy": 0, "monady": 0, "tuseday": 1, "teusday": 1, "tuesay": 1, "weds": 2,
    "wednes": 2, "wensday": 2, "wendsday": 2, "wednsday": 2, "wedensday": 2, "wedesday": 2,
    "thrusday": 3, "thursay": 3, "thurday": 3, "thusday": 3, "firday": 4, "fryday": 4,
    "fridy": 4, "satuday": 5, "saturaday": 5, "saterday": 5, "sunady": 6, "sundy": 6,
}  # fmt: skip

FULL_WEEKDAYS = frozenset(name for name in WEEKDAYS if len(name) > 5)

MONTHS: dict[str, int] = {
    "january": 1, "jan": 1, "february": 2, "feb": 2, "march": 3, "mar": 3,
    "april": 4, "apr": 4, "may": 5, "june": 6, "jun": 6, "july": 7, "jul": 7,
    "august": 8, "aug": 8, "september": 9, "sept": 9, "sep": 9,
    "october": 10, "oct": 10, "november": 11, "nov": 11, "december": 12, "dec": 12,
    "janurary": 1, "janaury": 1, "febuary": 2, "feburary": 2, "febrary": 2, "apirl": 4,
    "agust": 8, "augest": 8, "septmber": 9, "setpember": 9, "ocotber": 10, "octobre": 10,
    "novmber": 11, "novemeber": 11, "decmber": 12, "decemeber": 12,
}  # fmt: skip

NUMBERS: dict[str, int] = {
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
    "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12,
}  # fmt: skip

_ORDINAL_WORDS = (
    "first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth",
    "tenth", "eleventh", "twelfth", "thirteenth", "fourteenth", "fifteenth", "sixteenth",
    "seventeenth", "eighteenth", "nineteenth", "twentieth",
)  # fmt: skip
DAY_ORDINALS: dict[str, int] = {
    **{word: day for day, word in enumerate(_ORDINAL_WORDS, 1)},
    **{f"twenty{sep}{word}": 20 + day for day, word in enumerate(_ORDINAL_WORDS[:9], 1)
       for sep in ("-", " ", "")},
    "thirtieth": 30, "thirty-first": 31, "thirty first": 31, "last": -1,
}  # fmt: skip

ORDINALS: dict[str, int] = {
    "first": 1, "1st": 1, "second": 2, "2nd": 2, "third": 3, "3rd": 3,
    "fourth": 4, "4th": 4, "fifth": 5, "5th": 5, "last": -1,
}  # fmt: skip

UNITS: dict[str, str] = {
    "minutes": "minute", "minute": "minute", "mins": "minute", "min": "minute", "m": "minute",
    "hours": "hour", "hour": "hour", "hrs": "hour", "hr": "hour", "h": "hour",
    "days": "day", "day": "day", "d": "day",
    "weeks": "week", "week": "week", "wks": "week", "wk": "week", "w": "week",
    "months": "month", "month": "month", "mos": "month", "mo": "month",
    "years": "year", "year": "year", "yrs": "year", "yr": "year", "y": "year",
    "fortnights": "fortnight", "fortnight": "fortnight",
}  # fmt: skip

UNIT_MINUTES = {"minute": 1, "hour": 60, "day": 1440, "week": 10080, "fortnight": 20160}


def alternation(words: Iterable[str]) -> str:
    """Return a regex matching any of ``words`` (the longest where several fit), as a trie.

    Factored by prefix ("mon(?:day)?") rather than one branch per word: these patterns are
    tried at every word of every phrase, and the engine then follows one branch, not fifty.
    """
    trie: dict[str, dict] = {}
    for word in words:
        node = trie
        for char in word:
            node = node.setdefault(char, {})
        node[""] = {}
    return _trie_pattern(trie)


def first_letters(*groups: Iterable[str]) -> str:
    """Return a lookahead admitting only the first two letters an expression can start with.

    A cheap gate at every word: most words of a phrase ("Buy", "milk") fail it at once,
    before the engine tries each branch of a long pattern.
    """
    prefixes = {word[:2].lower() if len(word) > 1 else word.lower() + " " for group in groups
                for word in group}  # fmt: skip
    return rf"(?=[\d@]|{alternation(prefixes)})"


def _trie_pattern(node: dict[str, dict]) -> str:
    """Emit the regex of a trie node; an end of word makes the longer branches optional."""
    ends = "" in node
    branches = [re.escape(char) + _trie_pattern(child) for char, child in node.items() if char]
    if not branches:
        return ""
    body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
    if ends:
        return f"(?:{body})?"
    return body


def number(word: str) -> int:
    """Return the value of a digit string or an English number word."""
    word = word.lower()
    return int(word) if word.isdigit() else NUMBERS[word]


def ordinal(word: str) -> int:
    """Return the value of an ordinal such as ``third``, ``3rd`` or ``last`` (-1)."""
    return ORDINALS[word.lower()]


WEEKDAY = alternation(WEEKDAYS)
MONTH = alternation(MONTHS)
NUMBER = rf"(?:\d{{1,3}}|{alternation(NUMBERS)}\b)"
UNIT = alternation(UNITS)
ORDINAL = alternation(ORDINALS)
# Written out rather than as an alternation of the 80 keys: tried at every word of a phrase.
_UNITS_ORDINAL = "(?:first|second|third|fourth|fifth|sixth|seventh|eighth|ninth)"
DAY_ORDINAL = (
    rf"(?:(?:twenty|thirty)[\s\-]?{_UNITS_ORDINAL}|{_UNITS_ORDINAL}|tenth|eleventh|twelfth"
    r"|(?:thir|four|fif|six|seven|eigh|nine)teenth|twentieth|thirtieth|last)"
)
HOUR_WORDS = alternation(word for word, value in NUMBERS.items() if len(word) > 2)
DAY_SUFFIX = r"(?:st|nd|rd|th)"
PERIOD = r"(?:morning|afternoon|evening|night)"
START = r"(?<![\w/:.\-])"
END = r"(?![\w/\-])"


def core(match: re.Match[str]) -> str:
    """Return an expression's matched text without its leading connector group ``pre``."""
    return match.string[match.end("pre") if match["pre"] else match.start() : match.end()]
