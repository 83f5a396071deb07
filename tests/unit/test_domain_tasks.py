"""Partial updates of a task: typed changes, from the API body to the events they record."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest

from taskai.api.schemas import TaskUpdate
from taskai.domain.events import TaskUpdated
from taskai.domain.reminders import ReminderSpec
from taskai.domain.tasks import KEEP, Task
from taskai.domain.vocabulary import Priority, TaskStatus
from taskai.errors import InvalidInput
from taskai.services.tasks import TaskChanges

NOW = datetime(2031, 3, 10, 9, 0, tzinfo=UTC)


def a_task() -> Task:
    task = Task.create(user_id=uuid.uuid4(), title="Pay rent", due_at=NOW, now=NOW)
    task.events.clear()
    return task


def test_fields_left_keep_stay_and_the_update_names_the_changed_fields_sorted() -> None:
    task = a_task()
    task.update(title="Pay the rent", due_at=None, description=KEEP, now=NOW)
    assert (task.title, task.due_at, task.priority) == ("Pay the rent", None, Priority.MEDIUM)
    [event] = task.events
    assert isinstance(event, TaskUpdated)
    assert event.changed == ("due_date", "title")
    assert event.task.title == "Pay the rent" and event.key == str(task.id)


def test_an_update_that_changes_nothing_records_nothing() -> None:
    task = a_task()
    task.update(title="Pay rent", priority="medium", now=NOW)
    assert task.events == []


def test_a_word_outside_the_vocabulary_is_refused_naming_the_field() -> None:
    with pytest.raises(InvalidInput) as refused:
        a_task().update(status="done", now=NOW)
    assert refused.value.fields == {"status": "must be one of pending, in_progress, completed"}


def test_the_api_edge_names_the_due_time_due_at_and_keeps_what_was_not_sent() -> None:
    body = TaskUpdate.model_validate_json(
        '{"due_date": "2031-03-11T09:00:00", "status": "completed"}'
    )
    changes = body.changes()
    assert changes == TaskChanges(due_at=datetime(2031, 3, 11, 9, 0), status=TaskStatus.COMPLETED)
    assert changes.title is KEEP and changes.reminders is KEEP


def test_the_api_edge_passes_a_cleared_due_time_and_plain_recurrence_and_reminders() -> None:
    body = TaskUpdate.model_validate_json(
        '{"due_date": null, "recurrence": {"preset": "daily"}, "reminders": [{"minutes_before": 5}]}'
    )
    changes = body.changes()
    assert changes.due_at is None
    assert changes.recurrence == {"preset": "daily", "anchor": "due"}
    assert changes.reminders == [{"minutes_before": 5, "at": None}]


def test_moving_the_due_time_moves_the_offset_reminders_with_it() -> None:
    task = Task.create(user_id=uuid.uuid4(), title="Call", due_at=NOW + timedelta(days=2), now=NOW)
    task.update(reminders=[ReminderSpec(minutes_before=60)], now=NOW)
    task.update(due_at=NOW + timedelta(days=3), now=NOW)
    assert task.reminders[0].fire_at == NOW + timedelta(days=3, minutes=-60)
