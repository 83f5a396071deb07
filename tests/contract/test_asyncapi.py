"""events/asyncapi.yaml describes the registry: one message per type, topics as configured."""

from __future__ import annotations

import warnings
from datetime import UTC, datetime
from typing import Any

import pytest
import yaml
from cloudevents.http import CloudEvent
from cloudevents.kafka import to_binary
from eventfiles import EVENTS, validator

from taskai.contracts import DEAD_LETTER_TOPICS, TOPICS, TYPES, envelope

DOCUMENT: dict[str, Any] = yaml.safe_load((EVENTS / "asyncapi.yaml").read_text(encoding="utf-8"))
MESSAGES: dict[str, Any] = DOCUMENT["components"]["messages"]
CHANNELS: dict[str, Any] = DOCUMENT["channels"]
TASK_ID = "5f0c7a52-3d1e-4b8e-9a6f-2c4d8e1b7a90"


def resolve(ref: str) -> Any:
    """The node a local `#/...` reference points at, through references to references."""
    node: Any = DOCUMENT
    for part in ref.removeprefix("#/").split("/"):
        node = node[part.replace("~1", "/").replace("~0", "~")]  # KeyError: points nowhere
    return resolve(node["$ref"]) if isinstance(node, dict) and set(node) == {"$ref"} else node


def references(node: Any) -> list[str]:
    if isinstance(node, dict):
        found = [node["$ref"]] if isinstance(node.get("$ref"), str) else []
        return found + [ref for value in node.values() for ref in references(value)]
    if isinstance(node, list):
        return [ref for value in node for ref in references(value)]
    return []


def message_of(event_type: str) -> dict[str, Any]:
    return next(m for m in MESSAGES.values() if m["name"] == event_type)


def channel_of(topic: str) -> dict[str, Any]:
    return next(c for c in CHANNELS.values() if c["bindings"]["kafka"]["topic"] == topic)


def types_in(channel: dict[str, Any]) -> list[str]:
    return sorted(resolve(m["$ref"])["name"] for m in channel["messages"].values())


def test_the_document_is_asyncapi_3() -> None:
    assert DOCUMENT["asyncapi"] == "3.0.0"
    assert DOCUMENT["defaultContentType"] == "application/json"


def test_the_document_is_valid_for_an_asyncapi_3_object_model() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # the package warns about its own field names
        from asyncapi3.models.asyncapi import AsyncAPI3
    AsyncAPI3.model_validate(DOCUMENT)


def test_every_local_reference_points_at_something() -> None:
    local = [ref for ref in references(DOCUMENT) if ref.startswith("#/")]
    assert local
    for ref in local:
        assert resolve(ref) is not None, ref


def test_every_event_type_has_one_message_named_by_it() -> None:
    assert sorted(m["name"] for m in MESSAGES.values()) == sorted(TYPES)


@pytest.mark.parametrize("event_type", TYPES)
def test_each_message_payload_refers_to_the_schema_file_of_its_type(event_type: str) -> None:
    ref = message_of(event_type)["payload"]["$ref"]
    assert ref == f"schemas/{event_type}.json"
    assert (EVENTS / ref).is_file()


@pytest.mark.parametrize("event_type", TYPES)
def test_each_message_is_keyed_by_the_task_id(event_type: str) -> None:
    key = resolve(message_of(event_type)["bindings"]["$ref"])["kafka"]["key"]
    assert (key["type"], key["format"]) == ("string", "uuid")


@pytest.mark.parametrize("event_type", TYPES)
def test_each_message_headers_accept_the_record_the_sdk_makes_of_the_envelope(
    event_type: str,
) -> None:
    attributes = envelope(
        event_id="e-1",
        type=event_type,
        key=TASK_ID,
        data={},
        occurred_at=datetime(2025, 3, 1, 9, tzinfo=UTC),
        traceparent="00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
    )
    record = to_binary(CloudEvent(attributes, {}))
    headers = {name: value.decode() for name, value in record.headers.items()}
    schema = message_of(event_type)["headers"]
    inlined = {
        "allOf": [resolve(part["$ref"]) if "$ref" in part else part for part in schema["allOf"]]
    }
    validator(inlined).validate(headers)
    assert {
        "ce_id",
        "ce_source",
        "ce_type",
        "ce_subject",
        "ce_time",
        "ce_specversion",
        "ce_dataschema",
        "content-type",
    } <= set(inlined["allOf"][0]["required"])
    constants = {k: v["const"] for k, v in inlined["allOf"][1]["properties"].items()}
    assert constants == {k: headers[k] for k in ("ce_type", "ce_source", "ce_dataschema")}


def test_there_is_one_channel_per_topic() -> None:
    assert sorted(c["bindings"]["kafka"]["topic"] for c in CHANNELS.values()) == sorted(TOPICS)


@pytest.mark.parametrize("topic", TOPICS)
def test_each_channel_has_the_address_partitions_and_retention_of_its_topic(topic: str) -> None:
    channel = channel_of(topic)
    kafka = channel["bindings"]["kafka"]
    assert channel["address"] == topic
    assert kafka["partitions"] == TOPICS[topic]["partitions"]
    assert kafka["topicConfiguration"]["retention.ms"] == TOPICS[topic]["retention_ms"]


@pytest.mark.parametrize("topic", sorted({c.topic for c in TYPES.values()}))
def test_each_channel_and_its_dead_letters_carry_the_types_published_on_the_topic(
    topic: str,
) -> None:
    published = sorted(t for t, c in TYPES.items() if c.topic == topic)
    assert types_in(channel_of(topic)) == published
    assert types_in(channel_of(DEAD_LETTER_TOPICS[topic])) == published


def sent_or_received(action: str) -> set[tuple[str, str]]:
    """(topic, type) of every message of the operations with this action."""
    return {
        (resolve(op["channel"]["$ref"])["address"], resolve(m["$ref"])["name"])
        for op in DOCUMENT["operations"].values()
        if op["action"] == action
        for m in op["messages"]
    }


def test_every_operation_lists_only_messages_of_its_channel() -> None:
    for op in DOCUMENT["operations"].values():
        assert all(
            m["$ref"].startswith(op["channel"]["$ref"] + "/messages/") for m in op["messages"]
        )


def test_the_outbox_relay_sends_every_type_on_its_topic() -> None:
    assert {(c.topic, t) for t, c in TYPES.items()} <= sent_or_received("send")


def test_recurrence_receives_completions_and_notifications_receive_reminders() -> None:
    assert sent_or_received("receive") == {
        ("task-events", "com.taskai.task.completed"),
        ("reminders", "com.taskai.reminder.due"),
    }
