"""The README's run command, for real: `taskai dev` in a subprocess, driven over HTTP."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import text

from support import KAFKA, POSTGRES_URL, need
from taskai.triggers import TRIGGERS

ROOT = Path(__file__).resolve().parents[2]
SETTINGS = (
    "DATABASE_URL",
    "KAFKA_BOOTSTRAP_SERVERS",
    "JWT_SECRET",
    "DATA_DIR",
    "RESEND_API_KEY",
    "OPENAI_API_KEY",
)


SOURCE_READY = '"message": "source ready"'
SOURCES = [t.function for t in TRIGGERS if t.topic]
DEV = (sys.executable, "-m", "taskai.cli", "dev", "--port", "0", "--events-port", "0")


class Server:
    """A running `taskai dev` and a tiny JSON client for it."""

    def __init__(
        self, cwd: Path, env: dict[str, str], *args: str, command: tuple[str, ...] = DEV
    ) -> None:
        self.process = subprocess.Popen(
            [*command, "--tick", "1", *args],
            cwd=cwd,
            env=env,
            stderr=subprocess.PIPE,
            text=True,
        )
        self.log: list[str] = []
        self.token: str | None = None
        try:
            self.url = self._wait_for_url()
        except BaseException:
            self.stop()  # never leave a server behind when the start fails
            raise

    def _wait_for_url(self) -> str:
        deadline = time.monotonic() + 60
        assert self.process.stderr is not None
        while time.monotonic() < deadline:
            line = self.process.stderr.readline()
            if not line:
                raise AssertionError("the server exited:\n" + "".join(self.log))
            self.log.append(line)
            if '"message": "serving"' in line:
                return json.loads(line)["url"]
        raise AssertionError("the server did not start:\n" + "".join(self.log))

    def wait_for_log(self, text: str, count: int = 1, timeout_s: float = 180) -> None:
        """Read the server's log until `text` has appeared `count` times."""
        assert self.process.stderr is not None
        deadline = time.monotonic() + timeout_s
        while sum(text in line for line in self.log) < count and time.monotonic() < deadline:
            line = self.process.stderr.readline()
            if not line:
                break
            self.log.append(line)
        assert sum(text in line for line in self.log) >= count, "".join(self.log[-20:])

    def wait_for_sources(self, timeout_s: float = 180) -> None:
        """Read the log until every KafkaSource stand-in is ready; else fail naming those that
        are, with every line that is not JSON (a dead thread's traceback)."""
        try:
            self.wait_for_log(SOURCE_READY, count=len(SOURCES), timeout_s=timeout_s)
        except AssertionError:
            ready = [json.loads(line)["group"] for line in self.log if SOURCE_READY in line]
            stray = [line for line in self.log if not line.startswith("{")]
            raise AssertionError(f"ready: {ready} of {SOURCES}\n" + "".join(stray)) from None

    def call(self, method: str, path: str, body: object = None) -> tuple[int, object]:
        headers = {"Content-Type": "application/json"}
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(self.url + path, data=data, headers=headers, method=method)
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                raw = response.read()
                return response.status, json.loads(raw) if raw else None
        except urllib.error.HTTPError as e:
            return e.code, json.loads(e.read() or b"null")

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()


def raw_answer(url: str, request: bytes) -> tuple[int, dict[str, str], dict[str, object]]:
    """(status, headers, JSON body) of `request` sent as raw bytes to the server at `url`."""
    import socket
    from urllib.parse import urlsplit

    where = urlsplit(url)
    with socket.create_connection((where.hostname, where.port), timeout=10) as sock:
        sock.sendall(request)
        answer = b""
        while chunk := sock.recv(65536):
            answer += chunk
    head, _, body = answer.partition(b"\r\n\r\n")
    status_line, *lines = head.decode("latin-1").split("\r\n")
    headers = dict(line.split(": ", 1) for line in lines)
    return int(status_line.split()[1]), headers, json.loads(body)


def clean_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in SETTINGS}
    env.update(
        extra,
        PYTHONPATH=str(ROOT / "shared"),
        TASKAI_FUNCTIONS_DIR=str(ROOT / "functions"),
        BCRYPT_ROUNDS="4",
    )
    return env


@pytest.fixture
def embedded(tmp_path: Path) -> Iterator[Server]:
    server = Server(tmp_path, clean_env())
    yield server
    server.stop()


def on_kafka(cwd: Path, group_prefix: str) -> Server:
    """`taskai dev` on the test database and Kafka, its sources' groups named with
    `group_prefix`."""
    assert POSTGRES_URL and KAFKA
    cwd.mkdir(exist_ok=True)
    env = clean_env(
        DATABASE_URL=POSTGRES_URL,
        KAFKA_BOOTSTRAP_SERVERS=KAFKA,
        JWT_SECRET="e2e-secret-that-is-long-enough-0123456789",
    )
    return Server(cwd, env, "--kafka-group-prefix", group_prefix)


@pytest.fixture
def on_postgres_and_kafka(tmp_path: Path, postgres_migrated: str) -> Iterator[Server]:
    need("kafka", bool(KAFKA), "TEST_KAFKA_BOOTSTRAP_SERVERS is not set")
    from taskai.adapters.db import make_engine

    engine = make_engine(postgres_migrated, pool_size=1)
    with engine.begin() as connection:  # start from an empty outbox: only this test's events
        connection.execute(text("TRUNCATE users, events.outbox CASCADE"))
    engine.dispose()
    server = on_kafka(tmp_path, f"e2e-{uuid.uuid4().hex[:8]}-")
    try:
        server.wait_for_sources()
        yield server
    finally:
        server.stop()


def sign_up(server: Server) -> None:
    status, body = server.call(
        "POST",
        "/api/auth/register",
        {"email": "ann@example.com", "password": "correct horse", "timezone": "America/New_York"},
    )
    assert status == 201, body
    status, body = server.call(
        "POST", "/api/auth/login", {"email": "ann@example.com", "password": "correct horse"}
    )
    assert status == 200, body
    server.token = body["access_token"]  # type: ignore[index]


def titles(server: Server, query: str) -> list[str]:
    status, body = server.call("GET", "/api/tasks" + query)
    assert status == 200, body
    return [t["title"] for t in body["items"]]  # type: ignore[index]


def test_the_readme_flow_works_on_a_machine_with_nothing_configured(embedded, tmp_path):
    server = embedded
    sign_up(server)
    for title, description, tags, priority in [
        ("Pay rent", "flat 4, by transfer", ["home", "money"], "high"),
        ("Call the plumber", "kitchen sink leaks", ["home"], "medium"),
        ("Quarterly report", "numbers for the board", ["work"], "urgent"),
    ]:
        status, body = server.call(
            "POST",
            "/api/tasks",
            {"title": title, "description": description, "tags": tags, "priority": priority},
        )
        assert status == 201, body
    assert titles(server, "?q=sink") == ["Call the plumber"]
    assert titles(server, "?tag=home&priority=high") == ["Pay rent"]
    [report] = [
        t for t in server.call("GET", "/api/tasks")[1]["items"] if t["title"] == "Quarterly report"
    ]  # type: ignore[index]
    assert server.call("POST", f"/api/tasks/{report['id']}/complete")[0] == 200
    assert titles(server, "?status=completed") == ["Quarterly report"]
    assert (tmp_path / "var" / "taskai.db").exists() and (tmp_path / "var" / "jwt-secret").exists()
    status, body = server.call("GET", "/api/openapi.json")
    assert status == 200 and body["openapi"].startswith("3.1")  # type: ignore[index]


def next_occurrence_delay(server: Server) -> float:
    """Complete a recurring task; seconds until its next occurrence shows through the API."""
    status, task = server.call(
        "POST",
        "/api/tasks",
        {
            "title": "Standup",
            "due_date": "2031-03-02T09:00:00",
            "recurrence": {"preset": "weekdays"},
        },
    )
    assert status == 201, task
    started = time.monotonic()
    server.call("POST", f"/api/tasks/{task['id']}/complete")  # type: ignore[index]
    while time.monotonic() - started < 10:
        status, body = server.call("GET", f"/api/tasks/{task['id']}/series")  # type: ignore[index]
        if len(body["items"]) == 2:  # type: ignore[index]
            assert body["items"][1]["due_date"] == "2031-03-03T09:00:00-05:00"  # type: ignore[index]
            return time.monotonic() - started
        time.sleep(0.02)
    raise AssertionError("no next occurrence:\n" + "".join(server.log[-20:]))


def test_embedded_a_completed_recurring_tasks_next_occurrence_shows_within_a_second(embedded):
    sign_up(embedded)
    assert next_occurrence_delay(embedded) < 1.0


def test_through_kafka_a_completed_recurring_tasks_next_occurrence_shows_within_a_second(
    on_postgres_and_kafka,
):
    sign_up(on_postgres_and_kafka)
    assert next_occurrence_delay(on_postgres_and_kafka) < 1.0


def test_a_dev_server_killed_and_started_again_has_every_source_ready_within_thirty_seconds(
    tmp_path: Path, postgres_migrated: str
) -> None:
    need("kafka", bool(KAFKA), "TEST_KAFKA_BOOTSTRAP_SERVERS is not set")
    prefix = f"e2e-{uuid.uuid4().hex[:8]}-"
    first = on_kafka(tmp_path / "first", prefix)
    try:
        first.wait_for_sources()
    finally:
        first.process.kill()  # its members never leave: the groups drop them after a session
        first.process.wait()
    began = time.monotonic()
    again = on_kafka(tmp_path / "again", prefix)
    try:
        again.wait_for_sources(timeout_s=30)
        assert time.monotonic() - began < 30
    finally:
        again.stop()


def test_a_dev_server_stopped_and_started_again_has_every_source_ready_before_a_session_ends(
    tmp_path: Path, postgres_migrated: str
) -> None:
    need("kafka", bool(KAFKA), "TEST_KAFKA_BOOTSTRAP_SERVERS is not set")
    prefix = f"e2e-{uuid.uuid4().hex[:8]}-"
    first = on_kafka(tmp_path / "first", prefix)
    try:
        first.wait_for_sources()
    finally:
        began = time.monotonic()
        first.process.terminate()  # SIGTERM: its sources commit and leave their groups
        first.process.wait(timeout=30)
    stopping = time.monotonic() - began
    began = time.monotonic()
    again = on_kafka(tmp_path / "again", prefix)
    try:
        again.wait_for_sources(timeout_s=30)
        starting = time.monotonic() - began
    finally:
        again.stop()
    print(f"SIGTERM to exit {stopping:.2f} s; start to every source ready {starting:.2f} s")
    assert first.process.returncode == 0 and stopping < 10
    assert starting < 8  # a member that never left holds its partitions for a 10 s session


def test_a_declared_body_over_the_limit_is_refused_at_once_not_awaited(embedded: Server) -> None:
    import socket
    from urllib.parse import urlsplit

    where = urlsplit(embedded.url)
    with socket.create_connection((where.hostname, where.port), timeout=10) as sock:
        sock.sendall(
            b"POST /api/auth/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
            b"Content-Length: 999999999\r\n\r\n{}"
        )
        began, answer = time.monotonic(), b""
        while b"payload_too_large" not in answer and (chunk := sock.recv(4096)):
            answer += chunk  # the head and the streamed body may come apart
    assert answer.startswith(b"HTTP/1.1 413") and b"payload_too_large" in answer
    assert time.monotonic() - began < 5


def test_a_request_line_the_server_cannot_read_is_answered_in_json(embedded: Server) -> None:
    status, headers, body = raw_answer(embedded.url, b"GARBAGE\r\n\r\n")
    assert status == 400 and headers["Content-Type"] == "application/json"
    assert body["error"]["code"] == "bad_request"  # type: ignore[index]
