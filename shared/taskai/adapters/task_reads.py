"""The hot reads (list, search, get) as one Core statement each, answering with the API's JSON
built by the database (task_json) and handed to the client as it is, with no ORM entity, UUID,
datetime or pydantic model on the way: `get` reads the task's row, a page one row holding the
JSON array of its tasks and what its cursor needs (Python iterates no row). The export
(`every`) still reads rows as TaskViews, with tags and reminders as JSON aggregated in SQL.

Each statement is built once per shape and reused with bound parameters: `get` has one shape
per dialect; a page is cut by a small "which tasks, in what order" statement (the filters and
ranking of task_search) built once per task_shapes.Shape, so a request builds no expression and
computes no cache key. A filter-language query builds its cut per request, and the cut's
SQLAlchemy cache key (its shape, with this request's values) finds the page statement."""

from __future__ import annotations

import json
import uuid
from collections.abc import Sequence
from datetime import UTC, datetime, tzinfo
from functools import lru_cache
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Select,
    Text,
    bindparam,
    case,
    cast,
    func,
    select,
)
from sqlalchemy.dialects.postgresql import aggregate_order_by
from sqlalchemy.orm import Session
from sqlalchemy.util import LRUCache

from taskai.adapters import orm, task_json
from taskai.adapters.task_filters import compile_filter, revealing
from taskai.adapters.task_search import encode_cursor
from taskai.adapters.task_shapes import Shape, cut, plan
from taskai.domain.queries import Page, TaskQuery
from taskai.domain.recurrence import Recurrence
from taskai.domain.vocabulary import Priority, TaskStatus
from taskai.errors import NotFound
from taskai.ports import ReminderView, TagView, TaskView

t, tt, g, r = orm.tasks.c, orm.task_tags.c, orm.tags.c, orm.reminders.c
COLUMNS = (
    t.id,
    t.title,
    t.description,
    t.status,
    t.priority,
    t.due_at,
    t.recurrence_rule,
    t.recurrence_anchor,
    t.recurrence_ended_reason,
    t.series_id,
    t.occurrence,
    t.skipped,
    t.created_at,
    t.updated_at,
    t.completed_at,
    t.all_day,  # all-day tasks (#16)
    t.project_id,  # projects and sections
    t.section_id,
    t.parent_id,  # subtasks and manual order (#16)
    t.position,
)
sub = orm.tasks.alias("sub")


def _aggregated(dialect: str) -> tuple[ColumnElement[Any], ...]:
    """The task's tags and reminders, each one JSON array of arrays (NULL when none), and the
    counts of its subtasks and of its completed ones."""
    agg, array = (
        (func.json_agg, func.json_build_array)
        if dialect == "postgresql"
        else (func.json_group_array, func.json_array)
    )
    tags = (
        select(agg(array(g.id, g.name, g.key, g.color)))
        .select_from(orm.task_tags.join(orm.tags, g.id == tt.tag_id))
        .where(tt.task_id == t.id)
        .scalar_subquery()
    )
    reminders = (
        select(agg(array(r.id, r.minutes_before, r.at, r.fire_at, r.status, r.created_at)))
        .where(r.task_id == t.id)
        .scalar_subquery()
    )
    of_task = sub.c.parent_id == t.id
    subtasks = select(func.count()).where(of_task).scalar_subquery()
    done = sub.c.status == TaskStatus.COMPLETED
    completed = select(func.count()).where(of_task, done).scalar_subquery()
    return (
        tags.label("tags"),
        reminders.label("reminders"),
        subtasks.label("subtask_count"),
        completed.label("completed_subtask_count"),
    )


# Page statements kept per process, the most recently used. Shapes are finite (a dialect, 12
# filters present or not, 4 search kinds, 7 sorts, 2 directions, cursor or not) but multiply
# to millions; a client uses a handful, so 500 holds every one in use.
SHAPES = 500
PAGE_SIZE = "page_size"  # the bound parameter of how many tasks a page shows


class Reused:
    """A statement built once and run many times, its compiled form kept beside it (as its
    `compiled_cache`): found without hashing SQLAlchemy's cache key of the whole statement, a
    deep tuple whose hash costs about 0.1 ms per run of a page statement. One compiled form is
    kept, for the last engine that ran it (a process has one engine per store)."""

    __slots__ = ("_compiled", "statement")

    def __init__(self, statement: Select[Any]) -> None:
        self.statement = statement
        self._compiled: tuple[Any, Any] = (None, None)

    def run(self, session: Session, params: dict[str, Any]) -> Any:
        """The CursorResult of the statement with `params`, in the session's transaction."""
        options = {"compiled_cache": self}
        return session.connection().execute(self.statement, params, execution_options=options)

    def get(self, key: tuple[Any, ...], default: Any = None) -> Any:
        """SQLAlchemy's lookup of (dialect, statement key, column keys, schema map?, many?):
        the compiled form if it was made for the same all but the statement key (this one)."""
        made_for, compiled = self._compiled
        return compiled if made_for == (key[0], *key[2:]) else default

    def __setitem__(self, key: tuple[Any, ...], compiled: Any) -> None:
        self._compiled = ((key[0], *key[2:]), compiled)


_views: dict[str, Reused] = {}
_shaped: LRUCache[Shape, Reused] = LRUCache(SHAPES)
_pages: LRUCache[tuple[str, Any], tuple[Reused, list[str]]] = LRUCache(SHAPES)


def _with_task_columns(dialect: str, cut: Select[Any]) -> Select[Any]:
    """`cut` selecting the TaskView columns, then its own columns after its first (the id)."""
    columns = (*COLUMNS, *_aggregated(dialect), *cut.selected_columns[1:])
    return cut.with_only_columns(*columns)


def _view_statement(dialect: str) -> Reused:
    """The get statement of `dialect` (the task's id, JSON text and recurrence), with :task_id,
    :user_id and :zone bound (built once)."""
    if dialect not in _views:
        body = task_json.body(dialect)
        _views[dialect] = Reused(select(
            task_json.text_id(dialect, t.id),
            cast(body, Text) if dialect == "postgresql" else body,
            t.recurrence_rule,
            t.recurrence_anchor,
            t.recurrence_ended_reason,
        ).select_from(task_json.with_zone(orm.tasks)).where(
            t.id == bindparam("task_id"), t.user_id == bindparam("user_id")
        ))
    return _views[dialect]


def _page_statement(
    dialect: str, cut: Select[Any], descending: bool
) -> tuple[Reused, dict[str, Any]]:
    """The page statement for `cut` (SELECT id, sort_key ... ORDER BY ... LIMIT), built once
    per shape of `cut` (see _paged), and the parameters that give it this cut's values."""
    key = cut._generate_cache_key()  # the shape, and this request's values in a fixed order
    if key is None:  # a construct SQLAlchemy cannot cache: built for this request alone
        return Reused(_paged(dialect, cut, descending)), {}
    shape = (dialect, key.key)
    found = _pages.get(shape)
    if found is None:
        found = (Reused(_paged(dialect, cut, descending)), [bp.key for bp in key.bindparams])
        _pages[shape] = found
    stmt, names = found
    return stmt, {name: bp.effective_value for name, bp in zip(names, key.bindparams, strict=True)}


def _paged(dialect: str, cut: Select[Any], descending: bool) -> Select[Any]:
    """`cut`, a page and one row more by (sort_key, id) up or down (`descending`), as one row:
    the JSON array text of the first :page_size tasks' bodies (NULL on PostgreSQL when none),
    how many rows the cut found, the sort key and text id of the page's last task, and
    [n, rule, anchor, ended] of its recurring tasks (n from 1; NULL when none), so that no row
    is read or parsed per task."""
    found = cut.subquery("cut")
    columns = (found.c.sort_key, found.c.id)
    order = [c.desc() for c in columns] if descending else [c.asc() for c in columns]
    n = func.row_number().over(order_by=order).label("n")
    recurrence = (t.recurrence_rule, t.recurrence_anchor, t.recurrence_ended_reason)
    body = task_json.body(dialect).label("body")
    task_id = task_json.text_id(dialect, t.id).label("id")
    page = (
        select(body, task_id, found.c.sort_key, n, *recurrence)
        .select_from(task_json.with_zone(found.join(orm.tasks, t.id == found.c.id)))
        .order_by(n)  # SQLite aggregates in this order (3.40 has no ORDER BY in aggregates)
        .subquery("page")
    )
    shown, last = page.c.n <= bindparam(PAGE_SIZE), page.c.n == bindparam(PAGE_SIZE)
    recurring = (page.c.n, page.c.recurrence_rule, page.c.recurrence_anchor,
                 page.c.recurrence_ended_reason)
    items: ColumnElement[Any]
    if dialect == "postgresql":
        items = cast(func.json_agg(aggregate_order_by(page.c.body, page.c.n)).filter(shown), Text)
        rules = func.json_agg(func.json_build_array(*recurring))
    else:
        items = func.json_group_array(func.json(page.c.body)).filter(shown)
        rules = func.json_group_array(func.json_array(*recurring))
    return select(
        items,
        func.count(),
        func.max(case((last, page.c.sort_key))),
        func.max(case((last, page.c.id))),
        rules.filter(shown, page.c.recurrence_rule.is_not(None)),
    )


def finish(row: Sequence[Any]) -> str:
    """A row of (id, body, rule, anchor, ended reason) as the task's JSON text: the body itself,
    or for a recurring task the body with its recurrence and the rule in words."""
    _, text, rule, anchor, ended = row
    if rule is None:
        return str(text)
    task = json.loads(text)
    task["recurrence"] = _recurrence(rule, anchor, ended)
    return json.dumps(task, separators=(",", ":"), ensure_ascii=False)


def _finish_page(items: str, recurring: list[list[Any]]) -> str:
    """A page's JSON array text with each recurring task's recurrence, [n, rule, anchor, ended]
    naming the n-th task from 1; the text itself when none recurs."""
    if not recurring:
        return items
    tasks = json.loads(items)
    for n, rule, anchor, ended in recurring:
        tasks[n - 1]["recurrence"] = _recurrence(rule, anchor, ended)
    return json.dumps(tasks, separators=(",", ":"), ensure_ascii=False)


def _recurrence(rule: str, anchor: str, ended: str | None) -> dict[str, Any]:
    """RecurrencePublic of a rule and its anchor, the rule in English words."""
    return {"rule": rule, "anchor": anchor, "text": _describe(rule, anchor), "ended_reason": ended}


@lru_cache(maxsize=1024)
def _describe(rule: str, anchor: str) -> str:
    """The rule in English words (as RecurrencePublic.text)."""
    return Recurrence(rule=rule, anchor=anchor).describe()


def zone_name(zone: tzinfo) -> str:
    """The IANA name the database renders times in: the zone's key, UTC for a fixed UTC."""
    return getattr(zone, "key", None) or "UTC"


def _json(value: Any) -> list[Any]:
    """An aggregated column: pg8000 parses json itself, SQLite hands back text, none is NULL."""
    if value is None:
        return []
    return list(json.loads(value) if isinstance(value, str) else value)


def _moment(text: str | None) -> datetime | None:
    """A time out of JSON: PostgreSQL writes it with its offset, SQLite as naive UTC text."""
    if text is None:
        return None
    moment = datetime.fromisoformat(text)
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def task_view(row: Sequence[Any]) -> TaskView:
    """One row of the read statement as the TaskView it shows."""
    task_id, title, description, status, priority, due_at, rule, anchor, ended = row[:9]
    series_id, occurrence, skipped, created, updated, completed = row[9:15]
    all_day, project, section, parent, position, tags, reminders = row[15:22]
    subtasks, completed_subtasks = row[22:24]
    items = sorted(_json(reminders), key=lambda item: item[5])  # oldest first, as created
    return TaskView(
        id=task_id,
        title=title,
        description=description,
        status=TaskStatus(status),
        priority=Priority(priority),
        due_at=due_at,
        recurrence_rule=rule,
        recurrence_anchor=anchor,
        recurrence_ended_reason=ended,
        series_id=series_id,
        occurrence=occurrence,
        skipped=skipped,
        created_at=created,
        updated_at=updated,
        completed_at=completed,
        tags=[TagView(uuid.UUID(i), name, key, color) for i, name, key, color in _json(tags)],
        reminders=[
            ReminderView(uuid.UUID(i), minutes, _moment(at), _moment(fire), status)  # type: ignore[arg-type]
            for i, minutes, at, fire, status, _ in items
        ],
        all_day=all_day,
        project_id=project,
        section_id=section,
        parent_id=parent,
        position=position,
        subtask_count=subtasks,
        completed_subtask_count=completed_subtasks,
    )


def view(session: Session, user_id: uuid.UUID, task_id: uuid.UUID, zone: tzinfo) -> str:
    """One of the user's tasks as its TaskPublic JSON text, times in `zone`; raises NotFound."""
    zone_text = zone_name(zone)
    params = {"task_id": task_id, "user_id": user_id, task_json.ZONE: zone_text}
    task_json.in_zone(session.connection(), zone_text)
    row = _view_statement(session.get_bind().dialect.name).run(session, params).first()
    if row is None:
        raise NotFound("task not found", fields={"id": "no such task"})
    return finish(row)


def page(session: Session, user_id: uuid.UUID, query: TaskQuery, *, now: datetime) -> Page:
    """One page of the user's tasks matching `query` (filtered, searched and ordered by
    task_search's rules) as the JSON array text of their TaskPublic, times in `query.zone`, and
    the cursor of the next page; raises InvalidInput for a bad cursor or filter date, Conflict
    for a cursor of another order."""
    dialect = session.get_bind().dialect.name
    if query.filter is None:
        shape, params = plan(query, user_id, now, dialect)
        stmt = _shaped.get(shape)
        if stmt is None:
            stmt = _shaped[shape] = Reused(_paged(dialect, cut(shape), shape.descending))
    else:
        shape, stmt, params = _language_page(dialect, query, user_id, now)
    params[task_json.ZONE] = zone_name(query.zone)
    params[PAGE_SIZE] = query.limit
    task_json.in_zone(session.connection(), params[task_json.ZONE])
    items, found, last_key, last_id, recurring = stmt.run(session, params).one()
    more = found > query.limit
    cursor = encode_cursor(shape.sort, shape.descending, last_key, last_id) if more else None
    return Page(items=_finish_page(items or "[]", _json(recurring)), next_cursor=cursor)


def _language_page(
    dialect: str, query: TaskQuery, user_id: uuid.UUID, now: datetime
) -> tuple[Shape, Reused, dict[str, Any]]:
    """The shape, page statement and parameters of a query with a filter-language tree, whose
    clause is built for this request (its terms carry values; the statement is found by its
    SQLAlchemy cache key, see _page_statement)."""
    assert query.filter is not None
    clause = compile_filter(query.filter, user_id=user_id, now=now, zone=query.zone,
                            dialect=dialect)
    shown = revealing(query.filter, user_id=user_id, dialect=dialect)
    shape, values = plan(query, user_id, now, dialect)
    stmt, params = _page_statement(dialect, cut(shape, (clause, shown)), shape.descending)
    return shape, stmt, params | values


# Import and export (issue 17): every task of a user, a page at a time, for the export stream.
def every(
    session: Session, user_id: uuid.UUID, *, after: uuid.UUID | None, limit: int
) -> list[TaskView]:
    """Up to `limit` of the user's tasks by id, those after id `after` (None: from the first)."""
    cut = select(t.id).where(t.user_id == user_id).order_by(t.id).limit(limit)
    if after is not None:
        cut = cut.where(t.id > after)
    stmt = _with_task_columns(session.get_bind().dialect.name, cut)
    return [task_view(row) for row in session.connection().execute(stmt)]
