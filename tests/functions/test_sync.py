"""GET /api/sync: everything that changed since a cursor, deletions included."""

from __future__ import annotations


def test_a_first_sync_returns_everything_and_a_cursor(alice):
    alice.post("/api/tasks", {"title": "one", "tags": ["a"]})
    alice.post("/api/tasks", {"title": "two"})
    body = alice.get("/api/sync").json
    assert sorted(t["title"] for t in body["tasks"]) == ["one", "two"]
    assert [t["name"] for t in body["tags"]] == ["a"]
    assert body["deleted"] == [] and body["has_more"] is False
    assert alice.get(f"/api/sync?cursor={body['cursor']}").json["tasks"] == []


def test_sync_returns_only_what_changed_since_the_cursor_including_deletions(alice):
    keep = alice.post("/api/tasks", {"title": "keep"}).json
    doomed = alice.post("/api/tasks", {"title": "doomed"}).json
    tag = alice.post("/api/tags", {"name": "temp"}).json
    cursor = alice.get("/api/sync").json["cursor"]
    alice.patch(f"/api/tasks/{keep['id']}", {"title": "kept"})
    alice.delete(f"/api/tasks/{doomed['id']}")
    alice.delete(f"/api/tags/{tag['id']}")
    body = alice.get(f"/api/sync?cursor={cursor}").json
    assert [t["title"] for t in body["tasks"]] == ["kept"]
    assert {(d["type"], d["id"]) for d in body["deleted"]} == {
        ("task", doomed["id"]),
        ("tag", tag["id"]),
    }
    assert int(body["cursor"]) > int(cursor)


def test_completing_a_task_shows_up_in_sync(alice):
    task = alice.post("/api/tasks", {"title": "t"}).json
    cursor = alice.get("/api/sync").json["cursor"]
    alice.post(f"/api/tasks/{task['id']}/complete")
    assert alice.get(f"/api/sync?cursor={cursor}").json["tasks"][0]["status"] == "completed"


def test_sync_never_shows_another_users_changes(alice, bob):
    alice.post("/api/tasks", {"title": "alice's"})
    body = bob.get("/api/sync").json
    assert body["tasks"] == [] and body["cursor"] == "0"


def test_a_bad_cursor_is_422(alice):
    response = alice.get("/api/sync?cursor=yesterday")
    assert response.status_code == 422 and "cursor" in response.json["error"]["fields"]
