"""The CloudEvents envelope TaskAI publishes, its Kafka form, and the check of received events."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest
from cloudevents.http import CloudEvent, from_dict
from cloudevents.kafka import from_binary, to_binary
from eventfiles import EXAMPLES, load

from taskai.contracts import (
    TYPES,
    InvalidEvent,
    ReminderDueData,
    TaskCompletedData,
    UnknownEventType,
    envelope,
    parse,
)

TASK_ID = "5f0c7a52-3d1e-4b8e-9a6f-2c4d8e1b7a90"
TRACEPARENT = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"
REQUIRED = {"specversion", "id", "source", "type"}  # CloudEvents 1.0 required attributes
HEADERS = {
    "ce_specversion",
    "ce_id",
    "ce_source",
    "ce_type",
    "ce_subject",
    "ce_time",
    "ce_dataschema",
}


def completed(**overrides: Any) -> dict[str, Any]:
    """The example completion in structured mode, its attributes built afresh by envelope()."""
    data = load(EXAMPLES / "com.taskai.task.completed.json")["data"]
    arguments: dict[str, Any] = {
        "event_id": str(uuid.uuid4()),
        "type": "com.taskai.task.completed",
        "key": TASK_ID,
        "occurred_at": datetime(2025, 3, 7, 14, 42, 10, 315000, tzinfo=UTC),
        "data": data,
    }
    return {**envelope(**{**arguments, **overrides}), "data": data}


def sdk_event(event: dict[str, Any]) -> CloudEvent:
    attributes = {k: v for k, v in event.items() if k != "data"}
    return CloudEvent(attributes, event["data"])


@pytest.mark.parametrize("event_type", TYPES)
def test_the_envelope_holds_the_attributes_taskai_uses_and_not_the_data(event_type: str) -> None:
    event = envelope(
        event_id="e-1",
        type=event_type,
        key=TASK_ID,
        data={},
        occurred_at=datetime(2025, 3, 1, 9, tzinfo=UTC),
    )
    assert event.keys() >= REQUIRED
    source = "/taskai/reminders" if event_type == "com.taskai.reminder.due" else "/taskai/tasks"
    assert event == {
        "specversion": "1.0",
        "id": "e-1",
        "source": source,
        "type": event_type,
        "subject": TASK_ID,
        "time": "2025-03-01T09:00:00Z",
        "datacontenttype": "application/json",
        "dataschema": f"urn:taskai:schema:{event_type}:1",
        "partitionkey": TASK_ID,
    }


def test_the_traceparent_extension_is_there_only_when_given() -> None:
    assert "traceparent" not in completed()
    assert completed(traceparent=TRACEPARENT)["traceparent"] == TRACEPARENT


def test_the_time_is_rfc_3339_in_utc_whatever_the_offset_given() -> None:
    berlin = timezone(timedelta(hours=1))
    assert (
        completed(occurred_at=datetime(2025, 3, 7, 15, 42, tzinfo=berlin))["time"]
        == "2025-03-07T14:42:00Z"
    )


def test_the_envelope_refuses_a_naive_time_and_an_unknown_type() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        completed(occurred_at=datetime(2025, 3, 7, 14, 42))
    with pytest.raises(UnknownEventType, match=r"com\.taskai\.task\.archived"):
        completed(type="com.taskai.task.archived")


def test_the_sdk_turns_the_envelope_into_a_binary_kafka_record_keyed_by_the_task() -> None:
    event = completed(traceparent=TRACEPARENT)
    record = to_binary(sdk_event(event))
    assert record.key == TASK_ID
    assert HEADERS | {"ce_traceparent", "content-type"} == record.headers.keys()
    assert all(h.startswith("ce_") for h in record.headers if h != "content-type")
    assert record.headers["content-type"] == b"application/json"
    assert record.headers["ce_type"] == b"com.taskai.task.completed"
    assert json.loads(record.value) == event["data"]


def test_a_binary_kafka_record_parses_back_into_the_model() -> None:
    event = completed()
    received = from_binary(to_binary(sdk_event(event)))
    assert received["partitionkey"] == TASK_ID
    data = parse(received)
    assert isinstance(data, TaskCompletedData)
    assert str(data.task.id) == TASK_ID


def test_a_structured_event_as_the_sdk_reads_it_parses_into_the_model() -> None:
    data = parse(from_dict(completed()))
    assert isinstance(data, TaskCompletedData)
    assert data.task.completed_at == datetime(2025, 3, 7, 14, 42, 10, 315000, tzinfo=UTC)


def test_raw_json_data_is_decoded_before_it_is_checked() -> None:
    event = completed()
    assert isinstance(
        parse({**event, "data": json.dumps(event["data"]).encode()}), TaskCompletedData
    )


def test_a_consumer_accepts_fields_a_newer_producer_added() -> None:
    event = completed()
    task = {**event["data"]["task"], "estimate_minutes": 30}
    data = parse({**event, "data": {**event["data"], "task": task, "actor": "web"}})
    assert isinstance(data, TaskCompletedData)


def test_invalid_data_is_refused_with_the_path_of_the_field() -> None:
    event = completed()
    task = {**event["data"]["task"], "due_date": "next friday"}
    with pytest.raises(InvalidEvent, match=r"data\.task\.due_date") as refused:
        parse({**event, "data": {"task": task}})
    assert set(refused.value.fields) == {"data.task.due_date"}


def test_a_missing_field_is_refused_by_name() -> None:
    data = load(EXAMPLES / "com.taskai.reminder.due.json")["data"]
    data = {k: v for k, v in data.items() if k != "fire_at"}
    attributes = envelope(
        event_id="e-1",
        type="com.taskai.reminder.due",
        key=TASK_ID,
        occurred_at=datetime(2025, 3, 7, 15, tzinfo=UTC),
        data=data,
    )
    event = {**attributes, "data": data}
    with pytest.raises(InvalidEvent, match=r"data\.fire_at: Field required"):
        parse(event)


def test_a_reminder_needs_exactly_one_of_an_offset_and_a_time() -> None:
    data = load(EXAMPLES / "com.taskai.reminder.due.json")["data"]
    assert isinstance(ReminderDueData.model_validate(data), ReminderDueData)
    with pytest.raises(ValueError, match="exactly one of minutes_before and at"):
        ReminderDueData.model_validate({**data, "at": data["fire_at"]})
    with pytest.raises(ValueError, match="exactly one of minutes_before and at"):
        ReminderDueData.model_validate({**data, "minutes_before": None})


def test_times_read_with_another_offset_come_out_in_utc() -> None:
    data = load(EXAMPLES / "com.taskai.reminder.due.json")["data"]
    parsed = ReminderDueData.model_validate({**data, "fire_at": "2025-03-07T16:00:00+01:00"})
    assert parsed.fire_at == datetime(2025, 3, 7, 15, tzinfo=UTC)
    assert parsed.fire_at.tzinfo == UTC


def test_an_unknown_type_is_told_apart_so_a_consumer_can_skip_it() -> None:
    with pytest.raises(UnknownEventType):
        parse({**completed(), "type": "com.taskai.task.archived"})


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"specversion": "0.3"}, "specversion"),
        ({"datacontenttype": "text/plain"}, "datacontenttype"),
        ({"data": b"{not json"}, "data"),
    ],
)
def test_an_event_outside_the_contract_is_refused(change: dict[str, Any], field: str) -> None:
    with pytest.raises(InvalidEvent) as refused:
        parse({**completed(), **change})
    assert field in refused.value.fields
