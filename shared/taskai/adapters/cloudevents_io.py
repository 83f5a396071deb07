"""Outbox records as CloudEvents, in binary content mode for Kafka and for HTTP."""

from __future__ import annotations

from typing import Any

from taskai.adapters.outbox import OutboxRecord

PING_TYPE = "dev.knative.sources.ping"  # the type of a PingSource's CloudEvent


def attributes(record: OutboxRecord) -> dict[str, Any]:
    """The CloudEvents attributes of a stored event."""
    from taskai.contracts import envelope  # the event models are built on first publish
    from taskai.telemetry import tracing

    # The producer span is a child of the request that stored the event; the CloudEvent carries
    # its context (the distributed-tracing extension), so the consumer's span is its child.
    stored = {"traceparent": record.traceparent} if record.traceparent else {}
    about = {
        "messaging.system": "kafka",
        "messaging.destination.name": record.topic,
        "messaging.message.id": record.event_id,
        "cloudevents.event_type": record.type,
    }
    with tracing.span(f"{record.topic} publish", kind="PRODUCER", parent=stored, attributes=about):
        context = tracing.current_headers()
    attributes = envelope(
        event_id=record.event_id,
        type=record.type,
        key=record.key,
        occurred_at=record.occurred_at,
        data=record.data,
        traceparent=context.get("traceparent", record.traceparent),
    )
    if context.get("tracestate"):
        attributes["tracestate"] = context["tracestate"]
    return attributes


def to_kafka(record: OutboxRecord) -> tuple[bytes, bytes, list[tuple[str, bytes]]]:
    """(key, value, headers) of the Kafka record: `ce_*` headers, JSON value, key = task id."""
    from cloudevents.http import CloudEvent
    from cloudevents.kafka import to_binary

    message = to_binary(
        CloudEvent(attributes(record), record.data), key_mapper=lambda _event: record.key
    )
    value = message.value.encode() if isinstance(message.value, str) else message.value
    return record.key.encode(), value, list(message.headers.items())


def to_http(record: OutboxRecord) -> tuple[dict[str, str], bytes]:
    """(headers, body) of a binary-mode HTTP CloudEvent, as KafkaSource delivers it."""
    from cloudevents.conversion import to_binary
    from cloudevents.http import CloudEvent

    headers, body = to_binary(CloudEvent(attributes(record), record.data))
    return dict(headers), body
