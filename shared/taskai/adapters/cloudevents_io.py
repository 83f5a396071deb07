"""Outbox records as CloudEvents, in binary content mode for Kafka and for HTTP."""

from __future__ import annotations

from typing import Any

from taskai.adapters.outbox import OutboxRecord


def attributes(record: OutboxRecord) -> dict[str, Any]:
    """The CloudEvents attributes of a stored event."""
    from taskai.contracts import envelope  # the event models are built on first publish

    return envelope(
        event_id=record.event_id,
        type=record.type,
        key=record.key,
        occurred_at=record.occurred_at,
        data=record.data,
        traceparent=record.traceparent,
    )


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
