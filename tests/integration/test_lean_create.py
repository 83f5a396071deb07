"""A create takes the owner's change number once, and that number's row lock is what concurrent
creates of one user wait on for their positions (both stores)."""

from __future__ import annotations

import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime

from taskai import bootstrap
from taskai.services.sync import Cursor, changes_since
from taskai.services.tasks import TaskDraft, create_task

NOW = datetime(2031, 1, 6, 14, 0, tzinfo=UTC)


def test_concurrent_creates_of_one_user_get_distinct_positions_and_change_numbers(alice):
    user_id = uuid.UUID(alice.get("/api/auth/me").json["id"])

    def create(n: int) -> tuple[int, int]:
        draft = TaskDraft(title=f"task {n}")
        task = create_task(uow=bootstrap.uow(), user_id=user_id, draft=draft, now=NOW)
        return task.position, task.change_seq

    with ThreadPoolExecutor(4) as pool:
        made = list(pool.map(create, range(12)))
    positions, numbers = zip(*made, strict=True)
    assert len(set(positions)) == 12
    assert len(set(numbers)) == 12


def test_a_create_stamps_its_task_and_its_new_tags_with_one_change_number(alice):
    user_id = uuid.UUID(alice.get("/api/auth/me").json["id"])
    with bootstrap.uow() as uow:
        before = uow.users.get(user_id).change_seq
    draft = TaskDraft(title="Pack", tags=["travel", "home"])
    task = create_task(uow=bootstrap.uow(), user_id=user_id, draft=draft, now=NOW)
    assert task.change_seq == before + 1
    seen = changes_since(uow=bootstrap.uow(), user_id=user_id, cursor=Cursor(before))
    assert {t.id for t in seen.tasks} == {task.id}
    assert {tag.name for tag in seen.tags} == {"travel", "home"}
    assert {tag.change_seq for tag in seen.tags} == {task.change_seq}


def test_concurrent_creates_naming_one_new_tag_share_it(alice):
    user_id = uuid.UUID(alice.get("/api/auth/me").json["id"])

    def create(n: int) -> uuid.UUID:
        draft = TaskDraft(title=f"task {n}", tags=["Errands", f"own {n}"])
        task = create_task(uow=bootstrap.uow(), user_id=user_id, draft=draft, now=NOW)
        return next(tag.id for tag in task.tags if tag.key == "errands")

    with ThreadPoolExecutor(4) as pool:
        made = set(pool.map(create, range(8)))
        with bootstrap.uow() as uow:  # holds the owner's turn while another create reads tags
            first = uow.tags.get_or_create(user_id, {"late": "Late"}, now=NOW)[0]
            later = pool.submit(
                create_task,
                uow=bootstrap.uow(),
                user_id=user_id,
                draft=TaskDraft(title="late", tags=["late"]),
                now=NOW,
            )
            time.sleep(0.3)
            uow.commit()
        assert [tag.id for tag in later.result().tags] == [first.id]
    names = [tag["name"] for tag in alice.get("/api/tags").json["items"]]
    assert len(made) == 1
    assert sorted(names) == sorted(["Errands", "Late", *(f"own {n}" for n in range(8))])


def test_concurrent_creates_through_the_api_get_distinct_positions(alice):
    # a create of the caller's reads the last position with its change number, and again when
    # another writer committed in between
    with ThreadPoolExecutor(4) as pool:
        made = list(pool.map(lambda n: alice.post("/api/tasks", {"title": f"t{n}"}), range(16)))
    assert {reply.status_code for reply in made} == {201}
    positions = {reply.json["position"] for reply in made}
    listed = alice.get("/api/tasks?limit=50").json["items"]
    assert len(positions) == 16
    assert positions == {task["position"] for task in listed}
