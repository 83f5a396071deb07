"""GET /api/tasks?filter=: each term of the filter language selects the right tasks, on both
stores, with dates read in the owner's zone (its midnight, not UTC's)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from urllib.parse import quote
from zoneinfo import ZoneInfo

import pytest

from taskai import bootstrap

NEW_YORK = ZoneInfo("America/New_York")
# The requests' clock, two hours back near midnight in New York, so that "today", "overdue"
# and the rest select the same tasks whatever the hour the tests run at (from 23:30 there,
# TL was overdue); never ahead, or the tokens it stamps would not be valid yet.
NOW = datetime.now(NEW_YORK)
if not 1 <= NOW.hour < 23:
    NOW -= timedelta(hours=2)


@pytest.fixture(autouse=True)
def away_from_midnight_in_new_york(monkeypatch):
    monkeypatch.setattr(bootstrap, "clock", lambda: NOW.astimezone(UTC))


def local(days: int, hour: int, minute: int = 0) -> str:
    """A wall time in New York `days` from today there, as sent without an offset."""
    day = NOW.date() + timedelta(days=days)
    return f"{day.isoformat()}T{hour:02d}:{minute:02d}:00"


def make(user, title, **fields):
    response = user.post("/api/tasks", {"title": title, **fields})
    assert response.status_code == 201, response.json
    return response.json


def found(user, query, extra=""):
    response = user.get(f"/api/tasks?filter={quote(query)}&limit=200{extra}")
    assert response.status_code == 200, (query, response.json)
    return {task["title"] for task in response.json["items"]}


@pytest.fixture
def board(alice):
    """Alice (New York) and her tasks around today's midnights."""
    make(alice, "Y", due_date=local(-1, 23, 59), priority="high", tags=["work"])
    make(alice, "TE", due_date=local(0, 0), priority="low")
    make(alice, "TL", due_date=local(0, 23, 30), priority="urgent", tags=["work", "home"])
    make(alice, "TM", due_date=local(1, 0), priority="low", tags=["home"])
    make(alice, "F5", due_date=local(5, 12), priority="medium", tags=["deep work"],
         recurrence={"preset": "weekly"})  # fmt: skip
    make(alice, "NM", due_date=local(40, 9), priority="medium")
    make(alice, "SD", description="buy oat milk", priority="low", tags=["ideas"])
    done = make(alice, "DN", due_date=local(-1, 10), priority="high", tags=["work"])
    assert alice.post(f"/api/tasks/{done['id']}/complete").status_code == 200
    started = make(alice, "ST", priority="urgent", tags=["Work"])
    assert alice.patch(f"/api/tasks/{started['id']}", {"status": "in_progress"}).status_code == 200
    return alice


ALL = {"Y", "TE", "TL", "TM", "F5", "NM", "SD", "DN", "ST"}
TABLE = [
    ("today", {"TE", "TL"}),
    ("TODAY", {"TE", "TL"}),
    ("tomorrow", {"TM"}),
    ("overdue", {"Y", "TE"}),
    ("no date", {"SD", "ST"}),
    ("NO DATE", {"SD", "ST"}),
    ("next 1 day", {"TE", "TL"}),
    ("next 7 days", {"TE", "TL", "TM", "F5"}),
    ("Next 60 Days", {"TE", "TL", "TM", "F5", "NM"}),
    ("due before: today", {"Y", "DN"}),
    ("due before: tomorrow", {"Y", "DN", "TE", "TL"}),
    ("due after: today", {"TM", "F5", "NM"}),
    ("due after: tomorrow", {"F5", "NM"}),
    ("due before: in 2 days", {"Y", "DN", "TE", "TL", "TM"}),
    ("due after: in 30 days", {"NM"}),
    ("due before: tomorrow 1am", {"Y", "DN", "TE", "TL", "TM"}),  # a moment, not the whole day
    ("due after: today 11pm", {"TL", "TM", "F5", "NM"}),
    ("due after: today at 11:45pm", {"TM", "F5", "NM"}),
    ("due before: 2000-01-01T10:00", set()),
    ("due after: 2000-01-01T10:00", {"Y", "DN", "TE", "TL", "TM", "F5", "NM"}),
    ("p1", {"TL", "ST"}),
    ("p2", {"Y", "DN"}),
    ("p3", {"F5", "NM"}),
    ("p4", {"TE", "TM", "SD"}),
    ("#work", {"Y", "TL", "DN", "ST"}),
    ("#WORK", {"Y", "TL", "DN", "ST"}),
    ("#Home", {"TL", "TM"}),
    ('#"deep work"', {"F5"}),
    ("#nosuch", set()),
    ("no tags", {"TE", "NM"}),
    ("recurring", {"F5"}),
    ("Recurring", {"F5"}),
    ("!recurring", ALL - {"F5"}),
    ("search: milk", {"SD"}),
    ("search: mil", {"SD"}),
    ("search: buy oat", {"SD"}),
    ("search: xylophone", set()),
    ("status: completed", {"DN"}),
    ("status: in_progress", {"ST"}),
    ("status: pending", ALL - {"DN", "ST"}),
    ("today | overdue", {"Y", "TE", "TL"}),
    ("today | overdue & p2", {"TE", "TL", "Y"}),
    ("(today | overdue) & p2", {"Y"}),
    ("!today", ALL - {"TE", "TL"}),
    ("!!today", {"TE", "TL"}),
    ("!no date", ALL - {"SD", "ST"}),
    ("!(#work | #home)", {"TE", "F5", "NM", "SD"}),
    ("#work & !status: completed", {"Y", "TL", "ST"}),
    ("p1 | p2", {"TL", "ST", "Y", "DN"}),
    ("#work & #home", {"TL"}),
    ("no date & #ideas", {"SD"}),
    ("search: milk | p1", {"SD", "TL", "ST"}),
    ("next 7 days & #home", {"TL", "TM"}),
    ("!overdue & !no date", {"TL", "TM", "F5", "NM", "DN"}),
    ("overdue & #work", {"Y"}),
    ("recurring | no date", {"F5", "SD", "ST"}),
    ("tomorrow | p3", {"TM", "F5", "NM"}),
    ("!p4", ALL - {"TE", "TM", "SD"}),
    ("status: pending & no tags", {"TE", "NM"}),
    ("(#work | #home) & (p1 | p4)", {"TL", "ST", "TM"}),
    ("next 30 days & !today", {"TM", "F5"}),
    ("p1 & p2", set()),
    ("#home | #ideas", {"TL", "TM", "SD"}),
    ("((p3))", {"F5", "NM"}),
    ("no tags | #ideas", {"TE", "NM", "SD"}),
    ("!#work & !#home & !no tags", {"F5", "SD"}),
    ("today & tomorrow", set()),
    ("tomorrow|today", {"TE", "TL", "TM"}),
    ("status: completed | status: in_progress", {"DN", "ST"}),
    ("#work & status: pending", {"Y", "TL"}),
    ("recurring & next 7 days", {"F5"}),
    ("due before: today & !status: completed", {"Y"}),
    ("overdue | no date", {"Y", "TE", "SD", "ST"}),
    ("p4 & !no date", {"TE", "TM"}),
    (" today  |  tomorrow ", {"TE", "TL", "TM"}),
]


def test_the_table_of_queries_selects_each_its_tasks(board):
    assert len(TABLE) >= 60
    wrong = {q: (got, want) for q, want in TABLE if (got := found(board, q)) != want}
    assert not wrong


def test_today_is_the_owners_day_not_utcs(board, bob):
    # 23:30 in New York is the next day in UTC and in Berlin.
    assert "TL" in found(board, "today")
    late = datetime.fromisoformat(local(0, 23, 30)).replace(tzinfo=NEW_YORK)
    make(bob, "Late in New York", due_date=late.astimezone(UTC).isoformat())
    berlin = ZoneInfo("Europe/Berlin")
    due_today_in_berlin = late.astimezone(berlin).date() == NOW.astimezone(berlin).date()
    assert ("Late in New York" in found(bob, "today")) == due_today_in_berlin
    assert found(board, "today") == {"TE", "TL"}  # nothing of Bob's


def test_a_filter_combines_with_the_other_parameters_sort_and_pages(board):
    first = board.get(f"/api/tasks?filter={quote('#work | #home')}&status=pending&sort=due&limit=2")
    assert [t["title"] for t in first.json["items"]] == ["Y", "TL"]
    rest = board.get(
        f"/api/tasks?filter={quote('#work | #home')}&status=pending&sort=due&limit=2"
        f"&cursor={first.json['next_cursor']}"
    )
    assert [t["title"] for t in rest.json["items"]] == ["TM"]  # ST is in progress
    assert found(board, "p1", "&tag=home") == {"TL"}
    assert found(board, "no date", "&q=milk") == {"SD"}


@pytest.mark.parametrize(
    ("query", "says"),
    [
        ("today &", "expected a filter such as 'today' or '#tag', '!' or '(' at the end"),
        ("today @ p1", "at position 7"),
        ("due before: someday", "'someday' is not a date"),
        ("due before: 9999-12-31", "outside the years 1900 to 8999"),
        ("due after: december 31 9999", "outside the years 1900 to 8999"),
        ("today | " * 200 + "today", "1000"),
    ],
)
def test_a_bad_filter_is_422_naming_the_field_and_the_place(alice, query, says):
    response = alice.get(f"/api/tasks?filter={quote(query)}")
    assert response.status_code == 422, response.json
    assert says in response.json["error"]["fields"]["filter"]


def test_project_and_section_terms_select_by_name_in_any_case_and_unknown_names_match_nothing(
    alice,
):
    home = alice.post("/api/projects", {"name": "Home Stuff"}).json
    garden = alice.post(f"/api/projects/{home['id']}/sections", {"name": "Garden"}).json
    make(alice, "Mow", project_id=home["id"], section_id=garden["id"])
    make(alice, "Dust", project_id=home["id"])
    make(alice, "Inbox thing")
    assert found(alice, '+"home stuff"') == {"Mow", "Dust"}
    assert found(alice, "/GARDEN") == {"Mow"}
    assert found(alice, '+"Home Stuff" & !/garden') == {"Dust"}
    assert found(alice, "+inbox") == {"Inbox thing"}
    assert found(alice, "+nowhere | /nothing") == set()
