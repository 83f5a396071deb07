"""Settings → Notifications and the service worker in Chromium (issue 17, Web Push): the section
renders accessibly with notifications allowed, the worker registers at scope /, and a push
delivered to it through CDP (headless Chromium cannot reach a real push service) shows a
notification with the reminder's title."""

from __future__ import annotations

import json
import re
import time
import urllib.request
from typing import Any

import pytest
from browser_harness import DESKTOP, PHONE, assert_accessible, new_email, open_app, sign_up

pytestmark = pytest.mark.browser
SIZES = {
    "desktop": {"viewport": DESKTOP},
    "phone": {"viewport": PHONE, "is_mobile": True, "has_touch": True},
}
NOTIFICATIONS = """navigator.serviceWorker.ready
  .then((r) => r.getNotifications())
  .then((all) => all.map((n) => ({ title: n.title, body: n.body, tag: n.tag, data: n.data })))"""


def open_settings(browser: Any, server: Any, expect: Any, **options: Any) -> tuple[Any, Any, Any]:
    """A new account's Settings page, notifications allowed, with the section's state shown."""
    context, page, watch = open_app(browser, permissions=["notifications"], **options)
    sign_up(page, server, expect, new_email("push"))
    page.goto(server.url + "/settings")
    section = page.locator("#settings-push")  # the settings page's card of the section
    expect(section.get_by_role("heading", level=2, name="Notifications")).to_be_visible()
    expect(section.get_by_role("status")).to_have_text("Off in this browser.")
    expect(section.get_by_role("button", name="Turn on notifications")).to_be_visible()
    return context, page, watch


@pytest.mark.parametrize("size", ["desktop", "phone"])
@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_the_notifications_section_has_no_accessibility_violations(
    server, browser, expect, size, scheme
):
    context, page, watch = open_settings(
        browser, server, expect, color_scheme=scheme, **SIZES[size]
    )
    assert_accessible(page, f"settings notifications ({size}, {scheme})")
    watch.assert_clean()
    context.close()


def test_the_service_worker_shows_a_pushed_reminder_as_a_notification(server, browser, expect):
    context, page, watch = open_settings(browser, server, expect)
    scope = page.evaluate("navigator.serviceWorker.ready.then((r) => r.scope)")
    assert scope == server.url + "/"
    cdp = context.new_cdp_session(page)
    registrations: list[dict[str, Any]] = []
    cdp.on(
        "ServiceWorker.workerRegistrationUpdated",
        lambda e: registrations.extend(e["registrations"]),
    )
    cdp.send("ServiceWorker.enable")
    deadline = time.monotonic() + 5
    while not any(r["scopeURL"] == scope for r in registrations):
        assert time.monotonic() < deadline, registrations
        page.wait_for_timeout(100)
    [registration_id] = {r["registrationId"] for r in registrations if r["scopeURL"] == scope}
    reminder = {"task_id": "3f0b8f0e-0000-4000-8000-000000000001", "title": "Pay rent",
                "due": "2031-02-01T09:00:00-05:00"}  # fmt: skip
    push = {"origin": server.url, "registrationId": registration_id, "data": json.dumps(reminder)}
    shown: list[dict[str, Any]] = []
    for _ in range(5):  # a push to a worker still starting may be dropped: same tag, so resend
        cdp.send("ServiceWorker.deliverPushMessage", push)
        deadline = time.monotonic() + 3
        while not (shown := page.evaluate(NOTIFICATIONS)) and time.monotonic() < deadline:
            page.wait_for_timeout(100)
        if shown:
            break
    assert shown, "no notification was shown"
    [notification] = shown
    assert notification["title"] == "Pay rent"
    assert notification["body"].startswith("Due ")
    assert notification["tag"] == f"task-{reminder['task_id']}"
    assert notification["data"] == {"task_id": reminder["task_id"]}
    watch.assert_clean()
    context.close()


def test_the_service_worker_is_served_so_that_it_updates(server):
    with urllib.request.urlopen(server.url + "/sw.js") as response:
        assert response.headers["Content-Type"].split(";")[0] in (
            "text/javascript",
            "application/javascript",
        )
        assert response.headers["Cache-Control"] == "no-cache"
        assert b"notificationclick" in response.read()


# This browser's push service, stood in for: subscribing never answers (a browser whose push
# service is unreachable), and the subscription found at sign-out records its unsubscribe.
PUSH_SERVICE_STAND_IN = """
PushManager.prototype.subscribe = () => new Promise(() => {});
PushManager.prototype.getSubscription = async () => (window.__subscribed ? {
  endpoint: 'https://push.example.com/x',
  unsubscribe: async () => { window.__unsubscribed = true; return true; },
} : null);
"""


def test_turning_on_shows_it_is_busy_and_signing_out_unsubscribes_this_browser(
    server, browser, expect
):
    context, page, watch = open_settings(browser, server, expect)
    context.add_init_script(PUSH_SERVICE_STAND_IN)
    page.reload()
    section = page.locator("#settings-push")
    turn_on = section.get_by_role("button", name="Turn on notifications")
    turn_on.click()
    expect(section.get_by_role("status")).to_have_text("Turning on…")
    expect(turn_on).to_be_disabled()  # not clickable again while the push service is asked

    page.goto(server.url + "/profile")
    expect(page.get_by_role("button", name="Sign out").first).to_be_visible()
    page.evaluate("window.__subscribed = true")  # as if subscribing had worked
    page.get_by_role("button", name="Sign out").first.click()
    expect(page).to_have_url(re.compile(r"/signin$"))
    deadline = time.monotonic() + 5
    while not page.evaluate("window.__unsubscribed === true"):  # CSP: no wait_for_function
        assert time.monotonic() < deadline, "signing out left this browser subscribed"
        time.sleep(0.1)
    watch.assert_clean()
    context.close()
