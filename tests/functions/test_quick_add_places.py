"""Quick add's +project and /section over HTTP, on both stores, by rules and through the model."""

from __future__ import annotations

import json

from test_ai import answer, openai  # noqa: F401 - the stand-in fixture


def test_a_phrase_puts_the_task_in_the_named_project_and_section(alice):
    work = alice.post("/api/projects", {"name": "Home Office"}).json
    soon = alice.post(f"/api/projects/{work['id']}/sections", {"name": "Next"}).json
    parsed = alice.post("/api/ai/parse", {"text": 'Write report +"home office" /NEXT tomorrow'})
    assert parsed.status_code == 200
    draft = parsed.json
    assert (draft["title"], draft["project"], draft["section"]) == (
        "Write report",
        "home office",
        "NEXT",
    )
    assert (draft["project_id"], draft["section_id"]) == (work["id"], soon["id"])
    made = alice.post("/api/ai/tasks", {"text": 'Write report +"home office" /NEXT tomorrow'})
    assert made.status_code == 201
    task = made.json["task"]
    assert (task["project_id"], task["section_id"]) == (work["id"], soon["id"])


def test_an_unknown_name_goes_to_the_inbox_with_a_note_not_an_error(alice):
    inbox = next(p for p in alice.get("/api/projects").json["items"] if p["name"] == "Inbox")
    made = alice.post("/api/ai/tasks", {"text": "Buy milk +Nowhere"})
    assert made.status_code == 201
    assert made.json["task"]["project_id"] == inbox["id"]
    assert made.json["draft"]["project_id"] is None
    assert "no project named 'Nowhere'; the task goes to the Inbox" in made.json["draft"]["notes"]


def test_another_users_project_of_that_name_is_not_used(alice, bob):
    bob.post("/api/projects", {"name": "Secret"})
    made = alice.post("/api/ai/tasks", {"text": "Peek +Secret"})
    assert made.status_code == 201 and made.json["draft"]["project_id"] is None


def test_the_models_project_and_section_are_resolved_too(openai, alice):  # noqa: F811
    work = alice.post("/api/projects", {"name": "Work"}).json
    openai.script = [answer(project="work", section=None)]
    made = alice.post("/api/ai/tasks", {"text": "Pay rent +work"})
    assert made.status_code == 201
    assert made.json["draft"]["source"] == "openai"
    assert made.json["task"]["project_id"] == work["id"]
    schema = json.dumps(openai.requests[0]["response_format"])
    assert '"project"' in schema and '"section"' in schema


def test_the_page_project_is_the_default_place_and_a_typed_place_wins(alice, bob):
    home = alice.post("/api/projects", {"name": "Home Stuff"}).json
    garden = alice.post(f"/api/projects/{home['id']}/sections", {"name": "Garden"}).json
    inbox = next(p for p in alice.get("/api/projects").json["items"] if p["inbox"])
    here = {"project_id": home["id"]}

    def place(text: str) -> tuple[str, str | None]:
        made = alice.post("/api/ai/tasks", {"text": text, **here})
        assert made.status_code == 201, made.json
        return made.json["task"]["project_id"], made.json["task"]["section_id"]

    assert place("Sweep") == (home["id"], None)
    assert place("Rake leaves /Garden") == (home["id"], garden["id"])
    assert place("Back to inbox +Inbox") == (inbox["id"], None)
    assert place("Nowhere task +Nowhere") == (inbox["id"], None)
    parsed = alice.post("/api/ai/parse", {"text": "Rake /garden", **here}).json
    assert (parsed["project_id"], parsed["section_id"]) == (home["id"], garden["id"])
    theirs = bob.post("/api/ai/tasks", {"text": "Peek", **here})
    assert theirs.status_code == 404
