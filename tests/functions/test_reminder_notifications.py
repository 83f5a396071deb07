"""The notifications function: a due reminder is emailed once, every attempt logged, faults retried."""

from __future__ import annotations

import logging
import threading
import uuid
from datetime import timedelta

import pytest

from reminder_support import (
    as_cloudevent,
    attempts,
    due_events,
    fire_at,
    past_due,
    queued,
    reminder_id,
    resend_fixture,  # noqa: F401 (the `resend` fixture)
    soon,
    statuses,
    tick,
    with_reminder,
)
from support import event_client, settle
from taskai import bootstrap

MINUTE = timedelta(minutes=1)


@pytest.fixture(scope="module")
def notifications():
    return event_client("notifications")


def deliver(notifications, event_id, data):
    headers, body = as_cloudevent(event_id, data)
    return notifications.post("/", headers=headers, data=body)


def test_a_due_reminder_is_emailed_through_resend_once_with_its_id_as_idempotency_key(
    alice, resend
):
    task = with_reminder(alice, due=soon(7200), title="Pay rent", priority="high")
    tick(fire_at(task) + MINUTE)
    settle()  # the relay hands the event to the notifications function, which sends it
    [email] = resend.emails
    assert email["to"] == [alice.email] and email["from"] == "TaskAI <reminders@taskai.local>"
    assert email["subject"] == "Reminder: Pay rent (due in 1 hour)"
    assert email["headers"]["idempotency-key"] == f"reminder/{reminder_id(task)}"
    assert email["headers"]["authorization"] == "Bearer re_test_0123456789abcdef"
    assert email["headers"]["user-agent"].startswith("resend-python:")
    assert "Priority: high" in email["text"] and "Pay rent" in email["html"]
    assert f"http://localhost:8080/tasks/{task['id']}" in email["text"]
    assert "EST" in email["text"] or "EDT" in email["text"]  # the owner's zone, New York
    assert statuses(alice, task) == ["sent"]
    [attempt] = attempts(reminder_id(task))
    assert (attempt["attempt"], attempt["status"], attempt["provider"]) == (1, "sent", "resend")
    assert attempt["provider_message_id"] == email["id"] and attempt["recipient"] == alice.email
    assert attempt["finished_at"] >= attempt["created_at"]


def test_the_same_event_delivered_twice_sends_one_email(alice, resend, notifications):
    task, event_id, data = queued(alice)
    first, again = (deliver(notifications, event_id, data) for _ in range(2))
    assert (first.status_code, first.json["outcome"]) == (200, "sent")
    assert (again.status_code, again.json["outcome"]) == (200, "duplicate")
    assert len(resend.emails) == 1 and len(attempts(reminder_id(task))) == 1


def test_deliveries_racing_each_other_send_one_email(alice, resend, notifications):
    task, event_id, data = queued(alice)
    ids = [event_id, event_id, str(uuid.uuid4()), str(uuid.uuid4())] * 2  # redeliveries, re-queues
    answers: list[int] = []
    threads = [
        threading.Thread(
            target=lambda i=i: answers.append(deliver(notifications, i, data).status_code)
        )
        for i in ids
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert set(answers) <= {200, 503} and 200 in answers  # 503: "being sent, come back later"
    assert deliver(notifications, event_id, data).json["outcome"] == "duplicate"
    assert len(resend.emails) == 1
    assert [a["status"] for a in attempts(reminder_id(task))] == ["sent"]


def test_a_rejected_address_is_logged_as_failed_and_answered_2xx(alice, resend, notifications):
    resend.rejected.add(alice.email)
    task, event_id, data = queued(alice)
    response = deliver(notifications, event_id, data)
    assert (response.status_code, response.json["outcome"]) == (200, "failed")
    [attempt] = attempts(reminder_id(task))
    assert attempt["status"] == "failed" and "422 validation_error" in attempt["error"]
    assert statuses(alice, task) == ["failed"]
    assert deliver(notifications, event_id, data).json["outcome"] == "duplicate"
    assert resend.emails == [] and sum(resend.statuses.values()) == 1  # not tried again


@pytest.mark.parametrize("after_sending", [False, True], ids=["before", "answer-lost"])
def test_a_server_error_is_answered_503_and_the_redelivery_sends_exactly_one_email(
    alice, resend, notifications, after_sending
):
    resend.fail_next(after_sending=after_sending)
    task, event_id, data = queued(alice)
    assert deliver(notifications, event_id, data).status_code == 503
    assert statuses(alice, task) == ["queued"]
    again = deliver(notifications, event_id, data)
    assert (again.status_code, again.json["outcome"]) == (200, "sent")
    [email] = resend.emails  # a lost answer is retried with the same key: Resend replays it
    first, second = attempts(reminder_id(task))
    assert (first["status"], second["status"]) == ("retry", "sent")
    assert "resend 500 internal_server_error" in first["error"]
    assert second["provider_message_id"] == email["id"]


def test_a_429_is_answered_503_with_its_retry_after_and_then_sent(alice, resend, notifications):
    resend.rate_limit(1, retry_after=7)
    task, event_id, data = queued(alice)
    response = deliver(notifications, event_id, data)
    assert (response.status_code, response.headers["Retry-After"]) == (503, "7")
    assert deliver(notifications, event_id, data).json["outcome"] == "sent"
    assert len(resend.emails) == 1
    assert [a["status"] for a in attempts(reminder_id(task))] == ["retry", "sent"]


def test_a_reminder_whose_task_is_completed_before_it_goes_out_is_not_emailed(
    alice, resend, notifications
):
    task, event_id, data = queued(alice)
    alice.post(f"/api/tasks/{task['id']}/complete")
    assert deliver(notifications, event_id, data).json["outcome"] == "cancelled"
    assert resend.emails == [] and statuses(alice, task) == ["cancelled"]
    [attempt] = attempts(reminder_id(task))
    assert (attempt["status"], attempt["error"]) == ("cancelled", "the task was completed")


def test_a_reminder_whose_task_is_deleted_before_it_goes_out_is_not_emailed(
    alice, resend, notifications
):
    task, event_id, data = queued(alice)
    alice.delete(f"/api/tasks/{task['id']}")
    assert deliver(notifications, event_id, data).json["outcome"] == "cancelled"
    assert deliver(notifications, event_id, data).json["outcome"] == "duplicate"
    assert resend.emails == []
    assert [a["error"] for a in attempts(reminder_id(task))] == ["the task was deleted"]


def test_an_event_arriving_more_than_a_day_late_is_marked_missed(alice, resend, notifications):
    bootstrap.relay().stop()
    [reminder] = past_due(alice, 25 * 60)
    tick(soon(0), missed_after=timedelta(days=2))  # queued by a lenient scheduler
    [(event_id, data)] = due_events()
    assert deliver(notifications, event_id, data).json["outcome"] == "missed"
    assert resend.emails == [] and attempts(reminder)[0]["status"] == "missed"


def test_an_event_against_its_contract_is_422_so_it_is_dead_lettered(alice, notifications):
    _, event_id, data = queued(alice)
    response = deliver(notifications, event_id, {**data, "reminder_id": "not a uuid"})
    assert response.status_code == 422


def test_with_nothing_configured_the_email_is_written_to_the_log(alice, notifications):
    records: list[logging.LogRecord] = []
    handler = logging.Handler()
    handler.emit = records.append  # type: ignore[method-assign]
    logger = logging.getLogger("taskai.email")
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    try:
        task, event_id, data = queued(alice, title="Water the plants")
        assert deliver(notifications, event_id, data).json["outcome"] == "sent"
    finally:
        logger.removeHandler(handler)
        logger.setLevel(logging.NOTSET)
    [record] = records
    assert record.getMessage() == "email" and record.to == alice.email  # type: ignore[attr-defined]
    assert record.subject == "Reminder: Water the plants (due in 1 hour)"  # type: ignore[attr-defined]
    assert "Water the plants" in record.text and "<h2" in record.html  # type: ignore[attr-defined]
    [attempt] = attempts(reminder_id(task))
    assert (attempt["provider"], attempt["status"]) == ("log", "sent")
