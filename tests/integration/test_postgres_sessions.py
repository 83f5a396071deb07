"""What every PostgreSQL connection of the engine asks for in its startup packet, and how a
pooled one is checked before it is used again."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import Engine, event, text
from sqlalchemy.exc import DBAPIError

from support import POSTGRES_URL, need
from taskai.adapters.db import make_engine, unavailable


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


@pytest.fixture
def pools() -> Iterator[tuple[Engine, Engine]]:
    """An engine of one pooled connection, and another to watch and end its backends from."""
    need("postgres", bool(POSTGRES_URL), "TEST_DATABASE_URL is not set")
    engine, observer = make_engine(POSTGRES_URL, pool_size=1), make_engine(POSTGRES_URL)
    yield engine, observer
    engine.dispose()
    observer.dispose()


def backend_pid(engine: Engine) -> int:
    """The backend of the engine's pooled connection (returned to the pool after)."""
    with engine.connect() as conn:
        return int(conn.execute(text("SELECT pg_backend_pid()")).scalar_one())


def terminate(observer: Engine, pid: int) -> None:
    """End the backend `pid`, waiting until it is gone."""
    with observer.connect() as watch:
        assert watch.execute(text("SELECT pg_terminate_backend(:pid, 5000)"), {"pid": pid}).scalar()


def backend_activity(observer: Any, pid: int) -> tuple[Any, str]:
    """When the backend `pid` last started a query, and the query (read in a transaction of its
    own: one transaction sees one snapshot of pg_stat_activity)."""
    with observer.connect() as watch:
        row = watch.execute(
            text("SELECT query_start, query FROM pg_stat_activity WHERE pid = :pid"), {"pid": pid}
        ).one()
    return row.query_start, row.query


def test_checking_a_pooled_connection_out_sends_nothing_to_the_server(pools) -> None:
    # The pool's pre-ping was a round trip in every request; an idle connection is now checked
    # by looking at its socket.
    engine, observer = pools
    pid = backend_pid(engine)
    before = backend_activity(observer, pid)
    for _ in range(3):
        with engine.connect() as conn:
            assert conn.connection.dbapi_connection is not None
    assert backend_activity(observer, pid) == before


def test_a_pooled_connection_the_server_closed_is_replaced_on_checkout_without_an_error(
    pools,
) -> None:
    engine, observer = pools
    pid = backend_pid(engine)
    terminate(observer, pid)
    assert backend_pid(engine) != pid


def test_a_connection_closed_as_it_opened_is_a_503_not_a_refused_checkout(pools) -> None:
    # The pool tries a checkout twice. A replacement connection is not checked (as with the
    # pre-ping): refused too, it was an InvalidRequestError, a 500. Now its first statement
    # fails as a lost connection does, which the API answers with 503 and Retry-After.
    engine, observer = pools
    killing = False

    @event.listens_for(engine, "connect")
    def killed_at_birth(dbapi_connection: Any, _record: Any) -> None:
        if killing:
            cursor = dbapi_connection.cursor()
            cursor.execute("SELECT pg_backend_pid()")
            pid = cursor.fetchone()[0]
            dbapi_connection.rollback()
            terminate(observer, pid)

    terminate(observer, backend_pid(engine))
    killing = True
    with engine.connect() as conn, pytest.raises(DBAPIError) as caught:
        conn.execute(text("SELECT 1"))
    assert unavailable(caught.value) is not None


def test_a_socket_error_is_a_lost_connection_that_the_pool_does_not_hand_out_again(pools) -> None:
    # pg8000 let a read timeout (or a reset) escape as a bare OSError: a 500, and the broken
    # connection went back to the pool, where its next use failed at once.
    engine, _ = pools
    with engine.connect() as conn:
        conn.connection.dbapi_connection._usock.settimeout(0.05)
        with pytest.raises(DBAPIError) as caught:
            conn.execute(text("SELECT pg_sleep(0.5)"))
    assert caught.value.connection_invalidated
    assert unavailable(caught.value) is not None
    with engine.connect() as conn:
        assert conn.execute(text("SELECT 1")).scalar_one() == 1
