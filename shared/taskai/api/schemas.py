"""Request and response models of the HTTP API, separate per role (Create, Update, Public)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StringConstraints,
    field_validator,
)

Priority = Literal["low", "medium", "high", "urgent"]
Status = Literal["pending", "in_progress", "completed"]
Title = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=500)]
TagName = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=50)]
Color = Annotated[str, StringConstraints(pattern=r"^#[0-9a-fA-F]{6}$")]
# ISO 8601 text only: a bare number is not silently read as a Unix timestamp.
Moment = Annotated[datetime, Field(strict=True)]
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
    Field(json_schema_extra={"format": "date-time", "pattern": ISO_DATE_TIME}),
]


class Model(BaseModel):
    """Every API model; validators are built on first use, keeping cold starts short."""

    model_config = ConfigDict(defer_build=True)


class Strict(Model):
    """Unknown fields are a client error (422), never silently dropped."""

    model_config = ConfigDict(extra="forbid", defer_build=True)


class RegisterIn(Strict):
    email: str = Field(max_length=320)
    password: str = Field(min_length=8, max_length=72)
    name: str = Field("", max_length=200)
    timezone: str = Field("UTC", max_length=64, description="IANA time zone name")
    language: str | None = Field(
        None, max_length=16, description="Quick add's language: en, de, es or fr"
    )


class LoginIn(Strict):
    email: str = Field(max_length=320)
    password: str = Field(max_length=200)


class ProfileUpdate(Strict):
    """Fields to change; none of them may be null. The password changes through
    POST /api/auth/password, with the current one."""

    name: str | None = Field(None, max_length=200)
    timezone: str | None = Field(None, max_length=64)
    language: str | None = Field(None, max_length=16, description="en, de, es or fr")

    @field_validator("name", "timezone", "language")
    @classmethod
    def _not_null(cls, value: Any) -> Any:
        if value is None:
            raise ValueError("may not be null")
        return value


class PasswordChange(Strict):
    current_password: str = Field(max_length=200)
    new_password: str = Field(min_length=8, max_length=72, description="At most 72 bytes")


class AccountDeletion(Strict):
    password: str = Field(max_length=200, description="The account's password, to confirm")


class PasswordResetRequest(Strict):
    email: str = Field(max_length=320)


class PasswordResetConfirm(Strict):
    token: str = Field(min_length=1, max_length=200, description="From the emailed link")
    new_password: str = Field(min_length=8, max_length=72, description="At most 72 bytes")


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

    rule: str | None = Field(None, max_length=500, examples=["FREQ=MONTHLY;BYMONTHDAY=-1"])
    preset: Literal["daily", "weekdays", "weekly", "monthly", "yearly"] | None = None
    interval: int | None = Field(None, ge=1, le=1000)
    anchor: Literal["due", "completion"] = "due"


class ReminderIn(Strict):
    """`minutes_before` the due time (15, 60, 1440, 10080 or any), or an absolute `at`."""

    minutes_before: int | None = Field(None, ge=0, le=527040)
    at: Moment | None = None


class TaskCreate(Strict):
    title: Title
    description: str = Field("", max_length=20000)
    status: Status = "pending"
    priority: Priority = "medium"
    due_date: Moment | None = Field(None, description="With an offset, or read in the owner's zone")
    tags: list[TagName] = Field(default_factory=list, max_length=50)
    recurrence: RecurrenceIn | None = None
    reminders: list[ReminderIn] = Field(default_factory=list, max_length=10)


class TaskUpdate(Strict):
    """Every field optional; a field given as null clears it (where it may be empty)."""

    title: Title | None = None
    description: str | None = Field(None, max_length=20000)
    status: Status | None = None
    priority: Priority | None = None
    due_date: Moment | None = None
    tags: list[TagName] | None = Field(None, max_length=50)
    recurrence: RecurrenceIn | None = None
    reminders: list[ReminderIn] | None = Field(None, max_length=10)

    @field_validator("title", "status", "priority", "tags", "reminders")
    @classmethod
    def _not_null(cls, value: Any) -> Any:
        if value is None:
            raise ValueError("may not be null")
        return value


class TagPublic(Model):
    id: str
    name: str
    color: str


class TagWithCount(TagPublic):
    task_count: int


class RecurrencePublic(Model):
    rule: str
    anchor: Literal["due", "completion"]
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
    tag_mode: Literal["any", "all"] = "any"
    due_before: QueryMoment | None = None
    due_after: QueryMoment | None = None
    overdue: bool | None = None
    no_due: bool | None = None
    recurring: bool | None = None
    q: str | None = Field(None, min_length=1, max_length=200)
    sort: Literal["due", "priority", "created", "updated", "title", "relevance"] | None = None
    order: Literal["asc", "desc"] = "asc"
    limit: int = Field(50, ge=1, le=200)
    cursor: str | None = Field(None, max_length=500)


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
    cursor: str | None = Field(None, max_length=40)


class Deletion(Model):
    type: Literal["task", "tag"]
    id: str


class SyncPublic(Model):
    tasks: list[TaskPublic]
    tags: list[TagPublic]
    deleted: list[Deletion]
    cursor: str
    has_more: bool


class QuickAddIn(Strict):
    text: str = Field(
        min_length=1,
        max_length=1000,
        examples=["Pay rent every month on the 1st at 9am #home !high remind me 1 day before"],
    )
    timezone: str | None = Field(None, max_length=64, description="Overrides the profile's zone")
    language: str | None = Field(
        None, max_length=16, description="en, de, es or fr; overrides the profile and browser"
    )


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
    source: Literal["openai", "rules"]
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
