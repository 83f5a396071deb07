"""A task row as the API's TaskPublic JSON, built by the database: ids as text, times in the
owner's zone as pydantic writes them (`2031-01-01T10:00:00+01:00`, `Z` for UTC, microseconds
only when there are some), tags by name and reminders as created, so that a hot read hands the
database's text straight to the client. PostgreSQL writes times in its TimeZone setting, which
`in_zone` sets to the owner's zone for the reading transaction (one to_char a time, where naming
the zone in each conversion took seven); SQLite knows no zone rules, so it calls
`local_iso`/`local_day`, registered on each connection.

Only the recurrence's English text is not SQL's: the body carries `"recurrence": null`, and a
row with a rule is finished in Python (see task_reads.finish)."""

from __future__ import annotations

import logging
import threading
from datetime import UTC, datetime
from functools import lru_cache, reduce
from typing import Any
from weakref import WeakKeyDictionary
from zoneinfo import ZoneInfo

from sqlalchemy import (
    ColumnElement,
    Connection,
    SmallInteger,
    String,
    Text,
    bindparam,
    case,
    cast,
    extract,
    func,
    literal_column,
    select,
    true,
    type_coerce,
)
from sqlalchemy.dialects.postgresql import aggregate_order_by

from taskai.adapters import orm
from taskai.domain.tasks import PRIORITIES
from taskai.domain.vocabulary import TaskStatus

t, tt, g, r = orm.tasks.c, orm.task_tags.c, orm.tags.c, orm.reminders.c
sub = orm.tasks.alias("sub_json")
ZONE = "zone"  # the bound parameter naming the owner's IANA zone
# The zone bound once, as a one-row FROM the body's times read: a statement that names it in
# each of its dozens of times binds (and pg8000 converts) the same parameter dozens of times.
OWNER_ZONE = select(bindparam(ZONE, type_=String).label("zone")).subquery("owner_zone")
# PostgreSQL: the reading transaction's TimeZone, the zone its bodies' times are written in
_zoned: WeakKeyDictionary[Connection, str] = WeakKeyDictionary()  # a transaction's Connection
_unknown_zones: set[str] = set()  # zones the server lacked, warned of once
_unknown_zones_lock = threading.Lock()
log = logging.getLogger("taskai.task_json")


def set_zone(zone: ColumnElement[str]) -> ColumnElement[str]:
    """SQL setting PostgreSQL's TimeZone to `zone` until the transaction ends, answering the
    zone set: UTC when the server's time zone database lacks `zone` (migration 0018's
    tasks.set_time_zone); tell zone_was_set once it ran."""
    return func.tasks.set_time_zone(zone, type_=String)


SET_ZONE = select(set_zone(bindparam(ZONE, String)))


def zone_was_set(connection: Connection, zone: str, set_to: str) -> None:
    """Remember that the transaction of `connection` (a Connection lives one transaction in a
    Session) was asked for IANA `zone` by a statement of its own (set_zone), which answered
    `set_to`; warn, once per zone and process, when the server wrote UTC instead."""
    _zoned[connection] = zone
    if set_to != zone and zone not in _unknown_zones:
        with _unknown_zones_lock:  # a request and an event handler may meet the zone at once
            if zone in _unknown_zones:
                return
            _unknown_zones.add(zone)
        log.warning(
            "PostgreSQL's time zone database lacks %s: its users' task times read in UTC "
            "(the same instants) until the server's tzdata is updated",
            zone,
            extra={"zone": zone},
        )


def in_zone(connection: Connection, zone: str) -> None:
    """Have the PostgreSQL transaction of `connection` write times in IANA `zone` (its TimeZone
    until it ends; UTC when the server lacks the zone), unless it does already (SQLite: nothing
    to do). Statements built by `body` expect it."""
    if connection.dialect.name == "postgresql" and _zoned.get(connection) != zone:
        zone_was_set(connection, zone, connection.execute(SET_ZONE, {ZONE: zone}).scalar_one())


def body(dialect: str) -> ColumnElement[Any]:
    """The task's TaskPublic JSON (recurrence null), times in the zone bound as :zone: json on
    PostgreSQL (cast it to text to read it as such), JSON text on SQLite. The statement joins
    OWNER_ZONE (see with_zone)."""
    zone = OWNER_ZONE.c.zone
    pg = dialect == "postgresql"
    build, arr = (func.json_build_object, _pg_array) if pg else (func.json_object, _lite_array)
    iso = _pg_iso if pg else (lambda c: func.local_iso(c, zone))
    ident = (lambda c: c) if pg else _lite_uuid
    flag = (lambda c: c) if pg else _lite_bool
    day = func.to_char(t.due_at, _sql("YYYY-MM-DD")) if pg else func.local_day(t.due_at, zone)
    tags = arr(
        build(_sql("id"), ident(g.id), _sql("name"), g.name, _sql("color"), g.color),
        orm.task_tags.join(orm.tags, g.id == tt.tag_id),
        tt.task_id == t.id,
        g.key,
    )
    reminders = arr(
        build(
            *(_sql("id"), ident(r.id), _sql("minutes_before"), r.minutes_before),
            *(_sql("at"), iso(r.at), _sql("fire_at"), iso(r.fire_at), _sql("status"), r.status),
        ),
        orm.reminders,
        r.task_id == t.id,
        r.created_at,
    )
    of_task = sub.c.parent_id == t.id
    done = sub.c.status == TaskStatus.COMPLETED
    words: dict[Any, Any] = {
        literal_column(str(rank)): _sql(word) for rank, word in enumerate(PRIORITIES)
    }
    fields: dict[str, Any] = {
        "id": ident(t.id),
        "title": t.title,
        "description": t.description,
        "status": t.status,
        "priority": case(words, value=type_coerce(t.priority, SmallInteger)),
        "due_date": iso(t.due_at),
        "tags": tags,
        "recurrence": literal_column("NULL"),
        "series_id": ident(t.series_id),
        "occurrence": t.occurrence,
        "skipped": flag(t.skipped),
        "reminders": reminders,
        "created_at": iso(t.created_at),
        "updated_at": iso(t.updated_at),
        "completed_at": iso(t.completed_at),
        "notes": literal_column("NULL"),
        "all_day": flag(t.all_day),
        "due_on": case((t.all_day & t.due_at.is_not(None), day)),
        "project_id": ident(t.project_id),
        "section_id": ident(t.section_id),
        "parent_id": ident(t.parent_id),
        "position": t.position,
        "subtask_count": select(func.count()).where(of_task).scalar_subquery(),
        "completed_subtask_count": select(func.count()).where(of_task, done).scalar_subquery(),
    }
    return build(*(part for name, value in fields.items() for part in (_sql(name), value)))


def with_zone(source: Any) -> Any:
    """`source` (a table or join holding the tasks) joined to the one row of OWNER_ZONE."""
    return source.join(OWNER_ZONE, true())


def text_id(dialect: str, column: ColumnElement[Any]) -> ColumnElement[str]:
    """A Uuid column as its canonical text (no UUID object built on the way out)."""
    return cast(column, Text) if dialect == "postgresql" else _lite_uuid(column)


def _sql(text: str) -> ColumnElement[str]:
    """A constant string written into the statement (no bound parameter)."""
    return literal_column("'" + text.replace("'", "''") + "'", String)


def _cat(*parts: ColumnElement[Any]) -> ColumnElement[str]:
    """SQL's `a || b || ...` (NULL if any part is NULL)."""
    return reduce(lambda a, b: a.op("||", return_type=String)(b), parts)


def _pg_iso(column: ColumnElement[Any]) -> ColumnElement[str]:
    """A timestamptz as ISO 8601 in the session's TimeZone (see in_zone), pydantic's way: `Z`
    for a zero offset (an LMT offset of a few seconds is +00:00 there, so the offset itself is
    tested), microseconds only when there are some; NULL for NULL."""
    written = func.to_char(column, _sql('YYYY-MM-DD"T"HH24:MI:SS.US'))
    with_offset = func.to_char(column, _sql('YYYY-MM-DD"T"HH24:MI:SS.USTZH:TZM'))
    utc = extract("timezone", column) == literal_column("0")
    zero: Any = literal_column("'.000000'")
    return case(
        (utc, _cat(func.replace(written, zero, _sql("")), _sql("Z"))),
        else_=func.replace(with_offset, zero, _sql("")),
    )


def _pg_array(item: Any, source: Any, where: Any, order: Any) -> ColumnElement[Any]:
    """A JSON array of `item` over `source` rows matching `where`, by `order`; [] for none."""
    agg = select(func.json_agg(aggregate_order_by(item, order))).select_from(source).where(where)
    return func.coalesce(agg.scalar_subquery(), literal_column("'[]'::json"))


def _lite_array(item: Any, source: Any, where: Any, order: Any) -> ColumnElement[Any]:
    """SQLite's JSON array of `item` over `source` rows matching `where`, by `order`."""
    rows = select(item.label("item")).select_from(source).where(where).order_by(order)
    ordered = rows.correlate(orm.tasks, OWNER_ZONE).subquery()
    return func.json(select(func.json_group_array(func.json(ordered.c.item))).scalar_subquery())


def _lite_uuid(column: ColumnElement[Any]) -> ColumnElement[str]:
    """SQLite's 32 hex digits of a Uuid column in the canonical 8-4-4-4-12 form."""
    text = type_coerce(column, String)
    parts = [func.substr(text, start, size) for start, size in ((1, 8), (9, 4), (13, 4), (17, 4))]
    dashed = [piece for part in parts for piece in (part, _sql("-"))]
    return _cat(*dashed, func.substr(text, 21, 12))


def _lite_bool(column: ColumnElement[Any]) -> ColumnElement[Any]:
    """A SQLite 0/1 as JSON true/false."""
    return func.json(case((column, _sql("true")), else_=_sql("false")))


@lru_cache(maxsize=64)
def _zone(name: str) -> ZoneInfo:
    return ZoneInfo(name)


def iso(moment: datetime) -> str:
    """An aware datetime as pydantic writes it: `Z` for a zero offset, offset to the minute."""
    text = moment.replace(tzinfo=None).isoformat()
    offset = int(moment.utcoffset().total_seconds())  # type: ignore[union-attr]
    if offset == 0:
        return text + "Z"
    sign, offset = ("-", -offset) if offset < 0 else ("+", offset)
    return f"{text}{sign}{offset // 3600:02d}:{offset % 3600 // 60:02d}"


@lru_cache(maxsize=16_384)  # pure: a task listed again costs no datetime work
def local_iso(stored: str | None, zone: str) -> str | None:
    """SQLite's stored UTC text (`2031-01-01 09:00:00.000000`) as ISO 8601 in IANA `zone`."""
    if stored is None:
        return None
    return iso(datetime.fromisoformat(stored).replace(tzinfo=UTC).astimezone(_zone(zone)))


@lru_cache(maxsize=4_096)
def local_day(stored: str | None, zone: str) -> str | None:
    """SQLite's stored UTC text as the date (YYYY-MM-DD) it falls on in IANA `zone`."""
    if stored is None:
        return None
    moment = datetime.fromisoformat(stored).replace(tzinfo=UTC).astimezone(_zone(zone))
    return moment.date().isoformat()


def register_sqlite(dbapi_connection: Any) -> None:
    """Give a sqlite3 connection the zone functions the JSON body calls."""
    dbapi_connection.create_function("local_iso", 2, local_iso, deterministic=True)
    dbapi_connection.create_function("local_day", 2, local_day, deterministic=True)
