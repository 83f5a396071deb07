"""German, Spanish and French quick add: the phrase is read through an English rendering.

Each language's rules rewrite the date, time and repeat phrasings into the English the
grammar reads ("übermorgen um 17 Uhr" → "overmorrow at 17:00"), and a map of the rewritten
pieces carries every position back to the typed text, so titles and spans come from what the
user wrote. Month, weekday and unit names, relative days and number words come from
dateparser's maintained language data; the grammar keeps repeats, tags, priorities and
reminders. Quoted text, URLs and e-mail addresses are never rewritten.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache

from .language_data import RuleSet, rules_for
from .markers import place_spans
from .phrase import shielded_spans

LANGUAGES = ("en", "de", "es", "fr")


@dataclass(frozen=True)
class Translation:
    """The English rendering of a phrase and the pieces that were rewritten.

    ``pieces`` holds (source start, source end, rendering start, rendering end), in order.
    """

    text: str
    pieces: tuple[tuple[int, int, int, int], ...]

    def to_source(self, start: int, end: int) -> tuple[int, int]:
        """Return the typed-text range of a rendering range; rewritten pieces map whole."""
        return self._point(start, at_end=False), self._point(end, at_end=True)

    def _point(self, position: int, *, at_end: bool) -> int:
        shift = 0
        for source_start, source_end, start, end in self.pieces:
            if position < start:
                break
            if position <= end:
                if at_end:
                    return source_start if position == start else source_end
                return source_end if position == end else source_start
            shift = source_end - end
        return position + shift


def translate(text: str, language: str) -> Translation:
    """Render ``text`` in the grammar's English; identity for English."""
    if language == "en":
        return Translation(text, ())
    rules = compiled(language)
    # Leftmost, then longest, then the earlier rule: "nächsten Monat am 3." beats "nächsten
    # Monat", and "de la mañana" beats "mañana" because it starts first.
    candidates = sorted(
        (match.start(), match.start() - match.end(), index, match)
        for index, (pattern, _) in enumerate(rules)
        for match in pattern.finditer(text)
        if match.end() > match.start()
    )
    claimed = shielded_spans(text) + place_spans(text)  # +project and /section stay as typed
    found: list[tuple[int, int, str]] = []
    for start, _, index, match in candidates:
        end = match.end()
        if any(s < end and start < e for s, e in claimed):
            continue
        found.append((start, end, _render(match, rules[index][1])))
        claimed.append((start, end))
    return _assemble(text, sorted(found))


def _render(match: re.Match[str], replacement: str | Callable[[re.Match[str]], str]) -> str:
    return replacement(match) if callable(replacement) else match.expand(replacement)


def _assemble(text: str, found: list[tuple[int, int, str]]) -> Translation:
    """Build the rendering and its piece map from non-overlapping rewrites."""
    out: list[str] = []
    pieces: list[tuple[int, int, int, int]] = []
    position = length = 0
    for start, end, rendering in found:
        out.append(text[position:start])
        length += start - position
        out.append(rendering)
        pieces.append((start, end, length, length + len(rendering)))
        length += len(rendering)
        position = end
    out.append(text[position:])
    return Translation("".join(out), tuple(pieces))


@cache
def compiled(language: str) -> RuleSet:
    """Return the language's rules, compiled once per process."""
    return rules_for(language)
