"""Quick add: free text to a task draft (OpenAI when configured, else rules), and to a task."""

from __future__ import annotations

import logging
import uuid
from dataclasses import replace
from datetime import datetime
from typing import Protocol

from taskai.adapters.unit_of_work import UnitOfWork
from taskai.domain import quickadd
from taskai.domain.quickadd import Draft
from taskai.domain.tasks import MAX_TITLE, Task
from taskai.domain.users import check_timezone
from taskai.services.tasks import TaskDraft, create_task

log = logging.getLogger("taskai.ai")


class Parser(Protocol):
    def parse(self, text: str, *, now: datetime, tz: str) -> Draft:
        """A checked draft, or an exception."""


def parse_text(*, text: str, tz: str, now: datetime, parser: Parser | None) -> Draft:
    """The draft of `text`: from the model when there is one and it answers well, else by rules."""
    check_timezone(tz)
    if parser is not None:
        try:
            return parser.parse(text, now=now, tz=tz)
        except Exception as e:  # any failure of the model falls back; the user still gets a draft
            log.warning("openai failed; using rules", extra={"error": f"{type(e).__name__}: {e}"})
            draft = quickadd.parse(text, now=now, tz=tz)
            draft.notes.insert(0, f"OpenAI was not usable ({type(e).__name__}); parsed by rules")
            return draft
    return quickadd.parse(text, now=now, tz=tz)


def ready_to_save(draft: Draft, *, now: datetime) -> Draft:
    """Drop reminders the task could not take (an offset without a due date, a time past)."""
    kept, notes = [], list(draft.notes)
    for reminder in draft.reminders:
        at = reminder.get("at")
        if "minutes_before" in reminder and reminder["minutes_before"] is not None:
            if draft.due_date is None:
                notes.append("a reminder before the due time needs a due date; left out")
                continue
        elif isinstance(at, datetime) and at <= now:
            notes.append("a reminder time already past; left out")
            continue
        kept.append(reminder)
    return fit_title(replace(draft, reminders=kept, notes=notes))


def fit_title(draft: Draft) -> Draft:
    """A title past the limit is cut at a word; the rest opens the description."""
    if len(draft.title) <= MAX_TITLE:
        return draft
    cut = draft.title.rfind(" ", 0, MAX_TITLE + 1)
    cut = cut if cut > 0 else MAX_TITLE
    rest = draft.title[cut:].strip()
    description = f"{rest}\n\n{draft.description}" if draft.description else rest
    note = f"the title was longer than {MAX_TITLE} characters; the rest is the description"
    return replace(
        draft,
        title=draft.title[:cut].strip(),
        description=description,
        notes=[*draft.notes, note],
    )


def create_from_text(
    *, uow: UnitOfWork, user_id: uuid.UUID, draft: Draft, now: datetime
) -> tuple[Task, Draft]:
    """Create the task a draft describes; returns it with the draft as saved."""
    draft = ready_to_save(draft, now=now)
    task = create_task(
        uow=uow,
        user_id=user_id,
        draft=TaskDraft(
            title=draft.title,
            description=draft.description or "",
            priority=draft.priority or "medium",
            due_date=draft.due_date,
            tags=list(draft.tags),
            recurrence=draft.recurrence,
            reminders=[dict(r) for r in draft.reminders],
        ),
        now=now,
    )
    return task, draft
