"""The web app in a real Chromium against the real `taskai dev`: the whole user journey."""

from __future__ import annotations

import re
import time
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from browser_harness import (
    DESKTOP,
    PASSWORD,
    PHONE,
    ZONE,
    api_call,
    new_email,
    open_app,
    relative_label,
    row,
    shoot,
    sign_up,
    token_of,
)

pytestmark = pytest.mark.browser
GYM = "Gym every monday and thursday at 7am #health !high"
XSS = "<img src=x onerror=alert(1)>"


def today_here() -> Any:
    return datetime.now(ZoneInfo(ZONE)).date()


def test_a_user_plans_edits_completes_searches_and_stays_in_sync(server, browser, expect):
    context, page, watch = open_app(browser)
    sign_up(page, server, expect, new_email("ann"), name="Ann")
    expect(page.get_by_role("heading", name="Welcome, Ann! Add your first task")).to_be_visible()
    shoot(page, "desktop-welcome")

    # Quick add: chips appear while typing; Enter creates the task through /api/ai/tasks.
    page.keyboard.press("q")
    quick = page.get_by_label("Quick add a task")
    expect(quick).to_be_focused()
    page.keyboard.type(GYM, delay=8)
    preview = page.locator("#qa-preview")
    expect(preview.locator("[data-kind=title]")).to_have_text("Gym")
    expect(preview.locator("[data-kind=recurrence]")).to_have_text(
        "every week on Monday and Thursday"
    )
    expect(preview.locator("[data-kind=priority]")).to_have_text("High")
    expect(preview.locator("[data-kind=tag]")).to_have_text("#health")
    expect(preview.locator("[data-kind=due]")).to_contain_text("07:00")
    # What was understood is highlighted in the input itself.
    marks = page.locator("#qa-marks mark")
    expect(marks).to_have_text(["every monday and thursday", "at 7am", "#health", "!high"])
    expect(page.locator("#qa-marks mark[data-kind=recurrence]")).to_have_count(1)
    shoot(page, "desktop-quick-add-chips")
    page.keyboard.press("Enter")
    expect(quick).to_have_value("")
    expect(preview).to_be_empty()

    token = token_of(page)
    status, body = api_call(server.url, "GET", "/api/tasks", token=token)
    assert status == 200, body
    [gym] = body["items"]
    assert (gym["title"], gym["priority"]) == ("Gym", "high")
    assert gym["recurrence"]["rule"] == "FREQ=WEEKLY;BYDAY=MO,TH"
    assert [t["name"] for t in gym["tags"]] == ["health"]
    due = datetime.fromisoformat(gym["due_date"])
    assert due.strftime("%H:%M") == "07:00" and due.weekday() in (0, 3)
    expect(preview.locator("[data-kind=due]")).to_have_count(0)

    # The created task, as the list shows it: relative date, recurrence, tag chip in its color.
    page.get_by_role("link", name=re.compile(r"^All")).click()
    expect(page.get_by_role("heading", level=1, name="All tasks")).to_be_visible()
    gym_row = row(page, "Gym")
    expect(gym_row.locator(".due-chip")).to_have_text(relative_label(gym["due_date"], today_here()))
    expect(gym_row.locator(".recur")).to_have_text("every week on Monday and Thursday")
    expect(gym_row.locator(".tag-chip")).to_have_text("#health")
    assert (
        gym_row.locator(".tag-chip").evaluate(
            "e => getComputedStyle(e).getPropertyValue('--tag').trim()"
        )
        == gym["tags"][0]["color"]
    )
    expect(gym_row).to_have_class(re.compile(r"prio-high"))

    # A few more tasks made through the API, for a realistic list (overdue, today, no date).
    now = datetime.now(ZoneInfo(ZONE))
    for task in [
        {
            "title": "Call the plumber",
            "description": "Kitchen sink leaks",
            "tags": ["home"],
            "priority": "urgent",
            "due_date": (now - timedelta(days=1)).strftime("%Y-%m-%dT10:00:00"),
        },
        {
            "title": "Pay rent",
            "tags": ["home", "money"],
            "due_date": now.strftime("%Y-%m-%dT23:30:00"),
            "recurrence": {"preset": "monthly"},
            "reminders": [{"minutes_before": 60}],
        },
        {"title": "Read “Deep Work”", "priority": "low"},
    ]:
        assert api_call(server.url, "POST", "/api/tasks", task, token)[0] == 201
    expect(row(page, "Pay rent")).to_be_visible()  # arrives through /api/sync polling
    expect(row(page, "Call the plumber").locator(".due-chip")).to_have_class(
        re.compile("tone-overdue")
    )
    shoot(page, "desktop-all-tasks")

    # Edit: title, description, a reminder; the rule builder speaks while editing.
    page.get_by_role("button", name="Gym", exact=True).click()
    dialog = page.get_by_role("dialog", name="Edit task")
    expect(dialog).to_be_visible()
    dialog.get_by_label("Title").fill("Gym session")
    dialog.get_by_label("Description").fill("Legs and core")
    dialog.get_by_role("button", name="1 hour").click()
    repeat = dialog.get_by_label("Repeat", exact=True)
    repeat.select_option("custom")
    dialog.get_by_label("Interval").fill("2")
    dialog.get_by_text("Th", exact=True).click()  # untick Thursday
    dialog.get_by_text("We", exact=True).click()
    expect(dialog.locator(".recur-summary")).to_have_text("every 2 weeks on Monday and Wednesday")
    dialog.get_by_label("Repeat from the completion date").check()
    expect(dialog.locator(".recur-summary")).to_have_text(
        "every 2 weeks on Monday and Wednesday after completion"
    )
    shoot(page, "desktop-editor")
    dialog.get_by_label("Repeat from the completion date").uncheck()
    repeat.select_option("keep")
    dialog.get_by_role("button", name="Save").click()
    expect(dialog).to_be_hidden()
    expect(row(page, "Gym session").locator(".task-desc")).to_have_text("Legs and core")
    status, saved = api_call(server.url, "GET", f"/api/tasks/{gym['id']}", token=token)
    assert status == 200, saved
    assert saved["description"] == "Legs and core"
    assert [r["minutes_before"] for r in saved["reminders"]] == [60]
    assert saved["recurrence"]["rule"] == "FREQ=WEEKLY;BYDAY=MO,TH"

    # Complete: instant, then the next occurrence shows up.
    gym_row = page.locator(f"#main .task[data-id='{gym['id']}']")  # the next one may show at once
    gym_row.get_by_role("checkbox").click()
    expect(gym_row).to_have_class(re.compile(r"is-done"), timeout=300)
    expect(page.get_by_role("status").filter(has_text="Completed “Gym session”")).to_be_visible()
    series = []
    for _ in range(50):
        series = api_call(server.url, "GET", f"/api/tasks/{gym['id']}/series", token=token)[1][
            "items"
        ]
        if len(series) == 2:
            break
        page.wait_for_timeout(100)
    assert len(series) == 2 and series[0]["status"] == "completed"
    following = series[1]
    next_row = page.locator(f"#main .task[data-id='{following['id']}']")
    expect(next_row.locator(".due-chip")).to_have_text(
        relative_label(following["due_date"], today_here())
    )
    expect(page.locator(f"#main .task[data-id='{gym['id']}']")).to_have_count(0)
    expect(page.get_by_role("status").filter(has_text="Next “Gym session”")).to_be_visible()

    # Search (full text over title and description).
    page.keyboard.press("/")
    expect(page.get_by_label("Search tasks")).to_be_focused()
    page.keyboard.type("core")
    expect(page).to_have_url(re.compile(r"/search\?q=core$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Search: core")
    expect(row(page, "Gym session")).to_have_count(2)  # the open occurrence and the completed one
    expect(row(page, "Pay rent")).to_have_count(0)
    shoot(page, "desktop-search")
    page.get_by_label("Search tasks").press("Escape")
    expect(page).to_have_url(re.compile(r"/all$"))

    # Tag filter.
    page.get_by_label("Tag", exact=True).select_option("home")
    expect(page).to_have_url(re.compile(r"/all\?tag=home$"))
    expect(row(page, "Pay rent")).to_be_visible()
    expect(row(page, "Call the plumber")).to_be_visible()
    expect(row(page, "Gym session")).to_have_count(0)
    page.get_by_label("Priority", exact=True).select_option("urgent")
    expect(row(page, "Pay rent")).to_have_count(0)
    page.get_by_role("button", name="Clear filters").click()
    expect(row(page, "Gym session")).to_be_visible()
    row(page, "Gym session").get_by_role("button", name="Filter by tag health").click()
    expect(page.locator("#main .task")).to_have_count(1)
    page.get_by_role("button", name="Clear filters").click()

    # Text that looks like HTML stays text, and nothing runs.
    quick.fill(XSS)
    quick.press("Enter")
    expect(row(page, XSS)).to_be_visible()
    assert page.locator("#main img").count() == 0
    assert row(page, XSS).get_by_role("button").first.text_content() == XSS

    # A change made elsewhere (through the API) shows up in the open page, without a reload.
    page.evaluate("window.__sameDocument = true")
    status, made = api_call(
        server.url,
        "POST",
        "/api/tasks",
        {"title": "Made on another device", "tags": ["health"]},
        token,
    )
    assert status == 201
    expect(row(page, "Made on another device")).to_be_visible()
    [health] = [t for t in made["tags"] if t["name"] == "health"]
    api_call(
        server.url,
        "PATCH",
        f"/api/tags/{health['id']}",
        {"name": "fitness", "color": "#299438"},
        token,
    )
    expect(row(page, "Made on another device").locator(".tag-chip")).to_have_text("#fitness")
    api_call(server.url, "DELETE", f"/api/tasks/{made['id']}", token=token)
    expect(row(page, "Made on another device")).to_have_count(0)
    assert page.evaluate("window.__sameDocument") is True

    # A second user, in another browser context (a phone), sees nothing of the first.
    phone, other, other_watch = open_app(browser, viewport=PHONE, is_mobile=True, has_touch=True)
    sign_up(other, server, expect, new_email("bob"))
    expect(other.get_by_text("Welcome! Add your first task")).to_be_visible()
    shoot(other, "phone-welcome")
    other.get_by_role("button", name="Call mom tomorrow at 6pm").click()
    expect(other.locator("#qa-preview [data-kind=due]")).to_contain_text("Tomorrow 18:00")
    other.goto(server.url + "/all")
    expect(other.get_by_text("Welcome! Add your first task")).to_be_visible()
    expect(other.locator("#main .task")).to_have_count(0)
    other.goto(server.url + "/search?q=gym")
    expect(other.get_by_text("No matching tasks")).to_be_visible()
    other.goto(server.url + "/tags")
    expect(other.get_by_text("No tags yet")).to_be_visible()
    assert api_call(server.url, "GET", f"/api/tasks/{gym['id']}", token=token_of(other))[0] == 404

    shoot(page, "desktop-all-tasks-final")
    for watcher in (watch, other_watch):
        watcher.assert_clean()
    phone.close()
    context.close()


def test_sign_in_explains_a_wrong_password_and_an_expired_session(server, browser, expect):
    email = new_email("cleo")
    assert (
        api_call(
            server.url,
            "POST",
            "/api/auth/register",
            {"email": email, "password": PASSWORD, "timezone": ZONE},
        )[0]
        == 201
    )
    context, page, watch = open_app(browser)
    page.goto(server.url + "/signin")
    page.get_by_label("Email", exact=True).fill(email)
    page.get_by_label("Password", exact=True).fill("not my password")
    watch.expect_error("status of 401")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("alert")).to_have_text("Wrong email or password. Please try again.")
    shoot(page, "desktop-signin-wrong-password")
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", level=1, name="Today")).to_be_visible()

    page.evaluate(
        "localStorage.setItem('taskai.session', JSON.stringify({token: 'expired.or.revoked'}))"
    )
    page.reload()
    expect(page).to_have_url(re.compile(r"/signin$"))
    expect(page.get_by_role("alert")).to_have_text("Your session has ended. Please sign in again.")

    page.get_by_label("Email", exact=True).fill(email)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("button", name="Sign out").click()
    expect(page).to_have_url(re.compile(r"/signin$"))
    assert page.evaluate("localStorage.getItem('taskai.session')") is None
    watch.assert_clean()
    context.close()


def test_a_password_change_asks_for_the_current_one_and_sign_out_ends_the_session(
    server, browser, expect
):
    email = new_email("fay")
    context, page, watch = open_app(browser)
    sign_up(page, server, expect, email)
    page.goto(server.url + "/profile")
    page.get_by_label("Current password", exact=True).fill(PASSWORD)
    page.get_by_label("New password", exact=True).fill("violet kettle on the moor 7")
    page.get_by_role("button", name="Change password").click()
    expect(page.get_by_text("Password changed").first).to_be_visible()
    page.reload()  # still signed in, with the token issued for the new password
    expect(page.get_by_role("heading", level=1, name="Profile")).to_be_visible()
    token = page.evaluate("JSON.parse(localStorage.getItem('taskai.session')).token")
    page.get_by_role("button", name="Sign out").first.click()
    expect(page).to_have_url(re.compile(r"/signin$"))
    status = 0
    for _ in range(50):  # the logout request goes out as the page leaves
        status = api_call(server.url, "GET", "/api/tasks", token=token)[0]
        if status == 401:
            break
        time.sleep(0.1)
    assert status == 401
    assert api_call(server.url, "POST", "/api/auth/login",
                    {"email": email, "password": "violet kettle on the moor 7"})[0] == 200  # fmt: skip
    watch.assert_clean()
    context.close()


def test_api_field_errors_show_beside_the_field(server, browser, expect):
    context, page, watch = open_app(browser)
    sign_up(page, server, expect, new_email("dan"))
    quick = page.get_by_label("Quick add a task")
    quick.fill('"Read every day" tomorrow')
    expect(page.locator("#qa-preview [data-kind=title]")).to_have_text("Read every day")
    expect(page.locator("#qa-preview [data-kind=due]")).to_contain_text("Tomorrow")
    expect(page.locator("#qa-preview [data-kind=recurrence]")).to_have_count(0)
    # A doubtful reading is noted beside the chips; a draft that could not be saved says why.
    quick.fill("Meet Ann next friday")
    expect(page.locator("#qa-preview .qa-notes")).to_contain_text("Read 'next friday' as")
    quick.fill("Call about the budget #" + "b" * 60)
    expect(page.locator("#qa-preview .qa-refused")).to_have_text(  # in words, not the validator's
        "This would not be saved: Tag must be 1 to 50 characters."
    )
    quick.fill("Water the plants tomorrow at 8am")
    quick.press("Enter")
    page.get_by_role("link", name=re.compile(r"^Upcoming")).click()
    page.get_by_role("button", name="Water the plants", exact=True).click()
    dialog = page.get_by_role("dialog", name="Edit task")
    dialog.get_by_label("Title").fill("   ")
    watch.expect_error("status of 422")
    dialog.get_by_role("button", name="Save").click()
    title_field = dialog.locator("[data-field=title]")
    expect(title_field.locator(".field-error")).to_have_text("Title cannot be empty.")
    expect(dialog.get_by_label("Title")).to_have_attribute("aria-invalid", "true")
    expect(dialog.get_by_label("Title")).to_be_focused()
    shoot(page, "desktop-editor-field-errors")
    page.keyboard.press("Escape")
    expect(dialog).to_be_hidden()
    watch.assert_clean()
    context.close()


def test_tags_can_be_renamed_recolored_and_deleted(server, browser, expect):
    context, page, watch = open_app(browser)
    sign_up(page, server, expect, new_email("eve"))
    quick = page.get_by_label("Quick add a task")
    for text in ("Buy milk #errands", "Post the letter #errands #town"):
        quick.fill(text)
        quick.press("Enter")
        expect(quick).to_have_value("")
    page.get_by_role("link", name="Manage tags").click()
    expect(page.get_by_role("heading", level=1, name="Tags")).to_be_visible()
    name = page.get_by_label("Name of tag errands")
    expect(page.locator(".tag-row", has=name).locator(".tag-count")).to_have_text("2 open tasks")
    name.fill("shopping")
    name.press("Enter")
    expect(page.get_by_label("Name of tag shopping")).to_be_visible()
    page.get_by_label("Color of tag shopping").evaluate(
        "(e) => { e.value = '#884dff'; e.dispatchEvent(new Event('change', {bubbles: true})); }"
    )
    page.get_by_label("New tag").fill("someday")
    page.get_by_role("button", name="Add tag").click()
    expect(page.get_by_label("Name of tag someday")).to_be_visible()
    shoot(page, "desktop-tags")
    page.get_by_role("button", name="Delete tag town").click()
    page.get_by_role("dialog").get_by_role("button", name="Delete").click()
    expect(page.get_by_label("Name of tag town")).to_have_count(0)

    _, body = api_call(server.url, "GET", "/api/tags", token=token_of(page))
    assert {(t["name"], t["color"]) for t in body["items"]} >= {("shopping", "#884dff")}
    assert "town" not in {t["name"] for t in body["items"]}
    page.get_by_role("link", name=re.compile(r"^All")).click()
    expect(row(page, "Buy milk").locator(".tag-chip")).to_have_text("#shopping")
    expect(row(page, "Post the letter").locator(".tag-chip")).to_have_text("#shopping")

    # The editor's tag field autocompletes from /api/tags?q= and shows tags in their colors.
    page.get_by_role("button", name="Buy milk", exact=True).click()
    dialog = page.get_by_role("dialog", name="Edit task")
    tags = dialog.get_by_role("combobox", name="Tags")
    tags.press_sequentially("so")
    option = dialog.get_by_role("option", name=re.compile(r"someday"))
    expect(option).to_be_visible()
    expect(tags).to_have_attribute("aria-expanded", "true")
    tags.press("Enter")
    expect(dialog.get_by_role("list", name="Tags on this task").locator(".tag-chip")).to_have_text(
        ["#shopping", "#someday"]
    )
    dialog.get_by_role("button", name="Remove tag shopping").click()
    dialog.get_by_role("button", name="Save").click()
    expect(row(page, "Buy milk").locator(".tag-chip")).to_have_text("#someday")
    watch.assert_clean()
    context.close()


def test_the_profile_time_zone_moves_due_times_and_lists_every_zone(server, browser, expect):
    context, page, watch = open_app(browser)
    sign_up(page, server, expect, new_email("fay"))
    token = token_of(page)
    api_call(
        server.url,
        "POST",
        "/api/tasks",
        {"title": "Standup", "due_date": "2031-03-03T09:00:00"},
        token,
    )
    page.get_by_role("link", name=re.compile(r"^Upcoming")).click()
    expect(row(page, "Standup").locator(".due-chip")).to_have_text("Mon 3 Mar 2031 09:00")
    page.get_by_role("link", name=re.compile(r"ann|fay|@example.com")).click()
    zone = page.get_by_label("Time zone")
    assert zone.locator("option").count() > 300
    zone.select_option("Europe/Berlin")
    page.get_by_role("button", name="Save profile").click()
    expect(page.get_by_role("status").filter(has_text="Profile saved")).to_be_visible()
    shoot(page, "desktop-profile")
    page.get_by_role("link", name=re.compile(r"^Upcoming")).click()
    expect(row(page, "Standup").locator(".due-chip")).to_have_text("Mon 3 Mar 2031 15:00")
    # Quick add then reads the profile's language.
    page.get_by_role("link", name=re.compile(r"ann|fay|@example.com")).click()
    page.get_by_label("Quick add language").select_option("de")
    page.get_by_role("button", name="Save profile").click()
    expect(page.get_by_role("status").filter(has_text="Profile saved").first).to_be_visible()
    page.get_by_role("link", name=re.compile(r"^Upcoming")).click()
    page.get_by_label("Quick add a task").fill("Zahnarzt übermorgen um 17 Uhr")
    expect(page.locator("#qa-preview [data-kind=title]")).to_have_text("Zahnarzt")
    expect(page.locator("#qa-preview [data-kind=due]")).to_contain_text("17:00")
    watch.assert_clean()
    context.close()


def test_keyboard_only_moves_completes_and_edits(server, browser, expect):
    context, page, watch = open_app(browser)
    sign_up(page, server, expect, new_email("gus"))
    quick = page.get_by_label("Quick add a task")
    for text in ("First thing", "Second thing", "Third thing"):
        quick.fill(text)
        quick.press("Enter")
        expect(quick).to_have_value("")
    quick.press("Escape")
    page.keyboard.press("g")
    page.keyboard.press("n")
    expect(page).to_have_url(re.compile(r"/nodate$"))
    expect(page.locator("#main .task")).to_have_count(3)
    page.keyboard.press("j")
    first = page.locator("#main .task").nth(0)
    expect(first).to_be_focused()
    page.keyboard.press("ArrowDown")
    second_title = page.locator("#main .task").nth(1).locator(".task-title").text_content()
    expect(page.locator("#main .task").nth(1)).to_be_focused()
    page.keyboard.press("x")
    expect(row(page, second_title)).to_have_count(0)
    expect(page.locator("#main .task")).to_have_count(2)
    page.keyboard.press("e")
    expect(page.get_by_role("dialog", name="Edit task")).to_be_visible()
    page.keyboard.press("Escape")
    page.keyboard.press("?")
    help_dialog = page.get_by_role("dialog", name="Keyboard shortcuts")
    expect(help_dialog).to_be_visible()
    shoot(page, "desktop-shortcuts")
    page.keyboard.press("Escape")
    expect(help_dialog).to_be_hidden()
    page.get_by_label("Status", exact=True).select_option("completed")
    expect(page.locator("#main .task")).to_have_count(1)
    expect(row(page, second_title)).to_have_class(re.compile("is-done"))
    page.get_by_role("link", name="Completed").click()
    expect(row(page, second_title)).to_be_visible()

    # When the API refuses a completion, the task comes back with a message.
    page.route(
        "**/api/tasks/*/complete",
        lambda route: route.fulfill(
            status=409,
            content_type="application/json",
            body='{"error": {"code": "conflict", "message": "the task changed meanwhile"}}',
        ),
    )
    watch.expect_error("status of 409")
    page.get_by_role("link", name="No date").click()
    first_title = page.locator("#main .task").nth(0).locator(".task-title").text_content()
    row(page, first_title).get_by_role("checkbox").click()
    expect(page.get_by_role("alert").filter(has_text="the task changed meanwhile")).to_be_visible()
    expect(row(page, first_title).get_by_role("checkbox")).not_to_be_checked()
    expect(page.locator("#main .task")).to_have_count(2)
    watch.assert_clean()
    context.close()


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_screens_fit_a_360_px_phone(server, browser, expect, scheme):
    context, page, watch = open_app(
        browser, viewport=PHONE, is_mobile=True, has_touch=True, color_scheme=scheme
    )
    page.goto(server.url + "/")
    shoot(page, f"phone-{scheme}-signup")
    sign_up(page, server, expect, new_email("hal"))
    token = token_of(page)
    now = datetime.now(ZoneInfo(ZONE))
    for task in [
        {
            "title": "Renew passport",
            "priority": "urgent",
            "tags": ["admin"],
            "due_date": (now - timedelta(days=2)).strftime("%Y-%m-%dT12:00:00"),
        },
        {
            "title": "Morning run",
            "tags": ["health"],
            "due_date": now.strftime("%Y-%m-%dT23:00:00"),
            "recurrence": {"preset": "daily"},
        },
        {
            "title": "Team sync",
            "priority": "high",
            "tags": ["work"],
            "due_date": (now + timedelta(days=1)).strftime("%Y-%m-%dT10:30:00"),
            "reminders": [{"minutes_before": 15}],
        },
        {
            "title": "Plan the summer holiday with the whole family",
            "description": "Flights, hotel, the car",
            "tags": ["home"],
            "due_date": (now + timedelta(days=9)).strftime("%Y-%m-%dT19:00:00"),
        },
    ]:
        assert api_call(server.url, "POST", "/api/tasks", task, token)[0] == 201
    page.goto(server.url + "/all")
    expect(row(page, "Team sync")).to_be_visible()
    assert page.evaluate("[innerWidth, document.documentElement.scrollWidth]") == [
        360,
        360,
    ]  # nothing overflows
    shoot(page, f"phone-{scheme}-all-tasks")
    page.get_by_role("button", name="Menu", exact=True).click()
    expect(page.get_by_role("navigation", name="Main")).to_be_visible()
    shoot(page, f"phone-{scheme}-menu")
    page.get_by_role("link", name=re.compile(r"^Today")).click()
    expect(page.get_by_role("heading", level=1, name="Today")).to_be_visible()
    page.get_by_label("Quick add a task").fill(
        "Dentist next friday at 4pm #health remind me 1 day before"
    )
    expect(page.locator("#qa-preview [data-kind=reminder]")).to_have_text("1 day before")
    shoot(page, f"phone-{scheme}-quick-add")
    page.get_by_role("button", name="Renew passport", exact=True).click()
    expect(page.get_by_role("dialog", name="Edit task")).to_be_visible()
    shoot(page, f"phone-{scheme}-editor")
    page.keyboard.press("Escape")
    if scheme == "dark":
        context.close()
        return
    page.set_viewport_size(DESKTOP)
    page.emulate_media(color_scheme="dark")
    page.goto(server.url + "/all")
    expect(row(page, "Team sync")).to_be_visible()
    shoot(page, "desktop-dark-all-tasks")
    watch.assert_clean()
    context.close()


def test_the_app_is_served_with_a_strict_policy_and_no_build_step(server):
    status, _ = api_call(server.url, "GET", "/health")
    assert status == 200
    import urllib.request

    with urllib.request.urlopen(server.url + "/today") as response:
        policy = response.headers["Content-Security-Policy"]
        html = response.read().decode()
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy
    assert '<script type="module" src="/js/main.js">' in html
    assert "style=" not in html and "onclick" not in html.lower()
    web = Path(__file__).resolve().parents[2] / "web"
    for module in (web / "js").rglob("*.js"):
        text = module.read_text()
        assert text.startswith("// "), f"{module.name} starts without a one-line comment"
        assert ".innerHTML" not in text and "insertAdjacentHTML" not in text, module.name


def test_enter_in_the_search_box_on_the_results_page_searches_the_new_words(
    server, browser, expect
):
    context, page, watch = open_app(browser)
    sign_up(page, server, expect, new_email("research"))
    token = token_of(page)
    for title in ["Fix repo", "Call the plumber"]:
        assert api_call(server.url, "POST", "/api/tasks", {"title": title}, token)[0] == 201
    box = page.get_by_label("Search tasks")
    box.fill("repo")
    box.press("Enter")
    expect(page).to_have_url(re.compile(r"/search\?q=repo$"))
    expect(row(page, "Fix repo")).to_be_visible()
    box.select_text()
    page.keyboard.type("plumb")
    page.keyboard.press("Enter")  # at once, within the typing's debounce
    expect(page).to_have_url(re.compile(r"/search\?q=plumb$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Search: plumb")
    expect(row(page, "Call the plumber")).to_be_visible()
    expect(row(page, "Fix repo")).to_have_count(0)
    watch.assert_clean()
    context.close()
