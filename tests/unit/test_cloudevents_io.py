"""A Kafka record's CloudEvent goes out over HTTP exactly as the SDK would send it."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from taskai.adapters.cloudevents_io import from_kafka, http_of_kafka, http_request, to_kafka
from taskai.ports import OutboxRecord

pytest.importorskip("cloudevents")

TRACEPARENT = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"


def sdk_request(headers: list[tuple[str, bytes]], value: bytes | None) -> tuple[dict, bytes]:
    return http_request(from_kafka(headers, value))


@pytest.mark.parametrize("traceparent", [None, TRACEPARENT])
def test_a_task_event_record_becomes_the_same_http_request_as_through_the_sdk(traceparent):
    record = OutboxRecord(
        7,
        "0b7e8e9a-3c1b-4c3e-9a4e-2f0f4f6b9d11",
        "task-events",
        "5f1c2d3e-4b5a-4c6d-8e7f-9a0b1c2d3e4f",
        "com.taskai.task.created",
        datetime(2026, 3, 1, 9, 30, 15, 123456, tzinfo=UTC),
        {"task": {"title": "Résumé ✓", "tags": ["a", "b"]}},
        traceparent,
    )
    _key, value, headers = to_kafka(record)

    assert http_of_kafka(headers, value) == sdk_request(headers, value)


def test_a_record_with_upper_case_headers_and_no_time_or_content_type_matches_the_sdk():
    headers = [
        ("CE_SPECVERSION", b"1.0"),
        ("ce_id", b"e1"),
        ("ce_source", b"/elsewhere"),
        ("ce_type", b"com.example.thing"),
        ("ce_someextension", b"x"),
        ("traceparent", b"ignored: not a ce_ header"),
    ]

    assert http_of_kafka(headers, b"raw") == sdk_request(headers, b"raw")


@pytest.mark.parametrize(
    "headers",
    [
        [],  # no CloudEvent at all: wrapped as a dev.knative.kafka.event
        [("ce_specversion", b"1.0"), ("ce_id", b"e1"), ("ce_type", b"t")],  # no source
        [("ce_specversion", b"0.3"), ("ce_id", b"e1"), ("ce_source", b"s"), ("ce_type", b"t")],
    ],
)
def test_anything_but_a_whole_cloudevents_1_record_is_left_to_the_sdk(headers):
    assert http_of_kafka(headers, b"{}") is None
