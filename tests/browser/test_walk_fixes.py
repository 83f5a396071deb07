"""What a first walk through the web app found, each fixed and kept fixed (issue 16, item 9)."""

from __future__ import annotations

import re
import time
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from browser_harness import (
    DESKTOP,
    PASSWORD,
    ZONE,
    api_call,
    new_email,
    open_app,
    row,
    sign_up,
    token_of,
)

pytestmark = pytest.mark.browser
PHONE_390 = {"width": 390, "height": 844}
PHONE = {"viewport": PHONE_390, "is_mobile": True, "has_touch": True}


def add(server: Any, token: str, **task: Any) -> dict[str, Any]:
    """POST /api/tasks as the owner of `token`; the created task."""
    status, body = api_call(server.url, "POST", "/api/tasks", task, token)
    assert status == 201, body
    return body


def tomorrow_at(hour: int) -> str:
    """The naive 'YYYY-MM-DDTHH:00:00' of tomorrow at `hour` in ZONE, as the API reads it."""
    day = datetime.now(ZoneInfo(ZONE)).date() + timedelta(days=1)
    return f"{day.isoformat()}T{hour:02d}:00:00"


def test_undo_of_a_delete_keeps_the_task_and_a_delete_not_undone_happens(server, browser, expect):
    context, page, watch = open_app(browser)
    sign_up(page, server, expect, new_email("undo"))
    token = token_of(page)
    kept = add(server, token, title="Water the plants")
    gone = add(server, token, title="Old errand")
    page.goto(server.url + "/all")
    for title in ["Water the plants", "Old errand"]:
        page.get_by_role("button", name=title, exact=True).click()
        page.get_by_role("dialog", name="Edit task").get_by_role("button", name="Delete").click()
        page.get_by_role("dialog", name=f"Delete “{title}”?").get_by_role(
            "button", name="Delete"
        ).click()
        expect(row(page, title)).to_have_count(0)
        if title == "Water the plants":
            toast = page.locator(".toast", has_text=f"Deleted “{title}”")
            toast.get_by_role("button", name="Undo").click()
            expect(row(page, title)).to_be_visible()
    deadline = time.monotonic() + 12
    while api_call(server.url, "GET", f"/api/tasks/{gone['id']}", token=token)[0] != 404:
        assert time.monotonic() < deadline, "the delete that was not undone never reached the API"
        time.sleep(0.3)
    assert api_call(server.url, "GET", f"/api/tasks/{kept['id']}", token=token)[0] == 200
    page.reload()
    expect(row(page, "Water the plants")).to_be_visible()
    expect(row(page, "Old errand")).to_have_count(0)
    watch.assert_clean()
    context.close()


def test_undo_of_an_edit_restores_the_old_title_and_fields(server, browser, expect):
    context, page, watch = open_app(browser)
    sign_up(page, server, expect, new_email("edit"))
    token = token_of(page)
    task = add(server, token, title="Call the bank", priority="low", tags=["money"])
    page.goto(server.url + "/all")
    page.get_by_role("button", name="Call the bank", exact=True).click()
    dialog = page.get_by_role("dialog", name="Edit task")
    dialog.get_by_label("Title").fill("Call the bank about the loan")
    dialog.get_by_text("Urgent", exact=True).click()
    dialog.get_by_role("button", name="Save").click()
    expect(row(page, "Call the bank about the loan")).to_be_visible()
    page.locator(".toast", has_text="Saved").get_by_role("button", name="Undo").click()
    expect(row(page, "Call the bank")).to_be_visible()
    expect(row(page, "Call the bank about the loan")).to_have_count(0)
    _, now = api_call(server.url, "GET", f"/api/tasks/{task['id']}", token=token)
    assert (now["title"], now["priority"], [t["name"] for t in now["tags"]]) == (
        "Call the bank",
        "low",
        ["money"],
    )
    watch.assert_clean()
    context.close()


@pytest.mark.parametrize(
    ("locale", "shown"),
    [("en-US", r"Tomorrow 9:00\sAM"), ("en-GB", r"Tomorrow 09:00"), ("de-DE", r"Tomorrow 09:00")],
)
def test_times_follow_the_browsers_locale(server, browser, expect, locale, shown):
    context, page, watch = open_app(browser, locale=locale)
    sign_up(page, server, expect, new_email("clock"))
    add(server, token_of(page), title="Standup", due_date=tomorrow_at(9))
    page.goto(server.url + "/upcoming")
    expect(row(page, "Standup").locator(".due-chip")).to_have_text(re.compile(f"^{shown}$"))
    watch.assert_clean()
    context.close()


@pytest.mark.parametrize("size", ["desktop", "phone"])
def test_the_tag_autocomplete_is_fully_visible_in_the_editor(server, browser, expect, size):
    options = {"viewport": {"width": 1280, "height": 640}} if size == "desktop" else PHONE
    context, page, watch = open_app(browser, **options)
    sign_up(page, server, expect, new_email("tags"))
    token = token_of(page)
    for name in ["work", "workout", "workshop", "worklog", "workflow"]:
        add(server, token, title=f"Task {name}", tags=[name])
    add(server, token, title="Tag me", description="A long note\n" * 8)
    page.goto(server.url + "/all")
    page.get_by_role("button", name="Tag me", exact=True).click()
    dialog = page.get_by_role("dialog", name="Edit task")
    dialog.get_by_role("combobox", name="Tags").fill("wor")
    listbox = dialog.get_by_role("listbox", name="Matching tags")
    expect(listbox.get_by_role("option")).to_have_count(6)  # and "Create #wor"
    box = listbox.bounding_box()
    height = page.viewport_size["height"]
    assert box["y"] >= 0 and box["y"] + box["height"] <= height, (box, height)
    last = listbox.get_by_role("option").last.bounding_box()
    hit = page.evaluate(
        "([x, y]) => document.elementFromPoint(x, y)?.closest('[role=option]')?.textContent",
        [last["x"] + last["width"] / 2, last["y"] + last["height"] / 2],
    )
    assert hit == "Create #wor", hit  # the last option, not clipped by the dialog's scrolling body
    watch.assert_clean()
    context.close()


def test_a_phone_keeps_sort_on_screen_and_save_beside_cancel(server, browser, expect):
    context, page, watch = open_app(browser, **PHONE)
    sign_up(page, server, expect, new_email("phone"))
    add(server, page and token_of(page), title="Renew passport", tags=["admin"], priority="urgent")
    page.goto(server.url + "/all?tag=admin&priority=urgent&status=pending")
    expect(page.get_by_role("button", name="Clear filters")).to_be_visible()
    sort = page.get_by_label("Sort", exact=True)
    expect(sort).to_be_in_viewport(ratio=1)
    assert page.evaluate("document.documentElement.scrollWidth") == PHONE_390["width"]
    page.get_by_role("button", name="Renew passport", exact=True).click()
    dialog = page.get_by_role("dialog", name="Edit task")
    save = dialog.get_by_role("button", name="Save").bounding_box()
    cancel = dialog.get_by_role("button", name="Cancel").bounding_box()
    assert abs(save["y"] - cancel["y"]) < 2, (save, cancel)  # Save never wraps onto a line alone
    assert save["x"] + save["width"] <= PHONE_390["width"]
    watch.assert_clean()
    context.close()


@pytest.mark.parametrize("size", ["desktop", "phone"])
def test_checkboxes_are_22_px_with_a_44_px_touch_target(server, browser, expect, size):
    context, page, watch = open_app(
        browser, **({"viewport": DESKTOP} if size == "desktop" else PHONE)
    )
    sign_up(page, server, expect, new_email("check"))
    add(server, token_of(page), title="Tick me")
    page.goto(server.url + "/all")
    check = row(page, "Tick me").get_by_role("checkbox")
    # The box and the taps around it are measured in one script: measured apart (four calls),
    # anything that moved the row in between made a tap 21.5 px out miss the 22 px half-target.
    box, missed = check.evaluate(
        """(box) => {
            const r = box.getBoundingClientRect(), x = r.x + r.width / 2, y = r.y + r.height / 2;
            const taps = [[-21.5, 0], [21.5, 0], [0, -21.5], [0, 21.5]];
            const missed = taps.filter(([dx, dy]) =>
                !document.elementFromPoint(x + dx, y + dy)?.matches("input.check"));
            return [{x: r.x, y: r.y, width: r.width, height: r.height}, missed];
        }"""
    )
    assert round(box["width"]) == 22 and round(box["height"]) == 22, box
    assert not missed, f"taps this far from the checkbox's center miss it: {missed}"
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    check.tap() if size == "phone" else page.mouse.click(x + 20, y)
    expect(row(page, "Tick me")).to_have_count(0)
    watch.assert_clean()
    context.close()


def test_quick_add_refuses_an_empty_line_and_a_title_over_500_characters(server, browser, expect):
    context, page, watch = open_app(browser)
    sign_up(page, server, expect, new_email("qa"))
    quick = page.get_by_label("Quick add a task")
    error = page.locator(".quick-add .field-error")
    page.get_by_role("button", name="Add", exact=True).click()
    expect(error).to_have_text(re.compile(r"^Type a task first"))
    expect(quick).to_have_attribute("aria-invalid", "true")
    quick.fill("x" * 501)
    expect(error).to_be_hidden()
    quick.press("Enter")
    expect(error).to_have_text("A title can be at most 500 characters; this one has 501.")
    quick.fill("y" * 500)
    quick.press("Enter")
    expect(quick).to_have_value("")
    _, body = api_call(server.url, "GET", "/api/tasks", token=token_of(page))
    assert [len(t["title"]) for t in body["items"]] == [500]
    watch.assert_clean()
    context.close()


def test_a_taken_email_offers_sign_in_as_a_link_the_keyboard_reaches(server, browser, expect):
    context, page, watch = open_app(browser)
    email = new_email("taken")
    sign_up(page, server, expect, email)
    context.close()

    context, page, watch = open_app(browser)
    page.goto(server.url + "/signup")
    page.get_by_label("Email", exact=True).fill(email)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    watch.expect_error("status of 409")
    page.get_by_role("button", name="Create account").click()
    link = page.get_by_role("link", name="Sign in instead?")
    expect(link).to_be_visible()
    for _ in range(4):  # the keyboard reaches it: email field, password, time zone, …
        page.keyboard.press("Tab")
        if link.evaluate("a => a === document.activeElement"):
            break
    expect(link).to_be_focused()
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/signin$"))
    expect(page.get_by_role("heading", name="Welcome back")).to_be_visible()
    watch.assert_clean()
    context.close()


def test_an_all_day_task_shows_its_day_without_a_time_and_is_not_overdue_today(
    server, browser, expect
):
    context, page, watch = open_app(browser)
    sign_up(page, server, expect, new_email("allday"))
    token = token_of(page)
    today = datetime.now(ZoneInfo(ZONE)).date()
    add(server, token, title="Call mom", due_date=today.isoformat())
    add(server, token, title="Pay rent", due_date=(today - timedelta(days=1)).isoformat())
    page.goto(server.url + "/today")
    chip = row(page, "Call mom").locator(".due-chip")
    expect(chip).to_have_text(re.compile(r"^Today$"))
    expect(chip).not_to_have_class(re.compile("tone-overdue"))
    expect(row(page, "Pay rent").locator(".due-chip")).to_have_class(re.compile("tone-overdue"))
    row(page, "Call mom").get_by_role("button", name="Call mom", exact=True).click()
    dialog = page.get_by_role("dialog", name="Edit task")
    expect(dialog.get_by_label("Due time")).to_have_value("")  # empty time: still all day
    dialog.get_by_label("Due time").fill("18:30")
    dialog.get_by_role("button", name="Save").click()
    expect(chip).to_have_text(re.compile(r"^Today 18:30$"))
    watch.assert_clean()
    context.close()
