"""The result of reading a quick-add phrase."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime
from typing import TypedDict

from taskai.domain.vocabulary import DraftSource

Reminder = dict[str, int | datetime]


class Span(TypedDict):
    """Where a recognised part sits in the text: ``text[start:end]`` was read as ``kind``."""

    start: int
    end: int
    kind: str


@dataclass
class Draft:
    """A task proposed from free text; every field is a suggestion the user can edit."""

    title: str
    description: str | None = None
    due_date: datetime | None = None
    priority: str | None = None
    tags: list[str] = field(default_factory=list)
    recurrence: dict[str, str] | None = None
    reminders: list[Reminder] = field(default_factory=list)
    source: DraftSource = DraftSource.RULES
    notes: list[str] = field(default_factory=list)
    # Where each recognised part came from in the text ({start, end, kind}); presentation only,
    # so two drafts with the same task content compare equal.
    spans: list[Span] = field(default_factory=list, compare=False)
    # All-day tasks (#16): due_date is then the start of that day in the user's zone.
    all_day: bool = False
    # Quick add's +project and /section (#16): the names as typed, and the caller's project and
    # section they name (resolved against the user's projects; None: the Inbox, no section).
    project: str | None = None
    section: str | None = None
    project_id: uuid.UUID | None = None
    section_id: uuid.UUID | None = None
