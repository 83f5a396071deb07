"""The saved-filter events the use cases publish match their contract: schema, model, key."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from eventfiles import committed_schema, exact, validator

from taskai.adapters.outbox import event_data
from taskai.contracts import parse
from taskai.domain.events import DomainEvent
from taskai.domain.users import User
from taskai.services.filters import create_filter, delete_filter, update_filter

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "unit"))
from fakes import NOW, FakeUnitOfWork


def life_of_a_saved_filter() -> list[DomainEvent]:
    """A filter created, changed and deleted through the use cases."""
    uow = FakeUnitOfWork()
    user = User(email="a@example.com", password_hash="x", name="A", timezone="UTC", created_at=NOW)
    uow.users.add(user)
    saved = create_filter(
        uow=uow, user_id=user.id, name="Work", query="#work", color=None, position=None, now=NOW
    )
    changes: dict[str, str | int | None] = {"query": "#work & p1", "position": 3}
    update_filter(uow=uow, user_id=user.id, filter_id=saved.id, changes=changes, now=NOW)
    delete_filter(uow=uow, user_id=user.id, filter_id=saved.id, now=NOW)
    return uow.published


RECORDED = life_of_a_saved_filter()


def test_the_life_of_a_filter_records_each_filter_event_type() -> None:
    assert [e.type.removeprefix("com.taskai.") for e in RECORDED] == [
        "filter.created",
        "filter.updated",
        "filter.deleted",
    ]


@pytest.mark.parametrize("event", RECORDED, ids=lambda e: e.type)
def test_each_filter_event_emits_exactly_the_fields_its_schema_lists(event: DomainEvent) -> None:
    validator(exact(committed_schema(event.type))).validate(event_data(event))


@pytest.mark.parametrize("event", RECORDED, ids=lambda e: e.type)
def test_each_filter_event_parses_and_is_keyed_by_the_filter(event: DomainEvent) -> None:
    data = event_data(event)
    parsed = parse({"specversion": "1.0", "type": event.type, "id": event.id, "data": data})
    assert str(parsed.filter.id) == event.key  # type: ignore[attr-defined]
