"""What a client may ask of a task list: filters, sort order, a page."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, tzinfo

from taskai.domain.filters import Filter
from taskai.domain.vocabulary import SortKey, TagMode


@dataclass(frozen=True)
class TaskQuery:
    """Filters and order of one page of tasks; filters are optional and combine with AND."""

    statuses: tuple[str, ...] = ()
    priorities: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    tag_mode: TagMode = TagMode.ANY
    due_before: datetime | None = None
    due_after: datetime | None = None
    overdue: bool | None = None
    no_due: bool | None = None
    recurring: bool | None = None
    series_id: str | None = None
    text: str | None = None
    sort: SortKey = SortKey.CREATED
    descending: bool = False
    limit: int = 50
    cursor: str | None = None
    # The filter language (issue 16): its tree, and the owner's zone its dates are read in.
    filter: Filter | None = None
    zone: tzinfo = UTC
    # All-day tasks (#16): when today began in the owner's zone; an all-day task due before it
    # is overdue (None: at `now`).
    today_start: datetime | None = None
    # projects and sections: one project's (or section's) tasks; without either, and without
    # a search, tasks of archived projects are left out
    project_id: str | None = None
    section_id: str | None = None
    # subtasks (#16): the subtasks of one task
    parent_id: str | None = None


def default_sort(text: str | None, *, in_place: bool = False) -> SortKey:
    """The order of a list that names none: by relevance when searching, by position inside a
    project or under a parent (`in_place`), else newest first."""
    if text:
        return SortKey.RELEVANCE
    return SortKey.POSITION if in_place else SortKey.CREATED


@dataclass
class Page:
    """One page of results (a list, or the JSON array text a store built of them) and the
    cursor of the next one (None at the end)."""

    items: list | str = field(default_factory=list)
    next_cursor: str | None = None
