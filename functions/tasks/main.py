"""tasks function: task CRUD, complete/reopen, filters, search, saved filters and sync
(/api/tasks*, /api/filters*, /api/sync), projects and sections (/api/projects*, /api/sections*),
import and export (/api/export, /api/import*) and the calendar feed (/api/calendar*)."""

import itertools
import json
import uuid

import flask
import functions_framework

from taskai import bootstrap
from taskai.api import schemas as s
from taskai.api.call import UnsupportedMediaType
from taskai.api.http import Api, Call
from taskai.api.presenters import (
    filter_public,
    project_public,
    section_public,
    sync_json,
    task_public,
)
from taskai.config import get_settings
from taskai.domain.calendar import CalendarFeed
from taskai.services import (
    calendar,
    filters,
    projects,
    recurrence,
    subtasks,
    sync,
)
from taskai.services import tasks as service

api = Api("tasks")


@api.handles("createTask")
def create_task(call: Call) -> s.TaskPublic:
    """POST /api/tasks → 201 TaskPublic (notes name reminders already past); 422 InvalidInput."""
    body = call.body(s.TaskCreate)
    draft = service.TaskDraft(
        **body.model_dump(exclude={"recurrence"}),
        recurrence=body.recurrence and body.recurrence.model_dump(exclude_none=True),
    )
    task = service.create_task(uow=call.uow(), user_id=call.user_id, draft=draft, now=call.now)
    return present(call, task, service.skipped_reminder_notes(task))


@api.handles("listTasks")
def list_tasks(call: Call) -> flask.Response:
    """GET /api/tasks → 200 TaskPage filtered, searched, sorted, one cursor page; 422
    InvalidInput, 409 Conflict for a cursor of another sort."""
    query = call.query(s.TaskListParams).task_query()
    page = service.list_tasks(uow=call.uow(), user_id=call.user_id, query=query, now=call.now)
    cursor = json.dumps(page.next_cursor)
    return raw_json(f'{{"items":{page.items},"next_cursor":{cursor}}}')  # the database's JSON


@api.handles("getTask")
def get_task(call: Call) -> flask.Response:
    """GET /api/tasks/<id> → 200 TaskPublic; 404 NotFound (also for another user's task)."""
    task_id = call.values["task_id"]
    return raw_json(service.get_task(uow=call.uow(), user_id=call.user_id, task_id=task_id))


@api.handles("updateTask")
def update_task(call: Call) -> s.TaskPublic:
    """PATCH /api/tasks/<id> → 200 TaskPublic with the fields sent changed; 404 NotFound, 422
    InvalidInput, 409 Conflict."""
    body = call.body(s.TaskUpdate)
    changes = body.changes()
    task = service.update_task(
        uow=call.uow(),
        user_id=call.user_id,
        task_id=call.values["task_id"],
        changes=changes,
        now=call.now,
    )
    notes = service.skipped_reminder_notes(task) if body.reminders is not None else None
    return present(call, task, notes)


@api.handles("deleteTask")
def delete_task(call: Call) -> None:
    """DELETE /api/tasks/<id> → 204; 404 NotFound."""
    service.delete_task(
        uow=call.uow(), user_id=call.user_id, task_id=call.values["task_id"], now=call.now
    )


@api.handles("completeTask")
def complete_task(call: Call) -> s.TaskPublic:
    """POST /api/tasks/<id>/complete → 200 TaskPublic, idempotent; 404 NotFound."""
    task = service.complete_task(
        uow=call.uow(), user_id=call.user_id, task_id=call.values["task_id"], now=call.now
    )
    return present(call, task)


@api.handles("reopenTask")
def reopen_task(call: Call) -> s.TaskPublic:
    """POST /api/tasks/<id>/reopen → 200 TaskPublic, idempotent; 404 NotFound."""
    task = service.reopen_task(
        uow=call.uow(), user_id=call.user_id, task_id=call.values["task_id"], now=call.now
    )
    return present(call, task)


@api.handles("skipTask")
def skip_task(call: Call) -> s.TaskPublic:
    """POST /api/tasks/<id>/skip → 200 TaskPublic completed as skipped (the next occurrence
    follows); 404 NotFound."""
    task = service.skip_task(
        uow=call.uow(), user_id=call.user_id, task_id=call.values["task_id"], now=call.now
    )
    return present(call, task)


@api.handles("moveTask")
def move_task(call: Call) -> s.TaskPublic:
    """POST /api/tasks/<id>/move → 200 TaskPublic at its new place; 404 NotFound (naming
    parent_id, after_id or before_id), 422 InvalidInput (a cycle, too deep, a sibling elsewhere)."""
    task = subtasks.move_task(
        uow=call.uow(),
        user_id=call.user_id,
        task_id=call.values["task_id"],
        move=call.body(s.TaskMove).move(),
        now=call.now,
    )
    return present(call, task)


@api.handles("listSeries")
def list_series(call: Call) -> s.SeriesPage:
    """GET /api/tasks/<id>/series → 200 SeriesPage of the series' occurrences, oldest first; 404
    NotFound, 422."""
    params = call.query(s.SeriesParams)
    found, next_after = recurrence.series_of(
        uow=call.uow(),
        user_id=call.user_id,
        task_id=call.values["task_id"],
        after=params.after,
        limit=params.limit,
    )
    zone = call.zone()
    return s.SeriesPage(items=[task_public(t, zone) for t in found], next_after=next_after)


@api.handles("sync")
def sync_changes(call: Call) -> flask.Response:
    """GET /api/sync → 200 SyncPublic: tasks, tags, saved filters and deletions changed since the
    cursor; 422 InvalidInput for a bad cursor."""
    cursor = sync.parse_cursor(call.query(s.SyncParams).cursor)
    changes = sync.changes_since(uow=call.uow(), user_id=call.user_id, cursor=cursor)
    return raw_json(sync_json(changes, call.zone()))


# Saved filters (issue 16).
@api.handles("listFilters")
def list_filters(call: Call) -> s.FilterList:
    """GET /api/filters → 200 FilterList by position."""
    found = filters.list_filters(uow=call.uow(), user_id=call.user_id)
    zone = call.zone()
    return s.FilterList(items=[filter_public(f, zone) for f in found])


@api.handles("createFilter")
def create_filter(call: Call) -> s.FilterPublic:
    """POST /api/filters → 201 FilterPublic; 422 InvalidInput (a query that does not parse names
    `query` and the position), 409 Conflict for a name taken in any case or past 200 filters."""
    body = call.body(s.FilterCreate)
    saved = filters.create_filter(
        uow=call.uow(), user_id=call.user_id, **body.model_dump(), now=call.now
    )
    return filter_public(saved, call.zone())


@api.handles("updateFilter")
def update_filter(call: Call) -> s.FilterPublic:
    """PATCH /api/filters/<id> → 200 FilterPublic with the fields sent changed; 404 NotFound,
    409 Conflict, 422 InvalidInput."""
    saved = filters.update_filter(
        uow=call.uow(),
        user_id=call.user_id,
        filter_id=call.values["filter_id"],
        changes=s.fields_set(call.body(s.FilterUpdate)),
        now=call.now,
    )
    return filter_public(saved, call.zone())


@api.handles("deleteFilter")
def delete_filter(call: Call) -> None:
    """DELETE /api/filters/<id> → 204; 404 NotFound."""
    filters.delete_filter(
        uow=call.uow(), user_id=call.user_id, filter_id=call.values["filter_id"], now=call.now
    )


# projects and sections
@api.handles("listProjects")
def list_projects(call: Call) -> s.ProjectList:
    """GET /api/projects → 200 ProjectList by position, each with its open task count."""
    found = projects.list_projects(uow=call.uow(), user_id=call.user_id)
    zone = call.zone()
    return s.ProjectList(
        items=[
            s.ProjectWithCount(**project_public(p, zone).model_dump(), task_count=n)
            for p, n in found
        ]
    )


@api.handles("createProject")
def create_project(call: Call) -> s.ProjectPublic:
    """POST /api/projects → 201 ProjectPublic; 409 Conflict for a taken name or past 500
    projects, 422 InvalidInput."""
    body = call.body(s.ProjectCreate)
    project = projects.create_project(
        uow=call.uow(), user_id=call.user_id, fields=body.model_dump(), now=call.now
    )
    return project_public(project, call.zone())


@api.handles("getProject")
def get_project(call: Call) -> s.ProjectPublic:
    """GET /api/projects/<id> → 200 ProjectPublic; 404 NotFound (also for another user's)."""
    project = projects.get_project(
        uow=call.uow(), user_id=call.user_id, project_id=call.values["project_id"]
    )
    return project_public(project, call.zone())


@api.handles("updateProject")
def update_project(call: Call) -> s.ProjectPublic:
    """PATCH /api/projects/<id> → 200 ProjectPublic; 404 NotFound, 409 Conflict (a taken name,
    renaming or archiving the Inbox), 422 InvalidInput."""
    body = call.body(s.ProjectUpdate)
    project = projects.update_project(
        uow=call.uow(),
        user_id=call.user_id,
        project_id=call.values["project_id"],
        changes=body.model_dump(exclude_unset=True),
        now=call.now,
    )
    return project_public(project, call.zone())


@api.handles("deleteProject")
def delete_project(call: Call) -> None:
    """DELETE /api/projects/<id>[?move_to=<project id>] → 204; 404 NotFound, 409 Conflict for
    the Inbox, 422 InvalidInput naming move_to."""
    params = call.query(s.ProjectDeleteParams)
    projects.delete_project(
        uow=call.uow(),
        user_id=call.user_id,
        project_id=call.values["project_id"],
        move_to=params.move_to,
        now=call.now,
    )


@api.handles("listSections")
def list_sections(call: Call) -> s.SectionList:
    """GET /api/projects/<id>/sections → 200 SectionList by position; 404 NotFound."""
    found = projects.list_sections(
        uow=call.uow(), user_id=call.user_id, project_id=call.values["project_id"]
    )
    return s.SectionList(items=[section_public(section) for section in found])


@api.handles("createSection")
def create_section(call: Call) -> s.SectionPublic:
    """POST /api/projects/<id>/sections → 201 SectionPublic; 404 NotFound, 409 Conflict for a
    taken name or past 200 sections, 422 InvalidInput."""
    body = call.body(s.SectionCreate)
    section = projects.create_section(
        uow=call.uow(),
        user_id=call.user_id,
        project_id=call.values["project_id"],
        name=body.name,
        position=body.position,
        now=call.now,
    )
    return section_public(section)


@api.handles("updateSection")
def update_section(call: Call) -> s.SectionPublic:
    """PATCH /api/sections/<id> → 200 SectionPublic; 404 NotFound, 409 Conflict, 422."""
    body = call.body(s.SectionUpdate)
    section = projects.update_section(
        uow=call.uow(),
        user_id=call.user_id,
        section_id=call.values["section_id"],
        name=body.name,
        position=body.position,
        now=call.now,
    )
    return section_public(section)


@api.handles("deleteSection")
def delete_section(call: Call) -> None:
    """DELETE /api/sections/<id> → 204, its tasks left in no section; 404 NotFound."""
    projects.delete_section(
        uow=call.uow(), user_id=call.user_id, section_id=call.values["section_id"], now=call.now
    )


# Import and export (issue 17)
@api.handles("exportAccount")
def export_account(call: Call) -> flask.Response:
    """GET /api/export → 200 ExportPublic streamed as it is read (one read-only transaction)."""
    from taskai.api import transfer as transfer_json  # import and export load on first use
    from taskai.services import transfer

    parts = transfer.export_account(uow=call.uow(), user_id=call.user_id)
    first = next(parts)  # the account is checked (401) before the answer starts
    body = transfer_json.export_json(
        itertools.chain([first], parts), export_id=str(uuid.uuid4()), now=call.now
    )
    disposition = 'attachment; filename="taskai-export.json"'
    return flask.Response(
        body, mimetype="application/json", headers={"Content-Disposition": disposition}
    )


@api.handles("importAccount")
def import_account(call: Call) -> s.ImportReport:
    """POST /api/import → 200 ImportReport; 413 past 10 MB, 415 not JSON, 422 not an export
    (or past 50,000 tasks), 409 the same import running at once."""
    from taskai.api import transfer as transfer_json
    from taskai.services import transfer

    raw = call.raw_body(transfer.MAX_IMPORT_BYTES)
    if call.request.mimetype != "application/json":
        raise UnsupportedMediaType()
    document = transfer_json.export_document(raw)
    report = transfer.import_export(
        uow=call.uow(),
        user_id=call.user_id,
        document=document,
        import_id=transfer_json.import_id(call, raw, document.get("export_id")),
        sender=bootstrap.webhook_sender(),
        now=call.now,
    )
    return s.ImportReport.model_validate(report)


@api.handles("importTodoist")
def import_todoist(call: Call) -> s.ImportReport:
    """POST /api/import/todoist[?project=] → 200 ImportReport; 413 past 10 MB, 422 naming `file`
    for a body that is not Todoist's CSV."""
    from taskai.api import transfer as transfer_json
    from taskai.services import todoist_import

    params = call.query(s.TodoistImportParams)
    text, raw, name = transfer_json.csv_upload(call)
    project = params.project or name or "Todoist"
    report = todoist_import.import_todoist(
        uow=call.uow(),
        user_id=call.user_id,
        text=text,
        project=project,
        import_id=transfer_json.import_id(call, project.encode() + b"\n" + raw),
        now=call.now,
    )
    return s.ImportReport.model_validate(report)


# The calendar feed (issue 17)
@api.handles("getCalendarFeed")
def get_calendar_feed(call: Call) -> flask.Response:
    """GET /api/calendar/<token>.ics → 200 text/calendar, streamed (at most 5,000 events), or
    304 when If-None-Match holds its ETag; 404 NotFound for an unknown or rotated token."""
    request = call.request
    read = calendar.read_feed(
        uow=call.uow(),
        token=call.values["token"],
        now=call.now,
        unchanged=lambda etag: request.if_none_match.contains_weak(etag),
    )
    if read.tasks is None:
        response = flask.Response(status=304)
        del response.headers["Content-Type"]
    else:
        from taskai.adapters.ical import feed_chunks  # icalendar loads on a feed's first read

        settings = get_settings()
        chunks = feed_chunks(
            read.tasks,
            clock=read.owner.clock,
            app_url=settings.public_url,
            name="TaskAI",
            now=call.now,
        )
        response = flask.Response(chunks, mimetype="text/calendar")
        response.headers["Content-Disposition"] = 'inline; filename="taskai.ics"'
        response.last_modified = read.last_modified
    response.set_etag(read.etag)
    # Cached by the calendar app only, and revalidated on each poll: the URL is a secret.
    response.headers["Cache-Control"] = "private, no-cache"
    response.headers["Referrer-Policy"] = "no-referrer"
    return response


@api.handles("getCalendar")
def get_calendar(call: Call) -> s.CalendarPublic:
    """GET /api/calendar → 200 CalendarPublic: the feed URL, or null until one is created."""
    feed = calendar.show_feed(uow=call.uow(), user_id=call.user_id)
    return calendar_public(feed)


@api.handles("rotateCalendarToken")
def rotate_calendar_token(call: Call) -> s.CalendarPublic:
    """POST /api/calendar/token → 200 CalendarPublic with a new URL; the old one is 404 after."""
    feed = calendar.rotate_feed(uow=call.uow(), user_id=call.user_id, key=feed_key(), now=call.now)
    return calendar_public(feed)


def calendar_public(feed: CalendarFeed | None) -> s.CalendarPublic:
    """The feed's URL under PUBLIC_URL and its creation time, or nulls for no feed."""
    if feed is None:
        return s.CalendarPublic(url=None, created_at=None)
    base = get_settings().public_url.rstrip("/")
    return s.CalendarPublic(
        url=f"{base}/api/calendar/{feed.token(feed_key())}.ics", created_at=feed.created_at
    )


def feed_key() -> str:
    """The server's secret feed tokens are derived from: the JWT signing secret."""
    secret = get_settings().jwt_secret
    assert secret is not None  # Settings.from_env guarantees one
    return secret


def raw_json(text: str) -> flask.Response:
    """JSON text built elsewhere (the database) as a 200 answer."""
    return flask.Response(text, status=200, mimetype="application/json")


def present(call: Call, task, notes=None) -> s.TaskPublic:  # type: ignore[no-untyped-def]
    """The task as TaskPublic, times in the caller's zone, with `notes` (list of str) if given."""
    return task_public(task, call.zone(), notes)


@functions_framework.http
def tasks(request):  # type: ignore[no-untyped-def]
    """Entry point Knative runs (FUNCTION_TARGET=tasks)."""
    return api(request)
