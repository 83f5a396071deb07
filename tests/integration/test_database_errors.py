"""A database error names its statement, never the values bound to it: an import's failure
logged 1.4 MB of them, and a value may be a secret."""

from __future__ import annotations

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from support import POSTGRES_URL, need
from taskai.adapters.db import make_engine


@pytest.mark.parametrize("store", ["sqlite", "postgres"])
def test_a_failed_statement_does_not_carry_its_bound_values(store, tmp_path):
    if store == "postgres":
        need("postgres", bool(POSTGRES_URL), "TEST_DATABASE_URL is not set")
    url = POSTGRES_URL if store == "postgres" else f"sqlite:///{tmp_path / 'x.db'}"
    assert url
    engine = make_engine(url, pool_size=1)
    try:
        with pytest.raises(DBAPIError) as failed, engine.connect() as connection:
            connection.execute(text("SELECT * FROM no_such_table WHERE x = :x"), {"x": "hunter2"})
    finally:
        engine.dispose()
    assert "no_such_table" in str(failed.value)
    assert "hunter2" not in str(failed.value)
