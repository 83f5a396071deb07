"""The quick-add entry point: free text in, a draft task out."""

from __future__ import annotations

from datetime import datetime

from taskai.domain.days import day_start
from taskai.errors import InvalidInput

from .context import Context
from .dates import DatePart, take_date
from .draft import Draft
from .markers import take_place, take_priority, take_tags
from .phrase import Phrase, read_phrase
from .recurrence import Rule, take_recurrence
from .reminders import resolve_reminders, take_reminders
from .resolve import all_day, due_date
from .times import TimePart, take_time
from .translate import LANGUAGES, Translation, translate
from .zones import ZonePart, remark_season, take_zone


def parse(text: str, *, now: datetime, tz: str, language: str = "en") -> Draft:
    """Read a quick-add phrase into a draft, with dates in ``tz`` relative to the aware ``now``.

    ``language`` is en, de, es or fr (a region such as de-AT is allowed; others read as en).
    """
    if not text or text.isspace():
        raise InvalidInput("quick-add text is empty", fields={"text": "empty"})
    context = Context.at(now, tz)
    translation = translate(text, base_language(language))
    phrase, description = read_phrase(translation.text)
    draft = _read(phrase, description, context)
    if translation.pieces:
        _carry_back(draft, phrase, translation, text)
    draft.title = draft.title or text.strip()
    return draft


def base_language(language: str) -> str:
    """Return the supported language of a tag such as "de-AT", else "en"."""
    base = language.split("-")[0].split("_")[0].lower()
    return base if base in LANGUAGES else "en"


def _carry_back(draft: Draft, phrase: Phrase, translation: Translation, text: str) -> None:
    """Take the title and spans from the typed text, where the rendering read its parts."""
    source, draft.description = read_phrase(text)
    source.taken = [translation.to_source(start, end) for start, end in phrase.taken]
    draft.title = source.title() or text.strip()
    for span in draft.spans:
        span["start"], span["end"] = translation.to_source(span["start"], span["end"])


def _read(phrase: Phrase, description: str | None, context: Context) -> Draft:
    """Run the readers over the phrase, in an order where none eats another's words."""
    tags = take_tags(phrase)
    project, section = take_place(phrase)
    priority = take_priority(phrase)
    reminder_specs = take_reminders(phrase, context)
    rule = take_recurrence(phrase)
    zone_part = take_zone(phrase)
    date_part = take_date(phrase, context)
    time_part = take_time(phrase)
    day = all_day(date_part, time_part, rule, context)
    if day is not None:
        if zone_part is not None:
            phrase.note(f"'{zone_part.text}' ignored: a date without a time is all-day.")
        due: datetime | None = day_start(day, context.zone).astimezone(context.zone)
    else:
        due = _due(date_part, time_part, rule, zone_part, context, phrase)
    return Draft(
        title=phrase.title(),
        description=description,
        due_date=due,
        all_day=day is not None,
        priority=priority,
        tags=tags,
        project=project,
        section=section,
        recurrence={"rule": rule.body(), "anchor": rule.anchor} if rule else None,
        reminders=resolve_reminders(reminder_specs, due, context, phrase),
        notes=phrase.notes,
        spans=sorted(phrase.spans, key=lambda span: (span["start"], span["end"])),
    )


def _due(
    date_part: DatePart | None,
    time_part: TimePart | None,
    rule: Rule | None,
    zone_part: ZonePart | None,
    context: Context,
    phrase: Phrase,
) -> datetime | None:
    """The due date; a wall time given in another zone is converted to the user's."""
    if zone_part is None:
        return due_date(date_part, time_part, rule, context, phrase)
    due = due_date(date_part, time_part, rule, context.elsewhere(zone_part.zone), phrase)
    if due is None:
        phrase.note(f"'{zone_part.text}' was read as a time zone, but no time was given.")
        return None
    remark_season(zone_part, due, phrase)
    return due.astimezone(context.zone)
