"""Shared fixtures: a migrated database per test (SQLite always, PostgreSQL when configured)."""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text

from taskai import bootstrap
from taskai.adapters.db import make_engine
from taskai.adapters.migrate import upgrade

REQUIRED = {s.strip() for s in os.environ.get("TASKAI_REQUIRE_SERVICES", "").split(",") if s.strip()}
POSTGRES_URL = os.environ.get("TEST_DATABASE_URL")
KAFKA = os.environ.get("TEST_KAFKA_BOOTSTRAP_SERVERS")
TEST_SECRET = "test-signing-secret-that-is-long-enough-0123456789"
PG_TABLES = "users, tasks.tasks, tasks.tags, tasks.task_tags, tasks.reminders, tasks.deletions, " \
    "events.outbox, events.processed_events"


def need(service: str, available: bool, how: str) -> None:
    """Skip when a service is missing on a laptop; fail when CI said it must be there."""
    if available:
        return
    if service in REQUIRED:
        pytest.fail(f"{service} is required here (TASKAI_REQUIRE_SERVICES) but {how}")
    pytest.skip(f"{service} not available: {how}")


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One migrated SQLite file; each test gets a copy (migrating per test would be slow)."""
    path = tmp_path_factory.mktemp("template") / "taskai.db"
    upgrade(f"sqlite:///{path}")
    return path


@pytest.fixture(scope="session")
def postgres_migrated() -> str:
    need("postgres", bool(POSTGRES_URL), "TEST_DATABASE_URL is not set")
    assert POSTGRES_URL
    upgrade(POSTGRES_URL)
    return POSTGRES_URL


@pytest.fixture(params=["sqlite", "postgres"])
def database(request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
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
    """Every HTTP function loaded as functions-framework loads it, behind the dev router."""
    from taskai.devserver import build_app

    return build_app()


class Api:
    """A tiny client for the HTTP API that speaks JSON and carries a bearer token."""

    def __init__(self, app: Any, token: str | None = None) -> None:
        from werkzeug.test import Client

        self.client = Client(app)
        self.token = token

    def call(self, method: str, path: str, json: Any = None, **kwargs: Any) -> Any:
        headers = dict(kwargs.pop("headers", {}))
        if self.token and "Authorization" not in headers:
            headers["Authorization"] = f"Bearer {self.token}"
        return self.client.open(path, method=method, json=json, headers=headers, **kwargs)

    def get(self, path: str, **kw: Any) -> Any:
        return self.call("GET", path, **kw)

    def post(self, path: str, json: Any = None, **kw: Any) -> Any:
        return self.call("POST", path, json=json, **kw)

    def patch(self, path: str, json: Any = None, **kw: Any) -> Any:
        return self.call("PATCH", path, json=json, **kw)

    def delete(self, path: str, **kw: Any) -> Any:
        return self.call("DELETE", path, **kw)

    def as_new_user(self, timezone: str = "UTC") -> Api:
        """A client logged in as a freshly registered user."""
        email = f"user-{uuid.uuid4().hex[:10]}@example.com"
        response = self.post("/api/auth/register",
                             {"email": email, "password": "correct horse", "timezone": timezone})
        assert response.status_code == 201, response.json
        user = Api(self.client.application, response.json["access_token"])
        user.email = email  # type: ignore[attr-defined]
        return user


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
