"""PostgreSQL databases the benchmarks own: create, drop, bulk COPY and VACUUM."""

from __future__ import annotations

import io
import sys
from datetime import datetime
from typing import Any

from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.pool import NullPool

from taskai.adapters.migrate import upgrade
from taskai.config import normalize_database_url


def sqlalchemy_url(url: str) -> URL:
    """A database URL as the library normalizes it (postgresql:// means pg8000)."""
    return make_url(normalize_database_url(url))


def admin_engine(url: URL) -> Engine:
    """An autocommit engine on the server's maintenance database (for CREATE/DROP DATABASE)."""
    return create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT",
                         poolclass=NullPool)


def drop_database(url: URL, force: bool = False, *, create: bool = False) -> None:
    """Drop url's database (and create it empty again if `create`); exits when its name lacks
    'bench' unless `force`, so that no one's data is dropped by mistake."""
    name = url.database or ""
    if "bench" not in name and not force:
        sys.exit(f"refusing to drop database {name!r}: its name lacks 'bench' (use --force-drop)")
    engine = admin_engine(url)
    with engine.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        if create:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    engine.dispose()


def recreate_database(url: URL, force: bool) -> None:
    """An empty database at url with TaskAI's newest schema (see drop_database for `force`)."""
    drop_database(url, force, create=True)
    upgrade(url.render_as_string(hide_password=False))


def copy_value(value: Any) -> str:
    """One value in COPY's text format."""
    if value is None:
        return r"\N"
    if isinstance(value, bool):
        return "t" if value else "f"
    if isinstance(value, datetime):
        return value.isoformat()
    text_value = str(value)
    return (text_value.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n")
            .replace("\r", "\\r"))


def copy_rows(engine: Engine, table: Any, rows: list[dict[str, Any]]) -> None:
    """COPY rows (dicts keyed by column name) into one of the library's tables; a column the
    rows do not name takes its server default (all_day, position, ...)."""
    if not rows:
        return
    columns = [c.name for c in table.columns if c.name in rows[0]]
    buffer = io.StringIO()
    for row in rows:
        buffer.write("\t".join(copy_value(row.get(name)) for name in columns))
        buffer.write("\n")
    buffer.seek(0)
    raw = engine.raw_connection()
    try:
        cursor = raw.cursor()
        cursor.execute("SET LOCAL statement_timeout = 0")  # a large COPY outlasts a request's
        copy = f"COPY {table.fullname} ({', '.join(columns)}) FROM STDIN"
        cursor.execute(copy, stream=buffer)  # type: ignore[call-arg]  # pg8000's COPY FROM
        raw.commit()
    finally:
        raw.close()



def analyze_database(url: URL) -> None:
    """VACUUM ANALYZE every table of url's database (outside any transaction)."""
    autocommit = create_engine(url, isolation_level="AUTOCOMMIT", poolclass=NullPool)
    with autocommit.connect() as conn:
        conn.execute(text("VACUUM (ANALYZE)"))
    autocommit.dispose()


def vacuum(engine: Engine) -> None:
    """VACUUM ANALYZE the tables the benchmark reads and writes (outside any transaction)."""
    autocommit = create_engine(engine.url, isolation_level="AUTOCOMMIT", poolclass=NullPool)
    with autocommit.connect() as conn:
        for table in ("users", "tasks.tasks", "tasks.tags", "tasks.task_tags", "tasks.reminders",
                      "events.outbox"):
            conn.execute(text(f"VACUUM (ANALYZE) {table}"))
    autocommit.dispose()

