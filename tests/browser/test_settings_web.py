"""The settings page in Chromium (issue 17, item 7): API tokens, webhooks with their deliveries,
the calendar feed URL, import and export, and axe on every state of it."""

from __future__ import annotations

import json
import re
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from browser_harness import (
    DESKTOP,
    PHONE,
    ROOT,
    Server,
    api_call,
    assert_accessible,
    clean_env,
    new_email,
    open_app,
    shoot,
    sign_up,
    token_of,
)

from webhook_sink import WebhookSink

pytestmark = pytest.mark.browser
SIZES = {
    "desktop": {"viewport": DESKTOP},
    "phone": {"viewport": PHONE, "is_mobile": True, "has_touch": True},
}
BAD_CSV = b"TYPE,CONTENT,PRIORITY,DEADLINE\ntask,Buy milk,4,2031-03-10\ntask,Odd one,9,\n"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """`taskai dev` whose webhooks may reach 127.0.0.1 (the test sink), as the test settings allow."""
    env = clean_env(TASKAI_WEB_DIR=str(ROOT / "web"), WEBHOOK_ALLOW_HOSTS="127.0.0.1")
    running = Server(tmp_path_factory.mktemp("taskai-settings"), env)
    yield running
    running.stop()


def status_of(server: Any, url: str) -> int:
    """The HTTP status of a GET of `url`'s path on `server` (the URL names PUBLIC_URL's host)."""
    try:
        with urllib.request.urlopen(
            server.url + urllib.parse.urlsplit(url).path, timeout=10
        ) as response:
            return response.status
    except urllib.error.HTTPError as e:
        return e.code


def settings(page: Any, server: Any, expect: Any) -> None:
    page.goto(server.url + "/settings")
    expect(page.get_by_role("heading", level=1, name="Settings")).to_be_visible()


def card(page: Any, name: str) -> Any:
    return page.get_by_role("region", name=name, exact=True)


def test_tokens_webhooks_calendar_and_import_export_work_from_the_settings_page(
    server, browser, expect, tmp_path: Path
):
    context, page, watch = open_app(browser, permissions=["clipboard-read", "clipboard-write"])
    sign_up(page, server, expect, new_email("settings"))
    page.get_by_role("link", name="Settings", exact=True).click()
    expect(page.get_by_role("heading", level=1, name="Settings")).to_be_visible()
    session = token_of(page)

    # An API token: created with a scope, its secret shown once, usable, then revoked.
    tokens = card(page, "API tokens")
    tokens.get_by_label("Name", exact=True).fill("Backup script")
    tokens.get_by_role("button", name="Create token").click()
    secret = tokens.get_by_label("Token secret", exact=True)
    expect(secret).to_have_value(re.compile(r"^tai_"))
    expect(tokens.get_by_text("you won't see it again")).to_be_visible()
    key = secret.input_value()
    assert api_call(server.url, "GET", "/api/tasks", token=key)[0] == 200
    expect(tokens.locator(".settings-row", has_text="Backup script")).to_contain_text("tasks:read")
    tokens.get_by_role("button", name="Revoke token Backup script").click()
    page.get_by_role("dialog").get_by_role("button", name="Revoke").click()
    expect(tokens.get_by_text("No API tokens yet.")).to_be_visible()
    assert api_call(server.url, "GET", "/api/tasks", token=key)[0] == 401

    # A webhook to a local sink: a change of ours is delivered, signed, and its status shows.
    sink = WebhookSink()
    try:
        hooks = card(page, "Webhooks")
        hooks.get_by_label("URL", exact=True).fill("not a url")
        hooks.get_by_role("button", name="Add webhook").click()
        expect(hooks.locator(".field-error:visible").first).to_be_visible()
        hooks.get_by_label("URL", exact=True).fill(sink.url)
        hooks.get_by_role("button", name="Add webhook").click()
        signing = hooks.get_by_label("Signing secret", exact=True)
        expect(signing).to_have_value(re.compile(r"^whsec_"))
        sink.secret = signing.input_value()
        created = api_call(server.url, "POST", "/api/tasks", {"title": "Ping"}, session)
        assert created[0] == 201
        deadline = time.monotonic() + 10
        while not sink.calls:
            assert time.monotonic() < deadline, "no delivery reached the sink"
            time.sleep(0.2)
        assert sink.calls[0]["event"] is not None  # the signature checks out
        row = hooks.locator(".settings-row", has_text=sink.url)
        row.get_by_text("Recent deliveries").click()
        table = row.locator(".deliveries-table")
        for _ in range(20):
            if table.count() and "204" in table.inner_text():
                break
            row.get_by_role("button", name="Refresh deliveries").click()
            page.wait_for_timeout(300)
        expect(table.locator("tbody tr").first).to_contain_text("204")
        expect(table.locator("tbody tr").first).to_contain_text("delivered")
        assert_accessible(page, "settings with a webhook and its deliveries")
        row.get_by_role("button", name=f"Edit webhook {sink.url}").click()
        dialog = page.get_by_role("dialog", name="Edit webhook")
        dialog.get_by_label("All events", exact=True).uncheck()
        dialog.get_by_label("task.completed", exact=True).check()
        dialog.get_by_role("button", name="Save").click()
        expect(dialog).to_be_hidden()
        expect(row.locator(".chips")).to_have_text("task.completed")
        [hook] = api_call(server.url, "GET", "/api/webhooks", token=session)[1]["webhooks"]
        assert hook["event_types"] == ["com.taskai.task.completed"]
        path = f"/api/webhooks/{hook['id']}"
        assert api_call(server.url, "PATCH", path, {"enabled": False}, session)[0] == 200
        settings(page, server, expect)
        expect(row).to_contain_text("Disabled")
        row.get_by_role("button", name=f"Enable webhook {sink.url}").click()
        expect(row).to_contain_text("Enabled")
    finally:
        sink.close()

    # The calendar feed: created, copied, rotated (the old URL then 404s).
    calendar = card(page, "Calendar")
    calendar.get_by_role("button", name="Create feed URL").click()
    feed = calendar.get_by_label("Feed URL", exact=True)
    expect(feed).to_have_value(re.compile(r"/api/calendar/.+\.ics$"))
    old = feed.input_value()
    assert status_of(server, old) == 200
    calendar.get_by_role("button", name="Copy feed url").click()
    assert page.evaluate("navigator.clipboard.readText()") == old
    calendar.get_by_role("button", name="Rotate URL").click()
    page.get_by_role("dialog").get_by_role("button", name="Rotate").click()
    expect(feed).not_to_have_value(old)
    assert status_of(server, feed.input_value()) == 200 and status_of(server, old) == 404

    # Export to a file, import it back, and read the report; then a Todoist CSV with a bad row.
    transfer = card(page, "Import and export")
    with page.expect_download() as download:
        transfer.get_by_role("button", name="Download export").click()
    saved = tmp_path / "export.json"
    download.value.save_as(saved)
    document = json.loads(saved.read_text())
    assert [t["title"] for t in document["tasks"]] == ["Ping"]
    assert "whsec_" not in saved.read_text()
    transfer.get_by_label("File", exact=True).set_input_files(saved)
    transfer.get_by_role("button", name="Import", exact=True).click()
    report = transfer.locator(".import-report")
    expect(report.get_by_role("heading", name="Import report: export.json")).to_be_visible()
    expect(report).to_contain_text("Tasks1 created")
    expect(report).to_contain_text("Nothing was refused")
    transfer.get_by_label("Todoist's CSV export (.csv)", exact=True).check()
    csv = {"name": "Groceries.csv", "mimeType": "text/csv", "buffer": BAD_CSV}
    transfer.get_by_label("File", exact=True).set_input_files(csv)
    transfer.get_by_role("button", name="Import", exact=True).click()
    expect(report.get_by_role("heading", name="Import report: Groceries.csv")).to_be_visible()
    refused = report.locator(".rejected-table tbody tr")
    expect(refused).to_have_count(1)
    expect(refused.first).to_contain_text("Line 3")
    expect(refused.first).to_contain_text("PRIORITY")
    expect(report.locator(".import-notes li")).to_have_text(
        ["DEADLINE is not imported (1 row has one)"]
    )
    assert_accessible(page, "settings with an import report")
    watch.expect_error("401")
    watch.expect_error("422")  # the bad URL, on purpose
    watch.expect_error("404")
    watch.assert_clean()
    context.close()


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_the_settings_page_has_no_axe_violation(server, browser, expect, size, scheme):
    context, page, watch = open_app(browser, color_scheme=scheme, **SIZES[size])
    sign_up(page, server, expect, new_email("axe-settings"))
    page.goto(server.url + "/profile")
    link = page.get_by_role(
        "link", name="Settings: API tokens, webhooks, calendar feed, import and export"
    )
    expect(link).to_be_visible()
    assert_accessible(page, f"profile with its settings link ({size}, {scheme})")
    link.click()
    expect(page.get_by_role("heading", level=1, name="Settings")).to_be_visible()
    expect(card(page, "Calendar").get_by_role("button", name="Create feed URL")).to_be_visible()
    assert_accessible(page, f"settings, empty ({size}, {scheme})")
    tokens = card(page, "API tokens")
    tokens.get_by_role("button", name="Create token").click()  # no name: a field error
    expect(tokens.locator(".field-error:visible").first).to_be_visible()
    tokens.get_by_label("Name", exact=True).fill("CI")
    tokens.get_by_label("Expires on (optional)", exact=True).fill(
        (date.today() + timedelta(days=30)).isoformat()
    )
    tokens.get_by_role("button", name="Create token").click()
    expect(tokens.get_by_label("Token secret", exact=True)).to_be_visible()
    card(page, "Calendar").get_by_role("button", name="Create feed URL").click()
    expect(card(page, "Calendar").get_by_label("Feed URL", exact=True)).to_be_visible()
    assert_accessible(page, f"settings, filled ({size}, {scheme})")
    shoot(page, f"settings-{size}-{scheme}")
    watch.expect_error("422")  # the token without a name, on purpose
    watch.assert_clean()
    context.close()


def test_the_settings_texts_read_well_the_import_hint_the_empty_tokens_and_a_url_error(
    server, browser, expect
):
    context, page, watch = open_app(browser)
    sign_up(page, server, expect, new_email("settingstexts"))
    settings(page, server, expect)
    hint = card(page, "Import and export").get_by_text(re.compile("^At most 10 MB"))
    expect(hint).to_contain_text("skipped and listed in the report")
    expect(hint).to_contain_text("adds copies of its tasks")
    expect(hint).not_to_contain_text("at once or not at all")
    tokens = card(page, "API tokens")
    empty = tokens.get_by_text("No API tokens yet.")
    expect(empty).to_be_visible()
    above = tokens.get_by_text(re.compile("^A token lets a script")).bounding_box()
    gap = empty.bounding_box()["y"] - (above["y"] + above["height"])
    assert gap >= 8, gap
    hooks = card(page, "Webhooks")
    hooks.get_by_label("URL", exact=True).fill("http://example.com/hook")
    hooks.get_by_role("button", name="Add webhook").click()
    expect(hooks.locator(".field-error:visible").first).to_have_text(
        re.compile("^URL must use https")
    )
    watch.expect_error("422")  # the http URL, on purpose
    watch.assert_clean()
    context.close()
