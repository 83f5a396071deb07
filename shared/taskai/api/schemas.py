"""Request and response models of the HTTP API, separate per role (Create, Update, Public)."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING, Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StringConstraints,
    field_validator,
)

from taskai.domain import vocabulary as v
from taskai.domain.queries import TaskQuery, default_sort
from taskai.domain.recurrence.occurrences import FIRST_YEAR, LAST_YEAR
from taskai.schema_words import (
    Anchor,
    Deleted,
    DraftSource,
    Language,
    Preset,
    Priority,
    ProjectView,
    SortKey,
    SortOrder,
    Status,
    TagMode,
)

if TYPE_CHECKING:
    from taskai.services.tasks import TaskChanges

# Something besides white space (str.strip's, which is wider than JSON Schema's \s); a tag name
# has no comma either, since list filters take comma-separated names.
VISIBLE = r"[^\s\x1c-\x1f]"
Title = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=500),
    Field(json_schema_extra={"pattern": VISIBLE}),
]
TagName = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=50),
    Field(json_schema_extra={"pattern": r"^[^,]*[^,\s\x1c-\x1f][^,]*$"}),
]
Color = Annotated[str, StringConstraints(pattern=r"^#[0-9a-fA-F]{6}$")]
CALENDAR_YEAR = r"^(19\d\d|[2-8]\d\d\d)-"


def _in_calendar(value: datetime) -> datetime:
    if not FIRST_YEAR <= value.year <= LAST_YEAR:
        raise ValueError(f"must be in the years {FIRST_YEAR} to {LAST_YEAR}")
    return value


# ISO 8601 text only: a bare number is not silently read as a Unix timestamp.
Moment = Annotated[
    datetime,
    Field(strict=True, json_schema_extra={"pattern": CALENDAR_YEAR}),
    AfterValidator(_in_calendar),
]
ISO_DATE_TIME = r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}"


def _iso_text(value: Any) -> Any:
    """A query value is text; only ISO 8601 date-times count (not `0.5`, not a Unix time)."""
    import re

    if isinstance(value, str) and not re.match(ISO_DATE_TIME, value):
        raise ValueError("must be an ISO 8601 date-time, e.g. 2031-03-10T09:00:00")
    return value


# A date-time in a query string: with an offset, or read in the owner's zone.
QueryMoment = Annotated[
    datetime,
    BeforeValidator(_iso_text),
    AfterValidator(_in_calendar),
    Field(
        json_schema_extra={
            "format": "date-time",
            "pattern": CALENDAR_YEAR + r"\d{2}-\d{2}[T ]\d{2}:\d{2}",
        }
    ),
]


def _never_null(schema: dict[str, Any]) -> None:
    """The JSON Schema of a field that may be left out but never sent as null."""
    schema.pop("default", None)
    options = [option for option in schema.pop("anyOf", []) if option.get("type") != "null"]
    if len(options) == 1:
        schema.update(options[0])
    elif options:
        schema["anyOf"] = options


def _opaque_cursor(schema: dict[str, Any]) -> None:
    """Only a cursor the API made is valid, which the format says (a length or a pattern would
    claim that other strings are cursors too)."""
    options = [option for option in schema.pop("anyOf", []) if option.get("type") != "null"]
    schema.pop("default", None)
    schema.update({"type": "string", "format": "cursor"} if options else {})


PRESET_KEYS = ("preset", "interval")


def _rrule(schema: dict[str, Any]) -> None:
    """A rule is text in RFC 5545's grammar, which the format names."""
    _never_null(schema)
    schema["format"] = "rrule"


def _zone_names(schema: dict[str, Any]) -> None:
    """The zones a time-zone field takes, listed when the document is built (not at import)."""
    from taskai.domain.users import zone_names

    schema["enum"] = sorted(zone_names())


TimeZoneName = Annotated[
    str, Field(max_length=64, description="IANA time zone name", json_schema_extra=_zone_names)
]
# Strength is more than a JSON Schema can say; the format names the rule the server applies.
NewPassword = Annotated[
    str,
    Field(
        min_length=8,
        max_length=72,
        description="8 characters to 72 UTF-8 bytes; not a common or easily guessed password",
        json_schema_extra={"format": "new-password"},
    ),
]


class Model(BaseModel):
    """Every API model; validators are built on first use, keeping cold starts short."""

    model_config = ConfigDict(defer_build=True)


class Strict(Model):
    """Unknown fields are a client error (422), never silently dropped."""

    model_config = ConfigDict(extra="forbid", defer_build=True)


class RegisterIn(Strict):
    email: str = Field(max_length=320, json_schema_extra={"format": "email"})
    password: NewPassword
    name: str = Field("", max_length=200)
    timezone: TimeZoneName = "UTC"
    language: Language | None = Field(None, description="Quick add's language")


class LoginIn(Strict):
    email: str = Field(max_length=320)
    password: str = Field(max_length=200)


class ProfileUpdate(Strict):
    """Fields to change; none of them may be null. The password changes through
    POST /api/auth/password, with the current one."""

    name: str | None = Field(None, max_length=200, json_schema_extra=_never_null)
    timezone: TimeZoneName | None = Field(None, json_schema_extra=_never_null)
    language: Language | None = Field(
        None, description="Quick add's language", json_schema_extra=_never_null
    )

    @field_validator("name", "timezone", "language")
    @classmethod
    def _not_null(cls, value: Any) -> Any:
        if value is None:
            raise ValueError("may not be null")
        return value


class PasswordChange(Strict):
    current_password: str = Field(max_length=200)
    new_password: NewPassword


class AccountDeletion(Strict):
    password: str = Field(max_length=200, description="The account's password, to confirm")


class PasswordResetRequest(Strict):
    email: str = Field(max_length=320)


class PasswordResetConfirm(Strict):
    token: str = Field(min_length=1, max_length=200, description="From the emailed link")
    new_password: NewPassword


class AcceptedPublic(Model):
    message: str


class UserPublic(Model):
    id: str
    email: str
    name: str
    timezone: str
    language: str | None = None
    created_at: datetime


class TokenPublic(Model):
    access_token: str
    token_type: Literal["bearer"] = "bearer"
    expires_in: int


class RegisteredPublic(TokenPublic):
    user: UserPublic


class RecurrenceIn(Strict):
    """A `rule`, or a `preset` with an `interval`; anchor "completion" is Todoist's every!."""

    model_config = ConfigDict(
        extra="forbid",
        defer_build=True,
        json_schema_extra={
            "oneOf": [
                {"required": ["rule"], "not": {"anyOf": [{"required": [k]} for k in PRESET_KEYS]}},
                {"required": ["preset"], "not": {"required": ["rule"]}},
            ]
        },
    )

    rule: str | None = Field(
        None,
        max_length=500,
        description="An RFC 5545 RRULE, e.g. FREQ=MONTHLY;BYMONTHDAY=-1",
        json_schema_extra=_rrule,
    )
    preset: Preset | None = Field(
        None, json_schema_extra=_never_null
    )
    interval: int | None = Field(None, ge=1, le=1000)
    anchor: Anchor = v.Anchor.DUE


class ReminderIn(Strict):
    """`minutes_before` the due time (15, 60, 1440, 10080 or any), or an absolute `at`."""

    model_config = ConfigDict(
        extra="forbid",
        defer_build=True,
        json_schema_extra={
            "oneOf": [
                {"required": ["minutes_before"], "not": {"required": ["at"]}},
                {"required": ["at"], "not": {"required": ["minutes_before"]}},
            ]
        },
    )

    minutes_before: int | None = Field(None, ge=0, le=527040, json_schema_extra=_never_null)
    at: Moment | None = Field(None, json_schema_extra=_never_null)

    @field_validator("minutes_before", "at")
    @classmethod
    def _not_null(cls, value: Any) -> Any:
        if value is None:
            raise ValueError("may not be null; give one of minutes_before and at")
        return value


class TaskCreate(Strict):
    title: Title
    description: str = Field("", max_length=20000)
    status: Status = v.TaskStatus.PENDING
    priority: Priority = v.Priority.MEDIUM
    due_date: Moment | None = Field(None, description="With an offset, or read in the owner's zone")
    tags: list[TagName] = Field(default_factory=list, max_length=50)
    recurrence: RecurrenceIn | None = None
    reminders: list[ReminderIn] = Field(default_factory=list, max_length=10)
    # projects and sections
    project_id: uuid.UUID | None = Field(None, description="The Inbox when left out")
    section_id: uuid.UUID | None = Field(None, description="A section of the task's project")


class TaskUpdate(Strict):
    """Every field optional; a field given as null clears it (where it may be empty)."""

    title: Title | None = Field(None, json_schema_extra=_never_null)
    description: str | None = Field(None, max_length=20000)
    status: Status | None = Field(None, json_schema_extra=_never_null)
    priority: Priority | None = Field(None, json_schema_extra=_never_null)
    due_date: Moment | None = None
    tags: list[TagName] | None = Field(None, max_length=50, json_schema_extra=_never_null)
    recurrence: RecurrenceIn | None = None
    reminders: list[ReminderIn] | None = Field(None, max_length=10, json_schema_extra=_never_null)
    # projects and sections
    project_id: uuid.UUID | None = Field(
        None,
        description="Moving project leaves the section unless section_id is sent",
        json_schema_extra=_never_null,
    )
    section_id: uuid.UUID | None = Field(None, description="null: no section")

    @field_validator("title", "status", "priority", "tags", "reminders", "project_id")
    @classmethod
    def _not_null(cls, value: Any) -> Any:
        if value is None:
            raise ValueError("may not be null")
        return value

    def changes(self) -> TaskChanges:
        """The fields the client sent, as the use case takes them (`due_date` is the task's
        `due_at`; a field not sent is KEEP)."""
        from taskai.services.tasks import TaskChanges  # the use cases load on first request

        sent = {name: getattr(self, name) for name in self.model_fields_set}
        if "due_date" in sent:
            sent["due_at"] = sent.pop("due_date")
        if self.recurrence is not None:
            sent["recurrence"] = self.recurrence.model_dump(exclude_none=True)
        if self.reminders is not None:
            sent["reminders"] = [r.model_dump() for r in self.reminders]
        return TaskChanges(**sent)


class TagPublic(Model):
    id: str
    name: str
    color: str


class TagWithCount(TagPublic):
    task_count: int


class RecurrencePublic(Model):
    rule: str
    anchor: Anchor
    text: str = Field(description="The rule in words")
    ended_reason: str | None = Field(
        None, description="Why completing this occurrence made no next one (COUNT, UNTIL, …)"
    )


class ReminderPublic(Model):
    id: str
    minutes_before: int | None
    at: datetime | None
    fire_at: datetime
    status: str


class TaskPublic(Model):
    id: str
    title: str
    description: str
    status: Status
    priority: Priority
    due_date: datetime | None
    tags: list[TagPublic]
    recurrence: RecurrencePublic | None
    series_id: str | None
    occurrence: int | None
    skipped: bool
    reminders: list[ReminderPublic]
    created_at: datetime
    updated_at: datetime
    completed_at: datetime | None
    notes: list[str] | None = None
    # projects and sections
    project_id: str
    section_id: str | None


class TaskPage(Model):
    items: list[TaskPublic]
    next_cursor: str | None


class SeriesParams(Strict):
    """A page of a series: occurrences after number `after`, at most `limit` of them."""

    after: int = Field(0, ge=0, le=10**9, description="next_after of the previous page")
    limit: int = Field(100, ge=1, le=200)


class SeriesPage(Model):
    items: list[TaskPublic]
    next_after: int | None = Field(description="Pass as `after` for the next page; null at the end")


class TaskListParams(Strict):
    """Filters of GET /api/tasks; list filters take repeated or comma-separated values."""

    status: list[Status] = Field(default_factory=list)
    priority: list[Priority] = Field(default_factory=list)
    tag: list[TagName] = Field(default_factory=list)
    tag_mode: TagMode = v.TagMode.ANY
    due_before: QueryMoment | None = None
    due_after: QueryMoment | None = None
    overdue: bool | None = None
    no_due: bool | None = None
    recurring: bool | None = None
    # projects and sections: without either (and without q), archived projects' tasks are hidden
    project_id: uuid.UUID | None = None
    section_id: uuid.UUID | None = None
    q: str | None = Field(
        None, min_length=1, max_length=200, pattern=r"\S", description="words to search for"
    )
    sort: SortKey | None = None
    order: SortOrder = v.SortOrder.ASC
    limit: int = Field(50, ge=1, le=200)
    cursor: str | None = Field(
        None,
        max_length=10_000,  # a title's cursor holds the title, JSON-escaped
        description="next_cursor of the previous page, as given, with the same sort and order",
        json_schema_extra=_opaque_cursor,
    )

    def task_query(self, in_zone: Callable[[datetime | None], datetime | None]) -> TaskQuery:
        """These filters as the domain's query; times without an offset read by `in_zone`."""
        return TaskQuery(
            statuses=tuple(self.status),
            priorities=tuple(self.priority),
            tags=tuple(self.tag),
            tag_mode=self.tag_mode,
            due_before=in_zone(self.due_before),
            due_after=in_zone(self.due_after),
            overdue=self.overdue,
            no_due=self.no_due,
            recurring=self.recurring,
            text=self.q,
            sort=self.sort or default_sort(self.q),
            descending=self.order == v.SortOrder.DESC,
            limit=self.limit,
            cursor=self.cursor,
            project_id=str(self.project_id) if self.project_id else None,
            section_id=str(self.section_id) if self.section_id else None,
        )


class TagList(Model):
    items: list[TagWithCount]


class TagCreate(Strict):
    name: TagName
    color: Color | None = None


class TagUpdate(Strict):
    name: TagName | None = None
    color: Color | None = None


class TagListParams(Strict):
    q: str | None = Field(None, max_length=50, description="Name prefix, for autocomplete")
    limit: int = Field(100, ge=1, le=500)


class SyncParams(Strict):
    cursor: str | None = Field(
        None, max_length=18, pattern=r"^[0-9]*$", description="cursor of the previous answer"
    )


class Deletion(Model):
    type: Deleted
    id: str


class SyncPublic(Model):
    tasks: list[TaskPublic]
    tags: list[TagPublic]
    deleted: list[Deletion]
    cursor: str
    has_more: bool
    # projects and sections
    projects: list[ProjectPublic]
    sections: list[SectionPublic]


# projects and sections
ProjectName = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=120),
    Field(json_schema_extra={"pattern": VISIBLE}),
]


class ProjectCreate(Strict):
    name: ProjectName
    color: Color | None = Field(None, description="A palette color when left out")
    view: ProjectView = v.ProjectView.LIST
    position: int | None = Field(None, ge=0, lt=2**31, description="Last when left out")


class ProjectUpdate(Strict):
    """Fields to change; none of them may be null. The Inbox cannot be renamed or archived."""

    name: ProjectName | None = Field(None, json_schema_extra=_never_null)
    color: Color | None = Field(None, json_schema_extra=_never_null)
    view: ProjectView | None = Field(None, json_schema_extra=_never_null)
    position: int | None = Field(None, ge=0, lt=2**31, json_schema_extra=_never_null)
    archived: bool | None = Field(
        None, description="Hides its tasks from lists but search", json_schema_extra=_never_null
    )

    @field_validator("name", "color", "view", "position", "archived")
    @classmethod
    def _not_null(cls, value: Any) -> Any:
        if value is None:
            raise ValueError("may not be null")
        return value


class ProjectPublic(Model):
    id: str
    name: str
    color: str
    view: ProjectView
    position: int
    archived: bool
    inbox: bool = Field(description="The project of tasks that name none")
    created_at: datetime
    updated_at: datetime
    task_count: int | None = Field(None, description="Open tasks, in lists of projects")


class ProjectList(Model):
    items: list[ProjectPublic]


class ProjectDeleteParams(Strict):
    move_to: uuid.UUID | None = Field(
        None, description="Move the tasks to this project instead of deleting them"
    )


class SectionCreate(Strict):
    name: ProjectName
    position: int | None = Field(None, ge=0, lt=2**31, description="Last when left out")


class SectionUpdate(Strict):
    name: ProjectName | None = Field(None, json_schema_extra=_never_null)
    position: int | None = Field(None, ge=0, lt=2**31, json_schema_extra=_never_null)

    @field_validator("name", "position")
    @classmethod
    def _not_null(cls, value: Any) -> Any:
        if value is None:
            raise ValueError("may not be null")
        return value


class SectionPublic(Model):
    id: str
    project_id: str
    name: str
    position: int


class SectionList(Model):
    items: list[SectionPublic]


class QuickAddIn(Strict):
    text: str = Field(
        min_length=1,
        max_length=1000,
        pattern=VISIBLE,  # text of only white space is refused, and the schema says so
        examples=["Pay rent every month on the 1st at 9am #home !high remind me 1 day before"],
    )
    timezone: TimeZoneName | None = Field(None, description="Overrides the profile's zone")
    language: Language | None = Field(None, description="Overrides the profile and the browser")


class DraftReminder(Model):
    minutes_before: int | None = None
    at: datetime | None = None


class DraftSpan(Model):
    """`text[start:end]` was read as `kind` (date, time, zone, recurrence, tag, …)."""

    start: int
    end: int
    kind: str


class DraftPublic(Model):
    """A task proposed from text, in the field names of TaskCreate; `source` says who parsed it."""

    title: str
    description: str | None
    due_date: datetime | None
    priority: Priority | None
    tags: list[str]
    recurrence: RecurrencePublic | None
    reminders: list[DraftReminder]
    source: DraftSource
    notes: list[str]
    spans: list[DraftSpan] = Field(
        default_factory=list, description="Where each recognised part sits in the text"
    )


class QuickAddPublic(Model):
    task: TaskPublic
    draft: DraftPublic


class ErrorBody(Model):
    code: str
    message: str
    fields: dict[str, str] | None = None


class ErrorPublic(Model):
    error: ErrorBody


def fields_set(model: BaseModel) -> dict[str, Any]:
    """The fields a client actually sent, as plain values (for partial updates)."""
    return {name: getattr(model, name) for name in model.model_fields_set}
