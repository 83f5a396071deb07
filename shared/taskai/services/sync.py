"""Sync: everything of a user's that changed since a cursor, for clients that poll (and for
the live stream, which sends the same pages); an API token sees only what its scopes read."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field

from taskai.domain.api_tokens import READ_SCOPE
from taskai.domain.filters.saved import SavedFilter
from taskai.domain.projects import Project, Section
from taskai.domain.tags import Tag
from taskai.domain.tasks import Task
from taskai.errors import InvalidInput
from taskai.ports import UnitOfWork

MAX_CURSOR_DIGITS = 18  # change numbers are 64-bit
# The read scope each kind of row needs (as its list operation does); deletions by their type.


@dataclass
class Changes:
    """Tasks, tags and saved filters changed, ids deleted, and the cursor to ask from next
    time."""

    tasks: list[Task] = field(default_factory=list)
    tags: list[Tag] = field(default_factory=list)
    # projects and sections
    projects: list[Project] = field(default_factory=list)
    sections: list[Section] = field(default_factory=list)
    deleted: list[tuple[str, uuid.UUID]] = field(default_factory=list)
    cursor: int = 0
    has_more: bool = False
    # Saved filters (issue 16).
    filters: list[SavedFilter] = field(default_factory=list)


def parse_cursor(raw: str | None) -> int:
    """Sync cursors are the owner's change numbers; none means from the beginning."""
    if not raw:
        return 0
    if not (raw.isascii() and raw.isdigit() and len(raw) <= MAX_CURSOR_DIGITS):
        raise InvalidInput(
            "invalid sync cursor", fields={"cursor": "must be a cursor from /api/sync"}
        )
    return int(raw)


def changes_since(*, uow: UnitOfWork, user_id: uuid.UUID, cursor: int, limit: int = 500) -> Changes:
    """What changed after `cursor`: tasks, tags, saved filters, projects, sections and deletions,
    each at most `limit` a page (a larger backlog comes in pages, `has_more`), pages never
    splitting one commit."""
    with uow:
        latest = uow.users.get(user_id).change_seq
        streams = (
            uow.tasks.changed_since,
            uow.tags.changed_since,
            uow.tasks.deleted_since,
            uow.filters.changed_since,  # saved filters (issue 16)
            uow.projects.changed_since,
            uow.sections.changed_since,
        )
        pages = [fetch(user_id, cursor, limit=limit + 1) for fetch in streams]
        upto = latest
        for page in pages:
            if len(page) > limit:
                upto = min(upto, _seq(page[limit]) - 1)  # the commits that fit whole
        first = min((_seq(page[0]) for page in pages if page), default=latest)
        if upto < first:  # the first commit alone is larger than a page: it comes whole
            upto = first
            pages = [fetch(user_id, cursor, upto=upto) for fetch in streams]
        tasks, tags, deleted, saved, projects, sections = (
            [row for row in page if _seq(row) <= upto] for page in pages
        )
        uow.tasks.count_subtasks(tasks)  # type: ignore[arg-type]  # subtasks (#16)
        changes = Changes(
            tasks=tasks,  # type: ignore[arg-type]
            tags=tags,  # type: ignore[arg-type]
            projects=projects,  # type: ignore[arg-type]
            sections=sections,  # type: ignore[arg-type]
            deleted=[(entity, entity_id) for entity, entity_id, _ in deleted],  # type: ignore[misc]
            cursor=upto,
            has_more=upto < latest,
            filters=saved,  # type: ignore[arg-type]
        )
        return readable(changes, uow.scopes)


def readable(changes: Changes, scopes: tuple[str, ...] | None) -> Changes:
    """`changes` without the rows (and deletions) that `scopes` cannot read; None (a session)
    reads everything. The cursor stays: what a token cannot read it never needs."""
    if scopes is None:
        return changes
    can = {kind for kind, scope in READ_SCOPE.items() if scope in scopes}
    changes.tasks = changes.tasks if "task" in can else []
    changes.filters = changes.filters if "filter" in can else []
    changes.tags = changes.tags if "tag" in can else []
    changes.projects = changes.projects if "project" in can else []
    changes.sections = changes.sections if "section" in can else []
    changes.deleted = [(kind, i) for kind, i in changes.deleted if kind in can]
    return changes


def _seq(
    row: Task | Tag | SavedFilter | Project | Section | tuple[str, uuid.UUID, int],
) -> int:
    """The change number of a changed task, tag, saved filter, project or section, or of a
    deletion row."""
    return row[2] if isinstance(row, tuple) else row.change_seq
