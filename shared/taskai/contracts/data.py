"""The `data` of each TaskAI CloudEvent: what producers emit and what consumers validate."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime
from typing import Annotated, Any

from pydantic import AfterValidator, AwareDatetime, BaseModel, ConfigDict, Field, model_validator

from taskai.schema_words import Anchor, Priority, ProjectView, Status


def _in_utc(moment: datetime) -> datetime:
    return moment.astimezone(UTC)


# Producers write UTC; a consumer reading any other offset still gets the same instant, in UTC.
UtcDatetime = Annotated[AwareDatetime, AfterValidator(_in_utc)]

# "Exactly one of minutes_before and at is set", for the JSON Schema (_require_one_trigger in code).
_ONE_TRIGGER: dict[str, Any] = {
    "additionalProperties": True,
    "oneOf": [
        {"properties": {"minutes_before": {"type": "integer"}, "at": {"type": "null"}}},
        {"properties": {"minutes_before": {"type": "null"}, "at": {"type": "string"}}},
    ],
}


class EventData(BaseModel):
    """Base of every event data model: unknown fields are ignored, never rejected.

    Producers may add fields at any time (DESIGN: add fields freely, never rename), so a
    consumer built against an older contract must keep working when it meets one.
    """

    model_config = ConfigDict(
        extra="ignore",
        frozen=True,
        defer_build=True,  # built on first use: a process that never validates one skips it
        use_attribute_docstrings=True,
        json_schema_extra={"additionalProperties": True},
    )


def _require_one_trigger(minutes_before: int | None, at: datetime | None) -> None:
    if (minutes_before is None) == (at is None):
        raise ValueError("exactly one of minutes_before and at must be set")


class RecurrenceSnapshot(EventData):
    """How a task repeats."""

    rule: str
    """The RFC 5545 RRULE body, normalized (e.g. `FREQ=WEEKLY;BYDAY=MO,WE`)."""
    anchor: Anchor
    """What the next due date counts from: the previous due date or the completion time."""


class ReminderSetting(EventData):
    """A reminder of the task as its owner set it: exactly one of minutes_before and at."""

    model_config = ConfigDict(json_schema_extra=_ONE_TRIGGER)

    minutes_before: int | None
    """Minutes before the task's due time; null for a reminder at a fixed time."""
    at: UtcDatetime | None
    """The fixed time of the reminder (RFC 3339, UTC); null for an offset reminder."""

    @model_validator(mode="after")
    def _one_trigger(self) -> ReminderSetting:
        _require_one_trigger(self.minutes_before, self.at)
        return self


class TaskSnapshot(EventData):
    """The whole task as plain JSON values, times in UTC."""

    id: uuid.UUID
    """The task; also the event's Kafka key and CloudEvents `subject`."""
    user_id: uuid.UUID
    """The owner."""
    title: str
    """Never empty."""
    description: str
    """May be empty."""
    status: Status
    """Where the task stands; completing and reopening have events of their own."""
    priority: Priority
    due_date: UtcDatetime | None
    """When the task is due (RFC 3339, UTC), or null."""
    tags: list[str]
    """Names of the task's tags, sorted."""
    recurrence: RecurrenceSnapshot | None
    """The repeat rule, or null for a one-off task."""
    series_id: uuid.UUID | None
    """The id of the first task of the series this task belongs to, or null."""
    occurrence: int | None
    """This task's place in its series, from 1; null outside a series."""
    reminders: list[ReminderSetting]
    """The reminders that are not cancelled, including those already sent or skipped."""
    completed_at: UtcDatetime | None
    """When the task was completed (RFC 3339, UTC); null unless status is completed."""
    skipped: bool
    """True when the occurrence was completed as skipped (the series moved on without it)."""
    # All-day tasks (#16)
    all_day: bool = False
    """True when the task is due for a whole day: `due_date` is then the start of that day in the
    owner's zone."""
    due_on: date | None = None
    """The all-day task's date in the owner's zone (YYYY-MM-DD); null for other tasks."""
    # projects and sections
    project_id: uuid.UUID | None = None
    """The task's project (its owner's Inbox unless another); null only in events from before
    projects."""
    section_id: uuid.UUID | None = None
    """The section of its project the task is in, or null."""
    # subtasks and manual order (#16)
    parent_id: uuid.UUID | None = None
    """The task this one is a subtask of (same project and section), or null."""
    position: int | None = None
    """Where the task stands among its siblings (same project, section and parent): lower
    first; null only in events from before manual order."""


class TaskEventData(EventData):
    """The data of every task event: the task after the change."""

    task: TaskSnapshot
    """The task after the change; for a deletion, the task as it was deleted."""


class TaskCreatedData(TaskEventData):
    """A task was created, by its owner or as the next occurrence of a recurring series."""


class TaskUpdatedData(TaskEventData):
    """Fields of a task changed (a status change other than completing or reopening included)."""

    changed: list[str] = Field(min_length=1)
    """Names of the `task` fields that changed, sorted (a tag renamed or recolored: ["tags"])."""


class TaskCompletedData(TaskEventData):
    """A task was completed (or skipped); a recurring task's next occurrence follows from this."""


class TaskReopenedData(TaskEventData):
    """A completed task was opened again; reminders that can still fire are restored."""


class TaskDeletedData(TaskEventData):
    """A task was deleted for good; its pending reminders were cancelled."""


class ReminderDueData(EventData):
    """A reminder's time came: the notifications function emails the task's owner.

    Everything the message needs is here, so sending it needs no lookup of the task.
    """

    model_config = ConfigDict(json_schema_extra=_ONE_TRIGGER)

    reminder_id: uuid.UUID
    """The reminder. It falls due once: consumers deduplicate on it, not only on the event id."""
    task_id: uuid.UUID
    """The task; also the event's Kafka key and CloudEvents `subject`."""
    user_id: uuid.UUID
    """The owner, who is notified."""
    fire_at: UtcDatetime
    """When the reminder was to fire (RFC 3339, UTC); the event's `time` is when it was seen due."""
    minutes_before: int | None
    """Minutes before the task's due time; null for a reminder at a fixed time."""
    at: UtcDatetime | None
    """The fixed time of the reminder (RFC 3339, UTC); null for an offset reminder."""
    title: str
    """The task's title when the reminder fired."""
    due_date: UtcDatetime | None
    """When the task is due (RFC 3339, UTC); null only if the reminder is at a fixed time."""

    @model_validator(mode="after")
    def _one_trigger(self) -> ReminderDueData:
        _require_one_trigger(self.minutes_before, self.at)
        return self


# Saved filters (issue 16): on task-events, keyed by the filter's id.
class FilterSnapshot(EventData):
    """A saved filter as plain JSON values."""

    id: uuid.UUID
    """The filter; also the event's Kafka key and CloudEvents `subject`."""
    user_id: uuid.UUID
    """The owner."""
    name: str
    """Unique per owner in any letter case; never empty."""
    query: str
    """A query of the filter language (README, GET /api/tasks `filter`); it parsed when saved."""
    color: str
    """`#rrggbb`."""
    position: int
    """Place in the owner's list of filters, from 0."""


class FilterEventData(EventData):
    """The data of every filter event: the filter after the change."""

    filter: FilterSnapshot
    """The filter after the change; for a deletion, the filter as it was deleted."""


class FilterCreatedData(FilterEventData):
    """A saved filter was created."""


class FilterUpdatedData(FilterEventData):
    """Fields of a saved filter changed."""

    changed: list[str] = Field(min_length=1)
    """Names of the `filter` fields that changed, sorted."""


class FilterDeletedData(FilterEventData):
    """A saved filter was deleted."""


# projects and sections
class ProjectSnapshot(EventData):
    """The whole project as plain JSON values."""

    id: uuid.UUID
    """The project; also the event's Kafka key and CloudEvents `subject`."""
    user_id: uuid.UUID
    """The owner."""
    name: str
    """Unique per owner, whatever the letter case."""
    color: str
    """`#rrggbb`, lower case."""
    view: ProjectView
    """How clients lay its tasks out: a list, or a board with its sections as columns."""
    position: int
    """Its place in the owner's list of projects, smaller first."""
    archived: bool
    """Archived projects' tasks are left out of task lists (but found by search)."""
    inbox: bool
    """True for the owner's Inbox, the project of tasks that name none."""


class ProjectEventData(EventData):
    """The data of every project event: the project after the change."""

    project: ProjectSnapshot
    """The project after the change; for a deletion, the project as it was deleted."""


class ProjectCreatedData(ProjectEventData):
    """A project was created (an Inbox with each account)."""


class ProjectUpdatedData(ProjectEventData):
    """Fields of a project changed (renamed, recolored, moved, archived or unarchived)."""

    changed: list[str] = Field(min_length=1)
    """Names of the `project` fields that changed, sorted."""


class ProjectDeletedData(ProjectEventData):
    """A project was deleted with its sections; its tasks moved to `moved_to`, or were deleted
    with it (no task.deleted event is sent for each: this event stands for them)."""

    moved_to: uuid.UUID | None
    """The project its tasks moved to, out of any section; null when they were deleted."""


class SectionSnapshot(EventData):
    """The whole section as plain JSON values."""

    id: uuid.UUID
    """The section."""
    user_id: uuid.UUID
    """The owner."""
    project_id: uuid.UUID
    """The project it belongs to; also the event's Kafka key and CloudEvents `subject`."""
    name: str
    """Unique within its project, whatever the letter case."""
    position: int
    """Its place among its project's sections, smaller first."""


class SectionEventData(EventData):
    """The data of every section event: the section after the change."""

    section: SectionSnapshot
    """The section after the change; for a deletion, the section as it was deleted."""


class SectionCreatedData(SectionEventData):
    """A section was created in a project."""


class SectionUpdatedData(SectionEventData):
    """A section was renamed or moved."""

    changed: list[str] = Field(min_length=1)
    """Names of the `section` fields that changed, sorted."""


class SectionDeletedData(SectionEventData):
    """A section was deleted; its tasks stay in the project, in no section."""
