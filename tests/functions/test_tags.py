"""The tags function over HTTP: counts, autocomplete, uniqueness, rename, recolor, delete."""

from __future__ import annotations


def tag_named(user, name):
    return next(t for t in user.get("/api/tags").json["items"] if t["name"] == name)


def test_tags_list_with_task_counts_most_used_first(alice):
    for tags in (["home", "work"], ["work"], ["work", "errands"]):
        alice.post("/api/tasks", {"title": "t", "tags": tags})
    items = alice.get("/api/tags").json["items"]
    assert [(t["name"], t["task_count"]) for t in items] == [
        ("work", 3),
        ("errands", 1),
        ("home", 1),
    ]


def test_autocomplete_matches_a_prefix_without_case_ranked_by_use(alice):
    alice.post("/api/tasks", {"title": "t", "tags": ["Work", "workout"]})
    alice.post("/api/tasks", {"title": "t", "tags": ["workout"]})
    alice.post("/api/tasks", {"title": "t", "tags": ["home"]})
    items = alice.get("/api/tags?q=WOR&limit=5").json["items"]
    assert [t["name"] for t in items] == ["workout", "Work"]
    assert alice.get("/api/tags?q=%25").json["items"] == []  # LIKE wildcards are literal


def test_creating_a_tag_with_a_color_and_refusing_a_bad_color(alice):
    response = alice.post("/api/tags", {"name": "Urgent", "color": "#FF0000"})
    assert response.status_code == 201
    assert response.json["color"] == "#ff0000"
    bad = alice.post("/api/tags", {"name": "x", "color": "red"})
    assert bad.status_code == 422 and "color" in bad.json["error"]["fields"]


def test_tag_names_are_unique_per_user_regardless_of_case(alice, bob):
    assert alice.post("/api/tags", {"name": "Home"}).status_code == 201
    response = alice.post("/api/tags", {"name": "HOME"})
    assert response.status_code == 409
    assert response.json["error"]["fields"] == {"name": "already exists"}
    assert bob.post("/api/tags", {"name": "home"}).status_code == 201


def test_a_task_naming_an_existing_tag_in_another_case_reuses_it(alice):
    alice.post("/api/tags", {"name": "Home", "color": "#123456"})
    task = alice.post("/api/tasks", {"title": "t", "tags": ["hOmE"]}).json
    assert task["tags"] == [
        {"id": tag_named(alice, "Home")["id"], "name": "Home", "color": "#123456"}
    ]


def test_renaming_and_recoloring_a_tag_shows_on_its_tasks(alice):
    task = alice.post("/api/tasks", {"title": "t", "tags": ["hom"]}).json
    tag = tag_named(alice, "hom")
    response = alice.patch(f"/api/tags/{tag['id']}", {"name": "Home", "color": "#00aa00"})
    assert response.status_code == 200
    assert alice.get(f"/api/tasks/{task['id']}").json["tags"][0] == {
        "id": tag["id"],
        "name": "Home",
        "color": "#00aa00",
    }


def test_renaming_onto_another_tags_name_is_a_conflict_but_changing_case_is_fine(alice):
    alice.post("/api/tags", {"name": "one"})
    two = alice.post("/api/tags", {"name": "two"}).json
    assert alice.patch(f"/api/tags/{two['id']}", {"name": "ONE"}).status_code == 409
    assert alice.patch(f"/api/tags/{two['id']}", {"name": "TWO"}).json["name"] == "TWO"


def test_deleting_a_tag_takes_it_off_its_tasks(alice):
    task = alice.post("/api/tasks", {"title": "t", "tags": ["gone", "kept"]}).json
    tag = tag_named(alice, "gone")
    assert alice.delete(f"/api/tags/{tag['id']}").status_code == 204
    assert [t["name"] for t in alice.get(f"/api/tasks/{task['id']}").json["tags"]] == ["kept"]
    assert alice.delete(f"/api/tags/{tag['id']}").status_code == 404


def test_another_users_tag_is_404(alice, bob):
    tag = alice.post("/api/tags", {"name": "private"}).json
    assert bob.patch(f"/api/tags/{tag['id']}", {"color": "#000000"}).status_code == 404
    assert bob.delete(f"/api/tags/{tag['id']}").status_code == 404
    assert bob.get("/api/tags").json["items"] == []


def test_a_tag_name_is_one_tag_whatever_its_unicode_spelling_or_case(alice):
    composed, decomposed = "Caf\u00e9", "CAFE\u0301"
    first = alice.post("/api/tags", {"name": composed})
    assert first.status_code == 201
    assert alice.post("/api/tags", {"name": decomposed}).status_code == 409
    task = alice.post("/api/tasks", {"title": "espresso", "tags": [decomposed]}).json
    assert [t["id"] for t in task["tags"]] == [first.json["id"]]
    found = alice.get("/api/tasks", query_string={"tag": "caf\u00e9"}).json["items"]
    assert [t["id"] for t in found] == [task["id"]]
    assert [
        t["name"] for t in alice.get("/api/tags", query_string={"q": "cafe\u0301"}).json["items"]
    ] == [composed]
