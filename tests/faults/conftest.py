"""Fixtures of the fault suite: the lab (private services) and TaskAI wired to it."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest
from fault_lab import EventPort, Lab, Service
from sqlalchemy import text

from support import KAFKA, PG_TABLES, POSTGRES_URL, TEST_SECRET, migrate_from_scratch, need
from taskai import bootstrap


@pytest.fixture(scope="session")
def lab() -> Iterator[Lab]:
    """Private PostgreSQL and Kafka, started once for the suite (installed as scripts/ do)."""
    need("postgres", bool(POSTGRES_URL), "TEST_DATABASE_URL is not set (run scripts/postgres)")
    need("kafka", bool(KAFKA), "TEST_KAFKA_BOOTSTRAP_SERVERS is not set (run scripts/kafka)")
    postgres, kafka = Service("postgres", "url"), Service("kafka", "bootstrap")
    postgres.start()
    kafka.start()
    url = postgres.address
    migrate_from_scratch(url)
    lab = Lab(postgres, kafka, url, kafka.address)
    yield lab
    lab.engine.dispose()
    for service in (kafka, postgres):
        service.stop()


@pytest.fixture
def system(lab: Lab, monkeypatch: pytest.MonkeyPatch) -> Iterator[Lab]:
    """TaskAI in this process on the lab's services, from empty tables, with both running."""
    lab.postgres.start()
    lab.kafka.start()
    with lab.engine.begin() as connection:
        connection.execute(text(f"TRUNCATE {PG_TABLES} CASCADE"))
    for name, value in {
        "DATABASE_URL": lab.database_url,
        "KAFKA_BOOTSTRAP_SERVERS": lab.bootstrap_servers,
        "JWT_SECRET": TEST_SECRET,
        "BCRYPT_ROUNDS": "4",
        "LOG_LEVEL": "ERROR",
    }.items():
        monkeypatch.setenv(name, value)
    bootstrap.reset()
    yield lab
    bootstrap.reset()


@pytest.fixture
def event_port(system: Lab) -> Iterator[EventPort]:
    from werkzeug.serving import make_server

    from taskai.local.devserver import EventRouter, build_app

    server = make_server("127.0.0.1", 0, EventRouter(build_app().events), threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield EventPort(f"http://127.0.0.1:{server.server_port}/_events", server.shutdown)
    server.shutdown()
