"""GET /api/stream over HTTP, on both stores: sync pages as Server-Sent Events, resumed from
Last-Event-ID, with heartbeats, a bounded lifetime, closed on logout, bounded in number, and
limited to what the caller's scopes read (as /api/sync is)."""

from __future__ import annotations

import json
import queue
import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest

from support import Api
from taskai.config import get_settings

STREAM = "/api/stream"
OPEN: list[Stream] = []  # this test's streams, each ended before the next test


class Stream:
    """An open stream read on a thread of its own: each chunk the server sent, as text."""

    def __init__(self, response: Any) -> None:
        self.response = response
        self.chunks: queue.Queue[str | None] = queue.Queue()
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()
        OPEN.append(self)

    def _read(self) -> None:
        try:
            for chunk in self.response.response:
                self.chunks.put(chunk.decode() if isinstance(chunk, bytes) else chunk)
        finally:
            self.response.close()  # as a server does, on the thread that sent it
            self.chunks.put(None)

    def next(self, timeout: float = 5.0) -> str | None:
        """The next chunk (a message or a heartbeat), None once the stream ended."""
        return self.chunks.get(timeout=timeout)

    def message(self, timeout: float = 5.0) -> dict[str, Any]:
        """The next message's fields, skipping heartbeats; `data` parsed as JSON."""
        while (chunk := self.next(timeout)) is not None:
            if not chunk.startswith(":"):
                fields = dict(line.split(": ", 1) for line in chunk.strip().split("\n"))
                return {**fields, "data": json.loads(fields["data"])}
        raise AssertionError("the stream ended")

    def ended(self, timeout: float = 5.0) -> bool:
        """Whether the stream ends (after any chunks) within `timeout` seconds."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.next(deadline - time.monotonic()) is None:
                return True
        return False


@pytest.fixture(autouse=True)
def timing(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Streams of 1 s with 30 s heartbeats unless a test says otherwise; each test's streams
    end (and free their slots) before the next test."""
    monkeypatch.setenv("STREAM_LIFETIME_S", "1")
    monkeypatch.setenv("STREAM_HEARTBEAT_S", "30")
    get_settings.cache_clear()
    yield
    for stream in OPEN:
        stream.reader.join(timeout=5)
    OPEN.clear()
    get_settings.cache_clear()


def setting(monkeypatch: pytest.MonkeyPatch, name: str, value: str) -> None:
    monkeypatch.setenv(name, value)
    get_settings.cache_clear()


def open_stream(user: Api, path: str = STREAM, **headers: str) -> Stream:
    response = user.call("GET", path, headers=headers, buffered=False)
    assert response.status_code == 200, response.get_data()
    assert response.mimetype == "text/event-stream"
    return Stream(response)


def test_the_first_message_is_the_sync_page_with_its_cursor_as_id(alice):
    alice.post("/api/tasks", {"title": "one", "tags": ["a"]})
    first = open_stream(alice).message()
    assert first["event"] == "sync"
    assert first["data"] == alice.get("/api/sync").json
    assert first["id"] == first["data"]["cursor"]


def test_a_change_by_another_request_is_the_next_message_within_a_second(alice, monkeypatch):
    setting(monkeypatch, "STREAM_LIFETIME_S", "2")
    stream = open_stream(alice)
    cursor = stream.message()["id"]
    started = time.monotonic()
    alice.post("/api/tasks", {"title": "from another tab"})
    message = stream.message(timeout=1.0)
    assert time.monotonic() - started < 1.0
    assert [t["title"] for t in message["data"]["tasks"]] == ["from another tab"]
    assert int(message["id"]) > int(cursor)


def test_last_event_id_or_cursor_resumes_after_that_cursor(alice):
    alice.post("/api/tasks", {"title": "seen"})
    cursor = alice.get("/api/sync").json["cursor"]
    alice.post("/api/tasks", {"title": "missed"})
    for stream in (
        open_stream(alice, **{"Last-Event-ID": cursor}),
        open_stream(alice, f"{STREAM}?cursor={cursor}"),
    ):
        assert [t["title"] for t in stream.message()["data"]["tasks"]] == ["missed"]


def test_a_commit_larger_than_a_page_streams_split_and_resumes_inside_it(alice):
    before = alice.get("/api/sync").json["cursor"]
    tasks = [{"id": f"t{n}", "title": f"task {n}"} for n in range(600)]
    imported = alice.post("/api/import", {"format": "taskai-export", "version": 1, "tasks": tasks})
    assert imported.status_code == 200, imported.json
    stream = open_stream(alice, **{"Last-Event-ID": before})
    first, second = stream.message(), stream.message()  # the backlog comes at once
    assert first["data"]["has_more"] and "." in first["id"]  # a cursor inside the import
    assert len(first["data"]["tasks"]) == 500 and len(second["data"]["tasks"]) == 100
    assert second["data"] == alice.get(f"/api/sync?cursor={first['id']}").json
    resumed = open_stream(alice, **{"Last-Event-ID": first["id"]}).message()
    assert resumed["data"] == second["data"] and resumed["id"] == second["id"]


@pytest.mark.parametrize("cursor", ["yesterday", "5.x", "5.-1", "1" * 19])
def test_a_bad_last_event_id_is_422_naming_the_cursor(alice, cursor):
    response = alice.get(STREAM, headers={"Last-Event-ID": cursor})
    assert response.status_code == 422 and "cursor" in response.json["error"]["fields"]


def test_heartbeats_come_every_interval(alice, monkeypatch):
    setting(monkeypatch, "STREAM_HEARTBEAT_S", "0.2")
    stream = open_stream(alice)
    stream.message()
    assert stream.next(timeout=1.0) == ": heartbeat\n\n"
    assert stream.next(timeout=1.0) == ": heartbeat\n\n"


def test_the_stream_ends_after_its_lifetime(alice, monkeypatch):
    setting(monkeypatch, "STREAM_LIFETIME_S", "0.5")
    stream = open_stream(alice)
    started = time.monotonic()
    stream.message()
    assert stream.ended(timeout=3.0)
    assert 0.4 < time.monotonic() - started < 3.0


def test_logging_out_closes_the_stream_at_the_next_poll_not_the_next_heartbeat(alice, monkeypatch):
    setting(monkeypatch, "STREAM_HEARTBEAT_S", "30")
    setting(monkeypatch, "STREAM_LIFETIME_S", "10")
    stream = open_stream(alice)
    stream.message()
    assert alice.post("/api/auth/logout").status_code == 204
    assert stream.ended(timeout=2.0)
    assert alice.get(STREAM).status_code == 401


def test_over_the_bounds_a_stream_is_503_with_retry_after(alice, bob, monkeypatch):
    setting(monkeypatch, "STREAM_MAX_PER_USER", "1")
    setting(monkeypatch, "STREAM_MAX_PER_PROCESS", "2")
    first = open_stream(alice)
    refused = alice.get(STREAM)
    assert refused.status_code == 503 and refused.headers["Retry-After"]
    assert refused.json["error"]["code"] == "too_many_streams"
    open_stream(bob)
    carol = bob.as_new_user()
    assert carol.get(STREAM).status_code == 503  # the process is full
    assert first.ended()
    open_stream(alice)  # an ended stream frees its slot


def mint(user: Api, *scopes: str) -> Api:
    """A client of `user`'s using a new API token with `scopes`."""
    response = user.post("/api/tokens", {"name": "script", "scopes": list(scopes)})
    assert response.status_code == 201, response.json
    return Api(user.client.application, response.json["token"])


def test_sync_and_the_stream_show_a_token_only_what_its_scopes_read(alice):
    alice.post("/api/tasks", {"title": "t", "tags": ["a"]})
    alice.post("/api/filters", {"name": "soon", "query": "due before: tomorrow"})
    doomed = alice.post("/api/tags", {"name": "doomed"}).json
    project = alice.post("/api/projects", {"name": "gone"}).json
    alice.delete(f"/api/tags/{doomed['id']}")
    alice.delete(f"/api/projects/{project['id']}")
    everything = alice.get("/api/sync").json
    assert everything["projects"] and everything["filters"] and everything["tags"]
    assert {d["type"] for d in everything["deleted"]} == {"tag", "project"}
    tasks_only = mint(alice, "tasks:read")
    for page in (tasks_only.get("/api/sync").json, open_stream(tasks_only).message()["data"]):
        assert [t["title"] for t in page["tasks"]] == ["t"]
        assert [f["name"] for f in page["filters"]] == ["soon"]
        assert page["tags"] == page["projects"] == page["sections"] == page["deleted"] == []
        assert page["cursor"] == everything["cursor"]
    all_reads = mint(alice, "tasks:read", "tags:read", "projects:read")
    assert all_reads.get("/api/sync").json == everything
    tags_only = mint(alice, "tags:read")
    assert tags_only.get(STREAM).status_code == 403
