"""Use cases of tasks: one short function per command, each in its own unit of work."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

from taskai.domain.days import DayClock
from taskai.domain.names import name_key
from taskai.domain.queries import Page, TaskQuery
from taskai.domain.recurrence import Recurrence
from taskai.domain.reminders import SKIPPED, ReminderSpec
from taskai.domain.subtasks import Place, check_parent
from taskai.domain.tags import Tag, clean_tag_name
from taskai.domain.tasks import KEEP, Keep, Task
from taskai.errors import InvalidInput, NotFound
from taskai.ports import UnitOfWork
from taskai.services import subtasks
from taskai.services.projects import ensure_open_project, place_of
from taskai.services.recurrence import retract_successor

T = TypeVar("T")
U = TypeVar("U")


@dataclass
class TaskDraft:
    """The fields of a new task as a client gives them; naive times are in the owner's zone, a
    bare date due makes an all-day task."""

    title: str
    description: str = ""
    status: str = "pending"
    priority: str = "medium"
    due_date: datetime | date | None = None
    tags: list[str] = field(default_factory=list)
    recurrence: dict[str, Any] | None = None
    reminders: list[dict[str, Any]] = field(default_factory=list)
    # projects and sections: None is the Inbox, and no section
    project_id: uuid.UUID | None = None
    section_id: uuid.UUID | None = None
    # subtasks (#16): the parent, whose project and section the task takes
    parent_id: uuid.UUID | None = None


@dataclass(frozen=True)
class TaskChanges:
    """The fields of a task a client changes, as it gives them (naive times are in the owner's
    zone); a field left KEEP stays as it is, one given as None is cleared."""

    title: str | Keep = KEEP
    description: str | Keep | None = KEEP
    status: str | Keep = KEEP
    priority: str | Keep = KEEP
    due_at: datetime | date | Keep | None = KEEP
    tags: Sequence[str] | Keep = KEEP
    recurrence: dict[str, Any] | Keep | None = KEEP
    reminders: Sequence[dict[str, Any]] | Keep = KEEP
    # projects and sections: a new project without a section_id leaves the task in no section
    project_id: uuid.UUID | Keep = KEEP
    section_id: uuid.UUID | Keep | None = KEEP


def create_task(*, uow: UnitOfWork, user_id: uuid.UUID, draft: TaskDraft, now: datetime) -> Task:
    """Create a task; tags named for the first time are created with it, and an open subtask
    reopens its completed ancestors. Raises NotFound, InvalidInput, Conflict naming the field."""
    with uow:
        clock = owner_clock(uow, user_id)
        zone = clock.zone
        due_at, all_day = due_moment(draft.due_date, clock)
        place = new_task_place(uow, user_id, draft, now=now)
        task = Task.create(
            user_id=user_id,
            title=draft.title,
            description=draft.description,
            status=draft.status,
            priority=draft.priority,
            due_at=due_at,
            tags=resolve_tags(uow, user_id, draft.tags, now=now),
            recurrence=parse_recurrence(draft.recurrence),
            reminders=reminder_specs(draft.reminders, zone, due_at=due_at),
            now=now,
            all_day=all_day,
            clock=clock,
            project_id=place.project_id,
            section_id=place.section_id,
            parent_id=place.parent_id,
            position=uow.tasks.next_position(user_id, place),
        )
        if not task.is_completed:
            subtasks.reopen_ancestors(uow, user_id, task.parent_id, now=now)
        uow.tasks.add(task)
        uow.commit()
        return task


def new_task_place(
    uow: UnitOfWork, user_id: uuid.UUID, draft: TaskDraft, *, now: datetime
) -> Place:
    """Where a new task goes: under its parent (in the parent's project and section; another
    one sent is InvalidInput naming parent_id, too deep as well), else in the project and
    section sent (a section alone: its project). Raises NotFound naming the id not the
    caller's, Conflict naming project_id for an archived project."""
    if draft.parent_id is None:
        return Place(*place_of(uow, user_id, draft.project_id, draft.section_id, now=now), None)
    place = subtasks.under(uow, user_id, draft.parent_id, draft.project_id, draft.section_id)
    ensure_open_project(uow, user_id, place.project_id)
    check_parent(uuid.uuid4(), subtasks.ancestors(uow, uow.tasks.get(user_id, draft.parent_id)))
    return place


def get_task(*, uow: UnitOfWork, user_id: uuid.UUID, task_id: uuid.UUID) -> str | Task:
    """One of the caller's tasks as its TaskPublic JSON text in the owner's zone, read only;
    raises NotFound."""
    with uow:
        return uow.tasks.view(user_id, task_id, owner_clock(uow, user_id).zone)


def list_tasks(*, uow: UnitOfWork, user_id: uuid.UUID, query: TaskQuery, now: datetime) -> Page:
    """A page of the caller's tasks, the query read in the caller's zone: its times without an
    offset, its filter's dates, and `overdue` for all-day tasks (due their whole day). Raises
    NotFound naming project_id, section_id or parent_id when that one is not the caller's."""
    with uow:
        ensure_listed_places_owned(uow, user_id, query)
        clock = owner_clock(uow, user_id)
        query = replace(
            query,
            due_before=in_zone(query.due_before, clock.zone),
            due_after=in_zone(query.due_after, clock.zone),
            zone=clock.zone,
            today_start=clock.start(clock.day(now)),
        )
        return uow.tasks.page(user_id, query, now=now)


def ensure_listed_places_owned(uow: UnitOfWork, user_id: uuid.UUID, query: TaskQuery) -> None:
    """Refuse a list of another user's (or no) project, section or parent task: NotFound naming
    the query field, as for any id not the caller's, rather than an empty page."""
    lookups: list[tuple[str, str | None, Callable[[uuid.UUID, uuid.UUID], object]]] = [
        ("project_id", query.project_id, uow.projects.get),
        ("section_id", query.section_id, uow.sections.get),
        ("parent_id", query.parent_id, uow.tasks.get),
    ]
    for name, value, get in lookups:
        if value is None:
            continue
        try:
            get(user_id, uuid.UUID(value))
        except NotFound as e:
            raise NotFound(f"no such {name[:-3]}", fields={name: f"no such {name[:-3]}"}) from e


def in_zone(moment: datetime | None, zone: ZoneInfo) -> datetime | None:
    """`moment` as given, or read as a wall time in `zone` when it has no offset."""
    return moment.replace(tzinfo=zone) if moment and moment.tzinfo is None else moment


def update_task(
    *,
    uow: UnitOfWork,
    user_id: uuid.UUID,
    task_id: uuid.UUID,
    changes: TaskChanges,
    now: datetime,
) -> Task:
    """Change some fields of a task; fields left KEEP stay as they are. Raises NotFound,
    InvalidInput."""
    with uow:
        task = uow.tasks.get(user_id, task_id, lock=True)
        task.clock = clock = owner_clock(uow, user_id)
        zone = clock.zone
        due = kept_or(changes.due_at, lambda value: due_moment(value, clock))
        was_completed = task.is_completed
        place = new_place(uow, task, changes, now=now)
        # subtasks and manual order (#16): a task sent elsewhere goes last there, out of its
        # parent, and its subtasks follow
        position: tuple[uuid.UUID | None, int] | Keep = KEEP
        if not isinstance(place, Keep) and place != (task.project_id, task.section_id):
            position = (None, uow.tasks.next_position(user_id, Place(place[0], place[1], None)))
        task.update(
            now=now,
            title=changes.title,
            description=changes.description,
            status=changes.status,
            priority=changes.priority,
            due_at=KEEP if isinstance(due, Keep) else due[0],
            all_day=not isinstance(due, Keep) and due[1],
            tags=kept_or(changes.tags, lambda names: resolve_tags(uow, user_id, names, now=now)),
            recurrence=kept_or(changes.recurrence, parse_recurrence),
            reminders=kept_or(
                changes.reminders,
                lambda items: reminder_specs(
                    items, zone, due_at=task.due_at if isinstance(due, Keep) else due[0]
                ),
            ),
            place=place,
            position=position,
        )
        if not isinstance(position, Keep):
            subtasks.carry_subtasks(uow, task, now=now)
        after_transition(uow, task, was_completed=was_completed, now=now)
        uow.tasks.count_subtasks([task])
        uow.commit()
        return task


def new_place(
    uow: UnitOfWork, task: Task, changes: TaskChanges, *, now: datetime
) -> tuple[uuid.UUID, uuid.UUID | None] | Keep:
    """The task's project and section after `changes` (KEEP when neither is sent); moving to
    another project without a section_id takes it out of its section. Raises InvalidInput."""
    if isinstance(changes.project_id, Keep) and isinstance(changes.section_id, Keep):
        return KEEP
    project_id = task.project_id if isinstance(changes.project_id, Keep) else changes.project_id
    if isinstance(changes.section_id, Keep):
        section_id = task.section_id if project_id == task.project_id else None
    else:
        section_id = changes.section_id
        if isinstance(changes.project_id, Keep) and section_id is not None:
            project_id = None  # a section sent alone takes the task to its project
    return place_of(uow, task.user_id, project_id, section_id, now=now, staying=task.project_id)


def kept_or(value: T | Keep, convert: Callable[[T], U]) -> U | Keep:
    """KEEP as it is, or `convert(value)`."""
    return KEEP if isinstance(value, Keep) else convert(value)


def change_task(
    *,
    uow: UnitOfWork,
    user_id: uuid.UUID,
    task_id: uuid.UUID,
    change: Callable[[Task], object],
    now: datetime,
) -> Task:
    """Apply one domain transition to one of the caller's tasks, and commit it."""
    with uow:
        task = uow.tasks.get(user_id, task_id, lock=True)
        task.clock = owner_clock(uow, user_id)
        was_completed = task.is_completed
        change(task)
        after_transition(uow, task, was_completed=was_completed, now=now)
        uow.tasks.count_subtasks([task])
        uow.commit()
        return task


def after_transition(uow: UnitOfWork, task: Task, *, was_completed: bool, now: datetime) -> None:
    """What a status change brings in the same transaction: subtasks follow their parent's
    completion or reopening; a reopened subtask reopens its completed ancestors; a reopened
    occurrence takes back the successor its completion generated, if that is still untouched."""
    subtasks.follow_status(uow, task, was_completed=was_completed, now=now)
    if was_completed and not task.is_completed:
        retract_successor(uow, task, now=now)
        subtasks.reopen_ancestors(uow, task.user_id, task.parent_id, now=now)


def complete_task(
    *, uow: UnitOfWork, user_id: uuid.UUID, task_id: uuid.UUID, now: datetime
) -> Task:
    """Mark a task done; a recurring one's next occurrence follows through the event."""
    return change_task(
        uow=uow,
        user_id=user_id,
        task_id=task_id,
        change=lambda task: task.complete(now=now),
        now=now,
    )


def reopen_task(*, uow: UnitOfWork, user_id: uuid.UUID, task_id: uuid.UUID, now: datetime) -> Task:
    """Undo a completion."""
    return change_task(
        uow=uow,
        user_id=user_id,
        task_id=task_id,
        change=lambda task: task.reopen(now=now),
        now=now,
    )


def skip_task(*, uow: UnitOfWork, user_id: uuid.UUID, task_id: uuid.UUID, now: datetime) -> Task:
    """Complete an occurrence as skipped: the series moves on, the skip is remembered."""
    return change_task(
        uow=uow,
        user_id=user_id,
        task_id=task_id,
        change=lambda task: task.complete(now=now, skipped=True),
        now=now,
    )


def delete_task(*, uow: UnitOfWork, user_id: uuid.UUID, task_id: uuid.UUID, now: datetime) -> None:
    """Delete a task for good, with its subtasks; sync reports the deletions. Raises NotFound,
    also to the second of two deletes at once (each locks the owner, then the task)."""
    with uow:
        task = uow.tasks.get(user_id, task_id, lock=True)
        task.clock = owner_clock(uow, user_id)
        task.delete(now=now)
        uow.delete_task(task)
        subtasks.delete_subtasks(uow, task, now=now)
        uow.commit()


def skipped_reminder_notes(task: Task) -> list[str]:
    """Say which offset reminders were skipped because their time had already passed."""
    return [
        f"reminder {r.minutes_before} minutes before the due time is already past; skipped"
        for r in task.reminders
        if r.status == SKIPPED
    ]


def owner_clock(uow: UnitOfWork, user_id: uuid.UUID) -> DayClock:
    """User `user_id`'s zone and all-day reminder time; raises NotFound for an unknown user."""
    account = getattr(uow, "account", None)  # the caller, read by the unit of work
    if account is not None and account.id == user_id:
        return account.clock
    return uow.users.get(user_id).clock


def due_moment(value: datetime | date | None, clock: DayClock) -> tuple[datetime | None, bool]:
    """(due_at in UTC, all_day) of a client's due date: a bare date is all-day, due from the
    start of that day in the owner's zone; a naive date-time is read in that zone."""
    if value is None:
        return None, False
    if not isinstance(value, datetime):
        return clock.start(value), True
    return to_utc(value, clock.zone), False


def to_utc(moment: datetime | None, zone: ZoneInfo) -> datetime | None:
    """An aware datetime as given, or a naive one read in the owner's zone."""
    if moment is None:
        return None
    return (moment if moment.tzinfo else moment.replace(tzinfo=zone)).astimezone(UTC)


def parse_recurrence(data: dict[str, Any] | None) -> Recurrence | None:
    """The repeat rule from API input, or None for none; raises InvalidInput for a bad rule."""
    return None if data is None else Recurrence.from_input(data)


def reminder_specs(
    items: Sequence[dict[str, Any]], zone: ZoneInfo, *, due_at: datetime | Keep | None = KEEP
) -> list[ReminderSpec]:
    """ReminderSpecs from client input; absolute times read like due dates. Raises InvalidInput
    naming `reminders.N` for a bad one, or for an offset when `due_at` (the task's due time
    after the request; KEEP: not asked, as on import) is None."""
    specs = []
    for index, item in enumerate(items):
        try:
            spec = ReminderSpec(
                minutes_before=item.get("minutes_before"), at=to_utc(item.get("at"), zone)
            )
            if spec.minutes_before is not None and due_at is None:
                raise InvalidInput("counts back from the due time: set a due_date, or give at")
        except InvalidInput as e:
            raise InvalidInput(e.message, fields={f"reminders.{index}": e.message}) from e
        specs.append(spec)
    return specs


def resolve_tags(
    uow: UnitOfWork, user_id: uuid.UUID, names: Sequence[str], *, now: datetime
) -> list[Tag]:
    """The user's tags of these names, creating the missing ones (names compare without case)."""
    wanted: dict[str, str] = {}
    for index, name in enumerate(names):
        clean = clean_tag_name(name, field_name=f"tags.{index}")
        wanted.setdefault(name_key(clean), clean)
    return uow.tags.get_or_create(user_id, wanted, now=now)
