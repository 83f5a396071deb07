"""Sync's changed tasks read as the API's JSON, built by the database (task_json): a page of
changed tasks is one Core statement answering one row, the JSON array text of [id, change
number, TaskPublic body, recurrence rule, anchor, ended reason] of each task, parsed once; no
ORM entity, relationship load, per-task row or pydantic model on the way.

The statement is built once per dialect and keyset shape and reused with bound parameters, so
the JSON body is never built or keyed again."""

from __future__ import annotations

import json
import uuid
from datetime import tzinfo
from typing import Any

from sqlalchemy import (
    BigInteger,
    ColumnElement,
    Integer,
    Select,
    Text,
    bindparam,
    cast,
    func,
    select,
    tuple_,
)
from sqlalchemy.dialects.postgresql import aggregate_order_by
from sqlalchemy.orm import Session

from taskai.adapters import orm, task_json
from taskai.adapters.task_reads import zone_name
from taskai.ports import ChangedTask

t = orm.tasks.c
_statements: dict[tuple[str, bool, bool], Select[Any]] = {}


def _statement(dialect: str, keyset: bool, bounded: bool) -> Select[Any]:
    """The changed-tasks statement of `dialect` with :user_id, :seq, :limit and :zone bound,
    and :after (`keyset`: past that id of change :seq) and :upto (`bounded`) (built once)."""
    key = (dialect, keyset, bounded)
    if key not in _statements:
        seq = bindparam("seq", type_=BigInteger)
        past = (
            tuple_(t.change_seq, t.id) > tuple_(seq, bindparam("after", type_=t.id.type))
            if keyset
            else t.change_seq > seq
        )
        found = (
            select(
                t.id.label("key"),
                task_json.text_id(dialect, t.id).label("id"),
                t.change_seq,
                task_json.body(dialect).label("body"),
                t.recurrence_rule,
                t.recurrence_anchor,
                t.recurrence_ended_reason,
            )
            .select_from(task_json.with_zone(orm.tasks))
            .where(t.user_id == bindparam("user_id"), past)
        )
        if bounded:
            found = found.where(t.change_seq <= bindparam("upto", type_=BigInteger))
        limit = bindparam("limit", type_=Integer)
        rows = found.order_by(t.change_seq, t.id).limit(limit).subquery("changed")
        c = rows.c
        page: ColumnElement[Any]
        if dialect == "postgresql":
            item = func.json_build_array(c.id, c.change_seq, c.body, *_recurrence(c))
            page = cast(func.json_agg(aggregate_order_by(item, c.change_seq, c.key)), Text)
        else:  # SQLite aggregates in the subquery's order (3.40 has no ORDER BY in aggregates)
            item = func.json_array(c.id, c.change_seq, func.json(c.body), *_recurrence(c))
            page = func.json_group_array(func.json(item))
        _statements[key] = select(page)
    return _statements[key]


def _recurrence(columns: Any) -> tuple[Any, ...]:
    """The recurrence rule, anchor and ended reason columns of the changed rows."""
    return (
        columns.recurrence_rule,
        columns.recurrence_anchor,
        columns.recurrence_ended_reason,
    )


def changed(
    session: Session,
    user_id: uuid.UUID,
    seq: int,
    *,
    after: uuid.UUID | None,
    limit: int,
    upto: int | None,
    zone: tzinfo,
) -> list[ChangedTask]:
    """Up to `limit` of the user's tasks changed after change number `seq` (or after task
    `after` of change `seq`; and at most at `upto`), by change then id, each with its TaskPublic
    body in `zone` (recurrence null: see ChangedTask)."""
    stmt = _statement(session.get_bind().dialect.name, after is not None, upto is not None)
    params: dict[str, Any] = {
        "user_id": user_id, "seq": seq, "limit": limit, task_json.ZONE: zone_name(zone)
    }
    task_json.in_zone(session.connection(), params[task_json.ZONE])
    if after is not None:
        params["after"] = after
    if upto is not None:
        params["upto"] = upto
    page = session.connection().execute(stmt, params).scalar()
    return [ChangedTask(*row) for row in json.loads(page or "[]")]
