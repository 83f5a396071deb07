"""The unit of work names the clashes that mean "done already", and only those."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import pytest

from taskai import bootstrap
from taskai.domain.tags import Tag
from taskai.domain.tasks import Task
from taskai.errors import Conflict, Duplicate

NOW = datetime(2031, 1, 6, 14, 0, tzinfo=UTC)


def occurrence(user_id: uuid.UUID, series_id: uuid.UUID, number: int) -> Task:
    with bootstrap.uow() as uow:
        inbox = uow.projects.inbox(user_id)
    assert inbox is not None
    task = Task.create(user_id=user_id, title="Water plants", now=NOW, project_id=inbox.id)
    task.series_id, task.occurrence = series_id, number
    return task


def test_a_second_task_at_the_same_place_of_a_series_is_a_duplicate(alice):
    user_id = uuid.UUID(alice.get("/api/auth/me").json["id"])
    series_id = uuid.uuid4()
    with bootstrap.uow() as uow:
        uow.tasks.add(occurrence(user_id, series_id, 2))
        uow.commit()
    with bootstrap.uow() as uow, pytest.raises(Duplicate):
        uow.tasks.add(occurrence(user_id, series_id, 2))
        uow.commit()


def test_any_other_integrity_error_is_a_plain_conflict_not_a_duplicate(alice):
    user_id = uuid.UUID(alice.get("/api/auth/me").json["id"])
    with bootstrap.uow() as uow, pytest.raises(Conflict) as caught:
        for _ in range(2):  # the same tag name twice: the (user_id, key) unique key
            uow.tags.add(Tag.new(user_id=user_id, name="home", color=None, now=NOW))
        uow.commit()
    assert not isinstance(caught.value, Duplicate)
