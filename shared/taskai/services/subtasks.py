"""Subtasks and manual order (#16): what a parent's completion, reopening, deletion and move do
to its subtasks, and moving a task among its siblings. Every writer here holds the owner's row
(a task locked, or `next_position`), so two moves never compute the same position."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from taskai.domain.subtasks import MAX_DEPTH, Place, check_parent, position_between, spaced
from taskai.domain.tasks import KEEP, Keep, Task
from taskai.errors import InvalidInput, NotFound
from taskai.ports import UnitOfWork
from taskai.services.projects import ensure_open_project, place_of


@dataclass(frozen=True)
class Move:
    """Where a client moves a task: a field left KEEP is not sent; `after_id` or `before_id`
    names the sibling to stand next to (neither: the end of the group, or where it is)."""

    project_id: uuid.UUID | Keep = KEEP
    section_id: uuid.UUID | Keep | None = KEEP
    parent_id: uuid.UUID | Keep | None = KEEP
    after_id: uuid.UUID | None = None
    before_id: uuid.UUID | None = None


def move_task(
    *, uow: UnitOfWork, user_id: uuid.UUID, task_id: uuid.UUID, move: Move, now: datetime
) -> Task:
    """Move a task to a place and next to a sibling, its subtasks with it; one row written in
    the common case; an open task moved under a completed one reopens it (and its completed
    ancestors). Raises NotFound (naming the field for a parent or sibling not the
    caller's), InvalidInput (a cycle, too deep, a sibling elsewhere)."""
    with uow:
        task = uow.tasks.get(user_id, task_id, lock=True)
        field, anchor_id = (
            ("after_id", move.after_id) if move.after_id else ("before_id", move.before_id)
        )
        anchor = owned(uow, user_id, anchor_id, field) if anchor_id else None
        place = target_place(uow, task, move, anchor, now=now)
        if anchor is not None and (anchor.place != place or anchor.id == task.id):
            message = "must be another task in the place moved to"
            raise InvalidInput(f"{field} {message}", fields={field: message})
        if place.parent_id is not None and place.parent_id != task.parent_id:
            parent = uow.tasks.get(user_id, place.parent_id)
            check_parent(task.id, ancestors(uow, parent), height=len(descendants(uow, task)))
        if anchor is None and place == task.place:
            position = task.position
        elif anchor is None:
            position = uow.tasks.next_position(user_id, place)
        else:
            position = position_next_to(uow, task, anchor, after=field == "after_id", now=now)
        if place.parent_id != task.parent_id and not task.is_completed:
            reopen_ancestors(uow, user_id, place.parent_id, now=now)
        relocate(uow, task, place, position, now=now)
        uow.tasks.count_subtasks([task])
        uow.commit()
        return task


def target_place(
    uow: UnitOfWork, task: Task, move: Move, anchor: Task | None, *, now: datetime
) -> Place:
    """The group `move` puts the task in: its parent's, the project and section sent (top
    level unless the parent is kept in the same place), the anchor's, or where it is."""
    if isinstance(move.parent_id, uuid.UUID):
        sent = (move.project_id, move.section_id)
        place = under(uow, task.user_id, move.parent_id, *(kept_as_none(v) for v in sent))
        if place.project_id != task.project_id:
            ensure_open_project(uow, task.user_id, place.project_id)
        return place
    sent_place = not all(
        isinstance(v, Keep) for v in (move.project_id, move.section_id, move.parent_id)
    )
    if not sent_place:  # the anchor's place wins only when no place is sent (as in Todoist)
        if anchor is None:
            return task.place
        if anchor.project_id != task.project_id:
            ensure_open_project(uow, task.user_id, anchor.place.project_id)
        return anchor.place
    project_id = task.project_id if isinstance(move.project_id, Keep) else move.project_id
    if isinstance(move.section_id, Keep):
        section_id = task.section_id if project_id == task.project_id else None
    else:
        section_id = move.section_id
        if isinstance(move.project_id, Keep) and section_id is not None:
            project_id = None  # a section sent alone takes the task to its project
    project_id, section_id = place_of(
        uow, task.user_id, project_id, section_id, now=now, staying=task.project_id
    )
    same = (project_id, section_id) == (task.project_id, task.section_id)
    parent_id = task.parent_id if isinstance(move.parent_id, Keep) and same else None
    return Place(project_id, section_id, parent_id)


def under(
    uow: UnitOfWork,
    user_id: uuid.UUID,
    parent_id: uuid.UUID,
    project_id: uuid.UUID | None,
    section_id: uuid.UUID | None,
) -> Place:
    """The place of a subtask of `parent_id`: its parent's project and section (another one
    sent, not None, is InvalidInput naming parent_id); NotFound naming parent_id when the
    parent is not the caller's."""
    parent = owned(uow, user_id, parent_id, "parent_id")
    sent = {"project_id": project_id, "section_id": section_id}
    if any(value is not None and value != getattr(parent, name) for name, value in sent.items()):
        message = "is in another project or section than the one sent"
        raise InvalidInput(f"parent_id {message}", fields={"parent_id": message})
    return Place(parent.place.project_id, parent.section_id, parent.id)


def kept_as_none(value: uuid.UUID | Keep | None) -> uuid.UUID | None:
    """A field of a move as sent, None when not sent."""
    return None if isinstance(value, Keep) else value


def owned(uow: UnitOfWork, user_id: uuid.UUID, task_id: uuid.UUID, field: str) -> Task:
    """One of the caller's tasks named by request field `field`; raises NotFound naming it."""
    try:
        return uow.tasks.get(user_id, task_id)
    except NotFound as e:
        raise NotFound("task not found", fields={field: "no such task"}) from e


def position_next_to(
    uow: UnitOfWork, task: Task, anchor: Task, *, after: bool, now: datetime
) -> int:
    """A free position just after (or before) `anchor` among its siblings, renumbering the
    group first when there is no room left there (rare)."""
    for _ in range(2):
        beside = uow.tasks.neighbour(
            task.user_id, anchor.place, anchor.position, after=after, excluding=task.id
        )
        low, high = (anchor.position, beside) if after else (beside, anchor.position)
        found = position_between(low, high)
        if found is not None:
            return found
        siblings = [s for s in uow.tasks.siblings(task.user_id, anchor.place) if s.id != task.id]
        for sibling, position in zip(siblings, spaced(len(siblings)), strict=True):
            sibling.move(sibling.place, position, now=now)
    raise AssertionError("a renumbered group has room between any two siblings")


def relocate(uow: UnitOfWork, task: Task, place: Place, position: int, *, now: datetime) -> None:
    """Put the task at `position` in `place`; its subtasks follow it to its project and
    section."""
    moved = (place.project_id, place.section_id) != (task.project_id, task.section_id)
    task.move(place, position, now=now)
    if moved:
        carry_subtasks(uow, task, now=now)


def carry_subtasks(uow: UnitOfWork, task: Task, *, now: datetime) -> None:
    """Bring the task's subtasks, at every level, into its project and section."""
    assert task.project_id is not None
    for level in descendants(uow, task):
        for sub in level:
            to = Place(task.project_id, task.section_id, sub.parent_id)
            sub.move(to, sub.position, now=now)


def ancestors(uow: UnitOfWork, parent: Task) -> list[uuid.UUID]:
    """The ids of `parent` and of its parents up to the top (at most MAX_DEPTH + 1 reads)."""
    chain, current = [parent.id], parent
    while current.parent_id is not None and len(chain) <= MAX_DEPTH:
        current = uow.tasks.get(parent.user_id, current.parent_id)
        chain.append(current.id)
    return chain


def descendants(uow: UnitOfWork, task: Task) -> list[list[Task]]:
    """The task's subtasks level by level, one read per level (at most MAX_DEPTH)."""
    levels: list[list[Task]] = []
    ids = [task.id]
    for _ in range(MAX_DEPTH):
        level = uow.tasks.children(task.user_id, ids)
        if not level:
            break
        levels.append(level)
        ids = [sub.id for sub in level]
    return levels


def follow_status(uow: UnitOfWork, task: Task, *, was_completed: bool, now: datetime) -> None:
    """A parent completed completes its open subtasks; reopened, it reopens those its
    completion closed."""
    if was_completed == task.is_completed:
        return
    for level in descendants(uow, task):
        for sub in level:
            if task.is_completed:
                sub.complete_with_parent(now=now)
            else:
                sub.reopen_with_parent(now=now)


def reopen_ancestors(
    uow: UnitOfWork, user_id: uuid.UUID, parent_id: uuid.UUID | None, *, now: datetime
) -> list[Task]:
    """Reopen the completed tasks from `parent_id` up to the top, so that an open subtask
    never sits under a completed one (as in Todoist: reopening or adding a subtask reopens its
    completed ancestors; their other subtasks stay as they are, and a recurring ancestor's next
    occurrence stays). Returns those reopened, each locked; at most MAX_DEPTH + 1 reads."""
    reopened: list[Task] = []
    for _ in range(MAX_DEPTH + 1):
        if parent_id is None:
            break
        parent = uow.tasks.get(user_id, parent_id, lock=True)
        if parent.reopen(now=now):
            reopened.append(parent)
        parent_id = parent.parent_id
    return reopened


def delete_subtasks(uow: UnitOfWork, task: Task, *, now: datetime) -> None:
    """Delete the task's subtasks with it (one read per level, one delete for them all)."""
    found = [sub for level in descendants(uow, task) for sub in level]
    for sub in found:
        sub.clock = task.clock
        sub.delete(now=now)
    if found:
        uow.delete_subtasks(found)


def subtask_copies(uow: UnitOfWork, task: Task, nxt: Task, *, now: datetime) -> list[Task]:
    """Open copies of `task`'s subtasks for `nxt` (the next occurrence of `task`), in order,
    for the caller to add; reads only, so nothing pending is flushed before the caller adds."""
    copies, made = {task.id: nxt}, []
    for level in descendants(uow, task):
        for sub in level:
            assert sub.parent_id is not None
            copy = sub.open_copy(parent=copies[sub.parent_id], position=sub.position, now=now)
            copies[sub.id] = copy
            made.append(copy)
    return made
