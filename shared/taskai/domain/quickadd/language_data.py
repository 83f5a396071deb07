"""Word tables and rewrite rules for German, Spanish and French quick add.

Names of months, weekdays and units, relative days and number words are read from
dateparser's language data (a maintained, multi-language table). The package itself is not
imported: its data modules are plain dictionaries, loaded by path so that an English-only
process pays nothing and a German one does not pull in dateparser's parser.
"""

from __future__ import annotations

import importlib.util
import re
from collections.abc import Callable
from dataclasses import dataclass
from types import ModuleType
from typing import Any

Replacement = str | Callable[[re.Match[str]], str]
RuleSet = tuple[tuple[re.Pattern[str], Replacement], ...]

_ENGLISH_DAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_ENGLISH_MONTHS = (
    "january", "february", "march", "april", "may", "june", "july", "august", "september",
    "october", "november", "december",
)  # fmt: skip
_UNITS = ("year", "month", "week", "day", "hour", "minute")
_RELATIVE = {
    "0 day ago": "today", "in 1 day": "tomorrow", "in 2 day": "overmorrow",
    "in 1 week": "next week", "in 1 month": "next month", "in 1 year": "next year",
}  # fmt: skip
_SPACE = r"[^\S\n]+"


def _load(language: str) -> dict[str, Any]:
    """Return dateparser's data dictionary for ``language`` without importing dateparser."""
    spec = importlib.util.find_spec("dateparser")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("dateparser is not installed")
    path = f"{spec.submodule_search_locations[0]}/data/date_translation_data/{language}.py"
    module_spec = importlib.util.spec_from_file_location(f"_taskai_words_{language}", path)
    if module_spec is None or module_spec.loader is None:
        raise RuntimeError(f"no dateparser data for {language!r}")
    module: ModuleType = importlib.util.module_from_spec(module_spec)
    module_spec.loader.exec_module(module)
    info: dict[str, Any] = module.info
    return info


@dataclass(frozen=True)
class Words:
    """One language's names, each mapped to the English word the grammar reads."""

    days: dict[str, str]  # full names → "monday"; short ones → "mon" (they need a connector)
    months: dict[str, str]
    units: dict[str, str]
    numbers: dict[str, str]
    relative: dict[str, str]

    @classmethod
    def of(cls, language: str) -> Words:
        """The tables for a language code ("de", "es", "fr") from dateparser's data; raises
        RuntimeError without dateparser or its data."""
        info = _load(language)
        days: dict[str, str] = {}
        for english in _ENGLISH_DAYS:
            for name in info[english]:
                short = len(name) < 5 or name.endswith(".")
                days[name.lower().rstrip(".")] = english[:3] if short else english
        months = {
            name.lower().rstrip("."): english
            for english in _ENGLISH_MONTHS
            for name in info[english]
            if len(name) > 2
        }
        for clash in set(days) & set(months):  # Spanish "mar": martes or marzo
            del days[clash], months[clash]
        units = {
            name.lower(): english + "s"
            for english in _UNITS
            for name in info[english]
            if len(name) > 2
        }
        numbers = {
            word: value
            for item in info.get("simplifications", [])
            for word, value in item.items()
            if value.isdigit() and re.fullmatch(r"[^\W\d_]+", word)
        }
        relative = {
            name.lower(): _RELATIVE[key]
            for key, names in info.get("relative-type", {}).items()
            if key in _RELATIVE
            for name in names
        }
        return cls(days, months, units, numbers, relative)

    def alternation(self, table: dict[str, str]) -> str:
        """A non-capturing regex group matching any name of `table`, longest first ("martes" wins
        over "mar")."""
        escaped = (re.escape(name).replace(r"\ ", " ") for name in table)
        return "(?:" + "|".join(sorted(escaped, key=len, reverse=True)) + ")"

    @property
    def day(self) -> str:
        """Regex group for any weekday name, full or short."""
        return self.alternation(self.days)

    @property
    def full_day(self) -> str:
        """Regex group for the full weekday names only (those that need no connector)."""
        return self.alternation({name: v for name, v in self.days.items() if len(v) > 3})

    @property
    def month(self) -> str:
        """Regex group for any month name of three letters or more."""
        return self.alternation(self.months)

    @property
    def unit(self) -> str:
        """Regex group for any time unit name (year … minute)."""
        return self.alternation(self.units)

    @property
    def number(self) -> str:
        """Regex group for a number: one to three digits or a number word of the language."""
        return rf"(?:\d{{1,3}}|{self.alternation(self.numbers)})"

    def num(self, word: str) -> str:
        """`word` as digits if it is a number word ("drei" → "3"), else `word` unchanged."""
        return self.numbers.get(word.lower(), word)

    def english_days(self, text: str) -> str:
        """Return the weekdays named in ``text`` as English words joined by "and"."""
        found = re.findall(self.day, text, re.IGNORECASE)
        names = [self.days[name.lower().rstrip(".")] for name in found]
        return " and ".join(name if len(name) > 3 else _full(name) for name in names)

    def english_month(self, word: str) -> str:
        """The English month name for a month name of the language; raises KeyError for another
        word."""
        return self.months[word.lower().rstrip(".")]


def _full(short: str) -> str:
    return next(day for day in _ENGLISH_DAYS if day.startswith(short))


def compile_rules(pairs: list[tuple[str, Replacement]]) -> RuleSet:
    """Compile rules written with plain spaces (any run of spaces, never a newline)."""
    return tuple(
        (
            re.compile(rf"(?<!\w)(?:{_spaced(pattern)})(?!\w)", re.IGNORECASE),
            replacement,
        )
        for pattern, replacement in pairs
    )


def _lookup(table: dict[str, str]) -> Callable[[re.Match[str]], str]:
    return lambda match: table[" ".join(match[0].lower().rstrip(".").split())]


def phrase_rules(words: Words) -> list[tuple[str, Replacement]]:
    """Rules for the data's several-word relative phrases ("la semana próxima"): before all."""
    several = {name: value for name, value in words.relative.items() if " " in name}
    return [(words.alternation(several), _lookup(several))] if several else []


def _spaced(pattern: str) -> str:
    """Let a space in a rule stand for any run of spaces (" *" or " ?" for an optional one)."""
    optional = pattern.replace(" *", r"[^\S\n]*").replace(" ?", r"[^\S\n]*")
    return optional.replace(" ", _SPACE)


def word_rules(words: Words) -> list[tuple[str, Replacement]]:
    """Rules that rewrite single names: relative days, weekdays, months, units, numbers."""
    lookup = _lookup
    single = {name: value for name, value in words.relative.items() if " " not in name}
    return [
        (words.alternation(single), lookup(single)),
        (words.day + r"\.?", lookup(words.days)),
        (words.month + r"\.?", lookup(words.months)),
        (words.unit, lookup(words.units)),
        (words.alternation(words.numbers), lookup(words.numbers)),
    ]


def day_first(words: Words) -> Callable[[re.Match[str]], str]:
    """Rewrite 15.3. / 15/3/2027 (day first) as "15 march 2027"; an impossible month stays text."""

    def render(match: re.Match[str]) -> str:
        month = int(match["m"])
        if not 1 <= month <= 12:
            return match[0].replace("/", "\u2215").replace(".", "\u2024")
        year = f" {match['y']}" if match["y"] and len(match["y"]) == 4 else ""
        return f"{int(match['d'])} {_ENGLISH_MONTHS[month - 1]}{year}"

    return render


def rules_for(language: str) -> RuleSet:
    """Return the compiled rewrite rules of a language."""
    from .languages import RULES  # the hand-written grammar of each language

    words = Words.of(language)
    return compile_rules(phrase_rules(words) + RULES[language](words) + word_rules(words))
