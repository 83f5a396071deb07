"""Fixtures of the browser tests: one `taskai dev` and one Chromium for the whole run."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from browser_harness import launch_chromium, start_server, sync_playwright_or_skip


@pytest.fixture(scope="session")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """The README's `taskai dev` on a free port, stopped after the run."""
    running = start_server(tmp_path_factory.mktemp("taskai-dev"))
    yield running
    running.stop()


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """Debian's Chromium, headless, shared by every test (each opens its own context)."""
    with sync_playwright_or_skip()() as playwright:
        chromium = launch_chromium(playwright)
        yield chromium
        chromium.close()


@pytest.fixture(scope="session")
def expect() -> Any:
    """Playwright's expect, waiting up to 7 s."""
    from playwright.sync_api import expect

    expect.set_options(timeout=7000)
    return expect
