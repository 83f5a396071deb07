"""Shared fixtures: a migrated database per test (SQLite always, PostgreSQL when configured)."""

from __future__ import annotations

import logging
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text

from support import PG_TABLES, POSTGRES_URL, TEST_SECRET, Api, migrate_from_scratch, need
from taskai import bootstrap
from taskai.adapters.db import make_engine
from taskai.adapters.migrate import upgrade


@pytest.fixture(autouse=True)
def taskai_logging_restored() -> Iterator[None]:
    """Each test starts with the `taskai` logger as the last left it and ends by restoring it:
    a test that boots the library (logs.configure) would otherwise leave its level, its
    propagation and a handler on that test's captured stderr to every later test."""
    root = logging.getLogger("taskai")
    saved = (root.level, root.propagate, list(root.handlers))
    yield
    root.setLevel(saved[0])
    root.propagate = saved[1]
    root.handlers[:] = saved[2]


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One migrated SQLite file; each test gets a copy (migrating per test would be slow)."""
    path = tmp_path_factory.mktemp("template") / "taskai.db"
    upgrade(f"sqlite:///{path}")
    return path


@pytest.fixture(scope="session")
def postgres_migrated() -> str:
    """The test database, emptied of anything an earlier run left, and migrated from scratch."""
    need("postgres", bool(POSTGRES_URL), "TEST_DATABASE_URL is not set")
    assert POSTGRES_URL
    migrate_from_scratch(POSTGRES_URL)
    return POSTGRES_URL


@pytest.fixture(params=["sqlite", "postgres"])
def database(
    request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[str]:
    """The environment of a fresh, migrated database; yields its backend name."""
    for name in ("DATABASE_URL", "KAFKA_BOOTSTRAP_SERVERS", "JWT_SECRET"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("BCRYPT_ROUNDS", "4")
    monkeypatch.setenv("LOG_LEVEL", "WARNING")
    if request.param == "sqlite":
        shutil.copy(request.getfixturevalue("sqlite_template"), tmp_path / "taskai.db")
        monkeypatch.setenv("DATA_DIR", str(tmp_path))
    else:
        url = request.getfixturevalue("postgres_migrated")
        engine = make_engine(url, pool_size=1)
        with engine.begin() as connection:
            connection.execute(text(f"TRUNCATE {PG_TABLES} CASCADE"))
        engine.dispose()
        monkeypatch.setenv("DATABASE_URL", url)
        monkeypatch.setenv("JWT_SECRET", TEST_SECRET)
    bootstrap.reset()
    yield request.param
    bootstrap.reset()


@pytest.fixture(scope="session")
def gateway() -> Any:
    """Every function loaded as functions-framework loads it, behind the dev router, with the
    event functions subscribed to the in-process bus (the embedded wiring)."""
    from taskai.local.devserver import build_app
    from taskai.triggers import TRIGGERS

    router = build_app()
    router.warm()  # every function imported now, as a server's warm-up does, not mid-test
    for trigger in TRIGGERS:
        if trigger.topic:
            bootstrap.bus().subscribe(
                trigger.topic, trigger.function, router.events[trigger.function]
            )
    return router


@pytest.fixture
def api(database: str, gateway: Any) -> Api:
    """An anonymous client of the whole API over a fresh database."""
    return Api(gateway)


@pytest.fixture
def alice(api: Api) -> Api:
    return api.as_new_user("America/New_York")


@pytest.fixture
def bob(api: Api) -> Api:
    return api.as_new_user("Europe/Berlin")
