"""Each example in events/examples is a complete CloudEvent that its schema and model accept."""

from __future__ import annotations

from datetime import datetime

import pytest
from eventfiles import EXAMPLES, committed_schema, exact, load, validator

from taskai.contracts import TYPES, envelope, parse


def test_there_is_one_example_per_event_type() -> None:
    assert sorted(p.stem for p in EXAMPLES.glob("*.json")) == sorted(TYPES)


@pytest.mark.parametrize("event_type", TYPES)
def test_each_example_is_valid_against_its_schema(event_type: str) -> None:
    example = load(EXAMPLES / f"{event_type}.json")
    assert example["type"] == event_type
    validator(committed_schema(event_type)).validate(example["data"])
    validator(exact(committed_schema(event_type))).validate(example["data"])


@pytest.mark.parametrize("event_type", TYPES)
def test_each_example_parses_into_the_model_of_its_type(event_type: str) -> None:
    example = load(EXAMPLES / f"{event_type}.json")
    assert isinstance(parse(example), TYPES[event_type].model)


@pytest.mark.parametrize("event_type", TYPES)
def test_each_example_has_exactly_the_attributes_that_envelope_builds(event_type: str) -> None:
    example = load(EXAMPLES / f"{event_type}.json")
    built = envelope(
        event_id=example["id"],
        type=event_type,
        key=example["subject"],
        occurred_at=datetime.fromisoformat(example["time"]),
        data=example["data"],
        traceparent=example.get("traceparent"),
    )
    assert {**built, "data": example["data"]} == example
