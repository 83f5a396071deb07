"""The OpenAI path over the phrase table: the real SDK against the local stand-in.

The stand-in answers each phrase with the draft the table expects, in the model's format;
the answer then goes through the same checks as any model answer (the pydantic schema, the
RRULE validator, the limits of task creation) and must come out as the row's draft. The
request must state the owner's now, zone and language.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from openai_standin import OpenAIStandIn
from phrase_table import TABLE, UNSET, Row, check
from taskai.adapters.openai_parser import OpenAIParser
from taskai.domain.quickadd import parse
from taskai.services.ai import parse_text, savable_draft

LANGUAGE_NAMES = {"en": "English", "de": "German", "es": "Spanish", "fr": "French"}


@pytest.fixture(scope="module")
def standin() -> Iterator[OpenAIStandIn]:
    server = OpenAIStandIn()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def model(standin: OpenAIStandIn) -> OpenAIParser:
    return OpenAIParser(api_key="sk-test", base_url=standin.base_url, model="gpt-x", timeout_s=5)


def model_answer(row: Row) -> dict[str, Any]:
    """The answer a faithful model gives: the row's fields, the rest as the rules read them."""
    rules = parse(row.text, now=row.now, tz=row.tz, language=row.language)
    due = row.due_at() if row.due is not UNSET else rules.due_date
    all_day = row.all_day if row.due is not UNSET else rules.all_day
    recurrence = rules.recurrence if row.rule is UNSET else row.expected()["recurrence"]
    reminders = rules.reminders if row.reminders is UNSET else row.reminders
    return {
        "title": rules.title if row.title is UNSET else row.title,
        "description": rules.description,
        "due_date": due and (due.date().isoformat() if all_day else wall(due, row.tz)),
        "all_day": all_day,
        "priority": rules.priority if row.priority is UNSET else row.priority,
        "tags": rules.tags if row.tags is UNSET else row.tags,
        "recurrence": recurrence,
        "reminders": [model_reminder(item, row.tz) for item in reminders],
        "project": rules.project,
        "section": rules.section,
    }


def wall(moment: datetime, tz: str) -> str:
    return moment.astimezone(ZoneInfo(tz)).strftime("%Y-%m-%dT%H:%M")


def model_reminder(item: dict[str, Any], tz: str) -> dict[str, Any]:
    at = item.get("at")
    if isinstance(at, tuple):
        at = datetime(*at, tzinfo=ZoneInfo(tz))
    return {"minutes_before": item.get("minutes_before"), "at": at and wall(at, tz)}


@pytest.mark.parametrize("row", TABLE, ids=[f"{row.language}:{row.text}" for row in TABLE])
def test_each_phrase_comes_back_from_the_model_path_as_its_draft(
    row: Row, standin: OpenAIStandIn, model: OpenAIParser
) -> None:
    standin.script = [{"content": json.dumps(model_answer(row))}]
    draft = parse_text(text=row.text, tz=row.tz, now=row.now, parser=model, language=row.language)
    assert draft.source == "openai", draft.notes
    check(savable_draft(draft, now=row.now), row, notes=False)  # notes are the rules' own
    system = standin.requests[-1]["messages"][0]["content"]
    assert row.now.strftime("%Y-%m-%dT%H:%M (%A)") in system
    assert row.tz in system and LANGUAGE_NAMES[row.language] in system
