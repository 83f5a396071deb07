"""Use cases of projects and sections: list, create, change, delete; where a task goes."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from taskai.domain.names import name_key
from taskai.domain.projects import (
    MAX_PROJECTS,
    MAX_SECTIONS,
    Project,
    Section,
    clean_name,
    clean_position,
    room_at,
)
from taskai.errors import Conflict, InvalidInput, NotFound
from taskai.ports import UnitOfWork


def list_projects(*, uow: UnitOfWork, user_id: uuid.UUID) -> list[tuple[Project, int]]:
    """Every project of the caller (at most MAX_PROJECTS) by position, with open task counts."""
    with uow:
        return uow.projects.with_counts(user_id)


def get_project(*, uow: UnitOfWork, user_id: uuid.UUID, project_id: uuid.UUID) -> Project:
    """One of the caller's projects; raises NotFound."""
    with uow:
        return uow.projects.get(user_id, project_id)


def create_project(
    *, uow: UnitOfWork, user_id: uuid.UUID, fields: dict[str, Any], now: datetime
) -> Project:
    """A new project (fields: name, and optionally color, view, position; placed last when no
    position is given, else the ones from there on shift one place); raises InvalidInput,
    Conflict for a taken name or past MAX_PROJECTS."""
    with uow:
        mine = uow.projects.of_user(user_id)
        if len(mine) >= MAX_PROJECTS:
            raise Conflict(
                f"at most {MAX_PROJECTS} projects", fields={"name": f"at most {MAX_PROJECTS}"}
            )
        ensure_project_name_free(uow, user_id, fields["name"])
        last = max((p.position for p in mine), default=-1) + 1
        project = Project.new(
            user_id=user_id,
            now=now,
            **{"position": last, **{k: v for k, v in fields.items() if v is not None}},
        )
        if fields.get("position") is not None:
            make_room(mine, project.position, now=now)
        uow.projects.add(project)
        uow.commit()
        return project


def update_project(
    *,
    uow: UnitOfWork,
    user_id: uuid.UUID,
    project_id: uuid.UUID,
    changes: dict[str, Any],
    now: datetime,
) -> Project:
    """Change a project's name, color, view, position or archived flag (keys of `changes`);
    raises NotFound, InvalidInput, Conflict (a taken name; renaming or archiving the Inbox)."""
    with uow:
        project = uow.projects.get(user_id, project_id)
        name = changes.get("name")
        if name is not None and name_key(clean_name(name)) != project.key:
            ensure_project_name_free(uow, user_id, name)
        position = changes.get("position")
        if position is not None and position != project.position:
            others = [p for p in uow.projects.of_user(user_id) if p.id != project.id]
            make_room(others, clean_position(position), now=now)
        project.update(now=now, **changes)
        uow.commit()
        return project


def delete_project(
    *,
    uow: UnitOfWork,
    user_id: uuid.UUID,
    project_id: uuid.UUID,
    move_to: uuid.UUID | None,
    now: datetime,
) -> None:
    """Delete a project and its sections; its tasks move to project `move_to` (out of their
    sections) or, without it, are deleted too. Raises NotFound (naming move_to for a project
    not the caller's), Conflict for the Inbox or naming move_to for an archived one,
    InvalidInput for moving them into this one."""
    with uow:
        project = uow.projects.get(user_id, project_id)
        if move_to is not None:
            try:
                ensure_open_project(uow, user_id, move_to)
            except (NotFound, Conflict) as e:
                message = e.fields["project_id"]
                raise type(e)(f"move_to {message}", fields={"move_to": message}) from e
        project.delete(now=now, moved_to=move_to)
        uow.delete_project(project, move_to=move_to)
        uow.commit()


def make_room(projects: list[Project], at: int, *, now: datetime) -> None:
    """Shift the projects from position `at` up to the first gap one place later (each records
    its update), so a project put at `at` shares it with none."""
    for project, position in room_at(projects, at):
        project.update(now=now, position=position)


def make_section_room(
    uow: UnitOfWork, user_id: uuid.UUID, sections: list[Section], at: int, *, now: datetime
) -> None:
    """Shift the sections from position `at` up to the first gap one place later (each read
    through the repository, so its update event goes out)."""
    for section, position in room_at(sections, at):
        uow.sections.get(user_id, section.id).update(now=now, position=position)


def list_sections(*, uow: UnitOfWork, user_id: uuid.UUID, project_id: uuid.UUID) -> list[Section]:
    """The sections of one of the caller's projects, by position; raises NotFound."""
    with uow:
        project = uow.projects.get(user_id, project_id)
        return uow.sections.of_project(project.id)


def create_section(
    *,
    uow: UnitOfWork,
    user_id: uuid.UUID,
    project_id: uuid.UUID,
    name: str,
    position: int | None,
    now: datetime,
) -> Section:
    """A new section of one of the caller's projects (last when no position is given, else the
    ones from there on shift one place); raises NotFound, InvalidInput, Conflict for a name the
    project has or past MAX_SECTIONS."""
    with uow:
        project = uow.projects.get(user_id, project_id)
        existing = uow.sections.of_project(project.id)
        if len(existing) >= MAX_SECTIONS:
            message = f"at most {MAX_SECTIONS} sections a project"
            raise Conflict(message, fields={"name": message})
        ensure_section_name_free(existing, name)
        last = max((s.position for s in existing), default=-1) + 1
        section = Section.new(
            project=project, name=name, now=now, position=last if position is None else position
        )
        if position is not None:
            make_section_room(uow, user_id, existing, section.position, now=now)
        uow.sections.add(section)
        uow.commit()
        return section


def update_section(
    *,
    uow: UnitOfWork,
    user_id: uuid.UUID,
    section_id: uuid.UUID,
    name: str | None,
    position: int | None,
    now: datetime,
) -> Section:
    """Rename and/or move one of the caller's sections; raises NotFound, InvalidInput, Conflict
    for a name another section of its project has."""
    with uow:
        section = uow.sections.get(user_id, section_id)
        siblings = [s for s in uow.sections.of_project(section.project_id) if s.id != section.id]
        if name is not None and name_key(clean_name(name)) != section.key:
            ensure_section_name_free(siblings, name)
        if position is not None and position != section.position:
            make_section_room(uow, user_id, siblings, clean_position(position), now=now)
        section.update(now=now, name=name, position=position)
        uow.commit()
        return section


def delete_section(
    *, uow: UnitOfWork, user_id: uuid.UUID, section_id: uuid.UUID, now: datetime
) -> None:
    """Delete one of the caller's sections; its tasks stay in the project, in no section.
    Raises NotFound."""
    with uow:
        section = uow.sections.get(user_id, section_id)
        section.delete(now=now)
        uow.delete_section(section)
        uow.commit()


def inbox_of(uow: UnitOfWork, user_id: uuid.UUID, *, now: datetime) -> Project:
    """The user's Inbox, made now if the account has none yet (registration makes it)."""
    inbox = uow.projects.inbox(user_id)
    if inbox is None:
        inbox = Project.new_inbox(user_id=user_id, now=now)
        uow.projects.add(inbox)
    return inbox


def place_of(
    uow: UnitOfWork,
    user_id: uuid.UUID,
    project_id: uuid.UUID | None,
    section_id: uuid.UUID | None,
    *,
    now: datetime,
    staying: uuid.UUID | None = None,
) -> tuple[uuid.UUID, uuid.UUID | None]:
    """(project id, section id) of a task put in project `project_id` and section
    `section_id`: without a project, the section's own project, else the Inbox. Raises NotFound
    naming project_id or section_id for one not the caller's, InvalidInput for a section of
    another project, Conflict naming project_id for an archived project the task is not
    already in (`staying`)."""
    section = None
    if section_id is not None:
        try:
            section = uow.sections.get(user_id, section_id)
        except NotFound as e:
            raise NotFound("no such section", fields={"section_id": "no such section"}) from e
    if project_id is None and section is not None:
        project_id = section.project_id
    elif project_id is None:
        account = getattr(uow, "account", None)  # the caller, read by the unit of work
        known = getattr(uow, "inbox_id", None)  # and the caller's Inbox with it
        if known is not None and account is not None and account.id == user_id:
            return known, None  # no check: an Inbox is never archived (Project.update refuses)
        # held until the check below, which then finds it loaded (the session's map is weak)
        inbox = inbox_of(uow, user_id, now=now)
        project_id = inbox.id
    if project_id != staying:
        ensure_open_project(uow, user_id, project_id)
    if section is not None and section.project_id != project_id:
        message = "is a section of another project"
        raise InvalidInput(f"section_id {message}", fields={"section_id": message})
    return project_id, section_id


def ensure_open_project(uow: UnitOfWork, user_id: uuid.UUID, project_id: uuid.UUID) -> None:
    """Refuse to put a task into project `project_id`: NotFound naming project_id when it is
    not the caller's, Conflict naming it when it is archived."""
    try:
        project = uow.projects.get(user_id, project_id)
    except NotFound as e:
        raise NotFound("no such project", fields={"project_id": "no such project"}) from e
    if project.archived:
        message = "is archived: unarchive it to add or move tasks into it"
        raise Conflict(f"project_id {message}", fields={"project_id": message})


def ensure_project_name_free(uow: UnitOfWork, user_id: uuid.UUID, name: str) -> None:
    """Refuse a name that another project of the user has, in any letter case (Conflict)."""
    if uow.projects.by_key(user_id, name_key(clean_name(name))) is not None:
        raise Conflict(f"a project named {name!r} exists", fields={"name": "already exists"})


def ensure_section_name_free(sections: list[Section], name: str) -> None:
    """Refuse a name that another section of the project has, in any letter case (Conflict)."""
    key = name_key(clean_name(name))
    if any(section.key == key for section in sections):
        raise Conflict(f"a section named {name!r} exists", fields={"name": "already exists"})
