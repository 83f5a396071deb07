"""GET /api/sync: everything that changed since a cursor, deletions included."""

from __future__ import annotations

import uuid

import pytest

from taskai.services.sync import START, Cursor


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


@pytest.mark.parametrize("ahead", ["50", "50.0." + "0" * 32])
def test_a_cursor_ahead_of_the_account_comes_back_to_its_latest_change(alice, ahead):
    alice.post("/api/tasks", {"title": "one"})
    latest = alice.get("/api/sync").json["cursor"]
    body = alice.get(f"/api/sync?cursor={ahead}").json  # e.g. from before a restored backup
    assert (body["cursor"], body["has_more"]) == (latest, False)
    alice.post("/api/tasks", {"title": "two"})
    assert [t["title"] for t in alice.get(f"/api/sync?cursor={body['cursor']}").json["tasks"]] == [
        "two"
    ]


@pytest.mark.parametrize(
    "cursor",
    ["yesterday", "5.x", "5.-1", "5.1", "1" * 19, f"5.{'9' * 19}.{'a' * 32}", "5.9." + "a" * 32],
)
def test_a_bad_cursor_is_422_naming_it_in_words(alice, cursor):
    response = alice.get(f"/api/sync?cursor={cursor}")
    assert response.status_code == 422
    assert response.json["error"]["fields"]["cursor"] in (
        "must be a cursor from /api/sync",
        "String should have at most 53 characters",
    )


def title(task):
    """The title of one of sync's changed tasks (its JSON text)."""
    return task.body["title"]


def sync_pages(user_id, limit, cursor=START):
    """Walk the sync service page by page from `cursor`; every task version seen, in order."""
    from taskai import bootstrap
    from taskai.services.sync import changes_since

    seen, pages = [], 0
    while True:
        changes = changes_since(uow=bootstrap.uow(), user_id=user_id, cursor=cursor, limit=limit)
        seen += [title(t) for t in changes.tasks]
        cursor, pages = changes.cursor, pages + 1
        if not changes.has_more:
            return seen, pages


def test_a_large_backlog_comes_in_pages_and_a_commit_larger_than_a_page_split(alice):
    me = uuid.UUID(alice.get("/api/auth/me").json["id"])
    registered = int(alice.get("/api/sync").json["cursor"])  # her Inbox
    for n in range(5):
        alice.post("/api/tasks", {"title": f"t{n}", "tags": ["shared"]})
    tag = alice.get("/api/tags").json["items"][0]
    alice.patch(f"/api/tags/{tag['id']}", {"name": "renamed"})  # one commit touching all five
    seen, pages = sync_pages(me, limit=2, cursor=Cursor(registered))
    assert sorted(seen) == [f"t{n}" for n in range(5)]  # each task once, at its latest version
    assert pages == 3  # the rename commit (a tag, five tasks) is larger than a page: split
    alice.post("/api/tasks", {"title": "t5"})
    alice.post("/api/tasks", {"title": "t6"})
    alice.post("/api/tasks", {"title": "t7"})
    seen, pages = sync_pages(me, limit=2)
    assert sorted(seen) == [f"t{n}" for n in range(8)] and pages > 1


def test_deletions_and_tags_come_in_bounded_pages_too(alice):
    from taskai import bootstrap
    from taskai.services.sync import changes_since

    me = uuid.UUID(alice.get("/api/auth/me").json["id"])
    for n in range(5):
        alice.post("/api/tags", {"name": f"tag{n}"})
    for n in range(5):
        task = alice.post("/api/tasks", {"title": f"gone{n}"}).json
        alice.delete(f"/api/tasks/{task['id']}")
    cursor, tags, deleted, sizes = START, [], [], []
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


def an_import(tasks, *, tags=("alpha", "beta")):
    """An export document of two projects, `tags`, and `tasks` tasks spread over both, each
    carrying every tag."""
    projects = [{"id": f"p{n}", "name": f"Project {n}", "color": "#123456"} for n in range(2)]
    return {
        "format": "taskai-export",
        "version": 1,
        "projects": projects,
        "tags": [{"name": name, "color": "#00aa00"} for name in tags],
        "tasks": [
            {"id": f"t{n}", "title": f"task {n}", "tags": list(tags), "project_id": f"p{n % 2}"}
            for n in range(tasks)
        ],
    }


def walk(user, cursor=""):
    """Every /api/sync page from `cursor` on, following each answer's cursor as given."""
    pages = []
    while True:
        response = user.get(f"/api/sync?cursor={cursor}")
        assert response.status_code == 200, response.json
        pages.append(response.json)
        cursor = response.json["cursor"]
        if not response.json["has_more"]:
            return pages


def rows(page):
    """How many rows a sync page holds, of every kind."""
    kinds = ("tasks", "tags", "projects", "sections", "filters", "deleted")
    return sum(len(page[kind]) for kind in kinds)


def test_an_import_larger_than_a_page_comes_split_each_task_once_after_its_project_and_tags(
    alice,
):
    before = alice.get("/api/sync").json["cursor"]
    response = alice.post("/api/import", an_import(1200))
    assert response.status_code == 200 and response.json["created"]["tasks"] == 1200
    pages = walk(alice, before)  # sync's page is 500 rows
    assert len(pages) >= 3 and max(rows(page) for page in pages) <= 500
    assert [page["has_more"] for page in pages] == [True] * (len(pages) - 1) + [False]
    seen = {}  # id -> kind, in the order a client applies them
    for page in pages:
        for kind in ("tags", "projects", "sections", "filters", "tasks"):
            for row in page[kind]:
                if kind == "tasks":
                    assert (
                        row["project_id"] in seen and {t["id"] for t in row["tags"]} <= seen.keys()
                    )
                assert row["id"] not in seen  # each row once
                seen[row["id"]] = kind
    assert list(seen.values()).count("tasks") == 1200
    assert "." in pages[0]["cursor"] and "." not in pages[-1]["cursor"]  # inside, then after it
    assert alice.get(f"/api/sync?cursor={pages[-1]['cursor']}").json["tasks"] == []


def test_a_tag_rename_touching_more_tasks_than_a_page_comes_split_tag_first(alice):
    me = uuid.UUID(alice.get("/api/auth/me").json["id"])
    alice.post("/api/import", an_import(120, tags=("shared",)))
    cursor = alice.get("/api/sync").json["cursor"]
    tag = alice.get("/api/tags").json["items"][0]
    alice.patch(f"/api/tags/{tag['id']}", {"name": "renamed"})  # one commit, 120 tasks
    from taskai import bootstrap
    from taskai.services.sync import changes_since, parse_cursor

    at, names, titles, sizes = parse_cursor(cursor), [], [], []
    while True:
        changes = changes_since(uow=bootstrap.uow(), user_id=me, cursor=at, limit=50)
        names += [t.name for t in changes.tags]  # a page's tags apply before its tasks
        assert names == ["renamed"]  # so the tag comes first, in the first page
        titles += [title(t) for t in changes.tasks]
        sizes.append(len(changes.tags) + len(changes.tasks))
        at = parse_cursor(str(changes.cursor))
        if not changes.has_more:
            break
    assert names == ["renamed"] and sorted(titles) == sorted(f"task {n}" for n in range(120))
    assert sizes == [50, 50, 21]


def test_a_cursor_of_a_commit_that_changed_after_it_was_given_still_resumes(alice):
    before = alice.get("/api/sync").json["cursor"]
    alice.post("/api/import", an_import(600, tags=()))
    first = alice.get(f"/api/sync?cursor={before}").json
    tasks = alice.get("/api/tasks?limit=50").json["items"]
    for task in tasks[:3]:  # some rows of the split commit move on to later commits
        alice.patch(f"/api/tasks/{task['id']}", {"title": task["title"] + "!"})
    titles = {}  # id -> title, as a client applying the pages in order holds them
    for page in [first, *walk(alice, first["cursor"])]:
        titles |= {t["id"]: t["title"] for t in page["tasks"]}
    assert len(titles) == 600 and sum(t.endswith("!") for t in titles.values()) == 3
