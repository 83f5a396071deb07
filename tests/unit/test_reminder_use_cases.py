"""The reminder scheduler and reminder emails (`taskai.services.reminders`, `.notifications`)
against the in-memory fakes."""

from __future__ import annotations

from datetime import timedelta

import pytest
from fakes import NOW, FakeSender, new_task, wire

from taskai.domain.events import ReminderDue
from taskai.ports import SendFailed
from taskai.services import notifications
from taskai.services.reminders import fire_due_reminders
from taskai.services.tasks import complete_task

MISSED_AFTER = timedelta(minutes=30)
MAILING = notifications.Mailing(
    from_address="TaskAI <reminders@taskai.example>",
    public_url="https://taskai.example",
    missed_after=MISSED_AFTER,
)
FIRE_AT = NOW + timedelta(hours=1)


@pytest.fixture
def task(uow, user):
    """Due in two hours, with a reminder an hour before."""
    return new_task(
        uow, user, due_date=NOW + timedelta(hours=2), reminders=[{"minutes_before": 60}]
    )


@pytest.fixture
def due(uow, task) -> ReminderDue:
    """The reminder.due event of the task's reminder, as the scheduler publishes it."""
    fire_due_reminders(uow=uow, now=FIRE_AT, missed_after=MISSED_AFTER)
    event = uow.published[-1]
    assert isinstance(event, ReminderDue)
    return event


def send(uow, due, sender, *, now=FIRE_AT + timedelta(minutes=1)):
    return notifications.send_reminder(
        uow=uow,
        sender=sender,
        mailing=MAILING,
        event_id=due.id,
        data=wire(due),
        now=now,
        clock=lambda: now,
    )


def test_a_reminder_whose_time_has_come_is_queued_with_one_reminder_due_event(uow, task):
    tally = fire_due_reminders(uow=uow, now=FIRE_AT, missed_after=MISSED_AFTER)
    assert (tally.queued, tally.missed) == (1, 0)
    assert task.reminders[0].status == "queued"
    assert uow.event_types() == ["TaskCreated", "ReminderDue"]
    assert uow.published[-1].reminder_id == task.reminders[0].id


def test_a_reminder_not_yet_due_waits(uow, task):
    tally = fire_due_reminders(
        uow=uow, now=FIRE_AT - timedelta(seconds=1), missed_after=MISSED_AFTER
    )
    assert (tally.queued, tally.missed) == (0, 0)
    assert task.reminders[0].status == "pending"


def test_a_reminder_found_later_than_missed_after_is_marked_missed_not_sent(uow, task):
    late = FIRE_AT + MISSED_AFTER + timedelta(minutes=1)
    tally = fire_due_reminders(uow=uow, now=late, missed_after=MISSED_AFTER)
    assert (tally.queued, tally.missed) == (0, 1)
    assert task.reminders[0].status == "missed"
    assert uow.event_types() == ["TaskCreated"]


def test_the_scheduler_claims_in_batches_until_none_are_left(uow, user):
    for i in range(5):
        new_task(
            uow,
            user,
            f"t{i}",
            due_date=NOW + timedelta(hours=2),
            reminders=[{"minutes_before": 60}],
        )
    tally = fire_due_reminders(uow=uow, now=FIRE_AT, missed_after=MISSED_AFTER, batch=2)
    assert tally.queued == 5
    assert uow.event_types().count("ReminderDue") == 5


def test_a_due_reminder_is_emailed_to_its_owner_and_logged_as_sent(uow, task, due, user):
    sender = FakeSender()
    assert send(uow, due, sender) == "sent"
    [email] = sender.sent
    assert email.to == user.email and "Pay rent" in email.subject
    assert task.reminders[0].status == "sent"
    [attempt] = uow.notifications.of_reminder(task.reminders[0].id)
    assert (attempt["status"], attempt["provider"]) == ("sent", "fake")


def test_a_redelivered_reminder_event_sends_no_second_email(uow, task, due):
    sender = FakeSender()
    send(uow, due, sender)
    assert send(uow, due, sender) == "duplicate"
    assert len(sender.sent) == 1


def test_a_transient_failure_asks_for_a_retry_and_the_retry_sends_it(uow, task, due):
    sender = FakeSender(failure=SendFailed("busy", transient=True, retry_after_s=3))
    with pytest.raises(notifications.RetryLater) as retry:
        send(uow, due, sender)
    assert retry.value.retry_after_s == 3
    sender.failure = None
    assert send(uow, due, sender) == "sent"
    attempts = uow.notifications.of_reminder(task.reminders[0].id)
    assert [(a["attempt"], a["status"]) for a in attempts] == [(1, "retry"), (2, "sent")]


def test_a_permanent_failure_settles_the_reminder_as_failed(uow, task, due):
    sender = FakeSender(failure=SendFailed("bad address", transient=False))
    assert send(uow, due, sender) == "failed"
    assert task.reminders[0].status == "failed"
    assert send(uow, due, FakeSender()) == "duplicate"


def test_the_reminder_of_a_task_completed_meanwhile_is_not_emailed(uow, task, due, user):
    complete_task(uow=uow, user_id=user.id, task_id=task.id, now=FIRE_AT)
    sender = FakeSender()
    assert send(uow, due, sender) == "cancelled"
    assert sender.sent == [] and task.reminders[0].status == "cancelled"


def test_a_reminder_event_arriving_too_late_is_logged_as_missed(uow, task, due):
    sender = FakeSender()
    late = FIRE_AT + MISSED_AFTER + timedelta(minutes=1)
    assert send(uow, due, sender, now=late) == "missed"
    assert sender.sent == [] and task.reminders[0].status == "missed"


def test_the_reminder_of_a_deleted_account_is_cancelled(uow, task, due, user):
    uow.users.delete(user)
    sender = FakeSender()
    assert send(uow, due, sender) == "cancelled"
    assert sender.sent == []


def test_events_other_than_reminder_due_are_ignored(uow, task, due):
    created = uow.published[0]
    outcome = notifications.send_reminder(
        uow=uow,
        sender=FakeSender(),
        mailing=MAILING,
        event_id=created.id,
        data=wire(created),
        now=NOW,
        clock=lambda: NOW,
    )
    assert outcome == "ignored"
