"""Saved filters over HTTP: create, list, change, delete, uniqueness, validation, sync."""

from __future__ import annotations

from urllib.parse import quote


def save(user, name, query, **fields):
    return user.post("/api/filters", {"name": name, "query": query, **fields})


def test_a_saved_filter_is_listed_by_position_and_its_query_selects_tasks(alice):
    alice.post("/api/tasks", {"title": "Report", "tags": ["work"], "priority": "urgent"})
    alice.post("/api/tasks", {"title": "Groceries", "tags": ["home"]})
    first = save(alice, "Urgent work", "#work & p1", color="#FF0000")
    assert first.status_code == 201, first.json
    assert {k: first.json[k] for k in ("name", "query", "color", "position")} == {
        "name": "Urgent work",
        "query": "#work & p1",
        "color": "#ff0000",
        "position": 0,
    }
    assert save(alice, "Home", "#home").json["position"] == 1
    assert save(alice, "Top", "p1", position=0).status_code == 201
    listed = alice.get("/api/filters").json["items"]
    assert [f["name"] for f in listed] == ["Top", "Urgent work", "Home"]
    query = quote(listed[1]["query"])
    assert [t["title"] for t in alice.get(f"/api/tasks?filter={query}").json["items"]] == ["Report"]


def test_a_query_that_does_not_parse_is_422_naming_query_and_the_position(alice):
    response = save(alice, "Broken", "today | (p1")
    assert response.status_code == 422
    assert response.json["error"]["fields"]["query"] == "expected ')' at the end"
    assert alice.get("/api/filters").json["items"] == []


def test_bad_fields_are_422_naming_them(alice):
    for body, field in (
        ({"name": "", "query": "today"}, "name"),
        ({"name": "x", "query": ""}, "query"),
        ({"name": "x", "query": "today", "color": "red"}, "color"),
        ({"name": "x", "query": "today", "position": -1}, "position"),
        ({"name": "x", "query": "today", "extra": 1}, "extra"),
    ):
        response = alice.post("/api/filters", body)
        assert response.status_code == 422 and field in response.json["error"]["fields"], body


def test_names_are_unique_per_user_in_any_letter_case(alice, bob):
    assert save(alice, "Work", "#work").status_code == 201
    clash = save(alice, "WORK", "p1")
    assert clash.status_code == 409 and "name" in clash.json["error"]["fields"]
    assert save(bob, "work", "p1").status_code == 201


def test_changing_a_filter_checks_the_query_and_the_name(alice):
    work = save(alice, "Work", "#work").json
    save(alice, "Home", "#home")
    changed = alice.patch(f"/api/filters/{work['id']}", {"query": "#work & today", "name": "work"})
    assert changed.status_code == 200
    assert (changed.json["query"], changed.json["name"]) == ("#work & today", "work")
    bad = alice.patch(f"/api/filters/{work['id']}", {"query": "#work &"})
    assert bad.status_code == 422 and "query" in bad.json["error"]["fields"]
    taken = alice.patch(f"/api/filters/{work['id']}", {"name": "HOME"})
    assert taken.status_code == 409
    null = alice.patch(f"/api/filters/{work['id']}", {"name": None})
    assert null.status_code == 422


def test_another_users_filter_is_404_and_deleting_removes_it(alice, bob):
    work = save(alice, "Work", "#work").json
    assert bob.patch(f"/api/filters/{work['id']}", {"name": "mine"}).status_code == 404
    assert bob.delete(f"/api/filters/{work['id']}").status_code == 404
    assert alice.delete(f"/api/filters/{work['id']}").status_code == 204
    assert alice.delete(f"/api/filters/{work['id']}").status_code == 404
    assert alice.get("/api/filters").json["items"] == []


def test_sync_returns_changed_filters_and_their_deletions(alice, bob):
    kept = save(alice, "Kept", "today").json
    gone = save(alice, "Gone", "overdue").json
    save(bob, "Bob's", "p1")
    first = alice.get("/api/sync").json
    assert {f["name"] for f in first["filters"]} == {"Kept", "Gone"}
    alice.patch(f"/api/filters/{kept['id']}", {"color": "#123456"})
    alice.delete(f"/api/filters/{gone['id']}")
    later = alice.get(f"/api/sync?cursor={first['cursor']}").json
    assert [(f["name"], f["color"]) for f in later["filters"]] == [("Kept", "#123456")]
    assert {"type": "filter", "id": gone["id"]} in later["deleted"]


def test_the_highest_position_given_twice_shifts_the_first_past_it(alice):
    for name in ("First", "Second"):
        body = {"name": name, "query": "p1", "position": 1_000_000}
        assert alice.post("/api/filters", body).status_code == 201
    for name in ("Home", "Work"):
        body = {"name": name, "position": 1_000_000}
        assert alice.post("/api/projects", body).status_code == 201
    filters = {f["name"]: f["position"] for f in alice.get("/api/filters").json["items"]}
    assert filters == {"Second": 1_000_000, "First": 1_000_001}
    projects = {p["name"]: p["position"] for p in alice.get("/api/projects").json["items"]}
    assert (projects["Work"], projects["Home"]) == (1_000_000, 1_000_001)
