"""Filtered, sorted, full-text-searched pages of tasks, with keyset cursors that stay stable."""

from __future__ import annotations

import base64
import json
import re
import uuid
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Numeric,
    Select,
    String,
    and_,
    case,
    false,
    func,
    literal,
    literal_column,
    or_,
    select,
    text,
)
from sqlalchemy.orm import Session

from taskai.adapters import orm
from taskai.domain.names import name_key
from taskai.domain.tasks import PRIORITIES
from taskai.errors import Conflict, InvalidInput

t = orm.tasks.c
# Tasks without a due date sort after all others whichever way: as if due at the end of time
# going up, at its start going down.
NEVER = datetime(9999, 12, 31, tzinfo=UTC)
ALWAYS = datetime(1, 1, 1, tzinfo=UTC)
WORD = re.compile(r"\w+", re.UNICODE)
LAST_WORD = re.compile(r"(?:^|[^\w-])(\w+)$", re.UNICODE)
MAX_TITLE = 500
MAX_RANK = 1e12  # relevance ranks are small; anything past this was not made here
VECTOR: ColumnElement[Any] = literal_column("tasks.tasks.search_vector")


def overdue_clause(now: Any, today_start: Any) -> ColumnElement[bool]:
    """Open tasks past due: due before `now`, or all-day and due before `today_start` (when the
    owner's day began, UTC), an all-day task being due its whole day (values or bound ones)."""
    all_day_past = or_(t.all_day.is_(False), t.due_at < today_start)  # today_start <= now
    return and_(t.due_at < now, all_day_past, t.status != "completed")


def tag_filter(names: tuple[str, ...], mode: str, user_id: uuid.UUID) -> ColumnElement[bool]:
    """Tasks carrying any (or all) of the named tags, names compared without case."""
    keys = tag_keys(names)
    return tagged(keys, user_id, len(keys) if mode == "all" else None)


def tag_keys(names: tuple[str, ...]) -> list[str]:
    """The distinct name keys of tag names, sorted."""
    return sorted({name_key(name) for name in names})


def tagged(keys: Any, user_id: Any, count: Any | None) -> ColumnElement[bool]:
    """Tasks carrying any of the user's tags of name `keys` (values or a bound parameter), or
    `count` of them when given (all of them: the number of keys)."""
    tt, tg = orm.task_tags.c, orm.tags.c
    matching = (
        select(tt.task_id)
        .join(orm.tags, tg.id == tt.tag_id)
        .where(tg.user_id == user_id, tg.key.in_(keys))
        .group_by(tt.task_id)
    )
    if count is not None:
        matching = matching.having(func.count() == count)
    return t.id.in_(matching)


def with_text_search(
    stmt: Select[Any], session: Session, text_query: str
) -> tuple[Select[Any], ColumnElement[Any]]:
    """`stmt` restricted to tasks matching `text_query` and their rank, the terms' values
    written in (see searched)."""
    dialect = session.get_bind().dialect.name
    kind, values = search_terms(text_query, dialect)
    terms = {name: literal(value, String) for name, value in values.items()}
    return searched(stmt, dialect, kind, terms)


def search_terms(text_query: str, dialect: str) -> tuple[str, dict[str, str]]:
    """The kind of a search, "whole" or "prefix" (its last word also a prefix: "repo" finds
    "report"; on PostgreSQL "started" when no word comes before it), or on SQLite "nothing" (no
    words), and its terms by name: on PostgreSQL the text `q`, and for a prefix the prefix
    `prefix` (`repo:*`) and the text before it `head` (none for "started": an empty tsquery,
    and a NOTICE in every answer); on SQLite FTS5 queries `whole` (whole words) and `match`
    (all matches)."""
    prefix = last_word_typed(text_query)
    if dialect == "postgresql":
        if prefix is None:
            return "whole", {"q": text_query}
        head = text_query[: -len(prefix)]
        if WORD.search(head) is None:
            return "started", {"q": text_query, "prefix": prefix + ":*"}
        return "prefix", {"q": text_query, "head": head, "prefix": prefix + ":*"}
    queries = _fts_queries(text_query, prefix)
    if queries is None:
        return "nothing", {}
    return ("whole" if prefix is None else "prefix"), {"whole": queries[0], "match": queries[1]}


def searched(
    stmt: Select[Any], dialect: str, kind: str, terms: dict[str, Any]
) -> tuple[Select[Any], ColumnElement[Any]]:
    """`stmt` restricted to tasks matching a search of `kind` whose `terms` (see search_terms;
    bound parameters or values) are given by name, and their rank: 1 + [0, 1) for whole-word
    matches and [0, 1) for prefix-only ones, title matches above description matches."""
    if dialect == "postgresql":
        return _postgres_search(stmt, kind, terms)
    return _sqlite_search(stmt, kind, terms)


def last_word_typed(text_query: str) -> str | None:
    """The word `text_query` ends in, which may be unfinished; None when it ends otherwise or
    the word is quoted or negated ("-word")."""
    found = LAST_WORD.search(text_query)
    if found is None or text_query.count('"') % 2:
        return None
    return found.group(1)


def _postgres_search(
    stmt: Select[Any], kind: str, terms: dict[str, Any]
) -> tuple[Select[Any], ColumnElement[Any]]:
    """searched on the generated tsvector (english stemming, title A, description B)."""
    whole, matching = _tsqueries(terms, kind)
    prefixed = kind != "whole"
    # 32: rank / (rank + 1), below 1. A whole-word match ranks by its whole words alone: a
    # prefix met elsewhere in the task ("report" in the title of a task whose description says
    # "repo") must not lift it above a task whose title holds the word itself.
    rank: ColumnElement[Any] = 1 + func.ts_rank_cd(VECTOR, whole, 32)
    if prefixed:
        rank = case((VECTOR.op("@@")(whole), rank), else_=func.ts_rank_cd(VECTOR, matching, 32))
    return stmt.where(_ts_found(matching, prefixed)), func.round(rank.cast(Numeric(12, 6)), 6)


def _tsqueries(terms: dict[str, Any], kind: str) -> tuple[ColumnElement[Any], ColumnElement[Any]]:
    """The tsqueries of whole-word matches and of all matches (the last word also a prefix,
    after the words before it, if any)."""
    english: ColumnElement[Any] = literal_column("'english'::regconfig")
    whole = func.websearch_to_tsquery(english, terms["q"])
    if kind == "whole":
        return whole, whole
    # Stemmed ("meetings" -> meet:*) or not (a stop word like "the" -> theater:*).
    started = func.to_tsquery(english, terms["prefix"]).op("||")(
        func.to_tsquery(literal_column("'simple'::regconfig"), terms["prefix"])
    )
    if kind == "started":
        return whole, whole.op("||")(started)
    head = func.websearch_to_tsquery(english, terms["head"])
    return whole, whole.op("||")(head.op("&&")(started))


def _ts_found(matching: ColumnElement[Any], prefixed: bool) -> ColumnElement[Any]:
    """The search vector matches. The function behind @@ hides a prefix from the planner: GIN
    would gather the prefix's matches of every user (35 ms at 1M tasks), where the user's own
    rows take well under 1 ms. Whole words use the GIN index on (user_id, search_vector)."""
    return func.ts_match_vq(VECTOR, matching) if prefixed else VECTOR.op("@@")(matching)


def _sqlite_search(
    stmt: Select[Any], kind: str, terms: dict[str, Any]
) -> tuple[Select[Any], ColumnElement[Any]]:
    """searched on the FTS5 table (porter stemming, bm25 weighting title 10:1)."""
    if kind == "nothing":  # as on PostgreSQL: a query of no words matches nothing
        return stmt.where(false()), literal(0.0)
    tier: ColumnElement[Any] = literal(1)
    if kind == "prefix":
        whole_hits: Select[Any] = select(literal_column("rowid")).select_from(
            func.tasks_fts(terms["whole"])
        )
        tier = case((literal_column("tasks_fts.rowid").in_(whole_hits), 1), else_=0)
    # Above 0: FTS5 floors each term's IDF at a small positive number.
    score: ColumnElement[Any] = literal_column("-bm25(tasks_fts, 10.0, 1.0)")
    hits = (
        select(
            literal_column("m.task_id").label("task_id"),
            (tier + score / (1 + score)).label("rank"),
        )
        .select_from(text("tasks_fts JOIN tasks_fts_map AS m ON m.fts_rowid = tasks_fts.rowid"))
        .where(literal_column("tasks_fts").op("MATCH")(terms["match"]))
        .subquery("hits")
    )
    stmt = stmt.join(hits, hits.c.task_id == t.id)
    return stmt, func.round(hits.c.rank, 6)


def _fts_queries(text_query: str, prefix: str | None) -> tuple[str, str] | None:
    """FTS5 queries of whole-word matches and of all matches (the last word also a prefix);
    None for a query of no words."""
    words = WORD.findall(text_query)
    if not words:
        return None
    whole = " ".join('"' + word + '"' for word in words)  # \w+ words: nothing to escape
    return whole, (f"({whole}) OR ({whole}*)" if prefix is not None else whole)


def text_match(text_query: str, dialect: str) -> ColumnElement[bool]:
    """Tasks matching `text_query` as `q` matches them (the last word also as a prefix), as one
    predicate without a rank: the filter language's `search:` term."""
    kind, values = search_terms(text_query, dialect)
    terms = {name: literal(value, String) for name, value in values.items()}
    if dialect == "postgresql":
        return _ts_found(_tsqueries(terms, kind)[1], kind != "whole")
    if kind == "nothing":
        return false()
    hits: Select[Any] = (
        select(literal_column("m.task_id"))
        .select_from(text("tasks_fts JOIN tasks_fts_map AS m ON m.fts_rowid = tasks_fts.rowid"))
        .where(literal_column("tasks_fts").op("MATCH")(terms["match"]))
    )
    return t.id.in_(hits)


def sort_key(sort: str, rank: ColumnElement[Any] | None, descending: bool) -> ColumnElement[Any]:
    """The column a sort orders by (ties are broken by id); no due date sorts last either way."""
    if sort == "relevance":
        assert rank is not None
        return rank
    no_due = ALWAYS if descending else NEVER
    return {
        "due": func.coalesce(t.due_at, literal(no_due, orm.UTCDateTime)),
        "priority": t.priority,
        "created": t.created_at,
        "updated": t.updated_at,
        "title": func.lower(t.title),
        "position": t.position,  # manual order (#16)
    }[sort]


def encode_cursor(sort: str, descending: bool, key: Any, task_id: uuid.UUID) -> str:
    """An opaque cursor holding the last row's sort key and id."""
    if isinstance(key, datetime):
        value: Any = {"t": key.astimezone(UTC).isoformat()}
    elif isinstance(key, str) and sort == "priority":
        value = PRIORITIES.index(key)
    else:
        value = float(key) if sort == "relevance" else key
    raw = json.dumps([sort, descending, value, str(task_id)], separators=(",", ":"))
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def decode_cursor(cursor: str, sort: str, descending: bool) -> tuple[Any, uuid.UUID]:
    """The (key, id) a cursor holds. One not made here (a wrong type inside, Infinity, a naive
    time, a huge number) is invalid input; a well-made one of another sort order, a conflict."""
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        parts = json.loads(raw, parse_constant=_refuse_constant)
        if not isinstance(parts, list) or len(parts) != 4 or not isinstance(parts[3], str):
            raise ValueError("a cursor is a list of four, ending with a task id")
        cursor_sort, cursor_desc, value, task_id = parts
        if (cursor_sort, cursor_desc) == (sort, descending):
            return _cursor_value(sort, value), uuid.UUID(task_id)
    except (ValueError, TypeError, KeyError, IndexError, OverflowError) as e:
        message = "invalid cursor; start again without one"
        raise InvalidInput(message, fields={"cursor": message}) from e
    message = "the cursor is of another sort or order; start again without one"
    raise Conflict(message, fields={"cursor": message})


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a cursor value")


def _cursor_value(sort: str, value: Any) -> Any:
    """The sort key of a cursor, checked to be of the type its sort compares."""
    if sort in ("due", "created", "updated"):
        if not isinstance(value, dict) or not isinstance(value.get("t"), str):
            raise ValueError("a time was expected")
        moment = datetime.fromisoformat(value["t"])
        if moment.tzinfo is None:
            raise ValueError("a cursor's time carries its offset")
        return moment.astimezone(UTC)
    if sort == "priority":
        if type(value) is not int or not 0 <= value < len(PRIORITIES):
            raise ValueError("a priority rank was expected")
        return PRIORITIES[value]
    if sort == "position":  # manual order (#16)
        if type(value) is not int or not abs(value) < 2**63:
            raise ValueError("a position was expected")
        return value
    if sort == "title":
        if not isinstance(value, str) or len(value) > MAX_TITLE:
            raise ValueError("a title was expected")
        return value
    if type(value) not in (int, float) or not abs(value) < MAX_RANK:
        raise ValueError("a rank was expected")
    return value
