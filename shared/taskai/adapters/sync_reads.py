"""Sync's changed tasks read as the API's JSON, built by the database (task_json): a page of
changed tasks costs one Core statement and one small row per task (keyset, JSON text and the
recurrence rule), with no ORM entity, relationship load or pydantic model on the way.

The statement is built once per dialect and keyset shape and reused with bound parameters, so
the JSON body is never built or keyed again."""

from __future__ import annotations

import uuid
from datetime import tzinfo
from typing import Any

from sqlalchemy import BigInteger, Integer, Select, Text, bindparam, cast, select, tuple_
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
        body = task_json.body(dialect)
        seq = bindparam("seq", type_=BigInteger)
        past = (
            tuple_(t.change_seq, t.id) > tuple_(seq, bindparam("after", type_=t.id.type))
            if keyset
            else t.change_seq > seq
        )
        stmt = (
            select(
                t.id,
                t.change_seq,
                cast(body, Text) if dialect == "postgresql" else body,
                t.recurrence_rule,
                t.recurrence_anchor,
                t.recurrence_ended_reason,
            )
            .select_from(task_json.with_zone(orm.tasks))
            .where(t.user_id == bindparam("user_id"), past)
        )
        if bounded:
            stmt = stmt.where(t.change_seq <= bindparam("upto", type_=BigInteger))
        limit = bindparam("limit", type_=Integer)
        _statements[key] = stmt.order_by(t.change_seq, t.id).limit(limit)
    return _statements[key]


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
    `after` of change `seq`; and at most at `upto`), by change then id, each as its TaskPublic
    JSON text in `zone` (recurrence null: see ChangedTask)."""
    stmt = _statement(session.get_bind().dialect.name, after is not None, upto is not None)
    params: dict[str, Any] = {
        "user_id": user_id, "seq": seq, "limit": limit, task_json.ZONE: zone_name(zone)
    }
    if after is not None:
        params["after"] = after
    if upto is not None:
        params["upto"] = upto
    return [ChangedTask(*row) for row in session.connection().execute(stmt, params)]
