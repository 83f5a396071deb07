"""Domain events: facts recorded by entities, published later through the outbox."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, ClassVar


@dataclass(frozen=True)
class DomainEvent:
    """Something that happened; `type` is the CloudEvents type it is published as."""

    type: ClassVar[str]
    topic: ClassVar[str]
    key: str
    occurred_at: datetime
    data: dict[str, Any]
    id: str = field(default_factory=lambda: str(uuid.uuid4()))


@dataclass(frozen=True)
class TaskCreated(DomainEvent):
    type = "com.taskai.task.created"
    topic = "task-events"


@dataclass(frozen=True)
class TaskUpdated(DomainEvent):
    type = "com.taskai.task.updated"
    topic = "task-events"


@dataclass(frozen=True)
class TaskCompleted(DomainEvent):
    type = "com.taskai.task.completed"
    topic = "task-events"


@dataclass(frozen=True)
class TaskReopened(DomainEvent):
    type = "com.taskai.task.reopened"
    topic = "task-events"


@dataclass(frozen=True)
class TaskDeleted(DomainEvent):
    type = "com.taskai.task.deleted"
    topic = "task-events"


@dataclass(frozen=True)
class ReminderDue(DomainEvent):
    type = "com.taskai.reminder.due"
    topic = "reminders"


EVENT_TYPES: dict[str, type[DomainEvent]] = {
    cls.type: cls
    for cls in (TaskCreated, TaskUpdated, TaskCompleted, TaskReopened, TaskDeleted, ReminderDue)
}
