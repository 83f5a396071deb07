"""Use cases of Web Push (issue 17): manage a user's push subscriptions, send a test push, and
push a due reminder to every subscription of its owner exactly once.

Exactly once per subscription, as the reminder emails (services/notifications):
1. Claim, in one transaction: lock the reminder row; unless it is cancelled, missed, or its task
   completed or gone, insert for each subscription not yet pushed the next attempt as `sending`
   (unique by reminder, subscription and attempt, so of two racing claims one commits; an attempt
   still `sending` within LEASE belongs to another instance).
2. Push, outside any transaction, with the reminder as the Topic: a push service holding an
   undelivered push of the same topic replaces it rather than showing two.
3. Record each outcome: sent, gone (404/410: the subscription is deleted), failed (another 4xx)
   or retry (429, 5xx, no answer: the event is delivered again and only those are pushed again).
"""

from __future__ import annotations

import uuid
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from taskai.contracts import ReminderDueData
from taskai.domain.push import (
    MAX_SUBSCRIPTIONS,
    REMINDER_TTL_S,
    TEST_TTL_S,
    URGENCY,
    PushSubscription,
    check_keys,
    reminder_payload,
    sample_payload,
)
from taskai.domain.reminders import FAILED, QUEUED, SENT
from taskai.domain.vocabulary import TaskStatus
from taskai.errors import Conflict, Unavailable
from taskai.ports import Clock, PushAnswer, PushSender, Recipient, UnitOfWork

SENDING, DONE, GONE, REFUSED, RETRY = "sending", "sent", "gone", "failed", "retry"
SETTLED = frozenset({DONE, GONE, REFUSED})  # never pushed again
LEASE = timedelta(seconds=60)  # as the email claim's: longer than any request may run
PUSHABLE = frozenset({QUEUED, SENT, FAILED})  # the reminder's states a push may follow


def sender_or_unavailable(sender: PushSender | None) -> PushSender:
    """The push sender; raises Unavailable (503) when push is not configured."""
    if sender is None:
        raise Unavailable("Web Push is not configured on this server (VAPID_PRIVATE_KEY)")
    return sender


def subscribe(
    *,
    uow: UnitOfWork,
    sender: PushSender,
    user_id: uuid.UUID,
    endpoint: str,
    p256dh: str,
    auth: str,
    now: datetime,
) -> tuple[PushSubscription, bool]:
    """The user's subscription to `endpoint` and whether it is new (an existing one takes the
    keys given); raises InvalidInput naming endpoint, keys.p256dh or keys.auth, Conflict at
    MAX_SUBSCRIPTIONS."""
    check_keys(p256dh, auth)
    sender.check_key(p256dh)
    sender.check(endpoint)
    with uow:
        found = uow.push_subscriptions.by_endpoint(user_id, endpoint)
        if found is not None:
            found.p256dh, found.auth = p256dh, auth
            uow.commit()
            return found, False
        if uow.push_subscriptions.count(user_id) >= MAX_SUBSCRIPTIONS:
            raise Conflict(
                f"an account has at most {MAX_SUBSCRIPTIONS} push subscriptions; delete one first"
            )
        subscription = PushSubscription(
            user_id=user_id, endpoint=endpoint, p256dh=p256dh, auth=auth, created_at=now
        )
        uow.push_subscriptions.add(subscription)
        uow.commit()
    return subscription, True


def list_subscriptions(*, uow: UnitOfWork, user_id: uuid.UUID) -> list[PushSubscription]:
    """The user's push subscriptions, oldest first."""
    with uow:
        return uow.push_subscriptions.of_user(user_id)


def unsubscribe(*, uow: UnitOfWork, user_id: uuid.UUID, subscription_id: uuid.UUID) -> None:
    """Delete one of the user's subscriptions; raises NotFound (also for another user's)."""
    with uow:
        uow.push_subscriptions.remove(uow.push_subscriptions.get(user_id, subscription_id).id)
        uow.commit()


def send_test(
    *, uow: UnitOfWork, sender: PushSender, user_id: uuid.UUID
) -> list[tuple[PushSubscription, str, PushAnswer]]:
    """Push a test notification to each of the user's subscriptions: (subscription, outcome
    word, answer) each; a gone one (404/410) is deleted."""
    subscriptions = list_subscriptions(uow=uow, user_id=user_id)

    def send(subscription: PushSubscription) -> PushAnswer:
        return sender.send(
            subscription, sample_payload(), ttl_s=TEST_TTL_S, urgency="normal", topic="test"
        )

    # At once, not one after another: a slow push service costs one timeout, not one each.
    with ThreadPoolExecutor(max(1, len(subscriptions)), thread_name_prefix="push-test") as pool:
        answers = list(pool.map(send, subscriptions))
    results = [
        (sub, outcome(answer), answer) for sub, answer in zip(subscriptions, answers, strict=True)
    ]
    gone = [s.id for s, word, _ in results if word == GONE]
    if gone:
        with uow:
            for subscription_id in gone:
                uow.push_subscriptions.remove(subscription_id)
            uow.commit()
    return results


@dataclass(frozen=True)
class PushClaim:
    """An attempt this instance holds: it, and only it, may push this reminder there now."""

    subscription: PushSubscription
    attempt: int


def push_reminder(
    *,
    uow: UnitOfWork,
    sender: PushSender,
    due: ReminderDueData,
    event_id: str,
    now: datetime,
    clock: Clock,
    missed_after: timedelta,
) -> bool:
    """Push a due reminder to each subscription of its owner not pushed yet; True when some
    push should be tried again later (a transient answer, or another instance's claim)."""
    claims, busy = claim_pushes(uow, due, event_id=event_id, now=now, missed_after=missed_after)
    payload = reminder_payload(task_id=due.task_id, title=due.title, due=due.due_date)
    again = busy
    for claim in claims:
        answer = sender.send(
            claim.subscription,
            payload,
            ttl_s=REMINDER_TTL_S,
            urgency=URGENCY,
            topic=due.reminder_id.hex,
        )
        word = outcome(answer)
        finish_push(uow, due.reminder_id, claim, answer, word, clock())
        again = again or word == RETRY
    return again


def claim_pushes(
    uow: UnitOfWork, due: ReminderDueData, *, event_id: str, now: datetime, missed_after: timedelta
) -> tuple[list[PushClaim], bool]:
    """Claim the next attempt to each subscription still owed this reminder, in one transaction;
    the claims, and whether another instance holds some."""
    with uow:
        status = uow.reminders.lock(due.reminder_id)
        recipient = uow.reminders.recipient(due.user_id, due.task_id)
        if not pushable(status, recipient, now - due.fire_at, missed_after):
            return [], False
        last = uow.push_attempts.last_attempts(due.reminder_id)
        claims, busy = [], False
        for subscription in uow.push_subscriptions.of_user(due.user_id):
            attempt = next_attempt(last.get(subscription.id), now)
            busy = busy or attempt == "held"
            if isinstance(attempt, str):
                continue
            uow.push_attempts.start(
                reminder_id=due.reminder_id,
                subscription_id=subscription.id,
                attempt=attempt,
                user_id=due.user_id,
                event_id=event_id,
                status=SENDING,
                created_at=now,
            )
            claims.append(PushClaim(subscription, attempt))
        if not claims:
            return [], busy
        try:
            uow.commit()
        except Conflict:  # another instance claimed them first
            return [], True
        return claims, busy


def pushable(
    status: str | None, recipient: Recipient | None, late: timedelta, missed_after: timedelta
) -> bool:
    """Whether a reminder may still be pushed: queued or emailed (or refused by email), its task
    there and open, and not later than `missed_after`."""
    if status not in PUSHABLE or recipient is None or late > missed_after:
        return False
    return recipient.task_status not in (None, TaskStatus.COMPLETED)


def next_attempt(previous: dict[str, Any] | None, now: datetime) -> int | str:
    """The number of the next attempt to a subscription after its `previous` one, or why there
    is none: "settled" (sent, gone or refused) or "held" (another instance's, within LEASE)."""
    if previous is None:
        return 1
    if previous["status"] in SETTLED:
        return "settled"
    if previous["status"] == SENDING and now - previous["created_at"] < LEASE:
        return "held"
    return int(previous["attempt"]) + 1


def finish_push(
    uow: UnitOfWork,
    reminder_id: uuid.UUID,
    claim: PushClaim,
    answer: PushAnswer,
    word: str,
    at: datetime,
) -> None:
    """Record how the attempt ended at `at`; a gone subscription is deleted."""
    with uow:
        uow.push_attempts.finish(
            reminder_id,
            claim.subscription.id,
            claim.attempt,
            status=word,
            response_status=answer.status or None,
            error=None if answer.error is None else answer.error[:500],
            finished_at=at,
        )
        if word == GONE:
            uow.push_subscriptions.remove(claim.subscription.id)
        uow.commit()


def outcome(answer: PushAnswer) -> str:
    """The attempt's status for a push service's answer: sent, gone, retry or failed."""
    if 200 <= answer.status < 300:
        return DONE
    if answer.gone:
        return GONE
    return RETRY if answer.transient else REFUSED
