"""Repositories: load and store aggregates for one unit of work, always scoped to their owner."""

from __future__ import annotations

import json
import logging
import uuid
from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta, tzinfo
from functools import lru_cache
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Connection,
    Executable,
    Select,
    Table,
    bindparam,
    case,
    delete,
    func,
    insert,
    select,
    text,
    tuple_,
    union_all,
    update,
)
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlalchemy.orm import Session, make_transient_to_detached

from taskai.adapters import orm, sync_reads, task_reads
from taskai.adapters.account_store import LoginAttempts, PasswordResets
from taskai.adapters.db import clash
from taskai.domain.api_tokens import ApiToken
from taskai.domain.filters.saved import SavedFilter
from taskai.domain.names import email_key, name_key
from taskai.domain.projects import Project, Section
from taskai.domain.queries import Page, TaskQuery
from taskai.domain.reminders import PENDING, SKIPPED, TRANSITIONS, Transition, single_target
from taskai.domain.subtasks import Place, position_between
from taskai.domain.tags import Tag
from taskai.domain.tasks import Task
from taskai.domain.users import User
from taskai.domain.vocabulary import ReminderState, TaskStatus
from taskai.errors import NotFound
from taskai.ports import AllDayOffset, ChangedTask, DueReminder, Recipient, TaskView

log = logging.getLogger("taskai.repository")

BUMP_CHANGE_SEQ = (
    update(orm.users)
    .where(orm.users.c.id == bindparam("user_id"))
    .values(change_seq=orm.users.c.change_seq + 1)
    .returning(orm.users.c.change_seq)
)


class UserRepository:
    """Accounts."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.attempts = LoginAttempts(session)
        self.resets = PasswordResets(session)
        self.taken: dict[uuid.UUID, int] = {}  # change numbers this transaction took, by owner
        self.read: dict[uuid.UUID, int] = {}  # change numbers as this transaction read them

    def add(self, user: User) -> None:
        """Add the account to the session; inserted at flush (a taken email key fails the
        commit)."""
        self.session.add(user)

    def delete(self, user: User) -> None:
        """The account and what no cascade reaches (its audit trail); its rows go with it."""
        a = orm.task_audit.c
        self.session.execute(delete(orm.task_audit).where(a.user_id == user.id))
        # projects and sections: SQLite has no cascade from users to them
        for table in (orm.sections, orm.projects):
            self.session.execute(delete(table).where(table.c.user_id == user.id))
        self.session.delete(user)

    def get(self, user_id: uuid.UUID) -> User:
        """The account by id; raises NotFound."""
        user = self.session.get(User, user_id)
        if user is None:
            raise NotFound("user not found")
        return user

    def by_email(self, email: str) -> User | None:
        """The account of `email`, however its letters are cased or composed."""
        stmt = select(User).where(orm.users.c.email_key == email_key(email))
        return self.session.scalars(stmt).first()

    # Import and export (issue 17): `taskai import|export` without --user
    def sole(self) -> User | None:
        """The one account, when the database has exactly one (a personal install), else None."""
        found = list(self.session.scalars(select(User).limit(2)))
        return found[0] if len(found) == 1 else None

    def next_change_seq(self, user_id: uuid.UUID) -> int:
        """The user's change number for this transaction: the counter is bumped on the first
        call (its row lock, held to commit, orders concurrent writers for sync), then the same
        number is handed out until the unit of work commits or rolls back (see `taken`)."""
        if user_id not in self.taken:
            row = self.session.connection().execute(BUMP_CHANGE_SEQ, {"user_id": user_id})
            self.taken[user_id] = int(row.scalar_one())
        return self.taken[user_id]


class ApiTokenRepository:
    """Personal API tokens, of one user at a time (issue 17)."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def add(self, token: ApiToken) -> None:
        """Add the token to the session; inserted at flush."""
        self.session.add(token)

    def of_user(self, user_id: uuid.UUID) -> list[ApiToken]:
        """The user's tokens, newest first."""
        c = orm.api_tokens.c
        stmt = select(ApiToken).where(c.user_id == user_id).order_by(c.created_at.desc(), c.id)
        return list(self.session.scalars(stmt))

    def count(self, user_id: uuid.UUID) -> int:
        """How many tokens the user has."""
        c = orm.api_tokens.c
        return int(self.session.scalar(select(func.count()).where(c.user_id == user_id)) or 0)

    def get(self, user_id: uuid.UUID, token_id: uuid.UUID) -> ApiToken:
        """One of the user's tokens; raises NotFound (also for another user's token)."""
        token = self.session.get(ApiToken, token_id)
        if token is None or token.user_id != user_id:
            raise NotFound("token not found", fields={"id": "no such token"})
        return token

    def delete(self, token: ApiToken) -> None:
        """Delete the token: it is refused from the next request on."""
        self.session.delete(token)

    def with_owner(self, user_id: uuid.UUID, token_hash: str) -> tuple[ApiToken, User] | None:
        """The token of this hash and its owner `user_id`, in one read; None when unknown."""
        c = orm.api_tokens.c
        stmt = (
            select(ApiToken, User)
            .join(orm.users, orm.users.c.id == c.user_id)
            .where(c.token_hash == token_hash, c.user_id == user_id)
        )
        row = self.session.execute(stmt).first()
        return None if row is None else (row[0], row[1])

    def stamp_use(self, token_id: uuid.UUID, now: datetime, every: timedelta) -> None:
        """Set last_used_at to `now` unless it was set within `every` (by another request)."""
        c = orm.api_tokens.c
        stale = c.last_used_at.is_(None) | (c.last_used_at <= now - every)
        stmt = update(orm.api_tokens).where(c.id == token_id, stale).values(last_used_at=now)
        self.session.execute(stmt)


class TagRepository:
    """Tags of one user at a time."""

    def __init__(self, session: Session, users: UserRepository) -> None:
        self.session = session
        self.users = users  # whose change number new tags are stamped with

    def add(self, tag: Tag) -> None:
        """Add the tag to the session; inserted at flush (a taken name fails the commit)."""
        self.session.add(tag)

    def get(self, user_id: uuid.UUID, tag_id: uuid.UUID) -> Tag:
        """One of the user's tags; raises NotFound (also for another user's tag)."""
        tag = self.session.get(Tag, tag_id)
        if tag is None or tag.user_id != user_id:
            raise NotFound("tag not found", fields={"id": "no such tag"})
        return tag

    def by_keys(self, user_id: uuid.UUID, keys: Iterable[str]) -> list[Tag]:
        """The user's tags whose case-folded names are in `keys`."""
        keys = list(keys)
        if not keys:
            return []
        return list(self.session.scalars(_tags_by_keys(), {"user_id": user_id, "keys": keys}))

    def get_or_create(
        self, user_id: uuid.UUID, wanted: dict[str, str], *, now: datetime
    ) -> list[Tag]:
        """Tags for `wanted` (key -> name as typed), creating the missing ones race-free:
        one read, and for new names one INSERT … ON CONFLICT DO NOTHING stamped with the
        owner's change number (a name a concurrent request created first is read again)."""
        found = {tag.key: tag for tag in self.by_keys(user_id, wanted)}
        missing = [
            Tag.new(user_id=user_id, name=name, color=None, now=now)
            for key, name in wanted.items()
            if key not in found
        ]
        if missing:
            seq = self.users.next_change_seq(user_id)
            for tag in missing:
                tag.change_seq = seq
            postgres = self.session.get_bind().dialect.name == "postgresql"
            stmt = (
                (pg_insert if postgres else sqlite_insert)(orm.tags)
                .on_conflict_do_nothing(index_elements=["user_id", "key"])
                .returning(orm.tags.c.id)
            )  # compiled once; a multi-row .values() would be compiled again on every call
            rows = [row_of(orm.tags, tag) for tag in missing]
            made = set(self.session.execute(stmt, rows).scalars())
            for tag in missing:
                if tag.id in made:  # in the session as stored, not inserted again at flush
                    make_transient_to_detached(tag)
                    self.session.add(tag)
                    found[tag.key] = tag
            lost = [key for key in wanted if key not in found]
            found.update((tag.key, tag) for tag in self.by_keys(user_id, lost))
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
            escaped = name_key(prefix).replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
            stmt = stmt.where(orm.tags.c.key.like(escaped + "%", escape="\\"))
        return [(tag, int(count)) for tag, count in self.session.execute(stmt)]

    def delete(self, tag: Tag) -> None:
        """Delete the tag; its task_tags rows go with it (ON DELETE CASCADE)."""
        self.session.delete(tag)

    def changed_since(
        self,
        user_id: uuid.UUID,
        seq: int,
        *,
        after: uuid.UUID | None = None,
        limit: int | None = None,
        upto: int | None = None,
    ) -> list[Tag]:
        """Tags changed after `seq` (or after tag `after` of change `seq`; and at most at
        `upto`), by change then id."""
        return _changed(self.session, Tag, orm.tags, user_id, (seq, after), limit, upto)


class SavedFilterRepository:
    """Saved filters of one user at a time (issue 16)."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def add(self, saved: SavedFilter) -> None:
        """Add the filter to the session; inserted at flush (a taken name fails the commit)."""
        self.session.add(saved)

    def get(self, user_id: uuid.UUID, filter_id: uuid.UUID) -> SavedFilter:
        """One of the user's filters; raises NotFound (also for another user's filter)."""
        saved = self.session.get(SavedFilter, filter_id)
        if saved is None or saved.user_id != user_id:
            raise NotFound("filter not found", fields={"id": "no such filter"})
        return saved

    def by_key(self, user_id: uuid.UUID, key: str) -> SavedFilter | None:
        """The user's filter whose name has this key (normalized, case-folded), else None."""
        c = orm.saved_filters.c
        return self.session.scalars(
            select(SavedFilter).where(c.user_id == user_id, c.key == key)
        ).first()

    def of_user(self, user_id: uuid.UUID) -> list[SavedFilter]:
        """The user's filters by position, then name key."""
        c = orm.saved_filters.c
        stmt = select(SavedFilter).where(c.user_id == user_id).order_by(c.position, c.key, c.id)
        return list(self.session.scalars(stmt))

    def count(self, user_id: uuid.UUID) -> tuple[int, int]:
        """(how many filters the user has, the highest position among them or -1)."""
        c = orm.saved_filters.c
        stmt = select(func.count(), func.coalesce(func.max(c.position), -1)).where(
            c.user_id == user_id
        )
        found, highest = self.session.execute(stmt).one()
        return int(found), int(highest)

    def delete(self, saved: SavedFilter) -> None:
        """Delete the filter."""
        self.session.delete(saved)

    def changed_since(
        self,
        user_id: uuid.UUID,
        seq: int,
        *,
        after: uuid.UUID | None = None,
        limit: int | None = None,
        upto: int | None = None,
    ) -> list[SavedFilter]:
        """Filters changed after `seq` (or after filter `after` of change `seq`; and at most at
        `upto`), by change then id."""
        return _changed(
            self.session, SavedFilter, orm.saved_filters, user_id, (seq, after), limit, upto
        )


class ProjectRepository:
    """Projects of one user at a time; every project it hands out is remembered for the outbox."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.seen: list[Project] = []

    def add(self, project: Project) -> None:
        """Insert the project now (what is pending first, its owner included), so tasks added
        in the same transaction may refer to it; a taken name raises Conflict."""
        try:
            self.session.flush()
            self.session.add(project)
            self.seen.append(project)
            self.session.flush()
        except IntegrityError as e:
            raise clash(e) from e

    def get(self, user_id: uuid.UUID, project_id: uuid.UUID) -> Project:
        """One of the user's projects; raises NotFound (also for another user's)."""
        project = self.session.get(Project, project_id)
        if project is None or project.user_id != user_id:
            raise NotFound("project not found", fields={"id": "no such project"})
        self.seen.append(project)
        return project

    def inbox(self, user_id: uuid.UUID) -> Project | None:
        """The user's Inbox, if it has one."""
        p = orm.projects.c
        return self.session.scalars(select(Project).where(p.user_id == user_id, p.inbox)).first()

    def by_key(self, user_id: uuid.UUID, key: str) -> Project | None:
        """The user's project whose case-folded name is `key`."""
        p = orm.projects.c
        stmt = select(Project).where(p.user_id == user_id, p.key == key)
        return self.session.scalars(stmt).first()

    def with_counts(self, user_id: uuid.UUID) -> list[tuple[Project, int]]:
        """All the user's projects (at most MAX_PROJECTS) by position, with open task counts."""
        p, t = orm.projects.c, orm.tasks.c
        open_tasks = (
            select(t.project_id, func.count().label("n"))
            .where(t.user_id == user_id, t.status != "completed")
            .group_by(t.project_id)
            .subquery()
        )
        stmt = (
            select(Project, func.coalesce(open_tasks.c.n, 0))
            .outerjoin(open_tasks, open_tasks.c.project_id == p.id)
            .where(p.user_id == user_id)
            .order_by(p.position, p.created_at, p.id)
        )
        return [(project, int(n)) for project, n in self.session.execute(stmt)]

    # positions that never repeat (#16): new ones last, an explicit one makes room
    def count(self, user_id: uuid.UUID) -> tuple[int, int]:
        """(how many projects the user has, archived ones included; the highest position or
        -1)."""
        p = orm.projects.c
        stmt = select(func.count(), func.coalesce(func.max(p.position), -1))
        count, highest = self.session.execute(stmt.where(p.user_id == user_id)).one()
        return int(count), int(highest)

    def of_user(self, user_id: uuid.UUID) -> list[Project]:
        """Every project of the user (at most MAX_PROJECTS) by position, remembered for the
        outbox."""
        p = orm.projects.c
        stmt = select(Project).where(p.user_id == user_id).order_by(p.position, p.created_at)
        found = list(self.session.scalars(stmt))
        self.seen.extend(found)
        return found

    def changed_since(
        self,
        user_id: uuid.UUID,
        seq: int,
        *,
        after: uuid.UUID | None = None,
        limit: int | None = None,
        upto: int | None = None,
    ) -> list[Project]:
        """Projects changed after `seq` (or after project `after` of change `seq`; and at most
        at `upto`), by change then id."""
        return _changed(self.session, Project, orm.projects, user_id, (seq, after), limit, upto)


class SectionRepository:
    """Sections of one user at a time; every section it hands out is remembered for the outbox."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.seen: list[Section] = []

    def add(self, section: Section) -> None:
        """Add the section to the session; a taken name fails the commit (Conflict)."""
        self.session.add(section)
        self.seen.append(section)

    def get(self, user_id: uuid.UUID, section_id: uuid.UUID) -> Section:
        """One of the user's sections; raises NotFound (also for another user's)."""
        section = self.session.get(Section, section_id)
        if section is None or section.user_id != user_id:
            raise NotFound("section not found", fields={"id": "no such section"})
        self.seen.append(section)
        return section

    def of_project(self, project_id: uuid.UUID) -> list[Section]:
        """The project's sections (at most MAX_SECTIONS) by position."""
        c = orm.sections.c
        stmt = select(Section).where(c.project_id == project_id)
        return list(self.session.scalars(stmt.order_by(c.position, c.created_at, c.id)))

    def changed_since(
        self,
        user_id: uuid.UUID,
        seq: int,
        *,
        after: uuid.UUID | None = None,
        limit: int | None = None,
        upto: int | None = None,
    ) -> list[Section]:
        """Sections changed after `seq` (or after section `after` of change `seq`; and at most
        at `upto`), by change then id."""
        return _changed(self.session, Section, orm.sections, user_id, (seq, after), limit, upto)


def _changed(
    session: Session,
    entity: type[Any],
    table: Any,
    user_id: uuid.UUID,
    position: tuple[int, uuid.UUID | None],
    limit: int | None,
    upto: int | None,
) -> list[Any]:
    """Up to `limit` rows of `entity` of the user past keyset `position` (change number, id or
    None for the whole change), at most at change `upto`, by change then id."""
    c = table.c
    stmt = select(entity).where(c.user_id == user_id, *_past(c.change_seq, c.id, position, upto))
    return list(session.scalars(stmt.order_by(c.change_seq, c.id).limit(limit)))


def _past(
    seq: Any, key: Any, position: tuple[int, uuid.UUID | None], upto: int | None
) -> list[ColumnElement[bool]]:
    """Conditions for rows whose (change number `seq`, `key`) come after keyset `position`
    and whose change is at most `upto`; one index range on (user_id, change_seq, id)."""
    at, after = position
    found = [seq > at] if after is None else [tuple_(seq, key) > tuple_(at, after)]
    return found if upto is None else [*found, seq <= upto]


class TaskRepository:
    """Tasks of one user at a time; every task it hands out is remembered for the outbox."""

    def __init__(self, session: Session, users: UserRepository) -> None:
        self.session = session
        self.users = users  # whose change numbers lock the owner (see next_position)
        self.seen: list[Task] = []
        self.new: list[Task] = []  # inserted at commit, once stamped (see insert_new)

    def add(self, task: Task) -> None:
        """Keep a new task, inserted at commit; remembered so its events reach the outbox."""
        self.new.append(task)
        self.seen.append(task)

    def take_new(self) -> list[tuple[Table, list[dict[str, Any]]]]:
        """The rows of the tasks added since the last call, with their tags and reminders, as
        (table, rows) for insert_together: no ORM unit of work for them."""
        added, self.new = self.new, []
        return [
            (orm.tasks, [row_of(orm.tasks, task) for task in added]),
            (orm.task_tags, [{"task_id": t.id, "tag_id": tag.id} for t in added for tag in t.tags]),
            (orm.reminders, [row_of(orm.reminders, r) for task in added for r in task.reminders]),
        ]

    def refresh_statistics(self, added: int) -> None:
        """After `added` tasks went in at once (an import), ANALYZE the task tables when that is
        more than autovacuum's analyze threshold (50 rows and 10 % of the rows the planner
        counts): autovacuum would, but only within its next minute, and a list planned on the
        tables' old statistics (an empty account's) took 1.6 times as long. PostgreSQL only; a
        role that does not own the tables gets a warning from the server, not an error."""
        if added <= 50 or self.session.get_bind().dialect.name != "postgresql":
            return
        try:
            counted = self.session.execute(_COUNTED_TASKS).scalar() or 0
            if added > 50 + 0.1 * max(counted, 0):
                self.session.execute(text("ANALYZE tasks.tasks, tasks.task_tags, tasks.reminders"))
            self.session.commit()
        except DBAPIError:  # the import stands; autovacuum analyzes within its next minute
            self.session.rollback()
            log.warning("task tables not analyzed after a bulk insert", exc_info=True)

    def get(self, user_id: uuid.UUID, task_id: uuid.UUID, *, lock: bool = False) -> Task:
        """One of the user's tasks (NotFound otherwise); `lock` holds its row until commit, so
        transitions of one task (complete, reopen, the next occurrence) take turns. The owner's
        row is locked first: every writer (the sync stamp included) locks user then tasks, so
        two writers never wait on each other in opposite order (a deadlock)."""
        if lock:
            self._lock_owner(user_id)
        task = self.session.get(Task, task_id, with_for_update=lock or None)
        if task is None or task.user_id != user_id:
            raise NotFound("task not found", fields={"id": "no such task"})
        self.seen.append(task)
        return task

    def _lock_owner(self, user_id: uuid.UUID) -> None:
        """Hold the owner's row until commit (SQLite's writers take turns anyway), unless this
        transaction holds it already, having taken the owner's change number."""
        if user_id not in self.users.taken:
            users = orm.users.c
            self.session.execute(select(users.id).where(users.id == user_id).with_for_update())

    # subtasks and manual order (#16)
    def children(self, user_id: uuid.UUID, parent_ids: Sequence[uuid.UUID]) -> list[Task]:
        """The direct subtasks of these tasks of the user's, by position, remembered for the
        outbox (one statement)."""
        c = orm.tasks.c
        stmt = select(Task).where(c.user_id == user_id, c.parent_id.in_(parent_ids))
        found = list(self.session.scalars(stmt.order_by(c.position, c.id)))
        self.seen.extend(found)
        return found

    def next_position(self, user_id: uuid.UUID, place: Place) -> int:
        """A position after every task in `place`, the owner's row locked first so that
        writers of the user's tasks take turns until commit: by taking the owner's change
        number, which whatever is placed here is stamped with at commit. When this takes the
        number, the last position comes back with it (one round trip); it stands when the
        number is the one after what this transaction read (`users.read`): then no writer of
        the user's committed since, and each of them takes a number. Else it is read again,
        now that this transaction waits for no one."""
        shape, params = _place_params(user_id, place)
        connection = self.session.connection()
        read = self.users.read.get(user_id)
        if user_id in self.users.taken or read is None:
            self.users.next_change_seq(user_id)
        else:
            seq, last = connection.execute(_bump_with_last(*shape), params).one()
            self.users.taken[user_id] = seq
            if seq == read + 1:
                return _after(last)
        return _after(connection.execute(_last_position(*shape), params).scalar())

    def neighbour(
        self,
        user_id: uuid.UUID,
        place: Place,
        position: int,
        *,
        after: bool,
        excluding: uuid.UUID,
    ) -> int | None:
        """The position next after (or before) `position` in `place`, task `excluding` left
        out, or None at that end."""
        c = orm.tasks.c
        beyond = c.position > position if after else c.position < position
        nearest = func.min(c.position) if after else func.max(c.position)
        where = (*_in_place(user_id, place), beyond, c.id != excluding)
        return self.session.scalar(select(nearest).where(*where))

    def siblings(self, user_id: uuid.UUID, place: Place) -> list[Task]:
        """Every task in `place` by position, remembered for the outbox."""
        c = orm.tasks.c
        stmt = select(Task).where(*_in_place(user_id, place)).order_by(c.position, c.id)
        found = list(self.session.scalars(stmt))
        self.seen.extend(found)
        return found

    def count_subtasks(self, tasks: Sequence[Task]) -> None:
        """Fill in the subtask counts of these tasks, in one statement."""
        if not tasks:
            return
        c = orm.tasks.c
        done = func.coalesce(func.sum(case((c.status == TaskStatus.COMPLETED, 1), else_=0)), 0)
        stmt = (
            select(c.parent_id, func.count(), done)
            .where(c.parent_id.in_([task.id for task in tasks]))
            .group_by(c.parent_id)
        )
        counts = {parent: (n, m) for parent, n, m in self.session.execute(stmt)}
        for task in tasks:
            task.subtask_count, task.completed_subtask_count = counts.get(task.id, (0, 0))

    # All-day tasks follow their owner's zone (#16)
    def all_day_starts(
        self, user_id: uuid.UUID, *, after: uuid.UUID | None, limit: int
    ) -> list[tuple[uuid.UUID, datetime]]:
        """Up to `limit` (id, due_at) of the user's all-day tasks by id, after id `after`."""
        c = orm.tasks.c
        stmt = select(c.id, c.due_at).where(
            c.user_id == user_id, c.all_day.is_(True), c.due_at.is_not(None)
        )
        if after is not None:
            stmt = stmt.where(c.id > after)
        return [(i, due_at) for i, due_at in self.session.execute(stmt.order_by(c.id).limit(limit))]

    def reanchor(self, user_id: uuid.UUID, moves: Sequence[tuple[uuid.UUID, datetime]]) -> None:
        """Set due_at of each task id given, stamped with the owner's next change number (sync
        sees them), in one executemany statement; writes no events."""
        if not moves:
            return
        seq = UserRepository(self.session).next_change_seq(user_id)
        c = orm.tasks.c
        stmt = (
            update(orm.tasks)
            .where(c.id == bindparam("move_id"), c.user_id == user_id)
            .values(due_at=bindparam("move_due_at"), change_seq=seq)
        )
        rows = [{"move_id": i, "move_due_at": due_at} for i, due_at in moves]
        self.session.connection().execute(stmt, rows)

    def delete(self, task: Task) -> None:
        """Delete the task; its reminders (ORM cascade) and task_tags rows (ON DELETE CASCADE) go
        with it."""
        self.session.delete(task)

    def page(self, user_id: uuid.UUID, query: TaskQuery, *, now: datetime) -> Page:
        """One page as the JSON array text of TaskPublic in `query.zone`, built in SQL (see
        task_reads)."""
        return task_reads.page(self.session, user_id, query, now=now)

    def view(self, user_id: uuid.UUID, task_id: uuid.UUID, zone: tzinfo) -> str:
        """One of the user's tasks as TaskPublic JSON text in `zone`; raises NotFound."""
        return task_reads.view(self.session, user_id, task_id, zone)

    # Import and export (issue 17)
    def every(self, user_id: uuid.UUID, *, after: uuid.UUID | None, limit: int) -> list[TaskView]:
        """Up to `limit` of the user's tasks by id after id `after`, read only (see task_reads)."""
        return task_reads.every(self.session, user_id, after=after, limit=limit)

    def with_tag(self, user_id: uuid.UUID, tag_id: uuid.UUID) -> list[Task]:
        """The user's tasks carrying tag `tag_id`, remembered for the outbox."""
        stmt = (
            select(Task)
            .join(orm.task_tags, orm.task_tags.c.task_id == orm.tasks.c.id)
            .where(orm.tasks.c.user_id == user_id, orm.task_tags.c.tag_id == tag_id)
        )
        found = list(self.session.scalars(stmt))
        self.seen.extend(found)
        return found

    def series(
        self, user_id: uuid.UUID, series_id: uuid.UUID, *, after: int, limit: int
    ) -> list[Task]:
        """Up to `limit` occurrences of a series numbered above `after`, in order."""
        c = orm.tasks.c
        stmt = (
            select(Task)
            .where(c.user_id == user_id, c.series_id == series_id, c.occurrence > after)
            .order_by(c.occurrence)
            .limit(limit)
        )
        return list(self.session.scalars(stmt))

    def occurrence(self, user_id: uuid.UUID, series_id: uuid.UUID, number: int) -> Task | None:
        """Occurrence `number` of a series of the user's, if it exists."""
        c = orm.tasks.c
        stmt = select(Task).where(
            c.user_id == user_id, c.series_id == series_id, c.occurrence == number
        )
        task = self.session.scalars(stmt).first()
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
        """Tasks changed after `seq` (or after task `after` of change `seq`; and at most at
        `upto`), by change then id."""
        return _changed(self.session, Task, orm.tasks, user_id, (seq, after), limit, upto)

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
        """Tasks changed after `seq` (as changed_since) as JSON in `zone`, read only (see
        sync_reads)."""
        return sync_reads.changed(
            self.session, user_id, seq, after=after, limit=limit, upto=upto, zone=zone
        )

    def deleted_since(
        self,
        user_id: uuid.UUID,
        seq: int,
        *,
        after: uuid.UUID | None = None,
        limit: int | None = None,
        upto: int | None = None,
    ) -> list[tuple[str, uuid.UUID, int]]:
        """(entity, id, change_seq) of deletions after `seq` (or after the deletion of id `after`
        in change `seq`; and at most at `upto`), by change then id."""
        d = orm.deletions.c
        stmt = select(d.entity, d.entity_id, d.change_seq).where(
            d.user_id == user_id, *_past(d.change_seq, d.entity_id, (seq, after), upto)
        )
        stmt = stmt.order_by(d.change_seq, d.entity_id).limit(limit)
        return [(e, i, s) for e, i, s in self.session.execute(stmt)]


# The rows the planner's statistics count in the task table (-1: never analyzed).
_COUNTED_TASKS = text("SELECT reltuples FROM pg_class WHERE oid = 'tasks.tasks'::regclass")


def row_of(table: Table, entity: object) -> dict[str, Any]:
    """The column values of a mapped entity (its attributes are named as the columns)."""
    return {column.name: getattr(entity, column.name) for column in table.c}


def insert_rows(connection: Connection, table: Table, rows: Sequence[dict[str, Any]]) -> None:
    """Insert `rows` (dicts of the same columns) with one statement compiled once: SQLite's
    executemany, or on PostgreSQL SQLAlchemy's "insertmanyvalues" batches (see make_engine),
    each a multi-row VALUES within the driver's bound-parameter limit."""
    connection.execute(insert(table), list(rows))


FOLD_ROWS = 64  # rows of a write that one PostgreSQL statement takes at most (see insert_together)


def insert_together(
    connection: Connection, parts: Sequence[tuple[Table, Sequence[dict[str, Any]]]]
) -> None:
    """Insert each (table, rows) of `parts`, in order; rows of one table have the same columns.
    On PostgreSQL a few rows go in one round trip, as one statement of data-modifying CTEs
    (foreign keys between the parts are checked at its end); elsewhere, or for many rows,
    one statement per table (see insert_rows)."""
    parts = [(table, rows) for table, rows in parts if rows]
    if not parts:
        return
    if connection.dialect.name != "postgresql" or sum(len(r) for _, r in parts) > FOLD_ROWS:
        for table, rows in parts:
            insert_rows(connection, table, rows)
        return
    shape = tuple((table, tuple(rows[0]), len(rows)) for table, rows in parts)
    params = {
        f"{table.name}_{i}_{name}": value
        for table, rows in parts
        for i, row in enumerate(rows)
        for name, value in row.items()
    }
    connection.execute(_together(shape), params)


@lru_cache(maxsize=64)
def _together(shape: tuple[tuple[Table, tuple[str, ...], int], ...]) -> Executable:
    """The statement of insert_together for parts of this shape (table, columns, row count),
    built once: each table's rows as a SELECT of typed bind parameters, UNION ALL'ed (a
    multi-row VALUES would be compiled again on every call), all but the last in a CTE."""
    inserts = []
    for table, names, count in shape:
        rows = [
            select(*(bindparam(f"{table.name}_{i}_{n}", type_=table.c[n].type) for n in names))
            for i in range(count)
        ]
        source = rows[0] if count == 1 else union_all(*rows)
        inserts.append(insert(table).from_select(list(names), source, include_defaults=False))
    *before, last = inserts
    return last.add_cte(*(stmt.cte(f"insert_{i}") for i, stmt in enumerate(before)))


@lru_cache(maxsize=1)
def _tags_by_keys() -> Select[Any]:
    """A user's tags of some keys, built once (once the mappers are configured): a create
    names tags on nearly every call."""
    c = orm.tags.c
    return select(Tag).where(
        c.user_id == bindparam("user_id"), c.key.in_(bindparam("keys", expanding=True))
    )


def _after(last: int | None) -> int:
    """The position after `last` (None: the first one)."""
    found = position_between(last, None)
    assert found is not None
    return found


def _place_params(user_id: uuid.UUID, place: Place) -> tuple[tuple[bool, bool], dict[str, Any]]:
    """(which of section and parent `place` has, the bound values of _last_position)."""
    shape = (place.section_id is not None, place.parent_id is not None)
    params: dict[str, Any] = {"user_id": user_id, "project_id": place.project_id}
    params.update(section_id=place.section_id, parent_id=place.parent_id)
    return shape, params


@lru_cache(maxsize=4)
def _last_position(in_section: bool, under_parent: bool) -> Select[Any]:
    """The highest position among a user's tasks of one place (None when it has none), built
    once for each shape of place (in a section or not, under a parent or not)."""
    c = orm.tasks.c

    def equal(column: Any, name: str, given: bool) -> ColumnElement[bool]:
        return column == bindparam(name) if given else column.is_(None)

    return select(func.max(c.position)).where(
        c.user_id == bindparam("user_id"),
        c.project_id == bindparam("project_id"),
        equal(c.section_id, "section_id", in_section),
        equal(c.parent_id, "parent_id", under_parent),
    )


@lru_cache(maxsize=4)
def _bump_with_last(in_section: bool, under_parent: bool) -> Executable:
    """BUMP_CHANGE_SEQ returning the place's last position too (see next_position)."""
    last = _last_position(in_section, under_parent).scalar_subquery()
    return BUMP_CHANGE_SEQ.returning(last)


def _in_place(user_id: uuid.UUID, place: Place) -> tuple[ColumnElement[bool], ...]:
    """The user's tasks in the group of siblings `place`."""
    c = orm.tasks.c

    def equal(column: Any, value: uuid.UUID | None) -> ColumnElement[bool]:
        return column.is_(None) if value is None else column == value

    return (
        c.user_id == user_id,
        c.project_id == place.project_id,
        equal(c.section_id, place.section_id),
        equal(c.parent_id, place.parent_id),
    )


class AuditLog:
    """audit.task_audit: what the system did to tasks on its own, and why."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def record(self, **row: object) -> None:
        """Insert one task_audit row of the given column values."""
        with self.session.no_autoflush:  # a clash of the same commit surfaces at commit
            self.session.execute(insert(orm.task_audit), [row])

    def of_series(self, series_id: uuid.UUID) -> list[dict[str, object]]:
        """The series' audit rows as dicts, oldest first."""
        stmt = select(orm.task_audit).where(orm.task_audit.c.series_id == series_id)
        return [dict(r._mapping) for r in self.session.execute(stmt.order_by(orm.task_audit.c.id))]


class ProcessedEvents:
    """events.processed_events: which consumer already handled which event."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def seen(self, consumer: str, event_id: str) -> bool:
        """True when `consumer` already handled `event_id`."""
        p = orm.processed_events.c
        stmt = select(p.event_id).where(p.consumer == consumer, p.event_id == event_id)
        return self.session.execute(stmt).first() is not None

    def remember(self, consumer: str, event_id: str, now: datetime) -> None:
        """Record the event as handled; a concurrent duplicate fails the commit (unique key)."""
        row = {"consumer": consumer, "event_id": event_id, "processed_at": now}
        try:
            with self.session.no_autoflush, self.session.begin_nested():
                self.session.execute(insert(orm.processed_events), [row])
        except IntegrityError as e:  # PostgreSQL reports a racing duplicate right here
            raise clash(e) from e


class ReminderRepository:
    """Reminders of every owner: what the scheduler claims and the notifier locks."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def claim_due(self, now: datetime, limit: int) -> list[DueReminder]:
        """Pending reminders whose time has come, oldest first, locked until commit. On
        PostgreSQL rows another transaction holds are skipped (FOR UPDATE SKIP LOCKED), so
        concurrent schedulers never claim the same one; SQLite has one writer at a time."""
        r, t = orm.reminders.c, orm.tasks.c
        stmt = (
            select(r.id, r.task_id, r.user_id, r.minutes_before, r.at, r.fire_at, t.title, t.due_at)
            .join(orm.tasks, t.id == r.task_id)
            .where(r.status == PENDING, r.fire_at <= now)
            .order_by(r.fire_at, r.id)
            .limit(limit)
            .with_for_update(skip_locked=True, of=orm.reminders)
        )
        return [DueReminder(*row) for row in self.session.execute(stmt)]

    def mark(self, reminder_ids: list[uuid.UUID], transition: Transition) -> None:
        """Make `transition` (one with a single target state) on these reminders in one statement,
        by the rules of `TRANSITIONS`: a reminder not in one of its source states stays as it is.
        Unlike a change made through the task, this does not stamp the task for sync: delivery
        is not something clients mirror."""
        if reminder_ids:
            r = orm.reminders.c
            allowed = r.id.in_(reminder_ids), r.status.in_(TRANSITIONS[transition].sources)
            stmt = update(orm.reminders).where(*allowed)
            self.session.execute(stmt.values(status=single_target(transition)))

    def lock(self, reminder_id: uuid.UUID) -> str | None:
        """The reminder's status, its row locked until commit (None when its task was deleted)."""
        r = orm.reminders.c
        stmt = select(r.status).where(r.id == reminder_id).with_for_update()
        return self.session.execute(stmt).scalar_one_or_none()

    def recipient(self, user_id: uuid.UUID, task_id: uuid.UUID) -> Recipient | None:
        """The owner's address and zone, and the task's priority and status if it still exists."""
        u, t = orm.users.c, orm.tasks.c
        stmt = (
            select(u.email, u.name, u.timezone, t.priority, t.status, t.all_day)
            .outerjoin(orm.tasks, (t.id == task_id) & (t.user_id == u.id))
            .where(u.id == user_id)
        )
        row = self.session.execute(stmt).first()
        return None if row is None else Recipient(*row[:5], all_day=bool(row[5]))

    # All-day tasks (#16)
    def all_day_offsets(
        self, user_id: uuid.UUID, *, after: uuid.UUID | None, limit: int
    ) -> list[AllDayOffset]:
        """Up to `limit` pending or skipped offset reminders of the user's open all-day tasks,
        by id, those after id `after` (None: from the first)."""
        r, t = orm.reminders.c, orm.tasks.c
        stmt = (
            select(r.id, r.minutes_before, t.due_at)
            .join(orm.tasks, t.id == r.task_id)
            .where(
                t.user_id == user_id,
                t.all_day.is_(True),
                t.due_at.is_not(None),
                t.status != TaskStatus.COMPLETED,
                r.minutes_before.is_not(None),
                r.status.in_((PENDING, SKIPPED)),
            )
            .order_by(r.id)
            .limit(limit)
        )
        if after is not None:
            stmt = stmt.where(r.id > after)
        return [AllDayOffset(*row) for row in self.session.execute(stmt)]

    def refire(self, moves: Sequence[tuple[uuid.UUID, datetime, ReminderState]]) -> None:
        """Set (fire_at, status) of each reminder id given, in one executemany statement."""
        if moves:
            r = orm.reminders.c
            stmt = (
                update(orm.reminders)
                .where(r.id == bindparam("move_id"))
                .values(fire_at=bindparam("move_fire_at"), status=bindparam("move_status"))
            )
            rows = [
                {"move_id": i, "move_fire_at": fire_at, "move_status": status}
                for i, fire_at, status in moves
            ]
            self.session.connection().execute(stmt, rows)


class NotificationLog:
    """notifications.notification_log: one row per attempt to send a reminder."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def last_attempt(self, reminder_id: uuid.UUID) -> dict[str, Any] | None:
        """The reminder's row of the highest attempt number as a dict, or None."""
        n = orm.notification_log.c
        stmt = (
            select(orm.notification_log)
            .where(n.reminder_id == reminder_id)
            .order_by(n.attempt.desc())
            .limit(1)
        )
        row = self.session.execute(stmt).first()
        return None if row is None else dict(row._mapping)

    def start(self, **row: object) -> None:
        """Record an attempt; a concurrent claim of the same attempt fails the commit."""
        with self.session.no_autoflush:
            self.session.execute(insert(orm.notification_log), [row])

    def finish(self, reminder_id: uuid.UUID, attempt: int, **outcome: object) -> None:
        """Set the outcome columns of the reminder's attempt `attempt`."""
        n = orm.notification_log.c
        stmt = update(orm.notification_log).where(
            n.reminder_id == reminder_id, n.attempt == attempt
        )
        self.session.execute(stmt.values(**outcome))

    def of_reminder(self, reminder_id: uuid.UUID) -> list[dict[str, Any]]:
        """Every attempt row of the reminder as dicts, first attempt first."""
        n = orm.notification_log.c
        stmt = select(orm.notification_log).where(n.reminder_id == reminder_id)
        return [dict(r._mapping) for r in self.session.execute(stmt.order_by(n.attempt))]


# Import and export (issue 17)
class ImportLog:
    """The import ids each account used, with the report of each import."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def report(self, user_id: uuid.UUID, import_id: str) -> dict[str, Any] | None:
        """The report of the user's import `import_id`, if it ran before."""
        c = orm.imports.c
        stmt = select(c.report).where(c.user_id == user_id, c.import_id == import_id)
        found = self.session.execute(stmt).scalar()
        return None if found is None else dict(json.loads(found))

    def remember(
        self, user_id: uuid.UUID, import_id: str, report: dict[str, Any], now: datetime
    ) -> None:
        """Record the import; a concurrent one of the same id fails the commit with Conflict."""
        row = {"user_id": user_id, "import_id": import_id, "report": json.dumps(report)}
        self.session.execute(insert(orm.imports).values(**row, created_at=now))
