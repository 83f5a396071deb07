"""The KafkaSource stand-in's unordered mode (parallelism > 1) against the real broker."""

from __future__ import annotations

import threading
import time
from collections import Counter
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from support import produce
from taskai.local.kafka_source import Delivery, KafkaSourceBridge


class SlowSink:
    """Answers 200 after `delay_s`; holds the events in `held` until released; counts overlap."""

    def __init__(self, delay_s: float = 0.05) -> None:
        self.delay_s, self.lock = delay_s, threading.Lock()
        self.ids: list[str] = []
        self.busy = self.most_busy = 0
        self.held: dict[str, threading.Event] = {}
        sink = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self) -> None:
                self.rfile.read(int(self.headers.get("Content-Length", 0)))
                event_id = self.headers.get("ce-id", "")
                with sink.lock:
                    sink.busy += 1
                    sink.most_busy = max(sink.most_busy, sink.busy)
                time.sleep(sink.delay_s)
                if event_id in sink.held:
                    sink.held[event_id].wait(30)
                with sink.lock:
                    sink.busy -= 1
                    sink.ids.append(event_id)
                self.send_response(200)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_port}/"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()


@pytest.fixture
def sink() -> Iterator[SlowSink]:
    server = SlowSink()
    yield server
    for event in server.held.values():
        event.set()
    server.server.shutdown()


def records(count: int, key: bytes = b"task-1") -> list[tuple[bytes, bytes, list]]:
    headers = lambda n: [  # noqa: E731
        ("ce_specversion", b"1.0"),
        ("ce_id", f"e{n}".encode()),
        ("ce_type", b"com.taskai.reminder.due"),
        ("ce_source", b"/taskai/reminders"),
        ("content-type", b"application/json"),
    ]
    return [(key, b'{"n": %d}' % n, headers(n)) for n in range(count)]


def bridge_for(kafka: str, topic: str, sink: SlowSink, group: str) -> KafkaSourceBridge:
    return KafkaSourceBridge(
        bootstrap_servers=kafka,
        topic=topic,
        group=group,
        sink=sink.url,
        delivery=Delivery(retry=2, backoff_delay_s=0.01, timeout_s=40),
        initial_offset="earliest",
        parallelism=8,
    )


def wait(until, timeout_s: float = 30, message=lambda: "") -> None:
    deadline = time.monotonic() + timeout_s
    while not until() and time.monotonic() < deadline:
        time.sleep(0.02)
    assert until(), message()


def committed(kafka: str, topic: str, group: str) -> int:
    from kafka import KafkaConsumer, TopicPartition

    consumer = KafkaConsumer(bootstrap_servers=kafka, group_id=group, enable_auto_commit=False)
    try:
        total = 0
        for partition in consumer.partitions_for_topic(topic) or []:
            total += consumer.committed(TopicPartition(topic, partition)) or 0
        return total
    finally:
        consumer.close()


def test_unordered_delivery_has_several_records_in_flight_and_delivers_each_once(
    kafka, topic, sink
):
    produce(kafka, topic, records(80))
    bridge = bridge_for(kafka, topic, sink, f"g-{topic}")
    thread = bridge.start()
    assert bridge.ready.wait(30), "no partitions assigned"
    started = time.monotonic()
    wait(lambda: len(sink.ids) >= 80, message=lambda: f"{len(sink.ids)} of 80 arrived")
    elapsed = time.monotonic() - started
    bridge.stop()
    thread.join(timeout=10)
    assert Counter(sink.ids) == Counter(f"e{n}" for n in range(80))
    assert sink.most_busy > 1 and bridge.delivered == 80
    assert elapsed < 80 * sink.delay_s  # faster than one at a time
    assert committed(kafka, topic, f"g-{topic}") == 80


def test_offsets_are_committed_only_up_to_the_lowest_record_still_in_flight(kafka, topic, sink):
    group = f"g-{topic}"
    sink.held["e3"] = threading.Event()
    produce(kafka, topic, records(20))  # one key: one partition, offsets 0..19
    bridge = bridge_for(kafka, topic, sink, group)
    thread = bridge.start()
    wait(lambda: len(sink.ids) >= 19)  # everything but e3 has arrived
    time.sleep(0.5)  # a few more poll loops: commits happen between polls
    assert committed(kafka, topic, group) == 3  # e3 (offset 3) may not have arrived
    sink.held["e3"].set()
    wait(lambda: committed(kafka, topic, group) == 20)
    bridge.stop()
    thread.join(timeout=10)
    again = bridge_for(kafka, topic, sink, group)  # a restart redelivers nothing
    thread = again.start()
    time.sleep(3)
    again.stop()
    thread.join(timeout=10)
    assert sorted(Counter(sink.ids).values()) == [1] * 20
