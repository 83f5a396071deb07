"""The server worker's limits (taskai.api.worker), as numbers."""

from __future__ import annotations

import socket
import struct
import threading
import time
from collections.abc import Iterator

import pytest

from taskai.api.worker import BODY_CAP, DeadlineSocket, timeval
from taskai.config import Settings
from taskai.services.transfer import MAX_IMPORT_BYTES


def test_the_worker_reads_whole_the_largest_body_an_operation_takes() -> None:
    assert BODY_CAP >= MAX_IMPORT_BYTES
    assert Settings.model_fields["max_body_bytes"].default <= BODY_CAP


def test_a_timeout_is_never_packed_as_zero_which_would_mean_none() -> None:
    assert timeval(2.5) == struct.pack("ll", 2, 500_000)
    assert timeval(1e-9) == struct.pack("ll", 0, 1)


@pytest.fixture
def pair() -> Iterator[tuple[DeadlineSocket, socket.socket]]:
    """A server socket (small send buffer) wrapped as the worker wraps it, and its client."""
    server, client = socket.socketpair()
    server.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 4096)
    client.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    yield DeadlineSocket(server, grace_s=0.3, min_rate=64 * 1024), client
    server.close()
    client.close()


def test_an_answer_the_client_stops_taking_is_cut_at_its_deadline(pair) -> None:
    sock, _ = pair
    sock.begin_answer()
    began, chunk = time.monotonic(), b"x" * 4096
    with pytest.raises(TimeoutError, match="did not take the answer"):
        while True:  # never read: the buffers fill, then the allowance runs out
            sock.sendall(chunk)
    waited = time.monotonic() - began
    assert waited < 0.3 + (sock.sent + len(chunk)) / sock.min_rate + 0.5
    assert sock.sock.gettimeout() is None  # blocking again, as gunicorn expects


def test_time_the_app_takes_between_writes_is_not_the_clients(pair) -> None:
    # a slow request, or a live stream's heartbeat every 15 s, answers late but is taken at once
    sock, client = pair
    sock.begin_answer()
    time.sleep(sock.grace_s + 0.2)
    sock.sendall(b"event: heartbeat\n\n")
    time.sleep(sock.grace_s + 0.2)
    sock.sendall(b"event: heartbeat\n\n")
    assert client.recv(100) == b"event: heartbeat\n\n" * 2
    assert sock.blocked < sock.grace_s


def test_an_answer_taken_at_the_minimum_rate_arrives_whole(pair) -> None:
    sock, client = pair
    size = 256 * 1024
    received = bytearray()

    def read() -> None:
        while len(received) < size:
            received.extend(client.recv(65536))

    reader = threading.Thread(target=read)
    reader.start()
    sock.begin_answer()
    for _ in range(size // 4096):
        sock.sendall(b"y" * 4096)
    reader.join(timeout=10)
    assert bytes(received) == b"y" * size and sock.sent == size


def test_writes_outside_an_answer_have_no_deadline_of_their_own(pair) -> None:
    sock, client = pair
    sock.sendall(b"HTTP/1.1 100 Continue\r\n\r\n")  # not answering yet
    assert client.recv(100) == b"HTTP/1.1 100 Continue\r\n\r\n" and sock.sent == 0
