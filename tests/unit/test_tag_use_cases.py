"""Use cases of tags (`taskai.services.tags`) against the in-memory fakes."""

from __future__ import annotations

import pytest
from fakes import NOW, new_task

from taskai.adapters.outbox import event_data
from taskai.errors import Conflict
from taskai.services.tags import create_tag, delete_tag, list_tags, update_tag


def test_tags_are_listed_with_their_task_counts_most_used_first(uow, user):
    new_task(uow, user, "a", tags=["home"])
    new_task(uow, user, "b", tags=["home", "work"])
    create_tag(uow=uow, user_id=user.id, name="idle", color=None, now=NOW)
    listed = list_tags(uow=uow, user_id=user.id)
    assert [(tag.name, count) for tag, count in listed] == [("home", 2), ("work", 1), ("idle", 0)]


def test_autocomplete_lists_only_tags_starting_with_the_prefix(uow, user):
    for name in ("Home", "hobby", "work"):
        create_tag(uow=uow, user_id=user.id, name=name, color=None, now=NOW)
    listed = list_tags(uow=uow, user_id=user.id, prefix="ho")
    assert sorted(tag.name for tag, _ in listed) == ["Home", "hobby"]


def test_a_new_tag_gets_a_palette_color_when_none_is_given(uow, user):
    tag = create_tag(uow=uow, user_id=user.id, name="errands", color=None, now=NOW)
    assert tag.color.startswith("#") and uow.commits == 1


def test_a_tag_name_that_exists_in_another_case_is_a_conflict(uow, user):
    create_tag(uow=uow, user_id=user.id, name="Home", color=None, now=NOW)
    with pytest.raises(Conflict):
        create_tag(uow=uow, user_id=user.id, name="HOME", color="#ffffff", now=NOW)


def test_renaming_a_tag_to_its_own_name_in_another_case_is_allowed(uow, user):
    tag = create_tag(uow=uow, user_id=user.id, name="home", color=None, now=NOW)
    update_tag(uow=uow, user_id=user.id, tag_id=tag.id, name="Home", color=None, now=NOW)
    assert tag.name == "Home"


def test_renaming_a_tag_changes_every_task_that_carries_it(uow, user):
    task = new_task(uow, user, tags=["home"])
    tag = task.tags[0]
    update_tag(uow=uow, user_id=user.id, tag_id=tag.id, name="house", color="#00FF00", now=NOW)
    assert (tag.name, tag.color) == ("house", "#00ff00")
    assert uow.event_types() == ["TaskCreated", "TaskUpdated"]
    assert event_data(uow.published[-1])["changed"] == ["tags"]


def test_renaming_a_tag_to_another_tags_name_is_a_conflict(uow, user):
    create_tag(uow=uow, user_id=user.id, name="home", color=None, now=NOW)
    work = create_tag(uow=uow, user_id=user.id, name="work", color=None, now=NOW)
    with pytest.raises(Conflict):
        update_tag(uow=uow, user_id=user.id, tag_id=work.id, name="Home", color=None, now=NOW)


def test_deleting_a_tag_takes_it_off_every_task(uow, user):
    task = new_task(uow, user, tags=["home", "work"])
    home = task.tags[0]
    delete_tag(uow=uow, user_id=user.id, tag_id=home.id, now=NOW)
    assert [tag.name for tag in task.tags] == ["work"]
    assert home.id not in uow.tags.items
    assert [(d.entity, d.id) for d in uow.deletions] == [("tag", home.id)]
