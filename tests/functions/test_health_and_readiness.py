"""Liveness stays cheap; readiness proves the database (and Kafka where used) within a timeout."""

from __future__ import annotations

import socket
import threading
import time

import pytest
from werkzeug.test import Client

from support import TEST_SECRET
from taskai import bootstrap
from taskai.api import health
from taskai.local.devserver import HTTP_FUNCTIONS, load_function
from taskai.triggers import TRIGGERS

ALL_FUNCTIONS = HTTP_FUNCTIONS + [t.function for t in TRIGGERS]


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def silent_server():
    """A port that accepts connections and never answers (a hung database or broker)."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(16)
    held: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        server.settimeout(0.2)
        while not stop.is_set():
            try:
                held.append(server.accept()[0])
            except TimeoutError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield server.getsockname()[1]
    stop.set()
    thread.join()
    for conn in held:
        conn.close()
    server.close()


@pytest.mark.parametrize("name", ALL_FUNCTIONS)
def test_every_function_is_ready_when_its_database_answers(name, database):
    response = Client(load_function(name)).get("/ready")
    assert response.status_code == 200, response.json
    assert response.json["status"] == "ready"
    assert response.json["checks"]["database"] == "ok"


def test_a_function_whose_database_is_down_is_unready_but_alive(monkeypatch):
    url = f"postgresql+pg8000://taskai:taskai@127.0.0.1:{closed_port()}/taskai"
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.setenv("JWT_SECRET", TEST_SECRET)
    monkeypatch.setenv("LOG_LEVEL", "ERROR")
    bootstrap.reset()
    try:
        client = Client(load_function("tasks"))
        ready = client.get("/ready")
        assert ready.status_code == 503
        assert ready.json == {
            "status": "unready",
            "function": "tasks",
            "checks": {"database": "unavailable"},
        }
        assert client.get("/health").status_code == 200  # liveness does not touch the database
    finally:
        bootstrap.reset()


def test_a_hung_database_makes_readiness_answer_within_its_timeout(monkeypatch, silent_server):
    url = f"postgresql+pg8000://taskai:taskai@127.0.0.1:{silent_server}/taskai"
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.setenv("JWT_SECRET", TEST_SECRET)
    monkeypatch.setenv("DB_CONNECT_TIMEOUT_S", "3")
    monkeypatch.setenv("LOG_LEVEL", "ERROR")
    bootstrap.reset()
    try:
        client = Client(load_function("recurrence"))
        for _ in range(3):  # a check still hanging is waited on again, not started twice
            began = time.perf_counter()
            response = client.get("/ready")
            assert response.status_code == 503
            assert response.json["checks"] == {"database": "timeout"}
            assert time.perf_counter() - began < health.READY_TIMEOUT_S + 0.5
        began = time.perf_counter()
        assert client.get("/health").status_code == 200
        assert time.perf_counter() - began < 0.1
    finally:
        bootstrap.reset()


def test_the_relay_is_unready_without_kafka_while_the_api_stays_ready(database, monkeypatch):
    monkeypatch.setenv("KAFKA_BOOTSTRAP_SERVERS", f"127.0.0.1:{closed_port()}")
    bootstrap.reset()
    relay = Client(load_function("outbox")).get("/ready")
    assert relay.status_code == 503
    assert relay.json["checks"] == {"database": "ok", "kafka": "unavailable"}
    # The outbox keeps events while Kafka is down, so the API keeps serving.
    api = Client(load_function("tasks")).get("/ready")
    assert api.status_code == 200
    assert api.json["checks"] == {"database": "ok"}


def test_the_dev_router_serves_readiness_on_the_public_port(api):
    response = api.get("/ready")
    assert response.status_code == 200
    assert response.json["status"] == "ready"
