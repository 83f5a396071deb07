"""Live push in Chromium (issue 17, item 3): two tabs of one account, a change in one shows in
the other in under a second through /api/stream; with the stream refused the app still updates
by polling; and the SSE parser it uses reads events however the chunks are cut."""

from __future__ import annotations

import json
import time
from typing import Any

import pytest
from browser_harness import api_call, new_email, open_app, row, sign_up, token_of

pytestmark = pytest.mark.browser


def requests_to(page: Any, path: str) -> list[float]:
    """When `page` asked for `path` (monotonic seconds), kept up to date."""
    seen: list[float] = []
    page.on("request", lambda r: path in r.url and seen.append(time.monotonic()))
    return seen


def test_a_change_in_one_tab_shows_in_the_other_in_under_a_second(server, browser, expect):
    context, first, watch = open_app(browser)
    sign_up(first, server, expect, new_email("live"))
    second = context.new_page()
    streams, polls = requests_to(second, "/api/stream"), requests_to(second, "/api/sync")
    second.goto(server.url + "/today")
    expect(second.get_by_role("heading", level=1, name="Today")).to_be_visible()
    deadline = time.monotonic() + 5
    while not streams and time.monotonic() < deadline:
        second.wait_for_timeout(50)
    assert streams, "the second tab never opened the stream"
    second.wait_for_timeout(300)  # its first message is in

    first.bring_to_front()
    quick = first.get_by_label("Quick add a task")
    quick.fill("Call the plumber today")
    started = time.monotonic()
    quick.press("Enter")
    second.bring_to_front()
    expect(row(second, "Call the plumber")).to_be_visible(timeout=1000)
    assert time.monotonic() - started < 1.0
    assert not [t for t in polls if t > started], "it came by polling, not by the stream"

    watch.assert_clean()
    context.close()


def test_with_the_stream_refused_the_app_still_updates_by_polling(server, browser, expect):
    context, page, watch = open_app(browser)
    refused: list[str] = []

    def refuse(route: Any) -> None:
        refused.append(route.request.url)
        route.fulfill(
            status=503,
            headers={"Retry-After": "60", "Content-Type": "application/json"},
            body=json.dumps({"error": {"code": "too_many_streams", "message": "full"}}),
        )

    context.route("**/api/stream*", refuse)
    watch.expect_error("503")  # the browser logs the refused request
    sign_up(page, server, expect, new_email("polled"))
    status, _ = api_call(
        server.url, "POST", "/api/ai/tasks", {"text": "Water the plants today"}, token_of(page)
    )
    assert status == 201
    expect(row(page, "Water the plants")).to_be_visible(timeout=6000)  # the 2.5 s polling
    assert refused, "the app never tried the stream"
    watch.assert_clean()
    context.close()


CHUNKED = """async (text) => {
  const { createParser } = await import('/js/sse.js');
  const runs = [];
  for (const size of [1, 2, 3, 7, text.length]) {
    const events = [];
    const parser = createParser((event) => events.push(event));
    for (let i = 0; i < text.length; i += size) parser.feed(text.slice(i, i + size));
    runs.push(events);
  }
  return runs;
}"""


def test_the_sse_parser_reads_events_however_the_chunks_are_cut(server, browser):
    context, page, _ = open_app(browser)
    page.goto(server.url + "/")
    text = (
        'id: 5\nevent: sync\ndata: {"a":1}\n\n'  # a message as /api/stream sends it
        ": heartbeat\n\n"  # a comment: no event
        "data:x\r\ndata: y\r\n\r\n"  # CRLF, no space after the colon, two data lines
        "event: ignored\n\n"  # no data: not dispatched
        "id: 7\rdata\r\r"  # CR line ends, a field without a colon
        "data: cut off"  # never ended: never dispatched
    )
    expected = [
        {"type": "sync", "data": '{"a":1}', "id": "5"},
        {"type": "message", "data": "x\ny", "id": "5"},
        {"type": "message", "data": "", "id": "7"},
    ]
    for events in page.evaluate(CHUNKED, text):
        assert events == expected
    context.close()
