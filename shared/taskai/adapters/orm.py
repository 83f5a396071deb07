"""SQLAlchemy tables and the imperative mapping of the domain classes onto them."""

from __future__ import annotations

import threading
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Column,
    DateTime,
    ForeignKey,
    ForeignKeyConstraint,
    Index,
    Integer,
    MetaData,
    SmallInteger,
    String,
    Table,
    Text,
    UniqueConstraint,
    Uuid,
    event,
    false,
    text,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import registry, relationship
from sqlalchemy.types import TypeDecorator

from taskai.domain.api_tokens import ApiToken
from taskai.domain.calendar import CalendarFeed
from taskai.domain.filters.saved import SavedFilter
from taskai.domain.projects import Project, Section
from taskai.domain.push import PushSubscription
from taskai.domain.reminders import Reminder
from taskai.domain.tags import Tag
from taskai.domain.tasks import PRIORITIES, Task
from taskai.domain.users import User
from taskai.domain.webhooks import Delivery, Webhook

# Schemas as PostgreSQL has them; SQLite maps each to its one file (see db.SCHEMAS).
metadata = MetaData(
    naming_convention={
        "ix": "ix_%(table_name)s_%(column_0_N_name)s",
        "uq": "uq_%(table_name)s_%(column_0_N_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)
BigId = BigInteger().with_variant(Integer, "sqlite")  # SQLite only autoincrements INTEGER keys


class UTCDateTime(TypeDecorator[datetime]):
    """Aware datetimes in, aware UTC datetimes out, whatever the database keeps."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        """The value in UTC (naive for SQLite); raises ValueError for a naive datetime."""
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        """The stored value as an aware UTC datetime (a naive one is read as UTC)."""
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class Priority(TypeDecorator[str]):
    """Priorities stored as their rank, so that sorting by priority is sorting a number."""

    impl = SmallInteger
    cache_ok = True

    def process_bind_param(self, value: str | None, dialect: Dialect) -> int | None:
        """The priority word's rank, 0 (low) to 3 (urgent); raises ValueError for another word."""
        return None if value is None else PRIORITIES.index(value)

    def process_result_value(self, value: int | None, dialect: Dialect) -> str | None:
        """The priority word of a stored rank."""
        return None if value is None else PRIORITIES[value]


class ScopeList(TypeDecorator[tuple[str, ...]]):
    """An API token's scopes kept as one space-separated string, as OAuth writes them."""

    impl = String(200)
    cache_ok = True

    def process_bind_param(self, value: tuple[str, ...] | None, dialect: Dialect) -> str | None:
        """The scopes joined by spaces."""
        return None if value is None else " ".join(value)

    def process_result_value(self, value: str | None, dialect: Dialect) -> tuple[str, ...] | None:
        """The stored string split back into scopes."""
        return None if value is None else tuple(value.split())


class WordList(TypeDecorator[tuple[str, ...]]):
    """A webhook's event types kept as one space-separated string."""

    impl = String(1000)
    cache_ok = True

    def process_bind_param(self, value: tuple[str, ...] | None, dialect: Dialect) -> str | None:
        """The words joined by spaces."""
        return None if value is None else " ".join(value)

    def process_result_value(self, value: str | None, dialect: Dialect) -> tuple[str, ...] | None:
        """The stored string split back into words."""
        return None if value is None else tuple(value.split())


def created() -> Column[Any]:
    """A fresh non-null `created_at` UTC timestamp column for a table."""
    return Column("created_at", UTCDateTime, nullable=False)


users = Table(
    "users",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("email", String(320), nullable=False, unique=True),
    # Compared, never shown; always written, but nullable and unique by an index as migration
    # 0005 made it (NOT NULL would mean rebuilding the table on SQLite).
    Column("email_key", String(320)),
    Column("password_hash", String(100), nullable=False),
    Column("name", String(200), nullable=False, default=""),
    Column("timezone", String(64), nullable=False, default="UTC"),
    Column("language", String(16), nullable=True),  # quick add's language; None: the browser's
    Column("change_seq", BigInteger, nullable=False, default=0),
    created(),
    # Bumped by logout, a password change or reset: tokens carrying an older one are refused.
    Column("token_version", Integer, nullable=False, default=0, server_default="0"),
    # All-day tasks (#16): the time of day (HH:MM, owner's zone) their reminders count back from.
    Column(
        "all_day_reminder_time", String(5), nullable=False, default="09:00", server_default="09:00"
    ),
    Index("uq_users_email_key", "email_key", unique=True),
)

login_attempts = Table(
    "login_attempts",
    metadata,
    Column("key", String(400), primary_key=True),  # "account:<email key>" or "address:<ip>"
    Column("failures", Integer, nullable=False),
    Column("last_failure_at", UTCDateTime, nullable=False),
    Column("locked_until", UTCDateTime),
)

password_resets = Table(
    "password_resets",
    metadata,
    Column("token_hash", String(64), primary_key=True),  # SHA-256 of the emailed token
    Column("user_id", Uuid, ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
    created(),
    Column("expires_at", UTCDateTime, nullable=False),
    Column("used_at", UTCDateTime),
    Index(None, "user_id"),
)

# Personal API tokens (issue 17): kept as the SHA-256 of the secret, looked up by it.
api_tokens = Table(
    "api_tokens",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("user_id", Uuid, ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
    Column("name", String(100), nullable=False),
    Column("scopes", ScopeList, nullable=False),
    Column("token_hash", String(64), nullable=False, unique=True),
    created(),
    Column("expires_at", UTCDateTime),
    Column("last_used_at", UTCDateTime),
    Index(None, "user_id"),
)

# Import and export (issue 17): the import ids an account used, with the report of each.
imports = Table(
    "imports",
    metadata,
    Column("user_id", Uuid, ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
    Column("import_id", String(200), primary_key=True),
    Column("report", Text, nullable=False),  # the import's report, as JSON
    created(),
)

# Webhooks (issue 17): a user's URLs for their events, and the outbox of deliveries to them.
webhooks = Table(
    "webhooks",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("user_id", Uuid, ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
    Column("url", String(2000), nullable=False),
    Column("event_types", WordList, nullable=False),
    Column("secret", String(100), nullable=False),  # needed to sign, so kept as is
    Column("enabled", Boolean, nullable=False),
    Column("disabled_reason", String(600)),
    Column("failing_since", UTCDateTime),
    created(),
    Column("updated_at", UTCDateTime, nullable=False),
    Index(None, "user_id"),
)

webhook_deliveries = Table(
    "webhook_deliveries",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("webhook_id", Uuid, ForeignKey("webhooks.id", ondelete="CASCADE"), nullable=False),
    Column("event_id", String(200), nullable=False),
    Column("event_type", String(100), nullable=False),
    Column("payload", Text, nullable=False),
    Column("status", String(20), nullable=False),
    Column("attempts", Integer, nullable=False),
    Column("response_status", Integer),
    Column("last_error", String(500)),
    Column("next_attempt_at", UTCDateTime),
    created(),
    Column("finished_at", UTCDateTime),
    UniqueConstraint("webhook_id", "event_id"),  # one delivery per event and webhook
    Index(None, "webhook_id", "created_at"),
    Index(None, "status", "next_attempt_at"),
)

# The calendar feed (issue 17): one per user, its URL token kept as a SHA-256, looked up by it.
calendar_feeds = Table(
    "calendar_feeds",
    metadata,
    Column("user_id", Uuid, ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
    Column("nonce", String(32), nullable=False),
    Column("token_hash", String(64), nullable=False, unique=True),
    created(),
)

tasks = Table(
    "tasks",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("user_id", Uuid, ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
    Column("title", String(500), nullable=False),
    Column("description", Text, nullable=False, default=""),
    Column("status", String(20), nullable=False),
    Column("priority", Priority, nullable=False),
    Column("due_at", UTCDateTime),
    Column("recurrence_rule", String(500)),
    Column("recurrence_anchor", String(20)),
    Column("series_id", Uuid),
    Column("series_start", UTCDateTime),
    Column("occurrence", Integer),
    Column("recurrence_ended_reason", String(200)),
    Column("skipped", Boolean, nullable=False, default=False),
    created(),
    Column("updated_at", UTCDateTime, nullable=False),
    Column("completed_at", UTCDateTime),
    Column("change_seq", BigInteger, nullable=False, default=0),
    # All-day tasks (#16): due_at is the start of the day in the owner's zone.
    Column("all_day", Boolean, nullable=False, default=False, server_default=false()),
    # One task per place in a series: duplicate events cannot create a second occurrence.
    UniqueConstraint("series_id", "occurrence"),
    Index(None, "user_id", "due_at"),
    Index(None, "user_id", "created_at"),
    Index(None, "user_id", "updated_at"),
    Index(None, "user_id", "priority"),
    Index(None, "user_id", "change_seq", "id"),
    # projects and sections: a task's section is one of its project's (composite key)
    Column("project_id", Uuid, ForeignKey("tasks.projects.id"), nullable=False),
    Column("section_id", Uuid),
    ForeignKeyConstraint(
        ["section_id", "project_id"],
        ["tasks.sections.id", "tasks.sections.project_id"],
        name="fk_tasks_section_id_sections",
    ),
    Index(None, "project_id", "section_id"),
    # subtasks and manual order (#16): the parent (no foreign key: the use cases delete
    # subtasks with their parent), the place among siblings, and which completions a parent's
    # completion made (its reopening undoes those)
    Column("parent_id", Uuid),
    Column("position", BigInteger, nullable=False, default=0, server_default="0"),
    Column(
        "completed_with_parent", Boolean, nullable=False, default=False, server_default=false()
    ),
    Index(None, "parent_id"),
    Index(None, "project_id", "position"),
    schema="tasks",
)

# projects and sections
projects = Table(
    "projects",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("user_id", Uuid, ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
    Column("name", String(120), nullable=False),
    Column("key", String(120), nullable=False),
    Column("color", String(7), nullable=False),
    Column("view", String(10), nullable=False),
    Column("position", Integer, nullable=False),
    Column("archived", Boolean, nullable=False),
    Column("inbox", Boolean, nullable=False),
    created(),
    Column("updated_at", UTCDateTime, nullable=False),
    Column("change_seq", BigInteger, nullable=False, default=0),
    UniqueConstraint("user_id", "key"),
    Index(None, "user_id", "change_seq", "id"),
    schema="tasks",
)

sections = Table(
    "sections",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("user_id", Uuid, ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
    Column(
        "project_id", Uuid, ForeignKey("tasks.projects.id", ondelete="CASCADE"), nullable=False
    ),
    Column("name", String(120), nullable=False),
    Column("key", String(120), nullable=False),
    Column("position", Integer, nullable=False),
    created(),
    Column("updated_at", UTCDateTime, nullable=False),
    Column("change_seq", BigInteger, nullable=False, default=0),
    UniqueConstraint("project_id", "key"),
    UniqueConstraint("id", "project_id"),  # what a task's (section_id, project_id) refers to
    Index(None, "user_id", "change_seq", "id"),
    schema="tasks",
)

tags = Table(
    "tags",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("user_id", Uuid, ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
    Column("name", String(50), nullable=False),
    Column("key", String(50), nullable=False),
    Column("color", String(7), nullable=False),
    created(),
    Column("updated_at", UTCDateTime, nullable=False),
    Column("change_seq", BigInteger, nullable=False, default=0),
    UniqueConstraint("user_id", "key"),
    Index(None, "user_id", "change_seq", "id"),
    schema="tasks",
)

task_tags = Table(
    "task_tags",
    metadata,
    Column("task_id", Uuid, ForeignKey("tasks.tasks.id", ondelete="CASCADE"), primary_key=True),
    Column("tag_id", Uuid, ForeignKey("tasks.tags.id", ondelete="CASCADE"), primary_key=True),
    Index(None, "tag_id"),
    schema="tasks",
)

reminders = Table(
    "reminders",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("task_id", Uuid, ForeignKey("tasks.tasks.id", ondelete="CASCADE"), nullable=False),
    Column("user_id", Uuid, ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
    Column("minutes_before", Integer),
    Column("at", UTCDateTime),
    Column("fire_at", UTCDateTime, nullable=False),
    Column("status", String(20), nullable=False),
    created(),
    Index(None, "task_id"),
    Index(None, "status", "fire_at"),
    schema="tasks",
)

# Saved filters (issue 16): a named query of the filter language per user, unique by name key.
saved_filters = Table(
    "saved_filters",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("user_id", Uuid, ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
    Column("name", String(100), nullable=False),
    Column("key", String(400), nullable=False),  # case folding may lengthen a name
    Column("query", String(1000), nullable=False),
    Column("color", String(7), nullable=False),
    Column("position", Integer, nullable=False),
    created(),
    Column("updated_at", UTCDateTime, nullable=False),
    Column("change_seq", BigInteger, nullable=False, default=0),
    UniqueConstraint("user_id", "key"),
    Index(None, "user_id", "change_seq", "id"),
    schema="tasks",
)

deletions = Table(
    "deletions",
    metadata,
    Column("entity_id", Uuid, primary_key=True),
    Column("entity", String(20), nullable=False),
    Column("user_id", Uuid, ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
    Column("change_seq", BigInteger, nullable=False),
    Column("deleted_at", UTCDateTime, nullable=False),
    Index(None, "user_id", "change_seq", "entity_id"),
    schema="tasks",
)

outbox = Table(
    "outbox",
    metadata,
    Column("position", BigId, primary_key=True, autoincrement=True),
    Column("event_id", String(64), nullable=False, unique=True),
    Column("topic", String(100), nullable=False),
    Column("key", String(100), nullable=False),
    Column("type", String(100), nullable=False),
    Column("occurred_at", UTCDateTime, nullable=False),
    Column("data", JSON, nullable=False),
    Column("traceparent", String(55)),
    Column("published_at", UTCDateTime),
    Index(
        "ix_outbox_unpublished",
        "position",
        postgresql_where=text("published_at IS NULL"),
        sqlite_where=text("published_at IS NULL"),
    ),
    schema="events",
)

processed_events = Table(
    "processed_events",
    metadata,
    Column("consumer", String(100), primary_key=True),
    Column("event_id", String(200), primary_key=True),
    Column("processed_at", UTCDateTime, nullable=False),
    schema="events",
)

task_audit = Table(
    "task_audit",
    metadata,
    Column("id", BigId, primary_key=True, autoincrement=True),
    Column("task_id", Uuid, nullable=False),
    Column("user_id", Uuid, nullable=False),
    Column("series_id", Uuid),
    Column("action", String(40), nullable=False),
    Column("rule", String(500)),
    Column("previous_due", UTCDateTime),
    Column("next_due", UTCDateTime),
    Column("next_task_id", Uuid),
    Column("event_id", String(200)),
    Column("reason", Text),
    created(),
    Index(None, "task_id"),
    Index(None, "series_id"),
    schema="audit",
)

notification_log = Table(
    "notification_log",
    metadata,
    Column("id", BigId, primary_key=True, autoincrement=True),
    Column("reminder_id", Uuid, nullable=False),
    Column("attempt", Integer, nullable=False),
    Column("task_id", Uuid, nullable=False),  # no foreign key: the log outlives the task
    Column("user_id", Uuid, ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
    Column("event_id", String(200)),
    Column("channel", String(20), nullable=False),
    Column("provider", String(20), nullable=False),
    Column("recipient", String(320)),
    Column("status", String(20), nullable=False),
    Column("provider_message_id", String(200)),
    Column("error", Text),
    created(),
    Column("finished_at", UTCDateTime),
    # One row per attempt; two instances claiming the same attempt of a reminder cannot both win.
    UniqueConstraint("reminder_id", "attempt"),
    Index(None, "user_id", "created_at"),
    schema="notifications",
)

# Web Push reminders (issue 17): a user's browser subscriptions, and one row per attempt to push
# a reminder to one of them (the email log's claim, per subscription).
push_subscriptions = Table(
    "push_subscriptions",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("user_id", Uuid, ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
    Column("endpoint", String(2000), nullable=False),
    Column("p256dh", String(100), nullable=False),
    Column("auth", String(50), nullable=False),
    created(),
    UniqueConstraint("user_id", "endpoint"),
)

push_attempts = Table(
    "push_attempts",
    metadata,
    Column("id", BigId, primary_key=True, autoincrement=True),
    Column("reminder_id", Uuid, nullable=False),
    Column("subscription_id", Uuid, nullable=False),  # no foreign key: the log outlives it
    Column("attempt", Integer, nullable=False),
    Column("user_id", Uuid, ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
    Column("event_id", String(200)),
    Column("status", String(20), nullable=False),
    Column("response_status", Integer),
    Column("error", String(500)),
    created(),
    Column("finished_at", UTCDateTime),
    # Two instances claiming the same attempt to the same subscription cannot both win.
    UniqueConstraint("reminder_id", "subscription_id", "attempt"),
    Index(None, "user_id", "created_at"),
)

mapper = registry(metadata=metadata)
_mapped = False
_mapping = threading.Lock()


def start_mappers() -> None:
    """Map the domain classes onto the tables, once per process (threads may race here)."""
    global _mapped
    with _mapping:
        if not _mapped:
            _map()
            _mapped = True


def _map() -> None:
    mapper.map_imperatively(User, users)
    mapper.map_imperatively(Tag, tags)
    mapper.map_imperatively(Reminder, reminders)
    mapper.map_imperatively(ApiToken, api_tokens)  # personal API tokens (issue 17)
    mapper.map_imperatively(SavedFilter, saved_filters)  # saved filters (issue 16)
    mapper.map_imperatively(Webhook, webhooks)  # webhooks (issue 17)
    mapper.map_imperatively(Delivery, webhook_deliveries)
    mapper.map_imperatively(CalendarFeed, calendar_feeds)  # the calendar feed (issue 17)
    mapper.map_imperatively(PushSubscription, push_subscriptions)  # Web Push (issue 17)
    mapper.map_imperatively(
        Task,
        tasks,
        properties={
            "tags": relationship(Tag, secondary=task_tags, lazy="selectin", passive_deletes=True),
            "reminders": relationship(
                Reminder,
                lazy="selectin",
                cascade="all, delete-orphan",
                passive_deletes=True,
                order_by=reminders.c.created_at,
            ),
        },
    )
    event.listen(Task, "load", _fresh_event_list)
    # projects and sections
    mapper.map_imperatively(Project, projects)
    mapper.map_imperatively(Section, sections)
    event.listen(Project, "load", _fresh_event_list)
    event.listen(Section, "load", _fresh_event_list)


def _fresh_event_list(entity: Task | Project | Section, _context: object) -> None:
    """Loaded entities have recorded nothing yet (the constructor is not run on load)."""
    entity.events = []
