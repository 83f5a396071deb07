"""Recurring tasks: completing an occurrence creates the next one, exactly once."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import TYPE_CHECKING, Any

from taskai.domain.events import TaskCompleted
from taskai.domain.tasks import Task
from taskai.domain.vocabulary import TaskStatus
from taskai.errors import Duplicate, NotFound
from taskai.ports import UnitOfWork
from taskai.services.subtasks import delete_subtasks, subtask_copies

if TYPE_CHECKING:
    from taskai.contracts import EventData

CONSUMER = "recurrence"


def on_task_event(*, uow: UnitOfWork, event_id: str, data: EventData, now: datetime) -> str:
    """Handle one task event's parsed data; says what happened ("created", "ended", "ignored",
    "duplicate")."""
    from taskai.contracts import TaskCompletedData  # the contracts load with the first event

    if not isinstance(data, TaskCompletedData) or data.task.recurrence is None:
        return "ignored"
    try:
        with uow:
            if uow.processed.seen(CONSUMER, event_id):
                return "duplicate"
            outcome = create_next(uow, data.task.user_id, data.task.id, event_id=event_id, now=now)
            uow.processed.remember(CONSUMER, event_id, now)
            uow.commit()
            return outcome
    except Duplicate:
        return "duplicate"  # the successor exists: a redelivery, a race or a re-completion


def create_next(
    uow: UnitOfWork, user_id: uuid.UUID, task_id: uuid.UUID, *, event_id: str, now: datetime
) -> str:
    """Add the successor of a completed occurrence, and say so in the audit trail."""
    try:
        task = uow.tasks.get(user_id, task_id, lock=True)  # waits for a reopen under way
    except NotFound:
        return "ignored"  # deleted since it was completed
    if not task.is_completed or task.recurrence is None:
        return "ignored"  # reopened (or no longer recurring) before this event arrived
    owner = uow.users.get(user_id)
    task.clock = owner.clock
    nxt = task.next_occurrence(
        tz=owner.timezone, now=now, reminder_time=owner.all_day_reminder_time
    )
    if nxt is not None:  # last among its siblings, with open copies of the subtasks
        nxt.position = uow.tasks.next_position(user_id, nxt.place)
        copies = subtask_copies(uow, task, nxt, now=now)  # read before a duplicate is flushed
        for new in (nxt, *copies):
            uow.tasks.add(new)
    uow.audit.record(
        task_id=task.id,
        user_id=user_id,
        series_id=task.series_id,
        action="occurrence_created" if nxt else "series_ended",
        rule=task.recurrence_rule,
        previous_due=task.due_at,
        next_due=nxt.due_at if nxt else None,
        next_task_id=nxt.id if nxt else None,
        event_id=event_id,
        reason=None if nxt else task.recurrence_ended_reason,
        created_at=now,
    )
    return "created" if nxt else "ended"


def stall_series(
    *, uow: UnitOfWork, event_type: str, data: dict[str, Any], reason: str, now: datetime
) -> str:
    """A task.completed whose next occurrence could not be made and will not be retried (it
    stays on the dead-letter topic): say so on the task and in the audit, unless it was made.
    A dead letter may be malformed (it may be one the contract refused), so only the task's
    identity is read from its raw data; anything unreadable is ignored."""
    task = data.get("task") if isinstance(data, dict) else None
    if event_type != TaskCompleted.type or not isinstance(task, dict) or not task.get("recurrence"):
        return "ignored"
    try:
        user_id, task_id = uuid.UUID(str(task["user_id"])), uuid.UUID(str(task["id"]))
    except (KeyError, ValueError):
        return "ignored"
    return _stall(uow, user_id, task_id, reason=reason, now=now)


def _stall(
    uow: UnitOfWork, user_id: uuid.UUID, task_id: uuid.UUID, *, reason: str, now: datetime
) -> str:
    with uow:
        try:
            task = uow.tasks.get(user_id, task_id, lock=True)
        except NotFound:
            return "ignored"
        number = (task.occurrence or 1) + 1
        if task.series_id is None or uow.tasks.occurrence(user_id, task.series_id, number):
            return "ignored"  # made after all (e.g. by a replay)
        task.series_stalled(reason, now=now)
        uow.audit.record(
            task_id=task.id,
            user_id=user_id,
            series_id=task.series_id,
            action="series_stalled",
            rule=task.recurrence_rule,
            previous_due=task.due_at,
            reason=reason,
            created_at=now,
        )
        uow.commit()
        return "stalled"


def retract_successor(uow: UnitOfWork, task: Task, *, now: datetime) -> Task | None:
    """After `task` was reopened, delete the occurrence its completion generated if nobody has
    touched it since (Undo), so a series keeps one open occurrence; audited as `retracted`."""
    if task.series_id is None or task.is_completed:
        return None
    successor = uow.tasks.occurrence(task.user_id, task.series_id, (task.occurrence or 1) + 1)
    if (
        successor is None
        or successor.status != TaskStatus.PENDING
        or successor.updated_at != (successor.created_at)
    ):
        return None  # not generated yet (the event will find the task open), or already changed
    successor.clock = task.clock
    successor.delete(now=now)
    uow.delete_task(successor)
    delete_subtasks(uow, successor, now=now)
    uow.audit.record(
        task_id=successor.id,
        user_id=task.user_id,
        series_id=task.series_id,
        action="retracted",
        rule=task.recurrence_rule,
        previous_due=task.due_at,
        next_due=successor.due_at,
        next_task_id=successor.id,
        reason="the occurrence before it was reopened",
        created_at=now,
    )
    return successor


def series_of(
    *, uow: UnitOfWork, user_id: uuid.UUID, task_id: uuid.UUID, after: int = 0, limit: int = 100
) -> tuple[list[Task], int | None]:
    """Up to `limit` occurrences of the task's series numbered above `after`, oldest first (just
    the task when it has none), and the `after` of the next page (None at the end)."""
    with uow:
        task = uow.tasks.get(user_id, task_id)
        if task.series_id is None:
            found = [task] if after < (task.occurrence or 1) else []
            uow.tasks.count_subtasks(found)
            return found, None
        found = uow.tasks.series(user_id, task.series_id, after=after, limit=limit + 1)
        uow.tasks.count_subtasks(found)
        if len(found) > limit:
            return found[:limit], found[limit - 1].occurrence
        return found, None
