"""Reminder emails: each due reminder is emailed to its owner at most once, every attempt logged.

Exactly once, step by step:
1. Claim, in one transaction: lock the reminder row, read its last logged attempt, and insert the
   next attempt as `sending`. Only a reminder still `queued` is claimed and a sent one never is
   again, so a redelivered event is a duplicate; an attempt still `sending` within LEASE belongs
   to another instance (retry later); of two racing claims the unique key (reminder_id, attempt)
   lets one commit.
2. Send, outside any transaction, with the reminder as the provider's idempotency key, so that a
   retry after a lost answer is not a second email at Resend.
3. Record the outcome on the attempt and the reminder: sent, failed (permanent: answered 2xx) or
   retry (transient: answered 503, so the event is delivered again).
Web Push (issue 17) is a second channel beside email, with claims of its own per subscription
(services/push), so a redelivery retries only what is still owed on either channel.
"""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from taskai.contracts import EventData, ReminderDueData
from taskai.domain.emails import Email, ReminderNote, render_reminder
from taskai.domain.reminders import CANCELLED, FAILED, MISSED, QUEUED, SENT, Transition
from taskai.domain.vocabulary import Priority, TaskStatus
from taskai.errors import Conflict
from taskai.ports import Clock, EmailSender, PushSender, Recipient, SendFailed, UnitOfWork
from taskai.services import push
from taskai.telemetry.metrics import metrics

log = logging.getLogger("taskai.notifications")
CONSUMER = "notifications"
CHANNEL = "email"
SENDING, RETRY = "sending", "retry"
SETTLES: dict[str, Transition] = {
    SENT: Transition.MARK_SENT,
    FAILED: Transition.MARK_FAILED,
    CANCELLED: Transition.CANCEL,
    MISSED: Transition.MARK_MISSED,
}
"""An attempt that ends with one of these statuses settles its reminder by that transition."""
LEASE = timedelta(seconds=60)  # longer than any request may run (the function's timeout)


class RetryLater(Exception):
    """The reminder could not be sent now; its event should be delivered again later."""

    def __init__(self, message: str, *, retry_after_s: float | None = None) -> None:
        super().__init__(message)
        self.retry_after_s = retry_after_s


@dataclass(frozen=True)
class Mailing:
    """How reminder emails go out: from whom, linking where, and how late is too late."""

    from_address: str
    public_url: str
    missed_after: timedelta


@dataclass(frozen=True)
class Claim:
    """An attempt this instance holds: it, and only it, may send this email now."""

    reminder_id: uuid.UUID
    attempt: int
    email: Email


def send_reminder(
    *,
    uow: UnitOfWork,
    sender: EmailSender,
    mailing: Mailing,
    event_id: str,
    data: EventData,
    now: datetime,
    clock: Clock,
    pusher: PushSender | None = None,
) -> str:
    """Email the owner of the reminder in a parsed reminder.due received at `now`, and push it
    to each of their browsers when `pusher` is given; says the email's outcome: "sent",
    "failed", "cancelled", "missed", "duplicate" or "ignored" (another type); raises RetryLater
    while either channel has something to try again. `clock` stamps when an attempt ended."""
    if not isinstance(data, ReminderDueData):
        return "ignored"
    deferred: RetryLater | None = None
    try:
        outcome = email_reminder(
            uow=uow,
            sender=sender,
            mailing=mailing,
            due=data,
            event_id=event_id,
            now=now,
            clock=clock,
        )
    except RetryLater as e:
        outcome, deferred = RETRY, e
    # Web Push (issue 17): each channel keeps its own claims, so a retry redoes only what failed.
    if pusher is not None and outcome not in (CANCELLED, MISSED):
        again = push.push_reminder(
            uow=uow,
            sender=pusher,
            due=data,
            event_id=event_id,
            now=now,
            clock=clock,
            missed_after=mailing.missed_after,
        )
        if again and deferred is None:
            deferred = RetryLater("a push service asked to try again", retry_after_s=30)
    if deferred is not None:
        raise deferred
    return outcome


def email_reminder(
    *,
    uow: UnitOfWork,
    sender: EmailSender,
    mailing: Mailing,
    due: ReminderDueData,
    event_id: str,
    now: datetime,
    clock: Clock,
) -> str:
    """Email the reminder once: "sent", "failed", "cancelled", "missed" or "duplicate"; raises
    RetryLater."""
    claim = claim_attempt(uow, due, event_id=event_id, now=now, sender=sender, mailing=mailing)
    if isinstance(claim, str):
        return claim
    try:
        sent = sender.send(claim.email)
    except SendFailed as e:
        finish(uow, claim, clock(), status=RETRY if e.transient else FAILED, error=str(e))
        metrics().reminders_failed.labels("transient" if e.transient else "permanent").inc()
        about = {"reminder_id": str(due.reminder_id), "error": str(e)}
        if e.transient:
            log.warning("reminder email deferred", extra=about)
            raise RetryLater(str(e), retry_after_s=e.retry_after_s) from e
        log.error("reminder email refused", extra=about)
        return FAILED
    finish(uow, claim, clock(), status=SENT, message_id=sent.message_id, error=sent.note)
    metrics().reminders_sent.inc()
    metrics().reminder_lateness.observe(max(0.0, (now - due.fire_at).total_seconds()))
    return SENT


def claim_attempt(
    uow: UnitOfWork,
    due: ReminderDueData,
    *,
    event_id: str,
    now: datetime,
    sender: EmailSender,
    mailing: Mailing,
) -> Claim | str:
    """Take the next attempt of this reminder, or say why there is nothing to send."""
    with uow:
        status = uow.reminders.lock(due.reminder_id)
        last = uow.notifications.last_attempt(due.reminder_id)
        if settled(status, last):
            return "duplicate"
        if last and last["status"] == SENDING and now - last["created_at"] < LEASE:
            raise RetryLater("another instance is sending this reminder", retry_after_s=5)
        recipient = uow.reminders.recipient(due.user_id, due.task_id)
        if recipient is None:
            return CANCELLED  # the owner's account is gone, and the reminder with it
        attempt = int(last["attempt"]) + 1 if last else 1
        row = attempt_row(due, attempt, event_id, sender.provider, recipient.email, now)
        if reason := held_back(status, recipient, due, now, mailing.missed_after):
            return close_unsent(uow, row, *reason)
        email = render_reminder(
            note(due, recipient),
            to=recipient.email,
            sender=mailing.from_address,
            public_url=mailing.public_url,
        )
        uow.notifications.start(**row, status=SENDING)
        commit_claim(uow)
        return Claim(due.reminder_id, attempt, email)


def attempt_row(
    due: ReminderDueData, attempt: int, event_id: str, provider: str, to: str, now: datetime
) -> dict[str, Any]:
    """The notification log row of an attempt, as it is claimed."""
    return {
        "reminder_id": due.reminder_id,
        "attempt": attempt,
        "task_id": due.task_id,
        "user_id": due.user_id,
        "event_id": event_id,
        "channel": CHANNEL,
        "provider": provider,
        "recipient": to,
        "created_at": now,
    }


def close_unsent(uow: UnitOfWork, row: dict[str, Any], status: str, error: str) -> str:
    """Log why the reminder will not be emailed, and settle it with that status."""
    uow.notifications.start(**row, status=status, error=error, finished_at=row["created_at"])
    uow.reminders.mark([row["reminder_id"]], SETTLES[status])
    commit_claim(uow)
    if status == MISSED:
        metrics().reminders_missed.inc()
    return status


def settled(status: str | None, last: dict[str, Any] | None) -> bool:
    """True when this reminder is no longer waiting to be emailed (a redelivered event)."""
    if last is not None and last["status"] == SENT:
        return True
    if status is None:  # its task was deleted: settled once that is logged
        return last is not None and last["status"] in SETTLES
    return status != QUEUED


def held_back(
    status: str | None,
    recipient: Recipient,
    due: ReminderDueData,
    now: datetime,
    missed_after: timedelta,
) -> tuple[str, str] | None:
    """Why this reminder must not be emailed any more (status, reason), or None to send it."""
    if status is None or recipient.task_status is None:
        return CANCELLED, "the task was deleted"
    if recipient.task_status == TaskStatus.COMPLETED:
        return CANCELLED, "the task was completed"
    if now - due.fire_at > missed_after:
        return MISSED, f"more than {missed_after} late"
    return None


def note(due: ReminderDueData, recipient: Recipient) -> ReminderNote:
    """What the email says: the event's snapshot of the task, in the owner's zone."""
    return ReminderNote(
        reminder_id=due.reminder_id,
        task_id=due.task_id,
        title=due.title,
        priority=recipient.priority or Priority.MEDIUM,
        due_at=due.due_date,
        minutes_before=due.minutes_before,
        timezone=recipient.timezone,
        name=recipient.name,
        all_day=recipient.all_day,
    )


def commit_claim(uow: UnitOfWork) -> None:
    """Commit the claim of an attempt; raises RetryLater (retry after 5 s) when another instance
    claimed it first."""
    try:
        uow.commit()
    except Conflict as e:  # another instance took this attempt first
        raise RetryLater("another instance claimed this reminder", retry_after_s=5) from e


def finish(
    uow: UnitOfWork,
    claim: Claim,
    at: datetime,
    *,
    status: str,
    message_id: str | None = None,
    error: str | None = None,
) -> None:
    """Record how the attempt ended at `at`; a sent or refused email settles its reminder."""
    with uow:
        uow.notifications.finish(
            claim.reminder_id,
            claim.attempt,
            status=status,
            provider_message_id=message_id,
            error=error,
            finished_at=at,
        )
        if status in SETTLES:
            uow.reminders.mark([claim.reminder_id], SETTLES[status])
        uow.commit()
