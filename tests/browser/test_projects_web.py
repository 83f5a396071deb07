"""Projects, sections, the board, saved filters and the filter box in Chromium (issue 16, item 9)."""

from __future__ import annotations

import re
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


def task_of(server: Any, token: str, task_id: str) -> dict[str, Any]:
    return call(server, token, "GET", f"/api/tasks/{task_id}")


def group(page: Any, name: str) -> Any:
    """A section of the project page (a column on the board), by its heading."""
    return page.locator("#main .proj-group", has=page.get_by_role("heading", level=2, name=name))


def open_sidebar(page: Any, phone: bool) -> None:
    if phone:
        page.get_by_role("button", name="Menu", exact=True).click()


def test_a_project_gets_sections_a_board_and_tasks_moved_by_drag_and_by_keyboard(
    server, browser, expect
):
    context, page, watch = open_app(browser)
    sign_up(page, server, expect, new_email("board"))
    token = token_of(page)
    sidebar = page.get_by_role("navigation", name="Main")
    expect(sidebar.get_by_role("list", name="Projects").get_by_role("link")).to_have_text(
        [re.compile("^Inbox")]
    )

    sidebar.get_by_role("button", name="Add project").click()
    dialog = page.get_by_role("dialog", name="New project")
    dialog.get_by_label("Name").fill("Home")
    dialog.get_by_role("button", name="Add project").click()
    expect(page.get_by_role("heading", level=1, name="Home")).to_be_visible()
    expect(page).to_have_url(re.compile(r"/projects/[\w-]+$"))
    project_id = page.url.rsplit("/", 1)[1]
    expect(sidebar.get_by_role("link", name=re.compile("^Home"))).to_have_attribute(
        "aria-current", "page"
    )

    for name in ["Errands", "Garden"]:
        page.get_by_role("button", name="Add section").click()
        page.get_by_role("textbox", name="Section name").fill(name)
        page.keyboard.press("Enter")
        expect(page.get_by_role("heading", level=2, name=re.compile(f"^{name}"))).to_be_visible()
    page.keyboard.press("Escape")
    page.get_by_role("button", name="Add task to Home").click()
    page.get_by_role("textbox", name="Task title").fill("Buy milk")
    page.keyboard.press("Enter")
    expect(row(page, "Buy milk")).to_be_visible()
    page.get_by_role("button", name="Add task to Errands").click()
    page.get_by_role("textbox", name="Task title").fill("Post parcel")
    page.keyboard.press("Enter")
    expect(group(page, "Errands").locator(".task")).to_have_text([re.compile("Post parcel")])
    page.keyboard.press("Escape")
    page.get_by_label("Quick add a task").fill("Fix the fence")
    page.keyboard.press("Enter")
    expect(group(page, "No section").locator(".task")).to_have_count(2)
    expect(sidebar.get_by_role("link", name=re.compile("^Home"))).to_contain_text("3")

    page.get_by_role("group", name="Layout").get_by_role("button", name="Board").click()
    expect(page.locator("#main .layout-board")).to_be_visible()
    expect(page.locator("#main .proj-group h2 .group-name")).to_have_text(
        ["No section", "Errands", "Garden"]
    )
    eventually(lambda: call(server, token, "GET", f"/api/projects/{project_id}")["view"] == "board")

    row(page, "Buy milk").drag_to(group(page, "Errands").locator(".drop-zone"))
    expect(group(page, "Errands").locator(".task")).to_have_count(2)
    milk = next(
        t
        for t in call(server, token, "GET", f"/api/tasks?project_id={project_id}")["items"]
        if t["title"] == "Buy milk"
    )
    errands = call(server, token, "GET", f"/api/projects/{project_id}/sections")["items"][0]
    eventually(lambda: task_of(server, token, milk["id"])["section_id"] == errands["id"])
    shoot(page, "project-board-desktop")

    row(page, "Buy milk").focus()
    page.keyboard.press("m")
    move = page.get_by_role("dialog", name="Move “Buy milk” to…")
    expect(move.get_by_label("Project")).to_have_value(project_id)
    move.get_by_label("Section").select_option(label="Garden")
    move.get_by_role("button", name="Move").click()
    expect(group(page, "Garden").locator(".task")).to_have_text([re.compile("Buy milk")])
    expect(row(page, "Buy milk")).to_be_focused()

    page.get_by_role("button", name="Fix the fence", exact=True).click()
    editor = page.get_by_role("dialog", name="Edit task")
    editor.get_by_role("button", name="Move to…").click()
    move = page.get_by_role("dialog", name="Move “Fix the fence” to…")
    move.get_by_label("Project").select_option(label="Inbox")
    expect(move.get_by_label("Section")).to_have_value("")
    move.get_by_role("button", name="Move").click()
    expect(row(page, "Fix the fence")).to_have_count(0)
    row(page, "Post parcel").drag_to(sidebar.get_by_role("link", name=re.compile("^Inbox")))
    expect(row(page, "Post parcel")).to_have_count(0)
    inbox = next(p for p in call(server, token, "GET", "/api/projects")["items"] if p["inbox"])
    eventually(
        lambda: any(
            t["title"] == "Post parcel"
            for t in call(server, token, "GET", f"/api/tasks?project_id={inbox['id']}")["items"]
        )
    )

    page.reload()
    expect(group(page, "Garden").locator(".task")).to_have_text([re.compile("Buy milk")])
    expect(
        page.get_by_role("group", name="Layout").get_by_role("button", name="Board")
    ).to_have_attribute("aria-pressed", "true")
    sidebar.get_by_role("link", name=re.compile("^Inbox")).click()
    expect(row(page, "Fix the fence")).to_be_visible()
    watch.assert_clean()
    context.close()


def test_sections_are_renamed_and_deleted_in_place_and_the_editor_picks_project_and_section(
    server, browser, expect
):
    context, page, watch = open_app(browser)
    sign_up(page, server, expect, new_email("sections"))
    token = token_of(page)
    work = call(server, token, "POST", "/api/projects", {"name": "Work"})
    call(server, token, "POST", f"/api/projects/{work['id']}/sections", {"name": "Todo"})
    call(server, token, "POST", "/api/tasks", {"title": "Write report"})
    page.goto(f"{server.url}/projects/{work['id']}")
    expect(page.get_by_role("heading", level=2, name=re.compile("^Todo"))).to_be_visible()

    page.get_by_role("button", name="Rename section Todo").click()
    box = page.get_by_role("textbox", name="Section name")
    expect(box).to_be_focused()
    box.fill("Doing")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=2, name=re.compile("^Doing"))).to_be_visible()

    page.goto(server.url + "/all")
    page.get_by_role("button", name="Write report", exact=True).click()
    editor = page.get_by_role("dialog", name="Edit task")
    editor.get_by_label("Project").select_option(label="Work")
    editor.get_by_label("Section").select_option(label="Doing")
    editor.get_by_role("button", name="Save").click()
    expect(editor).to_be_hidden()
    expect(row(page, "Write report").locator(".meta-place")).to_have_text("Work / Doing")
    page.goto(f"{server.url}/projects/{work['id']}")
    expect(group(page, "Doing").locator(".task")).to_have_text([re.compile("Write report")])

    page.get_by_role("button", name="Delete section Doing").click()
    page.get_by_role("dialog", name="Delete section “Doing”?").get_by_role(
        "button", name="Delete"
    ).click()
    expect(page.get_by_role("heading", level=2, name=re.compile("^Doing"))).to_have_count(0)
    expect(row(page, "Write report")).to_be_visible()
    watch.assert_clean()
    context.close()


def test_the_filter_box_shows_the_servers_error_inline_and_saves_a_filter(server, browser, expect):
    context, page, watch = open_app(browser)
    sign_up(page, server, expect, new_email("filter"))
    token = token_of(page)
    call(server, token, "POST", "/api/tasks", {"title": "Fix the leak", "priority": "urgent"})
    call(server, token, "POST", "/api/tasks", {"title": "Read a book", "priority": "low"})
    page.goto(server.url + "/all")
    expect(row(page, "Read a book")).to_be_visible()
    box = page.get_by_role("textbox", name="Filter")
    box.fill("p1 & ) today")
    page.keyboard.press("Enter")
    error = page.get_by_role("search", name="Filter tasks").get_by_role("alert")
    expect(error).to_contain_text(re.compile(r"^Expected .* at position 6\.$"))
    expect(box).to_have_attribute("aria-invalid", "true")
    expect(page.get_by_role("button", name="Save as filter")).to_be_hidden()

    box.fill("p1")
    page.keyboard.press("Enter")
    expect(error).to_be_hidden()
    expect(page.locator("#main .task")).to_have_text([re.compile("Fix the leak")])
    expect(page).to_have_url(re.compile(r"/all\?filter=p1$"))
    page.get_by_role("button", name="Save as filter").click()
    dialog = page.get_by_role("dialog", name="New filter")
    expect(dialog.get_by_label("Query")).to_have_value("p1")
    dialog.get_by_label("Name").fill("Urgent")
    dialog.get_by_role("button", name="Save filter").click()
    expect(page.get_by_role("heading", level=1, name="Urgent")).to_be_visible()
    expect(page).to_have_url(re.compile(r"/filters/[\w-]+$"))
    sidebar = page.get_by_role("navigation", name="Main")
    expect(sidebar.get_by_role("link", name="Urgent")).to_have_attribute("aria-current", "page")
    expect(page.locator("#main .task")).to_have_text([re.compile("Fix the leak")])

    page.get_by_role("button", name="Edit filter").click()
    edit = page.get_by_role("dialog", name="Edit filter “Urgent”")
    edit.get_by_label("Query").fill("p1 | (")
    edit.get_by_role("button", name="Save").click()
    expect(edit.locator("[data-field=query] .field-error")).to_contain_text("Expected a filter")
    expect(edit.get_by_label("Query")).to_have_attribute("aria-invalid", "true")
    edit.get_by_label("Query").fill("p4")
    edit.get_by_role("button", name="Save").click()
    expect(edit).to_be_hidden()
    expect(page.locator("#main .task")).to_have_text([re.compile("Read a book")])

    page.get_by_role("button", name="Delete filter").click()
    page.get_by_role("dialog", name="Delete filter “Urgent”?").get_by_role(
        "button", name="Delete"
    ).click()
    expect(page.get_by_role("heading", level=1, name="Today")).to_be_visible()
    expect(sidebar.get_by_role("link", name="Urgent")).to_have_count(0)
    watch.expect_error("422")
    watch.assert_clean()
    context.close()


def test_archiving_hides_a_projects_tasks_and_deleting_can_move_them(server, browser, expect):
    context, page, watch = open_app(browser)
    sign_up(page, server, expect, new_email("archive"))
    token = token_of(page)
    work = call(server, token, "POST", "/api/projects", {"name": "Work"})
    call(server, token, "POST", "/api/tasks", {"title": "Quarterly plan", "project_id": work["id"]})
    page.goto(server.url + "/all")
    expect(row(page, "Quarterly plan")).to_be_visible()
    sidebar = page.get_by_role("navigation", name="Main")
    sidebar.get_by_role("link", name=re.compile("^Work")).click()
    page.get_by_role("button", name="Archive").click()
    expect(page.get_by_text("This project is archived")).to_be_visible()
    expect(
        sidebar.get_by_role("list", name="Projects").get_by_role("link", name=re.compile("^Work"))
    ).to_have_count(0)
    sidebar.get_by_text("Archived projects").click()
    expect(sidebar.get_by_role("list", name="Archived projects").get_by_role("link")).to_have_text(
        ["Work"]
    )
    sidebar.get_by_role("link", name=re.compile("^All")).click()
    expect(page.get_by_role("heading", level=1, name="All tasks")).to_be_visible()
    expect(row(page, "Quarterly plan")).to_have_count(0)

    sidebar.get_by_role("list", name="Archived projects").get_by_role("link", name="Work").click()
    page.get_by_role("button", name="Unarchive").click()
    page.get_by_role("button", name="Delete project").click()
    dialog = page.get_by_role("dialog", name="Delete project “Work”?")
    dialog.get_by_label("Move them to another project").check()
    dialog.get_by_label("Project to move them to").select_option(label="Inbox")
    dialog.get_by_role("button", name="Delete project").click()
    expect(page.get_by_role("heading", level=1, name="Inbox")).to_be_visible()
    expect(row(page, "Quarterly plan")).to_be_visible()
    expect(sidebar.get_by_role("link", name=re.compile("^Work"))).to_have_count(0)

    side = call(server, token, "POST", "/api/projects", {"name": "Side"})
    doomed = call(
        server, token, "POST", "/api/tasks", {"title": "Old idea", "project_id": side["id"]}
    )
    page.goto(f"{server.url}/projects/{side['id']}")
    expect(row(page, "Old idea")).to_be_visible()
    page.get_by_role("button", name="Delete project").click()
    dialog = page.get_by_role("dialog", name="Delete project “Side”?")
    expect(dialog.get_by_label("Delete them")).to_be_checked()
    dialog.get_by_role("button", name="Delete project").click()
    expect(page.get_by_role("heading", level=1, name="Inbox")).to_be_visible()
    assert api_call(server.url, "GET", f"/api/tasks/{doomed['id']}", token=token)[0] == 404
    watch.assert_clean()
    context.close()


def test_projects_sections_and_filters_made_elsewhere_show_up_and_go_live(server, browser, expect):
    context, page, watch = open_app(browser)
    sign_up(page, server, expect, new_email("sync"))
    token = token_of(page)
    sidebar = page.get_by_role("navigation", name="Main")
    trip = call(server, token, "POST", "/api/projects", {"name": "Trip", "view": "board"})
    saved = call(server, token, "POST", "/api/filters", {"name": "Soon", "query": "next 7 days"})
    expect(sidebar.get_by_role("link", name=re.compile("^Trip"))).to_be_visible(timeout=10000)
    expect(sidebar.get_by_role("link", name="Soon")).to_be_visible()
    sidebar.get_by_role("link", name=re.compile("^Trip")).click()
    call(server, token, "POST", f"/api/projects/{trip['id']}/sections", {"name": "Packing"})
    expect(page.get_by_role("heading", level=2, name=re.compile("^Packing"))).to_be_visible(
        timeout=10000
    )
    call(server, token, "PATCH", f"/api/projects/{trip['id']}", {"name": "Holiday"})
    expect(page.get_by_role("heading", level=1, name="Holiday")).to_be_visible(timeout=10000)
    call(server, token, "DELETE", f"/api/filters/{saved['id']}")
    call(server, token, "DELETE", f"/api/projects/{trip['id']}")
    expect(sidebar.get_by_role("link", name="Soon")).to_have_count(0, timeout=10000)
    expect(page.get_by_role("heading", level=1, name="Project not found")).to_be_visible()
    watch.assert_clean()
    context.close()


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_the_new_screens_have_no_axe_violation(server, browser, expect, size, scheme):
    context, page, watch = open_app(browser, color_scheme=scheme, **SIZES[size])
    phone = size == "phone"
    sign_up(page, server, expect, new_email("axe-projects"))
    token = token_of(page)
    home = call(server, token, "POST", "/api/projects", {"name": "Home", "color": "#299438"})
    for name in ["Errands", "Garden"]:
        call(server, token, "POST", f"/api/projects/{home['id']}/sections", {"name": name})
    sections = call(server, token, "GET", f"/api/projects/{home['id']}/sections")["items"]
    for title, section in [
        ("Buy milk", None),
        ("Post parcel", sections[0]["id"]),
        ("Weed", sections[1]["id"]),
    ]:
        body = {"title": title, "project_id": home["id"], "section_id": section, "priority": "high"}
        call(server, token, "POST", "/api/tasks", body)
    call(
        server, token, "POST", "/api/filters", {"name": "Urgent", "query": "p1", "color": "#db4035"}
    )

    page.goto(f"{server.url}/projects/{home['id']}")
    expect(row(page, "Weed")).to_be_visible()
    open_sidebar(page, phone)
    expect(
        page.get_by_role("navigation", name="Main").get_by_role("link", name="Urgent")
    ).to_be_visible()
    assert_accessible(page, "sidebar with projects and filters")
    if phone:
        page.keyboard.press("Escape")
    assert_accessible(page, "project, list layout")
    shoot(page, f"project-list-{size}-{scheme}")
    page.get_by_role("group", name="Layout").get_by_role("button", name="Board").click()
    expect(page.locator("#main .layout-board")).to_be_visible()
    assert_accessible(page, "project, board layout")
    shoot(page, f"project-board-{size}-{scheme}")
    page.get_by_role("button", name="Add task to Errands").click()
    assert_accessible(page, "board with an inline form")
    page.keyboard.press("Escape")

    row(page, "Weed").focus()
    page.keyboard.press("m")
    expect(page.get_by_role("dialog", name="Move “Weed” to…")).to_be_visible()
    assert_accessible(page, "move dialog")
    page.keyboard.press("Escape")
    page.get_by_role("button", name="Delete project").click()
    expect(page.get_by_role("dialog", name="Delete project “Home”?")).to_be_visible()
    assert_accessible(page, "delete project dialog")
    page.keyboard.press("Escape")

    page.goto(server.url + "/all?filter=p1%20%26")
    expect(page.get_by_role("search", name="Filter tasks").get_by_role("alert")).to_be_visible()
    assert_accessible(page, "filter box with an error")
    shoot(page, f"filter-error-{size}-{scheme}")
    page.get_by_role("button", name="Clear filter").click()
    page.get_by_role("textbox", name="Filter").fill("p2")
    page.keyboard.press("Enter")
    page.get_by_role("button", name="Save as filter").click()
    expect(page.get_by_role("dialog", name="New filter")).to_be_visible()
    assert_accessible(page, "save filter dialog")
    watch.expect_error("422")
    watch.assert_clean()
    context.close()


def test_a_tasks_own_link_opens_it_in_its_project_and_a_gone_one_says_so(server, browser, expect):
    context, page, watch = open_app(browser)
    sign_up(page, server, expect, new_email("link"))
    token = token_of(page)
    garden = call(server, token, "POST", "/api/projects", {"name": "Garden"})
    task = call(
        server, token, "POST", "/api/tasks", {"title": "Prune roses", "project_id": garden["id"]}
    )

    page.goto(f"{server.url}/tasks/{task['id']}")  # as from a reminder email or a notification
    expect(page.get_by_role("heading", level=1, name="Garden")).to_be_visible()
    editor = page.get_by_role("dialog", name="Edit task")
    expect(editor.get_by_role("textbox").first).to_have_value("Prune roses")
    expect(page).to_have_url(re.compile(f"/projects/{garden['id']}$"))
    page.keyboard.press("Escape")

    call(server, token, "DELETE", f"/api/tasks/{task['id']}")
    page.goto(f"{server.url}/tasks/{task['id']}")
    expect(page.get_by_role("heading", level=1, name="Today")).to_be_visible()
    expect(page.get_by_role("alert").filter(has_text="That task no longer exists")).to_be_visible()
    watch.expect_error("404")  # the look-up of the deleted task
    watch.assert_clean()
    context.close()


def test_quick_add_on_a_project_page_goes_where_the_text_says_in_one_write(server, browser, expect):
    context, page, watch = open_app(browser)
    sign_up(page, server, expect, new_email("qaplace"))
    token = token_of(page)
    home = call(server, token, "POST", "/api/projects", {"name": "Home Stuff"})
    call(server, token, "POST", f"/api/projects/{home['id']}/sections", {"name": "Garden"})
    inbox = next(p for p in call(server, token, "GET", "/api/projects")["items"] if p["inbox"])
    writes: list[str] = []
    context.on(
        "request",
        lambda r: (
            writes.append(f"{r.method} {r.url}")
            if r.method in {"POST", "PATCH"} and "/tasks" in r.url
            else None
        ),
    )
    page.goto(f"{server.url}/projects/{home['id']}")
    expect(page.get_by_role("heading", level=1, name="Home Stuff")).to_be_visible()
    quick = page.get_by_label("Quick add a task")
    chips = page.get_by_role("list", name="Will be added as")

    quick.fill("Rake leaves /Garden")
    expect(chips.locator("[data-kind=place]")).to_have_text("Home Stuff / Garden")
    page.keyboard.press("Enter")
    expect(group(page, "Garden").locator(".task")).to_have_text([re.compile("Rake leaves")])
    quick.fill("Sweep the porch")
    expect(chips.locator("li")).to_have_count(1)  # no place typed: no place chip
    page.keyboard.press("Enter")
    expect(group(page, "No section").locator(".task")).to_have_text([re.compile("Sweep")])
    quick.fill("Back to inbox +Inbox")
    expect(chips.locator("[data-kind=place]")).to_have_text("Inbox")
    page.keyboard.press("Enter")
    quick.fill("Nowhere task +Nowhere")
    expect(page.locator(".qa-note")).to_contain_text("goes to the Inbox")
    page.keyboard.press("Enter")
    expect(page.get_by_role("status").filter(has_text="Added “Nowhere task”")).to_be_visible()
    in_inbox = call(server, token, "GET", f"/api/tasks?project_id={inbox['id']}")["items"]
    assert sorted(t["title"] for t in in_inbox) == ["Back to inbox", "Nowhere task"]
    expect(row(page, "Back to inbox")).to_have_count(0)
    assert writes == [f"POST {server.url}/api/ai/tasks"] * 4, writes  # one write per task
    watch.assert_clean()
    context.close()


def test_alt_right_on_the_board_keeps_the_card_and_says_cards_do_not_nest(server, browser, expect):
    context, page, watch = open_app(browser)
    sign_up(page, server, expect, new_email("boardnest"))
    token = token_of(page)
    home = call(server, token, "POST", "/api/projects", {"name": "Board", "view": "board"})
    for title in ["First card", "Second card"]:
        call(server, token, "POST", "/api/tasks", {"title": title, "project_id": home["id"]})
    page.goto(f"{server.url}/projects/{home['id']}")
    expect(row(page, "Second card")).to_be_visible()
    row(page, "Second card").focus()
    page.keyboard.press("Alt+ArrowRight")
    expect(page.locator("#announcer")).to_have_text(re.compile("do not nest"))
    expect(row(page, "Second card")).to_be_focused()
    page.keyboard.press("Alt+ArrowUp")
    expect(page.locator("#main .task .task-title")).to_have_text(["Second card", "First card"])
    expect(row(page, "Second card")).to_be_focused()
    second = next(
        t
        for t in call(server, token, "GET", f"/api/tasks?project_id={home['id']}")["items"]
        if t["title"] == "Second card"
    )
    assert second["parent_id"] is None
    watch.assert_clean()
    context.close()


def test_saved_filters_in_the_sidebar_count_their_open_tasks(server, browser, expect):
    context, page, watch = open_app(browser)
    sign_up(page, server, expect, new_email("filtercount"))
    token = token_of(page)
    for title in ["Fix leak !urgent", "Pay fine !urgent", "Water plants"]:
        call(server, token, "POST", "/api/ai/tasks", {"text": title})
    call(server, token, "POST", "/api/filters", {"name": "Hot", "query": "p1"})
    page.goto(server.url + "/all")
    filters = page.get_by_role("navigation", name="Main").get_by_role("list", name="Saved filters")
    hot = filters.get_by_role("link", name=re.compile("^Hot"))
    expect(hot.locator(".count")).to_have_text("2")
    row(page, "Fix leak").get_by_role("checkbox").check()
    expect(hot.locator(".count")).to_have_text("1")
    page.get_by_label("Quick add a task").fill("Call vet !urgent")
    page.keyboard.press("Enter")
    expect(hot.locator(".count")).to_have_text("2")
    watch.assert_clean()
    context.close()


def test_the_project_dialog_takes_the_apis_120_characters(server, browser, expect):
    context, page, watch = open_app(browser)
    sign_up(page, server, expect, new_email("longname"))
    page.get_by_role("navigation", name="Main").get_by_role("button", name="Add project").click()
    dialog = page.get_by_role("dialog", name="New project")
    dialog.get_by_label("Name").fill("x" * 130)
    expect(dialog.get_by_label("Name")).to_have_value("x" * 120)
    dialog.get_by_role("button", name="Add project").click()
    expect(page.get_by_role("heading", level=1, name="x" * 120)).to_be_visible()
    watch.assert_clean()
    context.close()
