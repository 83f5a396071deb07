"""The phrase being read: what is still unread, what was taken, and the title that remains."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from .draft import Span

MASK = "\x00"
CONNECTORS = frozenset({"at", "on", "by", "every", "due"})
TRAILING_PUNCTUATION = ",;:"

_QUOTE = re.compile(r'"([^"]*)"|“([^”]*)”')
_SHIELD = re.compile(
    r"(?:[a-z][a-z0-9+.\-]*://|www\.)\S+"
    r"|[\w.+\-]+@[\w\-]+(?:\.[\w\-]+)+"
    r"|\b[\w\-]+(?:\.[\w\-]+)+/\S*",
    re.IGNORECASE,
)
_CUT = re.compile(r"\n| // ")
_PIECES = re.compile(r"\s+|\S+")
_PUNCTUATION = re.compile(r"\W+")

WORD, SPACE, GAP, QUOTED = "word", "space", "gap", "quoted"
Token = tuple[str, str]


@dataclass
class Phrase:
    """Original text, a same-length working copy with read parts blanked, and remarks."""

    text: str
    work: str
    quotes: list[tuple[int, int]] = field(default_factory=list)
    taken: list[tuple[int, int]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    spans: list[Span] = field(default_factory=list)

    def take(self, start: int, end: int, kind: str | None = None) -> None:
        """Mark ``text[start:end]`` as read so no later reader sees it and the title drops it.

        A ``kind`` (date, time, zone, recurrence, priority, tag, reminder) reports the part as
        a span of the original text, so a client can highlight what was understood.
        """
        self.work = self.work[:start] + " " * (end - start) + self.work[end:]
        self.taken.append((start, end))
        if kind:
            self.spans.append(_trimmed(self.text, start, end, kind))

    def note(self, remark: str) -> None:
        """Record a human-readable remark about the reading."""
        self.notes.append(remark)

    def title(self) -> str:
        """Return what was not read, tidied; the original text when nothing is left."""
        tokens = _drop_stray_punctuation(self._tokens())
        _trim_end(tokens, tidy=True)
        tokens.reverse()
        _trim_end(tokens, tidy=False)
        tokens.reverse()
        return _join(tokens) or self.text.strip()

    def _tokens(self) -> list[Token]:
        """Split the text into words, spaces, quoted literals and gaps left by read parts."""
        marks = [(s, e, GAP) for s, e in _merge(self.taken)]
        marks += [(s, e, QUOTED) for s, e in self.quotes]
        tokens: list[Token] = []
        position = 0
        for start, end, kind in sorted(marks):
            _add_plain(self.text[position:start], tokens)
            inner = self.text[start + 1 : end - 1].strip() if kind == QUOTED else ""
            tokens.append((kind, inner))
            position = end
        _add_plain(self.text[position:], tokens)
        return tokens


def read_phrase(text: str) -> tuple[Phrase, str | None]:
    """Split ``text`` into the phrase to parse and the optional description after it."""
    masked, quotes = _mask_quotes(text)
    cut = _CUT.search(masked)
    description = None
    if cut:
        description = text[cut.end() :].strip() or None
        text, masked = text[: cut.start()], masked[: cut.start()]
        quotes = [(s, e) for s, e in quotes if e <= cut.start()]
    return Phrase(text, _SHIELD.sub(_blank, masked), quotes), description


def shielded_spans(text: str) -> list[tuple[int, int]]:
    """Return the spans of quoted text, URLs and e-mail addresses: never read nor rewritten."""
    spans = [match.span() for match in _QUOTE.finditer(text)] if '"' in text or "“" in text else []
    return spans + [match.span() for match in _SHIELD.finditer(text)]


def _mask_quotes(text: str) -> tuple[str, list[tuple[int, int]]]:
    """Blank quoted literals in a working copy and return their spans."""
    if '"' not in text and "“" not in text:
        return text, []
    spans = [match.span() for match in _QUOTE.finditer(text)]
    return _QUOTE.sub(_blank, text), spans


def _trimmed(text: str, start: int, end: int, kind: str) -> Span:
    """Return a span without the spaces a reader's pattern took around the part."""
    piece = text[start:end]
    start += len(piece) - len(piece.lstrip())
    end -= len(piece) - len(piece.rstrip())
    return {"start": start, "end": max(start, end), "kind": kind}


def _blank(match: re.Match[str]) -> str:
    """Return a mask as long as the match."""
    return MASK * len(match[0])


def _merge(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Merge overlapping or touching spans."""
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def _add_plain(text: str, tokens: list[Token]) -> None:
    """Append the words and spaces of unread text."""
    for piece in _PIECES.findall(text):
        tokens.append((SPACE if piece.isspace() else WORD, piece))


def _is_punctuation(token: Token) -> bool:
    """Tell whether a token is a word made only of punctuation."""
    # Unicode punctuation only: an emoji next to a read part ("Party tomorrow 🎂") is text.
    text = token[1]
    return (
        token[0] == WORD
        and _PUNCTUATION.fullmatch(text) is not None
        and all(unicodedata.category(char).startswith("P") for char in text)
    )


def _drop_stray_punctuation(tokens: list[Token]) -> list[Token]:
    """Drop punctuation-only words that touch a gap, like the brackets of ``(due friday)``."""
    solid = [i for i, (kind, _) in enumerate(tokens) if kind != SPACE]
    kinds = [tokens[i][0] for i in solid]
    stray = {
        i
        for j, i in enumerate(solid)
        if _is_punctuation(tokens[i]) and GAP in kinds[max(j - 1, 0) : j + 2]
    }
    return [token for i, token in enumerate(tokens) if i not in stray]


def _trim_end(tokens: list[Token], *, tidy: bool) -> None:
    """Remove gaps, spaces and dangling connectors from the end of ``tokens``."""
    after_gap = False
    while tokens:
        kind, text = tokens[-1]
        if kind in (SPACE, GAP):
            after_gap = after_gap or kind == GAP
        elif kind != WORD or not after_gap:
            return
        elif text.lower() not in CONNECTORS:
            text = text.rstrip(TRAILING_PUNCTUATION) if tidy else text
            tokens[-1] = (kind, text)
            if text:
                return
        tokens.pop()


def _join(tokens: list[Token]) -> str:
    """Join words and quoted literals with single spaces where the text had any."""
    out: list[str] = []
    spaced = False
    for kind, text in tokens:
        if kind in (SPACE, GAP):
            spaced = bool(out)
        elif text:
            out.extend((" ", text) if spaced else (text,))
            spaced = False
    return "".join(out)
