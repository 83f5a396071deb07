"""CloudEvents in binary content mode for Kafka and for HTTP, converted by the cloudevents SDK:
outbox records, and the records a KafkaSource (or its stand-in, or a redrive) passes on."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from taskai.ports import OutboxRecord

if TYPE_CHECKING:
    from cloudevents.http import CloudEvent

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


def as_is(data: Any) -> Any:
    """The SDK's (un)marshaller that keeps a record's data the bytes it came as."""
    return data


def from_kafka(headers: Iterable[tuple[str, bytes]], value: bytes | None) -> CloudEvent:
    """The CloudEvent of a binary-mode Kafka record (`ce_*` headers), its data left as bytes;
    raises cloudevents.exceptions.MissingRequiredFields when the record is not one."""
    from cloudevents.kafka import KafkaMessage, from_binary

    fields = {name.lower(): value for name, value in headers}
    event = from_binary(KafkaMessage(fields, None, value or b""), data_unmarshaller=as_is)
    if "ce_time" not in fields:
        del event["time"]  # the SDK stamps the time of reading; a passed-on event has none
    return event


REQUIRED_HEADERS = ("ce_id", "ce_source", "ce_type")


def http_of_kafka(
    headers: Iterable[tuple[str, bytes]], value: bytes | None
) -> tuple[dict[str, str], bytes] | None:
    """`http_request(from_kafka(headers, value))` without building the event: a binary-mode
    CloudEvents 1.0 record's `ce_*` headers and content type as HTTP headers, its value as the
    body; None when the record is no such event (the SDK then decides what it is)."""
    fields = {name.lower(): raw for name, raw in headers}
    if fields.get("ce_specversion") != b"1.0" or "ce_datacontenttype" in fields:
        return None
    if not all(fields.get(name) for name in REQUIRED_HEADERS):
        return None
    out = {f"ce-{name[3:]}": raw.decode() for name, raw in fields.items() if name[:3] == "ce_"}
    if (content_type := fields.get("content-type")) is not None:
        out["content-type"] = content_type.decode()
    return out, value or b""


def kafka_record(
    event: Any, key: bytes | None
) -> tuple[bytes | None, bytes, list[tuple[str, bytes]]]:
    """(key, value, headers) of `event` as a binary-mode Kafka record; bytes data unchanged."""
    from cloudevents.kafka import to_binary

    untyped = "datacontenttype" not in event
    if untyped:
        event["datacontenttype"] = None  # the SDK reads it without a default
    try:
        message = to_binary(event, data_marshaller=as_is, key_mapper=lambda _event: key)
    finally:
        if untyped:
            del event["datacontenttype"]
    value = message.value.encode() if isinstance(message.value, str) else message.value
    return key, value, list(message.headers.items())


def http_request(event: Any) -> tuple[dict[str, str], bytes]:
    """(headers, body) of `event` as a binary-mode HTTP request; bytes data unchanged."""
    from cloudevents.conversion import to_binary

    headers, body = to_binary(event, data_marshaller=as_is)
    return dict(headers), body.encode() if isinstance(body, str) else body
