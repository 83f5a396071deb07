"""In-memory fakes of the ports (`taskai.ports`): what the use-case tests run against.

The fake unit of work keeps no transaction: changes are visible at once, and a commit stamps the
changed tasks and tags for sync and moves the events collected since the last one to
`published`, as the real one writes them to the outbox. `mypy tests/unit/fakes.py` checks that
each fake meets its port (the block at the end).
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, tzinfo
from types import TracebackType
from typing import TYPE_CHECKING, Any

from taskai.adapters.outbox import event_data
from taskai.contracts import EventData, parse
from taskai.domain.api_tokens import ApiToken
from taskai.domain.calendar import CalendarFeed
from taskai.domain.emails import Email
from taskai.domain.events import DomainEvent
from taskai.domain.filters.saved import SavedFilter
from taskai.domain.login_guard import Limit
from taskai.domain.names import email_key
from taskai.domain.projects import Project, Section
from taskai.domain.push import PushSubscription
from taskai.domain.queries import Page, TaskQuery
from taskai.domain.quickadd import Draft
from taskai.domain.reminders import (
    PENDING,
    SKIPPED,
    TRANSITIONS,
    Reminder,
    Transition,
    single_target,
)
from taskai.domain.subtasks import GAP, Place
from taskai.domain.tags import Tag
from taskai.domain.tasks import Task
from taskai.domain.users import User
from taskai.domain.vocabulary import ReminderState
from taskai.domain.webhooks import Delivery, Webhook
from taskai.errors import Conflict, InvalidInput, NotFound
from taskai.ports import (
    AllDayOffset,
    ChangedTask,
    DueReminder,
    OutboxRecord,
    PushAnswer,
    Recipient,
    RelayBusy,
    SendFailed,
    Sent,
    WebhookAnswer,
)

NOW = datetime(2030, 1, 7, 9, 0, tzinfo=UTC)  # a Monday: the time of every use-case test


def changed_between(
    items: Iterable[Any],
    user_id: uuid.UUID,
    position: tuple[int, uuid.UUID | None],
    limit: int | None,
    upto: int | None,
) -> list[Any]:
    """The user's items past keyset `position` (change number, id or None for the whole
    change), at most at `upto`, by change then id."""
    seq, after = position
    start = (seq, after) if after is not None else (seq, uuid.UUID(int=2**128 - 1))
    found = sorted(
        (
            i
            for i in items
            if i.user_id == user_id
            and (i.change_seq, i.id) > start
            and (upto is None or i.change_seq <= upto)
        ),
        key=lambda i: (i.change_seq, i.id),
    )
    return found[:limit]


@dataclass
class Counter:
    """One login-attempts row."""

    failures: int
    last_failure_at: datetime
    locked_until: datetime | None


class FakeLoginAttempts:
    def __init__(self) -> None:
        self.rows: dict[str, Counter] = {}

    def locked_until(self, keys: list[str], now: datetime) -> datetime | None:
        """The latest lock among `keys` still holding at `now`, else None."""
        locks = [r.locked_until for k in keys if (r := self.rows.get(k)) and r.locked_until]
        return max((until for until in locks if until > now), default=None)

    def failed(self, key: str, limit: Limit, now: datetime) -> None:
        """Count a failure of `key` under `limit`'s decay, locking the row for limit.delay when
        due."""
        row = self.rows.get(key)
        failures = limit.failures_after(row.failures, row.last_failure_at, now) if row else 1
        delay = limit.delay(failures)
        self.rows[key] = Counter(failures, now, now + delay if delay else None)

    def clear(self, key: str) -> None:
        """Forget `key`'s row."""
        self.rows.pop(key, None)


class FakePasswordResets:
    def __init__(self) -> None:
        self.rows: dict[str, dict[str, Any]] = {}

    def add(
        self, *, token_hash: str, user_id: uuid.UUID, now: datetime, expires_at: datetime
    ) -> None:
        """Keep the token hash, unused, valid until `expires_at`."""
        self.rows[token_hash] = {"user_id": user_id, "expires_at": expires_at, "used_at": None}

    def redeem(self, token_hash: str, now: datetime) -> uuid.UUID | None:
        """The user of an unused, unexpired token, using up all that user's tokens; else None."""
        row = self.rows.get(token_hash)
        if row is None or row["used_at"] is not None or row["expires_at"] <= now:
            return None
        for other in self.rows.values():
            if other["user_id"] == row["user_id"] and other["used_at"] is None:
                other["used_at"] = now
        return uuid.UUID(str(row["user_id"]))


class FakeUserRepository:
    def __init__(self, uow: FakeUnitOfWork) -> None:
        self.uow = uow
        self.items: dict[uuid.UUID, User] = {}
        self.attempts = FakeLoginAttempts()
        self.resets = FakePasswordResets()

    def add(self, user: User) -> None:
        """Keep the account by id."""
        self.items[user.id] = user

    def delete(self, user: User) -> None:
        """The account, and what it owns (the database cascades)."""
        del self.items[user.id]
        uow = self.uow
        for items in (
            uow.tasks.items,
            uow.tags.items,
            uow.api_tokens.items,
            uow.webhooks.items,
            uow.calendar.items,
            uow.push_subscriptions.items,
            uow.projects.items,
            uow.sections.items,
        ):
            for key in [k for k, item in items.items() if item.user_id == user.id]:
                del items[key]

    def get(self, user_id: uuid.UUID) -> User:
        """The account; raises NotFound."""
        if user_id not in self.items:
            raise NotFound("user not found")
        return self.items[user_id]

    def by_email(self, email: str) -> User | None:
        """The account whose email_key equals that of `email`, else None."""
        return next((u for u in self.items.values() if u.email_key == email_key(email)), None)


class FakeApiTokenRepository:
    def __init__(self) -> None:
        self.items: dict[uuid.UUID, ApiToken] = {}

    def add(self, token: ApiToken) -> None:
        """Keep the token by id."""
        self.items[token.id] = token

    def of_user(self, user_id: uuid.UUID) -> list[ApiToken]:
        """The user's tokens, newest first."""
        mine = [t for t in self.items.values() if t.user_id == user_id]
        return sorted(mine, key=lambda t: t.created_at, reverse=True)

    def count(self, user_id: uuid.UUID) -> int:
        """How many tokens the user has."""
        return len(self.of_user(user_id))

    def get(self, user_id: uuid.UUID, token_id: uuid.UUID) -> ApiToken:
        """One of the user's tokens; raises NotFound (also for another user's)."""
        token = self.items.get(token_id)
        if token is None or token.user_id != user_id:
            raise NotFound("token not found", fields={"id": "no such token"})
        return token

    def delete(self, token: ApiToken) -> None:
        """Forget the token."""
        self.items.pop(token.id, None)


# Webhooks (issue 17)
class FakeWebhookRepository:
    def __init__(self) -> None:
        self.items: dict[uuid.UUID, Webhook] = {}

    def add(self, webhook: Webhook) -> None:
        """Keep the webhook by id."""
        self.items[webhook.id] = webhook

    def of_user(self, user_id: uuid.UUID) -> list[Webhook]:
        """The user's webhooks, oldest first."""
        mine = [w for w in self.items.values() if w.user_id == user_id]
        return sorted(mine, key=lambda w: w.created_at)

    def count(self, user_id: uuid.UUID) -> int:
        """How many webhooks the user has."""
        return len(self.of_user(user_id))

    def get(self, user_id: uuid.UUID, webhook_id: uuid.UUID) -> Webhook:
        """One of the user's webhooks; raises NotFound (also for another user's)."""
        webhook = self.items.get(webhook_id)
        if webhook is None or webhook.user_id != user_id:
            raise NotFound("webhook not found", fields={"id": "no such webhook"})
        return webhook

    def find(self, webhook_id: uuid.UUID) -> Webhook | None:
        """The webhook of this id, whoever owns it."""
        return self.items.get(webhook_id)

    def delete(self, webhook: Webhook) -> None:
        """Forget the webhook (its deliveries stay here; the fake has no cascade)."""
        self.items.pop(webhook.id, None)


class FakeDeliveryRepository:
    def __init__(self) -> None:
        self.items: dict[uuid.UUID, Delivery] = {}

    def add(self, delivery: Delivery) -> None:
        """Keep the delivery; a second one of a webhook and event is refused, as the key does."""
        assert not self.exists(delivery.webhook_id, delivery.event_id), "duplicate delivery"
        self.items[delivery.id] = delivery

    def exists(self, webhook_id: uuid.UUID, event_id: str) -> bool:
        """Whether the event has a delivery to this webhook."""
        return any(
            d.webhook_id == webhook_id and d.event_id == event_id for d in self.items.values()
        )

    def get(self, delivery_id: uuid.UUID) -> Delivery | None:
        """The delivery, else None."""
        return self.items.get(delivery_id)

    def of_webhook(self, webhook_id: uuid.UUID, limit: int) -> list[Delivery]:
        """At most `limit` deliveries to the webhook, newest first."""
        mine = [d for d in self.items.values() if d.webhook_id == webhook_id]
        return sorted(mine, key=lambda d: d.created_at, reverse=True)[:limit]

    def due(self, now: datetime, limit: int) -> list[Delivery]:
        """At most `limit` pending deliveries due by `now`, soonest first."""
        due = [
            d
            for d in self.items.values()
            if d.status == "pending" and d.next_attempt_at is not None and d.next_attempt_at <= now
        ]
        return sorted(due, key=lambda d: d.next_attempt_at or now)[:limit]


class FakeWebhookSender:
    """Answers from a script of statuses (then 204), records each send; refuses `refused` URLs."""

    def __init__(self, *statuses: int, refused: Iterable[str] = ()) -> None:
        self.statuses = list(statuses)
        self.refused = set(refused)
        self.sent: list[dict[str, Any]] = []

    def check(self, url: str) -> None:
        """Refuse a URL of `refused`, as the SSRF check would."""
        if url in self.refused:
            raise InvalidInput("url must reach a public address", fields={"url": "private"})

    def send(
        self, *, url: str, secret: str, message_id: str, body: str, now: datetime
    ) -> WebhookAnswer:
        """Record the send; the next scripted status."""
        self.sent.append({"url": url, "secret": secret, "id": message_id, "body": body})
        status = self.statuses.pop(0) if self.statuses else 204
        return WebhookAnswer(status, None if status < 300 else f"HTTP {status}")


# The calendar feed (issue 17)
class FakeCalendarFeedRepository:
    def __init__(self, uow: FakeUnitOfWork) -> None:
        self.uow = uow
        self.items: dict[uuid.UUID, CalendarFeed] = {}

    def add(self, feed: CalendarFeed) -> None:
        """Keep the feed by its owner."""
        self.items[feed.user_id] = feed

    def of_user(self, user_id: uuid.UUID) -> CalendarFeed | None:
        """The user's feed, or None."""
        return self.items.get(user_id)

    def with_owner(self, token_hash: str) -> tuple[CalendarFeed, User] | None:
        """The feed of this token hash and its owner; None when unknown."""
        feed = next((f for f in self.items.values() if f.token_hash == token_hash), None)
        return None if feed is None else (feed, self.uow.users.items[feed.user_id])

    def tasks(self, user_id: uuid.UUID, *, completed_since: datetime, limit: int) -> list[Task]:
        """Open tasks with a due date first, then recently completed ones, by due date."""
        archived = {p.id for p in self.uow.projects.items.values() if p.archived}
        found = [
            t
            for t in self.uow.tasks.items.values()
            if t.user_id == user_id
            and t.due_at is not None
            and t.project_id not in archived
            and (not t.is_completed or (t.completed_at or completed_since) >= completed_since)
        ]
        found.sort(key=lambda t: (t.is_completed, t.due_at, t.id))
        return found[:limit]


class FakeTagRepository:
    def __init__(self, uow: FakeUnitOfWork) -> None:
        self.uow = uow
        self.items: dict[uuid.UUID, Tag] = {}
        self.seen: list[Tag] = []

    def add(self, tag: Tag) -> None:
        """Keep the tag and count it as touched by this transaction."""
        self.items[tag.id] = tag
        self.seen.append(tag)

    def get(self, user_id: uuid.UUID, tag_id: uuid.UUID) -> Tag:
        """One of the user's tags, counted as touched; raises NotFound (also for another user's
        tag)."""
        tag = self.items.get(tag_id)
        if tag is None or tag.user_id != user_id:
            raise NotFound("tag not found", fields={"id": "no such tag"})
        self.seen.append(tag)
        return tag

    def by_keys(self, user_id: uuid.UUID, keys: Iterable[str]) -> list[Tag]:
        """The user's tags whose key is among `keys`, in the order they were added."""
        keys = set(keys)
        return [t for t in self.items.values() if t.user_id == user_id and t.key in keys]

    def get_or_create(
        self, user_id: uuid.UUID, wanted: dict[str, str], *, now: datetime
    ) -> list[Tag]:
        """One tag per entry of `wanted` (key → name), in its order, creating the missing ones at
        `now`."""
        found = {tag.key: tag for tag in self.by_keys(user_id, wanted)}
        for key, name in wanted.items():
            if key not in found:
                found[key] = Tag.new(user_id=user_id, name=name, color=None, now=now)
                self.add(found[key])
        return [found[key] for key in wanted]

    def with_usage(
        self, user_id: uuid.UUID, *, prefix: str | None, limit: int
    ) -> list[tuple[Tag, int]]:
        """(tag, task count) of the user's tags starting with `prefix`, most used first, then by
        key; at most `limit`."""
        tasks = self.uow.tasks.items.values()
        counted = [
            (tag, sum(tag in task.tags for task in tasks))
            for tag in self.items.values()
            if tag.user_id == user_id and tag.key.startswith((prefix or "").casefold())
        ]
        return sorted(counted, key=lambda pair: (-pair[1], pair[0].key))[:limit]

    def changed_since(
        self,
        user_id: uuid.UUID,
        seq: int,
        *,
        after: uuid.UUID | None = None,
        limit: int | None = None,
        upto: int | None = None,
    ) -> list[Tag]:
        """The user's tags stamped past (`seq`, `after`) (up to `upto`), oldest change first, at most
        `limit`."""
        return changed_between(self.items.values(), user_id, (seq, after), limit, upto)


class FakeSavedFilterRepository:
    """Saved filters (issue 16), kept in a dict."""

    def __init__(self, uow: FakeUnitOfWork) -> None:
        self.uow = uow
        self.items: dict[uuid.UUID, SavedFilter] = {}
        self.seen: list[SavedFilter] = []

    def add(self, saved: SavedFilter) -> None:
        """Keep the filter and count it as touched by this transaction."""
        self.items[saved.id] = saved
        self.seen.append(saved)

    def get(self, user_id: uuid.UUID, filter_id: uuid.UUID) -> SavedFilter:
        """One of the user's filters, counted as touched; raises NotFound."""
        saved = self.items.get(filter_id)
        if saved is None or saved.user_id != user_id:
            raise NotFound("filter not found", fields={"id": "no such filter"})
        self.seen.append(saved)
        return saved

    def by_key(self, user_id: uuid.UUID, key: str) -> SavedFilter | None:
        """The user's filter of name key `key`, else None."""
        return next((f for f in self.items.values() if f.user_id == user_id and f.key == key), None)

    def of_user(self, user_id: uuid.UUID) -> list[SavedFilter]:
        """The user's filters by position, then key."""
        mine = [f for f in self.items.values() if f.user_id == user_id]
        return sorted(mine, key=lambda f: (f.position, f.key))

    def count(self, user_id: uuid.UUID) -> tuple[int, int]:
        """(how many filters the user has, the highest position or -1)."""
        mine = self.of_user(user_id)
        return len(mine), max((f.position for f in mine), default=-1)

    def changed_since(
        self,
        user_id: uuid.UUID,
        seq: int,
        *,
        after: uuid.UUID | None = None,
        limit: int | None = None,
        upto: int | None = None,
    ) -> list[SavedFilter]:
        """The user's filters stamped past (`seq`, `after`) (up to `upto`), oldest change first."""
        return changed_between(self.items.values(), user_id, (seq, after), limit, upto)


class FakeProjectRepository:
    def __init__(self, uow: FakeUnitOfWork) -> None:
        self.uow = uow
        self.items: dict[uuid.UUID, Project] = {}
        self.seen: list[Project] = []
        self.listed: list[Project] = []  # read by of_user: touched only if they record events

    def add(self, project: Project) -> None:
        """Keep the project, counted as touched; raises Conflict for a key the user has."""
        if self.by_key(project.user_id, project.key) is not None:
            raise Conflict("name taken", fields={"name": "already exists"})
        self.items[project.id] = project
        self.seen.append(project)

    def get(self, user_id: uuid.UUID, project_id: uuid.UUID) -> Project:
        """One of the user's projects, counted as touched; raises NotFound."""
        project = self.items.get(project_id)
        if project is None or project.user_id != user_id:
            raise NotFound("project not found", fields={"id": "no such project"})
        self.seen.append(project)
        return project

    def inbox(self, user_id: uuid.UUID) -> Project | None:
        """The user's Inbox, or None."""
        return next((p for p in self.items.values() if p.user_id == user_id and p.inbox), None)

    def by_key(self, user_id: uuid.UUID, key: str) -> Project | None:
        """The user's project of case-folded name `key`, or None."""
        mine = (p for p in self.items.values() if p.user_id == user_id)
        return next((p for p in mine if p.key == key), None)

    def with_counts(self, user_id: uuid.UUID) -> list[tuple[Project, int]]:
        """The user's projects by (position, created_at), with their open task counts."""
        tasks = self.uow.tasks.items.values()
        mine = [p for p in self.items.values() if p.user_id == user_id]
        mine.sort(key=lambda p: (p.position, p.created_at or NOW))
        return [(p, sum(t.project_id == p.id and not t.is_completed for t in tasks)) for p in mine]

    def count(self, user_id: uuid.UUID) -> tuple[int, int]:
        """(how many projects the user has, the highest position or -1)."""
        mine = [p for p in self.items.values() if p.user_id == user_id]
        return len(mine), max((p.position for p in mine), default=-1)

    def of_user(self, user_id: uuid.UUID) -> list[Project]:
        """The user's projects by position (those changed afterwards count as touched at
        commit, as the database stamps only what changed)."""
        mine = [p for p in self.items.values() if p.user_id == user_id]
        mine.sort(key=lambda p: (p.position, p.created_at or NOW))
        self.listed.extend(mine)
        return mine

    def changed_since(
        self,
        user_id: uuid.UUID,
        seq: int,
        *,
        after: uuid.UUID | None = None,
        limit: int | None = None,
        upto: int | None = None,
    ) -> list[Project]:
        """The user's projects stamped past (`seq`, `after`) (up to `upto`), oldest change first."""
        return changed_between(self.items.values(), user_id, (seq, after), limit, upto)


class FakeSectionRepository:
    def __init__(self, uow: FakeUnitOfWork) -> None:
        self.uow = uow
        self.items: dict[uuid.UUID, Section] = {}
        self.seen: list[Section] = []

    def add(self, section: Section) -> None:
        """Keep the section, counted as touched."""
        self.items[section.id] = section
        self.seen.append(section)

    def get(self, user_id: uuid.UUID, section_id: uuid.UUID) -> Section:
        """One of the user's sections, counted as touched; raises NotFound."""
        section = self.items.get(section_id)
        if section is None or section.user_id != user_id:
            raise NotFound("section not found", fields={"id": "no such section"})
        self.seen.append(section)
        return section

    def of_project(self, project_id: uuid.UUID) -> list[Section]:
        """The project's sections by (position, created_at)."""
        found = [s for s in self.items.values() if s.project_id == project_id]
        return sorted(found, key=lambda s: (s.position, s.created_at or NOW))

    def changed_since(
        self,
        user_id: uuid.UUID,
        seq: int,
        *,
        after: uuid.UUID | None = None,
        limit: int | None = None,
        upto: int | None = None,
    ) -> list[Section]:
        """The user's sections stamped past (`seq`, `after`) (up to `upto`), oldest change first."""
        return changed_between(self.items.values(), user_id, (seq, after), limit, upto)


class FakeTaskRepository:
    def __init__(self, uow: FakeUnitOfWork) -> None:
        self.uow = uow
        self.items: dict[uuid.UUID, Task] = {}
        self.seen: list[Task] = []

    def add(self, task: Task) -> None:
        """Keep the task and count it as touched by this transaction."""
        self.items[task.id] = task
        self.seen.append(task)

    def refresh_statistics(self, added: int) -> None:
        """Nothing to do: a dict plans no queries."""

    def get(self, user_id: uuid.UUID, task_id: uuid.UUID, *, lock: bool = False) -> Task:
        """One of the user's tasks, counted as touched (`lock` is ignored); raises NotFound."""
        task = self.items.get(task_id)
        if task is None or task.user_id != user_id:
            raise NotFound("task not found", fields={"id": "no such task"})
        self.seen.append(task)
        return task

    def view(self, user_id: uuid.UUID, task_id: uuid.UUID, zone: tzinfo) -> Task:
        """One of the user's tasks itself standing in for its read view (not counted as touched);
        raises NotFound."""
        task = self.items.get(task_id)
        if task is None or task.user_id != user_id:
            raise NotFound("task not found", fields={"id": "no such task"})
        return task

    def page(self, user_id: uuid.UUID, query: TaskQuery, *, now: datetime) -> Page:
        """Only the status filter and the first page, oldest first: enough for the use case."""
        found = [
            t
            for t in self.items.values()
            if t.user_id == user_id and (not query.statuses or t.status in query.statuses)
        ]
        found.sort(key=lambda t: (t.created_at or now, t.id))
        self.seen.extend(found[: query.limit])
        return Page(items=found[: query.limit], next_cursor=None)

    def with_tag(self, user_id: uuid.UUID, tag_id: uuid.UUID) -> list[Task]:
        """The user's tasks carrying tag `tag_id`, counted as touched."""
        found = [
            t
            for t in self.items.values()
            if t.user_id == user_id and any(tag.id == tag_id for tag in t.tags)
        ]
        self.seen.extend(found)
        return found

    def series(
        self, user_id: uuid.UUID, series_id: uuid.UUID, *, after: int, limit: int
    ) -> list[Task]:
        """The series' occurrences numbered above `after`, in order, at most `limit`."""
        found = [
            t
            for t in self.items.values()
            if t.user_id == user_id and t.series_id == series_id and (t.occurrence or 0) > after
        ]
        return sorted(found, key=lambda t: t.occurrence or 0)[:limit]

    def occurrence(self, user_id: uuid.UUID, series_id: uuid.UUID, number: int) -> Task | None:
        """Occurrence `number` of the series (counted as touched), or None."""
        found = self.series(user_id, series_id, after=number - 1, limit=1)
        task = found[0] if found and found[0].occurrence == number else None
        if task is not None:
            self.seen.append(task)
        return task

    def changed_since(
        self,
        user_id: uuid.UUID,
        seq: int,
        *,
        after: uuid.UUID | None = None,
        limit: int | None = None,
        upto: int | None = None,
    ) -> list[Task]:
        """The user's tasks stamped past (`seq`, `after`) (up to `upto`), oldest change first, at most
        `limit`."""
        return changed_between(self.items.values(), user_id, (seq, after), limit, upto)

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
        """The tasks changed_since gives, each as the presenter's JSON in `zone`."""
        from taskai.api.presenters import task_public

        found = self.changed_since(user_id, seq, after=after, limit=limit, upto=upto)
        self.count_subtasks(found)
        return [
            ChangedTask(str(t.id), t.change_seq, json.loads(task_public(t, zone).model_dump_json()))  # type: ignore[arg-type]
            for t in found
        ]

    def deleted_since(
        self,
        user_id: uuid.UUID,
        seq: int,
        *,
        after: uuid.UUID | None = None,
        limit: int | None = None,
        upto: int | None = None,
    ) -> list[tuple[str, uuid.UUID, int]]:
        """(entity, id, change number) of the user's deletions past (`seq`, `after`) (up to `upto`), oldest
        first."""
        rows = changed_between(self.uow.deletions, user_id, (seq, after), limit, upto)
        return [(row.entity, row.id, row.change_seq) for row in rows]

    # Import and export (issue 17)
    def every(self, user_id: uuid.UUID, *, after: uuid.UUID | None, limit: int) -> list[Task]:
        """Up to `limit` of the user's tasks by id after id `after` (None: from the first)."""
        found = sorted(
            (
                t
                for t in self.items.values()
                if t.user_id == user_id and (after is None or t.id > after)
            ),
            key=lambda t: t.id,
        )
        return found[:limit]

    # subtasks and manual order (#16)
    def _in(self, user_id: uuid.UUID, place: Place) -> list[Task]:
        found = [t for t in self.items.values() if t.user_id == user_id and t.place == place]
        return sorted(found, key=lambda t: (t.position, t.id))

    def children(self, user_id: uuid.UUID, parent_ids: Sequence[uuid.UUID]) -> list[Task]:
        """The direct subtasks of these tasks by position, counted as touched."""
        found = [
            t for t in self.items.values() if t.user_id == user_id and t.parent_id in parent_ids
        ]
        found.sort(key=lambda t: (t.position, t.id))
        self.seen.extend(found)
        return found

    def next_position(self, user_id: uuid.UUID, place: Place) -> int:
        """A position after every task in `place`."""
        found = self._in(user_id, place)
        return (found[-1].position if found else 0) + GAP

    def neighbour(
        self,
        user_id: uuid.UUID,
        place: Place,
        position: int,
        *,
        after: bool,
        excluding: uuid.UUID,
    ) -> int | None:
        """The position next after (or before) `position` in `place`, or None."""
        others = [t.position for t in self._in(user_id, place) if t.id != excluding]
        if after:
            return min((p for p in others if p > position), default=None)
        return max((p for p in others if p < position), default=None)

    def siblings(self, user_id: uuid.UUID, place: Place) -> list[Task]:
        """Every task in `place` by position, counted as touched."""
        found = self._in(user_id, place)
        self.seen.extend(found)
        return found

    # All-day tasks follow their owner's zone (#16)
    def all_day_starts(
        self, user_id: uuid.UUID, *, after: uuid.UUID | None, limit: int
    ) -> list[tuple[uuid.UUID, datetime]]:
        """(id, due_at) of the user's all-day tasks by id, after id `after`."""
        found = sorted(
            (t.id, t.due_at)
            for t in self.items.values()
            if t.user_id == user_id
            and t.all_day
            and t.due_at is not None
            and (after is None or t.id > after)
        )
        return found[:limit]

    def reanchor(self, user_id: uuid.UUID, moves: Sequence[tuple[uuid.UUID, datetime]]) -> None:
        """Set due_at of the tasks given, stamped with the owner's next change number."""
        if moves:
            user = self.uow.users.items[user_id]
            user.change_seq += 1
            for task_id, due_at in moves:
                task = self.items[task_id]
                task.due_at, task.change_seq = due_at, user.change_seq

    def count_subtasks(self, tasks: Sequence[Task]) -> None:
        """Fill in the subtask counts of these tasks."""
        for task in tasks:
            subs = [t for t in self.items.values() if t.parent_id == task.id]
            task.subtask_count = len(subs)
            task.completed_subtask_count = sum(t.is_completed for t in subs)


# Import and export (issue 17)
class FakeImportLog:
    def __init__(self) -> None:
        self.reports: dict[tuple[uuid.UUID, str], dict[str, Any]] = {}

    def report(self, user_id: uuid.UUID, import_id: str) -> dict[str, Any] | None:
        """The report of the user's import `import_id`, if it ran before."""
        return self.reports.get((user_id, import_id))

    def remember(
        self, user_id: uuid.UUID, import_id: str, report: dict[str, Any], now: datetime
    ) -> None:
        """Record the import (at once: the fake has no rollback)."""
        self.reports[(user_id, import_id)] = report


@dataclass(frozen=True)
class Deletion:
    """A row of the deletions log that sync reads."""

    entity: str
    id: uuid.UUID
    user_id: uuid.UUID
    change_seq: int


class FakeAuditLog:
    def __init__(self) -> None:
        self.rows: list[dict[str, object]] = []

    def record(self, **row: object) -> None:
        """Append the row's fields as given."""
        self.rows.append(row)

    def actions(self) -> list[object]:
        """The `action` of every row, oldest first."""
        return [row["action"] for row in self.rows]


class FakeProcessedEvents:
    def __init__(self) -> None:
        self.handled: set[tuple[str, str]] = set()

    def seen(self, consumer: str, event_id: str) -> bool:
        """True when `consumer` already remembered `event_id`."""
        return (consumer, event_id) in self.handled

    def remember(self, consumer: str, event_id: str, now: datetime) -> None:
        """Mark `event_id` handled by `consumer` (`now` is not kept)."""
        self.handled.add((consumer, event_id))


class FakeReminderRepository:
    def __init__(self, uow: FakeUnitOfWork) -> None:
        self.uow = uow

    def all(self) -> dict[uuid.UUID, tuple[Reminder, Task]]:
        """Every reminder of every task, with its task."""
        tasks = self.uow.tasks.items.values()
        return {r.id: (r, task) for task in tasks for r in task.reminders}

    def claim_due(self, now: datetime, limit: int) -> list[DueReminder]:
        """Pending reminders due by `now`, earliest first, at most `limit` (their status is left
        as is)."""
        due = [(r, t) for r, t in self.all().values() if r.status == PENDING and r.fire_at <= now]
        due.sort(key=lambda pair: (pair[0].fire_at, pair[0].id))
        return [
            DueReminder(r.id, t.id, t.user_id, r.minutes_before, r.at, r.fire_at, t.title, t.due_at)
            for r, t in due[:limit]
        ]

    def mark(self, reminder_ids: list[uuid.UUID], transition: Transition) -> None:
        """Apply `transition` to each reminder in one of its source states; others stay as they
        are."""
        reminders = self.all()
        for reminder_id in reminder_ids:
            reminder = reminders[reminder_id][0]
            if reminder.status in TRANSITIONS[transition].sources:
                reminder.status = single_target(transition)

    def lock(self, reminder_id: uuid.UUID) -> str | None:
        """The reminder's status, or None when it is gone."""
        found = self.all().get(reminder_id)
        return None if found is None else found[0].status

    def all_day_offsets(
        self, user_id: uuid.UUID, *, after: uuid.UUID | None, limit: int
    ) -> list[AllDayOffset]:
        """Pending or skipped offset reminders of the user's open all-day tasks, by id."""
        found = sorted(
            AllDayOffset(r.id, r.minutes_before, t.due_at)
            for r, t in self.all().values()
            if t.user_id == user_id
            and t.all_day
            and t.due_at is not None
            and not t.is_completed
            and r.minutes_before is not None
            and r.status in (PENDING, SKIPPED)
            and (after is None or r.id > after)
        )
        return found[:limit]

    def refire(self, moves: Sequence[tuple[uuid.UUID, datetime, ReminderState]]) -> None:
        """Set fire_at and status of the reminders given."""
        reminders = self.all()
        for reminder_id, fire_at, status in moves:
            reminder = reminders[reminder_id][0]
            reminder.fire_at, reminder.status = fire_at, status

    def recipient(self, user_id: uuid.UUID, task_id: uuid.UUID) -> Recipient | None:
        """Who gets the email: None without the user; no priority or status when the task is
        gone."""
        user = self.uow.users.items.get(user_id)
        if user is None:
            return None
        task = self.uow.tasks.items.get(task_id)
        if task is None or task.user_id != user_id:
            return Recipient(user.email, user.name, user.timezone, None, None)
        return Recipient(
            user.email, user.name, user.timezone, task.priority, task.status, task.all_day
        )


class FakeNotificationLog:
    def __init__(self) -> None:
        self.rows: dict[tuple[uuid.UUID, int], dict[str, Any]] = {}

    def last_attempt(self, reminder_id: uuid.UUID) -> dict[str, Any] | None:
        """The row of the reminder's highest attempt number, or None."""
        attempts = [row for (rid, _), row in self.rows.items() if rid == reminder_id]
        return max(attempts, key=lambda row: int(row["attempt"]), default=None)

    def start(self, **row: object) -> None:
        """Keep a new attempt row keyed by (reminder_id, attempt), error and finished_at None."""
        key = (uuid.UUID(str(row["reminder_id"])), int(str(row["attempt"])))
        self.rows[key] = {"error": None, "finished_at": None, **row}

    def finish(self, reminder_id: uuid.UUID, attempt: int, **outcome: object) -> None:
        """Update the attempt's row with `outcome`; raises KeyError for an attempt never started."""
        self.rows[(reminder_id, attempt)].update(outcome)

    def of_reminder(self, reminder_id: uuid.UUID) -> list[dict[str, Any]]:
        """Every attempt of the reminder, first first."""
        return sorted(
            (row for (rid, _), row in self.rows.items() if rid == reminder_id),
            key=lambda row: int(row["attempt"]),
        )


# Web Push reminders (issue 17)
class FakePushSubscriptionRepository:
    def __init__(self) -> None:
        self.items: dict[uuid.UUID, PushSubscription] = {}

    def add(self, subscription: PushSubscription) -> None:
        """Keep the subscription by id."""
        self.items[subscription.id] = subscription

    def of_user(self, user_id: uuid.UUID) -> list[PushSubscription]:
        """The user's subscriptions, oldest first."""
        mine = [s for s in self.items.values() if s.user_id == user_id]
        return sorted(mine, key=lambda s: (s.created_at, str(s.id)))

    def count(self, user_id: uuid.UUID) -> int:
        """How many subscriptions the user has."""
        return len(self.of_user(user_id))

    def by_endpoint(self, user_id: uuid.UUID, endpoint: str) -> PushSubscription | None:
        """The user's subscription to this endpoint, else None."""
        return next((s for s in self.of_user(user_id) if s.endpoint == endpoint), None)

    def get(self, user_id: uuid.UUID, subscription_id: uuid.UUID) -> PushSubscription:
        """One of the user's subscriptions; raises NotFound (also for another user's)."""
        found = self.items.get(subscription_id)
        if found is None or found.user_id != user_id:
            raise NotFound("push subscription not found", fields={"id": "no such subscription"})
        return found

    def remove(self, subscription_id: uuid.UUID) -> None:
        """Forget the subscription if it is there."""
        self.items.pop(subscription_id, None)


class FakePushAttemptLog:
    def __init__(self) -> None:
        self.rows: dict[tuple[uuid.UUID, uuid.UUID, int], dict[str, Any]] = {}

    def last_attempts(self, reminder_id: uuid.UUID) -> dict[uuid.UUID, dict[str, Any]]:
        """The reminder's latest attempt row per subscription id."""
        latest: dict[uuid.UUID, dict[str, Any]] = {}
        for (rid, sid, _attempt), row in sorted(self.rows.items(), key=lambda kv: kv[0][2]):
            if rid == reminder_id:
                latest[sid] = row
        return latest

    def start(self, **row: Any) -> None:
        """Keep a new attempt row keyed by (reminder_id, subscription_id, attempt)."""
        key = (row["reminder_id"], row["subscription_id"], int(row["attempt"]))
        assert key not in self.rows, "an attempt claimed twice"
        self.rows[key] = {"response_status": None, "error": None, "finished_at": None, **row}

    def finish(
        self, reminder_id: uuid.UUID, subscription_id: uuid.UUID, attempt: int, **outcome: object
    ) -> None:
        """Update the attempt's row with `outcome`; KeyError for an attempt never started."""
        self.rows[(reminder_id, subscription_id, attempt)].update(outcome)


@dataclass
class FakePushSender:
    """Answers each push from `answers` (then 201) and keeps what it was given; checks endpoints
    by the webhooks' URL rules only (no DNS)."""

    public_key: str = "B" + "A" * 86
    answers: list[int] = field(default_factory=list)
    pushed: list[tuple[PushSubscription, str, int, str, str]] = field(default_factory=list)

    def check(self, endpoint: str) -> None:
        """InvalidInput naming endpoint for a URL the webhooks' rules refuse."""
        from taskai.domain.webhooks import check_url

        try:
            check_url(endpoint, plain_http_hosts=())
        except InvalidInput as e:
            raise InvalidInput("endpoint", fields={"endpoint": e.message}) from e

    def check_key(self, p256dh: str) -> None:
        """Any point will do here (the fake encrypts nothing)."""

    def send(
        self, subscription: PushSubscription, payload: str, *, ttl_s: int, urgency: str, topic: str
    ) -> PushAnswer:
        """Keep the push; the next scripted status (201 when none is left)."""
        self.pushed.append((subscription, payload, ttl_s, urgency, topic))
        status = self.answers.pop(0) if self.answers else 201
        return PushAnswer(status, None if status < 300 else f"HTTP {status}")


class FakeUnitOfWork:
    """Dict-backed repositories that outlive each `with`; `published` is the outbox."""

    def __init__(self) -> None:
        self.users = FakeUserRepository(self)
        self.tags = FakeTagRepository(self)
        self.tasks = FakeTaskRepository(self)
        self.audit = FakeAuditLog()
        self.processed = FakeProcessedEvents()
        self.reminders = FakeReminderRepository(self)
        self.notifications = FakeNotificationLog()
        self.api_tokens = FakeApiTokenRepository()
        self.webhooks = FakeWebhookRepository()  # webhooks (issue 17)
        self.deliveries = FakeDeliveryRepository()
        self.filters = FakeSavedFilterRepository(self)  # saved filters (issue 16)
        self.calendar = FakeCalendarFeedRepository(self)  # the calendar feed (issue 17)
        self.projects = FakeProjectRepository(self)
        self.sections = FakeSectionRepository(self)
        self.imports = FakeImportLog()  # import and export (issue 17)
        self.scopes: tuple[str, ...] | None = None  # live push (issue 17): a token's, if any
        self.push_subscriptions = FakePushSubscriptionRepository()  # Web Push (issue 17)
        self.push_attempts = FakePushAttemptLog()
        self.deletions: list[Deletion] = []
        self.published: list[DomainEvent] = []
        self.commits = 0
        self._extra: list[DomainEvent] = []
        self._deleted: list[tuple[str, Task | Tag | SavedFilter | Project | Section]] = []

    def __enter__(self) -> FakeUnitOfWork:
        for repository in (self.tasks, self.tags, self.filters, self.projects, self.sections):
            repository.seen.clear()
        self.projects.listed.clear()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.rollback()

    def delete_task(self, task: Task) -> None:
        """Remove the task now; its deletion is logged for sync at commit."""
        self.tasks.seen.append(task)
        self.tasks.items.pop(task.id, None)
        self._deleted.append(("task", task))

    def delete_subtasks(self, tasks: Sequence[Task]) -> None:
        """Remove these subtasks now; their deletions are logged for sync at commit."""
        for task in tasks:
            self.delete_task(task)

    def delete_tag(self, tag: Tag) -> None:
        """Remove the tag now; its deletion is logged for sync at commit."""
        self.tags.items.pop(tag.id, None)
        self._deleted.append(("tag", tag))

    def delete_filter(self, saved: SavedFilter) -> None:
        """Remove the saved filter now; its deletion is logged for sync at commit."""
        self.filters.items.pop(saved.id, None)
        self._deleted.append(("filter", saved))

    def delete_project(self, project: Project, *, move_to: uuid.UUID | None) -> None:
        """Remove the project and its sections now; move its tasks to `move_to` (no section)
        or delete them; deletions are logged for sync at commit."""
        self.projects.seen.append(project)
        self.projects.items.pop(project.id, None)
        self._deleted.append(("project", project))
        for section in self.sections.of_project(project.id):
            self.sections.items.pop(section.id)
            self._deleted.append(("section", section))
        leaving = [t for t in self.tasks.items.values() if t.project_id == project.id]
        if move_to is not None:
            self._renumber_after(leaving, Place(move_to, None, None))
        for task in leaving:
            if move_to is None:
                self.tasks.items.pop(task.id)
                self._deleted.append(("task", task))
            else:
                task.project_id, task.section_id = move_to, None
                self.tasks.seen.append(task)

    def _renumber_after(self, tasks: Sequence[Task], to: Place) -> None:
        """Place the top-level ones of `tasks`, in order, GAP apart after the last of `to`."""
        last = self.tasks.next_position(tasks[0].user_id, to) - GAP if tasks else 0
        top = sorted((t for t in tasks if t.parent_id is None), key=lambda t: (t.position, t.id))
        for n, task in enumerate(top, start=1):
            task.position = last + n * GAP

    def delete_section(self, section: Section) -> None:
        """Remove the section now and take its tasks out of it; logged for sync at commit."""
        self.sections.seen.append(section)
        self.sections.items.pop(section.id, None)
        self._deleted.append(("section", section))
        leaving = [t for t in self.tasks.items.values() if t.section_id == section.id]
        self._renumber_after(leaving, Place(section.project_id, None, None))
        for task in leaving:
            task.section_id = None
            self.tasks.seen.append(task)

    def publish(self, event: DomainEvent) -> None:
        """Collect an event not recorded by a task; it is published at commit."""
        self._extra.append(event)

    def commit(self) -> None:
        """Stamp what this transaction touched with its owner's next change number, and move
        the collected events to `published`."""
        self.projects.seen.extend(p for p in self.projects.listed if p.events)
        self.projects.listed.clear()
        touched: list[Task | Tag | SavedFilter | Project | Section] = [
            *dict.fromkeys(self.tasks.seen),
            *dict.fromkeys(self.tags.seen),
            *dict.fromkeys(self.filters.seen),
            *dict.fromkeys(self.projects.seen),
            *dict.fromkeys(self.sections.seen),
        ]
        owners = {item.user_id for item in touched} | {i.user_id for _, i in self._deleted}
        seq = {}
        for user_id in owners & self.users.items.keys():
            self.users.items[user_id].change_seq += 1
            seq[user_id] = self.users.items[user_id].change_seq
        for item in touched:
            item.change_seq = seq.get(item.user_id, item.change_seq)
        for entity, gone in self._deleted:
            if gone.user_id in seq:
                self.deletions.append(Deletion(entity, gone.id, gone.user_id, seq[gone.user_id]))
        recorders: list[Task | Project | Section] = [
            *self.tasks.seen,
            *self.projects.seen,
            *self.sections.seen,
        ]
        for item in dict.fromkeys(recorders):
            self.published.extend(item.events)
            item.events.clear()
        self.published.extend(self._extra)
        self.commits += 1
        self.rollback()

    def rollback(self) -> None:
        """Forget the events and deletions not committed (changes to objects stay)."""
        self._extra.clear()
        self._deleted.clear()

    def event_types(self) -> list[str]:
        """The class name of every published event, in order (e.g. "TaskCompleted")."""
        return [type(event).__name__ for event in self.published]


class FakeClock:
    """A clock that moves only when told."""

    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> datetime:
        """Move on by timedelta(**delta); returns the new time."""
        self.now += timedelta(**delta)
        return self.now


@dataclass
class FakeSender:
    """Keeps what it sends; `failure` makes every send raise it instead."""

    provider: str = "fake"
    sent: list[Email] = field(default_factory=list)
    failure: SendFailed | None = None

    def send(self, email: Email) -> Sent:
        """Keep the email and return Sent("msg-N"), N counting from 1; raises `failure` when set."""
        if self.failure is not None:
            raise self.failure
        self.sent.append(email)
        return Sent(message_id=f"msg-{len(self.sent)}")


@dataclass
class FakeParser:
    """A quick-add model that answers with `draft`, or raises `failure`."""

    draft: Draft | None = None
    failure: Exception | None = None

    def parse(self, text: str, *, now: datetime, tz: str, language: str = "en") -> Draft:
        """The preset `draft`, whatever the text; raises `failure` when set."""
        if self.failure is not None:
            raise self.failure
        assert self.draft is not None
        return self.draft


class FakePasswords:
    """Hashes anyone could reverse, and a short list of guessable passwords."""

    GUESSABLE = frozenset({"password", "12345678", "qwertyuiop"})

    def hash(self, password: str) -> str:
        """The password prefixed with "hashed:", reversible at a glance."""
        return f"hashed:{password}"

    def matches(self, password: str, password_hash: str | None) -> bool:
        """True when `password_hash` is "hashed:" + `password`."""
        return password_hash == f"hashed:{password}"

    def is_guessable(self, password: str, *, related: Sequence[str]) -> bool:
        """True for a GUESSABLE password or one containing a non-empty `related` word."""
        return password in self.GUESSABLE or any(r and r in password for r in related)


class FakeTokens:
    ttl_seconds = 900

    def issue(self, user_id: uuid.UUID, *, now: datetime, version: int = 0) -> str:
        """The token "token:<user_id>:<version>", whatever `now`."""
        return f"token:{user_id}:{version}"


@dataclass
class FakePublisher:
    """Takes `accept` records of each call at most (all when None)."""

    accept: int | None = None
    delivered: list[OutboxRecord] = field(default_factory=list)

    def publish(self, records: Sequence[OutboxRecord]) -> int:
        """Take the first `accept` records (all when None); returns how many were taken."""
        taken = list(records[: self.accept] if self.accept is not None else records)
        self.delivered.extend(taken)
        return len(taken)


class FakeOutbox:
    """Records waiting in commit order; `busy` makes the turn taken by someone else."""

    def __init__(self, count: int = 0, *, at: datetime = datetime(2030, 1, 1, tzinfo=UTC)):
        self.records = [record(position, at) for position in range(1, count + 1)]
        self.published: dict[int, datetime] = {}
        self.busy = False
        self.purged_before: datetime | None = None

    @contextmanager
    def turn(self) -> Iterator[None]:
        """Hold the relay's turn for the `with` block; raises RelayBusy when `busy`."""
        if self.busy:
            raise RelayBusy("another relay is running")
        self.busy = True
        try:
            yield
        finally:
            self.busy = False

    def unpublished(self, limit: int, *, now: datetime | None = None) -> list[OutboxRecord]:
        """The first `limit` records not yet published, in commit order."""
        return [r for r in self.records if r.position not in self.published][:limit]

    def mark_published(
        self, positions: Sequence[int], *, now: datetime, purge_before: datetime | None = None
    ) -> None:
        """Stamp `positions` published at `now`; remember `purge_before` when given."""
        self.published.update(dict.fromkeys(positions, now))
        if purge_before is not None:
            self.purged_before = purge_before


def record(position: int, at: datetime) -> OutboxRecord:
    """An outbox record of a task event."""
    return OutboxRecord(
        position=position,
        event_id=str(uuid.uuid4()),
        topic="task-events",
        key=f"task-{position}",
        type="com.taskai.task.updated",
        occurred_at=at,
        data={},
        traceparent=None,
    )


def new_task(uow: FakeUnitOfWork, user: User, title: str = "Pay rent", **fields: Any) -> Task:
    """A task of `user`'s made by the create use case at NOW (fields: those of TaskDraft)."""
    from taskai.services.tasks import TaskDraft, create_task

    return create_task(uow=uow, user_id=user.id, draft=TaskDraft(title=title, **fields), now=NOW)


if TYPE_CHECKING:  # `mypy tests/unit/fakes.py`: each fake meets its port
    from taskai import ports

    _uow: type[ports.UnitOfWork] = FakeUnitOfWork
    _clock: ports.Clock = FakeClock(datetime.now(UTC))
    _sender: type[ports.EmailSender] = FakeSender
    _parser: type[ports.Parser] = FakeParser
    _passwords: type[ports.PasswordHasher] = FakePasswords
    _tokens: type[ports.TokenIssuer] = FakeTokens
    _publisher: type[ports.Publisher] = FakePublisher
    _outbox: type[ports.OutboxStore] = FakeOutbox
    _pusher: type[ports.PushSender] = FakePushSender  # Web Push (issue 17)


def wire(event: DomainEvent) -> EventData:
    """A recorded event as a consumer receives it: its contract's JSON, parsed by the contract."""
    return parse({"specversion": "1.0", "type": event.type, "data": event_data(event)})
