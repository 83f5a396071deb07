"""The reminder scheduler: each due reminder becomes one reminder.due event, or is marked missed.

A claim, its status change and its outbox event commit together, so a reminder is queued once
even when two schedulers run at the same time (PostgreSQL: FOR UPDATE SKIP LOCKED; SQLite: one
writer at a time). A scheduler that was down catches up on its next tick.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from taskai.domain.events import ReminderDue
from taskai.domain.reminders import PENDING, SKIPPED, Transition
from taskai.domain.users import User
from taskai.ports import DueReminder, UnitOfWork
from taskai.telemetry.metrics import metrics

log = logging.getLogger("taskai.reminders")
BATCH = 500  # reminders claimed per transaction


@dataclass
class Tally:
    """What one tick did."""

    queued: int = 0
    missed: int = 0


def fire_due_reminders(
    *, uow: UnitOfWork, now: datetime, missed_after: timedelta, batch: int = BATCH
) -> Tally:
    """Queue every reminder whose time has come; one later than `missed_after` is marked missed."""
    tally = Tally()
    while True:
        with uow:
            claimed = uow.reminders.claim_due(now, batch)
            missed = [r for r in claimed if now - r.fire_at > missed_after]
            due = [r for r in claimed if now - r.fire_at <= missed_after]
            for reminder in due:
                uow.publish(reminder_due(reminder, now=now))
            uow.reminders.mark([r.id for r in due], Transition.QUEUE)
            uow.reminders.mark([r.id for r in missed], Transition.MARK_MISSED)
            for reminder in missed:
                log.warning("reminder missed", extra=lateness(reminder, now))
            uow.commit()
        metrics().reminders_due.inc(len(due))
        metrics().reminders_missed.inc(len(missed))
        tally.queued, tally.missed = tally.queued + len(due), tally.missed + len(missed)
        if len(claimed) < batch:
            return tally


def follow_reminder_time(*, uow: UnitOfWork, user: User, now: datetime, batch: int = BATCH) -> int:
    """Move the open offset reminders of `user`'s open all-day tasks to count back from their
    all-day reminder time (after it changed), `batch` per statement; returns how many moved."""
    clock, after, moved = user.clock, None, 0
    while True:
        found = uow.reminders.all_day_offsets(user.id, after=after, limit=batch)
        moves = []
        for reminder in found:
            base = clock.reminder_base(reminder.due_at)
            fire_at = base - timedelta(minutes=reminder.minutes_before)
            moves.append((reminder.id, fire_at, PENDING if fire_at > now else SKIPPED))
        uow.reminders.refire(moves)
        moved += len(moves)
        if len(found) < batch:
            return moved
        after = found[-1].id


def reminder_due(reminder: DueReminder, *, now: datetime) -> ReminderDue:
    """The event that hands a due reminder to the notifications function."""
    return ReminderDue(
        occurred_at=now,
        reminder_id=reminder.id,
        task_id=reminder.task_id,
        user_id=reminder.user_id,
        fire_at=reminder.fire_at,
        minutes_before=reminder.minutes_before,
        at=reminder.at,
        title=reminder.title,
        due_date=reminder.due_at,
    )


def lateness(reminder: DueReminder, now: datetime) -> dict[str, str | int]:
    """Log fields for a late reminder: its id and how late it is at `now`, in whole seconds."""
    return {
        "reminder_id": str(reminder.id),
        "late_s": int((now - reminder.fire_at).total_seconds()),
    }
