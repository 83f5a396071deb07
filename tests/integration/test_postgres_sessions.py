"""What every PostgreSQL connection of the engine asks for in its startup packet."""

from __future__ import annotations

from sqlalchemy import text

from support import POSTGRES_URL, need
from taskai.adapters.db import make_engine


def test_prepared_statements_are_planned_for_their_values_every_time() -> None:
    # A generic plan of the one-row page statement (owner, tags and page size unknown) made a
    # tag-filtered list under `taskai serve` ten times slower after its fifth run.
    need("postgres", bool(POSTGRES_URL), "TEST_DATABASE_URL is not set")
    engine = make_engine(POSTGRES_URL, pool_size=1, statement_timeout_s=7)
    try:
        with engine.connect() as conn:
            settings = conn.execute(
                text("SELECT name, setting FROM pg_settings WHERE name = ANY(:names)"),
                {"names": ["plan_cache_mode", "statement_timeout"]},
            ).all()
    finally:
        engine.dispose()
    assert dict(settings) == {"plan_cache_mode": "force_custom_plan", "statement_timeout": "7000"}
