"""Use cases of saved filters: list, create, change, delete; each change published as an event."""

from __future__ import annotations

import uuid
from datetime import datetime

from taskai.domain.events import FilterCreated, FilterDeleted, FilterUpdated
from taskai.domain.filters.saved import (
    MAX_PER_USER,
    SavedFilter,
    clean_filter_name,
    clean_position,
)
from taskai.domain.names import name_key
from taskai.domain.projects import room_at
from taskai.errors import Conflict
from taskai.ports import UnitOfWork


def list_filters(*, uow: UnitOfWork, user_id: uuid.UUID) -> list[SavedFilter]:
    """The caller's saved filters by position, then name."""
    with uow:
        return uow.filters.of_user(user_id)


def create_filter(
    *,
    uow: UnitOfWork,
    user_id: uuid.UUID,
    name: str,
    query: str,
    color: str | None,
    position: int | None,
    now: datetime,
) -> SavedFilter:
    """A new saved filter, last unless `position` is given (the ones from there on shift one
    place); raises InvalidInput (a query that does not parse names `query`), Conflict for a
    name the user has in any letter case or past 200 filters."""
    with uow:
        mine = uow.filters.of_user(user_id)
        count, highest = len(mine), max((f.position for f in mine), default=-1)
        if count >= MAX_PER_USER:
            message = f"at most {MAX_PER_USER} saved filters"
            raise Conflict(message, fields={"name": message})
        saved = SavedFilter.new(
            user_id=user_id,
            name=name,
            query=query,
            color=color,
            position=highest + 1 if position is None else position,
            now=now,
        )
        _ensure_free(uow, user_id, saved.name)
        if position is not None:
            make_room(uow, mine, saved.position, now=now)
        uow.filters.add(saved)
        uow.publish(FilterCreated(filter=saved.snapshot(), occurred_at=now))
        uow.commit()
        return saved


def update_filter(
    *,
    uow: UnitOfWork,
    user_id: uuid.UUID,
    filter_id: uuid.UUID,
    changes: dict[str, str | int | None],
    now: datetime,
) -> SavedFilter:
    """Change name, query, color or position of a saved filter; raises NotFound (also for
    another user's), InvalidInput, Conflict for a name another of the user's filters has."""
    with uow:
        saved = uow.filters.get(user_id, filter_id)
        name = changes.get("name")
        if isinstance(name, str) and name_key(clean_filter_name(name)) != saved.key:
            _ensure_free(uow, user_id, name)
        position = changes.get("position")
        if isinstance(position, int) and position != saved.position:
            others = [f for f in uow.filters.of_user(user_id) if f.id != saved.id]
            make_room(uow, others, clean_position(position), now=now)
        changed = saved.change(now=now, **changes)
        if changed:
            event = FilterUpdated(filter=saved.snapshot(), changed=tuple(changed), occurred_at=now)
            uow.publish(event)
        uow.commit()
        return saved


def delete_filter(
    *, uow: UnitOfWork, user_id: uuid.UUID, filter_id: uuid.UUID, now: datetime
) -> None:
    """Delete a saved filter (its tasks are untouched); raises NotFound."""
    with uow:
        saved = uow.filters.get(user_id, filter_id)
        uow.delete_filter(saved)
        uow.publish(FilterDeleted(filter=saved.snapshot(), occurred_at=now))
        uow.commit()


def make_room(uow: UnitOfWork, filters: list[SavedFilter], at: int, *, now: datetime) -> None:
    """Shift the filters from position `at` up to the first gap one place later, each change
    published, so a filter put at `at` shares it with none."""
    for saved, position in room_at(filters, at):
        changed = saved.change(now=now, position=position)
        event = FilterUpdated(filter=saved.snapshot(), changed=tuple(changed), occurred_at=now)
        uow.publish(event)


def _ensure_free(uow: UnitOfWork, user_id: uuid.UUID, name: str) -> None:
    """Refuse a name that another filter of the user has, in any letter case (Conflict)."""
    if uow.filters.by_key(user_id, name_key(clean_filter_name(name))) is not None:
        raise Conflict(f"a filter named {name!r} exists", fields={"name": "already exists"})
