"""Readers for the inline markers: #tags, +project, /section and priorities."""

from __future__ import annotations

import re

from .phrase import MASK, Phrase

TAG_RE = re.compile(r"(?<![\w&/#])#(?P<tag>\w[\w\-]*)")

# +project and /section (#16): a word (letters, digits, hyphens, emoji: "+🏠"), or a quoted
# name (+"Home office"; masked in the working copy). Not after a word character, a dot, a tilde
# or another marker ("C++", "and/or", "./x", "~/x"), not a path's part ("/usr/bin"), nor digits
# only ("+1 555", "/2").
_EMOJI = "\U0001f000-\U0001faff\u2600-\u27bf\ufe0f\u200d"
PLACE_RE = re.compile(
    rf"(?<![\w&/#+.~])(?P<mark>[+/])"
    rf"(?:(?P<word>[\w{_EMOJI}][\w\-{_EMOJI}]*)(?![\w\-/{_EMOJI}])|(?P<quoted>{MASK}+))"
)
PLACE_KINDS = {"+": "project", "/": "section"}

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


def take_place(phrase: Phrase) -> tuple[str | None, str | None]:
    """Read and take the +project and the /section; the first of each wins (noted otherwise)."""
    names: dict[str, list[str]] = {"project": [], "section": []}
    if "+" not in phrase.work and "/" not in phrase.work:
        return None, None
    for match in PLACE_RE.finditer(phrase.work):
        start, end = match.span()
        if match["word"] is not None:
            name = match["word"].rstrip("-")
            if name.isdigit():
                continue
        else:  # the quoted literal is the name, and no longer part of the title
            name = " ".join(phrase.text[start + 2 : end - 1].split())
            phrase.quotes = [q for q in phrase.quotes if q != (start + 1, end)]
            if not name:
                continue
        kind = PLACE_KINDS[match["mark"]]
        names[kind].append(name)
        phrase.take(start, end, kind)
    for kind, found in names.items():
        if len({name.casefold() for name in found}) > 1:
            phrase.note(f"Several {kind}s given ({', '.join(found)}); using {found[0]}.")
    return next(iter(names["project"]), None), next(iter(names["section"]), None)


def place_spans(text: str) -> list[tuple[int, int]]:
    """The spans of +project and /section words in raw text, which translation leaves alone."""
    if "+" not in text and "/" not in text:
        return []
    return [match.span() for match in PLACE_RE.finditer(text) if match["word"] is not None]
