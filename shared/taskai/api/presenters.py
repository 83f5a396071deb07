"""Entities to their public shapes, with times in the owner's time zone."""

from __future__ import annotations

import json
from datetime import datetime
from functools import lru_cache
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from taskai.api import schemas as s
from taskai.domain.days import day_of
from taskai.domain.filters.saved import SavedFilter
from taskai.domain.projects import Project, Section
from taskai.domain.recurrence import Recurrence
from taskai.domain.tags import Tag
from taskai.domain.tasks import Task
from taskai.domain.users import User
from taskai.ports import TagView, TaskView

if TYPE_CHECKING:
    from taskai.domain.quickadd import Draft
    from taskai.services.sync import Changes


def local(moment: datetime | None, zone: ZoneInfo) -> datetime | None:
    """`moment` converted to `zone` (aware in, aware out), None for None."""
    return moment.astimezone(zone) if moment else None


def tag_public(tag: Tag | TagView) -> s.TagPublic:
    """The tag (entity or read view) as TagPublic: id as text, name, color (hex or None)."""
    return s.TagPublic(id=str(tag.id), name=tag.name, color=tag.color)


def filter_public(saved: SavedFilter, zone: ZoneInfo) -> s.FilterPublic:
    """A saved filter as FilterPublic: id as text, name, query, color, position, times in
    `zone`."""
    assert saved.created_at is not None and saved.updated_at is not None
    return s.FilterPublic(
        id=str(saved.id),
        name=saved.name,
        query=saved.query,
        color=saved.color,
        position=saved.position,
        created_at=saved.created_at.astimezone(zone),
        updated_at=saved.updated_at.astimezone(zone),
    )


def tag_key(tag: Tag | TagView) -> str:
    """The tag's case-folded name, the order tags are listed in."""
    return tag.key


def task_public(
    task: Task | TaskView, zone: ZoneInfo, notes: list[str] | None = None
) -> s.TaskPublic:
    """A task (entity or read view) in its public shape, times in `zone`."""
    return s.TaskPublic(
        id=str(task.id),
        title=task.title,
        description=task.description,
        status=task.status,
        priority=task.priority,
        due_date=local(task.due_at, zone),
        tags=[tag_public(tag) for tag in sorted(task.tags, key=tag_key)],
        recurrence=recurrence_public(task.recurrence, task.recurrence_ended_reason),
        series_id=str(task.series_id) if task.series_id else None,
        occurrence=task.occurrence,
        skipped=task.skipped,
        reminders=[
            s.ReminderPublic(
                id=str(r.id),
                minutes_before=r.minutes_before,
                at=local(r.at, zone),
                fire_at=r.fire_at.astimezone(zone),
                status=r.status,
            )
            for r in task.reminders
        ],
        created_at=local(task.created_at, zone),  # type: ignore[arg-type]
        updated_at=local(task.updated_at, zone),  # type: ignore[arg-type]
        completed_at=local(task.completed_at, zone),
        notes=notes or None,
        all_day=task.all_day,
        due_on=day_of(task.due_at, zone) if task.all_day and task.due_at else None,
        project_id=str(task.project_id),
        section_id=str(task.section_id) if task.section_id else None,
        parent_id=str(task.parent_id) if task.parent_id else None,  # subtasks and order (#16)
        position=task.position,
        subtask_count=task.subtask_count,
        completed_subtask_count=task.completed_subtask_count,
    )


def project_public(project: Project, zone: ZoneInfo) -> s.ProjectPublic:
    """The project as ProjectPublic, times in `zone` (lists add task_count: ProjectWithCount)."""
    return s.ProjectPublic(
        id=str(project.id),
        name=project.name,
        color=project.color,
        view=project.view,
        position=project.position,
        archived=project.archived,
        inbox=project.inbox,
        created_at=local(project.created_at, zone),  # type: ignore[arg-type]
        updated_at=local(project.updated_at, zone),  # type: ignore[arg-type]
    )


def section_public(section: Section) -> s.SectionPublic:
    """The section as SectionPublic: ids as text, name, position."""
    return s.SectionPublic(
        id=str(section.id),
        project_id=str(section.project_id),
        name=section.name,
        position=section.position,
    )


def recurrence_public(
    recurrence: Recurrence | None, ended_reason: str | None = None
) -> s.RecurrencePublic | None:
    """The rule as RecurrencePublic with its English description and why the series ended, or
    None."""
    if recurrence is None:
        return None
    return s.RecurrencePublic(
        rule=recurrence.rule,
        anchor=recurrence.anchor,  # type: ignore[arg-type]
        text=recurrence.describe(),
        ended_reason=ended_reason,
    )


def draft_public(draft: Draft, zone: ZoneInfo) -> s.DraftPublic:
    """The quick-add draft as DraftPublic, times in `zone`, with the parser's notes and text
    spans."""
    recurrence = draft.recurrence and Recurrence(
        draft.recurrence["rule"], draft.recurrence["anchor"]
    )
    return s.DraftPublic(
        title=draft.title,
        description=draft.description,
        due_date=local(draft.due_date, zone),
        all_day=draft.all_day,
        due_on=draft.due_date.date() if draft.all_day and draft.due_date else None,
        priority=draft.priority,  # type: ignore[arg-type]
        tags=draft.tags,
        recurrence=recurrence_public(recurrence or None),
        reminders=[
            s.DraftReminder(minutes_before=r.get("minutes_before"), at=local(r.get("at"), zone))  # type: ignore[arg-type]
            for r in draft.reminders
        ],
        source=draft.source,
        notes=draft.notes,
        spans=[s.DraftSpan(**span) for span in draft.spans],
        project=draft.project,
        section=draft.section,
        project_id=draft.project_id,
        section_id=draft.section_id,
    )


def user_public(user: User) -> s.UserPublic:
    """The account as UserPublic (no password hash, no counters); created_at in its own zone,
    as every other time it is shown."""
    created = user.created_at
    return s.UserPublic(
        id=str(user.id),
        email=user.email,
        name=user.name,
        timezone=user.timezone,
        language=user.language,
        created_at=created.astimezone(user.zone) if created else None,  # type: ignore[arg-type]
        all_day_reminder_time=user.all_day_reminder_time,
    )


# SyncPublic's first field as pydantic writes it empty: the store's tasks go in its place.
NO_TASKS = '{"tasks":[]'


def sync_json(changes: Changes, zone: ZoneInfo) -> str:
    """A sync page (GET /api/sync, and each message of GET /api/stream) as SyncPublic's JSON
    text, times in `zone`, written as pydantic writes it: the tasks are the store's JSON values
    (see ChangedTask) with each recurring task's recurrence filled in, encoded once a page, so
    no task is built as a model."""
    rest = s.SyncPublic(
        tasks=[],
        tags=[tag_public(t) for t in changes.tags],
        deleted=[s.Deletion(type=kind, id=str(i)) for kind, i in changes.deleted],  # type: ignore[arg-type]
        cursor=str(changes.cursor),
        has_more=changes.has_more,
        filters=[filter_public(f, zone) for f in changes.filters],
        projects=[project_public(p, zone) for p in changes.projects],
        sections=[section_public(section) for section in changes.sections],
    ).model_dump_json()
    assert rest.startswith(NO_TASKS)  # tasks is SyncPublic's first field
    tasks = [task.body for task in changes.tasks]
    for item, task in zip(tasks, changes.tasks, strict=True):
        if task.recurrence_rule is not None:
            item["recurrence"] = _recurrence_json(
                task.recurrence_rule, task.recurrence_anchor, task.recurrence_ended_reason
            )
    text = json.dumps(tasks, ensure_ascii=False, separators=(",", ":"))
    return '{"tasks":' + text + rest.removeprefix(NO_TASKS)


@lru_cache(maxsize=1024)
def _recurrence_json(rule: str, anchor: str | None, ended: str | None) -> dict[str, Any]:
    """RecurrencePublic of a rule as JSON values (shared: never change the dict returned)."""
    public = recurrence_public(Recurrence(rule=rule, anchor=anchor or "due"), ended)
    return public.model_dump(mode="json")  # type: ignore[union-attr]
