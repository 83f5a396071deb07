"""Recurring tasks (`taskai.services.recurrence`) against the in-memory fakes."""

from __future__ import annotations

from datetime import timedelta

from fakes import NOW, new_task, wire

from taskai.adapters.outbox import event_data
from taskai.domain.events import TaskCompleted
from taskai.services import recurrence
from taskai.services.tasks import complete_task, reopen_task


def completed_daily_task(uow, user):
    """A daily task due tomorrow, completed now; returns it and its TaskCompleted event."""
    task = new_task(uow, user, due_date=NOW + timedelta(days=1), recurrence={"preset": "daily"})
    complete_task(uow=uow, user_id=user.id, task_id=task.id, now=NOW)
    event = uow.published[-1]
    assert isinstance(event, TaskCompleted)
    return task, event


def handle(uow, event, *, event_id=None):
    return recurrence.on_task_event(
        uow=uow, event_id=event_id or event.id, data=wire(event), now=NOW
    )


def test_completing_an_occurrence_creates_the_next_one_a_day_later(uow, user):
    task, completed = completed_daily_task(uow, user)
    assert handle(uow, completed) == "created"
    nxt = next(t for t in uow.tasks.items.values() if t is not task)
    assert (nxt.occurrence, nxt.series_id, nxt.status) == (2, task.series_id, "pending")
    assert nxt.due_at == task.due_at + timedelta(days=1)
    assert uow.audit.actions() == ["occurrence_created"]
    assert uow.event_types()[-1] == "TaskCreated"


def test_a_redelivered_completion_creates_nothing_more(uow, user):
    _, completed = completed_daily_task(uow, user)
    handle(uow, completed)
    assert handle(uow, completed) == "duplicate"
    assert len(uow.tasks.items) == 2


def test_a_completion_of_a_task_that_is_not_recurring_is_ignored(uow, user):
    task = new_task(uow, user)
    complete_task(uow=uow, user_id=user.id, task_id=task.id, now=NOW)
    assert handle(uow, uow.published[-1]) == "ignored"


def test_an_occurrence_reopened_before_its_event_arrives_makes_no_successor(uow, user):
    task, completed = completed_daily_task(uow, user)
    reopen_task(uow=uow, user_id=user.id, task_id=task.id, now=NOW)
    assert handle(uow, completed) == "ignored"
    assert list(uow.tasks.items.values()) == [task]


def test_a_series_with_a_count_ends_and_says_why(uow, user):
    task = new_task(
        uow,
        user,
        due_date=NOW + timedelta(days=1),
        recurrence={"rule": "FREQ=DAILY;COUNT=1"},
    )
    complete_task(uow=uow, user_id=user.id, task_id=task.id, now=NOW)
    assert handle(uow, uow.published[-1]) == "ended"
    assert uow.audit.actions() == ["series_ended"]
    assert task.recurrence_ended_reason


def test_a_dead_lettered_completion_stalls_the_series_and_says_so_on_the_task(uow, user):
    task, completed = completed_daily_task(uow, user)
    outcome = recurrence.stall_series(
        uow=uow, event_type=completed.type, data=event_data(completed), reason="boom", now=NOW
    )
    assert outcome == "stalled"
    assert "could not be made (boom)" in (task.recurrence_ended_reason or "")
    assert uow.audit.actions() == ["series_stalled"]


def test_a_dead_letter_whose_successor_was_made_after_all_is_ignored(uow, user):
    _, completed = completed_daily_task(uow, user)
    handle(uow, completed)
    outcome = recurrence.stall_series(
        uow=uow, event_type=completed.type, data=event_data(completed), reason="boom", now=NOW
    )
    assert outcome == "ignored"


def test_a_malformed_dead_letter_is_ignored(uow):
    data = {"task": {"recurrence": {"rule": "FREQ=DAILY"}, "id": "not a uuid"}}
    outcome = recurrence.stall_series(
        uow=uow, event_type=TaskCompleted.type, data=data, reason="boom", now=NOW
    )
    assert outcome == "ignored"


def test_a_series_is_listed_in_pages_oldest_first(uow, user):
    task, completed = completed_daily_task(uow, user)
    handle(uow, completed)
    second = next(t for t in uow.tasks.items.values() if t is not task)
    first_page, after = recurrence.series_of(uow=uow, user_id=user.id, task_id=task.id, limit=1)
    assert first_page == [task] and after == 1
    rest, after = recurrence.series_of(
        uow=uow, user_id=user.id, task_id=task.id, after=after, limit=1
    )
    assert rest == [second]


def test_a_task_without_a_series_is_its_own_series(uow, user):
    task = new_task(uow, user)
    assert recurrence.series_of(uow=uow, user_id=user.id, task_id=task.id) == ([task], None)
