"""Use cases of projects and sections (`taskai.services.projects`) against the in-memory fakes."""

from __future__ import annotations

import uuid

import pytest
from fakes import NOW, new_task, wire

from taskai.contracts import ProjectDeletedData, TaskCreatedData
from taskai.domain.projects import MAX_PROJECTS
from taskai.errors import Conflict, InvalidInput, NotFound
from taskai.services import auth, sync
from taskai.services.projects import (
    create_project,
    create_section,
    delete_project,
    delete_section,
    list_projects,
    list_sections,
    update_project,
    update_section,
)
from taskai.services.tasks import TaskChanges, update_task


def project(uow, user, name="Home", **fields):
    return create_project(uow=uow, user_id=user.id, fields={"name": name, **fields}, now=NOW)


def section(uow, user, of, name="Kitchen"):
    return create_section(
        uow=uow, user_id=user.id, project_id=of.id, name=name, position=None, now=NOW
    )


def inbox(uow, user):
    return uow.projects.inbox(user.id)


def test_registering_makes_the_inbox_and_announces_it(uow):
    from fakes import FakePasswords, FakeTokens

    session = auth.register(
        uow=uow,
        tokens=FakeTokens(),
        email="ann@example.com",
        password="correct horse battery",
        now=NOW,
        passwords=FakePasswords(),
    )
    made = inbox(uow, session.user)
    assert made is not None and made.name == "Inbox" and made.inbox
    assert uow.event_types() == ["ProjectCreated"]


def test_a_new_task_goes_into_the_inbox_and_says_so_in_its_event(uow, user):
    task = new_task(uow, user)
    assert (task.project_id, task.section_id) == (inbox(uow, user).id, None)
    data = wire(uow.published[-1])
    assert isinstance(data, TaskCreatedData) and data.task.project_id == task.project_id


def test_projects_are_listed_by_position_with_their_open_task_counts(uow, user):
    home = project(uow, user, "Home")
    work = project(uow, user, "Work", position=0)
    new_task(uow, user, "a", project_id=home.id)
    new_task(uow, user, "b", project_id=home.id, status="completed")
    listed = list_projects(uow=uow, user_id=user.id)
    assert [(p.name, n) for p, n in listed] == [("Work", 0), ("Inbox", 0), ("Home", 1)]
    assert (home.position, work.position) == (2, 0)  # an explicit position makes room


def test_a_project_name_taken_in_another_case_is_a_conflict(uow, user):
    project(uow, user, "Home")
    with pytest.raises(Conflict):
        project(uow, user, "HOME")
    with pytest.raises(Conflict):
        project(uow, user, "inbox")


def test_a_user_has_at_most_the_cap_of_projects(uow, user):
    for n in range(MAX_PROJECTS - 1):  # the Inbox is one
        project(uow, user, f"p{n}")
    with pytest.raises(Conflict) as refused:
        project(uow, user, "one too many")
    assert "name" in refused.value.fields


def test_the_inbox_is_never_renamed_archived_or_deleted(uow, user):
    box = inbox(uow, user)
    for changes in ({"name": "Later"}, {"archived": True}):
        with pytest.raises(Conflict):
            update_project(uow=uow, user_id=user.id, project_id=box.id, changes=changes, now=NOW)
    with pytest.raises(Conflict):
        delete_project(uow=uow, user_id=user.id, project_id=box.id, move_to=None, now=NOW)
    recolored = update_project(
        uow=uow, user_id=user.id, project_id=box.id, changes={"color": "#ABCDEF"}, now=NOW
    )
    assert recolored.color == "#abcdef"


def test_an_update_records_the_fields_that_changed(uow, user):
    home = project(uow, user)
    update_project(
        uow=uow,
        user_id=user.id,
        project_id=home.id,
        changes={"name": "House", "view": "board", "color": home.color},
        now=NOW,
    )
    assert uow.published[-1].changed == ("name", "view")  # type: ignore[attr-defined]


def test_deleting_a_project_deletes_its_tasks_and_sections_for_sync(uow, user):
    home = project(uow, user)
    kitchen = section(uow, user, home)
    task = new_task(uow, user, project_id=home.id, section_id=kitchen.id)
    kept = new_task(uow, user, "kept")
    delete_project(uow=uow, user_id=user.id, project_id=home.id, move_to=None, now=NOW)
    assert list(uow.tasks.items) == [kept.id] and uow.sections.items == {}
    deleted = sync.changes_since(uow=uow, user_id=user.id).deleted
    assert set(deleted) == {("project", home.id), ("section", kitchen.id), ("task", task.id)}
    data = wire(uow.published[-1])
    assert isinstance(data, ProjectDeletedData) and data.moved_to is None


def test_deleting_a_project_can_move_its_tasks_out_of_their_sections(uow, user):
    home, work = project(uow, user, "Home"), project(uow, user, "Work")
    task = new_task(uow, user, project_id=home.id, section_id=section(uow, user, home).id)
    delete_project(uow=uow, user_id=user.id, project_id=home.id, move_to=work.id, now=NOW)
    assert (task.project_id, task.section_id) == (work.id, None)
    with pytest.raises(NotFound) as refused:
        delete_project(uow=uow, user_id=user.id, project_id=work.id, move_to=uuid.uuid4(), now=NOW)
    assert "move_to" in refused.value.fields
    with pytest.raises(InvalidInput):
        delete_project(uow=uow, user_id=user.id, project_id=work.id, move_to=work.id, now=NOW)


def test_a_task_names_a_section_of_its_own_project_only(uow, user):
    home, work = project(uow, user, "Home"), project(uow, user, "Work")
    kitchen = section(uow, user, home)
    with pytest.raises(InvalidInput) as refused:
        new_task(uow, user, project_id=work.id, section_id=kitchen.id)
    assert "section_id" in refused.value.fields
    with pytest.raises(NotFound) as unknown:
        new_task(uow, user, project_id=uuid.uuid4())
    assert "project_id" in unknown.value.fields


def test_moving_a_task_to_another_project_takes_it_out_of_its_section(uow, user):
    home, work = project(uow, user, "Home"), project(uow, user, "Work")
    task = new_task(uow, user, project_id=home.id, section_id=section(uow, user, home).id)
    moved = update_task(
        uow=uow, user_id=user.id, task_id=task.id, changes=TaskChanges(project_id=work.id), now=NOW
    )
    assert (moved.project_id, moved.section_id) == (work.id, None)
    assert uow.published[-1].changed == ("project_id", "section_id")  # type: ignore[attr-defined]


def test_sections_are_listed_by_position_and_unique_per_project(uow, user):
    home = project(uow, user)
    kitchen = section(uow, user, home, "Kitchen")
    section(uow, user, home, "Garden")
    with pytest.raises(Conflict):
        section(uow, user, home, "KITCHEN")
    update_section(uow=uow, user_id=user.id, section_id=kitchen.id, name=None, position=2, now=NOW)
    listed = list_sections(uow=uow, user_id=user.id, project_id=home.id)
    assert [s.name for s in listed] == ["Garden", "Kitchen"]
    assert section(uow, user, project(uow, user, "Other"), "Kitchen").name == "Kitchen"


def test_deleting_a_section_leaves_its_tasks_in_the_project(uow, user):
    home = project(uow, user)
    kitchen = section(uow, user, home)
    task = new_task(uow, user, project_id=home.id, section_id=kitchen.id)
    delete_section(uow=uow, user_id=user.id, section_id=kitchen.id, now=NOW)
    assert (task.project_id, task.section_id) == (home.id, None)
    assert uow.event_types()[-1] == "SectionDeleted"


def test_another_users_project_and_section_are_not_found(uow, user):
    home = project(uow, user)
    kitchen = section(uow, user, home)
    stranger = uuid.uuid4()
    with pytest.raises(NotFound):
        list_sections(uow=uow, user_id=stranger, project_id=home.id)
    with pytest.raises(NotFound):
        delete_section(uow=uow, user_id=stranger, section_id=kitchen.id, now=NOW)


def test_sync_returns_the_projects_and_sections_changed_since_the_cursor(uow, user):
    cursor = sync.changes_since(uow=uow, user_id=user.id).cursor
    home = project(uow, user)
    kitchen = section(uow, user, home)
    changes = sync.changes_since(uow=uow, user_id=user.id, cursor=cursor)
    assert [p.id for p in changes.projects] == [home.id]
    assert [s.id for s in changes.sections] == [kitchen.id]


def test_tasks_moved_by_deleting_a_project_or_section_stand_after_the_destinations(uow, user):
    home, work = project(uow, user, "Home"), project(uow, user, "Work")
    kitchen = section(uow, user, home)
    mine = [new_task(uow, user, t, project_id=work.id) for t in ("w1", "w2")]
    loose = new_task(uow, user, "loose", project_id=home.id)
    tap = new_task(uow, user, "tap", project_id=home.id, section_id=kitchen.id)
    assert tap.position == loose.position == mine[0].position
    delete_section(uow=uow, user_id=user.id, section_id=kitchen.id, now=NOW)
    assert tap.position > loose.position
    delete_project(uow=uow, user_id=user.id, project_id=home.id, move_to=work.id, now=NOW)
    in_work = [mine[0], mine[1], loose, tap]
    assert [t.position for t in in_work] == sorted({t.position for t in in_work})


def test_new_projects_go_last_and_an_explicit_position_shifts_only_up_to_a_gap(uow, user):
    a, b = project(uow, user, "A"), project(uow, user, "B")
    delete_project(uow=uow, user_id=user.id, project_id=a.id, move_to=None, now=NOW)
    c = project(uow, user, "C")
    assert c.position == b.position + 1
    first = project(uow, user, "First", position=1)  # A's place is free: nothing moves
    uow.published.clear()
    d = project(uow, user, "D", position=1)
    assert [(p.name, p.position) for p, _ in list_projects(uow=uow, user_id=user.id)] == [
        ("Inbox", 0),
        ("D", 1),
        ("First", 2),
        ("B", 3),
        ("C", 4),
    ]
    assert sorted(uow.event_types()) == ["ProjectCreated"] + ["ProjectUpdated"] * 3
    update_project(uow=uow, user_id=user.id, project_id=c.id, changes={"position": 1}, now=NOW)
    assert (c.position, d.position, first.position) == (1, 2, 3)  # shifted up to C's old gap


def test_a_section_sent_alone_places_the_task_in_its_project_and_archived_ones_refuse(uow, user):
    home, old = project(uow, user, "Home"), project(uow, user, "Old")
    kitchen = section(uow, user, home)
    task = new_task(uow, user, section_id=kitchen.id)
    assert (task.project_id, task.section_id) == (home.id, kitchen.id)
    update_project(uow=uow, user_id=user.id, project_id=old.id, changes={"archived": True}, now=NOW)
    with pytest.raises(Conflict) as refused:
        new_task(uow, user, project_id=old.id)
    assert "project_id" in refused.value.fields
    with pytest.raises(Conflict):
        update_task(
            uow=uow,
            user_id=user.id,
            task_id=task.id,
            changes=TaskChanges(project_id=old.id),
            now=NOW,
        )
