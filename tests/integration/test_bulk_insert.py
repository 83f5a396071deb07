"""Bulk inserts (an import's thousands of rows) go as a few statements compiled once, on both
stores, and PostgreSQL keeps none of their large batches prepared."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Column, DateTime, Engine, Integer, MetaData, Table, Text, event, select, text
from sqlalchemy.sql import func

from support import POSTGRES_URL, need
from taskai.adapters.db import make_engine
from taskai.adapters.pg8000_prepared import MAX_PREPARED_PARAMS
from taskai.adapters.repository import insert_rows

ROWS = 2_345  # more than two of SQLAlchemy's batches of 1,000
START = datetime(2031, 1, 6, 9, 0, tzinfo=UTC)
probe = Table(
    "bulk_probe",
    MetaData(),
    Column("id", Integer, primary_key=True),
    Column("title", Text, nullable=False),
    Column("due_at", DateTime(timezone=True)),
)


def made(kind: str, tmp_path: Path) -> Iterator[Engine]:
    if kind == "postgres":
        need("postgres", bool(POSTGRES_URL), "TEST_DATABASE_URL is not set")
        assert POSTGRES_URL
        engine = make_engine(POSTGRES_URL, pool_size=1)
    else:
        engine = make_engine(f"sqlite:///{tmp_path / 'bulk.db'}", pool_size=1)
    probe.drop(engine, checkfirst=True)
    probe.create(engine)
    yield engine
    probe.drop(engine)
    engine.dispose()


@pytest.fixture(params=["sqlite", "postgres"])
def engine(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    yield from made(request.param, tmp_path)


@pytest.fixture
def postgres(tmp_path: Path) -> Iterator[Engine]:
    yield from made("postgres", tmp_path)


def rows(count: int) -> list[dict[str, Any]]:
    return [
        {"id": n, "title": f"row {n} 100% done", "due_at": START + timedelta(minutes=n)}
        for n in range(count)
    ]


def test_thousands_of_rows_go_in_whole_as_a_few_statements_compiled_once(engine: Engine) -> None:
    sent: list[tuple[str, Any]] = []
    event.listen(engine, "before_cursor_execute", lambda *a: sent.append((a[2], a[4])))
    with engine.begin() as connection:
        insert_rows(connection, probe, rows(ROWS)[:10])  # compiled here, then from the cache
        sent.clear()
        insert_rows(connection, probe, rows(ROWS)[10:])
    # PostgreSQL: three multi-row batches (1,000, 1,000, 335); SQLite: one executemany
    assert len(sent) == (3 if engine.dialect.name == "postgresql" else 1)
    assert {context.cache_hit for _, context in sent} == {engine.dialect.CACHE_HIT}
    with engine.connect() as connection:
        count, last, titles = connection.execute(
            select(func.count(), func.max(probe.c.id), func.count(probe.c.title.distinct()))
        ).one()
        due = connection.execute(select(probe.c.due_at).where(probe.c.id == ROWS - 1)).scalar()
    assert (count, last, titles) == (ROWS, ROWS - 1, ROWS)
    assert due is not None
    assert due.replace(tzinfo=due.tzinfo or UTC) == START + timedelta(minutes=ROWS - 1)


def test_one_row_goes_as_one_plain_insert(engine: Engine) -> None:
    with engine.begin() as connection:
        insert_rows(connection, probe, rows(1))
        assert connection.execute(select(probe.c.title)).scalar() == "row 0 100% done"


def test_postgresql_keeps_no_bulk_batch_prepared(postgres: Engine) -> None:
    with postgres.begin() as connection:
        for count in (ROWS, ROWS + 1, 3):  # two batch sizes past the bound, one under it
            insert_rows(connection, probe, rows(count))
            connection.execute(probe.delete())
        kept = connection.execute(
            text("SELECT cardinality(parameter_types) FROM pg_prepared_statements")
        ).scalars()
        sizes = sorted(kept)
    assert sizes, "small statements are still kept prepared"
    assert max(sizes) <= MAX_PREPARED_PARAMS
