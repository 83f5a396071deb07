"""Engines: PostgreSQL through pg8000, or the embedded SQLite file, with the same tables."""

from __future__ import annotations

import os
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url

SCHEMAS = ("tasks", "events", "notifications", "audit")
SQLITE_SCHEMAS: dict[str | None, str | None] = dict.fromkeys(SCHEMAS)  # all in the one file


def make_engine(url: str, *, pool_size: int = 10) -> Engine:
    """An engine for `url`; SQLite gets WAL, foreign keys and write transactions that queue."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        engine = create_engine(
            url,
            pool_size=pool_size,
            max_overflow=pool_size,
            pool_pre_ping=True,
            pool_recycle=1800,
        )
        if parsed.get_driver_name() == "pg8000":
            event.listen(engine, "connect", _pg8000_connect)
        return engine
    if parsed.database and parsed.database != ":memory:":
        private_file(Path(parsed.database))
    engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30})
    event.listen(engine, "connect", _sqlite_connect)
    event.listen(engine, "begin", _sqlite_begin)
    return engine.execution_options(schema_translate_map=SQLITE_SCHEMAS)


def private_file(path: Path) -> None:
    """Only the owner may read the embedded database: its folder 0700, the file 0600 (SQLite
    gives its -wal and -shm files the database file's mode)."""
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    path.parent.chmod(0o700)
    os.close(os.open(path, os.O_CREAT | os.O_RDWR, 0o600))
    path.chmod(0o600)


TIMESTAMPTZ_OID = 1184


def _pg8000_connect(dbapi_connection: Any, _record: Any) -> None:
    dbapi_connection.register_in_adapter(TIMESTAMPTZ_OID, timestamptz_in)


def timestamptz_in(text: str) -> datetime | str:
    """PostgreSQL's timestamptz text as an aware datetime, without pg8000's slow strptime."""
    try:
        return datetime.fromisoformat(text)
    except ValueError:  # infinity, or a year past 9999: pg8000's own rules
        from pg8000.converters import timestamptz_in as pg8000_timestamptz_in

        return pg8000_timestamptz_in(text)


def _sqlite_connect(dbapi_connection: Any, _record: Any) -> None:
    dbapi_connection.isolation_level = None  # let "begin" below open the transaction
    cursor = dbapi_connection.cursor()
    for pragma in (
        "journal_mode=WAL",
        "foreign_keys=ON",
        "synchronous=NORMAL",
        "busy_timeout=30000",
    ):
        cursor.execute(f"PRAGMA {pragma}")
    cursor.close()


def _sqlite_begin(connection: Any) -> None:
    # IMMEDIATE takes the write lock up front: two writers queue instead of one failing with
    # "database is locked" when its read transaction tries to become a write.
    connection.exec_driver_sql("BEGIN IMMEDIATE")
