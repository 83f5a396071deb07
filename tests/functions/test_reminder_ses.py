"""Reminder emails through Amazon SES (boto3 against moto's SES), the alternative provider."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from reminder_support import as_cloudevent, attempts, queued, reminder_id
from support import event_client
from taskai import bootstrap

REGION = "eu-west-1"


@pytest.fixture
def ses(database: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    """moto's SES backend, with AWS_REGION set so that TaskAI sends through SES."""
    from moto import mock_aws
    from moto.core import DEFAULT_ACCOUNT_ID
    from moto.ses.models import ses_backends

    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN"):
        monkeypatch.setenv(name, "testing")
    monkeypatch.setenv("AWS_REGION", REGION)
    monkeypatch.delenv("RESEND_API_KEY", raising=False)
    bootstrap.reset()
    with mock_aws():
        yield ses_backends[DEFAULT_ACCOUNT_ID][REGION]


@pytest.fixture(scope="module")
def notifications():
    return event_client("notifications")


def verify_sender() -> None:
    import boto3

    boto3.client("ses", region_name=REGION).verify_email_identity(
        EmailAddress="reminders@taskai.local"
    )


def test_a_due_reminder_is_emailed_through_ses_from_the_verified_sender(alice, ses, notifications):
    verify_sender()
    task, event_id, data = queued(alice, title="Renew the passport", priority="urgent")
    headers, body = as_cloudevent(event_id, data)
    response = notifications.post("/", headers=headers, data=body)
    assert (response.status_code, response.json["outcome"]) == (200, "sent")
    [message] = ses.sent_messages
    assert message.destinations["ToAddresses"] == [alice.email]
    assert message.subject == "Reminder: Renew the passport (due in 1 hour)"
    assert "Priority: urgent" in message.body or "urgent" in message.body
    [attempt] = attempts(reminder_id(task))
    assert (attempt["provider"], attempt["status"]) == ("ses", "sent")
    assert attempt["provider_message_id"] == message.id
    headers, body = as_cloudevent(event_id, data)
    assert notifications.post("/", headers=headers, data=body).json["outcome"] == "duplicate"
    assert len(ses.sent_messages) == 1


def test_an_unverified_sender_is_a_permanent_failure_logged_and_answered_2xx(
    alice, ses, notifications
):
    task, event_id, data = queued(alice)
    headers, body = as_cloudevent(event_id, data)
    response = notifications.post("/", headers=headers, data=body)
    assert (response.status_code, response.json["outcome"]) == (200, "failed")
    [attempt] = attempts(reminder_id(task))
    assert attempt["status"] == "failed" and "MessageRejected" in attempt["error"]
    assert ses.sent_messages == []
