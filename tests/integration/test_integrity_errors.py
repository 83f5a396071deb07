"""Every integrity constraint PostgreSQL enforces comes back as the DBAPI's IntegrityError, which
the unit of work turns into a 409: pg8000 makes only a unique violation one, so a broken
foreign key (an import's section of another project) was a 500."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import Engine, text
from sqlalchemy.exc import IntegrityError

from support import POSTGRES_URL, need
from taskai.adapters.db import make_engine

STATEMENTS = {
    "unique": "INSERT INTO integrity_checked VALUES (1, 1, NULL, 1)",
    "foreign key": "INSERT INTO integrity_checked VALUES (2, 1, 99, 1)",
    "not null": "INSERT INTO integrity_checked VALUES (3, NULL, NULL, 1)",
    "check": "INSERT INTO integrity_checked VALUES (4, 1, NULL, -1)",
}


@pytest.fixture
def engine() -> Iterator[Engine]:
    """An engine whose connections see a table of one row with each kind of constraint."""
    need("postgres", bool(POSTGRES_URL), "TEST_DATABASE_URL is not set")
    engine = make_engine(POSTGRES_URL, pool_size=1)
    with engine.begin() as conn:
        conn.execute(text("DROP TABLE IF EXISTS integrity_checked, integrity_referred"))
        conn.execute(text("CREATE TABLE integrity_referred (id int PRIMARY KEY)"))
        conn.execute(
            text(
                "CREATE TABLE integrity_checked (id int PRIMARY KEY, a int NOT NULL,"
                " ref int REFERENCES integrity_referred DEFERRABLE, n int CHECK (n > 0))"
            )
        )
        conn.execute(text("INSERT INTO integrity_checked VALUES (1, 1, NULL, 1)"))
    yield engine
    with engine.begin() as conn:
        conn.execute(text("DROP TABLE integrity_checked, integrity_referred"))
    engine.dispose()


@pytest.mark.parametrize("kind", STATEMENTS)
def test_a_violated_constraint_is_an_integrity_error_with_parameters_or_without(
    engine: Engine, kind: str
) -> None:
    for params in ({}, {"unused": 1}):  # the simple query path, then the prepared one
        statement = STATEMENTS[kind] + (" RETURNING :unused" if params else "")
        with engine.connect() as conn, pytest.raises(IntegrityError):
            conn.execute(text(statement), params)


def test_a_foreign_key_checked_at_commit_is_an_integrity_error(engine: Engine) -> None:
    with pytest.raises(IntegrityError), engine.begin() as conn:
        conn.execute(text("SET CONSTRAINTS ALL DEFERRED"))
        conn.execute(text(STATEMENTS["foreign key"]))
    with engine.connect() as conn:  # the connection is usable again, the row not there
        assert conn.execute(text("SELECT count(*) FROM integrity_checked")).scalar() == 1
