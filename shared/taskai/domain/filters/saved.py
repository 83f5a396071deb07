"""Saved filters: a named query of the filter language, per user, unique by name in any case."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime

from taskai.domain.events import FilterSnapshot
from taskai.domain.names import checked_name, name_key
from taskai.domain.tags import clean_color, default_color
from taskai.errors import InvalidInput

MAX_NAME_LENGTH = 100
# The column's range: the API takes at most 1,000,000, which leaves room for rows to shift.
MAX_POSITION = 2**31 - 1
MAX_PER_USER = 200


def clean_filter_name(name: str) -> str:
    """The name with its white space collapsed; raises InvalidInput naming `name` unless 1-100
    characters, one of them drawn."""
    collapsed = " ".join(name.split())
    return checked_name(
        collapsed, max_length=MAX_NAME_LENGTH, field_name="name", what="filter name"
    )


def clean_query(query: str) -> str:
    """The query trimmed, checked to parse; raises InvalidInput naming `query` (with the position
    and what was expected) otherwise."""
    from taskai.domain.filters.grammar import parse  # lark loads when a filter is saved

    parse(query, field="query")
    return query.strip()


def clean_position(position: int) -> int:
    """A position from 0 to MAX_POSITION; raises InvalidInput naming `position` otherwise."""
    if not 0 <= position <= MAX_POSITION:
        message = f"must be 0 to {MAX_POSITION}"
        raise InvalidInput(f"position {message}", fields={"position": message})
    return position


@dataclass(eq=False)
class SavedFilter:
    """A named filter query with a color and a place in the user's list."""

    user_id: uuid.UUID
    name: str
    query: str
    color: str
    position: int
    id: uuid.UUID = field(default_factory=uuid.uuid4)
    created_at: datetime | None = None
    updated_at: datetime | None = None
    change_seq: int = 0
    key: str = ""  # the name as people read it (normalized, case-folded), unique per user

    def __post_init__(self) -> None:
        self.key = name_key(self.name)

    @classmethod
    def new(
        cls,
        *,
        user_id: uuid.UUID,
        name: str,
        query: str,
        color: str | None,
        position: int,
        now: datetime,
    ) -> SavedFilter:
        """A filter with a checked name, query (it parses), color (a palette one when none)
        and position; raises InvalidInput naming the field."""
        name = clean_filter_name(name)
        return cls(
            user_id=user_id,
            name=name,
            query=clean_query(query),
            color=clean_color(color) if color else default_color(name),
            position=clean_position(position),
            created_at=now,
            updated_at=now,
        )

    def change(self, *, now: datetime, **fields: str | int | None) -> list[str]:
        """Set the given fields (name, query, color, position; None leaves one as it is), checked
        as `new` checks them; the names of those that changed, sorted."""
        cleaners = {
            "name": clean_filter_name,
            "query": clean_query,
            "color": clean_color,
            "position": clean_position,
        }
        changed = []
        for name, value in fields.items():
            if value is None:
                continue
            value = cleaners[name](value)  # type: ignore[operator]
            if getattr(self, name) != value:
                setattr(self, name, value)
                changed.append(name)
        if changed:
            self.key = name_key(self.name)
            self.updated_at = now
        return sorted(changed)

    def snapshot(self) -> FilterSnapshot:
        """The filter as its events carry it."""
        return FilterSnapshot(
            id=self.id,
            user_id=self.user_id,
            name=self.name,
            query=self.query,
            color=self.color,
            position=self.position,
        )
