"""GET /api/stream through the real servers (`taskai serve`: gunicorn gthread workers; `taskai
dev`: werkzeug's threads), read incrementally by an HTTP client as a browser would."""

from __future__ import annotations

import http.client
import json
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from test_dev_server import DEV, Server, clean_env, sign_up
from test_serve import SERVE


@pytest.fixture(params=["serve", "dev"])
def server(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Server]:
    env = clean_env(STREAM_LIFETIME_S="4", STREAM_HEARTBEAT_S="1", STREAM_MAX_PER_USER="1")
    running = Server(tmp_path, env, command=SERVE if request.param == "serve" else DEV)
    yield running
    running.stop()


def open_stream(server: Server) -> tuple[http.client.HTTPConnection, http.client.HTTPResponse]:
    address = urlsplit(server.url)
    connection = http.client.HTTPConnection(address.hostname, address.port, timeout=5)
    connection.request("GET", "/api/stream", headers={"Authorization": f"Bearer {server.token}"})
    return connection, connection.getresponse()


def read_event(response: http.client.HTTPResponse) -> list[str]:
    """The lines of the next SSE block (a message or a heartbeat comment); [] at the end."""
    lines: list[str] = []
    while line := response.readline().decode():
        if line == "\n":
            return lines
        lines.append(line.rstrip("\n"))
    return lines


def test_a_stream_sends_changes_as_they_happen_heartbeats_and_ends(server: Server) -> None:
    sign_up(server)
    connection, response = open_stream(server)
    assert response.status == 200
    assert response.getheader("Content-Type", "").startswith("text/event-stream")
    first = read_event(response)
    assert first[1] == "event: sync" and first[0].startswith("id: ")
    opened = time.monotonic()
    assert server.call("POST", "/api/tasks", {"title": "from another device"})[0] == 201
    started = time.monotonic()
    block = read_event(response)
    while block and block[0].startswith(":"):  # a heartbeat may come first
        block = read_event(response)
    assert time.monotonic() - started < 1.0
    data = json.loads(block[2].removeprefix("data: "))
    assert [t["title"] for t in data["tasks"]] == ["from another device"]
    assert read_event(response) == [": heartbeat"]
    while read_event(response):  # heartbeats, until the stream's lifetime is over
        pass
    assert 3.0 < time.monotonic() - opened < 6.0
    connection.close()


def test_a_client_that_hangs_up_frees_its_slot_within_a_poll(server: Server) -> None:
    sign_up(server)  # one stream per account and process (STREAM_MAX_PER_USER=1)
    streams = [open_stream(server) for _ in range(4)]  # serve's workers: 1 or 2 each, say
    assert [response.status for _, response in streams].count(503) >= 1
    for connection, response in streams:  # closed tabs: no heartbeat is due for a second yet
        response.close()
        connection.close()
    time.sleep(0.8)
    connection, response = open_stream(server)
    assert response.status == 200
    response.close()
    connection.close()
