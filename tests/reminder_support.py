"""Helpers for the reminder tests: due reminders, scheduler ticks, events, the Resend stand-in."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from cloudevents.conversion import to_binary
from cloudevents.http import CloudEvent
from sqlalchemy import select

from resend_standin import API_KEY, ResendStandIn
from taskai import bootstrap
from taskai.adapters import orm
from taskai.services.reminders import Tally, fire_due_reminders

DAY = timedelta(hours=24)
DUE = "com.taskai.reminder.due"


def new_task(user: Any, **fields: Any) -> dict[str, Any]:
    response = user.post("/api/tasks", {"title": "Call the plumber", **fields})
    assert response.status_code == 201, response.json
    return response.json


def iso(moment: datetime) -> str:
    return moment.isoformat()


def soon(seconds: float = 60) -> datetime:
    return datetime.now(UTC) + timedelta(seconds=seconds)


def with_reminder(user: Any, *, due: datetime, minutes_before: int = 60, **fields: Any) -> dict:
    """A task due at `due` with one offset reminder; returns the task."""
    return new_task(
        user, due_date=iso(due), reminders=[{"minutes_before": minutes_before}], **fields
    )


def tick(now: datetime, *, missed_after: timedelta = DAY, batch: int = 500) -> Tally:
    """One scheduler tick at `now`, as the reminders function runs it."""
    return fire_due_reminders(uow=bootstrap.uow(), now=now, missed_after=missed_after, batch=batch)


def fire_at(task: dict[str, Any], index: int = 0) -> datetime:
    return datetime.fromisoformat(task["reminders"][index]["fire_at"]).astimezone(UTC)


def reminder_id(task: dict[str, Any], index: int = 0) -> str:
    return str(task["reminders"][index]["id"])


def queued(user: Any, **fields: Any) -> tuple[dict[str, Any], str, dict[str, Any]]:
    """A task whose reminder the scheduler has just queued, and its reminder.due event (id, data),
    which waits in the outbox: the test delivers it itself."""
    bootstrap.relay().stop()
    task = with_reminder(user, due=soon(7200), **fields)
    assert tick(fire_at(task) + timedelta(minutes=1)).queued == 1
    [(event_id, data)] = [(i, d) for i, d in due_events() if d["task_id"] == task["id"]]
    return task, event_id, data


def due_events() -> list[tuple[str, dict[str, Any]]]:
    """(event id, data) of every reminder.due event in the outbox, oldest first."""
    o = orm.outbox.c
    with bootstrap.uow() as uow:
        rows = uow.session.execute(
            select(o.event_id, o.data, o.key, o.topic).where(o.type == DUE).order_by(o.position)
        ).all()
    for row in rows:
        assert (row.topic, row.key) == ("reminders", row.data["task_id"])
    return [(row.event_id, row.data) for row in rows]


def statuses(user: Any, task: dict[str, Any]) -> list[str]:
    return [r["status"] for r in user.get(f"/api/tasks/{task['id']}").json["reminders"]]


def attempts(reminder: str) -> list[dict[str, Any]]:
    """The notification log of a reminder, attempt by attempt."""
    with bootstrap.uow() as uow:
        return uow.notifications.of_reminder(uuid.UUID(reminder))


def as_cloudevent(event_id: str, data: dict[str, Any]) -> tuple[dict[str, str], bytes]:
    """A reminder.due event in binary mode, as the KafkaSource POSTs it."""
    attributes = {
        "id": event_id,
        "type": DUE,
        "source": "/taskai/reminders",
        "subject": data["task_id"],
        "datacontenttype": "application/json",
    }
    headers, body = to_binary(CloudEvent(attributes, data))
    return dict(headers), body


@pytest.fixture(name="resend")
def resend_fixture(database: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[ResendStandIn]:
    """The Resend stand-in, and the environment that points the sender at it."""
    stand_in = ResendStandIn(seed=7).start()
    monkeypatch.setenv("RESEND_API_KEY", API_KEY)
    monkeypatch.setenv("RESEND_API_URL", stand_in.url)
    bootstrap.reset()
    yield stand_in
    stand_in.stop()


def past_due(user: Any, *minutes_late: int, title: str = "Overdue") -> list[str]:
    """Tasks of `user` whose one-hour reminder fell due `minutes_late` ago and is still pending,
    as a scheduler that was down leaves them; returns the reminder ids."""
    from taskai.domain.reminders import Reminder
    from taskai.domain.tasks import Task

    user_id = uuid.UUID(user.get("/api/auth/me").json["id"])
    now, ids = datetime.now(UTC), []
    with bootstrap.uow() as uow:
        inbox = uow.projects.inbox(user_id)
        assert inbox is not None
        for late in minutes_late:
            fire = now - timedelta(minutes=late)
            task = Task.create(
                user_id=user_id, title=f"{title} {late}", due_at=fire + timedelta(hours=1),
                now=fire - timedelta(days=1), project_id=inbox.id,
            )  # fmt: skip
            reminder = Reminder(
                task.id, user_id, 60, None, fire_at=fire, created_at=task.created_at
            )
            task.reminders.append(reminder)
            uow.tasks.add(task)
            ids.append(str(reminder.id))
        uow.commit()
    return ids
