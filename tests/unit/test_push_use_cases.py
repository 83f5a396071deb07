"""Use cases of Web Push with fakes: subscriptions (checked, idempotent, capped, the owner's
own) and the reminder's push channel beside email (once per subscription, 404/410 deletes,
429/5xx retried, nothing for a cancelled or completed reminder)."""

from __future__ import annotations

import base64
import json
import os
import uuid
from datetime import timedelta

import pytest
from fakes import NOW, FakePushSender, FakeSender, new_task, wire

from taskai.domain.events import ReminderDue
from taskai.domain.push import MAX_SUBSCRIPTIONS, check_keys
from taskai.domain.users import User
from taskai.errors import Conflict, InvalidInput, NotFound, Unavailable
from taskai.services import notifications, push
from taskai.services.reminders import fire_due_reminders
from taskai.services.tasks import complete_task

MISSED_AFTER = timedelta(minutes=30)
MAILING = notifications.Mailing(
    from_address="TaskAI <reminders@taskai.example>",
    public_url="https://taskai.example",
    missed_after=MISSED_AFTER,
)
FIRE_AT = NOW + timedelta(hours=1)


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def keys() -> dict[str, str]:
    return {"p256dh": b64(b"\x04" + os.urandom(64)), "auth": b64(os.urandom(16))}


def subscribe(uow, user, pusher, endpoint: str | None = None, **given):
    endpoint = endpoint or f"https://push.example.net/{uuid.uuid4().hex}"
    return push.subscribe(
        uow=uow,
        sender=pusher,
        user_id=user.id,
        endpoint=endpoint,
        now=NOW,
        **{**keys(), **given},
    )


@pytest.fixture
def pusher() -> FakePushSender:
    return FakePushSender()


@pytest.fixture
def due(uow, user) -> ReminderDue:
    """The reminder.due event of a task due in two hours with a reminder an hour before."""
    new_task(uow, user, due_date=NOW + timedelta(hours=2), reminders=[{"minutes_before": 60}])
    fire_due_reminders(uow=uow, now=FIRE_AT, missed_after=MISSED_AFTER)
    event = uow.published[-1]
    assert isinstance(event, ReminderDue)
    return event


def send(uow, due, pusher, *, email=None, now=FIRE_AT + timedelta(minutes=1)):
    return notifications.send_reminder(
        uow=uow,
        sender=email or FakeSender(),
        mailing=MAILING,
        event_id=due.id,
        data=wire(due),
        now=now,
        clock=lambda: now,
        pusher=pusher,
    )


def test_keys_of_the_wrong_length_or_alphabet_are_refused_naming_the_field():
    good = keys()
    check_keys(**good)
    for p256dh, auth, field in [
        (good["p256dh"][:-3], good["auth"], "keys.p256dh"),
        (b64(b"\x02" + os.urandom(64)), good["auth"], "keys.p256dh"),  # compressed
        ("+" + good["p256dh"][1:], good["auth"], "keys.p256dh"),  # not base64url
        (good["p256dh"], b64(os.urandom(15)), "keys.auth"),
        (good["p256dh"], "", "keys.auth"),
    ]:
        with pytest.raises(InvalidInput) as raised:
            check_keys(p256dh, auth)
        assert list(raised.value.fields) == [field]


def test_subscribing_again_from_the_same_endpoint_updates_the_keys(uow, user, pusher):
    first, created = subscribe(uow, user, pusher, "https://push.example.net/a")
    again, created_again = subscribe(uow, user, pusher, "https://push.example.net/a")
    assert (created, created_again) == (True, False)
    assert again.id == first.id and len(uow.push_subscriptions.items) == 1


def test_a_plain_http_endpoint_is_refused(uow, user, pusher):
    with pytest.raises(InvalidInput) as raised:
        subscribe(uow, user, pusher, "http://push.example.net/a")
    assert "endpoint" in raised.value.fields


def test_the_cap_of_subscriptions_is_a_conflict(uow, user, pusher):
    for _ in range(MAX_SUBSCRIPTIONS):
        subscribe(uow, user, pusher)
    with pytest.raises(Conflict):
        subscribe(uow, user, pusher)


def test_another_users_subscription_is_not_found(uow, user, pusher):
    bob = User(email="bob@example.com", password_hash="x", name="Bob", created_at=NOW)
    uow.users.add(bob)
    mine, _ = subscribe(uow, user, pusher)
    with pytest.raises(NotFound):
        push.unsubscribe(uow=uow, user_id=bob.id, subscription_id=mine.id)
    push.unsubscribe(uow=uow, user_id=user.id, subscription_id=mine.id)
    assert uow.push_subscriptions.items == {}


def test_push_off_is_unavailable():
    with pytest.raises(Unavailable):
        push.sender_or_unavailable(None)


def test_a_due_reminder_is_pushed_once_to_each_subscription_and_emailed_once(
    uow, user, due, pusher
):
    subscribe(uow, user, pusher)
    subscribe(uow, user, pusher)
    email = FakeSender()
    assert send(uow, due, pusher, email=email) == "sent"
    assert send(uow, due, pusher, email=email) == "duplicate"  # a redelivered event
    assert len(email.sent) == 1 and len(pusher.pushed) == 2
    _subscription, payload, ttl_s, urgency, topic = pusher.pushed[0]
    assert json.loads(payload) == {
        "task_id": str(due.task_id),
        "title": due.title,
        "due": due.due_date.isoformat(),
    }
    assert (ttl_s > 0, urgency, topic) == (True, "high", due.reminder_id.hex)


def test_a_gone_subscription_is_deleted_and_not_retried(uow, user, due, pusher):
    gone, _ = subscribe(uow, user, pusher)
    pusher.answers = [410]
    assert send(uow, due, pusher) == "sent"
    assert gone.id not in uow.push_subscriptions.items
    assert [row["status"] for row in uow.push_attempts.rows.values()] == ["gone"]


@pytest.mark.parametrize("status", [429, 500, 503, 0])
def test_a_transient_answer_retries_only_the_push(uow, user, due, pusher, status):
    subscribe(uow, user, pusher)
    email = FakeSender()
    pusher.answers = [status]
    with pytest.raises(notifications.RetryLater):
        send(uow, due, pusher, email=email)
    assert send(uow, due, pusher, email=email) == "duplicate"
    assert len(email.sent) == 1 and len(pusher.pushed) == 2
    statuses = sorted((k[2], r["status"]) for k, r in uow.push_attempts.rows.items())
    assert statuses == [(1, "retry"), (2, "sent")]


def test_a_refused_push_is_not_retried(uow, user, due, pusher):
    subscribe(uow, user, pusher)
    pusher.answers = [400]
    assert send(uow, due, pusher) == "sent"
    assert send(uow, due, pusher) == "duplicate" and len(pusher.pushed) == 1


def test_a_push_another_instance_holds_is_retried_later_not_sent(uow, user, due, pusher):
    subscription, _ = subscribe(uow, user, pusher)
    uow.push_attempts.start(
        reminder_id=due.reminder_id,
        subscription_id=subscription.id,
        attempt=1,
        user_id=user.id,
        event_id="other",
        status="sending",
        created_at=FIRE_AT + timedelta(seconds=50),
    )
    with pytest.raises(notifications.RetryLater):
        send(uow, due, pusher)
    assert pusher.pushed == []


def test_an_email_retry_still_pushes_and_the_push_is_not_repeated(uow, user, due, pusher):
    from taskai.ports import SendFailed

    subscribe(uow, user, pusher)
    email = FakeSender(failure=SendFailed("down", transient=True))
    with pytest.raises(notifications.RetryLater):
        send(uow, due, pusher, email=email)
    email.failure = None
    assert send(uow, due, pusher, email=email) == "sent"
    assert len(pusher.pushed) == 1 and len(email.sent) == 1


def test_a_completed_or_missed_reminder_is_not_pushed(uow, user, due, pusher):
    subscribe(uow, user, pusher)
    assert send(uow, due, pusher, now=FIRE_AT + MISSED_AFTER + timedelta(minutes=1)) == "missed"
    assert pusher.pushed == []


def test_the_task_completed_before_its_reminder_is_not_pushed(uow, user, due, pusher):
    subscribe(uow, user, pusher)
    complete_task(uow=uow, task_id=due.task_id, user_id=user.id, now=FIRE_AT)
    assert send(uow, due, pusher) == "cancelled"
    assert pusher.pushed == []


def test_without_push_configured_only_email_goes(uow, user, due, pusher):
    subscribe(uow, user, pusher)
    assert send(uow, due, None) == "sent"
    assert pusher.pushed == []


@pytest.mark.parametrize(
    ("environ", "variable"),
    [
        ({"VAPID_PUBLIC_KEY": "B" + "A" * 86}, "VAPID_PUBLIC_KEY is set without"),
        ({"VAPID_PRIVATE_KEY": "A" * 43}, "VAPID_SUBJECT is required"),
        (
            {"VAPID_PRIVATE_KEY": "changeme", "VAPID_SUBJECT": "mailto:a@b.c"},
            "PEM key or base64url",
        ),
        ({"VAPID_PRIVATE_KEY": "A" * 43, "VAPID_SUBJECT": "ops@example.com"}, "VAPID_SUBJECT"),
        (
            {
                "VAPID_PRIVATE_KEY": "A" * 43,
                "VAPID_SUBJECT": "mailto:a@b.c",
                "VAPID_PUBLIC_KEY": "B",
            },
            "VAPID_PUBLIC_KEY must be",
        ),
    ],
)
def test_a_half_or_badly_configured_vapid_key_is_refused_at_start(environ, variable):
    from taskai.config import ConfigurationError, Settings

    base = {"DATABASE_URL": "postgresql://x/y", "JWT_SECRET": "s" * 40}
    with pytest.raises(ConfigurationError, match=variable):
        Settings.from_env({**base, **environ})


def test_push_is_on_when_embedded_or_given_a_key_and_off_otherwise(tmp_path):
    from taskai.config import Settings

    production = {"DATABASE_URL": "postgresql://x/y", "JWT_SECRET": "s" * 40}
    assert Settings.from_env({"DATA_DIR": str(tmp_path)}).push_enabled
    assert not Settings.from_env(production).push_enabled
    configured = Settings.from_env(
        {**production, "VAPID_PRIVATE_KEY": "A" * 43, "VAPID_SUBJECT": "https://ops.example.com"}
    )
    assert configured.push_enabled and configured.push_contact == "https://ops.example.com"
    embedded = Settings.from_env({"DATA_DIR": str(tmp_path)})
    assert embedded.push_contact == "mailto:reminders@taskai.local"
