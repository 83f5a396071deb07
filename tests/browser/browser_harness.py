"""What the browser tests share: the real `taskai dev`, Chromium via Playwright, page watchers."""

from __future__ import annotations

import json
import os
import re
import sys
import threading
import time
import urllib.error
import urllib.request
import uuid
from datetime import date, datetime
from pathlib import Path
from typing import Any

from support import need

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "artifacts" / "screenshots"
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
ZONE = "America/New_York"
DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 360, "height": 740}
PHONE_390 = {"width": 390, "height": 844}
# The two widths the project, subtask and accessibility tests check each screen at.
SIZES = {
    "desktop": {"viewport": DESKTOP},
    "phone": {"viewport": PHONE_390, "is_mobile": True, "has_touch": True},
}
PASSWORD = "correct horse"

sys.path.insert(0, str(ROOT / "tests" / "e2e"))
from test_dev_server import Server, clean_env  # noqa: E402  (the README's run command, as e2e runs it)


def open_app(
    browser: Any, *, viewport: dict[str, int] = DESKTOP, locale: str = "en-GB", **options: Any
) -> tuple[Any, Any, Watch]:
    """A fresh context (zone ZONE, `locale` for dates and times) with its watcher and one page."""
    context = browser.new_context(viewport=viewport, timezone_id=ZONE, locale=locale, **options)
    watch = Watch(context)
    page = context.new_page()
    return context, page, watch


def sign_up(page: Any, server: Any, expect: Any, email: str, name: str = "") -> None:
    """Create an account through the sign-up form and land on Today."""
    page.goto(server.url + "/")
    expect(page).to_have_url(re.compile(r"/signup$"))
    if name:
        page.get_by_label("Name (optional)").fill(name)
    page.get_by_label("Email", exact=True).fill(email)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    expect(page.get_by_label("Time zone")).to_have_value(ZONE)
    page.get_by_role("button", name="Create account").click()
    expect(page.get_by_role("heading", level=1, name="Today")).to_be_visible()
    expect(page).to_have_url(re.compile(r"/today$"))


def row(page: Any, title: str) -> Any:
    """The list row (<li class=task>) of the task titled exactly `title`."""
    return page.locator("#main .task", has=page.get_by_role("button", name=title, exact=True))


def assert_accessible(page: Any, screen: str) -> None:
    """axe-core (WCAG 2.x A and AA and best practices) finds no violation on the page as it is now."""
    from axe_playwright_python.sync_playwright import Axe

    page.wait_for_timeout(250)  # let transitions settle: axe measures colours mid-fade otherwise
    results = Axe().run(page)
    assert results.violations_count == 0, f"{screen}: {results.generate_report()}"


def start_server(cwd: Path) -> Server:
    """`taskai dev` serving web/ and the API; its log is drained so a chatty server never blocks."""
    # Live push: the whole run's pages share this one server, so it may hold more streams than
    # the default 8 (a closed page's stream lets go of its slot only at the next poll).
    server = Server(cwd, clean_env(TASKAI_WEB_DIR=str(ROOT / "web"), STREAM_MAX_PER_PROCESS="64"))
    assert server.process.stderr is not None
    threading.Thread(target=lambda: server.log.extend(server.process.stderr), daemon=True).start()  # type: ignore[arg-type]
    return server


def launch_chromium(playwright: Any) -> Any:
    """Debian's Chromium, headless; never a browser downloaded by `playwright install`."""
    need("chromium", Path(CHROMIUM).is_file(), f"no Chromium at {CHROMIUM} (set CHROMIUM_PATH)")
    return playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)


def sync_playwright_or_skip() -> Any:
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        need("chromium", False, "the Python package playwright is not installed")
        raise
    return sync_playwright


class Watch:
    """Everything a page must not do: console errors, uncaught errors, CSP violations, dialogs."""

    def __init__(self, context: Any) -> None:
        self.errors: list[str] = []
        self.violations: list[str] = []
        self.dialogs: list[str] = []
        self.allowed: list[str] = []
        context.expose_binding("__taskaiCsp", lambda _source, text: self.violations.append(text))
        context.add_init_script(
            "document.addEventListener('securitypolicyviolation', (e) =>"
            " window.__taskaiCsp(e.violatedDirective + ' ' + e.blockedURI + ' ' + (e.sample || '')));"
        )
        context.on("page", self.attach)

    def attach(self, page: Any) -> None:
        page.on("console", lambda m: m.type == "error" and self.errors.append(m.text))
        page.on("pageerror", lambda e: self.errors.append(f"uncaught: {e}"))
        page.on("dialog", self._dialog)

    def _dialog(self, dialog: Any) -> None:
        self.dialogs.append(f"{dialog.type}: {dialog.message}")
        dialog.dismiss()

    def expect_error(self, fragment: str) -> None:
        """An error the step provokes on purpose (e.g. the browser logging a 401 response)."""
        self.allowed.append(fragment)

    def assert_clean(self) -> None:
        unexpected = [e for e in self.errors if not any(a in e for a in self.allowed)]
        assert not unexpected, f"console errors: {unexpected}"
        assert not self.violations, f"CSP violations: {self.violations}"
        assert not self.dialogs, f"dialogs opened: {self.dialogs}"


def shoot(page: Any, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.wait_for_timeout(250)  # let transitions settle
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"))


def new_email(who: str) -> str:
    return f"{who}-{uuid.uuid4().hex[:8]}@example.com"


def api_call(
    url: str, method: str, path: str, body: Any = None, token: str | None = None
) -> tuple[int, Any]:
    headers = {"Content-Type": "application/json"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(url + path, data=data, headers=headers, method=method)
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            raw = response.read()
            return response.status, json.loads(raw) if raw else None
    except urllib.error.HTTPError as e:
        return e.code, json.loads(e.read() or b"null")


def token_of(page: Any) -> str:
    return page.evaluate("JSON.parse(localStorage.getItem('taskai.session')).token")


WEEKDAYS = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]


def relative_label(moment: str, today: date) -> str:
    """What the app shows for a due date: 'Today 09:00', 'Tomorrow 07:00', 'Mon 3 Mar 07:00'."""
    due = datetime.fromisoformat(moment)
    days = (due.date() - today).days
    if days == 0:
        day = "Today"
    elif days == 1:
        day = "Tomorrow"
    elif days == -1:
        day = "Yesterday"
    else:
        day = f"{WEEKDAYS[due.weekday()]} {due.day} {MONTHS[due.month - 1]}"
        if due.year != today.year:
            day += f" {due.year}"
    return f"{day} {due:%H:%M}"


def call(server: Any, token: str, method: str, path: str, body: Any = None) -> Any:
    """An API call that must succeed; its answer."""
    status, answer = api_call(server.url, method, path, body, token)
    assert status < 300, (status, answer)
    return answer


def eventually(check: Any, seconds: float = 8) -> None:
    """Wait until `check()` is true (the app writes through the API in the background)."""
    deadline = time.monotonic() + seconds
    while not check():
        assert time.monotonic() < deadline, "the API never showed the change"
        time.sleep(0.2)
