"""Repositories: load and store aggregates for one unit of work, always scoped to their owner."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import func, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from taskai.adapters import orm
from taskai.adapters.task_search import page_of_tasks
from taskai.domain.tags import Tag
from taskai.domain.tasks import Task
from taskai.domain.users import User
from taskai.errors import NotFound
from taskai.services.queries import Page, TaskQuery


class UserRepository:
    """Accounts."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def add(self, user: User) -> None:
        self.session.add(user)

    def get(self, user_id: uuid.UUID) -> User:
        user = self.session.get(User, user_id)
        if user is None:
            raise NotFound("user not found")
        return user

    def by_email(self, email: str) -> User | None:
        return self.session.scalars(select(User).where(orm.users.c.email == email)).first()

    def next_change_seq(self, user_id: uuid.UUID) -> int:
        """Bump the user's change counter; the row lock orders concurrent writers for sync."""
        stmt = (
            update(orm.users)
            .where(orm.users.c.id == user_id)
            .values(change_seq=orm.users.c.change_seq + 1)
            .returning(orm.users.c.change_seq)
        )
        return int(self.session.execute(stmt).scalar_one())


class TagRepository:
    """Tags of one user at a time."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def add(self, tag: Tag) -> None:
        self.session.add(tag)

    def get(self, user_id: uuid.UUID, tag_id: uuid.UUID) -> Tag:
        tag = self.session.get(Tag, tag_id)
        if tag is None or tag.user_id != user_id:
            raise NotFound("tag not found", fields={"id": "no such tag"})
        return tag

    def by_keys(self, user_id: uuid.UUID, keys: Iterable[str]) -> list[Tag]:
        """The user's tags whose case-folded names are in `keys`."""
        keys = list(keys)
        if not keys:
            return []
        stmt = select(Tag).where(orm.tags.c.user_id == user_id, orm.tags.c.key.in_(keys))
        return list(self.session.scalars(stmt))

    def get_or_create(
        self, user_id: uuid.UUID, wanted: dict[str, str], *, now: datetime
    ) -> list[Tag]:
        """Tags for `wanted` (key -> name as typed), creating the missing ones race-free."""
        found = {tag.key: tag for tag in self.by_keys(user_id, wanted)}
        for key, name in wanted.items():
            if key in found:
                continue
            tag = Tag.new(user_id=user_id, name=name, color=None, now=now)
            try:
                with self.session.begin_nested():
                    self.session.add(tag)
            except IntegrityError:  # a concurrent request created it first
                tag = self.by_keys(user_id, [key])[0]
            found[key] = tag
        return [found[key] for key in wanted]

    def with_usage(
        self, user_id: uuid.UUID, *, prefix: str | None, limit: int
    ) -> list[tuple[Tag, int]]:
        """Tags with their task counts, most used first; only names starting with `prefix`."""
        uses = func.count(orm.task_tags.c.task_id)
        stmt = (
            select(Tag, uses)
            .outerjoin(orm.task_tags, orm.task_tags.c.tag_id == orm.tags.c.id)
            .where(orm.tags.c.user_id == user_id)
            .group_by(orm.tags.c.id)
            .order_by(uses.desc(), orm.tags.c.key, orm.tags.c.id)
            .limit(limit)
        )
        if prefix:
            escaped = (
                prefix.casefold().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
            )
            stmt = stmt.where(orm.tags.c.key.like(escaped + "%", escape="\\"))
        return [(tag, int(count)) for tag, count in self.session.execute(stmt)]

    def delete(self, tag: Tag) -> None:
        self.session.delete(tag)

    def changed_since(self, user_id: uuid.UUID, seq: int) -> list[Tag]:
        stmt = select(Tag).where(orm.tags.c.user_id == user_id, orm.tags.c.change_seq > seq)
        return list(self.session.scalars(stmt.order_by(orm.tags.c.change_seq)))


class TaskRepository:
    """Tasks of one user at a time; every task it hands out is remembered for the outbox."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.seen: list[Task] = []

    def add(self, task: Task) -> None:
        self.session.add(task)
        self.seen.append(task)

    def get(self, user_id: uuid.UUID, task_id: uuid.UUID) -> Task:
        task = self.session.get(Task, task_id)
        if task is None or task.user_id != user_id:
            raise NotFound("task not found", fields={"id": "no such task"})
        self.seen.append(task)
        return task

    def delete(self, task: Task) -> None:
        self.session.delete(task)

    def page(self, user_id: uuid.UUID, query: TaskQuery, *, now: datetime) -> Page:
        page = page_of_tasks(self.session, user_id, query, now=now)
        self.seen.extend(page.items)
        return page

    def with_tag(self, user_id: uuid.UUID, tag_id: uuid.UUID) -> list[Task]:
        stmt = (
            select(Task)
            .join(orm.task_tags, orm.task_tags.c.task_id == orm.tasks.c.id)
            .where(orm.tasks.c.user_id == user_id, orm.task_tags.c.tag_id == tag_id)
        )
        found = list(self.session.scalars(stmt))
        self.seen.extend(found)
        return found

    def series(self, user_id: uuid.UUID, series_id: uuid.UUID) -> list[Task]:
        stmt = (
            select(Task)
            .where(orm.tasks.c.user_id == user_id, orm.tasks.c.series_id == series_id)
            .order_by(orm.tasks.c.occurrence)
        )
        return list(self.session.scalars(stmt))

    def changed_since(self, user_id: uuid.UUID, seq: int, limit: int) -> list[Task]:
        stmt = (
            select(Task)
            .where(orm.tasks.c.user_id == user_id, orm.tasks.c.change_seq > seq)
            .order_by(orm.tasks.c.change_seq, orm.tasks.c.id)
            .limit(limit)
        )
        return list(self.session.scalars(stmt))

    def deleted_since(self, user_id: uuid.UUID, seq: int) -> list[tuple[str, uuid.UUID, int]]:
        d = orm.deletions.c
        stmt = (
            select(d.entity, d.entity_id, d.change_seq)
            .where(d.user_id == user_id, d.change_seq > seq)
            .order_by(d.change_seq)
        )
        return [(e, i, s) for e, i, s in self.session.execute(stmt)]


class AuditLog:
    """audit.task_audit: what the system did to tasks on its own, and why."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def record(self, **row: object) -> None:
        with self.session.no_autoflush:  # a clash of the same commit surfaces at commit
            self.session.execute(insert(orm.task_audit), [row])

    def of_series(self, series_id: uuid.UUID) -> list[dict[str, object]]:
        stmt = select(orm.task_audit).where(orm.task_audit.c.series_id == series_id)
        return [dict(r._mapping) for r in self.session.execute(stmt.order_by(orm.task_audit.c.id))]


class ProcessedEvents:
    """events.processed_events: which consumer already handled which event."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def seen(self, consumer: str, event_id: str) -> bool:
        p = orm.processed_events.c
        stmt = select(p.event_id).where(p.consumer == consumer, p.event_id == event_id)
        return self.session.execute(stmt).first() is not None

    def remember(self, consumer: str, event_id: str, now: datetime) -> None:
        """Record the event as handled; a concurrent duplicate fails the commit (unique key)."""
        row = {"consumer": consumer, "event_id": event_id, "processed_at": now}
        with self.session.no_autoflush:
            self.session.execute(insert(orm.processed_events), [row])
