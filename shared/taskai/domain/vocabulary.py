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


class Preset(StrEnum):
    """The named recurrence rules a client may pick instead of writing an RRULE."""

    DAILY = "daily"
    WEEKDAYS = "weekdays"
    WEEKLY = "weekly"
    MONTHLY = "monthly"
    YEARLY = "yearly"


class SortKey(StrEnum):
    """What a task list is ordered by (relevance only with a search)."""

    DUE = "due"
    PRIORITY = "priority"
    CREATED = "created"
    UPDATED = "updated"
    TITLE = "title"
    RELEVANCE = "relevance"
    POSITION = "position"  # manual order (#16)


class SortOrder(StrEnum):
    """Which way a task list runs."""

    ASC = "asc"
    DESC = "desc"


class TagMode(StrEnum):
    """Whether a task list's tags filter asks for any of the tags or all of them."""

    ANY = "any"
    ALL = "all"


class DraftSource(StrEnum):
    """Who read a quick-add text: OpenAI, or the rule-based parser."""

    OPENAI = "openai"
    RULES = "rules"


class Deleted(StrEnum):
    """The kinds of thing a sync answer reports as deleted."""

    TASK = "task"
    TAG = "tag"
    FILTER = "filter"  # saved filters (issue 16)
    # projects and sections
    PROJECT = "project"
    SECTION = "section"


class ProjectView(StrEnum):
    """How a project's tasks are laid out: a list, or a board with its sections as columns."""

    LIST = "list"
    BOARD = "board"
