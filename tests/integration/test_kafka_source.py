"""The KafkaSource stand-in against the real broker and a real HTTP sink."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from http_sink import Sink
from support import consume_all, produce
from taskai.local.kafka_source import Delivery, KafkaSourceBridge


@pytest.fixture
def sink() -> Iterator[Sink]:
    server = Sink()
    yield server
    server.server.shutdown()


def event(number: int, key: bytes = b"task-1") -> tuple[bytes, bytes, list[tuple[str, bytes]]]:
    headers = [
        ("ce_specversion", b"1.0"),
        ("ce_id", f"e{number}".encode()),
        ("ce_type", b"com.taskai.task.updated"),
        ("ce_source", b"/taskai/tasks"),
        ("content-type", b"application/json"),
    ]
    return key, b'{"n": %d}' % number, headers


def run_bridge(
    kafka: str, topic: str, sink: Sink, until, dead_letter_topic=None, **options
) -> KafkaSourceBridge:
    bridge = KafkaSourceBridge(
        bootstrap_servers=kafka,
        topic=topic,
        group=f"g-{topic}",
        sink=sink.url,
        dead_letter_topic=dead_letter_topic,
        delivery=options.pop("delivery", Delivery(retry=4, backoff_delay_s=0.05, timeout_s=2)),
        initial_offset="earliest",
        **options,
    )
    thread = bridge.start()
    deadline = time.monotonic() + 30
    while not until() and time.monotonic() < deadline:
        time.sleep(0.05)
    bridge.stop()
    thread.join(timeout=10)
    return bridge


def test_records_arrive_as_binary_cloudevents_in_partition_order(kafka, topic, sink):
    produce(kafka, topic, [event(n) for n in range(10)])
    run_bridge(kafka, topic, sink, until=lambda: len(sink.calls) >= 10)
    assert sink.ids() == [f"e{n}" for n in range(10)]
    _, headers, body = sink.calls[0]
    assert headers["ce-type"] == "com.taskai.task.updated"
    assert headers["content-type"] == "application/json" and body == b'{"n": 0}'


def test_a_sink_failing_three_times_then_succeeding_gets_the_event_once_in_order(
    kafka, topic, sink
):
    sink.script["e1"] = [500, 503, 429]
    produce(kafka, topic, [event(n) for n in range(3)])
    bridge = run_bridge(kafka, topic, sink, until=lambda: sink.ids().count("e2") == 1)
    assert sink.ids() == ["e0", "e1", "e1", "e1", "e1", "e2"]
    assert bridge.delivered == 3 and bridge.dead_lettered == 0


def test_a_400_is_dead_lettered_at_once_and_consumption_goes_on(kafka, topic, sink):
    dead = f"{topic}-dlq"
    sink.script["e1"] = [400]
    produce(kafka, topic, [event(n) for n in range(3)])
    bridge = run_bridge(
        kafka, topic, sink, until=lambda: "e2" in sink.ids(), dead_letter_topic=dead
    )
    assert sink.ids() == ["e0", "e1", "e2"]
    assert bridge.dead_lettered == 1
    [letter] = consume_all(kafka, dead, expected=1)
    assert dict(letter.headers)["ce_id"] == b"e1"
    assert dict(letter.headers)["ce_knativeerrorcode"] == b"400"


def test_a_sink_that_keeps_failing_is_dead_lettered_after_the_retries(kafka, topic, sink):
    sink.script["e0"] = [500] * 10
    produce(kafka, topic, [event(0), event(1)])
    bridge = run_bridge(
        kafka, topic, sink, until=lambda: "e1" in sink.ids(), dead_letter_topic=f"{topic}-dlq"
    )
    assert sink.ids() == ["e0"] * 5 + ["e1"]
    assert bridge.dead_lettered == 1


def test_a_503_with_retry_after_waits_at_least_that_long_before_the_next_attempt(
    kafka, topic, sink
):
    sink.script["e0"] = [(503, "1"), (429, "1")]
    produce(kafka, topic, [event(0)])
    delivery = Delivery(retry=4, backoff_delay_s=0.01, timeout_s=2, max_backoff_s=5)
    bridge = run_bridge(kafka, topic, sink, until=lambda: len(sink.calls) >= 3, delivery=delivery)
    assert sink.ids() == ["e0"] * 3 and bridge.delivered == 1
    assert sink.times[1] - sink.times[0] >= 0.95  # not the 0.01 s backoff
    assert sink.times[2] - sink.times[1] >= 0.95


def test_a_retry_after_beyond_the_cap_waits_only_the_cap(kafka, topic, sink):
    sink.script["e0"] = [(503, "3600")]
    produce(kafka, topic, [event(0)])
    delivery = Delivery(retry=2, backoff_delay_s=0.01, timeout_s=2, max_backoff_s=0.3)
    run_bridge(kafka, topic, sink, until=lambda: len(sink.calls) >= 2, delivery=delivery)
    assert 0.25 <= sink.times[1] - sink.times[0] < 5


def test_a_dead_letter_goes_to_the_dead_letter_sink_with_knatives_error_extensions(
    kafka, topic, sink
):
    sink.script["e0"] = [422]
    produce(kafka, topic, [event(0), event(1)])
    bridge = run_bridge(
        kafka,
        topic,
        sink,
        until=lambda: sink.ids().count("e0") == 2 and "e1" in sink.ids(),
        dead_letter_topic=f"{topic}-dlq",
        dead_letter_sink=sink.url + "dead-letters",
    )
    assert bridge.dead_lettered == 1
    [(_, headers, body)] = [c for c in sink.calls if c[0] == "e0"][1:]
    assert headers["ce-knativeerrorcode"] == "422"
    assert headers["ce-knativeerrordest"] == sink.url and body == b'{"n": 0}'


def test_a_dead_letter_falls_back_to_the_topic_when_the_dead_letter_sink_fails(kafka, topic, sink):
    dead = f"{topic}-dlq"
    sink.script["e0"] = [400, 503]  # the event, then the dead-letter sink
    produce(kafka, topic, [event(0)])
    run_bridge(
        kafka,
        topic,
        sink,
        until=lambda: len(sink.calls) >= 2,
        dead_letter_topic=dead,
        dead_letter_sink=sink.url,
    )
    [letter] = consume_all(kafka, dead, expected=1)
    assert dict(letter.headers)["ce_knativeerrorcode"] == b"400"


def test_stopping_during_the_retries_neither_dead_letters_nor_commits_the_record(
    kafka, topic, sink
):
    sink.script["e0"] = [503] * 3
    produce(kafka, topic, [event(0)])
    delivery = Delivery(retry=10, backoff_delay_s=30, timeout_s=2)
    bridge = run_bridge(
        kafka,
        topic,
        sink,
        until=lambda: len(sink.calls) >= 1,
        dead_letter_topic=f"{topic}-dlq",
        delivery=delivery,
    )
    assert bridge.dead_lettered == 0 and bridge.delivered == 0
    run_bridge(kafka, topic, sink, until=lambda: len(sink.calls) >= 4)
    assert sink.ids() == ["e0"] * 4  # delivered again after the restart


def test_offsets_are_committed_so_a_restart_does_not_deliver_again(kafka, topic, sink):
    produce(kafka, topic, [event(n) for n in range(4)])
    run_bridge(kafka, topic, sink, until=lambda: len(sink.calls) >= 4)
    produce(kafka, topic, [event(4)])
    run_bridge(kafka, topic, sink, until=lambda: "e4" in sink.ids())
    assert sink.ids() == [f"e{n}" for n in range(5)]


def test_the_taskai_kafka_source_command_delivers_a_topic_to_a_url(kafka, topic, sink):
    produce(kafka, topic, [event(n) for n in range(3)])
    command = [
        sys.executable,
        "-m",
        "taskai.cli",
        "kafka-source",
        "--bootstrap-servers",
        kafka,
        "--topic",
        topic,
        "--group",
        f"cli-{topic}",
        "--sink",
        sink.url,
        "--initial-offset",
        "earliest",
    ]
    shared = str(Path(__file__).resolve().parents[2] / "shared")
    process = subprocess.Popen(
        command, env={**os.environ, "PYTHONPATH": shared}, stderr=subprocess.DEVNULL
    )
    try:
        deadline = time.monotonic() + 30
        while len(sink.calls) < 3 and time.monotonic() < deadline:
            time.sleep(0.05)
    finally:
        process.terminate()
        process.wait(timeout=10)
    assert sink.ids() == ["e0", "e1", "e2"]


def test_partitions_are_delivered_side_by_side_each_in_its_own_order(kafka, topic, sink):
    keys = [b"alpha", b"bravo", b"charlie", b"delta"]
    produce(kafka, topic, [event(n, key=keys[n % 4]) for n in range(40)])
    run_bridge(kafka, topic, sink, until=lambda: len(sink.calls) >= 40)
    order = [int(call[0][1:]) for call in sink.calls]
    assert sorted(order) == list(range(40))
    for k in range(4):
        same_key = [n for n in order if n % 4 == k]
        assert same_key == sorted(same_key)  # one key, one partition, one order
