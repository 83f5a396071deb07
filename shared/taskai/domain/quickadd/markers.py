"""Readers for the inline markers: #tags and priorities."""

from __future__ import annotations

import re

from .phrase import Phrase

TAG_RE = re.compile(r"(?<![\w&/#])#(?P<tag>\w[\w\-]*)")

PRIORITY_RE = re.compile(
    r"""(?<!\S)(?P<bangs>!{1,3})(?!\S)
      |(?<![\w!])!(?P<mark>low|medium|med|normal|high|urgent|critical|[1-4])(?![\w\-])
      |(?<![\w\-])(?P<p>p[1-4])(?![\w\-])
      |(?<![\w\-])(?P<level>low|medium|high|top)[\s\-]+priority(?![\w\-])
      |(?<![\w\-])priority[\s:]+(?P<named>low|medium|high|urgent)(?![\w\-])
      |(?<![\w\-])(?P<word>urgent|asap)(?![\w\-])""",
    re.IGNORECASE | re.VERBOSE,
)

LEVELS = {
    "!": "medium", "!!": "high", "!!!": "urgent",
    "1": "urgent", "2": "high", "3": "medium", "4": "low",
    "p1": "urgent", "p2": "high", "p3": "medium", "p4": "low",
    "low": "low", "medium": "medium", "med": "medium", "normal": "medium",
    "high": "high", "urgent": "urgent", "critical": "urgent", "top": "urgent", "asap": "urgent",
}  # fmt: skip
_MARKER_GROUPS = ("bangs", "mark", "p")


def take_tags(phrase: Phrase) -> list[str]:
    """Read and take every #tag, kept as typed and de-duplicated case-insensitively."""
    tags: dict[str, str] = {}
    if "#" not in phrase.work:
        return []
    for match in TAG_RE.finditer(phrase.work):
        tag = match["tag"].rstrip("-")
        if tag.isdigit():
            continue
        tags.setdefault(tag.casefold(), tag)
        phrase.take(*match.span(), "tag")
    return list(tags.values())


def take_priority(phrase: Phrase) -> str | None:
    """Read and take every priority marker; explicit markers beat words, then the first wins."""
    found: list[tuple[int, int, str]] = []
    for match in PRIORITY_RE.finditer(phrase.work):
        group = match.lastgroup or ""
        found.append((group not in _MARKER_GROUPS, match.start(), LEVELS[match[group].lower()]))
        phrase.take(*match.span(), "priority")
    if not found:
        return None
    chosen = min(found)[2]
    levels = sorted({level for _, _, level in found})
    if len(levels) > 1:
        phrase.note(f"Several priorities given ({', '.join(levels)}); using {chosen}.")
    return chosen
