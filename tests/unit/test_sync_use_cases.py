"""Sync (`taskai.services.sync`) against the in-memory fakes."""

from __future__ import annotations

import pytest
from fakes import NOW, new_task

from taskai.errors import InvalidInput
from taskai.services.sync import changes_since, parse_cursor
from taskai.services.tasks import delete_task


def test_a_first_sync_returns_every_task_and_tag_and_the_cursor_to_ask_from_next(uow, user):
    task = new_task(uow, user, tags=["home"])
    changes = changes_since(uow=uow, user_id=user.id, cursor=0)
    assert changes.tasks == [task] and changes.tags == task.tags
    assert changes.cursor == user.change_seq and not changes.has_more


def test_a_sync_from_the_latest_cursor_returns_nothing(uow, user):
    new_task(uow, user)
    cursor = changes_since(uow=uow, user_id=user.id, cursor=0).cursor
    changes = changes_since(uow=uow, user_id=user.id, cursor=cursor)
    assert (changes.tasks, changes.tags, changes.deleted) == ([], [], [])
    assert changes.cursor == cursor


def test_a_deleted_task_comes_as_a_deletion_after_the_cursor(uow, user):
    task = new_task(uow, user)
    cursor = changes_since(uow=uow, user_id=user.id, cursor=0).cursor
    delete_task(uow=uow, user_id=user.id, task_id=task.id, now=NOW)
    changes = changes_since(uow=uow, user_id=user.id, cursor=cursor)
    assert changes.deleted == [("task", task.id)] and changes.tasks == []


def test_a_backlog_larger_than_a_page_comes_in_pages_without_splitting_a_commit(uow, user):
    tasks = [new_task(uow, user, f"task {i}") for i in range(5)]
    first = changes_since(uow=uow, user_id=user.id, cursor=0, limit=2)
    assert first.tasks == tasks[:2] and first.has_more
    rest = changes_since(uow=uow, user_id=user.id, cursor=first.cursor, limit=10)
    assert rest.tasks == tasks[2:] and not rest.has_more


def test_a_commit_larger_than_a_page_comes_whole(uow, user):
    task = new_task(uow, user, tags=["a", "b", "c"])
    changes = changes_since(uow=uow, user_id=user.id, cursor=0, limit=1)
    assert changes.tasks == [task] and len(changes.tags) == 3 and not changes.has_more


@pytest.mark.parametrize("raw", ["abc", "-1", "1" * 19, "١٢"])
def test_a_cursor_that_is_not_a_change_number_is_refused(raw):
    with pytest.raises(InvalidInput):
        parse_cursor(raw)


def test_no_cursor_means_from_the_beginning():
    assert parse_cursor(None) == parse_cursor("") == 0
    assert parse_cursor("42") == 42
