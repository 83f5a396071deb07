"""Projects (lists of tasks, the Inbox among them) and their sections; nothing here does I/O.

Names are compared as tags' are (`names.name_key`): unique per user for projects and per
project for sections, whatever their case or Unicode spelling. Every user has one Inbox, the
project of a task that names none; it cannot be renamed, archived or deleted.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field, fields
from datetime import datetime
from typing import Any, Protocol, TypeVar

from taskai.domain.events import (
    ProjectCreated,
    ProjectDeleted,
    ProjectEvent,
    ProjectSnapshot,
    ProjectUpdated,
    SectionCreated,
    SectionDeleted,
    SectionEvent,
    SectionSnapshot,
    SectionUpdated,
)
from taskai.domain.names import checked_name, name_key
from taskai.domain.tags import clean_color, default_color
from taskai.domain.vocabulary import ProjectView
from taskai.errors import Conflict, InvalidInput

MAX_NAME_LENGTH = 120
MAX_PROJECTS = 500  # per user, archived ones included: a list of them is one bounded read
MAX_SECTIONS = 200  # per project
INBOX = "Inbox"


def clean_name(name: str, field_name: str = "name") -> str:
    """A project or section name with white space collapsed, 1-120 characters, one of them
    drawn; raises InvalidInput naming `field_name`."""
    collapsed = " ".join(name.split())
    return checked_name(
        collapsed, max_length=MAX_NAME_LENGTH, field_name=field_name, what=field_name
    )


def clean_view(view: str) -> ProjectView:
    """`view` as a ProjectView; raises InvalidInput naming `view`."""
    try:
        return ProjectView(view)
    except ValueError:
        message = "must be one of " + ", ".join(ProjectView)
        raise InvalidInput(f"view {message}", fields={"view": message}) from None


def clean_position(position: int) -> int:
    """A position (0 to 2**31-1, smaller first); raises InvalidInput naming `position`."""
    if not 0 <= position < 2**31:
        raise InvalidInput("bad position", fields={"position": "must be 0 to 2147483647"})
    return position


class Positioned(Protocol):
    """A row ordered by an integer position (a project, a saved filter)."""

    position: int


P = TypeVar("P", bound=Positioned)


def room_at(others: Iterable[P], at: int) -> list[tuple[P, int]]:
    """The rows to shift, each to its new position, so that position `at` is free: those from
    `at` up to the first gap move one place later (nothing moves when `at` is free)."""
    moves, free = [], at
    for row in sorted((r for r in others if r.position >= at), key=lambda r: r.position):
        if row.position > free:
            break
        free += 1
        moves.append((row, free))
    return moves


def changed_fields(before: Any, after: Any) -> tuple[str, ...]:
    """Names of the dataclass fields whose values differ between two snapshots, sorted."""
    return tuple(
        sorted(f.name for f in fields(after) if getattr(after, f.name) != getattr(before, f.name))
    )


# The Inbox's refusals, as the field's message too (a client shows it beside the field).
INBOX_RENAMED = "the Inbox cannot be renamed"
INBOX_ARCHIVED = "the Inbox cannot be archived"
INBOX_DELETED = "the Inbox cannot be deleted"


@dataclass(eq=False)
class Project:
    """A list of tasks of one user; `inbox` marks the one every task falls into by default."""

    user_id: uuid.UUID
    name: str
    color: str
    view: ProjectView = ProjectView.LIST
    position: int = 0
    archived: bool = False
    inbox: bool = False
    id: uuid.UUID = field(default_factory=uuid.uuid4)
    created_at: datetime | None = None
    updated_at: datetime | None = None
    change_seq: int = 0
    key: str = ""  # the name as people read it (normalized, case-folded), unique per user
    events: list[ProjectEvent] = field(default_factory=list, repr=False)

    def __post_init__(self) -> None:
        self.key = name_key(self.name)

    @classmethod
    def new(
        cls,
        *,
        user_id: uuid.UUID,
        name: str,
        now: datetime,
        color: str | None = None,
        view: str = ProjectView.LIST,
        position: int = 0,
        inbox: bool = False,
    ) -> Project:
        """A project with a checked name, color (a palette one when None) and view; records
        ProjectCreated; raises InvalidInput."""
        name = clean_name(name)
        project = cls(
            user_id=user_id,
            name=name,
            color=clean_color(color) if color else default_color(name),
            view=clean_view(view),
            position=clean_position(position),
            inbox=inbox,
            created_at=now,
            updated_at=now,
        )
        project.events.append(ProjectCreated(occurred_at=now, project=project.snapshot()))
        return project

    @classmethod
    def new_inbox(cls, *, user_id: uuid.UUID, now: datetime) -> Project:
        """The user's Inbox, first in the list."""
        return cls.new(user_id=user_id, name=INBOX, now=now, color="#4073ff", inbox=True)

    def update(
        self,
        *,
        now: datetime,
        name: str | None = None,
        color: str | None = None,
        view: str | None = None,
        position: int | None = None,
        archived: bool | None = None,
    ) -> None:
        """Change the fields given (None: kept); records ProjectUpdated on a change; raises
        InvalidInput, or Conflict for renaming or archiving the Inbox."""
        before = self.snapshot()
        if name is not None and clean_name(name) != self.name:
            if self.inbox:
                raise Conflict(INBOX_RENAMED, fields={"name": INBOX_RENAMED})
            self.name, self.key = clean_name(name), name_key(clean_name(name))
        if color is not None:
            self.color = clean_color(color)
        if view is not None:
            self.view = clean_view(view)
        if position is not None:
            self.position = clean_position(position)
        if archived is not None and archived != self.archived:
            if self.inbox:
                raise Conflict(INBOX_ARCHIVED, fields={"archived": INBOX_ARCHIVED})
            self.archived = archived
        changed = changed_fields(before, self.snapshot())
        if changed:
            self.updated_at = now
            self.events.append(
                ProjectUpdated(occurred_at=now, project=self.snapshot(), changed=changed)
            )

    def delete(self, *, now: datetime, moved_to: uuid.UUID | None) -> None:
        """Record the deletion (tasks moved to `moved_to`, or deleted when None); raises
        Conflict for the Inbox, InvalidInput for moving the tasks into the project itself."""
        if self.inbox:
            raise Conflict(INBOX_DELETED, fields={"id": INBOX_DELETED})
        if moved_to == self.id:
            raise InvalidInput(
                "cannot move tasks into the project deleted", fields={"move_to": "is this project"}
            )
        self.events.append(
            ProjectDeleted(occurred_at=now, project=self.snapshot(), moved_to=moved_to)
        )

    def snapshot(self) -> ProjectSnapshot:
        """The project as every project event carries it."""
        return ProjectSnapshot(
            id=self.id,
            user_id=self.user_id,
            name=self.name,
            color=self.color,
            view=ProjectView(self.view),
            position=self.position,
            archived=self.archived,
            inbox=self.inbox,
        )


@dataclass(eq=False)
class Section:
    """A group of tasks inside a project (a column of its board)."""

    user_id: uuid.UUID
    project_id: uuid.UUID
    name: str
    position: int = 0
    id: uuid.UUID = field(default_factory=uuid.uuid4)
    created_at: datetime | None = None
    updated_at: datetime | None = None
    change_seq: int = 0
    key: str = ""  # unique per project
    events: list[SectionEvent] = field(default_factory=list, repr=False)

    def __post_init__(self) -> None:
        self.key = name_key(self.name)

    @classmethod
    def new(cls, *, project: Project, name: str, now: datetime, position: int = 0) -> Section:
        """A section of `project` with a checked name; records SectionCreated; raises
        InvalidInput."""
        section = cls(
            user_id=project.user_id,
            project_id=project.id,
            name=clean_name(name),
            position=clean_position(position),
            created_at=now,
            updated_at=now,
        )
        section.events.append(SectionCreated(occurred_at=now, section=section.snapshot()))
        return section

    def update(
        self, *, now: datetime, name: str | None = None, position: int | None = None
    ) -> None:
        """Rename and/or move the section (None: kept); records SectionUpdated on a change;
        raises InvalidInput."""
        before = self.snapshot()
        if name is not None:
            self.name = clean_name(name)
            self.key = name_key(self.name)
        if position is not None:
            self.position = clean_position(position)
        changed = changed_fields(before, self.snapshot())
        if changed:
            self.updated_at = now
            self.events.append(
                SectionUpdated(occurred_at=now, section=self.snapshot(), changed=changed)
            )

    def delete(self, *, now: datetime) -> None:
        """Record the deletion; its tasks stay in the project, in no section."""
        self.events.append(SectionDeleted(occurred_at=now, section=self.snapshot()))

    def snapshot(self) -> SectionSnapshot:
        """The section as every section event carries it."""
        return SectionSnapshot(
            id=self.id,
            user_id=self.user_id,
            project_id=self.project_id,
            name=self.name,
            position=self.position,
        )
