"""One trace from the click to the next occurrence's commit: HTTP → outbox → Kafka → function."""

from __future__ import annotations

from typing import Any

import pytest
from test_task_events_on_kafka import end_offsets, ensure_topic, events_since

from support import Api, event_client, settle
from taskai import bootstrap

CALLER_TRACE = "4bf92f3577b34da6a3ce929d0e0e4736"
CALLER_SPAN = "00f067aa0ba902b7"


@pytest.fixture(scope="module")
def spans() -> Any:
    """Every finished span of this process, in memory (the SDK as OTEL_* would install it)."""
    from opentelemetry import trace
    from opentelemetry.sdk.trace import TracerProvider
    from opentelemetry.sdk.trace.export import SimpleSpanProcessor
    from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

    exporter = InMemorySpanExporter()
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    trace.set_tracer_provider(provider)  # once per process: the API refuses a second one
    return exporter


def to_http(record: Any) -> tuple[dict[str, str], bytes]:
    """A Kafka record as KafkaSource delivers it: a binary-mode HTTP CloudEvent."""
    from cloudevents.conversion import to_binary
    from cloudevents.http import CloudEvent
    from cloudevents.kafka import KafkaMessage, from_binary

    message = KafkaMessage(dict(record.headers), record.key, record.value)
    event = from_binary(message, event_type=CloudEvent)
    headers, body = to_binary(event)
    return dict(headers), body


def tree(finished: list[Any]) -> list[str]:
    """`name <- parent name` for each span, in start order (the closing note's trace)."""
    names = {s.context.span_id: s.name for s in finished}
    lines = []
    for s in sorted(finished, key=lambda s: s.start_time):
        parent = s.parent.span_id if s.parent else None
        lines.append(
            f"{s.name} ({s.kind.name}) <- {names.get(parent, 'caller' if parent else '-')}"
        )
    return lines


def test_completing_a_recurring_task_is_one_trace_through_kafka_to_the_next_commit(
    database, kafka, gateway, monkeypatch, spans
):
    monkeypatch.setenv("KAFKA_BOOTSTRAP_SERVERS", kafka)
    bootstrap.reset()
    ensure_topic(kafka)
    user = Api(gateway).as_new_user("Europe/Berlin")
    task = user.post(
        "/api/tasks",
        {
            "title": "Pay rent",
            "due_date": "2031-01-01T09:00:00",
            "recurrence": {"preset": "monthly"},
        },
    ).json
    settle()
    offsets = end_offsets(kafka, "task-events")
    spans.clear()

    caller = f"00-{CALLER_TRACE}-{CALLER_SPAN}-01"
    done = user.post(f"/api/tasks/{task['id']}/complete", headers={"traceparent": caller})
    assert done.status_code == 200
    settle()
    [record] = [
        r
        for r in events_since(kafka, offsets, {task["id"]}, expected=1)
        if dict(r.headers)["ce_type"] == b"com.taskai.task.completed"
    ]
    headers, body = to_http(record)
    assert event_client("recurrence").post("/", headers=headers, data=body).json == {
        "outcome": "created"
    }
    settle()  # the next occurrence's task.created goes to Kafka as well

    finished = [s for s in spans.get_finished_spans() if s.name != "POST"]
    print("\n" + "\n".join(tree(finished)))
    assert {format(s.context.trace_id, "032x") for s in finished} == {CALLER_TRACE}
    by_id = {s.context.span_id: s for s in finished}

    def parent(s: Any) -> Any:
        return by_id.get(s.parent.span_id) if s.parent else None

    [click] = [s for s in finished if s.name == "completeTask"]
    assert format(click.parent.span_id, "016x") == CALLER_SPAN and click.parent.is_remote
    [process] = [s for s in finished if s.name == "recurrence process"]
    published = parent(process)
    assert published.name == "task-events publish" and process.parent.is_remote
    assert published.attributes["cloudevents.event_type"] == "com.taskai.task.completed"
    assert parent(published).name == "commit" and parent(parent(published)) is click
    header = dict(record.headers)["ce_traceparent"].decode()
    assert header == f"00-{CALLER_TRACE}-{format(published.context.span_id, '016x')}-01"
    next_commit = [s for s in finished if s.name == "commit" and parent(s) is process]
    assert len(next_commit) == 1
    onward = [s for s in finished if parent(s) is next_commit[0]]
    assert [s.attributes["cloudevents.event_type"] for s in onward] == ["com.taskai.task.created"]
    bootstrap.reset()
