"""Reminders: a moment before a task is due (or at a fixed time) when its owner is emailed."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum
from typing import NamedTuple

from taskai.domain.vocabulary import ReminderState
from taskai.errors import Conflict, InvalidInput

MAX_MINUTES_BEFORE = 366 * 24 * 60
MAX_REMINDERS = 10
PENDING, QUEUED, SENT = ReminderState.PENDING, ReminderState.QUEUED, ReminderState.SENT
FAILED, CANCELLED = ReminderState.FAILED, ReminderState.CANCELLED
MISSED, SKIPPED = ReminderState.MISSED, ReminderState.SKIPPED
OPEN_STATUSES = frozenset({PENDING, SKIPPED, CANCELLED})  # not gone out: follow their task


class Transition(StrEnum):
    """The ways a reminder changes state (besides being scheduled)."""

    MOVE = "move"
    CANCEL = "cancel"
    RESTORE = "restore"
    QUEUE = "queue"
    MARK_SENT = "mark_sent"
    MARK_FAILED = "mark_failed"
    MARK_MISSED = "mark_missed"


class Step(NamedTuple):
    """The states a transition may start from, and those it may end in."""

    sources: frozenset[ReminderState]
    targets: frozenset[ReminderState]


TRANSITIONS: dict[Transition, Step] = {
    # Follows its task: a new due time, the task done or deleted, a due date lost or regained.
    Transition.MOVE: Step(OPEN_STATUSES, frozenset({PENDING, SKIPPED})),
    Transition.CANCEL: Step(OPEN_STATUSES | {QUEUED}, frozenset({CANCELLED})),
    Transition.RESTORE: Step(frozenset({CANCELLED}), frozenset({PENDING, MISSED})),
    # Delivery: the scheduler queues (or gives up on) it, the notifier settles it.
    Transition.QUEUE: Step(frozenset({PENDING}), frozenset({QUEUED})),
    Transition.MARK_SENT: Step(frozenset({QUEUED}), frozenset({SENT})),
    Transition.MARK_FAILED: Step(frozenset({QUEUED}), frozenset({FAILED})),
    Transition.MARK_MISSED: Step(frozenset({PENDING, QUEUED}), frozenset({MISSED})),
}
"""Every allowed reminder transition: the one table the entity and bulk updates both obey."""


class IllegalTransition(Conflict):
    """A reminder was asked to make a transition its state does not allow."""

    code = "illegal_reminder_transition"


def single_target(transition: Transition) -> ReminderState:
    """The one state `transition` ends in; raises ValueError for one that depends on time."""
    (target,) = TRANSITIONS[transition].targets
    return target


@dataclass(frozen=True)
class ReminderSpec:
    """What a client asks for: an offset before the due time, or an absolute time."""

    minutes_before: int | None = None
    at: datetime | None = None

    def __post_init__(self) -> None:
        if (self.minutes_before is None) == (self.at is None):
            given = "both" if self.at is not None else "neither"
            raise InvalidInput(
                f"a reminder needs one of minutes_before and at, not {given}",
                fields={"reminders": "give exactly one of minutes_before, at"},
            )
        if self.minutes_before is not None and not 0 <= self.minutes_before <= MAX_MINUTES_BEFORE:
            raise InvalidInput(
                "reminder offset out of range",
                fields={"reminders": f"minutes_before must be 0 to {MAX_MINUTES_BEFORE}"},
            )


@dataclass(eq=False)
class Reminder:
    """One scheduled reminder of a task, stored with its fire time in UTC."""

    task_id: uuid.UUID
    user_id: uuid.UUID
    minutes_before: int | None
    at: datetime | None
    fire_at: datetime
    status: ReminderState = PENDING
    id: uuid.UUID = field(default_factory=uuid.uuid4)
    created_at: datetime | None = None

    @classmethod
    def schedule(
        cls,
        spec: ReminderSpec,
        *,
        task_id: uuid.UUID,
        user_id: uuid.UUID,
        due_at: datetime | None,
        now: datetime,
        index: int,
    ) -> Reminder:
        """A reminder for `spec`; one whose time has passed is kept, never sent: a past offset
        as skipped, a past absolute time as missed (as when a task moves past them). An offset
        on a task without a due date is kept cancelled until the task gets one."""
        if spec.at is not None:
            status = PENDING if spec.at > now else MISSED
            return cls(task_id, user_id, None, spec.at, spec.at, status, created_at=now)
        assert spec.minutes_before is not None
        if due_at is None:  # waits, cancelled, for a due date, as when a task loses its own
            return cls(task_id, user_id, spec.minutes_before, None, now, CANCELLED, created_at=now)
        fire_at = due_at - timedelta(minutes=spec.minutes_before)
        status = PENDING if fire_at > now else SKIPPED
        return cls(task_id, user_id, spec.minutes_before, None, fire_at, status, created_at=now)

    @property
    def spec(self) -> ReminderSpec:
        """The request this reminder answers, to copy it to another task."""
        return ReminderSpec(minutes_before=self.minutes_before, at=self.at)

    def follow(self, *, due_at: datetime | None, active: bool, now: datetime) -> None:
        """Keep a reminder that has not gone out in step with its task, whatever the transition:
        cancelled while the task is done or deleted (`active` False) or, for an offset, has no
        due time; otherwise pending, or skipped (offset) / missed (absolute) once its time has
        passed. Reminders that went out (queued, sent, failed, missed) are history and stay."""
        if self.status not in OPEN_STATUSES:
            return
        if not active or (self.minutes_before is not None and due_at is None):
            self.cancel()
        elif self.minutes_before is not None:
            assert due_at is not None
            self.move(due_at, now=now)
        elif self.status == CANCELLED:
            self.restore(now=now)

    def move(self, due_at: datetime, *, now: datetime) -> None:
        """An offset reminder follows its task's new due time (UTC): pending, or skipped when
        that time has passed; raises IllegalTransition unless open, or for a fixed time."""
        if self.minutes_before is None:
            raise IllegalTransition("a reminder at a fixed time does not move with its task")
        fire_at = due_at - timedelta(minutes=self.minutes_before)
        self._go(Transition.MOVE, PENDING if fire_at > now else SKIPPED)
        self.fire_at = fire_at

    def cancel(self) -> None:
        """Not to be sent (its task is done, deleted or has no due time); raises
        IllegalTransition once it went out."""
        self._go(Transition.CANCEL, CANCELLED)

    def restore(self, *, now: datetime) -> None:
        """A cancelled reminder at a fixed time is wanted again: pending, or missed when its time
        has passed; raises IllegalTransition unless cancelled, or for an offset (it moves)."""
        if self.minutes_before is not None:
            raise IllegalTransition("a reminder before the due time moves with its task")
        self._go(Transition.RESTORE, PENDING if self.fire_at > now else MISSED)

    def queue(self) -> None:
        """Its time came and its reminder.due event is written; raises IllegalTransition."""
        self._go(Transition.QUEUE, QUEUED)

    def mark_sent(self) -> None:
        """The email went out; raises IllegalTransition unless queued."""
        self._go(Transition.MARK_SENT, SENT)

    def mark_failed(self) -> None:
        """The provider refused the email for good; raises IllegalTransition unless queued."""
        self._go(Transition.MARK_FAILED, FAILED)

    def mark_missed(self) -> None:
        """Too late to be worth sending; raises IllegalTransition unless pending or queued."""
        self._go(Transition.MARK_MISSED, MISSED)

    def _go(self, transition: Transition, target: ReminderState) -> None:
        step = TRANSITIONS[transition]
        if self.status not in step.sources:
            doing = transition.replace("_", " ")
            raise IllegalTransition(f"a {self.status} reminder cannot {doing}")
        assert target in step.targets, (transition, target)
        self.status = target
