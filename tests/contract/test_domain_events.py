"""The events the domain records today match the contract: schema, model and registry."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from eventfiles import committed_schema, exact, validator

from taskai.adapters.outbox import event_data
from taskai.adapters.repository import DueReminder
from taskai.contracts import TYPES, TaskSnapshot, TaskUpdatedData, parse
from taskai.domain import events
from taskai.domain.events import DomainEvent
from taskai.domain.projects import Project, Section
from taskai.domain.recurrence import Recurrence
from taskai.domain.reminders import ReminderSpec
from taskai.domain.tags import Tag
from taskai.domain.tasks import Task
from taskai.domain.vocabulary import Anchor, Priority, TaskStatus
from taskai.services.reminders import reminder_due

NOW = datetime(2025, 3, 1, 9, 0, tzinfo=UTC)
TASK_TYPES = sorted(t for t in TYPES if t.startswith("com.taskai.task."))


def later(hours: float) -> datetime:
    return NOW + timedelta(hours=hours)


def life_of_a_recurring_task() -> list[DomainEvent]:
    """A task with everything set, through every transition, and its next occurrence."""
    user_id = uuid.uuid4()
    work = Tag(user_id=user_id, name="Work", color="#4073ff")
    task = Task.create(
        user_id=user_id,
        title="Send the quarterly report",
        description="Numbers from finance",
        priority="high",
        due_at=later(72),
        tags=[work, Tag(user_id=user_id, name="finance", color="#299438")],
        recurrence=Recurrence("FREQ=WEEKLY;BYDAY=MO,WE"),
        reminders=[ReminderSpec(minutes_before=60), ReminderSpec(at=later(24))],
        now=NOW,
    )
    task.update(title="Send the Q1 report", due_at=later(96), priority="urgent", now=later(1))
    task.update(status="in_progress", now=later(2))
    work.name = "Office"
    task.tag_changed(now=later(3))
    task.update(status="completed", now=later(4))
    nxt = task.next_occurrence(tz="Europe/Berlin", now=later(4))
    assert nxt is not None
    task.reopen(now=later(5))
    task.complete(now=later(6))
    task.delete(now=later(7))
    return task.events + nxt.events


def life_of_a_bare_task() -> list[DomainEvent]:
    """A task with nothing but a title: every nullable field is null."""
    task = Task.create(user_id=uuid.uuid4(), title="Buy milk", now=NOW)
    task.update(description="oat", now=later(1))
    task.complete(now=later(2))
    task.reopen(now=later(3))
    task.delete(now=later(4))
    return task.events


def life_of_a_project() -> list[DomainEvent]:
    """A project and a section through every change; a task in them."""
    user_id = uuid.uuid4()
    project = Project.new(user_id=user_id, name="Home", color="#299438", view="board", now=NOW)
    section = Section.new(project=project, name="Kitchen", now=later(1))
    task = Task.create(
        user_id=user_id, title="Fix the tap", project_id=project.id, section_id=section.id, now=NOW
    )
    task.update(place=(project.id, None), now=later(2))
    section.update(name="Kitchen and pantry", position=2, now=later(3))
    project.update(name="House", archived=True, now=later(4))
    section.delete(now=later(5))
    project.delete(moved_to=uuid.uuid4(), now=later(6))
    inbox = Project.new_inbox(user_id=user_id, now=NOW)
    other = Project.new(user_id=user_id, name="Errands", now=NOW)
    other.delete(moved_to=None, now=later(7))
    return project.events + section.events + task.events + inbox.events + other.events


FILTER_TYPES = ("com.taskai.filter.created", "com.taskai.filter.updated", "com.taskai.filter.deleted")
RECORDED = life_of_a_recurring_task() + life_of_a_bare_task() + life_of_a_project()


def recorded_id(event: DomainEvent) -> str:
    return f"{event.type.removeprefix('com.taskai.')}-{RECORDED.index(event)}"


def test_the_scenarios_record_every_task_event_type() -> None:
    assert sorted({event.type for event in RECORDED} & set(TASK_TYPES)) == TASK_TYPES


def test_the_scenarios_record_every_type_the_domain_has() -> None:
    assert sorted({event.type for event in RECORDED}) == sorted(
        # a reminder falling due, and saved filters' events, come from use cases (their contract
        # tests publish them through the use cases)
        events.EVENT_TYPES.keys() - {"com.taskai.reminder.due"} - set(FILTER_TYPES)
    )


def test_the_registry_and_the_domain_agree_on_every_type_and_topic() -> None:
    assert {t: c.topic for t, c in TYPES.items()} == {
        t: c.topic for t, c in events.EVENT_TYPES.items()
    }


def test_the_contract_enumerations_are_the_domain_vocabularies() -> None:
    task = TaskSnapshot.model_json_schema()["properties"]
    assert task["status"]["enum"] == list(TaskStatus)
    assert task["priority"]["enum"] == list(Priority)
    recurrence = TaskSnapshot.model_json_schema()["$defs"]["RecurrenceSnapshot"]["properties"]
    assert recurrence["anchor"]["enum"] == list(Anchor)


def test_a_parsed_event_carries_the_domain_words() -> None:
    data = event_data(RECORDED[0])
    parsed = parse({"specversion": "1.0", "type": RECORDED[0].type, "id": "1", "data": data})
    assert parsed.task.status is TaskStatus.PENDING  # type: ignore[attr-defined]
    assert parsed.task.priority is Priority.HIGH  # type: ignore[attr-defined]


@pytest.mark.parametrize("event", RECORDED, ids=recorded_id)
def test_each_recorded_event_is_valid_against_the_committed_schema(event: DomainEvent) -> None:
    validator(committed_schema(event.type)).validate(event_data(event))


@pytest.mark.parametrize("event", RECORDED, ids=recorded_id)
def test_each_recorded_event_emits_exactly_the_fields_the_contract_lists(
    event: DomainEvent,
) -> None:
    validator(exact(committed_schema(event.type))).validate(event_data(event))


@pytest.mark.parametrize("event", RECORDED, ids=recorded_id)
def test_each_recorded_event_parses_into_the_model_of_its_type(event: DomainEvent) -> None:
    data = event_data(event)
    parsed = parse({"specversion": "1.0", "type": event.type, "id": event.id, "data": data})
    assert isinstance(parsed, TYPES[event.type].model)
    assert parsed.model_dump(mode="json") == normalized(data)
    keyed_by = {"task": "id", "project": "id", "section": "project_id"}
    entity = next(name for name in keyed_by if name in data)
    assert str(getattr(getattr(parsed, entity), keyed_by[entity])) == event.key


@pytest.mark.parametrize("event", [e for e in RECORDED if "task" in event_data(e)], ids=recorded_id)
def test_each_recorded_time_is_written_in_utc(event: DomainEvent) -> None:
    snapshot = event_data(event)["task"]
    moments = [
        snapshot["due_date"],
        snapshot["completed_at"],
        *(r["at"] for r in snapshot["reminders"]),
    ]
    assert all(m.endswith("+00:00") for m in moments if m is not None)


def test_an_update_names_only_fields_of_the_task() -> None:
    updates = [e for e in RECORDED if e.type == "com.taskai.task.updated"]
    changed = {
        name for e in updates for name in TaskUpdatedData.model_validate(event_data(e)).changed
    }
    assert changed <= set(TaskSnapshot.model_fields)
    assert {"title", "due_date", "priority", "status", "tags", "description"} <= changed


def normalized(data: Any) -> Any:
    """The data as the model writes it back: same values, uuids and times in canonical text."""
    if isinstance(data, dict):
        return {key: normalized(value) for key, value in data.items()}
    if isinstance(data, list):
        return [normalized(value) for value in data]
    if isinstance(data, str) and data.endswith("+00:00"):
        return data.removesuffix("+00:00") + "Z"
    return data


# The wire text of an event as it was written before events were typed: a field is never renamed,
# reordered or reformatted (times keep their +00:00), so consumers built against it keep working.
UPDATED_TEXT = (
    '{"task": {"id": "00000000-0000-0000-0000-000000000004", '
    '"user_id": "00000000-0000-0000-0000-000000000001", "title": "Report", "description": "", '
    '"status": "in_progress", "priority": "urgent", "due_date": "2025-03-04T09:00:00+00:00", '
    '"tags": ["Work"], "recurrence": {"rule": "FREQ=WEEKLY;BYDAY=MO,WE", "anchor": "due"}, '
    '"series_id": "00000000-0000-0000-0000-000000000004", "occurrence": 1, '
    '"reminders": [{"minutes_before": 60, "at": null}, '
    '{"minutes_before": null, "at": "2025-03-02T09:00:00+00:00"}], '
    '"completed_at": null, "skipped": false, "all_day": false, "due_on": null, '
    '"project_id": null, "section_id": null}, '
    '"changed": ["status"]}'
)
DUE_TEXT = (
    '{"reminder_id": "00000000-0000-0000-0000-000000000006", '
    '"task_id": "00000000-0000-0000-0000-000000000004", '
    '"user_id": "00000000-0000-0000-0000-000000000001", "fire_at": "2025-03-01T12:00:00+00:00", '
    '"minutes_before": 60, "at": null, "title": "T", "due_date": "2025-03-01T13:00:00+00:00"}'
)


def test_a_task_event_is_written_byte_for_byte_as_before() -> None:
    user_id = uuid.UUID(int=1)
    task = Task.create(
        user_id=user_id,
        title="Report",
        priority="high",
        due_at=later(72),
        tags=[Tag(user_id=user_id, name="Work", color="#4073ff")],
        recurrence=Recurrence("FREQ=WEEKLY;BYDAY=MO,WE"),
        reminders=[ReminderSpec(minutes_before=60), ReminderSpec(at=later(24))],
        now=NOW,
    )
    task.id = task.series_id = uuid.UUID(int=4)
    task.update(status="in_progress", priority="urgent", now=NOW)
    assert json.dumps(event_data(task.events[-1])) == UPDATED_TEXT


def test_a_reminder_due_event_is_written_byte_for_byte_as_before() -> None:
    due = DueReminder(
        uuid.UUID(int=6), uuid.UUID(int=4), uuid.UUID(int=1), 60, None, later(3), "T", later(4)
    )
    event = reminder_due(due, now=NOW)
    assert (event.key, json.dumps(event_data(event))) == (str(uuid.UUID(int=4)), DUE_TEXT)
