"""A database that cannot answer now is a 503 with Retry-After, within the timeouts, never a 500."""

from __future__ import annotations

import socket
import sqlite3
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import text

from support import TEST_SECRET, Api
from taskai import bootstrap
from taskai.adapters.db import make_engine

EVENTS = Path(__file__).resolve().parents[2] / "events"


def unavailable(response, within_s: float, began: float) -> None:
    assert response.status_code == 503, response.json
    assert response.json["error"]["code"] == "unavailable"
    assert int(response.headers["Retry-After"]) > 0
    assert time.perf_counter() - began < within_s


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]  # nothing listens once it is closed


@pytest.fixture
def no_database(monkeypatch, gateway):
    """The API and the event functions configured for a PostgreSQL server that is not there."""
    url = f"postgresql+pg8000://taskai:taskai@127.0.0.1:{closed_port()}/taskai"
    for name, value in {"DATABASE_URL": url, "JWT_SECRET": TEST_SECRET,
                        "DB_CONNECT_TIMEOUT_S": "1", "LOG_LEVEL": "ERROR"}.items():  # fmt: skip
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("KAFKA_BOOTSTRAP_SERVERS", raising=False)
    bootstrap.reset()
    yield Api(gateway, bootstrap.tokens().issue(uuid.uuid4(), now=datetime.now(UTC)))
    bootstrap.reset()


def test_with_no_database_server_every_request_is_a_503_with_retry_after(no_database):
    for method, path, body in [
        ("GET", "/api/tasks", None),
        ("POST", "/api/tasks", {"title": "Pay rent"}),
        ("GET", "/api/tags", None),
        ("POST", "/api/auth/login", {"email": "ann@example.com", "password": "correct horse"}),
    ]:
        began = time.perf_counter()
        unavailable(no_database.call(method, path, json=body), 5.0, began)


@pytest.mark.parametrize("database", ["sqlite"], indirect=True)
def test_a_write_lock_held_past_the_statement_timeout_is_a_503_on_sqlite(
    alice, database, monkeypatch, tmp_path
):
    monkeypatch.setenv("DB_STATEMENT_TIMEOUT_S", "0.5")
    bootstrap.reset()
    holder = sqlite3.connect(tmp_path / "taskai.db", isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        began = time.perf_counter()
        unavailable(alice.post("/api/tasks", {"title": "Pay rent"}), 3.0, began)
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert alice.post("/api/tasks", {"title": "Pay rent"}).status_code == 201


@pytest.mark.parametrize("database", ["postgres"], indirect=True)
def test_a_lock_held_past_the_statement_timeout_is_a_503_on_postgresql(
    alice, database, monkeypatch
):
    monkeypatch.setenv("DB_STATEMENT_TIMEOUT_S", "0.5")
    bootstrap.reset()
    holder = make_engine(bootstrap.get_settings().sqlalchemy_url, pool_size=1)
    with holder.connect() as connection:
        connection.execute(text("LOCK TABLE tasks.tasks IN ACCESS EXCLUSIVE MODE"))
        began = time.perf_counter()
        unavailable(alice.get("/api/tasks"), 3.0, began)
        connection.rollback()
    holder.dispose()
    assert alice.get("/api/tasks").status_code == 200


@pytest.mark.parametrize("database", ["postgres"], indirect=True)
def test_postgresql_connections_carry_the_statement_timeout_and_a_bounded_socket(database):
    engine = make_engine(bootstrap.get_settings().sqlalchemy_url, statement_timeout_s=7)
    with engine.connect() as connection:
        assert connection.execute(text("SHOW statement_timeout")).scalar() == "7s"
        assert connection.connection.dbapi_connection._usock.gettimeout() == 12
    engine.dispose()
