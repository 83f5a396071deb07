"""Filters, sorting, full-text search and cursor pagination of GET /api/tasks."""

from __future__ import annotations

import pytest


def titles(response):
    assert response.status_code == 200, response.json
    return [task["title"] for task in response.json["items"]]


def make(user, title, **fields):
    response = user.post("/api/tasks", {"title": title, **fields})
    assert response.status_code == 201, response.json
    return response.json


@pytest.fixture
def board(alice):
    make(alice, "Past due", due_date="2001-01-01T09:00:00", priority="high", tags=["work"])
    make(alice, "Soon", due_date="2031-01-02T09:00:00", priority="low", tags=["work", "home"])
    make(alice, "Later", due_date="2032-01-02T09:00:00", priority="urgent", tags=["home"])
    make(alice, "Someday", tags=["ideas"])
    done = make(alice, "Done already", due_date="2001-02-01T09:00:00")
    alice.post(f"/api/tasks/{done['id']}/complete")
    make(alice, "Weekly review", due_date="2031-01-03T09:00:00", recurrence={"preset": "weekly"})
    return alice


def test_filters_by_status_and_priority_take_several_values(board):
    assert titles(board.get("/api/tasks?status=completed")) == ["Done already"]
    assert set(titles(board.get("/api/tasks?priority=high,urgent"))) == {"Past due", "Later"}
    assert set(titles(board.get("/api/tasks?priority=high&priority=low"))) == {"Past due", "Soon"}


def test_tag_filter_matches_any_by_default_and_all_on_request(board):
    assert set(titles(board.get("/api/tasks?tag=work,home"))) == {"Past due", "Soon", "Later"}
    assert titles(board.get("/api/tasks?tag=WORK,home&tag_mode=all")) == ["Soon"]


@pytest.mark.parametrize("query", ["tag=&tag=", "tag=work,,home", "status=", "priority=high,"])
def test_an_empty_item_of_a_list_filter_is_422_naming_the_parameter(board, query):
    response = board.get(f"/api/tasks?{query}")
    field = query.split("=")[0]
    assert response.status_code == 422 and any(
        name.split(".")[0] == field for name in response.json["error"]["fields"]
    ), response.json


def test_due_range_overdue_no_date_and_recurring_filters(board):
    assert set(
        titles(
            board.get("/api/tasks?due_after=2031-01-01T00:00:00Z&due_before=2031-12-31T00:00:00Z")
        )
    ) == {"Soon", "Weekly review"}
    assert titles(board.get("/api/tasks?overdue=true")) == ["Past due"]
    assert titles(board.get("/api/tasks?no_due=true")) == ["Someday"]
    assert titles(board.get("/api/tasks?recurring=true")) == ["Weekly review"]
    assert "Weekly review" not in titles(board.get("/api/tasks?recurring=false"))


def test_sort_by_due_puts_tasks_without_a_date_last(board):
    assert titles(board.get("/api/tasks?sort=due")) == [
        "Past due",
        "Done already",
        "Soon",
        "Weekly review",
        "Later",
        "Someday",
    ]


def test_sort_by_due_descending_also_puts_tasks_without_a_date_last_across_pages(board):
    first = board.get("/api/tasks?sort=due&order=desc&limit=4")
    rest = board.get(f"/api/tasks?sort=due&order=desc&limit=4&cursor={first.json['next_cursor']}")
    assert titles(first) + titles(rest) == [
        "Later",
        "Weekly review",
        "Soon",
        "Done already",
        "Past due",
        "Someday",
    ]


def test_sort_by_priority_descending_puts_urgent_first(board):
    assert titles(board.get("/api/tasks?sort=priority&order=desc&status=pending"))[:2] == [
        "Later",
        "Past due",
    ]


def test_sort_by_title_ignores_case(alice):
    for title in ("banana", "Apple", "cherry"):
        make(alice, title)
    assert titles(alice.get("/api/tasks?sort=title")) == ["Apple", "banana", "cherry"]


def test_a_bad_filter_value_or_an_unknown_parameter_is_422(board):
    for query in (
        "status=finished",
        "sort=colour",
        "limit=0",
        "limit=1000",
        "overdue=maybe",
        "due_before=tomorrow",
        "colour=red",
    ):
        response = board.get(f"/api/tasks?{query}")
        assert response.status_code == 422, query
        assert response.json["error"]["fields"], query


def test_search_finds_words_in_title_and_description_and_stems_them(alice):
    make(alice, "Call the plumber", description="the kitchen sink is leaking")
    make(alice, "Buy groceries", description="milk, eggs")
    assert titles(alice.get("/api/tasks?q=sink")) == ["Call the plumber"]
    assert titles(alice.get("/api/tasks?q=leak")) == ["Call the plumber"]
    assert titles(alice.get("/api/tasks?q=PLUMBER kitchen")) == ["Call the plumber"]
    assert titles(alice.get("/api/tasks?q=unicorn")) == []


def test_a_title_match_outranks_a_description_match(alice):
    make(alice, "Shopping list", description="remember the invoice")
    make(alice, "Invoice for March", description="send it to accounting")
    make(alice, "Unrelated", description="nothing here")
    assert titles(alice.get("/api/tasks?q=invoice")) == ["Invoice for March", "Shopping list"]


def test_search_combines_with_filters_and_stays_private(alice, bob):
    make(alice, "Report draft", priority="high")
    make(alice, "Report final", priority="low")
    make(bob, "Report of bob")
    assert titles(alice.get("/api/tasks?q=report&priority=high")) == ["Report draft"]
    assert titles(bob.get("/api/tasks?q=report")) == ["Report of bob"]


def test_search_with_punctuation_only_is_refused_or_empty_never_an_error(alice):
    make(alice, "Something")
    response = alice.get("/api/tasks?q=%22%22%20%2A")
    assert response.status_code in (200, 422)


@pytest.mark.parametrize("sort", ["created", "due", "priority", "title", "updated"])
def test_pages_have_no_duplicates_or_gaps_while_tasks_are_added(alice, sort):
    for i in range(23):
        make(
            alice,
            f"task {i:02d}",
            priority=["low", "medium", "high"][i % 3],
            due_date=None if i % 4 == 0 else f"2031-01-{1 + i % 9:02d}T09:00:00",
        )
    seen, cursor, pages = [], None, 0
    while True:
        url = f"/api/tasks?sort={sort}&limit=5" + (f"&cursor={cursor}" if cursor else "")
        body = alice.get(url).json
        seen += [task["title"] for task in body["items"]]
        make(alice, f"added during page {pages}", priority="urgent")  # lands somewhere in the order
        cursor, pages = body["next_cursor"], pages + 1
        if cursor is None:
            break
    originals = [title for title in seen if title.startswith("task ")]
    assert len(seen) == len(set(seen)), "a task was returned twice"
    assert sorted(originals) == [f"task {i:02d}" for i in range(23)], "a task was skipped"


def test_a_cursor_from_another_sort_is_409_and_a_garbled_one_422(alice):
    for i in range(3):
        make(alice, f"t{i}")
    cursor = alice.get("/api/tasks?limit=1").json["next_cursor"]
    assert alice.get(f"/api/tasks?limit=1&sort=title&cursor={cursor}").status_code == 409
    assert alice.get("/api/tasks?cursor=garbage").status_code == 422


def test_search_results_page_by_relevance(alice):
    for i in range(7):
        make(alice, f"alpha {i}", description="alpha " * i)
    first = alice.get("/api/tasks?q=alpha&limit=4").json
    second = alice.get(f"/api/tasks?q=alpha&limit=4&cursor={first['next_cursor']}").json
    got = [t["title"] for t in first["items"] + second["items"]]
    assert sorted(got) == sorted(f"alpha {i}" for i in range(7))
    assert second["next_cursor"] is None


def test_a_filtered_list_reads_in_one_transaction_with_the_callers_zone(board):
    import threading

    from sqlalchemy import event

    from taskai import bootstrap

    began: list[str] = []

    def listener(connection: object) -> None:
        if threading.current_thread() is threading.main_thread():  # not the outbox relay
            began.append("begin")

    event.listen(bootstrap.engine(), "begin", listener)
    try:
        response = board.get("/api/tasks?tag=work&due_before=2031-12-31T00:00:00&sort=due")
    finally:
        event.remove(bootstrap.engine(), "begin", listener)
    assert response.status_code == 200 and began == ["begin"]
