"""Subtasks and manual order in the web app, in Chromium (issue 16, item 9): nesting, progress,
folding, inline add, cascading completion, drag and drop, Alt+arrows and the Move dialog."""

from __future__ import annotations

import re
import time
from typing import Any

import pytest
from browser_harness import (
    SIZES,
    api_call,
    assert_accessible,
    call,
    eventually,
    new_email,
    open_app,
    row,
    shoot,
    sign_up,
    token_of,
)

pytestmark = pytest.mark.browser


def order(server: Any, token: str, project_id: str, parent: str | None = None) -> list[str]:
    """The titles of a project's tasks under `parent` (None: the top level), in the server's order."""
    items = call(server, token, "GET", f"/api/tasks?project_id={project_id}&limit=200")["items"]
    siblings = [t for t in items if t["parent_id"] == parent]
    return [
        t["title"] for t in sorted(siblings, key=lambda t: (t["section_id"] or "", t["position"]))
    ]


def ids_by_title(server: Any, token: str, project_id: str) -> dict[str, str]:
    items = call(server, token, "GET", f"/api/tasks?project_id={project_id}&limit=200")["items"]
    return {t["title"]: t["id"] for t in items}


def titles(page: Any) -> list[str]:
    """The titles of the rows shown, top to bottom."""
    return page.locator("#main .task .task-title").all_inner_texts()


def test_subtasks_are_added_inline_show_progress_fold_and_complete_with_their_parent(
    server, browser, expect
):
    context, page, watch = open_app(browser)
    sign_up(page, server, expect, new_email("subtasks"))
    token = token_of(page)
    trip = call(server, token, "POST", "/api/projects", {"name": "Trip"})
    page.goto(f"{server.url}/projects/{trip['id']}")
    page.get_by_role("button", name="Add task to Trip").click()
    page.get_by_role("textbox", name="Task title").fill("Plan trip")
    page.keyboard.press("Enter")
    expect(row(page, "Plan trip")).to_be_visible()
    page.keyboard.press("Escape")

    page.get_by_role("button", name="Add subtask to “Plan trip”").click()
    box = page.get_by_role("textbox", name="Subtask title")
    expect(box).to_be_focused()
    for title in ["Book flights", "Pack bags"]:
        box.fill(title)
        page.keyboard.press("Enter")
        expect(row(page, title)).to_be_visible()
    page.keyboard.press("Escape")
    expect(page.get_by_role("button", name="Add subtask to “Plan trip”")).to_be_focused()
    assert titles(page) == ["Plan trip", "Book flights", "Pack bags"]
    expect(row(page, "Book flights")).to_have_attribute("data-depth", "1")
    indent = row(page, "Book flights").evaluate("r => parseFloat(getComputedStyle(r).paddingLeft)")
    assert indent >= 28, indent
    parent = ids_by_title(server, token, trip["id"])["Plan trip"]
    assert order(server, token, trip["id"], parent) == ["Book flights", "Pack bags"]

    fold = row(page, "Plan trip").locator(".subtask-fold")
    expect(fold).to_have_text(re.compile("0/2"))
    expect(fold).to_have_attribute("aria-expanded", "true")
    fold.click()
    expect(row(page, "Book flights")).to_have_count(0)
    expect(fold).to_have_attribute("aria-expanded", "false")
    expect(fold).to_be_focused()
    page.reload()
    expect(row(page, "Plan trip")).to_be_visible()
    expect(row(page, "Book flights")).to_have_count(0)  # remembered
    row(page, "Plan trip").locator(".subtask-fold").click()
    expect(row(page, "Book flights")).to_be_visible()

    page.get_by_role("button", name="Book flights", exact=True).click()
    editor = page.get_by_role("dialog", name="Edit task")
    expect(editor.get_by_text("Subtask of")).to_be_visible()
    editor.get_by_role("button", name="Plan trip", exact=True).click()
    editor = page.get_by_role("dialog", name="Edit task")
    expect(editor.get_by_label("Title")).to_have_value("Plan trip")
    subtasks = editor.get_by_role("list", name="Subtasks · 0 of 2 done")
    expect(subtasks.get_by_role("button")).to_have_text(["Book flights", "Pack bags"])
    page.keyboard.press("Escape")

    row(page, "Book flights").get_by_role("checkbox").check()
    expect(row(page, "Plan trip").locator(".subtask-fold")).to_have_text(re.compile("1/2"))
    expect(row(page, "Book flights")).to_have_count(0)
    row(page, "Plan trip").get_by_role("checkbox").check()
    expect(page.locator("#main .task")).to_have_count(0)
    ids = ids_by_title(server, token, trip["id"])
    eventually(
        lambda: (
            call(server, token, "GET", f"/api/tasks/{ids['Pack bags']}")["status"] == "completed"
        )
    )

    page.goto(server.url + "/completed")
    expect(row(page, "Pack bags")).to_be_visible()
    row(page, "Plan trip").get_by_role("checkbox").click()  # reopening restores its subtasks
    eventually(
        lambda: call(server, token, "GET", f"/api/tasks/{ids['Pack bags']}")["status"] == "pending"
    )
    page.goto(f"{server.url}/projects/{trip['id']}")
    expect(row(page, "Pack bags")).to_be_visible()
    expect(row(page, "Plan trip").locator(".subtask-fold")).to_have_text(re.compile("1/2"))
    page.goto(server.url + "/all")  # the other lists nest them too
    expect(row(page, "Pack bags")).to_have_attribute("data-depth", "1")
    assert titles(page) == ["Plan trip", "Pack bags"]
    watch.assert_clean()
    context.close()


def laid_out_box(locator: Any) -> dict[str, float]:
    """The element's bounding box, waiting out a re-render (Playwright gives None meanwhile)."""
    deadline = time.monotonic() + 8
    while (box := locator.bounding_box()) is None:
        assert time.monotonic() < deadline, "the element was never laid out"
        time.sleep(0.05)
    return box


def test_tasks_are_reordered_and_nested_by_drag_and_drop_by_alt_arrows_and_the_move_dialog(
    server, browser, expect
):
    context, page, watch = open_app(browser)
    sign_up(page, server, expect, new_email("order"))
    token = token_of(page)
    home = call(server, token, "POST", "/api/projects", {"name": "Home"})
    later = call(server, token, "POST", f"/api/projects/{home['id']}/sections", {"name": "Later"})
    for title in ["Alpha", "Beta", "Gamma"]:
        call(server, token, "POST", "/api/tasks", {"title": title, "project_id": home["id"]})
    page.goto(f"{server.url}/projects/{home['id']}")
    expect(row(page, "Gamma")).to_be_visible()
    assert titles(page) == ["Alpha", "Beta", "Gamma"]

    row(page, "Gamma").drag_to(row(page, "Alpha"), target_position={"x": 20, "y": 4})
    expect(page.locator("#main .task .task-title")).to_have_text(["Gamma", "Alpha", "Beta"])
    eventually(lambda: order(server, token, home["id"]) == ["Gamma", "Alpha", "Beta"])

    box = laid_out_box(row(page, "Alpha"))  # the list may be re-rendering after the first drop
    row(page, "Beta").drag_to(
        row(page, "Alpha"), target_position={"x": box["width"] * 0.8, "y": box["height"] / 2}
    )
    expect(row(page, "Beta")).to_have_attribute("data-depth", "1")
    ids = ids_by_title(server, token, home["id"])
    eventually(lambda: order(server, token, home["id"], ids["Alpha"]) == ["Beta"])

    row(page, "Gamma").focus()
    page.keyboard.press("Alt+ArrowDown")
    expect(page.locator("#main .task .task-title")).to_have_text(["Alpha", "Beta", "Gamma"])
    eventually(lambda: order(server, token, home["id"]) == ["Alpha", "Gamma"])
    expect(row(page, "Gamma")).to_be_focused()
    page.keyboard.press("Alt+ArrowRight")
    expect(row(page, "Gamma")).to_have_attribute("data-depth", "1")
    eventually(lambda: order(server, token, home["id"], ids["Alpha"]) == ["Beta", "Gamma"])
    page.keyboard.press("Alt+ArrowUp")
    expect(page.locator("#main .task .task-title")).to_have_text(["Alpha", "Gamma", "Beta"])
    eventually(lambda: order(server, token, home["id"], ids["Alpha"]) == ["Gamma", "Beta"])
    expect(page.locator("#announcer")).to_have_text("Moved “Gamma” before “Beta”")
    page.keyboard.press("Alt+ArrowLeft")
    expect(page).to_have_url(re.compile(f"/projects/{home['id']}$"))  # not back a page
    expect(row(page, "Gamma")).to_have_attribute("data-depth", "0")
    eventually(lambda: order(server, token, home["id"]) == ["Alpha", "Gamma"])

    row(page, "Gamma").focus()
    page.keyboard.press("m")
    move = page.get_by_role("dialog", name="Move “Gamma” to…")
    expect(move.get_by_label("Parent task")).to_have_value("")
    move.get_by_label("Parent task").select_option(ids["Beta"])
    move.get_by_role("button", name="Move").click()
    expect(row(page, "Gamma")).to_have_attribute("data-depth", "2")
    eventually(lambda: order(server, token, home["id"], ids["Beta"]) == ["Gamma"])

    row(page, "Alpha").drag_to(
        page.locator(
            "#main .proj-group", has=page.get_by_role("heading", name=re.compile("^Later"))
        ).locator(".group-head")
    )
    eventually(
        lambda: (
            call(server, token, "GET", f"/api/tasks/{ids['Alpha']}")["section_id"] == later["id"]
        )
    )
    later_group = page.locator(f"#main .proj-group[data-section='{later['id']}']")
    expect(later_group.locator(".task .task-title")).to_have_text(["Alpha", "Beta", "Gamma"])

    # When the server refuses a move, the task goes back where it was, with a message.
    page.route(
        "**/api/tasks/*/move",
        lambda route: route.fulfill(
            status=503,
            headers={"Retry-After": "1"},
            content_type="application/json",
            body='{"error": {"code": "unavailable", "message": "the database is busy"}}',
        ),
    )
    watch.expect_error("status of 503")
    row(page, "Beta").focus()
    page.keyboard.press("Alt+ArrowLeft")
    expect(page.get_by_role("alert").filter(has_text="Could not move “Beta”")).to_be_visible()
    expect(row(page, "Beta")).to_have_attribute("data-depth", "1")
    assert order(server, token, home["id"], ids["Alpha"]) == ["Beta"]
    watch.assert_clean()
    context.close()


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_a_project_with_subtasks_has_no_axe_violation(server, browser, expect, size, scheme):
    context, page, watch = open_app(browser, color_scheme=scheme, **SIZES[size])
    sign_up(page, server, expect, new_email("axe-subtasks"))
    token = token_of(page)
    home = call(server, token, "POST", "/api/projects", {"name": "Home"})
    move = call(
        server, token, "POST", "/api/tasks", {"title": "Move house", "project_id": home["id"]}
    )
    for title in ["Hire a van", "Pack the kitchen", "Change address"]:
        call(server, token, "POST", "/api/tasks", {"title": title, "parent_id": move["id"]})
    boxes = call(server, token, "GET", f"/api/tasks?parent_id={move['id']}")["items"][1]
    call(server, token, "POST", "/api/tasks", {"title": "Buy boxes", "parent_id": boxes["id"]})
    call(server, token, "POST", f"/api/tasks/{boxes['id']}/complete")
    call(server, token, "POST", "/api/tasks", {"title": "Water plants", "project_id": home["id"]})

    page.goto(f"{server.url}/projects/{home['id']}")
    expect(row(page, "Change address")).to_be_visible()
    expect(row(page, "Move house").locator(".subtask-fold")).to_have_text(re.compile("1/3"))
    assert_accessible(page, "project with subtasks")
    shoot(page, f"project-subtasks-{size}-{scheme}")
    row(page, "Move house").get_by_role("button", name="Add subtask to “Move house”").click()
    assert_accessible(page, "the inline subtask form")
    page.keyboard.press("Escape")
    row(page, "Move house").locator(".subtask-fold").click()
    expect(row(page, "Hire a van")).to_have_count(0)
    assert_accessible(page, "a folded parent")
    page.get_by_role("button", name="Move house", exact=True).click()
    expect(page.get_by_role("dialog", name="Edit task")).to_be_visible()
    assert_accessible(page, "the editor with subtasks")
    shoot(page, f"editor-subtasks-{size}-{scheme}")
    page.keyboard.press("Escape")
    row(page, "Water plants").focus()
    page.keyboard.press("m")
    expect(page.get_by_role("dialog", name="Move “Water plants” to…")).to_be_visible()
    assert_accessible(page, "move dialog with a parent choice")
    page.keyboard.press("Escape")
    page.get_by_role("group", name="Layout").get_by_role("button", name="Board").click()
    expect(row(page, "Move house").locator(".subtask-progress")).to_have_text(re.compile("1/3"))
    expect(row(page, "Hire a van")).to_have_count(0)
    assert_accessible(page, "board cards with progress")
    shoot(page, f"project-subtasks-board-{size}-{scheme}")
    watch.assert_clean()
    context.close()


def test_deleting_a_parent_takes_its_subtasks_out_too_and_undo_brings_them_back(
    server, browser, expect
):
    context, page, watch = open_app(browser)
    sign_up(page, server, expect, new_email("deltree"))
    token = token_of(page)
    home = call(server, token, "POST", "/api/projects", {"name": "Home"})
    parent = call(
        server, token, "POST", "/api/tasks", {"title": "Move house", "project_id": home["id"]}
    )
    for title in ["Pack books", "Book van"]:
        call(server, token, "POST", "/api/tasks", {"title": title, "parent_id": parent["id"]})
    page.goto(f"{server.url}/projects/{home['id']}")
    expect(page.locator("#main .task .task-title")).to_have_text(
        ["Move house", "Pack books", "Book van"]
    )

    def delete_parent() -> None:
        page.get_by_role("button", name="Move house", exact=True).click()
        page.get_by_role("dialog", name="Edit task").get_by_role("button", name="Delete").click()
        page.get_by_role("dialog", name="Delete “Move house”?").get_by_role(
            "button", name="Delete"
        ).click()

    delete_parent()
    expect(page.locator("#main .task")).to_have_count(0)  # no orphan during the Undo window
    page.get_by_role("status").get_by_role("button", name="Undo").click()
    expect(page.locator("#main .task .task-title")).to_have_text(
        ["Move house", "Pack books", "Book van"]
    )
    delete_parent()
    expect(page.locator("#main .task")).to_have_count(0)
    eventually(
        lambda: api_call(server.url, "GET", f"/api/tasks/{parent['id']}", token=token)[0] == 404, 12
    )
    expect(page.locator("#main .task")).to_have_count(0)
    watch.assert_clean()
    context.close()
