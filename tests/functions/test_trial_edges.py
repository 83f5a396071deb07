"""Edges a new user's trial found in projects, sections, manual order and the filter language
(#16), over HTTP on both stores: each reported input, with the value it should give."""

from __future__ import annotations


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


def test_listing_another_users_or_no_project_section_or_parent_is_404_naming_the_field(
    alice, bob
):
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
