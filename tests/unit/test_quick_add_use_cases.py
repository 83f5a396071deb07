"""Quick add (`taskai.services.ai`) with a fake model, against the in-memory fakes."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from fakes import NOW, FakeParser

from taskai.domain.quickadd import Draft
from taskai.errors import InvalidInput
from taskai.services import ai


def test_the_models_draft_is_used_when_it_answers():
    draft = Draft(title="Call mom", source="openai")
    parsed = ai.parse_text(text="call mom", tz="UTC", now=NOW, parser=FakeParser(draft))
    assert parsed is draft


def test_a_failing_model_falls_back_to_the_rules_and_says_so():
    parser = FakeParser(failure=TimeoutError("slow"))
    draft = ai.parse_text(text="Pay rent tomorrow #home", tz="UTC", now=NOW, parser=parser)
    assert (draft.title, draft.tags, draft.source) == ("Pay rent", ["home"], "rules")
    assert draft.notes[0] == "OpenAI was not usable (TimeoutError); parsed by rules"


def test_without_a_model_the_rules_read_the_text():
    draft = ai.parse_text(text="Pay rent tomorrow at 9am !high", tz="UTC", now=NOW, parser=None)
    assert draft.due_date == datetime(2030, 1, 8, 9, 0, tzinfo=UTC)
    assert draft.priority == "high"


def test_an_unknown_time_zone_is_refused_before_parsing():
    with pytest.raises(InvalidInput):
        ai.parse_text(text="x", tz="Mars/Olympus", now=NOW, parser=FakeParser())


def test_a_draft_becomes_a_task_with_its_tags_and_priority(uow, user):
    draft = Draft(
        title="Pay rent", due_date=NOW + timedelta(days=1), priority="high", tags=["home"]
    )
    task, saved = ai.create_from_text(uow=uow, user_id=user.id, draft=draft, now=NOW)
    assert (task.title, task.priority, [t.name for t in task.tags]) == (
        "Pay rent",
        "high",
        ["home"],
    )
    assert saved.notes == [] and uow.event_types() == ["TaskCreated"]


def test_reminders_the_task_could_not_take_are_left_out_with_a_note(uow, user):
    draft = Draft(
        title="Call mom",
        reminders=[{"minutes_before": 10}, {"at": NOW - timedelta(hours=1)}],
    )
    task, saved = ai.create_from_text(uow=uow, user_id=user.id, draft=draft, now=NOW)
    assert task.reminders == [] and saved.reminders == []
    assert saved.notes == [
        "a reminder before the due time needs a due date; left out",
        "a reminder time already past; left out",
    ]


def test_a_title_past_the_limit_is_cut_at_a_word_and_the_rest_opens_the_description():
    draft = ai.savable_draft(Draft(title="word " * 120, description="details"), now=NOW)
    assert len(draft.title) <= 500 and draft.title.endswith("word")
    assert draft.description is not None and draft.description.endswith("\n\ndetails")


def test_a_draft_task_creation_would_refuse_is_refused_naming_the_field():
    with pytest.raises(InvalidInput) as refused:
        ai.savable_draft(Draft(title="x", tags=["t" * 60]), now=NOW)
    assert "tags.0" in refused.value.fields
