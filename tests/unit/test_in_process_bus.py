"""The embedded bus: records reach their topic's subscribers; a topic no one reads costs nothing."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from fakes import record

from taskai.local import bus as bus_module
from taskai.local.bus import InProcessBus

AT = datetime(2031, 1, 1, tzinfo=UTC)


def test_records_of_a_topic_without_subscribers_are_counted_without_being_encoded(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def encode(_: Any) -> Any:
        raise AssertionError("encoded a record no one reads")

    monkeypatch.setattr(bus_module, "to_http", encode)
    assert InProcessBus().publish([record(1, AT), record(2, AT)]) == 2


def test_a_subscriber_gets_each_record_of_its_topic_as_a_binary_cloudevent() -> None:
    seen: list[tuple[str, str]] = []

    def app(environ: dict[str, Any], start_response: Any) -> list[bytes]:
        seen.append((environ["HTTP_CE_TYPE"], environ["HTTP_CE_ID"]))
        start_response("204 No Content", [])
        return []

    bus = InProcessBus()
    bus.subscribe("task-events", "probe", app)
    records = [record(1, AT), record(2, AT)]
    assert bus.publish(records) == 2
    assert seen == [("com.taskai.task.updated", r.event_id) for r in records]
