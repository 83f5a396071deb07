"""Domain events: facts recorded by entities, published later through the outbox.

One frozen dataclass per event type; its fields (besides `id` and `occurred_at`, which travel in
the CloudEvent envelope) are the event's `data`, named as the contract in events/schemas names
them. The outbox turns them into that JSON (`adapters.outbox.event_data`).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import ClassVar

from taskai.domain.vocabulary import Anchor, Priority, ProjectView, TaskStatus


@dataclass(frozen=True)
class RecurrenceSnapshot:
    """How a task repeats: an RRULE body and what the next due date counts from."""

    rule: str
    anchor: Anchor


@dataclass(frozen=True)
class ReminderSetting:
    """A reminder as its owner set it: minutes before the due time, or a fixed time (UTC)."""

    minutes_before: int | None
    at: datetime | None


@dataclass(frozen=True)
class TaskSnapshot:
    """The whole task as every task event carries it; times are aware."""

    id: uuid.UUID
    user_id: uuid.UUID
    title: str
    description: str
    status: TaskStatus
    priority: Priority
    due_date: datetime | None
    tags: tuple[str, ...]
    recurrence: RecurrenceSnapshot | None
    series_id: uuid.UUID | None
    occurrence: int | None
    reminders: tuple[ReminderSetting, ...]
    completed_at: datetime | None
    skipped: bool
    # All-day tasks (#16): due_date is then the start of `due_on` in the owner's zone.
    all_day: bool = False
    due_on: date | None = None
    # projects and sections
    project_id: uuid.UUID | None = None
    section_id: uuid.UUID | None = None
    # subtasks and manual order (#16)
    parent_id: uuid.UUID | None = None
    position: int | None = None


@dataclass(frozen=True, kw_only=True)
class DomainEvent:
    """Something that happened; `type` is the CloudEvents type it is published as."""

    type: ClassVar[str]
    topic: ClassVar[str]
    occurred_at: datetime
    id: str = field(default_factory=lambda: str(uuid.uuid4()))

    @property
    def key(self) -> str:
        """The Kafka key and CloudEvents subject: the task's id, so its events stay in order."""
        raise NotImplementedError


@dataclass(frozen=True, kw_only=True)
class TaskEvent(DomainEvent):
    """A change of a task: the task after it (for a deletion, as it was deleted)."""

    task: TaskSnapshot

    @property
    def key(self) -> str:
        """The task's id as text, so all events of one task share a Kafka partition."""
        return str(self.task.id)


@dataclass(frozen=True, kw_only=True)
class TaskCreated(TaskEvent):
    type = "com.taskai.task.created"
    topic = "task-events"


@dataclass(frozen=True, kw_only=True)
class TaskUpdated(TaskEvent):
    type = "com.taskai.task.updated"
    topic = "task-events"

    changed: tuple[str, ...]
    """Names of the snapshot's fields that changed, sorted."""


@dataclass(frozen=True, kw_only=True)
class TaskCompleted(TaskEvent):
    type = "com.taskai.task.completed"
    topic = "task-events"


@dataclass(frozen=True, kw_only=True)
class TaskReopened(TaskEvent):
    type = "com.taskai.task.reopened"
    topic = "task-events"


@dataclass(frozen=True, kw_only=True)
class TaskDeleted(TaskEvent):
    type = "com.taskai.task.deleted"
    topic = "task-events"


@dataclass(frozen=True, kw_only=True)
class ReminderDue(DomainEvent):
    """A reminder's time came; everything its email needs is here (times aware)."""

    type = "com.taskai.reminder.due"
    topic = "reminders"

    reminder_id: uuid.UUID
    task_id: uuid.UUID
    user_id: uuid.UUID
    fire_at: datetime
    minutes_before: int | None
    at: datetime | None
    title: str
    due_date: datetime | None

    @property
    def key(self) -> str:
        """The reminder's task id as text, so it is ordered with that task's events."""
        return str(self.task_id)


# Saved filters (issue 16): on task-events, keyed by the filter's id.
@dataclass(frozen=True)
class FilterSnapshot:
    """A saved filter as every filter event carries it."""

    id: uuid.UUID
    user_id: uuid.UUID
    name: str
    query: str
    color: str
    position: int


@dataclass(frozen=True, kw_only=True)
class FilterEvent(DomainEvent):
    """A change of a saved filter: the filter after it (for a deletion, as it was deleted)."""

    filter: FilterSnapshot

    @property
    def key(self) -> str:
        """The filter's id as text: its events stay in order on one partition."""
        return str(self.filter.id)


@dataclass(frozen=True, kw_only=True)
class FilterCreated(FilterEvent):
    type = "com.taskai.filter.created"
    topic = "task-events"


@dataclass(frozen=True, kw_only=True)
class FilterUpdated(FilterEvent):
    type = "com.taskai.filter.updated"
    topic = "task-events"

    changed: tuple[str, ...]
    """Names of the snapshot's fields that changed, sorted."""


@dataclass(frozen=True, kw_only=True)
class FilterDeleted(FilterEvent):
    type = "com.taskai.filter.deleted"
    topic = "task-events"


@dataclass(frozen=True)
class ProjectSnapshot:
    """The whole project as every project event carries it; times are aware."""

    id: uuid.UUID
    user_id: uuid.UUID
    name: str
    color: str
    view: ProjectView
    position: int
    archived: bool
    inbox: bool


@dataclass(frozen=True, kw_only=True)
class ProjectEvent(DomainEvent):
    """A change of a project: the project after it (for a deletion, as it was deleted)."""

    project: ProjectSnapshot

    @property
    def key(self) -> str:
        """The project's id as text, so all events of one project share a Kafka partition."""
        return str(self.project.id)


@dataclass(frozen=True, kw_only=True)
class ProjectCreated(ProjectEvent):
    type = "com.taskai.project.created"
    topic = "task-events"


@dataclass(frozen=True, kw_only=True)
class ProjectUpdated(ProjectEvent):
    type = "com.taskai.project.updated"
    topic = "task-events"

    changed: tuple[str, ...]
    """Names of the snapshot's fields that changed, sorted."""


@dataclass(frozen=True, kw_only=True)
class ProjectDeleted(ProjectEvent):
    type = "com.taskai.project.deleted"
    topic = "task-events"

    moved_to: uuid.UUID | None
    """The project its tasks moved to, or None when they were deleted with it."""


@dataclass(frozen=True)
class SectionSnapshot:
    """The whole section as every section event carries it."""

    id: uuid.UUID
    user_id: uuid.UUID
    project_id: uuid.UUID
    name: str
    position: int


@dataclass(frozen=True, kw_only=True)
class SectionEvent(DomainEvent):
    """A change of a section: the section after it (for a deletion, as it was deleted)."""

    section: SectionSnapshot

    @property
    def key(self) -> str:
        """The section's project id as text, so a project's events share a Kafka partition."""
        return str(self.section.project_id)


@dataclass(frozen=True, kw_only=True)
class SectionCreated(SectionEvent):
    type = "com.taskai.section.created"
    topic = "task-events"


@dataclass(frozen=True, kw_only=True)
class SectionUpdated(SectionEvent):
    type = "com.taskai.section.updated"
    topic = "task-events"

    changed: tuple[str, ...]
    """Names of the snapshot's fields that changed, sorted."""


@dataclass(frozen=True, kw_only=True)
class SectionDeleted(SectionEvent):
    type = "com.taskai.section.deleted"
    topic = "task-events"


EVENT_TYPES: dict[str, type[DomainEvent]] = {
    cls.type: cls
    for cls in (
        TaskCreated,
        TaskUpdated,
        TaskCompleted,
        TaskReopened,
        TaskDeleted,
        ReminderDue,
        FilterCreated,
        FilterUpdated,
        FilterDeleted,
        # projects and sections
        ProjectCreated,
        ProjectUpdated,
        ProjectDeleted,
        SectionCreated,
        SectionUpdated,
        SectionDeleted,
    )
}
