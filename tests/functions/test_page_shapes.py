"""A page statement is built once per query shape and run with the request's values bound."""

from __future__ import annotations

import dataclasses
import uuid
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy.util import LRUCache

from taskai.adapters import task_reads
from taskai.adapters.task_search import encode_cursor
from taskai.adapters.task_shapes import plan
from taskai.domain.filters.grammar import parse
from taskai.domain.queries import TaskQuery

NOW = datetime(2031, 3, 4, 10, 30, tzinfo=UTC)
# A value other than the default for each field of TaskQuery; a field added to TaskQuery
# fails the test below until plan reads it (or it is known not to change the SQL: zone).
OTHER = {
    "statuses": ("completed",),
    "priorities": ("high",),
    "tags": ("work",),
    "tag_mode": "all",
    "due_before": datetime(2031, 1, 1, tzinfo=UTC),
    "due_after": datetime(2030, 1, 1, tzinfo=UTC),
    "overdue": True,
    "no_due": True,
    "recurring": False,
    "series_id": str(uuid.UUID(int=1)),
    "text": "report",
    "sort": "due",
    "descending": True,
    "limit": 10,
    "cursor": encode_cursor("created", False, NOW, uuid.UUID(int=2)),
    "filter": parse("today"),
    "today_start": datetime(2031, 3, 3, 23, tzinfo=UTC),
    "project_id": str(uuid.UUID(int=3)),
    "section_id": str(uuid.UUID(int=4)),
    "parent_id": str(uuid.UUID(int=5)),
}
BOUND_ELSEWHERE = {"zone"}  # bound by task_reads.page beside the plan's values


def test_every_field_of_a_task_query_changes_the_shape_or_the_values_of_its_page():
    fields = {f.name for f in dataclasses.fields(TaskQuery)}
    assert fields - BOUND_ELSEWHERE == set(OTHER), "give plan (task_shapes) the new field"
    base = TaskQuery(tags=("home",), overdue=False, sort="created")  # tag_mode, today_start count
    shape, values = plan(base, uuid.UUID(int=9), NOW, "postgresql")
    for name, other in OTHER.items():
        changed = plan(dataclasses.replace(base, **{name: other}), uuid.UUID(int=9), NOW,
                       "postgresql")
        assert changed != (shape, values), name


def test_queries_of_one_shape_share_one_statement_with_their_own_values(alice, monkeypatch):
    monkeypatch.setattr(task_reads, "_shaped", LRUCache(10))
    built = []
    paged = task_reads._paged
    monkeypatch.setattr(task_reads, "_paged", lambda *a: built.append(a) or paged(*a))
    for title, tag in [("Write report", "work"), ("Water plants", "home")]:
        assert alice.post("/api/tasks", {"title": title, "tags": [tag]}).status_code == 201

    def titles(query: str) -> list[str]:
        response = alice.get(f"/api/tasks?{query}")
        assert response.status_code == 200, response.json
        return [task["title"] for task in response.json["items"]]

    assert titles("tag=work") == ["Write report"]
    assert titles("tag=home") == ["Water plants"]
    assert titles("tag=home,work&sort=title") == ["Water plants", "Write report"]
    assert titles("tag=work,home&sort=title") == ["Water plants", "Write report"]
    assert len(built) == 2  # tag=…, and tag=…&sort=title


@pytest.mark.parametrize("dialect", ["postgresql", "sqlite"])
def test_a_search_of_no_words_or_a_prefix_is_a_shape_of_its_own(dialect):
    def search(text: str) -> str | None:
        query = TaskQuery(text=text, sort="relevance", zone=ZoneInfo("UTC"))
        return plan(query, uuid.UUID(int=9), NOW, dialect)[0].search

    assert search("report ") == "whole" and search("send repo") == "prefix"
    # PostgreSQL: a prefix alone builds no tsquery of the (empty) text before it
    assert search("repo") == ("started" if dialect == "postgresql" else "prefix")
    assert search("!!") == ("nothing" if dialect == "sqlite" else "whole")
