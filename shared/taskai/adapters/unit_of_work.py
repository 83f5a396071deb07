"""The unit of work: one database transaction, its repositories, and its outbox rows."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable, Iterable, Sequence
from datetime import UTC, datetime
from types import TracebackType
from typing import TYPE_CHECKING, Any
from weakref import WeakKeyDictionary

from sqlalchemy import (
    ColumnElement,
    bindparam,
    delete,
    event,
    func,
    insert,
    literal,
    select,
    update,
)
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from taskai.adapters import orm, task_json
from taskai.adapters.calendar_store import CalendarFeedRepository
from taskai.adapters.db import READ_ONLY, WRITE_WAIT_S, clash, unavailable
from taskai.adapters.orm import UTCDateTime
from taskai.adapters.outbox import event_data
from taskai.adapters.push_store import PushAttemptLog, PushSubscriptionRepository
from taskai.adapters.repository import (
    ApiTokenRepository,
    AuditLog,
    ImportLog,
    NotificationLog,
    ProcessedEvents,
    ProjectRepository,
    ReminderRepository,
    SavedFilterRepository,
    SectionRepository,
    TagRepository,
    TaskRepository,
    UserRepository,
    insert_together,
)
from taskai.adapters.webhook_store import DeliveryRepository, WebhookRepository
from taskai.domain.api_tokens import USE_STAMP_EVERY, Credential
from taskai.domain.events import DomainEvent
from taskai.domain.filters.saved import SavedFilter
from taskai.domain.projects import Project, Section
from taskai.domain.reminders import Reminder
from taskai.domain.subtasks import GAP, Place
from taskai.domain.tags import Tag
from taskai.domain.tasks import Task
from taskai.domain.users import User
from taskai.errors import Unauthorized
from taskai.telemetry import tracing

if TYPE_CHECKING:
    from taskai import ports

log = logging.getLogger("taskai.uow")
INBOX_ID = (
    select(orm.projects.c.id)
    .where(orm.projects.c.user_id == orm.users.c.id, orm.projects.c.inbox)
    .scalar_subquery()
    .label("inbox_id")
)
ACCOUNT = select(*(c for c in orm.users.c if c.name != "email_key"), INBOX_ID).where(
    orm.users.c.id == bindparam("user_id")
)  # the caller's account, by the id its token names, and its Inbox's id (what a create needs)
# A read on PostgreSQL: the same, giving the transaction the caller's zone as it reads it (the
# zone the task bodies' times are written in: see task_json.in_zone), with no round trip more.
ACCOUNT_IN_ZONE = ACCOUNT.add_columns(task_json.set_zone(orm.users.c.timezone))


STAMP_WAIT_S = 0.1  # SQLite: how long a token's last-use stamp waits for the writer's turn
UOW = "taskai_uow"  # a Session's info key: the unit of work it belongs to
# Each session factory's twin for read-only units of work, bound to its engine with READ_ONLY
# set on every connection (see db): given per transaction, the option cost 2 % of a read.
_readers: WeakKeyDictionary[sessionmaker[Session], sessionmaker[Session]] = WeakKeyDictionary()


def _reading(factory: sessionmaker[Session]) -> sessionmaker[Session]:
    """`factory`'s sessions, bound to its engine marked READ_ONLY (made once per factory)."""
    found = _readers.get(factory)
    if found is None:
        engine = factory.kw["bind"].execution_options(**{READ_ONLY: True})
        kw = {**factory.kw, "bind": engine}
        found = _readers[factory] = sessionmaker(class_=factory.class_, **kw)
    return found


@event.listens_for(Session, "before_flush")
def _before_flush(session: Session, *_: object) -> None:
    """Let the session's unit of work see what a flush writes (one listener for every session:
    listening on each one cost 3 % of a read)."""
    uow = session.info.get(UOW)
    if uow is not None:
        uow._remember_changes(session)


class UnitOfWork:
    """One transaction: the changes, their sync stamps and their outbox events commit together."""

    def __init__(
        self,
        session_factory: sessionmaker[Session],
        *,
        after_commit: Callable[[], None] | None = None,
        traceparent: str | None = None,
        caller: Credential | None = None,
        read_only: bool = False,
    ) -> None:
        self.session_factory = session_factory
        self.read_only = read_only  # reads only: SQLite need not queue for its one writer
        self.after_commit = after_commit
        self.traceparent = traceparent
        self.caller = caller  # who a request's bearer token says it is
        self.account: User | None = None
        self.inbox_id: uuid.UUID | None = None  # the caller's Inbox, read with a session's account
        # Live push (issue 17): the API token's scopes once checked; None for a session (all).
        self.scopes: tuple[str, ...] | None = None
        self._used_token: uuid.UUID | None = None  # an API token whose last use is stale
        self.extra_events: list[DomainEvent] = []

    def __enter__(self) -> UnitOfWork:
        factory = _reading(self.session_factory) if self.read_only else self.session_factory
        self.session = factory()
        self.session.info[UOW] = self  # for _before_flush
        self.changed: dict[int, Any] = {}  # everything written in this transaction
        self.users = UserRepository(self.session)
        self.tags = TagRepository(self.session, self.users)
        self.tasks = TaskRepository(self.session, self.users)
        self.audit = AuditLog(self.session)
        self.processed = ProcessedEvents(self.session)
        self.reminders = ReminderRepository(self.session)
        self.notifications = NotificationLog(self.session)
        self.api_tokens = ApiTokenRepository(self.session)
        self.filters = SavedFilterRepository(self.session)  # saved filters (issue 16)
        self.webhooks = WebhookRepository(self.session)  # webhooks (issue 17)
        self.deliveries = DeliveryRepository(self.session)
        self.calendar = CalendarFeedRepository(self.session)  # the calendar feed (issue 17)
        self.deleted: list[tuple[str, uuid.UUID, uuid.UUID]] = []
        # projects and sections: what their deletion does to their tasks, in bulk at commit
        self.projects = ProjectRepository(self.session)
        self.sections = SectionRepository(self.session)
        self.emptied: list[tuple[Project | Section, uuid.UUID | None]] = []
        self.imports = ImportLog(self.session)  # import and export (issue 17)
        self.push_subscriptions = PushSubscriptionRepository(self.session)  # Web Push (issue 17)
        self.push_attempts = PushAttemptLog(self.session)
        if self.caller is not None:
            try:
                self.account = self._check_caller(self.caller)
                self.users.read[self.account.id] = self.account.change_seq
            except BaseException:
                self.session.close()
                del self.session.info[UOW]
                raise
        return self

    def _check_caller(self, caller: Credential) -> User:
        """The caller's account, read in this transaction (the one request's only one); a token
        of an account that is gone, or of an older token version, raises Unauthorized. An API
        token is read with its owner in one statement: unknown (revoked) or expired raises
        Unauthorized, one without the scope the operation needs InsufficientScope."""
        if caller.token_hash is not None:
            found = self.api_tokens.with_owner(caller.user_id, caller.token_hash)
            if found is None:
                raise Unauthorized("invalid token")
            token, user = found
            now = datetime.now(UTC)
            token.authorize(caller.needs, now=now)
            if token.use_is_stale(now):
                self._used_token = token.id
            self.scopes = token.scopes
            return user
        # A session's JWT (#15): one Core select, no ORM load; the account it gives is not in
        # the session, so a use case that changes the account reads it with users.get.
        connection = self.session.connection()
        zoned = self.read_only and connection.dialect.name == "postgresql"
        account_read = ACCOUNT_IN_ZONE if zoned else ACCOUNT
        row = connection.execute(account_read, {"user_id": caller.user_id}).first()
        if row is None:
            raise Unauthorized("invalid token")
        if row.token_version != caller.version:  # logged out, or the password changed since
            raise Unauthorized("token revoked")
        *account, self.inbox_id = row[: len(ACCOUNT.selected_columns)]
        if zoned:
            task_json.zone_was_set(connection, row.timezone, row[-1])
        return User(**dict(zip(row._fields[: len(account)], account, strict=True)))

    def _stamp_token_use(self) -> None:
        """Write an API token's last use in a short transaction of its own, after the request's
        (which may be read-only, and on SQLite holds the one writer's turn while it writes); on
        SQLite only when the writer's turn comes within STAMP_WAIT_S."""
        token_id, self._used_token = self._used_token, None
        if token_id is None:
            return
        try:
            with self.session_factory() as session:
                session.connection(execution_options={WRITE_WAIT_S: STAMP_WAIT_S})  # see below
                ApiTokenRepository(session).stamp_use(token_id, datetime.now(UTC), USE_STAMP_EVERY)
                session.commit()
        except Exception as e:  # a missed stamp is retried by the next use; the request stands
            if unavailable(e) is None:
                log.warning("last use of an API token not recorded", exc_info=True)
            # else SQLite's writers are busy: a read does not wait behind them (it took 0.3-0.6 s
            # behind a burst), and the stamp is a minute coarse anyway

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        # Closing rolls back whatever was not committed, and leaves loaded objects readable.
        self.session.close()
        del self.session.info[UOW]  # no cycle for the garbage collector to find
        self._stamp_token_use()
        if isinstance(exc, IntegrityError):  # met before the commit (a flush, an insert): the
            raise clash(exc) from exc  # same clash as at commit, a 409 and never a crash

    def delete_task(self, task: Task) -> None:
        """Delete the task (its recorded events still go out) and log it for sync."""
        self.tasks.seen.append(task)
        self.tasks.delete(task)
        self.deleted.append(("task", task.id, task.user_id))

    def delete_subtasks(self, tasks: Sequence[Task]) -> None:
        """Delete these subtasks in one statement (their recorded events still go out; reminders
        and tags go by ON DELETE CASCADE) and log them for sync."""
        self.tasks.seen.extend(tasks)
        self.session.execute(delete(orm.tasks).where(orm.tasks.c.id.in_([t.id for t in tasks])))
        for task in tasks:
            self.session.expunge(task)
        self.deleted.extend(("task", task.id, task.user_id) for task in tasks)

    def delete_tag(self, tag: Tag) -> None:
        """Delete the tag and log it for sync."""
        self.tags.delete(tag)
        self.deleted.append(("tag", tag.id, tag.user_id))

    def delete_filter(self, saved: SavedFilter) -> None:
        """Delete the saved filter and log it for sync."""
        self.filters.delete(saved)
        self.deleted.append(("filter", saved.id, saved.user_id))

    def delete_project(self, project: Project, *, move_to: uuid.UUID | None) -> None:
        """Delete the project and its sections, log them for sync, and at commit move its tasks
        to project `move_to` (out of any section) or delete them, in one statement each."""
        self.projects.seen.append(project)
        self.emptied.append((project, move_to))
        self.deleted.append(("project", project.id, project.user_id))

    def delete_section(self, section: Section) -> None:
        """Delete the section and log it for sync; its tasks stay in the project, in no section
        (one statement at commit)."""
        self.sections.seen.append(section)
        self.emptied.append((section, None))
        self.deleted.append(("section", section.id, section.user_id))

    def publish(self, event: DomainEvent) -> None:
        """Queue an event that no task recorded (e.g. a reminder falling due)."""
        self.extra_events.append(event)

    def commit(self) -> None:
        """Stamp changes for sync, write recorded events to the outbox, and commit."""
        with tracing.span("commit"):
            try:
                outbox = self._outbox_rows(self._collect_events())
                self._stamp_changes(outbox)
                self.session.commit()
            except IntegrityError as e:
                self.session.rollback()
                raise clash(e) from e
            finally:
                self.users.taken.clear()  # the next transaction takes numbers of its own
        if outbox and self.after_commit is not None:
            self.after_commit()  # only a commit that wrote events has anything to relay

    def rollback(self) -> None:
        """Drop what was not committed."""
        self.session.rollback()
        self.users.taken.clear()

    def _collect_events(self) -> list[DomainEvent]:
        collected = [*self.extra_events]
        seen: list[Task | Project | Section] = [
            *self.tasks.seen,
            *self.projects.seen,
            *self.sections.seen,
        ]
        for item in dict.fromkeys(seen):
            collected.extend(item.events)
            item.events.clear()
        self.extra_events.clear()
        return collected

    def _remember_changes(self, session: Session) -> None:
        if self.read_only and (session.new or session.dirty or session.deleted):
            raise RuntimeError("a read-only unit of work was asked to write")
        for item in (*session.new, *session.dirty):
            if session.is_modified(item):
                self.changed[id(item)] = item

    def _stamp_changes(self, outbox: list[dict[str, Any]]) -> None:
        """Give every changed task, tag, saved filter, project and section the owner's next
        change number (what sync reads); insert the new tasks and the `outbox` rows together."""
        session = self.session
        self._remember_changes(session)
        changed = list(self.changed.values())
        tasks = [*self.tasks.new, *(o for o in changed if isinstance(o, Task))]
        kinds = (Tag, SavedFilter, Project, Section)
        stamped = [*tasks, *(o for o in changed if isinstance(o, kinds))]
        via_reminders: set[tuple[uuid.UUID, uuid.UUID]] = {
            (o.user_id, o.task_id) for o in changed if isinstance(o, Reminder)
        }
        via_reminders -= {(task.user_id, task.id) for task in tasks}
        touched = {x.user_id for x in stamped} | {u for u, _ in via_reminders}
        touched |= {user_id for *_, user_id in self.deleted}
        with session.no_autoflush:  # stamp first, so each row is written once
            seq = {user_id: self.users.next_change_seq(user_id) for user_id in sorted(touched)}
        for item in stamped:
            item.change_seq = seq[item.user_id]
        with session.no_autoflush:  # before the deletions they make possible are flushed
            for emptied, move_to in self.emptied:
                self._empty(emptied, move_to, seq[emptied.user_id])
        self.emptied.clear()
        for user_id, task_id in via_reminders:
            stmt = update(orm.tasks).where(orm.tasks.c.id == task_id)
            session.execute(stmt.values(change_seq=seq[user_id]))
        if self.deleted:
            now = datetime.now(UTC)
            rows = [
                {
                    "entity": entity,
                    "entity_id": entity_id,
                    "user_id": user_id,
                    "change_seq": seq[user_id],
                    "deleted_at": now,
                }
                for entity, entity_id, user_id in self.deleted
            ]
            session.execute(insert(orm.deletions), rows)
            self.deleted.clear()
        if self.tasks.new:
            session.flush()  # what new tasks refer to (a section made in this transaction)
        parts = [*self.tasks.take_new(), (orm.outbox, outbox)]
        if any(rows for _, rows in parts):
            insert_together(session.connection(), parts)

    def _empty(self, emptied: Project | Section, move_to: uuid.UUID | None, seq: int) -> None:
        """Move the tasks out of a section or project being deleted (stamped `seq`), or delete
        a project's tasks and sections (logged for sync), each in one statement."""
        t, d, session = orm.tasks.c, orm.deletions.c, self.session
        now = datetime.now(UTC)
        moved: dict[str, object] = {"section_id": None, "change_seq": seq, "updated_at": now}
        if isinstance(emptied, Section):
            in_section = (t.project_id == emptied.project_id, t.section_id == emptied.id)
            self._renumber_after(in_section, emptied.user_id, Place(emptied.project_id, None, None))
            session.execute(update(orm.tasks).where(*in_section).values(moved))
            session.execute(delete(orm.sections).where(orm.sections.c.id == emptied.id))
            return
        if move_to is not None:
            in_project = t.project_id == emptied.id
            self._renumber_after((in_project,), emptied.user_id, Place(move_to, None, None))
            moved["project_id"] = move_to
            session.execute(update(orm.tasks).where(in_project).values(moved))
        for table, entity in ((orm.tasks, "task"), (orm.sections, "section")):
            gone = select(
                literal(entity),
                table.c.id,
                table.c.user_id,
                literal(seq),
                literal(now, UTCDateTime),
            ).where(table.c.project_id == emptied.id)
            columns = [d.entity, d.entity_id, d.user_id, d.change_seq, d.deleted_at]
            session.execute(insert(orm.deletions).from_select(columns, gone))
            session.execute(delete(table).where(table.c.project_id == emptied.id))
        session.execute(delete(orm.projects).where(orm.projects.c.id == emptied.id))

    def _renumber_after(
        self, source: tuple[ColumnElement[bool], ...], user_id: uuid.UUID, to: Place
    ) -> None:
        """Give the top-level tasks matching `source` positions GAP apart after the last one
        of the user's group `to`, in their order (one UPDATE … FROM a row_number() ranking),
        so a bulk move never lands on a position the destination already has."""
        t = orm.tasks.c
        last = self.tasks.next_position(user_id, to) - GAP
        ranked = (
            select(t.id, func.row_number().over(order_by=(t.position, t.id)).label("n"))
            .where(*source, t.parent_id.is_(None))
            .subquery()
        )
        stmt = update(orm.tasks).where(t.id == ranked.c.id)
        self.session.execute(stmt.values(position=last + ranked.c.n * GAP))

    def _outbox_rows(self, events: Iterable[DomainEvent]) -> list[dict[str, Any]]:
        """The outbox rows of these events. The trace this commit is part of travels with
        them (the request's, when the process records no spans of its own)."""
        traceparent = tracing.current_headers().get("traceparent", self.traceparent)
        return [
            {
                "event_id": event.id,
                "topic": event.topic,
                "key": event.key,
                "type": event.type,
                "occurred_at": event.occurred_at,
                "data": event_data(event),
                "traceparent": traceparent,
            }
            for event in events
        ]


if TYPE_CHECKING:  # mypy checks that this unit of work and its repositories meet the port
    _meets_port: type[ports.UnitOfWork] = UnitOfWork
