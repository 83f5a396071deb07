"""Quick add: free text to a task draft (OpenAI when configured, else rules), and to a task."""

from __future__ import annotations

import logging
import uuid
from dataclasses import replace
from datetime import datetime
from zoneinfo import ZoneInfo

from taskai.domain import quickadd
from taskai.domain.names import name_key, shows
from taskai.domain.quickadd import Draft
from taskai.domain.reminders import MAX_REMINDERS
from taskai.domain.tags import clean_tag_name
from taskai.domain.tasks import MAX_TAGS, MAX_TITLE, Task, check_description, clean_title
from taskai.domain.users import check_language, check_timezone
from taskai.errors import InvalidInput
from taskai.ports import Parser, UnitOfWork
from taskai.services.tasks import TaskDraft, create_task, parse_recurrence, reminder_specs

log = logging.getLogger("taskai.ai")
UTC_ZONE = ZoneInfo("UTC")  # draft reminder times are aware; the zone only reads naive ones


def parse_text(
    *, text: str, tz: str, now: datetime, parser: Parser | None, language: str = "en"
) -> Draft:
    """The draft of `text`: from the model when there is one and it answers well, else by rules."""
    check_timezone(tz)
    language = check_language(language)
    if parser is not None:
        try:
            return parser.parse(text, now=now, tz=tz, language=language)
        except Exception as e:  # any failure of the model falls back; the user still gets a draft
            log.warning("openai failed; using rules", extra={"error": f"{type(e).__name__}: {e}"})
            draft = quickadd.parse(text, now=now, tz=tz, language=language)
            draft.notes.insert(0, f"OpenAI was not usable ({type(e).__name__}); parsed by rules")
            return draft
    return quickadd.parse(text, now=now, tz=tz, language=language)


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


def savable_draft(draft: Draft, *, now: datetime) -> Draft:
    """The draft as it would be saved, checked by the limits of task creation.

    Raises InvalidInput naming the field task creation would refuse (an 845-character title,
    a 60-character tag, eleven reminders), so a parsed draft is never one that cannot be saved.
    """
    draft = ready_to_save(draft, now=now)
    if not shows(draft.title):  # only #tags, !priority, dates... were typed: nothing to call it
        message = "has no title once its tags, dates and other markers are taken out"
        raise InvalidInput(f"text {message}", fields={"text": message})
    clean_title(draft.title)
    check_description(draft.description)
    for index, name in enumerate(draft.tags):
        clean_tag_name(name, field_name=f"tags.{index}")
    if len({name.casefold() for name in draft.tags}) > MAX_TAGS:
        raise InvalidInput("too many tags", fields={"tags": f"at most {MAX_TAGS}"})
    if len(draft.reminders) > MAX_REMINDERS:
        raise InvalidInput("too many reminders", fields={"reminders": f"at most {MAX_REMINDERS}"})
    reminder_specs([dict(r) for r in draft.reminders], UTC_ZONE)
    try:
        parse_recurrence(draft.recurrence)
    except InvalidInput as e:
        raise InvalidInput(e.message, fields={"recurrence": e.message}) from e
    return draft


def resolve_place(
    *,
    uow: UnitOfWork,
    user_id: uuid.UUID,
    draft: Draft,
    project_id: uuid.UUID | None = None,
    section_id: uuid.UUID | None = None,
) -> Draft:
    """The draft with project_id and section_id of the user's project and section its +project
    and /section name (by name key: any case); an unknown name leaves the Inbox or no section,
    and a note says so (not an error). `project_id`/`section_id` are the default place (the page
    the line was typed on): kept when nothing is typed; a /section alone is looked for in that
    project, else the Inbox. Raises NotFound naming project_id for another user's project."""
    if draft.project is None and draft.section is None:
        return replace(draft, project_id=project_id, section_id=section_id)
    notes, section_id = list(draft.notes), None
    with uow:
        default = uow.projects.get(user_id, project_id) if project_id is not None else None
        project = None
        if draft.project is not None:
            project_id = None
            project = uow.projects.by_key(user_id, name_key(draft.project))
            if project is None:
                notes.append(f"no project named '{draft.project}'; the task goes to the Inbox")
            else:
                project_id = project.id
        if draft.section is not None:
            home = project or (default if draft.project is None else None)
            home = home or uow.projects.inbox(user_id)
            key = name_key(draft.section)
            sections = uow.sections.of_project(home.id) if home is not None else []
            section = next((x for x in sections if x.key == key), None)
            if section is None:
                where = home.name if home is not None else "the Inbox"
                notes.append(f"no section named '{draft.section}' in {where}; left in no section")
            else:
                section_id = section.id
    return replace(draft, project_id=project_id, section_id=section_id, notes=notes)


def create_from_text(
    *,
    uow: UnitOfWork,
    user_id: uuid.UUID,
    draft: Draft,
    now: datetime,
    project_id: uuid.UUID | None = None,
    section_id: uuid.UUID | None = None,
) -> tuple[Task, Draft]:
    """Create the task a draft describes, in the project and section it names, else the default
    place (resolve_place); returns it with the draft as saved. Raises InvalidInput naming the
    field, NotFound for another user's project or section."""
    draft = resolve_place(
        uow=uow,
        user_id=user_id,
        draft=savable_draft(draft, now=now),
        project_id=project_id,
        section_id=section_id,
    )
    task = create_task(
        uow=uow,
        user_id=user_id,
        draft=TaskDraft(
            title=draft.title,
            description=draft.description or "",
            priority=draft.priority or "medium",
            # An all-day draft saves as its date (all-day in the owner's zone), not as midnight.
            due_date=draft.due_date.date() if draft.all_day and draft.due_date else draft.due_date,
            tags=list(draft.tags),
            recurrence=draft.recurrence,
            reminders=[dict(r) for r in draft.reminders],
            project_id=draft.project_id,
            section_id=draft.section_id,
        ),
        now=now,
    )
    return task, draft
