"""Ports: what the use cases need from the world, as Protocols that adapters and fakes both meet.

The services import these and the domain, never an adapter; the SQLAlchemy unit of work, the
senders, the publishers and the relay's outbox meet them structurally (mypy checks where they
are wired), and so do the in-memory fakes of the unit tests.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import datetime, tzinfo
from types import TracebackType
from typing import TYPE_CHECKING, Any, NamedTuple, Protocol, Self

from taskai.domain.api_tokens import ApiToken
from taskai.domain.calendar import CalendarFeed
from taskai.domain.emails import Email
from taskai.domain.events import DomainEvent
from taskai.domain.filters.saved import SavedFilter
from taskai.domain.login_guard import Limit
from taskai.domain.projects import Project, Section
from taskai.domain.push import PushSubscription
from taskai.domain.queries import Page, TaskQuery
from taskai.domain.recurrence import Recurrence
from taskai.domain.reminders import Transition
from taskai.domain.subtasks import Place
from taskai.domain.tags import Tag
from taskai.domain.tasks import Task
from taskai.domain.users import User
from taskai.domain.vocabulary import Priority, ReminderState, TaskStatus
from taskai.domain.webhooks import Delivery, Webhook

if TYPE_CHECKING:  # quick add's parser is imported by the one use case that needs it
    from taskai.domain.quickadd import Draft


class Recipient(NamedTuple):
    """Who a reminder goes to, and what its task is like now (None when the task is gone)."""

    email: str
    name: str
    timezone: str
    priority: str | None
    task_status: str | None
    # All-day tasks (#16): an all-day task's email names its date without a time.
    all_day: bool = False


class DueReminder(NamedTuple):
    """A pending reminder whose time has come, with what its event tells of the task."""

    id: uuid.UUID
    task_id: uuid.UUID
    user_id: uuid.UUID
    minutes_before: int | None
    at: datetime | None
    fire_at: datetime
    title: str
    due_at: datetime | None


class AllDayOffset(NamedTuple):
    """An offset reminder not yet gone out (pending or skipped) of an open all-day task (#16)."""

    id: uuid.UUID
    minutes_before: int
    due_at: datetime


class TagView(NamedTuple):
    """A tag as a read shows it on a task."""

    id: uuid.UUID
    name: str
    key: str
    color: str


class ReminderView(NamedTuple):
    """A reminder as a read shows it on a task."""

    id: uuid.UUID
    minutes_before: int | None
    at: datetime | None
    fire_at: datetime
    status: str


@dataclass(frozen=True, slots=True)
class TaskView:
    """A task as the hot reads (list, search, get) show it: plain values, no tracked entity."""

    id: uuid.UUID
    title: str
    description: str
    status: TaskStatus
    priority: Priority
    due_at: datetime | None
    recurrence_rule: str | None
    recurrence_anchor: str | None
    recurrence_ended_reason: str | None
    series_id: uuid.UUID | None
    occurrence: int | None
    skipped: bool
    created_at: datetime
    updated_at: datetime
    completed_at: datetime | None
    tags: list[TagView]
    reminders: list[ReminderView]
    # All-day tasks (#16): due_at is the start of the day in the owner's zone.
    all_day: bool = False
    # projects and sections
    project_id: uuid.UUID | None = None
    section_id: uuid.UUID | None = None
    # subtasks and manual order (#16)
    parent_id: uuid.UUID | None = None
    position: int = 0
    subtask_count: int = 0
    completed_subtask_count: int = 0

    @property
    def recurrence(self) -> Recurrence | None:
        """The task's repeat rule, if it has one (as Task.recurrence)."""
        if self.recurrence_rule is None:
            return None
        return Recurrence(rule=self.recurrence_rule, anchor=self.recurrence_anchor or "due")


@dataclass(frozen=True, slots=True)
class ChangedTask:
    """A changed task as sync shows it: its keyset (change number, id as text) and its
    TaskPublic as JSON values built by the store, whose recurrence (null there) the presenter
    fills in from the rule, anchor and ended reason when the task recurs."""

    text_id: str
    change_seq: int
    body: dict[str, Any]
    recurrence_rule: str | None = None
    recurrence_anchor: str | None = None
    recurrence_ended_reason: str | None = None

    @property
    def id(self) -> uuid.UUID:
        """The task's id (parsed when asked: a page needs only its last one's)."""
        return uuid.UUID(self.text_id)


@dataclass(frozen=True)
class OutboxRecord:
    """One event as stored: enough to build its CloudEvent and its Kafka record."""

    position: int
    event_id: str
    topic: str
    key: str
    type: str
    occurred_at: datetime
    data: dict[str, Any]
    traceparent: str | None


@dataclass(frozen=True)
class Sent:
    """The provider took the message; its id (None when it already had it under this key)."""

    message_id: str | None
    note: str | None = None


class SendFailed(Exception):
    """The provider did not take the message: `transient` ones may succeed when retried."""

    def __init__(self, message: str, *, transient: bool, retry_after_s: float | None = None):
        super().__init__(message)
        self.transient = transient
        self.retry_after_s = retry_after_s


class RelayBusy(Exception):
    """Another relay pass holds the turn; it publishes these events too (or try again soon)."""


class LoginAttempts(Protocol):
    """Failure counters of accounts and addresses, and their locks."""

    def locked_until(self, keys: list[str], now: datetime) -> datetime | None:
        """The latest lock among `keys` that still holds at `now`, else None."""

    def failed(self, key: str, limit: Limit, now: datetime) -> None:
        """Count a failure of `key`; lock the counter when `limit` says so."""

    def clear(self, key: str) -> None:
        """Forget the failures of `key`."""


class PasswordResets(Protocol):
    """Single-use password-reset tokens, kept as their SHA-256 hex digest."""

    def add(
        self, *, token_hash: str, user_id: uuid.UUID, now: datetime, expires_at: datetime
    ) -> None:
        """Keep a new token of `user_id`, valid until `expires_at`."""

    def redeem(self, token_hash: str, now: datetime) -> uuid.UUID | None:
        """The user of an unused, unexpired token (all its tokens are used up now); else None."""


class UserRepository(Protocol):
    """Accounts, with their login counters and reset tokens."""

    @property
    def attempts(self) -> LoginAttempts:
        """Failed-login counters of accounts and addresses, and their locks."""

    @property
    def resets(self) -> PasswordResets:
        """Single-use password-reset tokens, kept as their SHA-256 hex digest."""

    def add(self, user: User) -> None:
        """Keep a new account."""

    def delete(self, user: User) -> None:
        """Delete the account; what it owns goes with it."""

    def get(self, user_id: uuid.UUID) -> User:
        """The account; raises NotFound."""

    def by_email(self, email: str) -> User | None:
        """The account of `email`, however its letters are cased or composed, else None."""


class ApiTokenRepository(Protocol):
    """Personal API tokens, of one user at a time."""

    def add(self, token: ApiToken) -> None:
        """Keep a new token."""

    def of_user(self, user_id: uuid.UUID) -> list[ApiToken]:
        """The user's tokens, newest first."""

    def count(self, user_id: uuid.UUID) -> int:
        """How many tokens the user has."""

    def get(self, user_id: uuid.UUID, token_id: uuid.UUID) -> ApiToken:
        """One of the user's tokens; raises NotFound (also for another user's)."""

    def delete(self, token: ApiToken) -> None:
        """Delete the token: refused from the next request on."""


# Webhooks (issue 17)
class WebhookRepository(Protocol):
    """Webhooks, of one user at a time."""

    def add(self, webhook: Webhook) -> None:
        """Keep a new webhook."""

    def of_user(self, user_id: uuid.UUID) -> list[Webhook]:
        """The user's webhooks, oldest first."""

    def count(self, user_id: uuid.UUID) -> int:
        """How many webhooks the user has."""

    def get(self, user_id: uuid.UUID, webhook_id: uuid.UUID) -> Webhook:
        """One of the user's webhooks; raises NotFound (also for another user's)."""

    def find(self, webhook_id: uuid.UUID) -> Webhook | None:
        """The webhook of this id, whoever owns it, else None."""

    def delete(self, webhook: Webhook) -> None:
        """Delete the webhook with its deliveries."""


class DeliveryRepository(Protocol):
    """The outbox of webhook deliveries."""

    def add(self, delivery: Delivery) -> None:
        """Keep a new delivery (one per webhook and event)."""

    def exists(self, webhook_id: uuid.UUID, event_id: str) -> bool:
        """Whether the event already has a delivery to this webhook."""

    def get(self, delivery_id: uuid.UUID) -> Delivery | None:
        """The delivery, locked for this transaction, else None."""

    def of_webhook(self, webhook_id: uuid.UUID, limit: int) -> list[Delivery]:
        """At most `limit` deliveries to the webhook, newest first."""

    def due(self, now: datetime, limit: int) -> list[Delivery]:
        """At most `limit` pending deliveries due by `now`, soonest first, locked."""


class WebhookSender(Protocol):
    """Checks webhook URLs against SSRF and POSTs signed deliveries to them."""

    def check(self, url: str) -> None:
        """Refuse a URL against the URL rules or whose host is not allowed (InvalidInput
        naming url)."""

    def send(
        self, *, url: str, secret: str, message_id: str, body: str, now: datetime
    ) -> WebhookAnswer:
        """POST `body` signed with `secret` (Standard Webhooks); the answer, never raising."""


class WebhookAnswer(NamedTuple):
    """What a webhook URL answered: its HTTP status (0: none came) and why it failed."""

    status: int
    error: str | None = None


# The calendar feed (issue 17)
class CalendarFeedRepository(Protocol):
    """Calendar feeds, one per user, looked up by their owner or by their token's hash."""

    def add(self, feed: CalendarFeed) -> None:
        """Keep a new feed."""

    def of_user(self, user_id: uuid.UUID) -> CalendarFeed | None:
        """The user's feed, or None until one is created."""

    def with_owner(self, token_hash: str) -> tuple[CalendarFeed, User] | None:
        """The feed of this token hash and its owner; None when unknown."""

    def tasks(self, user_id: uuid.UUID, *, completed_since: datetime, limit: int) -> list[Task]:
        """Up to `limit` of the user's tasks with a due date outside archived projects: open
        ones first, then those completed since `completed_since`, each by due date."""


class TagRepository(Protocol):
    """Tags of one user at a time."""

    def add(self, tag: Tag) -> None:
        """Keep a new tag."""

    def get(self, user_id: uuid.UUID, tag_id: uuid.UUID) -> Tag:
        """One of the user's tags; raises NotFound."""

    def by_keys(self, user_id: uuid.UUID, keys: Iterable[str]) -> list[Tag]:
        """The user's tags whose case-folded names are in `keys`."""

    def get_or_create(
        self, user_id: uuid.UUID, wanted: dict[str, str], *, now: datetime
    ) -> list[Tag]:
        """Tags for `wanted` (key -> name as typed), in its order, creating the missing ones."""

    def with_usage(
        self, user_id: uuid.UUID, *, prefix: str | None, limit: int
    ) -> list[tuple[Tag, int]]:
        """Up to `limit` tags with their task counts, most used first, names from `prefix`."""

    def changed_since(
        self,
        user_id: uuid.UUID,
        seq: int,
        *,
        after: uuid.UUID | None = None,
        limit: int | None = None,
        upto: int | None = None,
    ) -> list[Tag]:
        """Tags changed after change number `seq` (or after
        row id `after` of change `seq`; and at most at `upto`), by change then id."""


class SavedFilterRepository(Protocol):
    """Saved filters of one user at a time (issue 16)."""

    def add(self, saved: SavedFilter) -> None:
        """Keep a new filter."""

    def get(self, user_id: uuid.UUID, filter_id: uuid.UUID) -> SavedFilter:
        """One of the user's filters; raises NotFound."""

    def by_key(self, user_id: uuid.UUID, key: str) -> SavedFilter | None:
        """The user's filter whose case-folded name is `key`, else None."""

    def of_user(self, user_id: uuid.UUID) -> list[SavedFilter]:
        """The user's filters by position, then name."""

    def count(self, user_id: uuid.UUID) -> tuple[int, int]:
        """(how many filters the user has, the highest position among them or -1)."""

    def changed_since(
        self,
        user_id: uuid.UUID,
        seq: int,
        *,
        after: uuid.UUID | None = None,
        limit: int | None = None,
        upto: int | None = None,
    ) -> list[SavedFilter]:
        """Filters changed after change number `seq` (or after
        row id `after` of change `seq`; and at most at `upto`), by change then id."""


class ProjectRepository(Protocol):
    """Projects of one user at a time; the events of every project handed out go out on commit."""

    def add(self, project: Project) -> None:
        """Keep a new project (tasks of the same transaction may refer to it); raises Conflict
        for a name the user has."""

    def get(self, user_id: uuid.UUID, project_id: uuid.UUID) -> Project:
        """One of the user's projects; raises NotFound."""

    def inbox(self, user_id: uuid.UUID) -> Project | None:
        """The user's Inbox, if it has one."""

    def by_key(self, user_id: uuid.UUID, key: str) -> Project | None:
        """The user's project whose case-folded name is `key`."""

    def with_counts(self, user_id: uuid.UUID) -> list[tuple[Project, int]]:
        """Every project of the user by position, with its count of open tasks."""

    # positions that never repeat (#16): new ones last, an explicit one makes room
    def count(self, user_id: uuid.UUID) -> tuple[int, int]:
        """(how many projects the user has, archived ones included; the highest position or
        -1)."""

    def of_user(self, user_id: uuid.UUID) -> list[Project]:
        """Every project of the user (at most MAX_PROJECTS) by position."""

    def changed_since(
        self,
        user_id: uuid.UUID,
        seq: int,
        *,
        after: uuid.UUID | None = None,
        limit: int | None = None,
        upto: int | None = None,
    ) -> list[Project]:
        """Projects changed after change number `seq` (or after
        row id `after` of change `seq`; and at most at `upto`), by change then id."""


class SectionRepository(Protocol):
    """Sections of one user at a time; the events of every section handed out go out on commit."""

    def add(self, section: Section) -> None:
        """Keep a new section; a name its project has fails the commit with Conflict."""

    def get(self, user_id: uuid.UUID, section_id: uuid.UUID) -> Section:
        """One of the user's sections; raises NotFound."""

    def of_project(self, project_id: uuid.UUID) -> list[Section]:
        """The project's sections by position."""

    def changed_since(
        self,
        user_id: uuid.UUID,
        seq: int,
        *,
        after: uuid.UUID | None = None,
        limit: int | None = None,
        upto: int | None = None,
    ) -> list[Section]:
        """Sections changed after change number `seq` (or after
        row id `after` of change `seq`; and at most at `upto`), by change then id."""


class TaskRepository(Protocol):
    """Tasks of one user at a time; the events of every task handed out go out on commit."""

    def add(self, task: Task) -> None:
        """Keep a new task."""

    def get(self, user_id: uuid.UUID, task_id: uuid.UUID, *, lock: bool = False) -> Task:
        """One of the user's tasks, its row held until commit when `lock`; raises NotFound."""

    def refresh_statistics(self, added: int) -> None:
        """After `added` tasks went in at once, bring what the store plans queries by up to date."""

    def page(self, user_id: uuid.UUID, query: TaskQuery, *, now: datetime) -> Page:
        """One page of the user's tasks, read only: the JSON array text of their TaskPublic,
        times in `query.zone`; raises InvalidInput or Conflict for a bad cursor."""

    def view(self, user_id: uuid.UUID, task_id: uuid.UUID, zone: tzinfo) -> str | Task:
        """One of the user's tasks as its TaskPublic JSON text in `zone`, read only; raises
        NotFound."""

    def with_tag(self, user_id: uuid.UUID, tag_id: uuid.UUID) -> list[Task]:
        """The user's tasks that carry the tag."""

    def series(
        self, user_id: uuid.UUID, series_id: uuid.UUID, *, after: int, limit: int
    ) -> list[Task]:
        """Up to `limit` occurrences of a series numbered above `after`, in order."""

    def occurrence(self, user_id: uuid.UUID, series_id: uuid.UUID, number: int) -> Task | None:
        """Occurrence `number` of a series of the user's, if it exists."""

    def changed_since(
        self,
        user_id: uuid.UUID,
        seq: int,
        *,
        after: uuid.UUID | None = None,
        limit: int | None = None,
        upto: int | None = None,
    ) -> list[Task]:
        """Tasks changed after change number `seq` (or after
        row id `after` of change `seq`; and at most at `upto`), by change then id."""

    def changed_json(
        self,
        user_id: uuid.UUID,
        seq: int,
        *,
        after: uuid.UUID | None = None,
        limit: int,
        upto: int | None = None,
        zone: tzinfo,
    ) -> list[ChangedTask]:
        """Up to `limit` tasks changed after change number `seq` (or after row id `after` of
        change `seq`; and at most at `upto`), by change then id, as JSON in `zone`, read only."""

    # subtasks and manual order (#16)
    def children(self, user_id: uuid.UUID, parent_ids: Sequence[uuid.UUID]) -> list[Task]:
        """The direct subtasks of these tasks, by position."""

    def next_position(self, user_id: uuid.UUID, place: Place) -> int:
        """A position after every task in `place`; the user's writers take turns from here to
        commit."""

    def neighbour(
        self,
        user_id: uuid.UUID,
        place: Place,
        position: int,
        *,
        after: bool,
        excluding: uuid.UUID,
    ) -> int | None:
        """The position next after (or before) `position` in `place` but `excluding`'s, or
        None."""

    def siblings(self, user_id: uuid.UUID, place: Place) -> list[Task]:
        """Every task in `place` by position."""

    def count_subtasks(self, tasks: Sequence[Task]) -> None:
        """Fill in `subtask_count` and `completed_subtask_count` of these tasks."""

    # All-day tasks follow their owner's zone (#16)
    def all_day_starts(
        self, user_id: uuid.UUID, *, after: uuid.UUID | None, limit: int
    ) -> list[tuple[uuid.UUID, datetime]]:
        """Up to `limit` (id, due_at) of the user's all-day tasks by id, after id `after`."""

    def reanchor(self, user_id: uuid.UUID, moves: Sequence[tuple[uuid.UUID, datetime]]) -> None:
        """Set due_at of each task id given, stamped with the owner's next change number (sync
        sees them), in one statement; writes no events."""

    def deleted_since(
        self,
        user_id: uuid.UUID,
        seq: int,
        *,
        after: uuid.UUID | None = None,
        limit: int | None = None,
        upto: int | None = None,
    ) -> list[tuple[str, uuid.UUID, int]]:
        """(entity, id, change number) of deletions after `seq` (or after id `after` of change
        `seq`; and at most at `upto`), by change then id."""

    # Import and export (issue 17)
    def every(
        self, user_id: uuid.UUID, *, after: uuid.UUID | None, limit: int
    ) -> Sequence[TaskView | Task]:
        """Up to `limit` of the user's tasks by id after id `after` (None: from the first)."""


class ImportLog(Protocol):
    """The import ids each account used (issue 17), so an import runs once per id."""

    def report(self, user_id: uuid.UUID, import_id: str) -> dict[str, Any] | None:
        """The report of the user's import `import_id`, if it ran before."""

    def remember(
        self, user_id: uuid.UUID, import_id: str, report: dict[str, Any], now: datetime
    ) -> None:
        """Record the import; a concurrent one of the same id fails the commit with Conflict."""


class AuditLog(Protocol):
    """What the system did to tasks on its own, and why."""

    def record(self, **row: object) -> None:
        """Add one audit row (task_id, user_id, series_id, action, …, created_at)."""


class ProcessedEvents(Protocol):
    """Which consumer already handled which event."""

    def seen(self, consumer: str, event_id: str) -> bool:
        """True when `consumer` handled `event_id` before."""

    def remember(self, consumer: str, event_id: str, now: datetime) -> None:
        """Record the event as handled; a concurrent duplicate raises Conflict at commit."""


class ReminderRepository(Protocol):
    """Reminders of every owner: what the scheduler claims and the notifier locks."""

    def claim_due(self, now: datetime, limit: int) -> list[DueReminder]:
        """Up to `limit` pending reminders due by `now`, oldest first, held until commit."""

    def mark(self, reminder_ids: list[uuid.UUID], transition: Transition) -> None:
        """Make `transition` on these reminders by the rules of `TRANSITIONS`; a reminder not in
        one of its source states stays as it is."""

    def lock(self, reminder_id: uuid.UUID) -> str | None:
        """The reminder's status, held until commit (None when its task was deleted)."""

    def recipient(self, user_id: uuid.UUID, task_id: uuid.UUID) -> Recipient | None:
        """The owner's address and zone and the task's state; None when the owner is gone."""

    # All-day tasks (#16)
    def all_day_offsets(
        self, user_id: uuid.UUID, *, after: uuid.UUID | None, limit: int
    ) -> list[AllDayOffset]:
        """Up to `limit` pending or skipped offset reminders of the user's open all-day tasks,
        by id, those after id `after` (None: from the first)."""

    def refire(self, moves: Sequence[tuple[uuid.UUID, datetime, ReminderState]]) -> None:
        """Set (fire_at, status) of each reminder id given, in one statement."""


class NotificationLog(Protocol):
    """One row per attempt to send a reminder."""

    def last_attempt(self, reminder_id: uuid.UUID) -> dict[str, Any] | None:
        """The latest attempt's row (attempt, status, created_at, …), else None."""

    def start(self, **row: object) -> None:
        """Log an attempt; a concurrent claim of the same attempt raises Conflict at commit."""

    def finish(self, reminder_id: uuid.UUID, attempt: int, **outcome: object) -> None:
        """Record how an attempt ended (status, provider_message_id, error, finished_at)."""


# Web Push reminders (issue 17)
class PushSubscriptionRepository(Protocol):
    """Browsers' push subscriptions, read through their owner."""

    def add(self, subscription: PushSubscription) -> None:
        """Keep a new subscription (one per user and endpoint: Conflict at commit)."""

    def of_user(self, user_id: uuid.UUID) -> list[PushSubscription]:
        """The user's subscriptions, oldest first."""

    def count(self, user_id: uuid.UUID) -> int:
        """How many subscriptions the user has."""

    def by_endpoint(self, user_id: uuid.UUID, endpoint: str) -> PushSubscription | None:
        """The user's subscription to this endpoint, else None."""

    def get(self, user_id: uuid.UUID, subscription_id: uuid.UUID) -> PushSubscription:
        """One of the user's subscriptions; raises NotFound (also for another user's)."""

    def remove(self, subscription_id: uuid.UUID) -> None:
        """Delete the subscription of this id if it is still there."""


class PushAttemptLog(Protocol):
    """One row per attempt to push a reminder to one subscription."""

    def last_attempts(self, reminder_id: uuid.UUID) -> dict[uuid.UUID, dict[str, Any]]:
        """The reminder's latest attempt row per subscription id."""

    def start(self, **row: object) -> None:
        """Log an attempt; a concurrent claim of the same attempt raises Conflict at commit."""

    def finish(
        self, reminder_id: uuid.UUID, subscription_id: uuid.UUID, attempt: int, **outcome: object
    ) -> None:
        """Record how an attempt ended (status, response_status, error, finished_at)."""


class PushSender(Protocol):
    """Checks push endpoints against SSRF and sends encrypted, VAPID-signed pushes to them."""

    @property
    def public_key(self) -> str:
        """The VAPID public key, base64url uncompressed point: the applicationServerKey."""

    def check(self, endpoint: str) -> None:
        """Refuse an endpoint whose host may not be reached (InvalidInput naming endpoint)."""

    def check_key(self, p256dh: str) -> None:
        """Refuse a p256dh that is not a point of P-256 (InvalidInput naming keys.p256dh)."""

    def send(
        self, subscription: PushSubscription, payload: str, *, ttl_s: int, urgency: str, topic: str
    ) -> PushAnswer:
        """Encrypt and POST `payload` to the subscription; the answer, never raising."""


class PushAnswer(NamedTuple):
    """What a push service answered: its HTTP status (0: none came) and why it failed."""

    status: int
    error: str | None = None

    @property
    def gone(self) -> bool:
        """The subscription expired or was revoked (404, 410): delete it."""
        return self.status in (404, 410)

    @property
    def transient(self) -> bool:
        """Worth trying again later: no answer, 429 or a 5xx."""
        return self.status == 0 or self.status == 429 or self.status >= 500


class UnitOfWork(Protocol):
    """One transaction and its repositories. Commit writes the changes together with the events
    collected in it (those recorded by the tasks it handed out, and those given to `publish`)."""

    @property
    def users(self) -> UserRepository:
        """Accounts in this transaction."""

    @property
    def tags(self) -> TagRepository:
        """Tags in this transaction."""

    @property
    def tasks(self) -> TaskRepository:
        """Tasks (with their reminders and tags) in this transaction."""

    @property
    def filters(self) -> SavedFilterRepository:
        """Saved filters in this transaction (issue 16)."""

    @property
    def audit(self) -> AuditLog:
        """The record of what the system did to tasks on its own, in this transaction."""

    @property
    def processed(self) -> ProcessedEvents:
        """Ids of the events already handled, for idempotent consumers."""

    @property
    def reminders(self) -> ReminderRepository:
        """Reminder rows as the scheduler sees them (due, claimed, settled)."""

    @property
    def notifications(self) -> NotificationLog:
        """The log of email attempts per reminder."""

    @property
    def api_tokens(self) -> ApiTokenRepository:
        """Personal API tokens, kept as their hashes."""

    # webhooks (issue 17)
    @property
    def webhooks(self) -> WebhookRepository:
        """Webhooks in this transaction."""

    @property
    def deliveries(self) -> DeliveryRepository:
        """Webhook deliveries in this transaction."""

    @property
    def calendar(self) -> CalendarFeedRepository:
        """Calendar feeds (issue 17), kept as their tokens' hashes."""

    # projects and sections
    @property
    def projects(self) -> ProjectRepository:
        """Projects in this transaction."""

    @property
    def sections(self) -> SectionRepository:
        """Sections in this transaction."""

    # Import and export (issue 17)
    @property
    def imports(self) -> ImportLog:
        """The import ids each account used, with their reports."""

    # Live push (issue 17)
    @property
    def scopes(self) -> tuple[str, ...] | None:
        """The checked caller's API token scopes; None for a session or no caller (all)."""

    # Web Push reminders (issue 17)
    @property
    def push_subscriptions(self) -> PushSubscriptionRepository:
        """Browsers' push subscriptions in this transaction."""

    @property
    def push_attempts(self) -> PushAttemptLog:
        """The log of attempts to push a reminder to each subscription."""

    def __enter__(self) -> Self: ...

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        """Leave the transaction; what was not committed is rolled back."""

    def delete_task(self, task: Task) -> None:
        """Delete the task (its recorded events still go out) and log it for sync."""

    def delete_subtasks(self, tasks: Sequence[Task]) -> None:
        """Delete these subtasks together (logged for sync; their events still go out)."""

    def delete_tag(self, tag: Tag) -> None:
        """Delete the tag and log it for sync."""

    def delete_filter(self, saved: SavedFilter) -> None:
        """Delete the saved filter and log it for sync."""

    def delete_project(self, project: Project, *, move_to: uuid.UUID | None) -> None:
        """Delete the project and its sections (logged for sync); its tasks move to project
        `move_to`, out of any section, or are deleted with it when None."""

    def delete_section(self, section: Section) -> None:
        """Delete the section (logged for sync); its tasks stay in the project, in no section."""

    def publish(self, event: DomainEvent) -> None:
        """Queue an event that no task recorded, to go out with the commit."""

    def commit(self) -> None:
        """Commit the changes and their events; raises Conflict on a clash of unique keys."""

    def rollback(self) -> None:
        """Drop what was not committed."""


class Clock(Protocol):
    """The current time."""

    def __call__(self) -> datetime:
        """An aware datetime in UTC."""


class EmailSender(Protocol):
    """An email provider; `provider` names it in the notification log."""

    provider: str

    def send(self, email: Email) -> Sent:
        """Hand the email to the provider; raises SendFailed."""


class Parser(Protocol):
    """A model that reads free text as a task draft."""

    def parse(self, text: str, *, now: datetime, tz: str, language: str = "en") -> Draft:
        """A checked draft of `text` read at `now` in zone `tz`, or an exception."""


class PasswordHasher(Protocol):
    """Password hashes, and the judgement of how guessable a password is."""

    def hash(self, password: str) -> str:
        """The password's salted hash, as stored."""

    def matches(self, password: str, password_hash: str | None) -> bool:
        """True when `password` has this hash; as slow without a hash as with one."""

    def is_guessable(self, password: str, *, related: Sequence[str]) -> bool:
        """True for a common or easily guessed password (`related`: the account's own words)."""


class TokenIssuer(Protocol):
    """Access tokens, valid for `ttl_seconds` each."""

    @property
    def ttl_seconds(self) -> int:
        """How long an issued token is valid, in seconds."""

    def issue(self, user_id: uuid.UUID, *, now: datetime, version: int = 0) -> str:
        """A token for `user_id`, valid while the account's token version is `version`."""


class Publisher(Protocol):
    """The event bus, as the relay sees it."""

    def publish(self, records: Sequence[OutboxRecord]) -> int:
        """Send in order; return how many records, from the first, are safely delivered."""


class OutboxStore(Protocol):
    """Committed events waiting to be published, in commit order."""

    def turn(self) -> AbstractContextManager[None]:
        """Hold the one relay turn of this database while inside; raises RelayBusy."""

    def unpublished(self, limit: int, *, now: datetime | None = None) -> list[OutboxRecord]:
        """Up to `limit` of the oldest events not yet published, in commit order; raises
        RelayBusy where the turn is taken batch by batch. A store whose batch is a transaction
        may mark them published at `now` in it already, for mark_published to confirm."""

    def mark_published(
        self, positions: Sequence[int], *, now: datetime, purge_before: datetime | None = None
    ) -> None:
        """Mark these published at `now` and, in the same transaction, forget the events
        published before `purge_before` (when given; a store may do that less often)."""
