"""Quick add's +project and /section (#16): read in every language, resolved by name key."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from fakes import NOW

from taskai.adapters.openai_parser import place_name
from taskai.domain.quickadd import Draft, parse
from taskai.services import ai, projects

MONDAY = datetime(2026, 11, 30, 10, tzinfo=UTC)


@pytest.mark.parametrize(
    ("text", "language", "title", "project", "section"),
    [
        ("Buy milk +Errands /Today", "en", "Buy milk", "Errands", "Today"),
        (
            'Write report +"Home office" /"Next up" p1',
            "en",
            "Write report",
            "Home office",
            "Next up",
        ),
        ("Plan trip +travel tomorrow #fun", "en", "Plan trip", "travel", None),
        ("/Backlog Fix the bug", "en", "Fix the bug", None, "Backlog"),
        ("Einkaufen +Arbeit morgen /Woche", "de", "Einkaufen", "Arbeit", "Woche"),
        ("Comprar leche +Casa mañana /Cocina", "es", "Comprar leche", "Casa", "Cocina"),
        ("Acheter du pain +Maison demain", "fr", "Acheter du pain", "Maison", None),
        # not markers: C++, and/or, a date, a phone number, a lone plus
        ("C++ and/or review 3/15 call +1 555 a + b", "en", None, None, None),
        # nor a path, at the start or after a dot or a tilde
        ("/usr/bin/env is broken", "en", "/usr/bin/env is broken", None, None),
        ("Clean ~/tmp and ./build", "en", "Clean ~/tmp and ./build", None, None),
        # an emoji is a name
        ("Water the plants +🏠 /🌱", "en", "Water the plants", "🏠", "🌱"),
    ],
)
def test_project_and_section_markers_are_read_in_every_language(
    text, language, title, project, section
):
    draft = parse(text, now=MONDAY, tz="Europe/Berlin", language=language)
    assert (draft.project, draft.section) == (project, section)
    if title is not None:
        assert draft.title == title
    kinds = {span["kind"] for span in draft.spans}
    assert ("project" in kinds, "section" in kinds) == (project is not None, section is not None)


def test_a_second_project_is_noted_and_the_first_one_wins():
    draft = parse("Pay +Home +Work", now=MONDAY, tz="UTC")
    assert draft.project == "Home"
    assert draft.notes == ["Several projects given (Home, Work); using Home."]


def test_the_models_names_lose_their_markers_and_quotes():
    assert [place_name(n) for n in ("+Work", '/"Next  up"', "  ", None)] == [
        "Work",
        "Next up",
        None,
        None,
    ]


def test_names_resolve_to_the_users_project_and_section_in_any_case(uow, user):
    work = projects.create_project(uow=uow, user_id=user.id, fields={"name": "Work"}, now=NOW)
    soon = projects.create_section(
        uow=uow, user_id=user.id, project_id=work.id, name="Next up", position=None, now=NOW
    )
    draft = Draft(title="Report", project="WORK", section="next UP")
    task, saved = ai.create_from_text(uow=uow, user_id=user.id, draft=draft, now=NOW)
    assert (task.project_id, task.section_id) == (work.id, soon.id)
    assert (saved.project_id, saved.section_id, saved.notes) == (work.id, soon.id, [])


def test_an_unknown_project_sends_the_task_to_the_inbox_with_a_note(uow, user):
    inbox = uow.projects.inbox(user.id)
    draft = Draft(title="Report", project="Nowhere", section="Later")
    task, saved = ai.create_from_text(uow=uow, user_id=user.id, draft=draft, now=NOW)
    assert (task.project_id, task.section_id) == (inbox.id, None)
    assert (saved.project_id, saved.section_id) == (None, None)
    assert saved.notes == [
        "no project named 'Nowhere'; the task goes to the Inbox",
        "no section named 'Later' in Inbox; left in no section",
    ]


def test_a_section_alone_is_looked_for_in_the_inbox(uow, user):
    inbox = uow.projects.inbox(user.id)
    later = projects.create_section(
        uow=uow, user_id=user.id, project_id=inbox.id, name="Later", position=None, now=NOW
    )
    task, _ = ai.create_from_text(
        uow=uow, user_id=user.id, draft=Draft(title="Read", section="later"), now=NOW
    )
    assert (task.project_id, task.section_id) == (inbox.id, later.id)
