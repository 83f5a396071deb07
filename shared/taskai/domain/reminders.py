"""Reminders: a moment before a task is due (or at a fixed time) when its owner is emailed."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from taskai.errors import InvalidInput

MAX_MINUTES_BEFORE = 366 * 24 * 60
MAX_REMINDERS = 10
PENDING, QUEUED, SENT, FAILED, CANCELLED, MISSED, SKIPPED = (
    "pending",
    "queued",
    "sent",
    "failed",
    "cancelled",
    "missed",
    "skipped",
)
OPEN_STATUSES = (PENDING, SKIPPED, CANCELLED)  # not gone out: follow their task


@dataclass(frozen=True)
class ReminderSpec:
    """What a client asks for: an offset before the due time, or an absolute time."""

    minutes_before: int | None = None
    at: datetime | None = None

    def __post_init__(self) -> None:
        if (self.minutes_before is None) == (self.at is None):
            raise InvalidInput(
                "a reminder needs minutes_before or at",
                fields={"reminders": "give exactly one of minutes_before, at"},
            )
        if self.minutes_before is not None and not 0 <= self.minutes_before <= MAX_MINUTES_BEFORE:
            raise InvalidInput(
                "reminder offset out of range",
                fields={"reminders": f"minutes_before must be 0 to {MAX_MINUTES_BEFORE}"},
            )


@dataclass(eq=False)
class Reminder:
    """One scheduled reminder of a task, stored with its fire time in UTC."""

    task_id: uuid.UUID
    user_id: uuid.UUID
    minutes_before: int | None
    at: datetime | None
    fire_at: datetime
    status: str = PENDING
    id: uuid.UUID = field(default_factory=uuid.uuid4)
    created_at: datetime | None = None

    @classmethod
    def schedule(
        cls,
        spec: ReminderSpec,
        *,
        task_id: uuid.UUID,
        user_id: uuid.UUID,
        due_at: datetime | None,
        now: datetime,
        index: int,
    ) -> Reminder:
        """A reminder for `spec`; one whose time has passed is kept, never sent: a past offset
        as skipped, a past absolute time as missed (as when a task moves past them). An offset
        on a task without a due date is kept cancelled until the task gets one."""
        if spec.at is not None:
            status = PENDING if spec.at > now else MISSED
            return cls(task_id, user_id, None, spec.at, spec.at, status, created_at=now)
        assert spec.minutes_before is not None
        if due_at is None:  # waits, cancelled, for a due date, as when a task loses its own
            return cls(task_id, user_id, spec.minutes_before, None, now, CANCELLED, created_at=now)
        fire_at = due_at - timedelta(minutes=spec.minutes_before)
        status = PENDING if fire_at > now else SKIPPED
        return cls(task_id, user_id, spec.minutes_before, None, fire_at, status, created_at=now)

    @property
    def spec(self) -> ReminderSpec:
        """The request this reminder answers, to copy it to another task."""
        return ReminderSpec(minutes_before=self.minutes_before, at=self.at)

    def follow(self, *, due_at: datetime | None, active: bool, now: datetime) -> None:
        """Keep a reminder that has not gone out in step with its task, whatever the transition:
        cancelled while the task is done or deleted (`active` False) or, for an offset, has no
        due time; otherwise pending, or skipped (offset) / missed (absolute) once its time has
        passed. Reminders that went out (queued, sent, failed, missed) are history and stay."""
        if self.status not in OPEN_STATUSES:
            return
        if not active or (self.minutes_before is not None and due_at is None):
            self.status = CANCELLED
        elif self.minutes_before is not None:
            assert due_at is not None
            self.fire_at = due_at - timedelta(minutes=self.minutes_before)
            self.status = PENDING if self.fire_at > now else SKIPPED
        elif self.status == CANCELLED:
            self.status = PENDING if self.fire_at > now else MISSED
