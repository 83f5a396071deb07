"""Edges a new user's trial found in projects, sections, manual order and the filter language
(#16), over HTTP on both stores: each reported input, with the value it should give."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo


def project(user, name, **fields):
    response = user.post("/api/projects", {"name": name, **fields})
    assert response.status_code == 201, response.json
    return response.json


def task(user, title, **fields):
    response = user.post("/api/tasks", {"title": title, **fields})
    assert response.status_code == 201, response.json
    return response.json


def move(user, task_id, **body):
    return user.post(f"/api/tasks/{task_id}/move", body)


def order(user, project_id):
    response = user.get(f"/api/tasks?project_id={project_id}&sort=position")
    assert response.status_code == 200, response.json
    return [(t["title"], t["position"]) for t in response.json["items"] if not t["parent_id"]]


def test_tasks_moved_by_deleting_their_project_go_after_the_destinations_and_move_again(alice):
    home, work = project(alice, "Home"), project(alice, "Work")
    for title in ("w1", "w2"):
        task(alice, f"{title}", project_id=work["id"])
    h1 = task(alice, "h1", project_id=home["id"])
    sub = task(alice, "h1 sub", parent_id=h1["id"])
    task(alice, "h2", project_id=home["id"])
    assert alice.delete(f"/api/projects/{home['id']}?move_to={work['id']}").status_code == 204
    listed = order(alice, work["id"])
    assert [title for title, _ in listed] == ["w1", "w2", "h1", "h2"]
    assert len({position for _, position in listed}) == 4
    assert alice.get(f"/api/tasks/{sub['id']}").json["parent_id"] == h1["id"]
    assert move(alice, h1["id"], after_id=_id(alice, work, "w1")).status_code == 200
    assert [title for title, _ in order(alice, work["id"])] == ["w1", "h1", "w2", "h2"]


def test_tasks_of_a_deleted_section_go_after_the_projects_own_and_move_again(alice):
    home = project(alice, "Home")
    kitchen = alice.post(f"/api/projects/{home['id']}/sections", {"name": "Kitchen"}).json
    loose = task(alice, "loose", project_id=home["id"])
    tap = task(alice, "tap", project_id=home["id"], section_id=kitchen["id"])
    assert tap["position"] == loose["position"]  # the collision the trial hit
    assert alice.delete(f"/api/sections/{kitchen['id']}").status_code == 204
    listed = order(alice, home["id"])
    assert [title for title, _ in listed] == ["loose", "tap"]
    assert listed[0][1] < listed[1][1]
    assert move(alice, loose["id"], after_id=tap["id"]).status_code == 200
    assert [title for title, _ in order(alice, home["id"])] == ["tap", "loose"]


def _id(user, project, title):
    items = user.get(f"/api/tasks?project_id={project['id']}").json["items"]
    return next(t["id"] for t in items if t["title"] == title)


def test_listing_another_users_or_no_project_section_or_parent_is_404_naming_the_field(alice, bob):
    theirs = project(bob, "Bob's")
    section = bob.post(f"/api/projects/{theirs['id']}/sections", {"name": "S"}).json
    parent = task(bob, "parent", project_id=theirs["id"])
    nowhere = "00000000-0000-4000-8000-000000000000"
    for name, value in [
        ("project_id", theirs["id"]),
        ("section_id", section["id"]),
        ("parent_id", parent["id"]),
        ("project_id", nowhere),
        ("section_id", nowhere),
        ("parent_id", nowhere),
    ]:
        response = alice.get(f"/api/tasks?{name}={value}")
        assert response.status_code == 404, (name, response.json)
        assert name in response.json["error"]["fields"]
    assert bob.get(f"/api/tasks?parent_id={parent['id']}").status_code == 200


def test_an_anchor_elsewhere_decides_the_place_only_when_no_place_is_sent(alice):
    home, work = project(alice, "Home"), project(alice, "Work")
    mine = task(alice, "mine", project_id=home["id"])
    there = task(alice, "there", project_id=work["id"])
    refused = move(alice, mine["id"], project_id=home["id"], after_id=there["id"])
    assert refused.status_code == 422 and "after_id" in refused.json["error"]["fields"]
    moved = move(alice, mine["id"], after_id=there["id"])
    assert moved.status_code == 200 and moved.json["project_id"] == work["id"]
    assert [title for title, _ in order(alice, work["id"])] == ["there", "mine"]


def test_a_section_sent_alone_takes_the_task_to_the_sections_project(alice):
    home, work = project(alice, "Home"), project(alice, "Work")
    desk = alice.post(f"/api/projects/{work['id']}/sections", {"name": "Desk"}).json
    kitchen = alice.post(f"/api/projects/{home['id']}/sections", {"name": "Kitchen"}).json
    created = task(alice, "created", section_id=desk["id"])
    assert (created["project_id"], created["section_id"]) == (work["id"], desk["id"])
    patched = alice.patch(f"/api/tasks/{created['id']}", {"section_id": kitchen["id"]}).json
    assert (patched["project_id"], patched["section_id"]) == (home["id"], kitchen["id"])
    moved = move(alice, created["id"], section_id=desk["id"]).json
    assert (moved["project_id"], moved["section_id"]) == (work["id"], desk["id"])
    mismatch = alice.patch(
        f"/api/tasks/{created['id']}", {"project_id": home["id"], "section_id": desk["id"]}
    )
    assert mismatch.status_code == 422 and "section_id" in mismatch.json["error"]["fields"]


def test_no_task_goes_into_an_archived_project_but_its_own_tasks_still_change(alice):
    old, home = project(alice, "Old"), project(alice, "Home")
    kept = task(alice, "kept", project_id=old["id"])
    loose = task(alice, "loose", project_id=home["id"])
    assert alice.patch(f"/api/projects/{old['id']}", {"archived": True}).status_code == 200
    attempts = [
        alice.post("/api/tasks", {"title": "new", "project_id": old["id"]}),
        alice.post("/api/tasks", {"title": "sub", "parent_id": kept["id"]}),
        alice.patch(f"/api/tasks/{loose['id']}", {"project_id": old["id"]}),
        move(alice, loose["id"], project_id=old["id"]),
        move(alice, loose["id"], after_id=kept["id"]),
        move(alice, loose["id"], parent_id=kept["id"]),
    ]
    for response in attempts:
        assert response.status_code == 409, response.json
        assert "project_id" in response.json["error"]["fields"]
    assert alice.patch(f"/api/tasks/{kept['id']}", {"title": "still mine"}).status_code == 200


def test_an_all_day_task_keeps_its_date_when_its_owner_moves_to_tokyo(alice):
    all_day = task(alice, "call mom", due_date="2031-03-10", reminders=[{"minutes_before": 60}])
    timed = task(alice, "meeting", due_date="2031-03-10T12:00:00")
    cursor = alice.get("/api/sync").json["cursor"]
    response = alice.patch("/api/auth/me", {"timezone": "Asia/Tokyo"})
    assert response.status_code == 200, response.json
    moved = alice.get(f"/api/tasks/{all_day['id']}").json
    assert (moved["all_day"], moved["due_on"]) == (True, "2031-03-10")
    assert moved["due_date"] == "2031-03-10T00:00:00+09:00"
    assert moved["reminders"][0]["fire_at"] == "2031-03-10T08:00:00+09:00"
    kept = alice.get(f"/api/tasks/{timed['id']}").json
    assert kept["due_date"] == "2031-03-11T01:00:00+09:00"  # noon in New York (EDT), as it was
    changes = alice.get(f"/api/sync?cursor={cursor}").json
    assert [t["id"] for t in changes["tasks"]] == [all_day["id"]]


def test_the_filter_language_finds_an_archived_projects_tasks_as_search_does(alice):
    old, home = project(alice, "Old"), project(alice, "Home")
    shelf = alice.post(f"/api/projects/{old['id']}/sections", {"name": "Shelf"}).json
    today = datetime.now(ZoneInfo("America/New_York")).date().isoformat()  # alice's zone
    task(alice, "archived report", project_id=old["id"], section_id=shelf["id"], due_date=today)
    task(alice, "home report", project_id=home["id"], due_date=today)
    assert alice.patch(f"/api/projects/{old['id']}", {"archived": True}).status_code == 200

    def listed(query):
        response = alice.get("/api/tasks", query_string={"filter": query})
        assert response.status_code == 200, response.json
        return sorted(t["title"] for t in response.json["items"])

    both = ["archived report", "home report"]
    assert sorted(t["title"] for t in alice.get("/api/tasks?q=report").json["items"]) == both
    assert listed("search: report") == both
    assert listed("+Old") == ["archived report"]
    assert listed("/Shelf") == ["archived report"]
    assert listed("today") == ["home report"]  # a view: the archive stays hidden
    assert listed("today | +Old") == both
    assert listed("!+Old") == ["home report"]
    assert listed("!search: archived") == ["home report"]


def positions(user, path):
    return [(item["name"], item["position"]) for item in user.get(path).json["items"]]


def test_new_projects_go_last_after_a_delete_and_an_explicit_position_makes_room(alice):
    a, b = project(alice, "A"), project(alice, "B")
    assert alice.delete(f"/api/projects/{a['id']}").status_code == 204
    c = project(alice, "C")
    assert c["position"] > b["position"]  # a count would have reused B's
    project(alice, "First", position=0)
    listed = positions(alice, "/api/projects")
    assert [name for name, _ in listed] == ["First", "Inbox", "B", "C"]
    assert len({position for _, position in listed}) == len(listed)
    moved = alice.patch(f"/api/projects/{c['id']}", {"position": 1}).json
    listed = positions(alice, "/api/projects")
    assert [name for name, _ in listed] == ["First", "C", "Inbox", "B"]
    assert moved["position"] == 1 and len({position for _, position in listed}) == 4


def test_new_saved_filters_go_last_after_a_delete_and_an_explicit_position_makes_room(alice):
    def saved(name, **fields):
        response = alice.post("/api/filters", {"name": name, "query": "today", **fields})
        assert response.status_code == 201, response.json
        return response.json

    a, b = saved("A"), saved("B")
    assert alice.delete(f"/api/filters/{a['id']}").status_code == 204
    c = saved("C")
    assert c["position"] > b["position"]
    saved("First", position=b["position"])
    listed = positions(alice, "/api/filters")
    assert [name for name, _ in listed] == ["First", "B", "C"]
    assert len({position for _, position in listed}) == 3
    assert alice.patch(f"/api/filters/{c['id']}", {"position": 0}).status_code == 200
    assert [name for name, _ in positions(alice, "/api/filters")] == ["C", "First", "B"]


def test_imported_projects_and_filters_go_after_the_accounts_own(alice):
    project(alice, "Mine")
    saved = alice.post("/api/filters", {"name": "Mine", "query": "today"}).json
    exported = {
        "format": "taskai-export",
        "version": 1,
        "projects": [{"id": "p1", "name": "Imported", "position": 0}],
        "filters": [{"name": "Imported", "query": "p1", "position": 0}],
    }
    response = alice.post("/api/import", exported)
    assert response.status_code in (200, 201), response.json
    listed = positions(alice, "/api/projects")
    assert listed[-1][0] == "Imported" and len({p for _, p in listed}) == len(listed)
    filters = positions(alice, "/api/filters")
    assert filters == [("Mine", saved["position"]), ("Imported", saved["position"] + 1)]


def test_project_answers_say_what_their_schema_says_and_filter_errors_name_the_position(alice):
    created = project(alice, "Home")
    for answer in (
        created,
        alice.get(f"/api/projects/{created['id']}").json,
        alice.patch(f"/api/projects/{created['id']}", {"color": "#123456"}).json,
    ):
        assert "task_count" not in answer  # a list's field (ProjectWithCount), never null
    assert all(p["task_count"] == 0 for p in alice.get("/api/projects").json["items"])
    for query, says in [
        ("next 99999999999 days", "expected 1 to 3660 days at position 6"),
        ('#"', "expected '\"' to close the name opened at position 2"),
    ]:
        response = alice.get("/api/tasks", query_string={"filter": query})
        assert response.status_code == 422 and response.json["error"]["fields"]["filter"] == says


def test_a_deleted_projects_tasks_are_not_moved_into_an_archived_one(alice):
    home, old = project(alice, "Home"), project(alice, "Old")
    task(alice, "t", project_id=home["id"])
    assert alice.patch(f"/api/projects/{old['id']}", {"archived": True}).status_code == 200
    refused = alice.delete(f"/api/projects/{home['id']}?move_to={old['id']}")
    assert refused.status_code == 409 and "move_to" in refused.json["error"]["fields"]


def test_sections_never_share_a_position_either(alice):
    home = project(alice, "Home")
    url = f"/api/projects/{home['id']}/sections"
    a = alice.post(url, {"name": "A"}).json
    b = alice.post(url, {"name": "B"}).json
    assert alice.delete(f"/api/sections/{a['id']}").status_code == 204
    c = alice.post(url, {"name": "C"}).json
    assert c["position"] > b["position"]
    alice.post(url, {"name": "First", "position": b["position"]})
    listed = positions(alice, url)
    assert [name for name, _ in listed] == ["First", "B", "C"]
    assert len({position for _, position in listed}) == 3
    assert alice.patch(f"/api/sections/{c['id']}", {"position": 0}).status_code == 200
    assert [name for name, _ in positions(alice, url)] == ["C", "First", "B"]
