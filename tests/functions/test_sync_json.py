"""A sync page, whose tasks' JSON the database builds, is byte for byte what the pydantic
presenter writes of the same rows (SyncPublic of ORM tasks), on both stores: recurring tasks
with their rule in words, reminders, tags, subtasks, all-day dates, odd characters, deletions,
and the pages of a commit split by a keyset cursor."""

from __future__ import annotations

import json
import uuid
from zoneinfo import ZoneInfo

import pytest

from support import Api, settle
from taskai import bootstrap
from taskai.api import schemas as s
from taskai.api.presenters import sync_json, task_public
from taskai.services.sync import changes_since, parse_cursor

ZONES = ["Australia/Lord_Howe", "America/St_Johns"]


def created(user: Api, **fields: object) -> dict:
    response = user.post("/api/tasks", {"title": "Task", **fields})
    assert response.status_code == 201, response.json
    return response.json


def mixed_changes(user: Api) -> None:
    """Every kind of row a sync page carries, deletions included."""
    project = user.post("/api/projects", {"name": "Home"}).json
    section = user.post(f"/api/projects/{project['id']}/sections", {"name": "Now"}).json
    parent = created(
        user,
        title='Ünïcode "quoted" \\ back\u2028slash \x01 🎉',
        description="line\nbreak\ttab",
        tags=["Work", "bills", "ärger"],
        priority="urgent",
        due_date="2031-03-30T01:30:00.123456",  # near the DST changes of several zones
        reminders=[{"minutes_before": 30}, {"at": "2031-03-29T23:00:00Z"}],
        project_id=project["id"],
        section_id=section["id"],
    )
    child = created(user, title="child", parent_id=parent["id"], project_id=project["id"])
    user.post(f"/api/tasks/{child['id']}/complete")
    created(user, title="all day", due_date="2031-11-02", priority="low", tags=["work"])
    monthly = created(
        user,
        title="monthly",
        due_date="2031-01-31T09:00:00",
        recurrence={"rule": "FREQ=MONTHLY;COUNT=2"},
        reminders=[{"minutes_before": 5}],
    )
    created(
        user,
        title="weekly",
        due_date="2031-02-03",
        recurrence={"rule": "FREQ=WEEKLY;BYDAY=MO,WE", "anchor": "completion"},
    )
    user.post(f"/api/tasks/{monthly['id']}/skip")
    settle()  # the next occurrence, the last of its series
    last = next(
        t for t in user.get("/api/tasks?q=monthly").json["items"] if t["status"] == "pending"
    )
    user.post(f"/api/tasks/{last['id']}/complete")  # the series ends: an ended reason
    doomed = created(user, title="doomed", tags=["temp"])
    user.delete(f"/api/tasks/{doomed['id']}")
    tag = next(t for t in user.get("/api/tags").json["items"] if t["name"] == "temp")
    user.delete(f"/api/tags/{tag['id']}")
    user.post("/api/filters", {"name": "Soon", "query": "due before: next week"})
    settle()


def oracle(text: str, zone: ZoneInfo, user_id: uuid.UUID) -> str:
    """The page `text` as the pydantic presenter writes it: its tasks loaded as ORM entities by
    id and shown by task_public, the other rows as the page has them."""
    page = json.loads(text)
    with bootstrap.uow() as uow:
        tasks = [uow.tasks.get(user_id, uuid.UUID(item["id"])) for item in page["tasks"]]
        uow.tasks.count_subtasks(tasks)
        public = [task_public(task, zone) for task in tasks]
    for shown, item in zip(public, page["tasks"], strict=True):
        # Reminders made in one request share created_at, the order both reads list them by.
        order = [r["id"] for r in item["reminders"]]
        if sorted(order) == sorted(r.id for r in shown.reminders):
            shown.reminders.sort(key=lambda r: order.index(r.id))
    return s.SyncPublic.model_validate({**page, "tasks": public}).model_dump_json()


@pytest.mark.parametrize("zone", ZONES)
def test_a_sync_page_is_byte_for_byte_what_the_pydantic_presenter_writes(api: Api, zone: str):
    user = api.as_new_user(zone)
    user_id = uuid.UUID(user.get("/api/auth/me").json["id"])
    mixed_changes(user)
    response = user.get("/api/sync")
    assert response.status_code == 200 and response.mimetype == "application/json"
    text = response.get_data(as_text=True)
    page = json.loads(text)
    recurring = [t["recurrence"] for t in page["tasks"] if t["recurrence"]]
    assert len(recurring) >= 3 and all(r["text"] for r in recurring)
    assert any(r["ended_reason"] for r in recurring) and page["deleted"] and page["filters"]
    assert any(t["all_day"] for t in page["tasks"])
    assert any(t["subtask_count"] for t in page["tasks"])
    assert text == oracle(text, ZoneInfo(zone), user_id)
    later = user.get(f"/api/sync?cursor={page['cursor']}").get_data(as_text=True)
    assert later == oracle(later, ZoneInfo(zone), user_id)


def test_the_pages_of_a_commit_split_by_a_keyset_cursor_are_what_the_presenter_writes(api: Api):
    user = api.as_new_user("Asia/Kolkata")
    user_id = uuid.UUID(user.get("/api/auth/me").json["id"])
    mixed_changes(user)
    tag = next(t for t in user.get("/api/tags").json["items"] if t["name"] == "Work")
    for n in range(4):
        created(
            user,
            title=f"tagged {n}",
            tags=["work"],
            due_date="2031-05-01T09:00:00",
            reminders=[{"minutes_before": n}],
        )
    before = json.loads(user.get("/api/sync").get_data(as_text=True))["cursor"]
    user.patch(f"/api/tags/{tag['id']}", {"name": "Work!"})  # one commit: the tag, six tasks
    cursor, pages = parse_cursor(before), []
    while True:
        changes = changes_since(uow=bootstrap.uow(), user_id=user_id, cursor=cursor, limit=2)
        pages.append(sync_json(changes, ZoneInfo("Asia/Kolkata")))
        cursor = changes.cursor
        if not changes.has_more:
            break
    assert len(pages) == 4 and "." in json.loads(pages[0])["cursor"]  # split, resumed by id
    for text in pages:
        assert text == oracle(text, ZoneInfo("Asia/Kolkata"), user_id)
