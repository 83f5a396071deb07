"""The fixed word lists of TaskAI, each defined once: the domain, the API models and the event
contracts all use these (their values are what the wire and the database carry)."""

from __future__ import annotations

from enum import StrEnum


class TaskStatus(StrEnum):
    """Where a task stands."""

    PENDING = "pending"
    IN_PROGRESS = "in_progress"
    COMPLETED = "completed"


class Priority(StrEnum):
    """How much a task matters, lowest first."""

    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"
    URGENT = "urgent"


class Anchor(StrEnum):
    """What a recurring task's next due date counts from."""

    DUE = "due"
    COMPLETION = "completion"


class ReminderState(StrEnum):
    """Where a reminder stands; `domain.reminders.TRANSITIONS` says how it moves between them."""

    PENDING = "pending"
    QUEUED = "queued"
    SENT = "sent"
    FAILED = "failed"
    CANCELLED = "cancelled"
    MISSED = "missed"
    SKIPPED = "skipped"


class Language(StrEnum):
    """The languages quick add reads (and a profile may name)."""

    EN = "en"
    DE = "de"
    ES = "es"
    FR = "fr"
