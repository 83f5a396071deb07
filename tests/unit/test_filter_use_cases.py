"""Use cases of saved filters (`taskai.services.filters`) against the in-memory fakes."""

from __future__ import annotations

import uuid

import pytest
from fakes import NOW

from taskai.adapters.outbox import event_data
from taskai.domain.filters.saved import MAX_PER_USER
from taskai.errors import Conflict, InvalidInput, NotFound
from taskai.services.filters import create_filter, delete_filter, list_filters, update_filter
from taskai.services.sync import changes_since


def save(uow, user, name, query="today", **fields):
    return create_filter(
        uow=uow,
        user_id=user.id,
        name=name,
        query=query,
        color=fields.get("color"),
        position=fields.get("position"),
        now=NOW,
    )


def test_filters_are_listed_by_position_each_new_one_last_an_explicit_one_making_room(uow, user):
    save(uow, user, "Work today", "#work & today")
    save(uow, user, "Urgent", "p1")
    uow.published.clear()
    save(uow, user, "First", "overdue", position=0)
    listed = list_filters(uow=uow, user_id=user.id)
    assert [(f.name, f.position) for f in listed] == [
        ("First", 0),
        ("Work today", 1),
        ("Urgent", 2),
    ]
    assert uow.event_types() == ["FilterUpdated", "FilterUpdated", "FilterCreated"]


def test_a_new_filter_gets_a_palette_color_and_publishes_filter_created(uow, user):
    saved = save(uow, user, "Urgent", "p1")
    assert saved.color.startswith("#") and uow.event_types() == ["FilterCreated"]
    data = event_data(uow.published[0])
    assert data["filter"]["query"] == "p1" and data["filter"]["id"] == str(saved.id)


def test_a_query_that_does_not_parse_is_invalid_input_naming_query(uow, user):
    with pytest.raises(InvalidInput) as caught:
        save(uow, user, "Broken", "today &")
    assert "at the end" in caught.value.fields["query"]
    assert list_filters(uow=uow, user_id=user.id) == []


def test_a_name_that_exists_in_another_case_is_a_conflict(uow, user):
    save(uow, user, "Work")
    with pytest.raises(Conflict):
        save(uow, user, "  WORK ")


def test_a_user_may_keep_at_most_200_filters(uow, user):
    for n in range(MAX_PER_USER):
        save(uow, user, f"f{n}")
    with pytest.raises(Conflict):
        save(uow, user, "one more")


def test_changing_a_filter_publishes_the_fields_that_changed(uow, user):
    saved = save(uow, user, "Work", "#work")
    update_filter(
        uow=uow,
        user_id=user.id,
        filter_id=saved.id,
        changes={"query": "#work & p1", "name": "work"},
        now=NOW,
    )
    assert (saved.query, saved.name) == ("#work & p1", "work")
    assert event_data(uow.published[-1])["changed"] == ["name", "query"]


def test_a_change_to_a_malformed_query_is_refused_and_keeps_the_old_one(uow, user):
    saved = save(uow, user, "Work", "#work")
    with pytest.raises(InvalidInput):
        update_filter(
            uow=uow, user_id=user.id, filter_id=saved.id, changes={"query": "(#work"}, now=NOW
        )
    assert saved.query == "#work"


def test_renaming_to_another_filters_name_is_a_conflict(uow, user):
    save(uow, user, "Home")
    work = save(uow, user, "Work")
    with pytest.raises(Conflict):
        update_filter(
            uow=uow, user_id=user.id, filter_id=work.id, changes={"name": "home"}, now=NOW
        )


def test_another_users_filter_is_not_found(uow, user):
    saved = save(uow, user, "Work")
    with pytest.raises(NotFound):
        delete_filter(uow=uow, user_id=uuid.uuid4(), filter_id=saved.id, now=NOW)


def test_sync_returns_changed_filters_and_their_deletions(uow, user):
    kept = save(uow, user, "Kept")
    gone = save(uow, user, "Gone")
    first = changes_since(uow=uow, user_id=user.id)
    assert {f.name for f in first.filters} == {"Kept", "Gone"}
    delete_filter(uow=uow, user_id=user.id, filter_id=gone.id, now=NOW)
    update_filter(
        uow=uow, user_id=user.id, filter_id=kept.id, changes={"color": "#123456"}, now=NOW
    )
    later = changes_since(uow=uow, user_id=user.id, cursor=first.cursor)
    assert [f.name for f in later.filters] == ["Kept"]
    assert later.deleted == [("filter", gone.id)]
    assert uow.event_types()[-2:] == ["FilterDeleted", "FilterUpdated"]
