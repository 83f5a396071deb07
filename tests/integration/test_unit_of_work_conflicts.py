"""The unit of work names the clashes that mean "done already", and only those."""

from __future__ import annotations

import threading
import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
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


def at_once(calls: list[Callable[[], int]]) -> list[int]:
    """Run the calls together on threads, started at one barrier; their status codes."""
    start = threading.Barrier(len(calls))

    def run(call: Callable[[], int]) -> int:
        start.wait()
        return call()

    with ThreadPoolExecutor(len(calls)) as pool:
        return list(pool.map(run, calls))


@pytest.mark.parametrize("database", ["postgres"], indirect=True)
def test_deletes_of_one_task_at_once_are_one_204_and_404s(api):
    # A double click, or two devices: the deletes that read the task before the first one
    # committed then found its tag links gone (StaleDataError: a 500) or clashed (409).
    user = api.as_new_user()
    for _ in range(8):
        task = user.post("/api/tasks", {"title": "double delete", "tags": ["home", "work"]}).json
        delete = lambda task_id=task["id"]: user.delete(f"/api/tasks/{task_id}").status_code  # noqa: E731
        assert sorted(at_once([delete] * 5)) == [204, 404, 404, 404, 404]


@pytest.mark.parametrize("database", ["postgres"], indirect=True)
def test_changes_and_deletes_of_the_same_tasks_at_once_never_deadlock(api):
    # A delete locked the task before the owner (at its commit's sync stamp), a change the
    # owner before the task: each waited for the other until PostgreSQL broke the deadlock.
    user = api.as_new_user()
    for _ in range(6):
        ids = [
            user.post("/api/tasks", {"title": "t", "tags": ["home"]}).json["id"] for _ in range(3)
        ]
        calls: list[Callable[[], int]] = []
        for task_id in ids:
            calls.append(
                lambda t=task_id: user.patch(f"/api/tasks/{t}", {"title": "x"}).status_code
            )
            calls.append(lambda t=task_id: user.delete(f"/api/tasks/{t}").status_code)
        assert set(at_once(calls)) <= {200, 204, 404}


def test_a_clash_met_before_the_commit_is_a_conflict_too(alice):
    # two imports of one id at once on PostgreSQL: the second met the first's rows at a flush or
    # an insert inside the unit of work, not at its commit, and was a 500
    user_id = uuid.UUID(alice.get("/api/auth/me").json["id"])
    with bootstrap.uow() as uow:
        uow.imports.remember(user_id, "import-1", {"created": {}}, NOW)
        uow.commit()
    with pytest.raises(Conflict), bootstrap.uow() as uow:
        uow.imports.remember(user_id, "import-1", {"created": {}}, NOW)
        uow.session.flush()
