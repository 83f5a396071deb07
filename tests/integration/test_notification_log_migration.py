"""Migration 0003: the notification log as the models describe it, on both databases."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import inspect

from support import POSTGRES_URL, need
from taskai.adapters.db import make_engine
from taskai.adapters.migrate import downgrade, upgrade
from taskai.adapters.orm import metadata


def columns(url: str, schema: str | None) -> dict[str, bool]:
    engine = make_engine(url, pool_size=1)
    try:
        found = inspect(engine).get_columns("notification_log", schema=schema)
        unique = inspect(engine).get_unique_constraints("notification_log", schema=schema)
    finally:
        engine.dispose()
    assert [u["column_names"] for u in unique] == [["reminder_id", "attempt"]]
    return {c["name"]: c["nullable"] for c in found}


def modelled() -> dict[str, bool]:
    table = metadata.tables["notifications.notification_log"]
    return {c.name: bool(c.nullable) for c in table.columns}


def test_on_sqlite_the_migration_creates_the_modelled_table_and_can_be_undone(tmp_path: Path):
    url = f"sqlite:///{tmp_path / 'taskai.db'}"
    upgrade(url)
    assert columns(url, None) == modelled()
    downgrade(url, "0002")
    engine = make_engine(url, pool_size=1)
    assert "notification_log" not in inspect(engine).get_table_names()
    engine.dispose()
    upgrade(url)
    assert columns(url, None) == modelled()


def test_on_postgresql_the_table_lives_in_the_notifications_schema_as_modelled():
    need("postgres", bool(POSTGRES_URL), "TEST_DATABASE_URL is not set")
    assert POSTGRES_URL
    upgrade(POSTGRES_URL)
    assert columns(POSTGRES_URL, "notifications") == modelled()
