"""Sync (`taskai.services.sync`) against the in-memory fakes."""

from __future__ import annotations

import uuid

import pytest
from fakes import NOW, new_task

from taskai.errors import InvalidInput
from taskai.services.sync import START, Cursor, changes_since, parse_cursor
from taskai.services.tasks import delete_task


def test_a_first_sync_returns_every_task_and_tag_and_the_cursor_to_ask_from_next(uow, user):
    task = new_task(uow, user, tags=["home"])
    changes = changes_since(uow=uow, user_id=user.id)
    assert ids(changes.tasks) == [task.id] and changes.tags == task.tags
    assert changes.cursor == Cursor(user.change_seq) and not changes.has_more


def test_a_sync_from_the_latest_cursor_returns_nothing(uow, user):
    new_task(uow, user)
    cursor = changes_since(uow=uow, user_id=user.id).cursor
    changes = changes_since(uow=uow, user_id=user.id, cursor=cursor)
    assert (changes.tasks, changes.tags, changes.deleted) == ([], [], [])
    assert changes.cursor == cursor


def test_a_deleted_task_comes_as_a_deletion_after_the_cursor(uow, user):
    task = new_task(uow, user)
    cursor = changes_since(uow=uow, user_id=user.id).cursor
    delete_task(uow=uow, user_id=user.id, task_id=task.id, now=NOW)
    changes = changes_since(uow=uow, user_id=user.id, cursor=cursor)
    assert changes.deleted == [("task", task.id)] and changes.tasks == []


def test_a_backlog_larger_than_a_page_comes_in_pages_without_splitting_a_commit(uow, user):
    tasks = [new_task(uow, user, f"task {i}") for i in range(5)]
    first = changes_since(uow=uow, user_id=user.id, limit=2)
    assert ids(first.tasks) == ids(tasks[:2]) and first.has_more
    rest = changes_since(uow=uow, user_id=user.id, cursor=first.cursor, limit=10)
    assert ids(rest.tasks) == ids(tasks[2:]) and not rest.has_more


def ids(tasks):
    """The ids of tasks (entities, or sync's changed tasks), in order."""
    return [task.id for task in tasks]


def pages(uow, user, limit, cursor=START):
    """Every page from `cursor` on, walked with the text cursors the API hands out."""
    found = []
    while True:
        changes = changes_since(uow=uow, user_id=user.id, cursor=cursor, limit=limit)
        found.append(changes)
        cursor = parse_cursor(str(changes.cursor))
        if not changes.has_more:
            return found


def test_a_commit_larger_than_a_page_comes_split_tags_and_project_before_their_task(uow, user):
    task = new_task(uow, user, tags=["a", "b", "c"])  # and the Inbox, in the same commit
    split = pages(uow, user, limit=1)
    kinds = [(len(p.tags), len(p.projects), len(p.tasks)) for p in split]
    assert kinds == [(1, 0, 0)] * 3 + [(0, 1, 0), (0, 0, 1)]
    assert [tag.id for p in split for tag in p.tags] == sorted(tag.id for tag in task.tags)
    assert [p.has_more for p in split] == [True] * 4 + [False]
    assert split[-1].cursor == Cursor(user.change_seq)


def test_a_split_commit_resumes_by_id_even_when_its_rows_change_meanwhile(uow, user):
    new_task(uow, user, tags=["a", "b", "c"])
    first = changes_since(uow=uow, user_id=user.id, limit=2)
    later = new_task(uow, user, "later", tags=["c"])  # tag c moves on to a later commit
    rest = pages(uow, user, limit=2, cursor=first.cursor)
    tags = [tag.name for p in [first, *rest] for tag in p.tags]
    assert sorted(tags) == ["a", "b", "c"] and [t.id for p in rest for t in p.tasks][-1] == later.id


@pytest.mark.parametrize(
    "raw", ["abc", "-1", "1" * 19, "١٢", "5.x", "5.-1", "5.1", f"5.6.{'a' * 32}", f"5.1.{'A' * 32}"]
)
def test_a_cursor_that_is_not_one_sync_gave_is_refused(raw):
    with pytest.raises(InvalidInput) as refused:
        parse_cursor(raw)
    assert "cursor" in refused.value.fields


def test_no_cursor_means_from_the_beginning_and_a_cursor_reads_back_as_it_was_written():
    assert parse_cursor(None) == parse_cursor("") == Cursor()
    assert parse_cursor("42") == Cursor(42)
    inside = Cursor(42, 4, uuid.uuid4())
    assert parse_cursor(str(inside)) == inside
