"""The registry of TaskAI's Kafka topics and CloudEvent types: the one list the code reads."""

from __future__ import annotations

from typing import NamedTuple, TypedDict

from taskai.contracts.data import (
    EventData,
    FilterCreatedData,
    FilterDeletedData,
    FilterUpdatedData,
    ProjectCreatedData,
    ProjectDeletedData,
    ProjectUpdatedData,
    ReminderDueData,
    SectionCreatedData,
    SectionDeletedData,
    SectionUpdatedData,
    TaskCompletedData,
    TaskCreatedData,
    TaskDeletedData,
    TaskReopenedData,
    TaskUpdatedData,
)

SEVEN_DAYS_MS = 7 * 24 * 60 * 60 * 1000
SCHEMA_VERSION = 1
"""Major version in every `dataschema`; it stays 1, since a breaking change is a new type."""


class TopicConfig(TypedDict):
    """How a Kafka topic is created."""

    partitions: int
    retention_ms: int


TOPICS: dict[str, TopicConfig] = {
    "task-events": {"partitions": 3, "retention_ms": SEVEN_DAYS_MS},
    "reminders": {"partitions": 3, "retention_ms": SEVEN_DAYS_MS},
    "task-events.dlq": {"partitions": 3, "retention_ms": SEVEN_DAYS_MS},
    "reminders.dlq": {"partitions": 3, "retention_ms": SEVEN_DAYS_MS},
}
DEAD_LETTER_TOPICS = {"task-events": "task-events.dlq", "reminders": "reminders.dlq"}
"""Where the consumers of each topic send an event that can never succeed."""
SOURCES = {"task-events": "/taskai/tasks", "reminders": "/taskai/reminders"}
"""The CloudEvents `source` of the events published on each topic."""


class EventType(NamedTuple):
    """Where an event type is published and the model of its `data`."""

    topic: str
    model: type[EventData]

    @property
    def source(self) -> str:
        """The CloudEvents `source` URI-reference of events published on this type's topic."""
        return SOURCES[self.topic]


TYPES: dict[str, EventType] = {
    "com.taskai.task.created": EventType("task-events", TaskCreatedData),
    "com.taskai.task.updated": EventType("task-events", TaskUpdatedData),
    "com.taskai.task.completed": EventType("task-events", TaskCompletedData),
    "com.taskai.task.reopened": EventType("task-events", TaskReopenedData),
    "com.taskai.task.deleted": EventType("task-events", TaskDeletedData),
    "com.taskai.reminder.due": EventType("reminders", ReminderDueData),
    # Saved filters (issue 16).
    "com.taskai.filter.created": EventType("task-events", FilterCreatedData),
    "com.taskai.filter.updated": EventType("task-events", FilterUpdatedData),
    "com.taskai.filter.deleted": EventType("task-events", FilterDeletedData),
    # projects and sections: keyed by the project id
    "com.taskai.project.created": EventType("task-events", ProjectCreatedData),
    "com.taskai.project.updated": EventType("task-events", ProjectUpdatedData),
    "com.taskai.project.deleted": EventType("task-events", ProjectDeletedData),
    "com.taskai.section.created": EventType("task-events", SectionCreatedData),
    "com.taskai.section.updated": EventType("task-events", SectionUpdatedData),
    "com.taskai.section.deleted": EventType("task-events", SectionDeletedData),
}
"""Every event type TaskAI publishes; the Kafka key of each is the task id (the filter id for
filter events, the project id for project and section events)."""


def dataschema(event_type: str) -> str:
    """The URI that names the schema of a type's data (also the `$id` of its schema file)."""
    return f"urn:taskai:schema:{event_type}:{SCHEMA_VERSION}"
