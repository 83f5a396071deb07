"""The filter language read with lark (LALR): Todoist's filter words adapted to TaskAI's markers.

`today | overdue`, `#work & p1`, `!(no date) & next 7 days`, `due before: friday`: terms joined
by `&` (and), `|` (or) and `!` (not), binding in that order (! > & > |), with parentheses.
Keywords are read in any letter case. A malformed query raises InvalidInput naming the field,
the 1-based character position and what was expected there.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, datetime
from functools import cache
from typing import NoReturn

from lark import Lark, Token, Transformer, Tree, UnexpectedCharacters, UnexpectedInput
from lark.exceptions import UnexpectedEOF, UnexpectedToken, VisitError

from taskai.domain.filters import ast
from taskai.domain.filters.dates import read_when
from taskai.errors import InvalidInput

MAX_LENGTH = 1000
MAX_DEPTH = 32
MAX_DAYS = 3660
QUOTED = re.compile(r'"[^"]*"')  # "next N days": ten years and a little
OPEN_QUOTE = re.compile(r'[#+/]"([^"]*)("?)')  # a marker's quoted name, maybe never closed

GRAMMAR = r"""
?start: or_
?or_: and_ ("|" and_)*
?and_: not_ ("&" not_)*
?not_: "!" not_ -> not_
     | "(" or_ ")"
     | term
term: TODAY | TOMORROW | OVERDUE | NO_DATE | NEXT_DAYS | PRIORITY | TAG | PROJECT | SECTION
    | RECURRING | NO_TAGS | SUBTASK
    | DUE_BEFORE WORDS -> due_before
    | DUE_AFTER WORDS -> due_after
    | SEARCH WORDS -> search
    | STATUS STATUS_WORD -> status

TODAY.2: /today(?![\w-])/i
TOMORROW.2: /tomorrow(?![\w-])/i
OVERDUE.2: /overdue(?![\w-])/i
NO_DATE.2: /no\s+dates?(?![\w-])/i
NO_TAGS.2: /no\s+tags?(?![\w-])/i
NEXT_DAYS.2: /next\s+\d+\s+days?(?![\w-])/i
PRIORITY.2: /p[1-4](?![\w-])/i
RECURRING.2: /recurring(?![\w-])/i
SUBTASK.2: /subtasks?(?![\w-])/i
DUE_BEFORE.2: /due\s+before\s*:/i
DUE_AFTER.2: /due\s+after\s*:/i
SEARCH.2: /search\s*:/i
STATUS.2: /status\s*:/i
STATUS_WORD: /(pending|in_progress|completed)(?![\w-])/i
TAG: /#("[^"]+"|[^\s&|!()"]+)/
PROJECT: /\+("[^"]+"|[^\s&|!()"]+)/
SECTION: /\/("[^"]+"|[^\s&|!()"]+)/
WORDS: /[^\s&|!()][^&|!()]*/

%import common.WS
%ignore WS
"""

# What people read for each terminal lark may expect next.
SAYS = {
    "TODAY": "'today'", "TOMORROW": "'tomorrow'", "OVERDUE": "'overdue'",
    "NO_DATE": "'no date'", "NO_TAGS": "'no tags'", "NEXT_DAYS": "'next 7 days'",
    "PRIORITY": "'p1'", "RECURRING": "'recurring'", "DUE_BEFORE": "'due before:'",
    "DUE_AFTER": "'due after:'", "SEARCH": "'search:'", "STATUS": "'status:'",
    "SUBTASK": "'subtask'", "TAG": "'#tag'", "PROJECT": "'+project'", "SECTION": "'/section'",
    "STATUS_WORD": "pending, in_progress or completed", "WORDS": "words",
    "LPAR": "'('", "RPAR": "')'", "BANG": "'!'", "AMPERSAND": "'&'", "VBAR": "'|'",
    "$END": "the end",
}  # fmt: skip
TERMS = {
    "TODAY", "TOMORROW", "OVERDUE", "NO_DATE", "NO_TAGS", "NEXT_DAYS", "PRIORITY", "RECURRING",
    "DUE_BEFORE", "DUE_AFTER", "SEARCH", "STATUS", "TAG", "PROJECT", "SECTION", "SUBTASK",
}  # fmt: skip


@cache
def _parser() -> Lark:
    """The LALR parser, built once per process on first use (a few milliseconds)."""
    return Lark(GRAMMAR, parser="lalr", lexer="contextual", propagate_positions=False)


def parse(query: str, *, field: str = "filter") -> ast.Filter:
    """The syntax tree of `query`; raises InvalidInput naming `field` for a query that is empty,
    over 1,000 characters, nested deeper than 32, malformed (1-based position and what was
    expected), or names a date quick add cannot read."""
    if not query.strip():
        _refuse(field, "must not be empty")
    if len(query) > MAX_LENGTH:
        _refuse(field, f"must be at most {MAX_LENGTH} characters")
    try:
        tree = _parser().parse(query)
    except UnexpectedInput as e:
        _refuse(field, _expected(e, query))
    if max(_depth(tree), _parentheses(query)) > MAX_DEPTH:
        _refuse(field, f"nests deeper than {MAX_DEPTH}")
    try:
        return _ToAst().transform(tree)
    except VisitError as e:
        if isinstance(e.orig_exc, InvalidInput):
            _refuse(field, str(e.orig_exc))
        raise


def _refuse(field: str, message: str) -> NoReturn:
    raise InvalidInput(f"{field} {message}", fields={field: message})


def _expected(error: UnexpectedInput, query: str) -> str:
    """'expected … at position N' from a lark error: its expected terminals in plain words (a
    quoted name never closed, or empty, said as such)."""
    quoted = OPEN_QUOTE.match(query, error.pos_in_stream or 0)
    if quoted and not quoted.group(2):
        return f"expected '\"' to close the name opened at position {quoted.start() + 2}"
    if quoted and not quoted.group(1).strip():  # closed but empty: the terminal needs a name
        return f"expected a name between the quotes at position {quoted.start() + 3}"
    if isinstance(error, UnexpectedCharacters):
        names = set(error.allowed or ())
    elif isinstance(error, UnexpectedToken | UnexpectedEOF):
        names = set(error.expected)
    else:  # pragma: no cover - lark raises only these three
        names = set()
    at_end = isinstance(error, UnexpectedEOF) or error.pos_in_stream is None
    if isinstance(error, UnexpectedToken) and error.token.type == "$END":
        at_end = True
    position = len(query) + 1 if at_end else (error.pos_in_stream or 0) + 1
    words = []
    if names & TERMS:
        words.append("a filter such as 'today' or '#tag'")
    words += sorted(SAYS.get(name, name.lower()) for name in names - TERMS)
    said = words[0] if len(words) == 1 else ", ".join(words[:-1]) + " or " + words[-1]
    where = "at the end" if position > len(query) else f"at position {position}"
    return f"expected {said} {where}"


def _depth(tree: Tree[Token]) -> int:
    """How deep the tree nests, counted without recursion."""
    deepest, stack = 0, [(tree, 1)]
    while stack:
        node, depth = stack.pop()
        deepest = max(deepest, depth)
        stack.extend((child, depth + 1) for child in node.children if isinstance(child, Tree))
    return deepest


def _parentheses(query: str) -> int:
    """How deep the query's parentheses nest (those inside quoted names aside)."""
    deepest = depth = 0
    for char in QUOTED.sub("", query):
        depth += {"(": 1, ")": -1}.get(char, 0)
        deepest = max(deepest, depth)
    return deepest


def _name(token: Token) -> str:
    """The name after a marker (#, +, /), without its quotes; raises InvalidInput for a quoted
    name of blanks only."""
    name = token[1:].strip('"').strip()
    if not name:
        at = (token.start_pos or 0) + 3
        raise InvalidInput(f"expected a name between the quotes at position {at}")
    return name


class _ToAst(Transformer[Token, ast.Filter]):
    """lark's parse tree as the filter's syntax tree."""

    def term(self, children: list[Token]) -> ast.Filter:
        (token,) = children
        kind = token.type
        if kind == "NEXT_DAYS":
            number = re.search(r"\d+", token)
            assert number is not None  # the terminal has one
            if not 1 <= int(number.group()) <= MAX_DAYS:
                at = (token.start_pos or 0) + number.start() + 1
                raise InvalidInput(f"expected 1 to {MAX_DAYS} days at position {at}")
            return ast.NextDays(int(number.group()))
        if kind == "PRIORITY":
            return ast.PriorityIs(ast.PRIORITY_OF_LEVEL[token.lower()])
        if kind == "TAG":
            return ast.HasTag(_name(token))
        if kind == "PROJECT":
            return ast.InProject(_name(token))
        if kind == "SECTION":
            return ast.InSection(_name(token))
        simple: dict[str, Callable[[], ast.Filter]] = {
            "TODAY": ast.Today,
            "TOMORROW": ast.Tomorrow,
            "OVERDUE": ast.Overdue,
            "NO_DATE": ast.NoDate,
            "NO_TAGS": ast.NoTags,
            "RECURRING": ast.Recurring,
            "SUBTASK": ast.Subtask,
        }
        return simple[kind]()

    def due_before(self, children: list[Token]) -> ast.Filter:
        return ast.DueBefore(_date_words(children[1]))

    def due_after(self, children: list[Token]) -> ast.Filter:
        return ast.DueAfter(_date_words(children[1]))

    def search(self, children: list[Token]) -> ast.Filter:
        words = " ".join(children[1].split())
        if len(words) > 200:
            raise InvalidInput("'search:' takes at most 200 characters")
        return ast.Search(words)

    def status(self, children: list[Token]) -> ast.Filter:
        return ast.StatusIs(children[1].lower())

    def not_(self, children: list[ast.Filter]) -> ast.Filter:
        return ast.Not(children[0])

    def and_(self, children: list[ast.Filter]) -> ast.Filter:
        return ast.And(_flat(ast.And, children))

    def or_(self, children: list[ast.Filter]) -> ast.Filter:
        return ast.Or(_flat(ast.Or, children))


def _flat(kind: type[ast.And | ast.Or], children: list[ast.Filter]) -> tuple[ast.Filter, ...]:
    """The operands, those of a parenthesized operand of the same kind taken in: (a & b) & c is
    a & b & c, so that a tree prints as a query that reads back as the same tree."""
    return tuple(x for c in children for x in (c.operands if isinstance(c, kind) else (c,)))


def _date_words(token: Token) -> str:
    """The date words after 'due before:' or 'due after:', checked to read as a date."""
    words = " ".join(token.split())
    read_when(words, now=datetime(2000, 1, 1, tzinfo=UTC), zone=UTC)  # raises InvalidInput
    return words
