"""CloudEvents 1.0 envelopes: the attributes TaskAI publishes, and the check of a received event."""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any, Protocol

from pydantic import ValidationError

from taskai.contracts.data import EventData
from taskai.contracts.registry import TYPES, EventType, dataschema
from taskai.errors import InvalidInput

CONTENT_TYPE = "application/json"


class InvalidEvent(InvalidInput):
    """A received event breaks the contract; retrying cannot help (dead-letter it)."""

    code = "invalid_event"


class UnknownEventType(InvalidEvent):
    """The event's type is not in the registry, e.g. one added after this consumer was built."""

    code = "unknown_event_type"


class CloudEventLike(Protocol):
    """What the `cloudevents` SDK's events (http, kafka, pydantic) have in common."""

    def get_attributes(self) -> Mapping[str, Any]:
        """The CloudEvents context attributes (id, source, type, subject, time, …) by name."""

    def get_data(self) -> Any:
        """The event's `data` as the SDK decoded it (a dict for JSON data), or None."""


def envelope(
    *,
    event_id: str,
    type: str,
    key: str,
    occurred_at: datetime,
    data: Mapping[str, Any],
    traceparent: str | None = None,
) -> dict[str, Any]:
    """The CloudEvents attributes of one recorded event; its `data` travels beside them.

    `CloudEvent(envelope(...), data)` is the SDK event; `{**envelope(...), "data": data}` is the
    structured-mode JSON of events/examples. `data` is taken so that a call names the whole
    outbox row, but it is not among the attributes and is not inspected here.
    """
    if occurred_at.tzinfo is None:
        raise ValueError("occurred_at must be timezone-aware")
    contract = event_type(type)
    attributes: dict[str, Any] = {
        "specversion": "1.0",
        "id": event_id,
        "source": contract.source,
        "type": type,
        "subject": key,
        "time": rfc3339(occurred_at),
        "datacontenttype": CONTENT_TYPE,
        "dataschema": dataschema(type),
        # The Partitioning extension: the CloudEvents Kafka binding (and the SDK's to_binary)
        # makes it the record key, so events of one task stay in order on one partition.
        "partitionkey": key,
    }
    if traceparent is not None:
        attributes["traceparent"] = traceparent
    return attributes


def parse(event: Mapping[str, Any] | CloudEventLike) -> EventData:
    """The data of a received event, validated as its type's model; raises InvalidEvent."""
    if isinstance(event, Mapping):
        attributes, data = event, event.get("data")
    else:
        attributes, data = event.get_attributes(), event.get_data()
    if attributes.get("specversion") != "1.0":
        raise InvalidEvent("not a CloudEvents 1.0 event", fields={"specversion": "must be 1.0"})
    contract = event_type(attributes.get("type"))
    content_type = attributes.get("datacontenttype") or CONTENT_TYPE
    if not content_type.startswith(CONTENT_TYPE):
        raise InvalidEvent(
            f"data is {content_type}", fields={"datacontenttype": f"must be {CONTENT_TYPE}"}
        )
    return _validated(contract, _decoded(data), attributes)


def event_type(name: Any) -> EventType:
    """The registry entry of a type; raises UnknownEventType."""
    try:
        return TYPES[name]
    except (KeyError, TypeError):
        raise UnknownEventType(
            f"unknown event type {name!r}", fields={"type": "not a TaskAI event type"}
        ) from None


def rfc3339(moment: datetime) -> str:
    """An aware datetime as RFC 3339 text in UTC, e.g. 2025-03-01T09:00:00Z."""
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


def _decoded(data: Any) -> Any:
    if not isinstance(data, str | bytes | bytearray):
        return data
    try:
        return json.loads(data)
    except ValueError as e:
        raise InvalidEvent("data is not JSON", fields={"data": "must be a JSON object"}) from e


def _validated(contract: EventType, data: Any, attributes: Mapping[str, Any]) -> EventData:
    try:
        return contract.model.model_validate(data)
    except ValidationError as e:
        fields = {_path(error["loc"]): error["msg"] for error in e.errors()}
        where, what = next(iter(fields.items()))
        name = f"{attributes.get('type')} event {attributes.get('id')}"
        raise InvalidEvent(f"{name}: {where}: {what}", fields=fields) from e


def _path(loc: tuple[int | str, ...]) -> str:
    return ".".join(["data", *map(str, loc)])
