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
    assert body["tasks"] == [] and body["cursor"] == "1"  # his Inbox, made at registration
    assert [(p["name"], p["inbox"]) for p in body["projects"]] == [("Inbox", True)]


def test_a_bad_cursor_is_422(alice):
    response = alice.get("/api/sync?cursor=yesterday")
    assert response.status_code == 422 and "cursor" in response.json["error"]["fields"]


def sync_pages(user_id, limit, cursor=0):
    """Walk the sync service page by page from `cursor`; every task version seen, in order."""
    from taskai import bootstrap
    from taskai.services.sync import changes_since

    seen, pages = [], 0
    while True:
        changes = changes_since(uow=bootstrap.uow(), user_id=user_id, cursor=cursor, limit=limit)
        seen += [t.title for t in changes.tasks]
        cursor, pages = changes.cursor, pages + 1
        if not changes.has_more:
            return seen, pages


def test_a_large_backlog_comes_in_pages_that_never_split_a_commit(alice):
    import uuid

    me = uuid.UUID(alice.get("/api/auth/me").json["id"])
    registered = int(alice.get("/api/sync").json["cursor"])  # her Inbox
    for n in range(5):
        alice.post("/api/tasks", {"title": f"t{n}", "tags": ["shared"]})
    tag = alice.get("/api/tags").json["items"][0]
    alice.patch(f"/api/tags/{tag['id']}", {"name": "renamed"})  # one commit touching all five
    seen, pages = sync_pages(me, limit=2, cursor=registered)
    assert sorted(seen) == [f"t{n}" for n in range(5)]  # each task once, at its latest version
    assert pages == 1  # the rename commit is larger than a page: handed over whole
    alice.post("/api/tasks", {"title": "t5"})
    alice.post("/api/tasks", {"title": "t6"})
    alice.post("/api/tasks", {"title": "t7"})
    seen, pages = sync_pages(me, limit=2)
    assert sorted(seen) == [f"t{n}" for n in range(8)] and pages > 1


def test_deletions_and_tags_come_in_bounded_pages_too(alice):
    import uuid

    from taskai import bootstrap
    from taskai.services.sync import changes_since

    me = uuid.UUID(alice.get("/api/auth/me").json["id"])
    for n in range(5):
        alice.post("/api/tags", {"name": f"tag{n}"})
    for n in range(5):
        task = alice.post("/api/tasks", {"title": f"gone{n}"}).json
        alice.delete(f"/api/tasks/{task['id']}")
    cursor, tags, deleted, sizes = 0, [], [], []
    while True:
        changes = changes_since(uow=bootstrap.uow(), user_id=me, cursor=cursor, limit=2)
        sizes.append(max(len(changes.tasks), len(changes.tags), len(changes.deleted)))
        tags += [tag.name for tag in changes.tags]
        deleted += [entity_id for _, entity_id in changes.deleted]
        cursor = changes.cursor
        if not changes.has_more:
            break
    assert sorted(tags) == [f"tag{n}" for n in range(5)] and len(set(deleted)) == len(deleted) == 5
    assert max(sizes) <= 2
