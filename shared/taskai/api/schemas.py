"""Request and response models of the HTTP API, separate per role (Create, Update, Public)."""

from __future__ import annotations

import uuid
from datetime import date, datetime, time
from typing import TYPE_CHECKING, Annotated, Any, Literal, TypeVar

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationError,
    ValidationInfo,
    ValidatorFunctionWrapHandler,
    WithJsonSchema,
    WrapValidator,
    field_validator,
)
from pydantic import Strict as StrictType
from pydantic_core import PydanticCustomError

from taskai.domain import vocabulary as v
from taskai.domain.api_tokens import SCOPES, Scope
from taskai.domain.names import DRAWN, shows
from taskai.domain.queries import TaskQuery, default_sort
from taskai.domain.recurrence.occurrences import FIRST_YEAR, LAST_YEAR
from taskai.domain.webhooks import ALL_TYPES, MAX_WEBHOOKS
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
from taskai.services.sync import MAX_CURSOR as MAX_SYNC_CURSOR

if TYPE_CHECKING:
    from taskai.domain.filters import Filter
    from taskai.services.subtasks import Move
    from taskai.services.tasks import TaskChanges

# Text (a title, a name) shows a character somewhere (domain.names.DRAWN): not only white space,
# controls or invisible characters; a tag name has no comma either, since list filters take
# comma-separated names.
NAMED = DRAWN.pattern
Title = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=500),
    Field(json_schema_extra={"pattern": NAMED}),
]
TagName = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=50),
    Field(json_schema_extra={"pattern": "^[^,]*" + NAMED.replace("[^", "[^,", 1) + "[^,]*$"}),
]
Color = Annotated[str, StringConstraints(pattern=r"^#[0-9a-fA-F]{6}$")]
CALENDAR_YEAR = r"^(19\d\d|[2-8]\d\d\d)-"
FILTER_GRAMMAR = """The filter language (Todoist's words), read in the owner's time zone.
Terms combine with `&` (and), `|` (or), `!` (not) and parentheses; `!` binds tightest, then `&`,
then `|`. Keywords are read in any letter case. A malformed query is 422 naming the position.

| term | example | selects |
| --- | --- | --- |
| `today`, `tomorrow` | `today \\| overdue` | due that day |
| `overdue` | `overdue & p1` | due before now, not completed |
| `no date` | `no date & #home` | without a due date |
| `next N days` | `next 7 days` | due from today through N - 1 days later |
| `due before: <date>` | `due before: friday` | due before that day starts |
| `due after: <date>` | `due after: 2031-03-10` | due after that day ends |
| `p1`-`p4` | `p1 \\| p2` | urgent, high, medium, low |
| `#tag` | `#work`, `#"deep work"` | carrying the tag (any case) |
| `no tags` | `no tags` | carrying no tag |
| `+project`, `/section` | `+home` | in the project, the section |
| `recurring` | `!recurring` | with a repeat rule |
| `subtask` | `!subtask` | with a parent task |
| `search: words` | `search: report` | matching the words as `q` does |
| `status: <status>` | `status: in_progress` | pending, in_progress or completed |

Dates are quick add's words (`friday`, `next week`, `march 3`, `in 2 hours`) or ISO dates.
"""

D = TypeVar("D", date, datetime)


def _in_calendar(value: D) -> D:
    if not FIRST_YEAR <= value.year <= LAST_YEAR:
        raise ValueError(f"must be in the years {FIRST_YEAR} to {LAST_YEAR}")
    return value


# ISO 8601 text only: a bare number is not silently read as a Unix timestamp.
Moment = Annotated[
    datetime,
    Field(strict=True, json_schema_extra={"pattern": CALENDAR_YEAR}),
    AfterValidator(_in_calendar),
]
ISO_DATE_TIME = r"^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}|$)"
BARE_DATE = r"^\d{4}-\d{2}-\d{2}$"


def _iso_text(value: Any) -> Any:
    """Only ISO 8601 text counts (not `0.5`, not a Unix time): a date-time, or a bare date
    (YYYY-MM-DD), which becomes a `date` here so that it is never read as midnight."""
    import re

    if not isinstance(value, str) or not re.match(ISO_DATE_TIME, value):
        raise ValueError("must be an ISO 8601 date-time or date, e.g. 2031-03-10T09:00:00")
    if re.match(BARE_DATE, value):
        try:
            return date.fromisoformat(value)
        except ValueError as e:
            raise ValueError(f"must be a real date ({e})") from None
    return value


def _one_error(value: Any, handler: ValidatorFunctionWrapHandler) -> Any:
    """The date-time's error alone, on the field itself (a bare date is a `date` by now), rather
    than one per member of the union, each at a path of its own."""
    try:
        return handler(value)
    except ValidationError as e:
        error = e.errors()[-1]
        raise PydanticCustomError(error["type"], error["msg"]) from None


# A date-time (with an offset, or read in the owner's zone) or a bare date, in a query string or
# a body; a bare date stands for a day in the owner's zone (all-day tasks, #16).
QueryMoment = Annotated[
    Annotated[Annotated[date, StrictType()] | datetime, Field(union_mode="left_to_right")],
    WrapValidator(_one_error),
    BeforeValidator(_iso_text),
    AfterValidator(_in_calendar),
    WithJsonSchema(
        {
            "anyOf": [
                {
                    "type": "string",
                    "format": "date-time",
                    "pattern": CALENDAR_YEAR + r"\d{2}-\d{2}[T ]\d{2}:\d{2}",
                },
                {"type": "string", "format": "date", "pattern": CALENDAR_YEAR + r"\d{2}-\d{2}$"},
            ]
        }
    ),
]
DUE_DATE = (
    "A date-time (with an offset, or read in the owner's zone), or a bare date (YYYY-MM-DD): the "
    "task is then all-day, due from the start of that day in the owner's zone until the next "
    "day starts"
)


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


def as_given(cursor: str | None, message: str) -> str | None:
    """`cursor` unless it holds U+0000, which no cursor the API makes does: input loses its
    U+0000s (call.without_nul), and a cursor of only those would read as none at all."""
    if cursor is not None and "\x00" in cursor:
        raise ValueError(message)
    return cursor


def _opaque_sync_cursor(schema: dict[str, Any]) -> None:
    """A sync cursor is opaque as a page's is, and of its own kind."""
    _opaque_cursor(schema)
    schema["format"] = "sync-cursor"


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


def _a_json_integer(value: Any) -> Any:
    """JSON Schema's integer: 3 or 3.0, never "3" nor true (which Python would read as 1)."""
    if isinstance(value, str | bool):
        raise PydanticCustomError("int_type", "Input should be a valid integer")
    return value


# An integer in a JSON body: a string or a boolean is refused, not coerced. It goes after the
# field's bounds in `Annotated`, which keeps them in the published schema.
JSON_INTEGER = BeforeValidator(_a_json_integer)
# A place in a list as the API takes it; stored positions may go past it when rows shift.
Position = Annotated[int, Field(ge=0, le=1_000_000), JSON_INTEGER]


class Model(BaseModel):
    """Every API model; validators are built on first use, keeping cold starts short."""

    model_config = ConfigDict(defer_build=True)


class Strict(Model):
    """Unknown fields are a client error (422), never silently dropped."""

    model_config = ConfigDict(extra="forbid", defer_build=True)


class NoBody(Strict):
    """The body of an operation that takes none: nothing, or an empty object."""


class RegisterIn(Strict):
    # RFC 5321: 254 octets at most (domain.users.check_email counts them; this, characters)
    email: str = Field(max_length=254, json_schema_extra={"format": "email"})
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
    # All-day tasks (#16)
    all_day_reminder_time: str | None = Field(
        None,
        pattern=r"^([01]\d|2[0-3]):[0-5]\d$",
        description="HH:MM in the profile's zone: offset reminders of all-day tasks count back "
        "from this time on their date",
        json_schema_extra=_never_null,
    )

    @field_validator("name", "timezone", "language", "all_day_reminder_time")
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
    # All-day tasks (#16)
    all_day_reminder_time: str = Field(
        "09:00", description="HH:MM: when offset reminders of all-day tasks count back from"
    )


class TokenPublic(Model):
    access_token: str
    token_type: Literal["bearer"] = "bearer"
    expires_in: int


class RegisteredPublic(TokenPublic):
    user: UserPublic


# Personal API tokens (issue 17).
def _token_expiry(schema: dict[str, Any]) -> None:
    """A token's end: a date-time within the next 365 days, which the format names (a schema
    cannot say "from now"); may be left out, never null."""
    _never_null(schema)
    schema.update({"type": "string", "format": "token-expiry"})


class ApiTokenCreate(Strict):
    name: str = Field(min_length=1, max_length=100, json_schema_extra={"pattern": NAMED})
    scopes: list[Scope] = Field(min_length=1, max_length=len(SCOPES))
    expires_at: Moment | None = Field(
        None,
        description="When the token stops working: in the future, at most 365 days away; "
        "without an offset, read in the owner's zone. Left out: never.",
        json_schema_extra=_token_expiry,
    )


class ApiTokenPublic(Model):
    id: str
    name: str
    scopes: list[Scope]
    expires_at: datetime | None
    last_used_at: datetime | None = Field(description="Updated at most once a minute")
    created_at: datetime


class ApiTokenCreated(ApiTokenPublic):
    token: str = Field(description="The secret, `tai_…`: shown in this answer only")


class ApiTokenList(Model):
    tokens: list[ApiTokenPublic]


# Webhooks (issue 17)
# Whether a URL is allowed depends on where its host resolves, which the format names.
WebhookUrl = Annotated[
    str,
    Field(
        min_length=1,
        max_length=2000,
        description="https://, reaching a public address (plain http and private addresses only "
        "to hosts the WEBHOOK_ALLOW_HOSTS setting names); no credentials",
        json_schema_extra={"format": "webhook-url"},
    ),
]


def _webhook_types(schema: dict[str, Any]) -> None:
    """The event types a webhook may name, as the schema's enum (the event contracts are
    imported when a schema is built, not when the API starts)."""
    from taskai.services import webhooks

    schema["enum"] = [ALL_TYPES, *sorted(webhooks.EVENT_TYPES)]


EventTypes = Annotated[
    list[Annotated[str, Field(max_length=100, json_schema_extra=_webhook_types)]],
    Field(
        min_length=1,
        max_length=50,
        description='["*"] for every type, or com.taskai.* types published on task-events',
    ),
]


class WebhookCreate(Strict):
    url: WebhookUrl
    event_types: EventTypes = Field(default_factory=lambda: ["*"])


class WebhookUpdate(Strict):
    url: WebhookUrl | None = Field(None, json_schema_extra=_never_null)
    event_types: EventTypes | None = Field(None, json_schema_extra=_never_null)
    enabled: bool | None = Field(
        None,
        strict=True,
        description="true enables it again after failures",
        json_schema_extra=_never_null,
    )

    @field_validator("url", "event_types", "enabled", mode="before")
    @classmethod
    def _not_null(cls, value: Any) -> Any:
        if value is None:
            raise ValueError("may be left out, not null")
        return value


class WebhookPublic(Model):
    id: str
    url: str
    event_types: list[str]
    enabled: bool
    disabled_reason: str | None = Field(description="Why TaskAI disabled it; null if it did not")
    created_at: datetime
    updated_at: datetime


class WebhookCreated(WebhookPublic):
    secret: str = Field(
        description="The signing secret, `whsec_…` (Standard Webhooks): shown in this answer only"
    )


class WebhookList(Model):
    webhooks: list[WebhookPublic]


class DeliveryParams(Strict):
    limit: int = Field(20, ge=1, le=100, description="At most this many, newest first")


class DeliveryPublic(Model):
    id: str
    event_id: str
    event_type: str
    status: Literal["pending", "delivered", "failed"]
    attempts: int
    response_status: int | None = Field(description="The last answer's HTTP status")
    last_error: str | None
    next_attempt_at: datetime | None
    created_at: datetime
    finished_at: datetime | None


class DeliveryList(Model):
    deliveries: list[DeliveryPublic]


# The calendar feed (issue 17)
class CalendarPublic(Model):
    url: str | None = Field(
        description="The secret iCalendar URL (GET needs no token); null until one is created"
    )
    created_at: datetime | None = Field(description="When the current URL was made")


# Web Push reminders (issue 17)
class PushKeyPublic(Model):
    public_key: str = Field(
        description="The VAPID public key, base64url: PushManager.subscribe's applicationServerKey"
    )


class PushKeys(Strict):
    p256dh: str = Field(
        pattern=r"^B[A-P][A-Za-z0-9_-]{85}=?$",
        description="base64url, a 65-byte uncompressed point on P-256",
        json_schema_extra={"format": "p256-point"},
    )
    auth: str = Field(pattern=r"^[A-Za-z0-9_-]{22}(==)?$", description="base64url, 16 bytes")


class PushSubscriptionCreate(Strict):
    """PushSubscription.toJSON() of the browser (expirationTime, when sent, is ignored)."""

    endpoint: str = Field(
        min_length=1,
        max_length=2000,
        description="The push service's https:// URL (plain http and private addresses only to "
        "hosts the PUSH_ALLOW_HOSTS setting names); the webhooks' URL rules",
        json_schema_extra={"format": "webhook-url"},
    )
    keys: PushKeys
    expirationTime: float | None = Field(None, description="Ignored")  # the browser's


class PushSubscriptionPublic(Model):
    id: str
    endpoint: str
    created_at: datetime


class PushSubscriptionList(Model):
    subscriptions: list[PushSubscriptionPublic]


class PushTestResult(Model):
    subscription_id: str
    outcome: Literal["sent", "gone", "failed", "retry"] = Field(
        description="gone: the push service forgot it (404/410), so it was deleted"
    )
    response_status: int | None = Field(description="The push service's HTTP status")
    error: str | None


class PushTestReport(Model):
    results: list[PushTestResult]


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
    preset: Preset | None = Field(None, json_schema_extra=_never_null)
    interval: Annotated[int, Field(ge=1, le=1000), JSON_INTEGER] | None = None
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

    minutes_before: Annotated[int, Field(ge=0, le=527040), JSON_INTEGER] | None = Field(
        None, json_schema_extra=_never_null
    )
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
    due_date: QueryMoment | None = Field(None, description=DUE_DATE)
    tags: list[TagName] = Field(default_factory=list, max_length=50)
    recurrence: RecurrenceIn | None = None
    reminders: list[ReminderIn] = Field(default_factory=list, max_length=10)
    # projects and sections
    project_id: uuid.UUID | None = Field(None, description="The Inbox when left out")
    section_id: uuid.UUID | None = Field(
        None, description="A section of the task's project; sent alone, its project is the task's"
    )
    # subtasks (#16)
    parent_id: uuid.UUID | None = Field(
        None,
        description="Make it a subtask of this task (in its project and section); an open "
        "subtask reopens that task and its ancestors when they are completed",
    )


class TaskUpdate(Strict):
    """Every field optional; a field given as null clears it (where it may be empty)."""

    title: Title | None = Field(None, json_schema_extra=_never_null)
    description: str | None = Field(None, max_length=20000)
    status: Status | None = Field(None, json_schema_extra=_never_null)
    priority: Priority | None = Field(None, json_schema_extra=_never_null)
    due_date: QueryMoment | None = Field(None, description=DUE_DATE + "; null clears it")
    tags: list[TagName] | None = Field(None, max_length=50, json_schema_extra=_never_null)
    recurrence: RecurrenceIn | None = None
    reminders: list[ReminderIn] | None = Field(None, max_length=10, json_schema_extra=_never_null)
    # projects and sections
    project_id: uuid.UUID | None = Field(
        None,
        description="Moving project leaves the section unless section_id is sent; a task sent "
        "to another project or section goes last there, out of its parent, its subtasks with it",
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
    due_date: datetime | None = Field(
        description="When the task is due, in the owner's zone; for an all-day task the start "
        "of its day"
    )
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
    # All-day tasks (#16)
    all_day: bool = Field(False, description="Due for the whole day of `due_on`, without a time")
    due_on: date | None = Field(
        None, description="The all-day task's date in the owner's zone; null for other tasks"
    )
    # projects and sections
    project_id: str
    section_id: str | None
    # subtasks and manual order (#16)
    parent_id: str | None = Field(description="The task this one is a subtask of")
    position: int = Field(description="Order among its siblings (project, section, parent)")
    subtask_count: int = Field(description="How many subtasks it has (one level)")
    completed_subtask_count: int = Field(description="How many of those are completed")


def parse_filter(text: str) -> Filter:
    """The filter language's syntax tree of `text`; raises InvalidInput naming `filter`. The
    grammar (lark) loads with the first filter, not with every cold start."""
    from taskai.domain.filters import parse

    return parse(text)


class TaskMove(Strict):
    """Where to move a task: a place (a field not sent stays; a new project or section puts it
    at the top level unless parent_id is sent; a section_id sent alone takes the task to the
    section's project) and the sibling to stand after or before. With no place sent, the
    sibling's place wins (the task joins its project, section and parent); with a place sent,
    a sibling elsewhere is 422 naming after_id or before_id. An archived project is 409."""

    model_config = ConfigDict(
        extra="forbid",
        defer_build=True,
        json_schema_extra={"not": {"required": ["after_id", "before_id"]}},
    )

    project_id: uuid.UUID | None = Field(None, json_schema_extra=_never_null)
    section_id: uuid.UUID | None = Field(None, description="null: no section")
    parent_id: uuid.UUID | None = Field(
        None,
        description="null: no parent (top level); an open task moved under a completed one "
        "reopens it and its completed ancestors",
    )
    after_id: uuid.UUID | None = Field(
        None, description="Stand just after this sibling", json_schema_extra=_never_null
    )
    before_id: uuid.UUID | None = Field(
        None, description="Stand just before this sibling", json_schema_extra=_never_null
    )

    @field_validator("project_id", "after_id", "before_id")
    @classmethod
    def _not_null(cls, value: Any) -> Any:
        if value is None:
            raise ValueError("may not be null")
        return value

    @field_validator("before_id")
    @classmethod
    def _one_anchor(cls, value: uuid.UUID, info: ValidationInfo) -> uuid.UUID:
        if info.data.get("after_id") is not None:
            raise ValueError("give after_id or before_id, not both")
        return value

    def move(self) -> Move:
        """The move as the use case takes it (a place field not sent is KEEP)."""
        from taskai.services.subtasks import Move  # the use cases load on first request

        sent = self.model_fields_set & {"project_id", "section_id", "parent_id"}
        place = {name: getattr(self, name) for name in sent}
        return Move(**place, after_id=self.after_id, before_id=self.before_id)


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
    due_before: QueryMoment | None = Field(
        None,
        description="Due before this time; a bare date (YYYY-MM-DD) means before the start of "
        "that day in the caller's zone",
    )
    due_after: QueryMoment | None = Field(
        None,
        description="Due at or after this time; a bare date (YYYY-MM-DD) means from the start "
        "of that day in the caller's zone",
    )
    overdue: bool | None = Field(
        None,
        description="Open and past due; an all-day task is overdue from the start of the day "
        "after its date, in the caller's zone",
    )
    no_due: bool | None = None
    recurring: bool | None = None
    # projects and sections: without either (and without q), archived projects' tasks are hidden
    project_id: uuid.UUID | None = None
    section_id: uuid.UUID | None = None
    # subtasks (#16)
    parent_id: uuid.UUID | None = Field(None, description="The subtasks of this task")
    q: str | None = Field(
        None, min_length=1, max_length=200, pattern=r"\S", description="words to search for"
    )
    sort: SortKey | None = None
    order: SortOrder = v.SortOrder.ASC
    limit: int = Field(50, ge=1, le=200)
    # The filter language (issue 16).
    filter: str | None = Field(
        None,
        min_length=1,
        max_length=1000,
        description=FILTER_GRAMMAR,
        json_schema_extra={"format": "filter-query"},
    )
    cursor: str | None = Field(
        None,
        max_length=10_000,  # a title's cursor holds the title, JSON-escaped
        description="next_cursor of the previous page, as given, with the same sort and order",
        json_schema_extra=_opaque_cursor,
    )

    @field_validator("cursor")
    @classmethod
    def _cursor_as_given(cls, value: str | None) -> str | None:
        return as_given(value, "invalid cursor; start again without one")

    def task_query(self) -> TaskQuery:
        """These filters as the domain's query (times without an offset stay naive: the use case
        reads them, and the filter language's dates, in the owner's zone); raises InvalidInput
        (field `filter`) for a malformed filter."""
        return TaskQuery(
            statuses=tuple(self.status),
            priorities=tuple(self.priority),
            tags=tuple(self.tag),
            tag_mode=self.tag_mode,
            due_before=day_start_or_moment(self.due_before),
            due_after=day_start_or_moment(self.due_after),
            overdue=self.overdue,
            no_due=self.no_due,
            recurring=self.recurring,
            text=self.q,
            sort=self.sort
            or default_sort(self.q, in_place=bool(self.project_id or self.parent_id)),
            descending=self.order == v.SortOrder.DESC,
            limit=self.limit,
            cursor=self.cursor,
            filter=parse_filter(self.filter) if self.filter is not None else None,
            project_id=str(self.project_id) if self.project_id else None,
            section_id=str(self.section_id) if self.section_id else None,
            parent_id=str(self.parent_id) if self.parent_id else None,
        )


def day_start_or_moment(value: datetime | date | None) -> datetime | None:
    """A query's date-time as given, or a bare date as the (naive) start of that day."""
    if value is None or isinstance(value, datetime):
        return value
    return datetime.combine(value, time(0))


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


# Saved filters (issue 16).
FilterName = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=100),
    Field(json_schema_extra={"pattern": NAMED}),
]
FilterQuery = Annotated[
    str,
    StringConstraints(min_length=1, max_length=1000),
    Field(
        description="A query of the filter language (see GET /api/tasks `filter`)",
        json_schema_extra={"format": "filter-query"},
    ),
]
FilterPosition = Annotated[
    int, Field(ge=0, le=1_000_000, description="Place in the list"), JSON_INTEGER
]


class FilterPublic(Model):
    id: str
    name: str
    query: str
    color: str
    position: int
    created_at: datetime
    updated_at: datetime


class FilterList(Model):
    items: list[FilterPublic]


class FilterCreate(Strict):
    name: FilterName
    query: FilterQuery
    color: Color | None = None
    position: FilterPosition | None = Field(None, description="Place in the list; last if absent")


class FilterUpdate(Strict):
    name: FilterName | None = Field(None, json_schema_extra=_never_null)
    query: FilterQuery | None = Field(None, json_schema_extra=_never_null)
    color: Color | None = Field(None, json_schema_extra=_never_null)
    position: FilterPosition | None = Field(None, json_schema_extra=_never_null)

    @field_validator("name", "query", "color", "position", mode="before")
    @classmethod
    def _not_null(cls, value: Any) -> Any:
        if value is None:
            raise ValueError("may be left out, not null")
        return value


class SyncParams(Strict):
    cursor: str | None = Field(
        None,
        max_length=MAX_SYNC_CURSOR,
        description="cursor of the previous answer, as given (opaque)",
        json_schema_extra=_opaque_sync_cursor,  # parse_cursor says what is wrong, not a pattern
    )

    @field_validator("cursor")
    @classmethod
    def _cursor_as_given(cls, value: str | None) -> str | None:
        return as_given(value, "must be a cursor from /api/sync")


class Deletion(Model):
    type: Deleted
    id: str


class SyncPublic(Model):
    tasks: list[TaskPublic]
    tags: list[TagPublic]
    deleted: list[Deletion]
    cursor: str
    has_more: bool
    # Saved filters (issue 16).
    filters: list[FilterPublic] = Field(default_factory=list)
    # projects and sections
    projects: list[ProjectPublic]
    sections: list[SectionPublic]


# projects and sections
ProjectName = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=120),
    Field(json_schema_extra={"pattern": NAMED}),
]


class ProjectCreate(Strict):
    name: ProjectName
    color: Color | None = Field(None, description="A palette color when left out")
    view: ProjectView = v.ProjectView.LIST
    position: Position | None = Field(None, description="Last when left out")


class ProjectUpdate(Strict):
    """Fields to change; none of them may be null. The Inbox cannot be renamed or archived."""

    name: ProjectName | None = Field(None, json_schema_extra=_never_null)
    color: Color | None = Field(None, json_schema_extra=_never_null)
    view: ProjectView | None = Field(None, json_schema_extra=_never_null)
    position: Position | None = Field(None, json_schema_extra=_never_null)
    archived: bool | None = Field(
        None,
        strict=True,
        description="Hides its tasks from lists but search",
        json_schema_extra=_never_null,
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


class ProjectWithCount(ProjectPublic):
    task_count: int = Field(description="Open tasks")


class ProjectList(Model):
    items: list[ProjectWithCount]


class ProjectDeleteParams(Strict):
    move_to: uuid.UUID | None = Field(
        None, description="Move the tasks to this project instead of deleting them"
    )


class SectionCreate(Strict):
    name: ProjectName
    position: Position | None = Field(None, description="Last when left out")


class SectionUpdate(Strict):
    name: ProjectName | None = Field(None, json_schema_extra=_never_null)
    position: Position | None = Field(None, json_schema_extra=_never_null)

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


# Import and export (issue 17)
MAX_IMPORT_TASKS = 50_000  # more tasks in one import is 422 naming `tasks`


class ExportPublic(Model):
    """All of an account's data, as GET /api/export streams it and POST /api/import reads it."""

    format: Literal["taskai-export"]
    version: Literal[1]
    export_id: str = Field(description="the import id: importing this file again creates nothing")
    exported_at: datetime
    user: UserPublic
    projects: list[ProjectPublic]
    sections: list[SectionPublic]
    tags: list[TagPublic]
    filters: list[FilterPublic]
    # webhooks in exports (issue 17, settings): without their secrets
    webhooks: list[WebhookPublic] = Field(
        [], description="Without secrets: imported disabled, each with a new secret"
    )
    tasks: list[TaskPublic]


class ImportIn(Model):
    """An export to import (as ExportPublic; each item is checked on its own, so a bad one, an
    item that is not even an object included, is reported and the rest imported)."""

    format: Literal["taskai-export"]
    version: Literal[1]
    export_id: str | None = None
    projects: list[Any] = []
    sections: list[Any] = []
    tags: list[Any] = []
    filters: list[Any] = []
    webhooks: list[Any] = Field([], max_length=MAX_WEBHOOKS)  # webhooks in exports
    tasks: list[Any] = Field([], max_length=MAX_IMPORT_TASKS)

    @field_validator("version", mode="before")
    @classmethod
    def _a_number(cls, value: Any) -> Any:
        if isinstance(value, bool):  # true == 1 in Python, but not in JSON
            raise ValueError("must be the number 1")
        return value


class ImportRejection(Model):
    """An item not imported: where (kind and index in the export, or the CSV line), the field
    at fault, and why."""

    kind: str | None = None
    index: int | None = None
    line: int | None = None
    field: str
    message: str


class ImportedWebhook(Model):
    """A webhook an import created, disabled, with its new secret (`whsec_…`)."""

    id: str
    url: str
    secret: str


class ImportReport(Model):
    """What an import created, by kind, and each item it refused; `repeated` when the import id
    ran before (nothing created this time)."""

    created: dict[str, int]
    rejected: list[ImportRejection]
    repeated: bool = False
    subtasks: int | None = Field(None, description="subtasks (by INDENT) imported flat")
    flattened: bool | None = None
    # trial fixes: what a Todoist file held that was not imported
    notes: list[str] | None = Field(
        None, description="Columns of a Todoist file whose values were not imported, and how often"
    )
    # webhooks in exports (issue 17, settings)
    webhooks: list[ImportedWebhook] | None = Field(
        None,
        description="The webhooks this import created (disabled), each with its new signing "
        "secret: in this answer only, never in a repeat's",
    )


class TodoistImportParams(Strict):
    """The project a Todoist CSV goes into (default: the uploaded file's name, else Todoist)."""

    project: str | None = Field(None, min_length=1, max_length=120)


class QuickAddIn(Strict):
    text: str = Field(
        min_length=1,
        max_length=1000,
        # text of only white space or invisible characters is refused, and the schema says so
        json_schema_extra={"pattern": NAMED},
        examples=["Pay rent every month on the 1st at 9am #home !high remind me 1 day before"],
    )
    timezone: TimeZoneName | None = Field(None, description="Overrides the profile's zone")
    language: Language | None = Field(None, description="Overrides the profile and the browser")
    # Quick add on a project page: the default place, which a typed +project or /section overrides
    project_id: uuid.UUID | None = Field(None, description="Used when no +project is typed")
    section_id: uuid.UUID | None = Field(None, description="Used when no +project nor /section")

    @field_validator("text")
    @classmethod
    def _text_shows(cls, text: str) -> str:
        if not shows(text):
            raise ValueError("must have a visible character (not only spaces or invisible ones)")
        return text


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
    # All-day tasks (#16)
    all_day: bool = Field(False, description="A date without a time: due that whole day")
    due_on: date | None = Field(None, description="The all-day date; null for other drafts")
    # Quick add's +project and /section (#16): the names read, and what they resolve to
    project: str | None = Field(None, description="The +project name read, as typed")
    section: str | None = Field(None, description="The /section name read, as typed")
    project_id: uuid.UUID | None = Field(
        None, description="The caller's project of that name; null: the Inbox"
    )
    section_id: uuid.UUID | None = Field(
        None, description="The project's section of that name; null: no section"
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
