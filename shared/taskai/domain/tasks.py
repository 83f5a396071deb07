"""Tasks: the heart of TaskAI. Behaviour lives here; nothing here does I/O."""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, fields
from datetime import UTC, date, datetime, time
from enum import Enum, StrEnum
from typing import Any, TypeVar

from taskai.domain.days import DEFAULT_REMINDER_TIME, DayClock
from taskai.domain.events import (
    RecurrenceSnapshot,
    ReminderSetting,
    TaskCompleted,
    TaskCreated,
    TaskDeleted,
    TaskEvent,
    TaskReopened,
    TaskSnapshot,
    TaskUpdated,
)
from taskai.domain.names import checked_name
from taskai.domain.recurrence import Recurrence
from taskai.domain.recurrence.occurrences import FIRST_YEAR, LAST_YEAR
from taskai.domain.reminders import (
    CANCELLED,
    MAX_REMINDERS,
    OPEN_STATUSES,
    Reminder,
    ReminderSpec,
)
from taskai.domain.subtasks import Place
from taskai.domain.tags import Tag
from taskai.domain.vocabulary import Anchor, Priority, TaskStatus
from taskai.errors import InvalidInput

W = TypeVar("W", bound=StrEnum)


class Keep(Enum):
    """The value of a field a partial update leaves as it is."""

    KEEP = "keep"


KEEP = Keep.KEEP
PRIORITIES = tuple(Priority)  # lowest first: a priority's rank (as stored) is its index
MAX_TITLE = 500
MAX_DESCRIPTION = 20_000
MAX_TAGS = 50

EARLIEST_DUE = datetime(FIRST_YEAR - 1, 12, 31, tzinfo=UTC)
LATEST_DUE = datetime(LAST_YEAR + 1, 1, 2, tzinfo=UTC)


def clean_title(title: str) -> str:
    """A title trimmed; raises InvalidInput naming `title` unless it is 1 to MAX_TITLE
    characters, one of them drawn (not only spaces or invisible ones: names.shows)."""
    return checked_name(title.strip(), max_length=MAX_TITLE, field_name="title", what="title")


def check_due(due_at: datetime | None) -> datetime | None:
    """`due_at` if in the calendar the API speaks (the years FIRST_YEAR to LAST_YEAR, a day's
    slack for zones either side of UTC); raises InvalidInput naming due_date, whichever door
    (API, quick add, import) the date came through."""
    if due_at is not None and not EARLIEST_DUE <= due_at <= LATEST_DUE:
        message = f"must be in the years {FIRST_YEAR} to {LAST_YEAR}"
        raise InvalidInput(f"due_date {message}", fields={"due_date": message})
    return due_at


def check_choice(value: str, vocabulary: type[W], field_name: str) -> W:
    """`value` as a word of `vocabulary`; raises InvalidInput naming `field_name` otherwise."""
    try:
        return vocabulary(value)
    except ValueError:
        message = "must be one of " + ", ".join(vocabulary)
        raise InvalidInput(f"{field_name} {message}", fields={field_name: message}) from None


@dataclass(eq=False)
class Task:
    """A thing to do, owned by one user."""

    user_id: uuid.UUID
    title: str
    description: str = ""
    status: TaskStatus = TaskStatus.PENDING
    priority: Priority = Priority.MEDIUM
    due_at: datetime | None = None
    recurrence_rule: str | None = None
    recurrence_anchor: str | None = None
    series_id: uuid.UUID | None = None
    series_start: datetime | None = None
    occurrence: int | None = None
    recurrence_ended_reason: str | None = None  # why completing this made no next occurrence
    skipped: bool = False
    tags: list[Tag] = field(default_factory=list)
    reminders: list[Reminder] = field(default_factory=list)
    id: uuid.UUID = field(default_factory=uuid.uuid4)
    created_at: datetime | None = None
    updated_at: datetime | None = None
    completed_at: datetime | None = None
    change_seq: int = 0
    events: list[TaskEvent] = field(default_factory=list, repr=False)
    # All-day tasks (#16): due_at is then the start of the day in the owner's zone. `clock`
    # (the owner's zone and all-day reminder time) is not stored: use cases set it on load.
    all_day: bool = False
    clock: DayClock | None = field(default=None, repr=False, compare=False)
    # projects and sections: the project (None only before one is given) and its section
    project_id: uuid.UUID | None = None
    section_id: uuid.UUID | None = None
    # subtasks and manual order (#16): the parent (same project and section), the place among
    # siblings (lower first), whether a parent's completion closed this one; the counts of
    # subtasks are not stored: a read fills them in
    parent_id: uuid.UUID | None = None
    position: int = 0
    completed_with_parent: bool = False
    subtask_count: int = field(default=0, compare=False)
    completed_subtask_count: int = field(default=0, compare=False)

    @classmethod
    def create(
        cls,
        *,
        user_id: uuid.UUID,
        title: str,
        now: datetime,
        description: str = "",
        status: str = TaskStatus.PENDING,
        priority: str = Priority.MEDIUM,
        due_at: datetime | None = None,
        tags: Iterable[Tag] = (),
        recurrence: Recurrence | None = None,
        reminders: Sequence[ReminderSpec] = (),
        all_day: bool = False,
        clock: DayClock | None = None,
        project_id: uuid.UUID | None = None,
        section_id: uuid.UUID | None = None,
        parent_id: uuid.UUID | None = None,
        position: int = 0,
    ) -> Task:
        """A new task, checked, with its TaskCreated event recorded; `all_day` says `due_at` is
        the start of a day in the owner's zone (`clock`, which all-day reminders need)."""
        task = cls(user_id=user_id, title=clean_title(title), created_at=now, updated_at=now)
        task.clock = clock
        task.project_id, task.section_id = project_id, section_id
        task.parent_id, task.position = parent_id, position
        task.description = check_description(description)
        task.priority = check_choice(priority, Priority, "priority")
        task.due_at, task.all_day = check_due(due_at), bool(all_day and due_at)
        task.set_tags(tags)
        task.set_recurrence(recurrence, now=now)
        task.set_reminders(reminders, now=now)
        task.set_status(status, now=now, record=False)
        task.record(TaskCreated, now)
        return task

    @property
    def recurrence(self) -> Recurrence | None:
        """The task's repeat rule, if it has one."""
        if self.recurrence_rule is None:
            return None
        return Recurrence(rule=self.recurrence_rule, anchor=self.recurrence_anchor or "due")

    @property
    def is_completed(self) -> bool:
        """True when the status is completed, a skipped occurrence included (it sets `skipped`)."""
        return self.status == TaskStatus.COMPLETED

    def update(
        self,
        *,
        now: datetime,
        title: str | Keep = KEEP,
        description: str | Keep | None = KEEP,
        status: str | Keep = KEEP,
        priority: str | Keep = KEEP,
        due_at: datetime | Keep | None = KEEP,
        tags: Iterable[Tag] | Keep = KEEP,
        recurrence: Recurrence | Keep | None = KEEP,
        reminders: Sequence[ReminderSpec] | Keep = KEEP,
        all_day: bool = False,
        place: tuple[uuid.UUID, uuid.UUID | None] | Keep = KEEP,
        position: tuple[uuid.UUID | None, int] | Keep = KEEP,
    ) -> None:
        """Apply a partial update (a field left KEEP stays as it is; `all_day` goes with a new
        `due_at`; `place`: the project and section ids, checked by the caller; `position`: the
        parent id and position there, the caller's to compute); records
        TaskUpdated (or Completed/Reopened) on a change; raises InvalidInput for a bad value."""
        before = self.snapshot()
        if title is not KEEP:
            self.title = clean_title(title)
        if description is not KEEP:
            self.description = check_description(description)
        if priority is not KEEP:
            self.priority = check_choice(priority, Priority, "priority")
        if tags is not KEEP:
            self.set_tags(tags)
        if due_at is not KEEP:
            self.reschedule(due_at, now=now, all_day=all_day)
        if recurrence is not KEEP:
            self.set_recurrence(recurrence, now=now)
        if reminders is not KEEP:
            self.set_reminders(reminders, now=now)
        if place is not KEEP:
            self.project_id, self.section_id = place
        if position is not KEEP:
            self.parent_id, self.position = position
        self.record_changes(before, now)
        if status is not KEEP:
            self.set_status(status, now=now)

    def record_changes(self, before: TaskSnapshot, now: datetime) -> None:
        """Record TaskUpdated naming the snapshot fields that differ from `before`, if any."""
        after = self.snapshot()
        changed = sorted(
            f.name for f in fields(after) if getattr(after, f.name) != getattr(before, f.name)
        )
        if changed:
            self.updated_at = now
            self.record(TaskUpdated, now, changed=tuple(changed))

    def move(self, place: Place, position: int, *, now: datetime) -> None:
        """Put the task at `position` in `place` (checked by the caller); records TaskUpdated
        naming what changed."""
        before = self.snapshot()
        self.project_id, self.section_id, self.parent_id = place
        self.position = position
        self.record_changes(before, now)

    @property
    def place(self) -> Place:
        """The group of siblings the task stands in."""
        assert self.project_id is not None
        return Place(self.project_id, self.section_id, self.parent_id)

    def complete_with_parent(self, *, now: datetime) -> None:
        """Its parent was completed: complete this one too if open, remembering why."""
        if self.complete(now=now):
            self.completed_with_parent = True

    def reopen_with_parent(self, *, now: datetime) -> None:
        """Its parent was reopened: reopen this one if the parent's completion closed it."""
        if self.completed_with_parent:
            self.reopen(now=now)

    def open_copy(self, *, parent: Task, position: int, now: datetime) -> Task:
        """This subtask as an open task under `parent` (a new occurrence of its parent): title,
        description, priority, tags and order kept; no dates, reminders or repeat rule."""
        copy = Task(
            user_id=self.user_id,
            title=self.title,
            description=self.description,
            priority=self.priority,
            tags=list(self.tags),
            created_at=now,
            updated_at=now,
            project_id=parent.project_id,
            section_id=parent.section_id,
            parent_id=parent.id,
            position=position,
        )
        copy.record(TaskCreated, now)
        return copy

    def set_status(self, status: str, *, now: datetime, record: bool = True) -> None:
        """Move to `status` (a TaskStatus word); completing and reopening go through their own
        transitions; raises InvalidInput for another word."""
        status = check_choice(status, TaskStatus, "status")
        if status == TaskStatus.COMPLETED:
            self.complete(now=now, record=record)
        elif self.is_completed:
            self.reopen(now=now, status=status)
        elif status != self.status:
            self.status = status
            self.updated_at = now
            if record:
                self.record(TaskUpdated, now, changed=("status",))

    def complete(self, *, now: datetime, skipped: bool = False, record: bool = True) -> bool:
        """Mark done (or skipped); completing a completed task changes nothing."""
        if self.is_completed:
            return False
        self.status = TaskStatus.COMPLETED
        self.skipped = skipped
        self.completed_at = now
        self.updated_at = now
        self.follow_reminders(now=now)
        if record:
            self.record(TaskCompleted, now)
        return True

    def reopen(self, *, now: datetime, status: TaskStatus = TaskStatus.PENDING) -> bool:
        """Undo a completion; reopening an open task changes nothing."""
        if not self.is_completed:
            return False
        self.status = status
        self.skipped = False
        self.completed_at = None
        self.completed_with_parent = False
        self.recurrence_ended_reason = None
        self.updated_at = now
        self.follow_reminders(now=now)
        self.record(TaskReopened, now)
        return True

    def delete(self, *, now: datetime) -> None:
        """Record the deletion; the repository removes the row."""
        self.follow_reminders(now=now, active=False)
        self.record(TaskDeleted, now)

    def reschedule(self, due_at: datetime | None, *, now: datetime, all_day: bool = False) -> None:
        """Move the due time (`all_day`: the start of a day); offset reminders move with it."""
        self.due_at, self.all_day = check_due(due_at), bool(all_day and due_at)
        if self.recurrence_rule and self.occurrence == 1:
            self.series_start = due_at or self.created_at
        self.follow_reminders(now=now)

    def follow_reminders(self, *, now: datetime, active: bool | None = None) -> None:
        """Bring every reminder that has not gone out in line with the task's state and due time
        (the one place a reminder's status follows its task)."""
        active = not self.is_completed if active is None else active
        base = self.reminder_base()
        for reminder in self.reminders:
            reminder.follow(due_at=base, active=active, now=now)

    def reminder_base(self) -> datetime | None:
        """What offset reminders count back from (UTC): the due time, or for an all-day task its
        owner's reminder time of day on its date (09:00 UTC without a clock)."""
        if self.due_at is None or not self.all_day:
            return self.due_at
        return (self.clock or DayClock()).reminder_base(self.due_at)

    def due_on(self) -> date | None:
        """The date of an all-day task in its owner's zone (None for others, or without a clock)."""
        if self.due_at is None or not self.all_day or self.clock is None:
            return None
        return self.clock.day(self.due_at)

    def is_overdue(self, now: datetime) -> bool:
        """Open and past due: an all-day task from the start of the day after its date."""
        if self.due_at is None or self.is_completed:
            return False
        if self.all_day:
            return now >= (self.clock or DayClock()).day_after(self.due_at)
        return now > self.due_at

    def set_tags(self, tags: Iterable[Tag]) -> None:
        """Replace the tags, keeping one of each."""
        unique = {tag.id: tag for tag in tags}
        if len(unique) > MAX_TAGS:
            raise InvalidInput("too many tags", fields={"tags": f"at most {MAX_TAGS}"})
        self.tags = list(unique.values())

    def tag_changed(self, *, now: datetime) -> None:
        """One of the task's tags was renamed or recolored: the task changed with it."""
        self.updated_at = now
        self.record(TaskUpdated, now, changed=("tags",))

    def set_recurrence(self, recurrence: Recurrence | None, *, now: datetime) -> None:
        """Set or remove the repeat rule; a series without a due date starts at creation."""
        if recurrence is None:
            self.recurrence_rule = self.recurrence_anchor = None
            return
        if (recurrence.rule, recurrence.anchor) == (self.recurrence_rule, self.recurrence_anchor):
            return
        series_start = self.due_at or self.created_at or now
        recurrence.check_expands(series_start=series_start, tz=(self.clock or DayClock()).tz)
        self.recurrence_rule, self.recurrence_anchor = recurrence.rule, recurrence.anchor
        if self.series_id is None:
            self.series_id, self.occurrence = self.id, 1
        self.series_start = series_start
        self.recurrence_ended_reason = None

    def set_reminders(self, specs: Sequence[ReminderSpec], *, now: datetime) -> None:
        """Replace the reminders that have not fired yet; history of fired ones is kept."""
        if len(specs) > MAX_REMINDERS:
            raise InvalidInput(
                "too many reminders", fields={"reminders": f"at most {MAX_REMINDERS}"}
            )
        kept = [r for r in self.reminders if r.status not in OPEN_STATUSES]
        fresh = [
            Reminder.schedule(
                spec,
                task_id=self.id,
                user_id=self.user_id,
                due_at=self.reminder_base(),
                now=now,
                index=i,
            )
            for i, spec in enumerate(specs)
        ]
        self.reminders = kept + fresh
        self.follow_reminders(now=now)

    def next_due(self, *, tz: str) -> datetime | None:
        """When the next occurrence is due (UTC): the series' first date after this completion.

        An overdue task does not make an overdue successor: dates the series passed while the
        task waited are rolled over (each completion still adds one occurrence).
        """
        recurrence, completed_at = self.recurrence, self.completed_at
        if recurrence is None or completed_at is None:
            return None
        start = self.series_start or self.created_at or completed_at
        if self.all_day and self.due_at is not None:
            return self._next_day(recurrence, start, completed_at, DayClock(tz))
        return recurrence.next_due(
            series_start=start,
            previous_due=self.due_at or start,
            completed_at=completed_at,
            tz=tz,
            occurrence=self.occurrence or 1,
        )

    def _next_day(
        self, recurrence: Recurrence, start: datetime, completed_at: datetime, clock: DayClock
    ) -> datetime | None:
        """next_due of an all-day series, counted in dates (so DST never shifts it): each date
        stands as its UTC midnight; the next date comes after the completion's date."""
        assert self.due_at is not None

        def midnight(moment: datetime, at: time = time(0)) -> datetime:
            return datetime.combine(clock.day(moment), at, tzinfo=UTC)

        found = recurrence.next_due(
            series_start=midnight(start),
            previous_due=midnight(self.due_at),
            completed_at=midnight(completed_at, time.max),
            tz="UTC",
            occurrence=self.occurrence or 1,
        )
        return None if found is None else clock.start(found.date())

    def next_occurrence(
        self, *, tz: str, now: datetime, reminder_time: str = DEFAULT_REMINDER_TIME
    ) -> Task | None:
        """The next task of this series after this one was completed, or None when it has ended
        (then `recurrence_ended_reason` says why); an all-day series makes all-day tasks whose
        reminders count back from `reminder_time` (HH:MM in zone `tz`)."""
        due = self.next_due(tz=tz) if self.is_completed else None
        if due is None:
            if self.recurrence is not None:
                self.recurrence_ended_reason = self.recurrence.end_reason(self.occurrence or 1)
                self.updated_at = now
            return None
        if self.recurrence_ended_reason is not None:  # a replay made it after all
            self.recurrence_ended_reason, self.updated_at = None, now
        nxt = Task(
            user_id=self.user_id,
            title=self.title,
            description=self.description,
            priority=self.priority,
            due_at=due,
            recurrence_rule=self.recurrence_rule,
            recurrence_anchor=self.recurrence_anchor,
            series_id=self.series_id,
            series_start=self.series_start,
            occurrence=(self.occurrence or 1) + 1,
            tags=list(self.tags),
            created_at=now,
            updated_at=now,
            all_day=self.all_day,
            clock=DayClock(tz, reminder_time),
            project_id=self.project_id,
            section_id=self.section_id,
            parent_id=self.parent_id,  # its position among its siblings: the caller's to give
        )
        nxt.set_reminders([r.spec for r in self.reminders if r.minutes_before is not None], now=now)
        nxt.record(TaskCreated, now)
        return nxt

    def series_stalled(self, reason: str, *, now: datetime) -> None:
        """The next occurrence could not be made and waits for an operator: say why."""
        self.recurrence_ended_reason = (
            f"the next occurrence could not be made ({reason}); it waits to be replayed"
        )[:200]
        self.updated_at = now

    def record(self, kind: type[TaskEvent], now: datetime, **extra: Any) -> None:
        """Remember that something happened, for the unit of work to put in the outbox."""
        self.events.append(kind(occurred_at=now, task=self.snapshot(), **extra))

    def snapshot(self) -> TaskSnapshot:
        """The task as every task event carries it."""
        rule = self.recurrence
        repeats = None if rule is None else RecurrenceSnapshot(rule.rule, Anchor(rule.anchor))
        return TaskSnapshot(
            id=self.id,
            user_id=self.user_id,
            title=self.title,
            description=self.description,
            status=TaskStatus(self.status),
            priority=Priority(self.priority),
            due_date=self.due_at,
            tags=tuple(sorted(tag.name for tag in self.tags)),
            recurrence=repeats,
            series_id=self.series_id,
            occurrence=self.occurrence,
            reminders=tuple(
                ReminderSetting(minutes_before=r.minutes_before, at=r.at)
                for r in self.reminders
                if r.status != CANCELLED
            ),
            completed_at=self.completed_at,
            skipped=self.skipped,
            all_day=self.all_day,
            due_on=self.due_on(),
            project_id=self.project_id,
            section_id=self.section_id,
            parent_id=self.parent_id,
            position=self.position,
        )


def check_description(description: str | None) -> str:
    """Descriptions may be empty; they may not be huge."""
    description = description or ""
    if len(description) > MAX_DESCRIPTION:
        message = f"must be at most {MAX_DESCRIPTION} characters"
        raise InvalidInput(f"description {message}", fields={"description": message})
    return description


def iso(moment: datetime | None) -> str | None:
    """ISO 8601 text of an aware datetime, or None."""
    return moment.astimezone(UTC).isoformat() if moment else None
