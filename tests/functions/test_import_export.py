"""Import and export over HTTP: the export document, a round trip into a fresh account,
idempotency by import id, refused items, size caps, other users' ids, and Todoist's CSV."""

from __future__ import annotations

import io
import json
import time
import uuid
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import text

from taskai import bootstrap
from taskai.domain.subtasks import MAX_DEPTH

NEW_YORK = ZoneInfo("America/New_York")


def fill(user):
    """An account with a bit of everything: a board project with a section, a colored tag, an
    all-day task, a recurring one with reminders, a completed one, and a saved filter."""
    work = user.post("/api/projects", {"name": "Work", "color": "#123456", "view": "board"}).json
    doing = user.post(f"/api/projects/{work['id']}/sections", {"name": "Doing"}).json
    assert user.post("/api/tags", {"name": "home", "color": "#00aa00"}).status_code == 201
    tasks = [
        {"title": "Plain", "description": "just text", "tags": ["home", "Errand"]},
        {"title": "Birthday", "due_date": "2031-03-10", "priority": "high"},
        {
            "title": "Standup",
            "due_date": "2031-03-10T09:30:00",
            "recurrence": {"rule": "FREQ=WEEKLY;BYDAY=MO,WE", "anchor": "due"},
            "reminders": [{"minutes_before": 15}, {"at": "2031-03-09T20:00:00"}],
            "project_id": work["id"],
            "section_id": doing["id"],
            "priority": "urgent",
        },
        {"title": "Done already", "status": "completed", "project_id": work["id"]},
    ]
    for task in tasks:
        response = user.post("/api/tasks", task)
        assert response.status_code == 201, response.json
    saved = {"name": "Urgent work", "query": "p1 & #home", "color": "#ff0000"}
    assert user.post("/api/filters", saved).status_code == 201


def export(user):
    response = user.get("/api/export")
    assert response.status_code == 200, response.json
    assert response.is_streamed and response.mimetype == "application/json"
    return json.loads(response.get_data())


def comparable(document):
    """The document without ids and timestamps: references by name, times as instants."""
    projects = {p["id"]: p["name"] for p in document["projects"]}
    sections = {s["id"]: s["name"] for s in document["sections"]}
    moment = lambda text: text and datetime.fromisoformat(text).timestamp()  # noqa: E731
    tasks = [
        {
            **{k: t[k] for k in ("title", "description", "status", "priority", "all_day")},
            "due": t["due_on"] if t["all_day"] else moment(t["due_date"]),
            "tags": sorted(tag["name"] for tag in t["tags"]),
            "recurrence": t["recurrence"] and (t["recurrence"]["rule"], t["recurrence"]["anchor"]),
            "occurrence": t["occurrence"],
            "created_at": moment(t["created_at"]),
            "completed_at": moment(t["completed_at"]),
            "reminders": [(r["minutes_before"], moment(r["at"])) for r in t["reminders"]],
            "place": (projects[t["project_id"]], sections.get(t["section_id"])),
        }
        for t in document["tasks"]
    ]
    keep = lambda items, *names: sorted(tuple(i[n] for n in names) for i in items)  # noqa: E731
    return {
        "projects": keep(document["projects"], "name", "color", "view", "position", "archived"),
        "sections": sorted((projects[s["project_id"]], s["name"]) for s in document["sections"]),
        "tags": keep(document["tags"], "name", "color"),
        "filters": keep(document["filters"], "name", "query", "color", "position"),
        "tasks": sorted(tasks, key=lambda t: t["title"]),
    }


def test_an_export_holds_every_kind_of_data_with_a_format_version(alice):
    fill(alice)
    document = export(alice)
    assert (document["format"], document["version"]) == ("taskai-export", 1)
    assert set(document) == {
        "format", "version", "export_id", "exported_at", "user", "projects", "sections", "tags",
        "filters", "webhooks", "tasks",
    }  # fmt: skip
    assert "password_hash" not in document["user"] and document["user"]["email"] == alice.email
    assert len(document["tasks"]) == 4 and len(document["projects"]) == 2
    standup = next(t for t in document["tasks"] if t["title"] == "Standup")
    assert standup["recurrence"]["rule"] == "FREQ=WEEKLY;BYDAY=MO,WE"
    assert standup["series_id"] and standup["occurrence"] == 1
    assert [r["minutes_before"] for r in standup["reminders"]] == [15, None]
    assert any(t["status"] == "completed" and t["completed_at"] for t in document["tasks"])
    assert export(alice)["export_id"] != document["export_id"]


def test_an_export_imported_into_a_fresh_account_exports_the_same(alice, api):
    fill(alice)
    first = export(alice)
    carol = api.as_new_user("America/New_York")
    response = carol.post("/api/import", first)
    assert response.status_code == 200, response.json
    assert response.json["created"] == {
        "projects": 1, "sections": 1, "tags": 2, "filters": 1, "webhooks": 0, "tasks": 4,
    }  # fmt: skip
    assert response.json["rejected"] == []
    again = export(carol)
    assert comparable(again) == comparable(first)
    assert {t["id"] for t in again["tasks"]}.isdisjoint({t["id"] for t in first["tasks"]})


def test_importing_the_same_file_twice_creates_nothing_the_second_time(alice):
    fill(alice)
    document = export(alice)
    first = alice.post("/api/import", document).json
    assert first["created"]["tasks"] == 4 and first["created"]["projects"] == 0  # names reused
    second = alice.post("/api/import", document)
    assert second.status_code == 200 and second.json["repeated"] is True
    assert len(export(alice)["tasks"]) == 8
    keyed = alice.post("/api/import", document, headers={"Idempotency-Key": "k1"}).json
    assert keyed["created"]["tasks"] == 4
    assert alice.post("/api/import", document, headers={"Idempotency-Key": "k1"}).json["repeated"]
    assert len(export(alice)["tasks"]) == 12


REPEATS = {"recurrence": {"rule": "FREQ=DAILY"}, "series_id": "s1", "occurrence": 2}
OCCURRENCES = (2**31, 2**63, 0, -1, "7", 1.5, True)  # none a whole number from 1 to 2**31-1


def test_malformed_items_are_reported_by_index_and_field_and_the_rest_imported(alice):
    document = {
        "format": "taskai-export",
        "version": 1,
        "projects": [{"id": "p1", "name": ""}, {"id": "p2", "name": "Fine"}],
        "sections": [{"id": "s1", "project_id": "nope", "name": "Lost"}],
        "tasks": [
            {"title": "ok", "project_id": "p2"},
            {"title": "", "priority": "high"},
            {"title": "bad priority", "priority": "p0"},
            {"title": "bad due", "due_date": "next tuesday"},
            {"title": "no such project", "project_id": "p1"},
            {"title": "bad rule", "recurrence": {"rule": "FREQ=SOMETIMES"}},
            {"title": "odd id", "project_id": ["p2"]},
            {"title": "odd description", "description": 5},
            {**REPEATS, "title": "first"},
            {**REPEATS, "title": "same place in the same series"},
            # past the column's range the whole import was a 500 (2**63 on SQLite, 2**31 here)
            *({**REPEATS, "occurrence": n, "title": f"at {n!r}"} for n in OCCURRENCES),
        ],
    }
    report = alice.post("/api/import", document).json
    assert report["created"]["tasks"] == 2 and report["created"]["projects"] == 1
    refused = [(r["kind"], r["index"], r["field"]) for r in report["rejected"]]
    assert refused == [
        ("projects", 0, "name"),
        ("sections", 0, "project_id"),
        ("tasks", 1, "title"),
        ("tasks", 2, "priority"),
        ("tasks", 3, "due_date"),
        ("tasks", 4, "project_id"),
        ("tasks", 5, "recurrence.rule"),
        ("tasks", 6, "project_id"),
        ("tasks", 7, "description"),
        ("tasks", 9, "occurrence"),
        *(("tasks", 10 + i, "occurrence") for i in range(len(OCCURRENCES))),
    ]
    assert sorted(t["title"] for t in export(alice)["tasks"]) == ["first", "ok"]


def test_an_item_that_is_not_an_object_is_reported_and_the_rest_imported(alice):
    # it was a 422 for the whole file, naming tasks.1
    tasks = [{"title": "first"}, "x", None, 7, [], {"title": "last"}]
    document = {"format": "taskai-export", "version": 1, "tasks": tasks, "tags": ["home"]}
    report = alice.post("/api/import", document).json
    assert report["created"]["tasks"] == 2
    refused = [(r["kind"], r["index"], r["field"], r["message"]) for r in report["rejected"]]
    assert refused == [
        ("tags", 0, "item", "must be an object"),
        *(("tasks", i, "item", "must be an object") for i in range(1, 5)),
    ]


@pytest.mark.parametrize("database", ["postgres"], indirect=True)
def test_an_import_meeting_a_name_another_transaction_takes_meanwhile_is_409_whole(alice):
    # the same import twice at once: the second met the first's project at its insert, went
    # on as if that project alone were refused, and failed later on the spent transaction (500)
    from concurrent.futures import ThreadPoolExecutor
    from datetime import UTC, datetime

    from taskai.domain.projects import Project

    user_id = uuid.UUID(alice.get("/api/auth/me").json["id"])
    document = {
        "format": "taskai-export",
        "version": 1,
        "projects": [{"id": "p", "name": "Work"}],
        "tasks": [{"title": "t", "project_id": "p"}],
    }
    with bootstrap.uow() as uow, ThreadPoolExecutor(1) as pool:
        uow.projects.add(Project.new(user_id=user_id, name="Work", now=datetime.now(UTC)))
        later = pool.submit(alice.post, "/api/import", document)
        time.sleep(0.5)  # the import waits on the name's unique key
        uow.commit()
        reply = later.result()
    assert reply.status_code == 409, reply.json
    assert [t["title"] for t in export(alice)["tasks"]] == []
    again = alice.post("/api/import", document).json  # now it finds the project by name
    assert again["created"] == {**again["created"], "projects": 0, "tasks": 1}


def test_bad_numbers_and_times_in_a_file_refuse_their_item_never_the_import(alice):
    # each was a 500 on PostgreSQL, or stored on SQLite and then broke reads of its row
    document = {
        "format": "taskai-export",
        "version": 1,
        "projects": [{"id": "p", "name": "Work"}],
        "sections": [
            {"id": "s1", "project_id": "p", "name": "Half", "position": 1.5},
            {"id": "s2", "project_id": "p", "name": "True", "position": True},
        ],
        "tasks": [
            {
                "title": "half minute",
                "due_date": "2031-01-02T09:00:00Z",
                "reminders": [{"minutes_before": 1.5}],
            },
            {
                "title": "true minute",
                "due_date": "2031-01-02T09:00:00Z",
                "reminders": [{"minutes_before": True}],
            },
            {"title": "year one", "created_at": "0001-01-01T00:00:00+00:00"},
            {"title": "odd tags", "tags": ["x", None, 7]},
            {"title": "fine", "tags": ["x"]},
        ],
    }
    report = alice.post("/api/import", document).json
    refused = [(r["kind"], r["index"], r["field"]) for r in report["rejected"]]
    assert refused == [
        ("sections", 0, "position"),
        ("sections", 1, "position"),
        ("tasks", 0, "minutes_before"),
        ("tasks", 1, "minutes_before"),
        ("tasks", 2, "created_at"),
        ("tasks", 3, "tags.1"),
    ]
    assert [t["title"] for t in alice.get("/api/tasks").json["items"]] == ["fine"]
    assert alice.get("/api/export").status_code == 200


def test_a_field_of_the_wrong_json_type_refuses_its_item_naming_the_field(alice):
    # a list as a description was a 500 on SQLite and stored as '{x}' on PostgreSQL; a number
    # as a color, and a year-1 all-day date east of UTC, a "malformed" naming the field `item`
    user = alice  # America/New_York: west of UTC; the day's start east of it is the overflow
    user.patch("/api/auth/me", {"timezone": "Asia/Tokyo"})
    document = {
        "format": "taskai-export",
        "version": 1,
        "projects": [{"id": "p", "name": "Work", "color": 5}, {"id": "q", "name": "Fine"}],
        "tags": [{"name": "red", "color": ["#ff0000"]}],
        "filters": [{"name": "Mine", "query": "p1", "color": 7}],
        "tasks": [
            {"title": "listed", "description": ["x"]},
            {"title": "object", "description": {"a": 1}},
            {"title": "number", "description": 5},
            {"title": "flag", "all_day": "yes", "due_on": "2031-01-01"},
            {"title": "year one", "all_day": True, "due_on": "0001-01-01"},
            {"title": "boolean priority", "priority": True},
            {"title": "fine", "description": None, "project_id": "q"},
        ],
    }
    report = user.post("/api/import", document).json
    refused = [(r["kind"], r["index"], r["field"]) for r in report["rejected"]]
    assert refused == [
        ("projects", 0, "color"),
        ("tags", 0, "color"),
        ("filters", 0, "color"),
        ("tasks", 0, "description"),
        ("tasks", 1, "description"),
        ("tasks", 2, "description"),
        ("tasks", 3, "all_day"),
        ("tasks", 4, "due_on"),
        ("tasks", 5, "priority"),
    ]
    assert [t["title"] for t in export(user)["tasks"]] == ["fine"]


def test_a_task_in_a_section_of_another_project_is_refused_and_the_rest_imported(alice):
    # it broke the store's foreign key at commit: a 409 for the whole file on SQLite, a 500 on
    # PostgreSQL (pg8000 raised only a unique violation as an integrity error)
    document = {
        "format": "taskai-export",
        "version": 1,
        "projects": [{"id": "p1", "name": "RP1"}, {"id": "p2", "name": "RP2"}],
        "sections": [{"id": "s2", "name": "S2", "project_id": "p2"}],
        "tasks": [
            {"id": "t1", "title": "fine"},
            {"id": "t2", "title": "bad", "project_id": "p1", "section_id": "s2"},
            {"id": "t3", "title": "section alone", "section_id": "s2"},
        ],
    }
    reply = alice.post("/api/import", document)
    assert reply.status_code == 200, reply.json
    refused = [(r["index"], r["field"], r["message"]) for r in reply.json["rejected"]]
    assert refused == [(1, "section_id", "a section of another project")]
    projects = {p["name"]: p["id"] for p in export(alice)["projects"]}
    placed = {t["title"]: (t["project_id"], t["section_id"]) for t in export(alice)["tasks"]}
    section = export(alice)["sections"][0]["id"]
    assert placed["section alone"] == (projects["RP2"], section)  # as a task added to it
    assert set(placed) == {"fine", "section alone"}


def test_a_refused_item_leaves_no_tags_behind(alice):
    # a task of 51 tags was refused, and its 51 tags created, each on no task
    many = [f"tag{n}" for n in range(51)]
    document = {
        "format": "taskai-export",
        "version": 1,
        "tasks": [
            {"title": "too many", "tags": many},
            {"title": "bad time", "tags": ["lost"], "created_at": "yesterday"},
            {
                "title": "bad place",
                "tags": ["lost"],
                "occurrence": 0,
                "series_id": "s",
                "recurrence": {"rule": "FREQ=DAILY"},
            },
            {"title": "fine", "tags": ["kept"]},
        ],
    }
    report = alice.post("/api/import", document).json
    assert [r["field"] for r in report["rejected"]] == ["tags", "created_at", "occurrence"]
    assert report["created"]["tags"] == 1
    assert [t["name"] for t in alice.get("/api/tags").json["items"]] == ["kept"]
    rows = "TYPE,CONTENT,PRIORITY\ntask,too many " + " ".join(f"@l{n}" for n in range(60))
    assert import_csv(alice, rows + "\ntask,fine @kept\n")["created"]["tags"] == 0
    assert [t["name"] for t in alice.get("/api/tags").json["items"]] == ["kept"]


def test_a_second_item_with_an_id_the_file_used_is_refused_naming_id(alice):
    # both tasks were created, and a subtask naming the id went under the first
    document = {
        "format": "taskai-export",
        "version": 1,
        "projects": [{"id": "p", "name": "A"}, {"id": "p", "name": "B"}],
        "sections": [{"id": "s", "project_id": "p", "name": "S"}] * 2,
        "tasks": [
            {"id": "t", "title": "first"},
            {"id": "t", "title": "second"},
            {"id": "c", "title": "child", "parent_id": "t"},
        ],
    }
    report = alice.post("/api/import", document).json
    refused = [(r["kind"], r["index"], r["field"]) for r in report["rejected"]]
    assert refused == [("projects", 1, "id"), ("sections", 1, "id"), ("tasks", 1, "id")]
    tasks = {t["title"]: t for t in export(alice)["tasks"]}
    assert set(tasks) == {"first", "child"}
    assert tasks["child"]["parent_id"] == tasks["first"]["id"]


def test_a_wrong_typed_archived_or_ended_reason_refuses_its_item(alice):
    # "false", 7 or ["x"] archived the project, and its tasks vanished from every list
    document = {
        "format": "taskai-export",
        "version": 1,
        "projects": [{"id": "a", "name": "Keep", "archived": "false"}, {"id": "b", "name": "B"}],
        "tasks": [
            {"title": "t", "project_id": "b"},
            {
                "title": "ended",
                "due_date": "2031-01-01T09:00:00+00:00",
                "recurrence": {"rule": "FREQ=DAILY", "ended_reason": 5},
            },
        ],
    }
    report = alice.post("/api/import", document).json
    refused = [(r["kind"], r["index"], r["field"]) for r in report["rejected"]]
    assert refused == [("projects", 0, "archived"), ("tasks", 1, "recurrence.ended_reason")]
    assert [t["title"] for t in alice.get("/api/tasks").json["items"]] == ["t"]


def test_imported_sections_go_after_the_projects_own_in_the_files_order(alice):
    # each took the file's position or 0: three new ones all at 0, in no set order
    project = alice.post("/api/projects", {"name": "P"}).json
    for name in ("A", "B"):
        alice.post(f"/api/projects/{project['id']}/sections", {"name": name})
    sections = [
        {"id": str(n), "project_id": "p", "name": name, "position": 10 - n}
        for n, name in enumerate(["G", "F", "E"])
    ]
    document = {
        "format": "taskai-export",
        "version": 1,
        "sections": sections,
        "projects": [{"id": "p", "name": "P"}],
    }
    assert alice.post("/api/import", document).json["rejected"] == []
    found = [s for s in export(alice)["sections"] if s["project_id"] == project["id"]]
    ordered = sorted(found, key=lambda s: s["position"])
    assert [s["name"] for s in ordered] == ["A", "B", "E", "F", "G"]
    assert len({s["position"] for s in found}) == 5


def test_a_repeated_id_refuses_the_later_item_in_the_file_whatever_its_position(alice):
    tasks = [
        {"id": "x", "title": "first in file", "position": 131072},
        {"id": "x", "title": "second in file", "position": 65536},
    ]
    document = {"format": "taskai-export", "version": 1, "tasks": tasks}
    report = alice.post("/api/import", document).json
    assert [(r["index"], r["field"]) for r in report["rejected"]] == [(1, "id")]
    assert [t["title"] for t in export(alice)["tasks"]] == ["first in file"]


def test_an_import_into_an_archived_project_of_the_account_is_refused(alice):
    # the tasks went in, and no list showed them
    project = alice.post("/api/projects", {"name": "Arch"}).json
    alice.patch(f"/api/projects/{project['id']}", {"archived": True})
    document = {
        "format": "taskai-export",
        "version": 1,
        "projects": [{"id": "p", "name": "arch"}],
        "tasks": [{"title": "hidden", "project_id": "p"}],
    }
    report = alice.post("/api/import", document).json
    assert [(r["kind"], r["field"]) for r in report["rejected"]] == [
        ("projects", "name"),
        ("tasks", "project_id"),
    ]
    reply = alice.call(
        "POST",
        "/api/import/todoist?project=Arch",
        data=b"TYPE,CONTENT\ntask,Buy milk\n",
        headers={"Content-Type": "text/csv"},
    )
    assert reply.status_code == 422 and "project" in reply.json["error"]["fields"]


def test_an_imported_completion_is_never_in_the_future_nor_before_creation(alice):
    tasks = [
        {"title": "later", "status": "completed", "completed_at": "2099-01-01T00:00:00+00:00"},
        {
            "title": "early",
            "status": "completed",
            "completed_at": "1950-01-01T00:00:00+00:00",
            "created_at": "2020-01-01T00:00:00+00:00",
        },
    ]
    alice.post("/api/import", {"format": "taskai-export", "version": 1, "tasks": tasks})
    found = {t["title"]: t for t in export(alice)["tasks"]}
    now = datetime.now(NEW_YORK)
    assert datetime.fromisoformat(found["later"]["completed_at"]) <= now
    early = found["early"]
    created, completed = (datetime.fromisoformat(early[k]) for k in ("created_at", "completed_at"))
    assert created <= completed


def test_a_reminder_before_a_due_date_is_refused_without_one_as_the_api_does(alice):
    tasks = [{"title": "r", "reminders": [{"minutes_before": 10}]}]
    report = alice.post("/api/import", {"format": "taskai-export", "version": 1, "tasks": tasks})
    assert [r["field"] for r in report.json["rejected"]] == [
        alice.post("/api/tasks", tasks[0]).json["error"]["fields"].popitem()[0]
    ]


def test_import_ids_longer_than_kept_are_told_apart(alice):
    document = {"format": "taskai-export", "version": 1, "tasks": [{"title": "one"}]}
    for n in (1, 2):
        headers = {"Idempotency-Key": "k" * 200 + f"-{n}"}
        assert not alice.post("/api/import", document, headers=headers).json["repeated"]
    assert len(export(alice)["tasks"]) == 2


def test_todoist_rows_under_a_refused_row_go_to_no_other_task_or_section(alice):
    rows = (
        "TYPE,CONTENT,PRIORITY,INDENT,DATE\n"
        "task,A,1,1,\n"
        "task,B,1,1,when pigs fly\n"
        "note,note about B,,,\n"
        "task,child of B,1,2,\n"
        "section,S1,,,\n"
        "task,in S1,1,1,\n"
        f"section,{'x' * 130},,,\n"
        "task,meant for the long section,1,1,\n"
        "note," + "n" * 15000 + ",,,\n"
        "note," + "n" * 15000 + ",,,\n"
    )
    report = import_csv(alice, rows)
    refused = [(r["line"], r["field"]) for r in report["rejected"]]
    assert refused == [(3, "DATE"), (4, "CONTENT"), (8, "CONTENT"), (11, "CONTENT")]
    assert report["subtasks"] == 1  # the child of B, left flat
    tasks = {t["title"]: t for t in export(alice)["tasks"]}
    assert tasks["A"]["description"] == "" and tasks["child of B"]["parent_id"] is None
    assert tasks["meant for the long section"]["section_id"] is None
    assert len(tasks["meant for the long section"]["description"]) == 15000


def test_ids_of_another_users_rows_in_a_file_never_touch_them(alice, bob):
    fill(alice)
    theirs = export(alice)
    forged = {
        **theirs,
        "projects": [p for p in theirs["projects"] if p["inbox"]],
        "sections": [],
        "tasks": [{**t, "section_id": None} for t in theirs["tasks"]],
    }
    report = bob.post("/api/import", forged).json
    assert {r["field"] for r in report["rejected"]} == {"project_id"}  # alice's Work project
    assert report["created"]["tasks"] == 2  # from alice's Inbox into bob's, with new ids
    assert comparable(export(alice)) == comparable(theirs)
    bobs = export(bob)
    assert {t["id"] for t in bobs["tasks"]}.isdisjoint({t["id"] for t in theirs["tasks"]})
    assert {t["project_id"] for t in bobs["tasks"]} == {bobs["projects"][0]["id"]}


def test_an_import_is_refused_whole_past_its_size_caps_or_when_not_an_export(alice):
    huge = b'{"format": "taskai-export", "version": 1, "tasks": [' + b" " * (10 * 1024 * 1024)
    response = alice.call(
        "POST", "/api/import", data=huge, headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 413
    many = {"format": "taskai-export", "version": 1, "tasks": [{"title": "t"}] * 50_001}
    response = alice.post("/api/import", many)
    assert response.status_code == 422 and "tasks" in response.json["error"]["fields"]
    wrong = alice.post("/api/import", {"format": "todoist", "version": 1})
    assert wrong.status_code == 422 and "format" in wrong.json["error"]["fields"]
    assert alice.post("/api/import", data=b"title,x", headers={}).status_code in (415, 422)
    assert export(alice)["tasks"] == []


def test_export_and_import_need_a_password_login(alice):
    created = alice.post("/api/tokens", {"name": "script", "scopes": ["account:read"]}).json
    headers = {"Authorization": f"Bearer {created['token']}"}
    assert alice.get("/api/export", headers=headers).status_code == 403
    assert alice.post("/api/import", {}, headers=headers).status_code == 403
    assert alice.get("/api/export", headers={"Authorization": "Bearer nope"}).status_code == 401


TODOIST_CSV = """TYPE,CONTENT,DESCRIPTION,PRIORITY,INDENT,AUTHOR,RESPONSIBLE,DATE,DATE_LANG,TIMEZONE
meta,view_style=board,,,,,,,,
section,Errands,,,,,,,,
task,Buy milk @shop @home,2% please,1,1,Ann (1),,tomorrow 5pm,en,America/New_York
task,Pick oat milk,,2,2,Ann (1),Bo (2),,en,
task,"Check the price, twice",,3,3,Ann (1),,,en,
note,Bring bags,,,,Ann (1),,,,
,,,,,,,,,
section,Routines,,,,,,,,
task,Gym,,4,1,Ann (1),,every monday at 9,en,Europe/Berlin
task,Water plants,,3,1,Ann (1),,every! 3 days,en,
task,"Say ""hi""
on two lines",,4,1,Ann (1),,,en,
task,Bad priority,,9,1,,,,,
task,Bad date,,1,1,,,when pigs fly,en,
note,,,,,,,,,
"""

# title → (priority, tags, section, due: (zone, weekday, hour) or None, recurrence, description)
TODOIST_TABLE = {
    "Buy milk": ("urgent", ["home", "shop"], "Errands", ("America/New_York", None, 17), None,
                 "2% please"),
    "Pick oat milk": ("high", [], "Errands", None, None, ""),
    "Check the price, twice": ("medium", [], "Errands", None, None, "Bring bags"),
    "Gym": ("low", [], "Routines", ("Europe/Berlin", 0, 9), ("FREQ=WEEKLY;BYDAY=MO", "due"), ""),
    "Water plants": ("medium", [], "Routines", "all day", ("FREQ=DAILY;INTERVAL=3", "completion"),
                     ""),
    'Say "hi" on two lines': ("low", [], "Routines", None, None, ""),  # a title is one line
}  # fmt: skip


def test_a_todoist_csv_imports_with_the_right_values(alice):
    response = alice.call(
        "POST",
        "/api/import/todoist?project=From%20Todoist",
        data=TODOIST_CSV.encode(),
        headers={"Content-Type": "text/csv"},
    )
    assert response.status_code == 200, response.json
    report = response.json
    assert report["created"] == {
        "projects": 1, "sections": 2, "tags": 2, "filters": 0, "webhooks": 0, "tasks": 6,
    }  # fmt: skip
    assert report["flattened"] is None  # every INDENT nested
    assert [(r["line"], r["field"]) for r in report["rejected"]] == [
        (14, "PRIORITY"),
        (15, "DATE"),
        (16, "CONTENT"),
    ]  # the meta row of line 2 is read, not refused
    assert report["notes"] is None  # every column with values is read (or documented as ignored)
    document = export(alice)
    project = next(p for p in document["projects"] if p["name"] == "From Todoist")
    assert project["view"] == "board"  # meta,view_style=board
    sections = {s["id"]: s["name"] for s in document["sections"]}
    found = {}
    for task in document["tasks"]:
        assert task["project_id"] == project["id"]
        due = None
        if task["all_day"]:
            due = "all day"
        elif task["due_date"]:
            zone = TODOIST_TABLE[task["title"]][3][0]
            local = datetime.fromisoformat(task["due_date"]).astimezone(ZoneInfo(zone))
            weekday = local.weekday() if task["recurrence"] else None
            due = (zone, weekday, local.hour)
        rule = task["recurrence"] and (task["recurrence"]["rule"], task["recurrence"]["anchor"])
        found[task["title"]] = (
            task["priority"],
            sorted(t["name"] for t in task["tags"]),
            sections[task["section_id"]],
            due,
            rule,
            task["description"],
        )
    assert found == TODOIST_TABLE
    titles = {task["id"]: task["title"] for task in document["tasks"]}
    parents = {t["title"]: titles.get(t["parent_id"]) for t in document["tasks"] if t["parent_id"]}
    assert parents == {"Pick oat milk": "Buy milk", "Check the price, twice": "Pick oat milk"}
    again = alice.call(
        "POST",
        "/api/import/todoist?project=From%20Todoist",
        data=TODOIST_CSV.encode(),
        headers={"Content-Type": "text/csv"},
    )
    assert again.json["repeated"] is True and len(export(alice)["tasks"]) == 6


def import_csv(user, text):
    response = user.call(
        "POST", "/api/import/todoist", data=text.encode(), headers={"Content-Type": "text/csv"}
    )
    assert response.status_code == 200, response.json
    return response.json


def test_todoist_priority_1_is_urgent_and_4_is_low_as_its_app_shows_them(alice):
    report = import_csv(alice, "TYPE,CONTENT,PRIORITY\ntask,Normal,4\ntask,Urgent,1\n"
                               "task,High,2\ntask,Medium,3\ntask,Unset,\n")  # fmt: skip
    assert report["rejected"] == []
    found = {t["title"]: t["priority"] for t in export(alice)["tasks"]}
    assert found == {
        "Normal": "low", "Urgent": "urgent", "High": "high", "Medium": "medium", "Unset": "low",
    }  # fmt: skip


def test_a_real_exports_meta_row_sets_the_view_and_unread_columns_are_named_in_notes(alice):
    text = (
        "TYPE,CONTENT,DESCRIPTION,PRIORITY,INDENT,AUTHOR,RESPONSIBLE,DATE,DATE_LANG,TIMEZONE,"
        "DURATION,DURATION_UNIT,DEADLINE,DEADLINE_LANG\n"
        "meta,view_style=list,,,,,,,,,,,,\n"
        "task,Taxes,,1,1,Ann (1),,,en,,30,minute,2031-04-15,en\n"
        "task,Filing,,4,1,Ann (1),,,en,,,,2031-04-01,en\n"
    )
    report = import_csv(alice, text)
    assert report["rejected"] == [] and report["created"]["tasks"] == 2
    assert report["notes"] == [
        "DURATION is not imported (1 row has one)",
        "DURATION_UNIT is not imported (1 row has one)",
        "DEADLINE is not imported (2 rows have one)",
        "DEADLINE_LANG is not imported (2 rows have one)",
    ]
    board = import_csv(alice, "TYPE,CONTENT\nmeta,view_style=board\ntask,Card\n")
    assert board["rejected"] == [] and board["notes"] is None
    views = {p["name"]: p["view"] for p in export(alice)["projects"]}
    assert views["Todoist"] == "list"  # the first import made it; the second reuses it as it is


def test_a_todoist_subtask_without_a_parent_is_counted_flat_and_content_is_named_by_column(alice):
    text = f"TYPE,CONTENT,INDENT\ntask,Orphan,2\ntask,{'x' * 501},1\ntask,Top,1\n"
    report = import_csv(alice, text)
    assert report["created"]["tasks"] == 2
    assert (report["subtasks"], report["flattened"]) == (1, True)
    assert [(r["line"], r["field"]) for r in report["rejected"]] == [(3, "CONTENT")]
    assert all(t["parent_id"] is None for t in export(alice)["tasks"])


def test_an_import_keeps_each_tasks_created_at_and_a_future_one_becomes_now(alice):
    document = {"format": "taskai-export", "version": 1, "tasks": [
        {"title": "old", "created_at": "2020-01-02T03:04:05-05:00"},
        {"title": "future", "created_at": "2999-01-01T00:00:00Z"},
        {"title": "none"},
    ]}  # fmt: skip
    before = datetime.now(NEW_YORK)
    assert alice.post("/api/import", document).json["rejected"] == []
    created = {t["title"]: datetime.fromisoformat(t["created_at"]) for t in export(alice)["tasks"]}
    assert created["old"] == datetime.fromisoformat("2020-01-02T08:04:05+00:00")
    assert before <= created["future"] <= datetime.now(NEW_YORK)
    assert before <= created["none"] <= datetime.now(NEW_YORK)


def test_a_todoist_csv_uploaded_as_a_file_goes_into_a_project_named_by_it(alice):
    upload = {"file": (io.BytesIO(b"TYPE,CONTENT\ntask,One @x\n"), "Groceries.csv")}
    response = alice.call("POST", "/api/import/todoist", data=upload)
    assert response.status_code == 200, response.json
    document = export(alice)
    assert "Groceries" in [p["name"] for p in document["projects"]]
    assert [t["tags"][0]["name"] for t in document["tasks"]] == ["x"]


@pytest.mark.parametrize(
    "body", [b"", b"no,columns,here\n1,2,3\n", b"\xff\xfe\x00bad"], ids=["empty", "other", "bytes"]
)
def test_a_body_that_is_not_todoists_csv_is_422_naming_the_file(alice, body):
    response = alice.call(
        "POST", "/api/import/todoist", data=body, headers={"Content-Type": "text/csv"}
    )
    assert response.status_code == 422 and "file" in response.json["error"]["fields"]


@pytest.mark.parametrize("database", ["sqlite"], indirect=True)
def test_the_command_line_exports_and_imports_against_the_configured_database(
    alice, api, tmp_path, capsys
):
    from taskai.cli import main

    fill(alice)
    assert main(["export", "--user", alice.email]) == 0
    saved = tmp_path / "alice.json"
    saved.write_text(capsys.readouterr().out)
    carol = api.as_new_user("America/New_York")
    assert main(["import", str(saved)]) == 2  # two accounts: --user must say which
    assert "--user" in capsys.readouterr().err
    assert main(["import", str(saved), "--user", carol.email]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["created"]["tasks"] == 4
    assert comparable(export(carol)) == comparable(json.loads(saved.read_text()))
    assert main(["import", str(saved), "--user", carol.email]) == 0
    assert json.loads(capsys.readouterr().out)["repeated"] is True
    csv_file = tmp_path / "Chores.csv"
    csv_file.write_text(TODOIST_CSV)
    assert main(["import", str(csv_file), "--user", carol.email, "--todoist"]) == 1  # 3 refused
    report = json.loads(capsys.readouterr().out)
    assert report["created"]["tasks"] == 6 and len(report["rejected"]) == 3
    assert "Chores" in [p["name"] for p in export(carol)["projects"]]
    assert main(["import", str(tmp_path / "missing.json"), "--user", carol.email]) == 2


@pytest.mark.parametrize("database", ["sqlite"], indirect=True)
def test_the_command_line_says_in_one_line_that_the_database_is_busy(
    alice, tmp_path, capsys, monkeypatch
):
    import fcntl
    import os

    from taskai import bootstrap
    from taskai.cli import main
    from taskai.config import get_settings

    assert main(["export", "--user", alice.email]) == 0
    saved = tmp_path / "alice.json"
    saved.write_text(capsys.readouterr().out)
    monkeypatch.setenv("DB_STATEMENT_TIMEOUT_S", "0.2")
    bootstrap.reset()
    database = get_settings().sqlalchemy_url.removeprefix("sqlite:///")
    held = os.open(f"{database}.write-lock", os.O_CREAT | os.O_RDWR, 0o600)
    fcntl.flock(held, fcntl.LOCK_EX)  # another writer's turn, as a server's import holds it
    try:
        assert main(["import", str(saved), "--user", alice.email]) == 1
    finally:
        os.close(held)
    err = capsys.readouterr().err
    assert err.startswith("taskai import: the database is busy or unreachable")
    assert "Traceback" not in err and len(err.splitlines()) == 1


def test_a_chain_deeper_than_the_limit_is_nested_to_it_and_the_rest_flattened(alice):
    # the deeper tasks first in the file (smaller positions): each depth was judged before its
    # ancestors were attached, and a chain of 8 came in 7 deep (of 12, past a cap, 6 deep)
    chain = [
        {"id": f"t{n}", "title": f"level {n}", "position": 100 - n}
        | ({"parent_id": f"t{n - 1}"} if n else {})
        for n in range(12)
    ]
    document = {"format": "taskai-export", "version": 1, "tasks": chain}
    report = alice.post("/api/import", document).json
    assert report["created"]["tasks"] == 12 and report["flattened"] is True
    tasks = {t["id"]: t for t in export(alice)["tasks"]}

    def depth(task):
        return 0 if task["parent_id"] is None else 1 + depth(tasks[task["parent_id"]])

    assert max(depth(t) for t in tasks.values()) == MAX_DEPTH
    deepest = max(tasks.values(), key=depth)
    assert (
        alice.post("/api/tasks", {"title": "one more", "parent_id": deepest["id"]}).status_code
        == 422
    )


def test_an_open_subtask_of_a_file_reopens_its_completed_ancestors_as_adding_one_does(alice):
    done = {"status": "completed", "completed_at": "2031-01-02T09:00:00Z"}
    document = {
        "format": "taskai-export",
        "version": 1,
        "tasks": [
            {"id": "a", "title": "A", **done},
            {"id": "b", "title": "B", "parent_id": "a", **done},
            {"id": "c", "title": "C", "parent_id": "b"},
            {"id": "d", "title": "D", "parent_id": "a", **done},  # a completed subtask stays so
            {"id": "e", "title": "E", **done},
            {"id": "f", "title": "F", "parent_id": "e", **done},
        ],
    }
    report = alice.post("/api/import", document).json
    assert report["created"]["tasks"] == 6
    assert report["notes"] == [
        "2 completed task(s) reopened: the file has open subtasks under them"
    ]
    status = {t["title"]: t["status"] for t in export(alice)["tasks"]}
    assert status == {
        "A": "pending",
        "B": "pending",
        "C": "pending",
        "D": "completed",
        "E": "completed",
        "F": "completed",
    }


def test_a_parent_cycle_in_a_file_is_not_imported_as_one(alice):
    document = {
        "format": "taskai-export",
        "version": 1,
        "tasks": [
            {"id": "a", "title": "A", "parent_id": "b"},
            {"id": "b", "title": "B", "parent_id": "a"},
            {"id": "c", "title": "C", "parent_id": "c"},
        ],
    }
    report = alice.post("/api/import", document).json
    assert report["created"]["tasks"] == 3 and report["subtasks"] == 2  # two could not nest
    tasks = {t["title"]: t for t in export(alice)["tasks"]}
    ids = {t["id"] for t in tasks.values()}
    assert tasks["C"]["parent_id"] is None
    for title in ("A", "B"):  # one nests under the other, never each under each
        parent = tasks[title]["parent_id"]
        assert parent is None or tasks[{"A": "B", "B": "A"}[title]]["parent_id"] is None
        assert parent is None or parent in ids


def test_a_csv_the_csv_module_cannot_read_is_422_naming_the_file(alice):
    text = "TYPE,CONTENT\ntask," + "x" * 200_000 + "\n"
    response = alice.call(
        "POST", "/api/import/todoist", data=text.encode(), headers={"Content-Type": "text/csv"}
    )
    assert response.status_code == 422 and "file" in response.json["error"]["fields"]


def test_a_date_outside_the_calendar_is_refused_on_every_door(alice):
    quick = alice.post("/api/ai/tasks", {"text": "party on 9999-12-31"})
    assert quick.status_code == 422 and "due_date" in quick.json["error"]["fields"]
    csv_text = "TYPE,CONTENT,DATE\ntask,party,9999-12-31\n"
    report = alice.call(
        "POST", "/api/import/todoist", data=csv_text.encode(), headers={"Content-Type": "text/csv"}
    ).json
    assert [(r["line"], r["field"]) for r in report["rejected"]] == [(2, "DATE")]
    document = {"format": "taskai-export", "version": 1,
                "tasks": [{"id": "x", "title": "far", "due_date": "9999-12-31T00:00:00Z"}]}  # fmt: skip
    rejected = alice.post("/api/import", document).json["rejected"]
    assert [r["field"] for r in rejected] == ["due_date"]


def test_an_import_keeps_the_manual_order_of_a_reordered_project_and_its_subtasks(alice, api):
    project = alice.post("/api/projects", {"name": "Ordered"}).json
    made = {
        title: alice.post("/api/tasks", {"title": title, "project_id": project["id"]}).json
        for title in "abcdef"
    }
    subtasks = [
        alice.post("/api/tasks", {"title": f"a{n}", "parent_id": made["a"]["id"]}).json
        for n in (1, 2, 3)
    ]
    for title, before in (("f", "a"), ("c", "b"), ("e", "f")):
        moved = alice.post(
            f"/api/tasks/{made[title]['id']}/move", {"before_id": made[before]["id"]}
        )
        assert moved.status_code == 200, moved.json
    alice.post(f"/api/tasks/{subtasks[2]['id']}/move", {"before_id": subtasks[0]["id"]})

    def order(user):
        document = export(user)
        ordered = next(p for p in document["projects"] if p["name"] == "Ordered")
        tasks = [t for t in document["tasks"] if t["project_id"] == ordered["id"]]
        by_id = {t["id"]: t["title"] for t in tasks}
        siblings: dict = {}
        for t in sorted(tasks, key=lambda t: t["position"]):
            siblings.setdefault(by_id.get(t["parent_id"]), []).append(t["title"])
        return siblings

    before = order(alice)
    assert before == {None: ["e", "f", "a", "c", "b", "d"], "a": ["a3", "a1", "a2"]}
    carol = api.as_new_user("UTC")
    assert carol.post("/api/import", export(alice)).json["rejected"] == []
    assert order(carol) == before


@pytest.fixture
def local_hooks(monkeypatch):
    """Webhooks may point at 127.0.0.1 (as the test settings allow), in plain http."""
    from taskai import bootstrap
    from taskai.config import get_settings

    monkeypatch.setenv("WEBHOOK_ALLOW_HOSTS", "127.0.0.1")
    get_settings.cache_clear()
    bootstrap.webhook_sender.cache_clear()
    yield "http://127.0.0.1:9/hook"
    get_settings.cache_clear()
    bootstrap.webhook_sender.cache_clear()


def test_webhooks_export_without_secrets_and_import_disabled_with_a_new_secret_shown_once(
    alice, api, local_hooks
):
    wanted = ["com.taskai.task.completed"]
    created = alice.post("/api/webhooks", {"url": local_hooks, "event_types": wanted}).json
    raw = alice.get("/api/export").get_data(as_text=True)
    assert created["secret"] not in raw and "whsec_" not in raw
    document = json.loads(raw)
    assert [(w["url"], w["event_types"], w["enabled"]) for w in document["webhooks"]] == [
        (local_hooks, wanted, True)
    ]
    carol = api.as_new_user("UTC")
    report = carol.post("/api/import", document).json
    assert report["created"]["webhooks"] == 1 and report["rejected"] == []
    [shown] = report["webhooks"]
    assert shown["url"] == local_hooks and shown["secret"].startswith("whsec_")
    assert shown["secret"] != created["secret"]
    [hook] = carol.get("/api/webhooks").json["webhooks"]
    assert (hook["id"], hook["event_types"], hook["enabled"]) == (shown["id"], wanted, False)
    assert "new signing secret" in hook["disabled_reason"]
    repeat = carol.post("/api/import", document).json
    assert repeat["repeated"] is True and repeat["webhooks"] is None  # the secret, once only
    again = carol.post("/api/import", document, headers={"Idempotency-Key": "again"}).json
    assert again["created"]["webhooks"] == 0  # one of its URL is there already
    assert carol.patch(f"/api/webhooks/{hook['id']}", {"enabled": True}).json["enabled"] is True


def test_an_imported_webhook_to_a_forbidden_address_is_refused_naming_its_url(alice):
    document = {
        "format": "taskai-export",
        "version": 1,
        "webhooks": [
            {"url": "http://10.0.0.1/hook"},
            {"url": "https://x.test", "event_types": ["no"]},
        ],
    }
    report = alice.post("/api/import", document).json
    assert [(r["kind"], r["index"], r["field"]) for r in report["rejected"]] == [
        ("webhooks", 0, "url"),
        ("webhooks", 1, "event_types"),
    ]
    assert alice.get("/api/webhooks").json["webhooks"] == []


def test_an_import_of_more_tasks_than_one_statement_binds_is_written_whole(alice):
    many = {
        "format": "taskai-export",
        "version": 1,
        "tasks": [{"title": f"t{n}"} for n in range(9_400)],
    }
    response = alice.post("/api/import", many)  # 9,400 events, 7 outbox columns each: over 65,535
    assert response.status_code == 200, response.json
    assert response.json["created"]["tasks"] == 9_400


def test_a_quote_left_open_in_a_todoist_csv_is_refused_not_read_as_the_rest_of_the_file(alice):
    text = 'TYPE,CONTENT,PRIORITY\ntask,"Broken quote,4\ntask,Row A,4\ntask,Row B,4\n'
    response = alice.call(
        "POST", "/api/import/todoist", data=text.encode(), headers={"Content-Type": "text/csv"}
    )
    assert response.status_code == 422 and "file" in response.json["error"]["fields"]
    assert "line" in response.json["error"]["fields"]["file"]


def test_a_todoist_csv_past_the_row_cap_is_refused_whole_naming_the_file(alice):
    text = "TYPE,CONTENT,INDENT\n" + "".join(f"task,t{n},1\n" for n in range(50_001))
    response = alice.call(
        "POST", "/api/import/todoist", data=text.encode(), headers={"Content-Type": "text/csv"}
    )
    assert response.status_code == 422 and "50,000 rows" in response.json["error"]["fields"]["file"]
    assert export(alice)["tasks"] == []


def planner_view():
    """(when the task table was last analyzed by a statement, not by autovacuum; the rows the
    planner counts in it)."""
    with bootstrap.engine().connect() as connection:
        return connection.execute(
            text(
                "SELECT s.last_analyze, c.reltuples FROM pg_stat_user_tables s"
                " JOIN pg_class c ON c.oid = s.relid WHERE s.relid = 'tasks.tasks'::regclass"
            )
        ).one()


@pytest.mark.parametrize("database", ["postgres"], indirect=True)
def test_a_large_import_into_small_tables_brings_the_planners_statistics_up_to_date(alice):
    def tasks(count):
        items = [{"title": f"task {n}", "tags": ["work"]} for n in range(count)]
        return {"format": "taskai-export", "version": 1, "tasks": items}

    before, _ = planner_view()
    assert alice.post("/api/import", tasks(40)).json["created"]["tasks"] == 40  # under 50 rows
    assert planner_view()[0] == before
    assert alice.post("/api/import", tasks(120)).json["created"]["tasks"] == 120
    after, counted = planner_view()
    assert after is not None and (before is None or after > before)
    assert counted == 160
