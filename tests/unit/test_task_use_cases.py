"""Use cases of tasks (`taskai.services.tasks`) against the in-memory fakes."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest
from fakes import NOW, new_task, wire

from taskai.domain.queries import TaskQuery
from taskai.domain.users import User
from taskai.errors import InvalidInput, NotFound
from taskai.services import recurrence
from taskai.services.tasks import (
    TaskChanges,
    complete_task,
    delete_task,
    get_task,
    list_tasks,
    reopen_task,
    skip_task,
    skipped_reminder_notes,
    update_task,
)


def test_creating_a_task_commits_it_and_records_task_created(uow, user):
    task = new_task(uow, user)
    assert get_task(uow=uow, user_id=user.id, task_id=task.id) is task
    assert uow.commits == 1
    assert uow.event_types() == ["TaskCreated"]


def test_tags_named_for_the_first_time_are_created_once_whatever_their_case(uow, user):
    task = new_task(uow, user, tags=["home", "Home", "bills"])
    assert [tag.name for tag in task.tags] == ["home", "bills"]
    assert len(uow.tags.items) == 2
    again = new_task(uow, user, "Water plants", tags=["HOME"])
    assert again.tags[0] is task.tags[0]


def test_a_naive_due_date_is_read_in_the_owners_time_zone(uow, user):
    task = new_task(uow, user, due_date=datetime(2030, 1, 8, 9, 0))
    assert task.due_at == datetime(2030, 1, 8, 8, 0, tzinfo=UTC)  # Berlin is UTC+1 in January


def test_an_empty_title_is_refused_and_nothing_is_committed(uow, user):
    with pytest.raises(InvalidInput):
        new_task(uow, user, "   ")
    assert uow.commits == 0 and not uow.published


def test_someone_elses_task_is_not_found(uow, user):
    task = new_task(uow, user)
    with pytest.raises(NotFound):
        get_task(uow=uow, user_id=uuid.uuid4(), task_id=task.id)


def test_listing_tasks_shows_only_the_callers_tasks(uow, user):
    mine = new_task(uow, user)
    bob = User(email="bob@example.com", password_hash="")
    uow.users.add(bob)
    new_task(uow, bob, "Bob's")
    page = list_tasks(uow=uow, user_id=user.id, query=TaskQuery(), now=NOW)
    assert page.items == [mine]


def test_updating_a_task_changes_only_the_fields_given(uow, user):
    task = new_task(uow, user, priority="high")
    update_task(
        uow=uow, user_id=user.id, task_id=task.id, changes=TaskChanges(title="Pay it"), now=NOW
    )
    assert (task.title, task.priority) == ("Pay it", "high")
    assert uow.event_types() == ["TaskCreated", "TaskUpdated"]


def test_an_update_moves_a_due_date_given_in_the_owners_zone(uow, user):
    task = new_task(uow, user)
    changes = TaskChanges(due_at=datetime(2030, 7, 1, 12, 0), tags=["summer"])
    update_task(uow=uow, user_id=user.id, task_id=task.id, changes=changes, now=NOW)
    assert task.due_at == datetime(2030, 7, 1, 10, 0, tzinfo=UTC)  # Berlin is UTC+2 in July
    assert [tag.name for tag in task.tags] == ["summer"]


def test_completing_a_task_twice_records_one_completion(uow, user):
    task = new_task(uow, user)
    complete_task(uow=uow, user_id=user.id, task_id=task.id, now=NOW)
    complete_task(uow=uow, user_id=user.id, task_id=task.id, now=NOW + timedelta(minutes=1))
    assert task.status == "completed" and task.completed_at == NOW
    assert uow.event_types() == ["TaskCreated", "TaskCompleted"]


def test_reopening_a_completed_task_makes_it_pending_again(uow, user):
    task = new_task(uow, user)
    complete_task(uow=uow, user_id=user.id, task_id=task.id, now=NOW)
    reopen_task(uow=uow, user_id=user.id, task_id=task.id, now=NOW)
    assert task.status == "pending" and task.completed_at is None
    assert uow.event_types()[-1] == "TaskReopened"


def test_skipping_an_occurrence_completes_it_as_skipped(uow, user):
    task = new_task(uow, user, due_date=NOW + timedelta(days=1), recurrence={"preset": "daily"})
    skip_task(uow=uow, user_id=user.id, task_id=task.id, now=NOW)
    assert task.is_completed and task.skipped


def test_reopening_an_occurrence_retracts_the_untouched_successor_it_generated(uow, user):
    task = new_task(uow, user, due_date=NOW + timedelta(days=1), recurrence={"preset": "daily"})
    complete_task(uow=uow, user_id=user.id, task_id=task.id, now=NOW)
    completed = uow.published[-1]
    recurrence.on_task_event(uow=uow, event_id=completed.id, data=wire(completed), now=NOW)
    assert len(uow.tasks.items) == 2
    reopen_task(uow=uow, user_id=user.id, task_id=task.id, now=NOW)
    assert list(uow.tasks.items.values()) == [task]
    assert uow.audit.actions() == ["occurrence_created", "retracted"]
    assert uow.event_types()[-2:] == ["TaskReopened", "TaskDeleted"]


def test_deleting_a_task_announces_it_and_logs_it_for_sync(uow, user):
    task = new_task(uow, user)
    delete_task(uow=uow, user_id=user.id, task_id=task.id, now=NOW)
    assert task.id not in uow.tasks.items
    assert uow.event_types() == ["TaskCreated", "TaskDeleted"]
    assert [(d.entity, d.id) for d in uow.deletions] == [("task", task.id)]


def test_an_offset_reminder_already_past_is_kept_as_skipped_and_noted(uow, user):
    task = new_task(
        uow,
        user,
        due_date=NOW + timedelta(minutes=30),
        reminders=[{"minutes_before": 60}, {"minutes_before": 10}],
    )
    assert [r.status for r in task.reminders] == ["skipped", "pending"]
    assert skipped_reminder_notes(task) == [
        "reminder 60 minutes before the due time is already past; skipped"
    ]


def test_a_bad_reminder_is_refused_naming_its_place_in_the_list(uow, user):
    with pytest.raises(InvalidInput) as refused:
        new_task(
            uow,
            user,
            due_date=NOW + timedelta(days=1),
            reminders=[{"minutes_before": 5}, {"minutes_before": -1}],
        )
    assert "reminders.1" in refused.value.fields


def test_an_offset_reminder_on_a_task_without_a_due_date_is_refused_naming_it(uow, user):
    with pytest.raises(InvalidInput) as refused:
        new_task(uow, user, reminders=[{"at": NOW + timedelta(days=1)}, {"minutes_before": 5}])
    assert list(refused.value.fields) == ["reminders.1"]
