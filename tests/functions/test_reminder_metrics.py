"""Reminder metrics: due, sent with their lateness, failed by kind."""

from __future__ import annotations

from datetime import timedelta

from prometheus_client import REGISTRY

from reminder_support import (
    fire_at,
    resend_fixture,  # noqa: F401 (the `resend` fixture)
    soon,
    tick,
    with_reminder,
)
from support import settle


def sample(name: str, **labels: str) -> float:
    return REGISTRY.get_sample_value(name, labels) or 0.0


def test_due_and_sent_reminders_are_counted_with_their_lateness(alice, resend):
    due, sent = sample("taskai_reminders_due_total"), sample("taskai_reminders_sent_total")
    late = sample("taskai_reminder_lateness_seconds_count")
    task = with_reminder(alice, due=soon(7200), title="Pay rent")
    tick(fire_at(task) + timedelta(minutes=1))
    settle()
    assert len(resend.emails) == 1
    assert sample("taskai_reminders_due_total") == due + 1
    assert sample("taskai_reminders_sent_total") == sent + 1
    assert sample("taskai_reminder_lateness_seconds_count") == late + 1


def test_a_rejected_email_is_counted_as_a_permanent_failure(alice, resend):
    failed = sample("taskai_reminders_failed_total", kind="permanent")
    resend.rejected.add(alice.email)
    task = with_reminder(alice, due=soon(7200), title="Bad address")
    tick(fire_at(task) + timedelta(minutes=1))
    settle()
    assert resend.emails == []
    assert sample("taskai_reminders_failed_total", kind="permanent") == failed + 1
