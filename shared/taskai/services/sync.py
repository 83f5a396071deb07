"""Sync: everything of a user's that changed since a cursor, for clients that poll."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field

from taskai.adapters.unit_of_work import UnitOfWork
from taskai.domain.tags import Tag
from taskai.domain.tasks import Task
from taskai.errors import InvalidInput

MAX_CURSOR_DIGITS = 18  # change numbers are 64-bit


@dataclass
class Changes:
    """Tasks and tags changed, ids deleted, and the cursor to ask from next time."""

    tasks: list[Task] = field(default_factory=list)
    tags: list[Tag] = field(default_factory=list)
    deleted: list[tuple[str, uuid.UUID]] = field(default_factory=list)
    cursor: int = 0
    has_more: bool = False


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
    """What changed after `cursor`; a large backlog comes in pages that never split a commit."""
    with uow:
        latest = uow.users.get(user_id).change_seq
        tasks = uow.tasks.changed_since(user_id, cursor, limit=limit + 1)
        upto, has_more = latest, False
        if len(tasks) > limit:
            upto = tasks[limit].change_seq - 1  # the commits that fit whole
            if upto < tasks[0].change_seq:  # the first commit alone is larger than a page
                upto = tasks[0].change_seq
                tasks = uow.tasks.changed_since(user_id, cursor, upto=upto)
            has_more = upto < latest
        tasks = [task for task in tasks if task.change_seq <= upto]
        tags = [tag for tag in uow.tags.changed_since(user_id, cursor) if tag.change_seq <= upto]
        deleted = [
            (entity, entity_id)
            for entity, entity_id, seq in uow.tasks.deleted_since(user_id, cursor)
            if seq <= upto
        ]
        return Changes(tasks=tasks, tags=tags, deleted=deleted, cursor=upto, has_more=has_more)
