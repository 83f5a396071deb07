"""The KafkaSource stand-in never strands silently: it outlasts Kafka being down at its start,
rejoins when the group leaves it without partitions, and leaves its group when stopped."""

from __future__ import annotations

import logging
import socket
import socketserver
import threading
import time
import uuid
from collections.abc import Iterator

import pytest

from http_sink import Sink
from support import produce
from taskai.local.kafka_source import KafkaSourceBridge

WARNING = "source not consuming; retrying"


@pytest.fixture
def sink() -> Iterator[Sink]:
    server = Sink()
    yield server
    server.server.shutdown()


def event(number: int) -> tuple[bytes, bytes, list[tuple[str, bytes]]]:
    headers = [
        ("ce_specversion", b"1.0"),
        ("ce_id", f"e{number}".encode()),
        ("ce_type", b"com.taskai.task.updated"),
        ("ce_source", b"/taskai/tasks"),
    ]
    return b"task-1", b'{"n": %d}' % number, headers


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class Forwarder(socketserver.ThreadingTCPServer):
    """A TCP port that forwards to Kafka once started: nothing listens there before, so a client
    bootstrapping from it meets a Kafka that is down. (The broker's metadata then names its own
    address, so only the bootstrap goes through here.)"""

    daemon_threads = allow_reuse_address = True

    def __init__(self, port: int, kafka: str) -> None:
        host, target = kafka.split(",")[0].rsplit(":", 1)

        class Pipe(socketserver.BaseRequestHandler):
            def handle(self) -> None:
                upstream = socket.create_connection((host, int(target)))
                pump = threading.Thread(target=copy, args=(upstream, self.request), daemon=True)
                pump.start()
                copy(self.request, upstream)
                pump.join()

        super().__init__(("127.0.0.1", port), Pipe)
        threading.Thread(target=self.serve_forever, daemon=True).start()


def copy(source: socket.socket, target: socket.socket) -> None:
    try:
        while data := source.recv(65536):
            target.sendall(data)
    except OSError:
        pass
    finally:
        target.close()


def waited(condition, timeout_s: float) -> bool:
    deadline = time.monotonic() + timeout_s
    while not condition() and time.monotonic() < deadline:
        time.sleep(0.05)
    return bool(condition())


def warnings(caplog: pytest.LogCaptureFixture) -> list[logging.LogRecord]:
    return [r for r in caplog.records if r.name == "taskai.kafka_source" and r.msg == WARNING]


def test_a_source_started_while_kafka_is_down_retries_then_delivers_what_was_published_meanwhile(
    kafka: str, topic: str, sink: Sink, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING, logger="taskai.kafka_source")
    group = f"g-{uuid.uuid4().hex[:12]}"
    first = KafkaSourceBridge(bootstrap_servers=kafka, topic=topic, group=group, sink=sink.url)
    first.start()
    assert first.ready.wait(30)  # the group exists, at "latest"
    first.stop()
    assert first.join(10)
    port = free_port()
    source = KafkaSourceBridge(
        bootstrap_servers=f"127.0.0.1:{port}", topic=topic, group=group, sink=sink.url
    )
    thread = source.start()
    try:
        produce(kafka, topic, [event(n) for n in range(5)])  # published while it cannot connect
        # longer than kafka-python's own bootstrap wait (30 s), which ended the source for good
        time.sleep(32)
        assert thread.is_alive() and not source.ready.is_set() and not sink.calls
        failures = warnings(caplog)
        assert len(failures) >= 5, failures  # one per attempt, 1, 2, 4, 8, … s apart
        assert all("bootstrap" in r.error for r in failures), [r.error for r in failures]
        forwarder = Forwarder(port, kafka)  # Kafka is back
        try:
            assert source.ready.wait(30)
            assert waited(lambda: len(sink.calls) >= 5, 30)
        finally:
            forwarder.shutdown()
            forwarder.server_close()
    finally:
        source.stop()
        assert source.join(10)
    assert sorted(sink.ids()) == [f"e{n}" for n in range(5)]


def test_a_source_the_group_leaves_without_partitions_rejoins_and_delivers(
    kafka: str, topic: str, sink: Sink, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING, logger="taskai.kafka_source")
    source = KafkaSourceBridge(
        bootstrap_servers=kafka, topic=topic, group=f"g-{uuid.uuid4().hex[:12]}", sink=sink.url
    )
    source.start()
    try:
        assert source.ready.wait(30)
        # the state a lost rejoin leaves behind: no partitions, out of the group, no heartbeat
        source.consumer.unsubscribe()
        assert waited(lambda: source.joins == 2, 45), [r.error for r in warnings(caplog)]
        assert any("no partitions" in r.error for r in warnings(caplog))
        produce(kafka, topic, [event(1)])
        assert waited(lambda: sink.ids() == ["e1"], 30), sink.ids()
    finally:
        source.stop()
        assert source.join(10)


def test_a_stopped_source_leaves_its_group_so_the_next_one_is_ready_at_once(
    kafka: str, topic: str, sink: Sink
) -> None:
    group = f"g-{uuid.uuid4().hex[:12]}"
    first = KafkaSourceBridge(bootstrap_servers=kafka, topic=topic, group=group, sink=sink.url)
    first.start()
    assert first.ready.wait(30)
    began = time.monotonic()
    first.stop()
    assert first.join(5)
    assert time.monotonic() - began < 5
    second = KafkaSourceBridge(bootstrap_servers=kafka, topic=topic, group=group, sink=sink.url)
    began = time.monotonic()
    second.start()
    try:
        assert second.ready.wait(30)
        assert time.monotonic() - began < 5  # not the 10 s session of a member that never left
    finally:
        second.stop()
        assert second.join(5)
