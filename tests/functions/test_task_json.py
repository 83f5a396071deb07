"""The hot reads' JSON, built by the database, says exactly what the pydantic presenter says of
the same tasks (fields, values, order), on both stores, in zones with odd offsets and DST."""

from __future__ import annotations

import json
import logging
import shutil
import uuid
from logging.handlers import BufferingHandler
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import event

from support import Api, settle
from taskai import bootstrap
from taskai.api.presenters import task_public

ZONES = ["America/New_York", "Asia/Kolkata", "Australia/Lord_Howe", "America/St_Johns", "UTC"]


def created(user: Api, **fields: object) -> dict:
    response = user.post("/api/tasks", {"title": "Task", **fields})
    assert response.status_code == 201, response.json
    return response.json


def rich_tasks(user: Api) -> None:
    """Tasks with every kind of field the API shows."""
    project = user.post("/api/projects", {"name": "Home"}).json
    section = user.post(f"/api/projects/{project['id']}/sections", {"name": "Now"}).json
    parent = created(
        user,
        title='Ünïcode "quoted" report',
        description="line\nbreak",
        tags=["Work", "bills", "ärger"],
        priority="urgent",
        due_date="2031-03-30T01:30:00.123456",  # near the DST changes of several zones
        reminders=[{"minutes_before": 30}, {"at": "2031-03-29T23:00:00Z"}],
        project_id=project["id"],
        section_id=section["id"],
    )
    child = created(user, title="child report", parent_id=parent["id"], project_id=project["id"])
    user.post(f"/api/tasks/{child['id']}/complete")
    created(user, title="all day report", due_date="2031-11-02", priority="low")
    created(user, title="summer", due_date="2031-07-01T12:00:00Z", tags=["work"])
    repeating = created(
        user,
        title="monthly report",
        due_date="2031-01-31T09:00:00",
        recurrence={"rule": "FREQ=MONTHLY;COUNT=2"},
    )
    user.post(f"/api/tasks/{repeating['id']}/skip")
    created(user, title="plain")


def expected(user: Api) -> dict[str, dict]:
    """Every task of `user` as the pydantic presenter shows it, by id."""
    me = user.get("/api/auth/me").json
    zone = ZoneInfo(me["timezone"])
    with bootstrap.uow() as uow:
        views = uow.tasks.every(uuid.UUID(me["id"]), after=None, limit=1000)
    return {str(v.id): json.loads(task_public(v, zone).model_dump_json()) for v in views}


def same(item: dict, want: dict) -> None:
    """Equal in every field and key order; reminders created together compare as a set."""
    assert list(item) == list(want)
    by_id = sorted(item["reminders"], key=lambda r: r["id"])
    assert {**item, "reminders": by_id} == {
        **want,
        "reminders": sorted(want["reminders"], key=lambda r: r["id"]),
    }


@pytest.mark.parametrize("zone", ZONES)
def test_lists_searches_and_gets_show_what_the_presenter_shows(api: Api, zone: str) -> None:
    user = api.as_new_user(zone)
    rich_tasks(user)
    settle()  # the skipped occurrence's next one
    want = expected(user)
    assert len(want) == 7
    for query in ("sort=due", "sort=title&order=desc", "q=report", "tag=work", "status=completed"):
        page = user.get(f"/api/tasks?{query}&limit=3")
        assert page.status_code == 200, page.json
        seen = list(page.json["items"])
        while page.json["next_cursor"]:
            page = user.get(f"/api/tasks?{query}&limit=3&cursor={page.json['next_cursor']}")
            seen += page.json["items"]
        assert seen, query
        for item in seen:
            same(item, want[item["id"]])
    for task_id, task in want.items():
        same(user.get(f"/api/tasks/{task_id}").json, task)


@pytest.mark.parametrize("database", ["postgres"], indirect=True)
def test_a_read_on_postgresql_gives_its_transaction_the_zone_in_the_callers_read(api: Api) -> None:
    # The bodies' times are written in the transaction's TimeZone: the caller's read sets it,
    # so a list is still two statements, and a get or sync in another zone sets it first.
    user = api.as_new_user("Asia/Kolkata")
    created(user, title="zoned", due_date="2031-01-31T09:00:00")
    settle()
    sent: list[str] = []

    def executed(_conn: object, _cursor: object, statement: str, *_: object) -> None:
        if "events.outbox" not in statement and "advisory" not in statement:  # the relay's
            words = statement.split()
            sent.append("set zone" if "set_time_zone" in words[1] else words[-1])

    engine = bootstrap.engine()
    event.listen(engine, "before_cursor_execute", executed)
    try:
        page = user.get("/api/tasks?sort=due")
    finally:
        event.remove(engine, "before_cursor_execute", executed)
    assert page.json["items"][0]["due_date"] == "2031-01-31T09:00:00+05:30"
    assert len(sent) == 2 and "set zone" not in sent  # the caller's read, the page


@pytest.mark.parametrize("database", ["postgres"], indirect=True)
def test_a_zone_the_database_server_lacks_reads_in_utc_instead_of_failing(
    api: Api, tmp_path: Path
) -> None:
    # Python's tzdata can be newer than the server's: a zone only Python knows (here a copy of
    # Kolkata's rules under a new name) was a 500 on every read, as PostgreSQL refused the zone.
    import zoneinfo

    from sqlalchemy import text

    (tmp_path / "Test").mkdir()
    rules = next(Path(p) / "Asia" / "Kolkata" for p in zoneinfo.TZPATH if Path(p).is_dir())
    shutil.copy(rules, tmp_path / "Test" / "Kolkata")
    user = api.as_new_user("Asia/Kolkata")
    task = created(user, title="zoned report", due_date="2031-01-31T09:00:00")
    zoneinfo.reset_tzpath([str(tmp_path), *zoneinfo.TZPATH])
    # a handler of this logger's own: caplog's (on the root, too) sees a record twice whenever
    # an earlier test left "taskai" propagating
    logger, kept = logging.getLogger("taskai.task_json"), BufferingHandler(capacity=1000)
    logger.addHandler(kept)
    try:
        with bootstrap.engine().begin() as connection:
            connection.execute(
                text("UPDATE users SET timezone = 'Test/Kolkata' WHERE email = :email"),
                {"email": user.email},
            )
        reads = [
            user.get("/api/tasks?sort=due").json["items"][0],
            user.get("/api/tasks?q=report").json["items"][0],
            user.get(f"/api/tasks/{task['id']}").json,
            next(t for t in user.get("/api/sync").json["tasks"] if t["id"] == task["id"]),
        ]
        assert user.get("/api/auth/me").json["timezone"] == "Test/Kolkata"
    finally:
        zoneinfo.reset_tzpath()
        logger.removeHandler(kept)
    assert [read["due_date"] for read in reads] == ["2031-01-31T03:30:00Z"] * 4  # the instant
    unknown = [r for r in kept.buffer if "lacks Test/Kolkata" in r.getMessage()]
    assert len(unknown) == 1  # warned of once
