"""A page's query as a shape and its values: the shape (which filters are present, the search's
kind, sort, direction, cursor or not) decides the SQL, built once per shape with a named bound
parameter for every value; the values are a parameter dict read off the query per request. A
request then builds no expression tree and computes no cache key.

The filter language (`filter=`) is the exception: its terms carry values of their own (tag
names, dates read at `now`), so a query with one has its WHERE built per request (`language`)."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any, NamedTuple

from sqlalchemy import (
    ColumnElement,
    Integer,
    Select,
    String,
    bindparam,
    or_,
    select,
    tuple_,
)

from taskai.adapters import orm
from taskai.adapters.task_search import (
    decode_cursor,
    overdue_clause,
    search_terms,
    searched,
    sort_key,
    tag_keys,
    tagged,
)
from taskai.domain.queries import TaskQuery

t = orm.tasks.c
USER = "user_id"  # the bound parameter of the owner's id
CUT_SIZE = "cut_size"  # the bound parameter of how many rows the cut picks (a page and one)


class Shape(NamedTuple):
    """What decides the SQL of a page's cut, and no value: which filters are present (the
    three-way ones as None, True or False), the search's kind (None: no search), the sort."""

    dialect: str
    statuses: bool
    priorities: bool
    due_before: bool
    due_after: bool
    overdue: bool | None
    no_due: bool | None
    recurring: bool | None
    series: bool
    tags: str | None  # the tag mode; None without tags
    project: bool
    section: bool
    parent: bool
    language: bool  # a filter-language tree: its clause is built per request
    search: str | None  # "whole", "prefix", "started" or "nothing" (task_search.search_terms)
    sort: str
    descending: bool
    cursor: bool


def plan(
    query: TaskQuery, user_id: uuid.UUID, now: datetime, dialect: str
) -> tuple[Shape, dict[str, Any]]:
    """The query's shape and its values by bound-parameter name (the cursor's among them);
    raises InvalidInput for a malformed cursor and Conflict for one of another order."""
    values: dict[str, Any] = {USER: user_id, CUT_SIZE: query.limit + 1}
    optional = {
        "statuses": list(query.statuses) or None,
        "priorities": list(query.priorities) or None,
        "due_before": query.due_before or None,
        "due_after": query.due_after or None,
        "series_id": uuid.UUID(query.series_id) if query.series_id else None,
        "project_id": uuid.UUID(query.project_id) if query.project_id else None,
        "section_id": uuid.UUID(query.section_id) if query.section_id else None,
        "parent_id": uuid.UUID(query.parent_id) if query.parent_id else None,
    }
    values.update((name, value) for name, value in optional.items() if value is not None)
    if query.overdue is not None:
        values.update(now=now, today_start=query.today_start or now)
    if query.tags:
        keys = tag_keys(query.tags)
        values["tag_keys"] = keys
        if query.tag_mode == "all":
            values["tag_count"] = len(keys)
    search = None
    if query.text:
        search, terms = search_terms(query.text, dialect)
        values.update(terms)
    sort = query.sort if query.sort != "relevance" or search is not None else "created"
    descending = query.descending if sort != "relevance" else not query.descending
    if query.cursor:
        values["after_key"], values["after_id"] = decode_cursor(query.cursor, sort, descending)
    shape = Shape(
        dialect=dialect,
        statuses="statuses" in values,
        priorities="priorities" in values,
        due_before="due_before" in values,
        due_after="due_after" in values,
        overdue=query.overdue,
        no_due=query.no_due,
        recurring=query.recurring,
        series="series_id" in values,
        tags=query.tag_mode if query.tags else None,
        project="project_id" in values,
        section="section_id" in values,
        parent="parent_id" in values,
        language=query.filter is not None,
        search=search,
        sort=sort,
        descending=descending,
        cursor=bool(query.cursor),
    )
    return shape, values


def cut(shape: Shape, language: tuple[Any, Any] | None = None) -> Select[Any]:
    """SELECT id, sort_key of the owner's tasks the shape picks, in its order, a page and one
    more (LIMIT :cut_size), every value a named bound parameter (see plan); `language` is the
    filter language's clause and what it shows of archived projects (None: nothing)."""
    where = [t.user_id == bindparam(USER), *_filters(shape, language)]
    stmt = select(t.id).where(*where)
    rank: ColumnElement[Any] | None = None
    if shape.search is not None:
        names = ("q", "head", "prefix", "whole", "match")
        terms = {name: bindparam(name, type_=String) for name in names}
        stmt, rank = searched(stmt, shape.dialect, shape.search, terms)
    key = sort_key(shape.sort, rank, shape.descending)
    if shape.cursor:
        position = tuple_(key, t.id)
        after = tuple_(
            bindparam("after_key", type_=key.type), bindparam("after_id", type_=t.id.type)
        )
        stmt = stmt.where(position < after if shape.descending else position > after)
    order = (key.desc(), t.id.desc()) if shape.descending else (key.asc(), t.id.asc())
    stmt = stmt.add_columns(key.label("sort_key")).order_by(*order)
    return stmt.limit(bindparam(CUT_SIZE, type_=Integer))


def _filters(shape: Shape, language: tuple[Any, Any] | None) -> list[ColumnElement[bool]]:
    """The WHERE clauses of the shape's filters (the filter language's `language` first)."""
    where: list[ColumnElement[bool]] = [] if language is None else [language[0]]
    if shape.statuses:
        where.append(t.status.in_(bindparam("statuses", expanding=True)))
    if shape.priorities:
        where.append(t.priority.in_(bindparam("priorities", expanding=True)))
    if shape.due_before:
        where.append(t.due_at < bindparam("due_before"))
    if shape.due_after:
        where.append(t.due_at >= bindparam("due_after"))
    if shape.overdue is not None:
        overdue = overdue_clause(bindparam("now"), bindparam("today_start"))
        where.append(overdue if shape.overdue else or_(t.due_at.is_(None), ~overdue))
    if shape.no_due is not None:
        where.append(t.due_at.is_(None) if shape.no_due else t.due_at.is_not(None))
    if shape.recurring is not None:
        recurring = t.recurrence_rule.is_not(None)
        where.append(recurring if shape.recurring else ~recurring)
    if shape.series:
        where.append(t.series_id == bindparam("series_id"))
    if shape.tags is not None:
        count = bindparam("tag_count", type_=Integer) if shape.tags == "all" else None
        where.append(tagged(bindparam("tag_keys", expanding=True), bindparam(USER), count))
    return where + _places(shape, None if language is None else language[1])


def _places(shape: Shape, shown: Any) -> list[ColumnElement[bool]]:
    """Tasks of the project, section or parent asked for; otherwise, unless searching, none of
    an archived project's but those the filter language shows (`shown`: `search:`, `+project`)."""
    where: list[ColumnElement[bool]] = []
    if shape.project:
        where.append(t.project_id == bindparam("project_id"))
    if shape.section:
        where.append(t.section_id == bindparam("section_id"))
    if shape.parent:  # subtasks (#16)
        where.append(t.parent_id == bindparam("parent_id"))
    if where or shape.search is not None:
        return where
    p = orm.projects.c
    archived = select(p.id).where(p.user_id == bindparam(USER), p.archived)
    visible: ColumnElement[bool] = t.project_id.not_in(archived)
    return [visible if shown is None else or_(visible, shown)]
