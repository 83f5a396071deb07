"""Subtasks and manual order over HTTP (#16, items 3 and 4): parents and their subtasks, the
cascades of completing, reopening, deleting and moving a parent, a recurring parent's copies,
POST /api/tasks/{id}/move, sort=position, and concurrent moves, on both stores."""

from __future__ import annotations

import threading

from support import settle


def task(user, title, **fields):
    response = user.post("/api/tasks", {"title": title, **fields})
    assert response.status_code == 201, response.json
    return response.json


def get(user, task_id):
    return user.get(f"/api/tasks/{task_id}").json


def titles(user, query):
    response = user.get(f"/api/tasks?{query}")
    assert response.status_code == 200, response.json
    return [t["title"] for t in response.json["items"]]


def move(user, task_id, **body):
    return user.post(f"/api/tasks/{task_id}/move", body)


def chain(user, depth):
    """A task and `depth` levels of subtasks below it, each the only child of the one above."""
    tasks = [task(user, "level 0")]
    for level in range(1, depth + 1):
        tasks.append(task(user, f"level {level}", parent_id=tasks[-1]["id"]))
    return tasks


def test_a_subtask_stands_in_its_parents_place_and_the_parent_counts_it(alice):
    project = alice.post("/api/projects", {"name": "Home"}).json
    section = alice.post(f"/api/projects/{project['id']}/sections", {"name": "Now"}).json
    parent = task(alice, "Move house", project_id=project["id"], section_id=section["id"])
    first = task(alice, "Pack", parent_id=parent["id"])
    task(alice, "Book van", parent_id=parent["id"])
    alice.post(f"/api/tasks/{first['id']}/complete")
    assert (first["project_id"], first["section_id"]) == (project["id"], section["id"])
    assert first["parent_id"] == parent["id"] and parent["parent_id"] is None
    counted = get(alice, parent["id"])
    assert (counted["subtask_count"], counted["completed_subtask_count"]) == (2, 1)
    listed = alice.get(f"/api/tasks?project_id={project['id']}").json["items"]
    assert [(t["title"], t["subtask_count"]) for t in listed if t["parent_id"] is None] == [
        ("Move house", 2)
    ]
    assert titles(alice, f"parent_id={parent['id']}") == ["Pack", "Book van"]
    assert titles(alice, "filter=subtask") == ["Pack", "Book van"]
    assert titles(alice, "filter=!subtask") == ["Move house"]


def test_another_users_parent_is_404_naming_it_and_another_place_is_422(alice, bob):
    theirs = task(bob, "Bob's")
    response = alice.post("/api/tasks", {"title": "x", "parent_id": theirs["id"]})
    assert response.status_code == 404 and "parent_id" in response.json["error"]["fields"]
    parent = task(alice, "Parent")
    elsewhere = alice.post("/api/projects", {"name": "Elsewhere"}).json
    response = alice.post(
        "/api/tasks", {"title": "x", "parent_id": parent["id"], "project_id": elsewhere["id"]}
    )
    assert response.status_code == 422 and "parent_id" in response.json["error"]["fields"]


def test_subtasks_nest_four_levels_deep_and_no_further(alice):
    tasks = chain(alice, 4)
    response = alice.post("/api/tasks", {"title": "too deep", "parent_id": tasks[-1]["id"]})
    assert response.status_code == 422 and "parent_id" in response.json["error"]["fields"]
    other = chain(alice, 1)
    response = move(alice, other[0]["id"], parent_id=tasks[3]["id"])  # 1 level below 3 ancestors
    assert response.status_code == 422 and "parent_id" in response.json["error"]["fields"]


def test_a_task_cannot_be_moved_under_itself_or_its_own_subtask(alice):
    top, middle, bottom = chain(alice, 2)
    for target in (top, middle, bottom):
        response = move(alice, top["id"], parent_id=target["id"])
        assert response.status_code == 422, target["title"]
        assert "parent_id" in response.json["error"]["fields"]
    assert get(alice, top["id"])["parent_id"] is None


def test_completing_a_parent_completes_its_subtasks_and_reopening_restores_only_those(alice):
    parent = task(alice, "Trip")
    done_before = task(alice, "Passport", parent_id=parent["id"])
    open_one = task(alice, "Tickets", parent_id=parent["id"])
    deep = task(alice, "Seats", parent_id=open_one["id"])
    alice.post(f"/api/tasks/{done_before['id']}/complete")
    completed = alice.post(f"/api/tasks/{parent['id']}/complete").json
    assert completed["completed_subtask_count"] == 2
    assert {get(alice, t["id"])["status"] for t in (open_one, deep)} == {"completed"}
    alice.post(f"/api/tasks/{parent['id']}/reopen")
    assert get(alice, open_one["id"])["status"] == "pending"
    assert get(alice, deep["id"])["status"] == "pending"
    assert get(alice, done_before["id"])["status"] == "completed"


def test_reopening_a_subtask_reopens_its_completed_ancestors_and_not_its_siblings(alice):
    top, middle, leaf = chain(alice, 2)
    sibling = task(alice, "sibling", parent_id=middle["id"])
    assert alice.post(f"/api/tasks/{top['id']}/complete").status_code == 200
    reopened = alice.post(f"/api/tasks/{leaf['id']}/reopen")
    assert reopened.status_code == 200 and reopened.json["status"] == "pending"
    assert [get(alice, t["id"])["status"] for t in (top, middle, sibling)] == [
        "pending", "pending", "completed",
    ]  # fmt: skip
    assert alice.post(f"/api/tasks/{top['id']}/complete").status_code == 200
    patched = alice.patch(f"/api/tasks/{sibling['id']}", {"status": "in_progress"})
    assert patched.status_code == 200
    assert [get(alice, t["id"])["status"] for t in (top, middle, leaf)] == [
        "pending", "pending", "completed",
    ]  # fmt: skip


def test_a_subtask_added_or_moved_under_a_completed_task_reopens_it(alice):
    top, middle = chain(alice, 1)
    assert alice.post(f"/api/tasks/{top['id']}/complete").status_code == 200
    added = task(alice, "added", parent_id=middle["id"])
    assert added["status"] == "pending"
    assert [get(alice, t["id"])["status"] for t in (top, middle)] == ["pending", "pending"]
    assert alice.post(f"/api/tasks/{top['id']}/complete").status_code == 200
    done = task(alice, "done", parent_id=top["id"], status="completed")
    assert done["status"] == "completed" and get(alice, top["id"])["status"] == "completed"
    loose = task(alice, "loose")
    assert move(alice, loose["id"], parent_id=middle["id"]).status_code == 200
    assert [get(alice, t["id"])["status"] for t in (top, middle)] == ["pending", "pending"]
    opened = [t["title"] for t in alice.get("/api/sync").json.get("tasks", [])]
    assert "level 0" in opened


def test_deleting_a_parent_deletes_its_subtasks_at_every_level_and_sync_says_so(alice):
    cursor = alice.get("/api/sync").json["cursor"]
    tasks = chain(alice, 4)
    keep = task(alice, "Unrelated")
    assert alice.delete(f"/api/tasks/{tasks[0]['id']}").status_code == 204
    for gone in tasks:
        assert alice.get(f"/api/tasks/{gone['id']}").status_code == 404
    assert titles(alice, "") == [keep["title"]]
    deleted = {d["id"] for d in alice.get(f"/api/sync?cursor={cursor}").json["deleted"]}
    assert {t["id"] for t in tasks} <= deleted


def test_a_parent_moved_to_another_project_or_section_takes_its_subtasks(alice):
    project = alice.post("/api/projects", {"name": "Work"}).json
    section = alice.post(f"/api/projects/{project['id']}/sections", {"name": "Later"}).json
    top, middle, bottom = chain(alice, 2)
    patched = alice.patch(f"/api/tasks/{top['id']}", {"project_id": project["id"]})
    assert patched.status_code == 200, patched.json
    for sub in (middle, bottom):
        assert get(alice, sub["id"])["project_id"] == project["id"]
    moved = move(alice, top["id"], section_id=section["id"])
    assert moved.status_code == 200, moved.json
    for sub in (middle, bottom):
        found = get(alice, sub["id"])
        assert (found["project_id"], found["section_id"]) == (project["id"], section["id"])
        assert found["parent_id"] != top["parent_id"]  # still under their parents


def test_a_subtask_moved_to_the_top_level_leaves_its_parent(alice):
    parent = task(alice, "Parent")
    sub = task(alice, "Sub", parent_id=parent["id"])
    response = move(alice, sub["id"], parent_id=None)
    assert response.status_code == 200 and response.json["parent_id"] is None
    assert get(alice, parent["id"])["subtask_count"] == 0


def test_tasks_move_after_and_before_a_sibling_and_a_project_lists_in_that_order(alice):
    project = alice.post("/api/projects", {"name": "Order"}).json
    a, b, c, d = (task(alice, name, project_id=project["id"]) for name in "abcd")
    in_project = f"project_id={project['id']}"
    assert titles(alice, in_project) == ["a", "b", "c", "d"]  # sort=position by default
    assert move(alice, d["id"], after_id=a["id"]).json["position"] < b["position"]
    assert titles(alice, in_project) == ["a", "d", "b", "c"]
    move(alice, a["id"], before_id=c["id"])
    assert titles(alice, in_project) == ["d", "b", "a", "c"]
    move(alice, c["id"], before_id=d["id"])
    assert titles(alice, in_project) == ["c", "d", "b", "a"]
    assert titles(alice, in_project + "&sort=position&order=desc") == ["a", "b", "d", "c"]
    first = alice.get(f"/api/tasks?{in_project}&limit=3").json
    rest = alice.get(f"/api/tasks?{in_project}&limit=3&cursor={first['next_cursor']}").json
    assert [t["title"] for t in first["items"] + rest["items"]] == ["c", "d", "b", "a"]


def test_many_moves_into_one_gap_renumber_the_group_and_keep_the_order(alice):
    project = alice.post("/api/projects", {"name": "Tight"}).json
    first, last = task(alice, "first", project_id=project["id"]), None
    last = task(alice, "last", project_id=project["id"])
    expected = ["first"]
    for n in range(20):  # each lands just before "last": the gap halves every time
        added = task(alice, f"n{n}", project_id=project["id"])
        assert move(alice, added["id"], before_id=last["id"]).status_code == 200
        expected.append(f"n{n}")
    assert titles(alice, f"project_id={project['id']}&limit=50") == [*expected, "last"]
    positions = [
        t["position"] for t in alice.get(f"/api/tasks?project_id={project['id']}").json["items"]
    ]
    assert len(set(positions)) == len(positions)
    assert first["position"] < last["position"]


def test_a_move_is_one_task_updated_event_naming_what_changed(alice):
    project = alice.post("/api/projects", {"name": "Events"}).json
    a, b = task(alice, "a", project_id=project["id"]), task(alice, "b", project_id=project["id"])
    cursor = alice.get("/api/sync").json["cursor"]
    moved = move(alice, b["id"], before_id=a["id"]).json
    changed = alice.get(f"/api/sync?cursor={cursor}").json["tasks"]
    assert [t["id"] for t in changed] == [b["id"]]  # one row written
    assert changed[0]["position"] == moved["position"] < a["position"]


def test_bad_moves_are_422_or_404_naming_the_field(alice, bob):
    a, b = task(alice, "a"), task(alice, "b")
    other = alice.post("/api/projects", {"name": "Other"}).json
    elsewhere = task(alice, "elsewhere", project_id=other["id"])
    for body, status, field in (
        ({"after_id": a["id"], "before_id": a["id"]}, 422, "before_id"),
        ({"after_id": elsewhere["id"]}, 200, None),  # into the anchor's place
        ({"project_id": other["id"], "after_id": a["id"]}, 422, "after_id"),
        ({"after_id": task(bob, "theirs")["id"]}, 404, "after_id"),
        ({"parent_id": task(bob, "theirs")["id"]}, 404, "parent_id"),
        ({"project_id": None}, 422, "project_id"),
        ({"after_id": b["id"]}, 422, "after_id"),  # itself
    ):
        response = move(alice, b["id"], **body)
        assert response.status_code == status, (body, response.json)
        if field:
            assert field in response.json["error"]["fields"], body
    assert move(bob, a["id"]).status_code == 404


def test_a_recurring_parents_next_occurrence_gets_open_copies_of_its_subtasks(alice):
    parent = task(
        alice, "Weekly review", due_date="2031-01-06T09:00:00", recurrence={"rule": "FREQ=WEEKLY"}
    )
    inbox = task(alice, "Empty inbox", parent_id=parent["id"])
    task(alice, "Zero email", parent_id=inbox["id"])
    task(alice, "Plan week", parent_id=parent["id"])
    alice.post(f"/api/tasks/{parent['id']}/complete")
    settle()
    _, nxt = alice.get(f"/api/tasks/{parent['id']}/series").json["items"]
    assert (nxt["subtask_count"], nxt["completed_subtask_count"]) == (2, 0)
    copies = alice.get(f"/api/tasks?parent_id={nxt['id']}").json["items"]
    assert [(c["title"], c["status"]) for c in copies] == [
        ("Empty inbox", "pending"),
        ("Plan week", "pending"),
    ]
    assert titles(alice, f"parent_id={copies[0]['id']}") == ["Zero email"]
    assert get(alice, inbox["id"])["status"] == "completed"  # the originals stay with theirs


def test_concurrent_moves_and_creates_never_share_a_position(alice):
    project = alice.post("/api/projects", {"name": "Race"}).json
    anchor = task(alice, "anchor", project_id=project["id"])
    tail = task(alice, "tail", project_id=project["id"])
    movers = [task(alice, f"m{n}", project_id=project["id"]) for n in range(6)]
    failures: list[object] = []

    def work(n: int) -> None:
        if n < len(movers):
            response = move(alice, movers[n]["id"], after_id=anchor["id"])
        else:
            response = alice.post("/api/tasks", {"title": f"c{n}", "project_id": project["id"]})
        if response.status_code not in (200, 201):
            failures.append(response.json)

    threads = [threading.Thread(target=work, args=(n,)) for n in range(10)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
    items = alice.get(f"/api/tasks?project_id={project['id']}&limit=50").json["items"]
    positions = [t["position"] for t in items]
    assert len(items) == 12 and len(set(positions)) == 12
    assert positions == sorted(positions)
    assert items[0]["id"] == anchor["id"] and tail["id"] in {t["id"] for t in items}
