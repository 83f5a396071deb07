"""Projects and sections over HTTP: the Inbox, uniqueness, archive, deletion with or without
moving the tasks, sections, tasks placed in them, filters, and sync."""

from __future__ import annotations


def inbox_of(user):
    return next(p for p in user.get("/api/projects").json["items"] if p["inbox"])


def new_project(user, name="Home", **fields):
    response = user.post("/api/projects", {"name": name, **fields})
    assert response.status_code == 201, response.json
    return response.json


def titles(user, query=""):
    return sorted(t["title"] for t in user.get(f"/api/tasks{query}").json["items"])


def test_every_account_has_an_inbox_where_a_task_goes_by_default(alice):
    inbox = inbox_of(alice)
    assert (inbox["name"], inbox["view"], inbox["archived"]) == ("Inbox", "list", False)
    task = alice.post("/api/tasks", {"title": "t"}).json
    assert (task["project_id"], task["section_id"]) == (inbox["id"], None)
    assert inbox_of(alice)["task_count"] == 1


def test_the_inbox_cannot_be_renamed_archived_or_deleted(alice):
    inbox = inbox_of(alice)
    renamed = alice.patch(f"/api/projects/{inbox['id']}", {"name": "Later"})
    assert renamed.status_code == 409
    assert renamed.json["error"]["fields"] == {"name": "the Inbox cannot be renamed"}
    archived = alice.patch(f"/api/projects/{inbox['id']}", {"archived": True})
    assert archived.status_code == 409
    assert archived.json["error"]["fields"] == {"archived": "the Inbox cannot be archived"}
    deleted = alice.delete(f"/api/projects/{inbox['id']}")
    assert deleted.status_code == 409
    assert deleted.json["error"]["fields"] == {"id": "the Inbox cannot be deleted"}
    assert alice.patch(f"/api/projects/{inbox['id']}", {"color": "#AA0000"}).json["color"] == (
        "#aa0000"
    )


def test_a_project_comes_back_with_every_field(alice):
    project = new_project(alice, "Work", color="#123456", view="board")
    assert set(project) == {
        "id", "name", "color", "view", "position", "archived", "inbox", "created_at",
        "updated_at",
    }  # fmt: skip  # task_count is a list's (ProjectWithCount)
    assert (project["color"], project["view"], project["position"]) == ("#123456", "board", 1)
    assert alice.get(f"/api/projects/{project['id']}").json["name"] == "Work"
    names = [p["name"] for p in alice.get("/api/projects").json["items"]]
    assert names == ["Inbox", "Work"]


def test_project_names_are_unique_per_user_regardless_of_case(alice, bob):
    new_project(alice, "Home")
    clash = alice.post("/api/projects", {"name": "HOME"})
    assert clash.status_code == 409 and clash.json["error"]["fields"] == {"name": "already exists"}
    assert alice.post("/api/projects", {"name": "inbox"}).status_code == 409
    assert bob.post("/api/projects", {"name": "home"}).status_code == 201
    other = new_project(alice, "Garden")
    assert alice.patch(f"/api/projects/{other['id']}", {"name": "hOME"}).status_code == 409
    assert alice.patch(f"/api/projects/{other['id']}", {"name": "GARDEN"}).json["name"] == "GARDEN"


def test_bad_project_input_is_422_naming_the_field(alice):
    for body, field in (
        ({"name": ""}, "name"),
        ({"name": "x", "color": "red"}, "color"),
        ({"name": "x", "view": "kanban"}, "view"),
        ({"name": "x" * 121}, "name"),
    ):
        response = alice.post("/api/projects", body)
        assert response.status_code == 422 and field in response.json["error"]["fields"], body
    project = new_project(alice)
    response = alice.patch(f"/api/projects/{project['id']}", {"archived": None})
    assert response.status_code == 422 and "archived" in response.json["error"]["fields"]


def test_another_users_project_and_section_are_404(alice, bob):
    project = new_project(alice)
    section = alice.post(f"/api/projects/{project['id']}/sections", {"name": "s"}).json
    assert bob.get(f"/api/projects/{project['id']}").status_code == 404
    assert bob.patch(f"/api/projects/{project['id']}", {"name": "mine"}).status_code == 404
    assert bob.delete(f"/api/projects/{project['id']}").status_code == 404
    assert bob.get(f"/api/projects/{project['id']}/sections").status_code == 404
    assert bob.patch(f"/api/sections/{section['id']}", {"name": "x"}).status_code == 404
    assert bob.delete(f"/api/sections/{section['id']}").status_code == 404


def test_a_task_naming_another_users_project_or_section_is_404_naming_the_field(alice, bob):
    project = new_project(alice)
    section = alice.post(f"/api/projects/{project['id']}/sections", {"name": "s"}).json
    response = bob.post("/api/tasks", {"title": "t", "project_id": project["id"]})
    assert response.status_code == 404
    assert response.json["error"]["fields"] == {"project_id": "no such project"}
    response = bob.post("/api/tasks", {"title": "t", "section_id": section["id"]})
    assert response.status_code == 404 and "section_id" in response.json["error"]["fields"]


def test_a_task_goes_into_a_section_of_its_project_only(alice):
    home, work = new_project(alice, "Home"), new_project(alice, "Work")
    kitchen = alice.post(f"/api/projects/{home['id']}/sections", {"name": "Kitchen"}).json
    task = alice.post(
        "/api/tasks", {"title": "tap", "project_id": home["id"], "section_id": kitchen["id"]}
    ).json
    assert (task["project_id"], task["section_id"]) == (home["id"], kitchen["id"])
    wrong = alice.post(
        "/api/tasks", {"title": "t", "project_id": work["id"], "section_id": kitchen["id"]}
    )
    assert wrong.status_code == 422 and "section_id" in wrong.json["error"]["fields"]
    moved = alice.patch(f"/api/tasks/{task['id']}", {"project_id": work["id"]}).json
    assert (moved["project_id"], moved["section_id"]) == (work["id"], None)
    back = alice.patch(
        f"/api/tasks/{task['id']}", {"project_id": home["id"], "section_id": kitchen["id"]}
    ).json
    assert back["section_id"] == kitchen["id"]
    out = alice.patch(f"/api/tasks/{task['id']}", {"section_id": None}).json
    assert (out["project_id"], out["section_id"]) == (home["id"], None)
    assert alice.patch(f"/api/tasks/{task['id']}", {"project_id": None}).status_code == 422


def test_tasks_list_by_project_and_section(alice):
    home = new_project(alice, "Home")
    kitchen = alice.post(f"/api/projects/{home['id']}/sections", {"name": "Kitchen"}).json
    alice.post("/api/tasks", {"title": "inbox"})
    alice.post("/api/tasks", {"title": "home", "project_id": home["id"]})
    alice.post(
        "/api/tasks", {"title": "tap", "project_id": home["id"], "section_id": kitchen["id"]}
    )
    assert titles(alice, f"?project_id={home['id']}") == ["home", "tap"]
    assert titles(alice, f"?section_id={kitchen['id']}") == ["tap"]
    assert titles(alice, f"?project_id={inbox_of(alice)['id']}") == ["inbox"]
    assert alice.get("/api/tasks?project_id=nope").status_code == 422


def test_archiving_hides_a_projects_tasks_from_lists_but_search_finds_them(alice):
    home = new_project(alice, "Home")
    alice.post("/api/tasks", {"title": "Fix the tap", "project_id": home["id"]})
    alice.post("/api/tasks", {"title": "Fix the bike"})
    archived = alice.patch(f"/api/projects/{home['id']}", {"archived": True}).json
    assert archived["archived"] is True
    assert titles(alice) == ["Fix the bike"]
    assert titles(alice, "?q=fix") == ["Fix the bike", "Fix the tap"]
    assert titles(alice, f"?project_id={home['id']}") == ["Fix the tap"]
    alice.patch(f"/api/projects/{home['id']}", {"archived": False})
    assert titles(alice) == ["Fix the bike", "Fix the tap"]


def test_deleting_a_project_deletes_its_tasks_and_sections(alice):
    home = new_project(alice, "Home")
    kitchen = alice.post(f"/api/projects/{home['id']}/sections", {"name": "Kitchen"}).json
    doomed = alice.post(
        "/api/tasks",
        {
            "title": "tap",
            "project_id": home["id"],
            "section_id": kitchen["id"],
            "tags": ["diy"],
            "due_date": "2031-01-01T09:00:00",
            "reminders": [{"minutes_before": 60}],
        },
    ).json
    alice.post("/api/tasks", {"title": "kept"})
    cursor = alice.get("/api/sync").json["cursor"]
    assert alice.delete(f"/api/projects/{home['id']}").status_code == 204
    assert alice.get(f"/api/projects/{home['id']}").status_code == 404
    assert alice.get(f"/api/tasks/{doomed['id']}").status_code == 404
    assert titles(alice) == ["kept"]
    deleted = alice.get(f"/api/sync?cursor={cursor}").json["deleted"]
    assert {(d["type"], d["id"]) for d in deleted} == {
        ("project", home["id"]),
        ("section", kitchen["id"]),
        ("task", doomed["id"]),
    }


def test_deleting_a_project_can_move_its_tasks_out_of_their_sections_instead(alice, bob):
    home, work = new_project(alice, "Home"), new_project(alice, "Work")
    kitchen = alice.post(f"/api/projects/{home['id']}/sections", {"name": "Kitchen"}).json
    task = alice.post(
        "/api/tasks", {"title": "tap", "project_id": home["id"], "section_id": kitchen["id"]}
    ).json
    cursor = alice.get("/api/sync").json["cursor"]
    theirs = new_project(bob, "Bob's")
    refused = alice.delete(f"/api/projects/{home['id']}?move_to={theirs['id']}")
    assert refused.status_code == 404 and "move_to" in refused.json["error"]["fields"]
    itself = alice.delete(f"/api/projects/{home['id']}?move_to={home['id']}")
    assert itself.status_code == 422 and "move_to" in itself.json["error"]["fields"]
    assert alice.delete(f"/api/projects/{home['id']}?move_to={work['id']}").status_code == 204
    moved = alice.get(f"/api/tasks/{task['id']}").json
    assert (moved["project_id"], moved["section_id"]) == (work["id"], None)
    changes = alice.get(f"/api/sync?cursor={cursor}").json
    assert [t["project_id"] for t in changes["tasks"]] == [work["id"]]
    assert {d["type"] for d in changes["deleted"]} == {"project", "section"}


def test_sections_list_in_order_rename_and_refuse_a_taken_name(alice):
    home = new_project(alice)
    url = f"/api/projects/{home['id']}/sections"
    first = alice.post(url, {"name": "Kitchen"}).json
    second = alice.post(url, {"name": "Garden"}).json
    assert set(first) == {"id", "project_id", "name", "position"}
    assert [(s["name"], s["position"]) for s in alice.get(url).json["items"]] == [
        ("Kitchen", 0),
        ("Garden", 1),
    ]
    assert alice.post(url, {"name": "KITCHEN"}).status_code == 409
    assert alice.patch(f"/api/sections/{second['id']}", {"name": "kitchen"}).status_code == 409
    moved = alice.patch(f"/api/sections/{second['id']}", {"name": "Yard", "position": 0}).json
    assert (moved["name"], moved["position"]) == ("Yard", 0)
    other = new_project(alice, "Other")
    assert alice.post(f"/api/projects/{other['id']}/sections", {"name": "Kitchen"}).status_code == (
        201
    )


def test_deleting_a_section_leaves_its_tasks_in_the_project_without_a_section(alice):
    home = new_project(alice)
    kitchen = alice.post(f"/api/projects/{home['id']}/sections", {"name": "Kitchen"}).json
    task = alice.post(
        "/api/tasks", {"title": "tap", "project_id": home["id"], "section_id": kitchen["id"]}
    ).json
    cursor = alice.get("/api/sync").json["cursor"]
    assert alice.delete(f"/api/sections/{kitchen['id']}").status_code == 204
    left = alice.get(f"/api/tasks/{task['id']}").json
    assert (left["project_id"], left["section_id"]) == (home["id"], None)
    changes = alice.get(f"/api/sync?cursor={cursor}").json
    assert [t["id"] for t in changes["tasks"]] == [task["id"]]
    assert changes["deleted"] == [{"type": "section", "id": kitchen["id"]}]
    assert alice.delete(f"/api/sections/{kitchen['id']}").status_code == 404


def test_sync_returns_projects_and_sections_changed_since_the_cursor(alice):
    cursor = alice.get("/api/sync").json["cursor"]
    home = new_project(alice)
    section = alice.post(f"/api/projects/{home['id']}/sections", {"name": "Kitchen"}).json
    changes = alice.get(f"/api/sync?cursor={cursor}").json
    assert [p["name"] for p in changes["projects"]] == ["Home"]
    assert [s["id"] for s in changes["sections"]] == [section["id"]]
    alice.patch(f"/api/projects/{home['id']}", {"view": "board"})
    later = alice.get(f"/api/sync?cursor={changes['cursor']}").json
    assert [p["view"] for p in later["projects"]] == ["board"] and later["sections"] == []


def test_a_task_event_carries_its_project_and_section(alice):
    from taskai import bootstrap
    from taskai.adapters import orm

    home = new_project(alice)
    task = alice.post("/api/tasks", {"title": "tap", "project_id": home["id"]}).json
    with bootstrap.session_factory()() as session:
        rows = session.execute(orm.outbox.select().order_by(orm.outbox.c.position)).all()
    created = [r for r in rows if r.type == "com.taskai.task.created"][-1]
    assert (created.data["task"]["project_id"], created.data["task"]["section_id"]) == (
        home["id"],
        None,
    )
    assert created.key == task["id"]
    project_events = [r for r in rows if r.type == "com.taskai.project.created"]
    assert project_events[-1].key == home["id"]
