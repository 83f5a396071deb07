"""The event contracts: the data model of each CloudEvent type, its envelope, topics and schemas.

The models here are the single source: events/schemas/*.json are generated from them
(`python -m taskai.contracts`), and tests/contract checks the domain's events against both.
"""

from taskai.contracts.data import (
    EventData,
    ProjectCreatedData,
    ProjectDeletedData,
    ProjectEventData,
    ProjectSnapshot,
    ProjectUpdatedData,
    RecurrenceSnapshot,
    ReminderDueData,
    ReminderSetting,
    SectionCreatedData,
    SectionDeletedData,
    SectionEventData,
    SectionSnapshot,
    SectionUpdatedData,
    TaskCompletedData,
    TaskCreatedData,
    TaskDeletedData,
    TaskEventData,
    TaskReopenedData,
    TaskSnapshot,
    TaskUpdatedData,
)
from taskai.contracts.envelope import InvalidEvent, UnknownEventType, envelope, parse
from taskai.contracts.registry import (
    DEAD_LETTER_TOPICS,
    SOURCES,
    TOPICS,
    TYPES,
    EventType,
    TopicConfig,
    dataschema,
)
from taskai.contracts.schemas import export_schemas, schema_of

__all__ = [
    "DEAD_LETTER_TOPICS",
    "SOURCES",
    "TOPICS",
    "TYPES",
    "EventData",
    "EventType",
    "InvalidEvent",
    "ProjectCreatedData",
    "ProjectDeletedData",
    "ProjectEventData",
    "ProjectSnapshot",
    "ProjectUpdatedData",
    "RecurrenceSnapshot",
    "ReminderDueData",
    "ReminderSetting",
    "SectionCreatedData",
    "SectionDeletedData",
    "SectionEventData",
    "SectionSnapshot",
    "SectionUpdatedData",
    "TaskCompletedData",
    "TaskCreatedData",
    "TaskDeletedData",
    "TaskEventData",
    "TaskReopenedData",
    "TaskSnapshot",
    "TaskUpdatedData",
    "TopicConfig",
    "UnknownEventType",
    "dataschema",
    "envelope",
    "export_schemas",
    "parse",
    "schema_of",
]
