"""The phrase table: every phrase reads into its expected draft, in every language and zone."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from phrase_table import TABLE, Row
from taskai.domain.quickadd import Draft, parse


def check(draft: Draft, row: Row) -> None:
    """Assert every field the row names, with due dates compared as wall times in its zone."""
    for name, value in row.expected().items():
        actual = getattr(draft, name)
        if name == "reminders":
            value = [_reminder(item, row.tz) for item in value]
        assert actual == value, (name, actual, value, draft)
        if name == "due_date" and value is not None:
            assert actual.astimezone(ZoneInfo(row.tz)).replace(tzinfo=None) == value.replace(
                tzinfo=None
            )
    if row.note:
        assert any(row.note in note for note in draft.notes), draft.notes


def _reminder(item: dict[str, Any], tz: str) -> dict[str, Any]:
    """Turn a table reminder's wall-time tuple into an aware datetime."""
    if isinstance(item.get("at"), tuple):
        return {"at": datetime(*item["at"], tzinfo=ZoneInfo(tz))}
    return item


@pytest.mark.parametrize("row", TABLE, ids=[f"{row.language}:{row.text}" for row in TABLE])
def test_each_phrase_of_the_table_reads_into_its_draft(row: Row) -> None:
    check(parse(row.text, now=row.now, tz=row.tz), row)


def test_every_recognised_part_is_reported_with_its_span() -> None:
    text = "Webinar tomorrow 5pm PST #work !high"
    draft = parse(text, now=TABLE[0].now, tz=TABLE[0].tz)
    assert [(text[s["start"] : s["end"]], s["kind"]) for s in draft.spans] == [
        ("tomorrow", "date"),
        ("5pm", "time"),
        ("PST", "zone"),
        ("#work", "tag"),
        ("!high", "priority"),
    ]
