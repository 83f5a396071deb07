"""axe-core on every screen of the web app, at desktop and phone width: zero violations."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from browser_harness import (
    SIZES,
    ZONE,
    api_call,
    assert_accessible,
    new_email,
    open_app,
    row,
    sign_up,
    token_of,
)

pytestmark = pytest.mark.browser


def seed(server: Any, token: str) -> None:
    """Tasks of every look: overdue and urgent, recurring with a reminder, done, tagged in each color."""
    now = datetime.now(ZoneInfo(ZONE))
    tasks = [
        {
            "title": "Renew passport",
            "priority": "urgent",
            "tags": ["admin"],
            "due_date": (now - timedelta(days=2)).strftime("%Y-%m-%dT12:00:00"),
        },
        {
            "title": "Morning run",
            "tags": ["health"],
            "recurrence": {"preset": "daily"},
            "due_date": now.strftime("%Y-%m-%dT23:00:00"),
        },
        {
            "title": "Team sync",
            "priority": "high",
            "tags": ["work"],
            "reminders": [{"minutes_before": 15}],
            "due_date": (now + timedelta(days=1)).strftime("%Y-%m-%dT10:30:00"),
        },
        {
            "title": "Plan the holiday",
            "description": "Flights, hotel",
            "priority": "low",
            "tags": ["home"],
            "due_date": (now + timedelta(days=9)).strftime("%Y-%m-%dT19:00:00"),
        },
        {"title": "Read a book", "status": "in_progress"},
        {"title": "Posted the letter", "status": "completed"},
    ]
    for task in tasks:
        assert api_call(server.url, "POST", "/api/tasks", task, token)[0] == 201
    for index, color in enumerate(
        ["#db4035", "#ff9933", "#fad000", "#7ecc49", "#299438", "#14aaf5", "#4073ff", "#884dff"]
    ):
        body = {"title": f"Colored {index}", "tags": [f"c{index}"]}
        assert api_call(server.url, "POST", "/api/tasks", body, token)[0] == 201
        _, tags = api_call(server.url, "GET", f"/api/tags?q=c{index}", token=token)
        api_call(
            server.url, "PATCH", f"/api/tags/{tags['items'][0]['id']}", {"color": color}, token
        )


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_every_screen_has_no_axe_violation(server, browser, expect, size, scheme):
    context, page, watch = open_app(browser, color_scheme=scheme, **SIZES[size])
    page.goto(server.url + "/signup")
    page.get_by_role("button", name="Create account").click()  # the form with its errors
    expect(page.locator(".field-error:visible").first).to_be_visible()
    assert_accessible(page, "sign-up with errors")
    page.get_by_role("link", name="Sign in").click()
    expect(page.get_by_role("heading", name="Welcome back")).to_be_visible()
    assert_accessible(page, "sign-in")

    sign_up(page, server, expect, new_email("axe"))
    assert_accessible(page, "today, empty")
    page.get_by_role("button", name="Add", exact=True).click()
    expect(page.locator(".quick-add .field-error")).to_be_visible()
    assert_accessible(page, "quick add with an error")

    seed(server, token_of(page))
    page.goto(server.url + "/all")
    expect(row(page, "Team sync")).to_be_visible()
    assert_accessible(page, "all tasks")
    page.goto(server.url + "/completed")
    expect(row(page, "Posted the letter")).to_be_visible()
    assert_accessible(page, "completed")
    page.goto(server.url + "/today")
    expect(row(page, "Renew passport")).to_be_visible()
    assert_accessible(page, "today, full")

    page.get_by_role("button", name="Renew passport", exact=True).click()
    dialog = page.get_by_role("dialog", name="Edit task")
    expect(dialog).to_be_visible()
    assert_accessible(page, "editor")
    dialog.get_by_role("combobox", name="Tags").fill("c")
    expect(dialog.get_by_role("listbox")).to_be_visible()
    assert_accessible(page, "tag autocomplete open")
    page.keyboard.press("Escape")
    page.keyboard.press("Escape")
    expect(dialog).to_be_hidden()

    page.get_by_label("Quick add a task").fill(
        "Dentist next friday at 4pm #health !high remind me 1 day before"
    )
    expect(page.locator("#qa-preview [data-kind=reminder]")).to_be_visible()
    assert_accessible(page, "quick add preview")

    for path, heading in [("/tags", "Tags"), ("/profile", "Profile")]:
        page.goto(server.url + path)
        expect(page.get_by_role("heading", level=1, name=heading)).to_be_visible()
        assert_accessible(page, heading)
    if size == "phone":
        page.get_by_role("button", name="Menu", exact=True).click()
        expect(page.get_by_role("navigation", name="Main")).to_be_visible()
        assert_accessible(page, "menu")
    else:
        page.keyboard.press("?")
        expect(page.get_by_role("dialog", name="Keyboard shortcuts")).to_be_visible()
        assert_accessible(page, "shortcuts")
    watch.assert_clean()
    context.close()
