"""Subtasks and manual order (`taskai.services.subtasks`, and what tasks' use cases do to a
parent's subtasks) against the in-memory fakes."""

from __future__ import annotations

from datetime import timedelta

import pytest
from fakes import NOW, new_task, wire

from taskai.domain.events import TaskCompleted, TaskUpdated
from taskai.domain.subtasks import GAP, MAX_DEPTH, position_between
from taskai.errors import InvalidInput, NotFound
from taskai.services import recurrence
from taskai.services.subtasks import Move, move_task
from taskai.services.tasks import complete_task, delete_task, reopen_task


def chain(uow, user, depth):
    """A task and `depth` levels of subtasks, each the only child of the one above it."""
    tasks = [new_task(uow, user, "level 0")]
    for level in range(1, depth + 1):
        tasks.append(new_task(uow, user, f"level {level}", parent_id=tasks[-1].id))
    return tasks


def moved(uow, user, task, **fields):
    return move_task(uow=uow, user_id=user.id, task_id=task.id, move=Move(**fields), now=NOW)


def test_a_position_is_taken_between_neighbours_until_they_are_adjacent():
    assert position_between(None, None) == GAP
    assert position_between(GAP, None) == 2 * GAP
    assert position_between(None, GAP) == 0
    assert position_between(GAP, 2 * GAP) == GAP + GAP // 2
    assert position_between(5, 6) is None


def test_a_subtask_takes_its_parents_project_and_section_and_goes_last(uow, user):
    parent = new_task(uow, user, "parent")
    first = new_task(uow, user, "first", parent_id=parent.id)
    second = new_task(uow, user, "second", parent_id=parent.id)
    assert (first.project_id, first.section_id) == (parent.project_id, parent.section_id)
    assert first.position < second.position


def test_subtasks_nest_at_most_four_levels(uow, user):
    tasks = chain(uow, user, MAX_DEPTH)
    with pytest.raises(InvalidInput) as refused:
        new_task(uow, user, "too deep", parent_id=tasks[-1].id)
    assert "parent_id" in refused.value.fields


def test_a_parent_may_not_be_the_task_or_one_of_its_subtasks(uow, user):
    top, middle, bottom = chain(uow, user, 2)
    for target in (top, middle, bottom):
        with pytest.raises(InvalidInput) as refused:
            moved(uow, user, top, parent_id=target.id)
        assert "parent_id" in refused.value.fields
    assert top.parent_id is None


def test_an_unknown_parent_is_not_found_naming_parent_id(uow, user):
    import uuid

    with pytest.raises(NotFound) as missing:
        new_task(uow, user, "orphan", parent_id=uuid.uuid4())
    assert "parent_id" in missing.value.fields


def test_completing_a_parent_completes_open_subtasks_and_reopening_restores_those(uow, user):
    parent, sub, deep = chain(uow, user, 2)
    done = new_task(uow, user, "done already", parent_id=parent.id)
    complete_task(uow=uow, user_id=user.id, task_id=done.id, now=NOW)
    complete_task(uow=uow, user_id=user.id, task_id=parent.id, now=NOW)
    assert (sub.is_completed, deep.is_completed, parent.completed_subtask_count) == (True, True, 2)
    assert (sub.completed_with_parent, done.completed_with_parent) == (True, False)
    reopen_task(uow=uow, user_id=user.id, task_id=parent.id, now=NOW)
    assert (sub.is_completed, deep.is_completed, done.is_completed) == (False, False, True)


def test_deleting_a_parent_deletes_every_level_below_it(uow, user):
    tasks = chain(uow, user, 3)
    other = new_task(uow, user, "other")
    delete_task(uow=uow, user_id=user.id, task_id=tasks[0].id, now=NOW)
    assert list(uow.tasks.items) == [other.id]
    assert uow.event_types()[-4:] == ["TaskDeleted"] * 4


def test_moving_after_a_sibling_writes_one_task_and_names_position(uow, user):
    a, b, c = (new_task(uow, user, name) for name in "abc")
    uow.published.clear()
    moved(uow, user, c, after_id=a.id)
    assert a.position < c.position < b.position
    (event,) = uow.published
    assert isinstance(event, TaskUpdated) and event.changed == ("position",)


def test_a_full_gap_renumbers_the_group_and_the_move_still_lands_where_asked(uow, user):
    a, b = new_task(uow, user, "a"), new_task(uow, user, "b")
    b.position = a.position + 1  # no room between them
    c = new_task(uow, user, "c")
    moved(uow, user, c, before_id=b.id)
    assert a.position < c.position < b.position


def test_a_recurring_parents_next_occurrence_copies_its_subtasks_open(uow, user):
    parent = new_task(
        uow, user, "review", due_date=NOW + timedelta(days=1), recurrence={"preset": "daily"}
    )
    step = new_task(uow, user, "step", parent_id=parent.id)
    new_task(uow, user, "detail", parent_id=step.id)
    complete_task(uow=uow, user_id=user.id, task_id=parent.id, now=NOW)
    completed = next(
        e for e in uow.published if isinstance(e, TaskCompleted) and e.task.id == parent.id
    )
    assert (
        recurrence.on_task_event(uow=uow, event_id=completed.id, data=wire(completed), now=NOW)
        == "created"
    )
    nxt = next(t for t in uow.tasks.items.values() if t.occurrence == 2)
    (copy,) = [t for t in uow.tasks.items.values() if t.parent_id == nxt.id]
    (deeper,) = [t for t in uow.tasks.items.values() if t.parent_id == copy.id]
    assert (copy.title, copy.status, deeper.title, deeper.status) == (
        "step",
        "pending",
        "detail",
        "pending",
    )
    assert step.is_completed and copy.id != step.id
