"""`taskai redrive` against the real broker: dead letters replayed to a real HTTP sink."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from http_sink import Sink
from support import consume_all
from taskai.adapters.http_delivery import Delivery
from taskai.redrive import redrive

FAST = Delivery(retry=2, backoff_delay_s=0.01, timeout_s=2)


@pytest.fixture
def sink() -> Iterator[Sink]:
    server = Sink()
    yield server
    server.server.shutdown()


def dead_letter(number: int, code: bytes = b"500") -> list[tuple[str, bytes]]:
    return [
        ("ce_specversion", b"1.0"),
        ("ce_id", f"e{number}".encode()),
        ("ce_type", b"com.taskai.task.completed"),
        ("ce_source", b"/taskai/tasks"),
        ("ce_knativeerrorcode", code),
        ("ce_knativeerrordest", b"http://recurrence.taskai.svc.cluster.local"),
        ("ce_taskainotbefore", b"2031-01-01T00:00:00+00:00"),
        ("content-type", b"application/json"),
    ]


def put(kafka: str, topic: str, numbers: list[int], age: timedelta = timedelta(0)) -> None:
    """Dead letters e<n> on `topic`, stamped `age` ago."""
    from kafka import KafkaProducer

    producer = KafkaProducer(bootstrap_servers=kafka, acks="all")
    stamp = int((datetime.now(UTC) - age).timestamp() * 1000)
    for n in numbers:
        producer.send(
            topic,
            key=b"task-%d" % n,
            value=b'{"n": %d}' % n,
            headers=dead_letter(n),
            timestamp_ms=stamp,
        )
    producer.flush()
    producer.close()


def test_every_dead_letter_is_replayed_in_binary_mode_without_the_dead_letter_extensions(
    kafka, topic, sink
):
    put(kafka, topic, [0, 1, 2])
    result = redrive(kafka, topic, sink.url, None, False, delivery=FAST)
    assert (result.total, result.replayed, result.failed) == (3, 3, [])
    assert sorted(sink.ids()) == ["e0", "e1", "e2"]
    _, headers, body = next(c for c in sink.calls if c[0] == "e1")
    assert headers["ce-type"] == "com.taskai.task.completed" and body == b'{"n": 1}'
    assert headers["content-type"] == "application/json"
    assert not [h for h in headers if h.startswith(("ce-knativeerror", "ce-taskainotbefore"))]


def test_events_that_still_fail_are_counted_and_stay_on_the_dead_letter_topic(kafka, topic, sink):
    put(kafka, topic, [0, 1, 2])
    sink.script["e1"] = [503] * 10
    sink.script["e2"] = [422]
    result = redrive(kafka, topic, sink.url, None, False, delivery=FAST)
    assert result.replayed == 1
    assert sorted(result.failed) == [("e1", 503), ("e2", 422)]
    assert sink.ids().count("e1") == 3 and sink.ids().count("e2") == 1  # 422: no retry
    assert len(consume_all(kafka, topic, expected=3, timeout_s=5)) == 3  # nothing removed


def test_since_replays_only_what_was_dead_lettered_after_it(kafka, topic, sink):
    put(kafka, topic, [0, 1], age=timedelta(hours=3))
    put(kafka, topic, [2])
    since = datetime.now(UTC) - timedelta(hours=2)
    result = redrive(kafka, topic, sink.url, since, False, delivery=FAST)
    assert result.total == 1 and sink.ids() == ["e2"]


def test_a_dry_run_counts_and_sends_nothing(kafka, topic, sink):
    put(kafka, topic, [0, 1, 2, 3])
    result = redrive(kafka, topic, sink.url, None, True)
    assert (result.total, result.replayed, result.failed) == (4, 0, [])
    assert sink.calls == []


def test_an_event_dead_lettered_twice_is_replayed_once(kafka, topic, sink):
    put(kafka, topic, [0, 1, 0])
    result = redrive(kafka, topic, sink.url, None, False, delivery=FAST)
    assert result.replayed == 2 and result.duplicates == 1
    assert sorted(sink.ids()) == ["e0", "e1"]


def test_an_empty_dead_letter_topic_is_a_successful_no_op(kafka, topic, sink):
    result = redrive(kafka, topic, sink.url, None, False)
    assert (result.total, result.replayed) == (0, 0) and sink.calls == []


def cli(*args: str) -> subprocess.CompletedProcess[str]:
    shared = str(Path(__file__).resolve().parents[2] / "shared")
    env = {
        **os.environ,
        "PYTHONPATH": shared,
        "EVENTS_TOKEN": "shared-secret-of-the-functions-01234",
    }
    env["DATA_DIR"] = tempfile.mkdtemp(prefix="taskai-redrive-")  # the CLI's embedded settings
    env.pop("KAFKA_BOOTSTRAP_SERVERS", None)
    return subprocess.run(
        [sys.executable, "-m", "taskai.cli", "redrive", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_the_command_exits_0_when_all_are_replayed_and_1_when_some_still_fail(kafka, topic, sink):
    put(kafka, topic, [0, 1])
    done = cli("--topic", topic, "--sink", sink.url, "--bootstrap-servers", kafka)
    assert done.returncode == 0, done.stderr
    assert "2 dead letters; 2 replayed" in done.stdout
    authorizations = {headers["authorization"] for _, headers, _ in sink.calls}
    assert authorizations == {"Bearer shared-secret-of-the-functions-01234"}
    sink.script["e1"] = [400]
    started = time.monotonic()
    failing = cli("--topic", topic, "--sink", sink.url, "--bootstrap-servers", kafka)
    assert failing.returncode == 1 and "1 still failing" in failing.stdout
    assert "still failing: e1 (400)" in failing.stderr and time.monotonic() - started < 60


def test_the_command_dry_run_and_since_options(kafka, topic, sink):
    put(kafka, topic, [0], age=timedelta(hours=3))
    put(kafka, topic, [1])
    done = cli(
        "--topic", topic, "--sink", sink.url, "--bootstrap-servers", kafka, "--since", "2h",
        "--dry-run",
    )  # fmt: skip
    assert done.returncode == 0 and "1 dead letters; dry run" in done.stdout
    assert sink.calls == []


def test_the_command_exits_2_on_an_unknown_topic_a_bad_since_or_a_dead_sink(kafka, topic):
    unknown = cli("--topic", "no-such-topic.dlq", "--sink", "http://127.0.0.1:9/", "--bootstrap-servers", kafka)  # fmt: skip
    assert unknown.returncode == 2
    bad_since = cli("--topic", topic, "--since", "yesterday-ish", "--bootstrap-servers", kafka)
    assert bad_since.returncode == 2 and "--since" in bad_since.stderr
    put(kafka, topic, [0])
    dead_sink = cli("--topic", topic, "--sink", "http://127.0.0.1:9/", "--bootstrap-servers", kafka)  # fmt: skip
    assert dead_sink.returncode == 2 and "did not answer" in dead_sink.stderr
