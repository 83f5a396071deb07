"""Use cases of tags: list with counts, autocomplete, create, rename, recolor, delete."""

from __future__ import annotations

import uuid
from datetime import datetime

from taskai.domain.names import name_key
from taskai.domain.tags import Tag, clean_tag_name
from taskai.errors import Conflict
from taskai.ports import UnitOfWork


def list_tags(
    *, uow: UnitOfWork, user_id: uuid.UUID, prefix: str | None = None, limit: int = 100
) -> list[tuple[Tag, int]]:
    """The caller's tags with how many tasks carry each, most used first."""
    with uow:
        return uow.tags.with_usage(user_id, prefix=prefix, limit=limit)


def create_tag(
    *, uow: UnitOfWork, user_id: uuid.UUID, name: str, color: str | None, now: datetime
) -> Tag:
    """A new tag; a name that exists in any letter case is a conflict."""
    tag = Tag.new(user_id=user_id, name=name, color=color, now=now)
    with uow:
        ensure_free(uow, user_id, tag.name)
        uow.tags.add(tag)
        uow.commit()
        return tag


def update_tag(
    *,
    uow: UnitOfWork,
    user_id: uuid.UUID,
    tag_id: uuid.UUID,
    name: str | None,
    color: str | None,
    now: datetime,
) -> Tag:
    """Rename and/or recolor a tag; its tasks change with it (and sync says so)."""
    with uow:
        tag = uow.tags.get(user_id, tag_id)
        if name is not None and name_key(clean_tag_name(name)) != tag.key:
            ensure_free(uow, user_id, name)
        if name is not None:
            tag.rename(name, now=now)
        if color is not None:
            tag.recolor(color, now=now)
        for task in uow.tasks.with_tag(user_id, tag.id):
            task.clock = uow.users.get(user_id).clock
            task.tag_changed(now=now)
        uow.commit()
        return tag


def delete_tag(*, uow: UnitOfWork, user_id: uuid.UUID, tag_id: uuid.UUID, now: datetime) -> None:
    """Delete a tag and take it off every task that had it."""
    with uow:
        tag = uow.tags.get(user_id, tag_id)
        for task in uow.tasks.with_tag(user_id, tag.id):
            task.clock = uow.users.get(user_id).clock
            task.update(tags=[t for t in task.tags if t.id != tag.id], now=now)
        uow.delete_tag(tag)
        uow.commit()


def ensure_free(uow: UnitOfWork, user_id: uuid.UUID, name: str) -> None:
    """Refuse a name that another tag of the user has, in any letter case."""
    if uow.tags.by_keys(user_id, [name_key(clean_tag_name(name))]):
        raise Conflict(f"a tag named {name!r} exists", fields={"name": "already exists"})
