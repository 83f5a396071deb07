"""ai function: a line of text to a task draft, or straight to a task (/api/ai/*)."""

from zoneinfo import ZoneInfo

import functions_framework

from taskai import bootstrap
from taskai.api import schemas as s
from taskai.api.http import Api, Call
from taskai.api.presenters import draft_public, task_public
from taskai.domain.quickadd import Draft
from taskai.services import ai as service

api = Api("ai")


def draft_of(call: Call, body: s.QuickAddIn) -> tuple[Draft, ZoneInfo]:
    """The draft, and the zone it was read in (the request's, else the profile's)."""
    tz = body.timezone or call.zone().key
    language = body.language or call.language()
    draft = service.parse_text(
        text=body.text, tz=tz, language=language, now=call.now, parser=bootstrap.quick_add_parser()
    )
    return draft, ZoneInfo(tz)


@api.handles("parseText")
def parse_text(call: Call) -> s.DraftPublic:
    """POST /api/ai/parse → 200 DraftPublic of the line (rules when OpenAI fails) with its
    +project and /section resolved (else the body's default place), nothing saved; 422
    InvalidInput, 404 for another user's project."""
    body = call.body(s.QuickAddIn)
    draft, zone = draft_of(call, body)
    draft = service.savable_draft(draft, now=call.now)
    place = service.resolve_place(
        uow=call.uow(),
        user_id=call.user_id,
        draft=draft,
        project_id=body.project_id,
        section_id=body.section_id,
    )
    return draft_public(place, zone)


@api.handles("createFromText")
def create_from_text(call: Call) -> s.QuickAddPublic:
    """POST /api/ai/tasks → 201 QuickAddPublic: the task created from the line and the draft as
    saved; 422 InvalidInput."""
    body = call.body(s.QuickAddIn)
    draft, zone = draft_of(call, body)
    task, saved = service.create_from_text(
        uow=call.uow(),
        user_id=call.user_id,
        draft=draft,
        now=call.now,
        project_id=body.project_id,
        section_id=body.section_id,
    )
    return s.QuickAddPublic(task=task_public(task, call.zone()), draft=draft_public(saved, zone))


@functions_framework.http
def ai(request):  # type: ignore[no-untyped-def]
    """Entry point Knative runs (FUNCTION_TARGET=ai)."""
    return api(request)
