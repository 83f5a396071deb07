"""The filter language compiled to one WHERE clause on both stores: each term a predicate on the
task row (never a query of its own), dates read in the owner's zone at `now`.

Every predicate is true or false, never NULL, so `!` keeps its meaning on tasks without a date
(`!today` includes them).
"""

from __future__ import annotations

import uuid
from datetime import datetime, tzinfo

from sqlalchemy import ColumnElement, and_, exists, not_, or_, select

from taskai.adapters import orm
from taskai.adapters.task_search import overdue_clause, tag_filter, text_match
from taskai.domain.filters import ast
from taskai.domain.filters.dates import days_from_today, read_when
from taskai.domain.names import name_key
from taskai.errors import InvalidInput

t = orm.tasks.c


def compile_filter(
    node: ast.Filter, *, user_id: uuid.UUID, now: datetime, zone: tzinfo, dialect: str
) -> ColumnElement[bool]:
    """The WHERE clause of `node` for `user_id`'s tasks, dates in `zone` at `now` (aware);
    raises InvalidInput (field `filter`) for a project or section that does not exist."""
    return _Compiler(user_id=user_id, now=now, zone=zone, dialect=dialect).clause(node)


def project_filter(name: str, user_id: uuid.UUID) -> ColumnElement[bool]:
    """Tasks in the user's project `name` (its name key: normalized, any case); a name the user
    has no project of matches nothing, as an unknown #tag does."""
    p = orm.projects.c
    mine = select(p.id).where(p.user_id == user_id, p.key == name_key(name))
    return t.project_id.in_(mine)


def section_filter(name: str, user_id: uuid.UUID) -> ColumnElement[bool]:
    """Tasks in a section `name` of any of the user's projects; never NULL (a task in no section
    is simply not in it), so `!` keeps its meaning."""
    c = orm.sections.c
    mine = select(c.id).where(c.user_id == user_id, c.key == name_key(name))
    return and_(t.section_id.is_not(None), t.section_id.in_(mine))


def revealing(node: ast.Filter, *, user_id: uuid.UUID, dialect: str) -> ColumnElement[bool] | None:
    """What the filter shows of archived projects (None: nothing): the tasks its `search:`,
    `+project` and `/section` terms match, as a search or a project's own list shows them."""
    found: list[ColumnElement[bool]] = []
    pending = [node]
    while pending:
        match pending.pop():
            case ast.And(operands) | ast.Or(operands):
                pending.extend(operands)
            case ast.Not(operand):
                pending.append(operand)
            case ast.Search(words):
                found.append(text_match(words, dialect))
            case ast.InProject(name):
                found.append(project_filter(name, user_id))
            case ast.InSection(name):
                found.append(section_filter(name, user_id))
    return or_(*found) if found else None


class _Compiler:
    """One compilation: the owner, the clock and zone, and the store's dialect."""

    def __init__(self, *, user_id: uuid.UUID, now: datetime, zone: tzinfo, dialect: str) -> None:
        self.user_id, self.now, self.zone, self.dialect = user_id, now, zone, dialect

    def clause(self, node: ast.Filter) -> ColumnElement[bool]:
        """The predicate of one node of the tree."""
        match node:
            case ast.And(operands):
                return and_(*(self.clause(o) for o in operands))
            case ast.Or(operands):
                return or_(*(self.clause(o) for o in operands))
            case ast.Not(operand):
                return not_(self.clause(operand))
        return self.term(node)

    def term(self, node: ast.Filter) -> ColumnElement[bool]:
        """The predicate of one term."""
        match node:
            case ast.Today():
                return self.due_within(*days_from_today(self.now, self.zone, 0, 1))
            case ast.Tomorrow():
                return self.due_within(*days_from_today(self.now, self.zone, 1, 1))
            case ast.NextDays(days):
                return self.due_within(*days_from_today(self.now, self.zone, 0, days))
            case ast.DueBefore(when):
                start, _ = self.read(when)
                return and_(t.due_at.is_not(None), t.due_at < start)
            case ast.DueAfter(when):
                _, end = self.read(when)
                return and_(t.due_at.is_not(None), t.due_at >= end)
            case ast.Overdue():
                today_start = days_from_today(self.now, self.zone, 0, 1)[0]
                return and_(t.due_at.is_not(None), overdue_clause(self.now, today_start))
            case ast.NoDate():
                return t.due_at.is_(None)
            case ast.PriorityIs(priority):
                return t.priority == priority
            case ast.StatusIs(status):
                return t.status == status
            case ast.Recurring():
                return t.recurrence_rule.is_not(None)
            case ast.Subtask():
                return t.parent_id.is_not(None)
            case ast.HasTag(name):
                return tag_filter((name,), "any", self.user_id)
            case ast.NoTags():
                return ~exists().where(orm.task_tags.c.task_id == t.id)
            case ast.Search(words):
                return text_match(words, self.dialect)
            case ast.InProject(name):
                return project_filter(name, self.user_id)
            case ast.InSection(name):
                return section_filter(name, self.user_id)
        raise AssertionError(f"no predicate for {node!r}")  # pragma: no cover

    def due_within(self, start: datetime, end: datetime) -> ColumnElement[bool]:
        """Due in [start, end)."""
        return and_(t.due_at.is_not(None), t.due_at >= start, t.due_at < end)

    def read(self, when: str) -> tuple[datetime, datetime]:
        """[start, end) of date words, the error naming the `filter` field."""
        try:
            return read_when(when, now=self.now, zone=self.zone)
        except InvalidInput as e:
            raise InvalidInput(str(e), fields={"filter": str(e)}) from e
