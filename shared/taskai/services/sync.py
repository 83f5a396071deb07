"""Sync: everything of a user's that changed since a cursor, for clients that poll (and for
the live stream, which sends the same pages); an API token sees only what its scopes read."""

from __future__ import annotations

import re
import uuid
from bisect import bisect_right
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import partial
from typing import TypeAlias

from taskai.domain.api_tokens import READ_SCOPE
from taskai.domain.filters.saved import SavedFilter
from taskai.domain.projects import Project, Section
from taskai.domain.tags import Tag
from taskai.domain.users import User
from taskai.errors import InvalidInput
from taskai.ports import ChangedTask, UnitOfWork

# Inside one commit rows come in dependency order, so a client applying pages in order never
# sees a task before its project or tags; a cursor inside a commit names its kind by position.
KINDS = ("tag", "project", "section", "filter", "task", "deleted")
# "<seq>" after a whole commit; "<seq>.<kind>.<id hex>" inside commit seq, after that row.
# Change numbers are 64-bit: at most 18 digits.
CURSOR = re.compile(rf"([0-9]{{1,18}})(?:\.([0-{len(KINDS) - 1}])\.([0-9a-f]{{32}}))?")
MAX_CURSOR = 18 + 3 + 32  # the longest text CURSOR matches


@dataclass(frozen=True)
class Cursor:
    """A position in an account's changes: after commit `seq` whole, or (with `after`) inside
    commit `seq`, after row `after` of the `kind`-th of KINDS (a keyset, so a page of a large
    commit costs what the page holds)."""

    seq: int = 0
    kind: int = 0
    after: uuid.UUID | None = None

    def __str__(self) -> str:
        """The cursor as the API gives it: "<seq>", or "<seq>.<kind>.<id hex>" inside a commit."""
        return str(self.seq) if self.after is None else f"{self.seq}.{self.kind}.{self.after.hex}"


START = Cursor()  # before the account's first change


@dataclass
class Changes:
    """Tasks (as the store's JSON in the owner's zone), tags and saved filters changed, ids
    deleted, and the cursor to ask from next time."""

    tasks: list[ChangedTask] = field(default_factory=list)
    tags: list[Tag] = field(default_factory=list)
    # projects and sections
    projects: list[Project] = field(default_factory=list)
    sections: list[Section] = field(default_factory=list)
    deleted: list[tuple[str, uuid.UUID]] = field(default_factory=list)
    cursor: Cursor = field(default_factory=lambda: START)
    has_more: bool = False
    # Saved filters (issue 16).
    filters: list[SavedFilter] = field(default_factory=list)


Row: TypeAlias = ChangedTask | Tag | SavedFilter | Project | Section | tuple[str, uuid.UUID, int]


def parse_cursor(raw: str | None) -> Cursor:
    """The Cursor a sync answer gave as text (none: from the beginning); raises InvalidInput
    naming `cursor` for anything else."""
    found = CURSOR.fullmatch(raw) if raw else None
    if raw and found is None:
        raise InvalidInput(
            "invalid sync cursor", fields={"cursor": "must be a cursor from /api/sync"}
        )
    if found is None:
        return START
    seq, kind, after = found.groups()
    if after is None:
        return Cursor(int(seq))
    return Cursor(int(seq), int(kind), uuid.UUID(hex=after))


def changes_since(
    *, uow: UnitOfWork, user_id: uuid.UUID, cursor: Cursor = START, limit: int = 500
) -> Changes:
    """What changed after `cursor`: tags, projects, sections, saved filters, tasks and deletions,
    each at most `limit` a page of whole commits (a larger backlog comes in pages, `has_more`);
    a commit with more than `limit` rows of a kind comes split, at most `limit` rows a page."""
    with uow:
        owner = _owner(uow, user_id)
        latest = owner.change_seq
        streams = (
            uow.tags.changed_since,
            uow.projects.changed_since,
            uow.sections.changed_since,
            uow.filters.changed_since,  # saved filters (issue 16)
            partial(uow.tasks.changed_json, zone=owner.zone),
            uow.tasks.deleted_since,
        )
        if cursor.after is None or cursor.seq > latest:  # ahead (a restored backup): latest
            pages, cursor = _whole_commits(streams, user_id, cursor.seq, limit, latest)
        else:
            pages, cursor = _inside_commit(streams, user_id, cursor, limit)
        tags, projects, sections, saved, tasks, deleted = pages
        changes = Changes(
            tasks=tasks,  # type: ignore[arg-type]
            tags=tags,  # type: ignore[arg-type]
            projects=projects,  # type: ignore[arg-type]
            sections=sections,  # type: ignore[arg-type]
            deleted=[(entity, entity_id) for entity, entity_id, _ in deleted],  # type: ignore[misc]
            cursor=cursor,
            has_more=cursor.after is not None or cursor.seq < latest,
            filters=saved,  # type: ignore[arg-type]
        )
        return readable(changes, uow.scopes)


def _owner(uow: UnitOfWork, user_id: uuid.UUID) -> User:
    """User `user_id`: the caller's account the unit of work read, else read now; raises
    NotFound for an unknown user."""
    account = getattr(uow, "account", None)
    return account if account is not None and account.id == user_id else uow.users.get(user_id)


def _whole_commits(
    streams: tuple[Callable[..., Sequence[Row]], ...],
    user_id: uuid.UUID,
    seq: int,
    limit: int,
    latest: int,
) -> tuple[list[list[Row]], Cursor]:
    """The commits after `seq` that fit whole in a page of `limit` rows of each kind, and the
    cursor after them; the first commit split (`_inside_commit`) when even it does not fit."""
    pages = [fetch(user_id, seq, limit=limit + 1) for fetch in streams]
    upto = latest
    for page in pages:
        if len(page) > limit:
            upto = min(upto, _seq(page[limit]) - 1)  # the commits that fit whole
    first = min((_seq(page[0]) for page in pages if page), default=latest)
    if upto < first:  # the first commit alone is larger than a page: it comes split
        return _inside_commit(streams, user_id, Cursor(first), limit)
    # Each page is by change number: the rows of commits up to `upto` are a prefix of it.
    return [list(page[: bisect_right(page, upto, key=_seq)]) for page in pages], Cursor(upto)


def _inside_commit(
    streams: tuple[Callable[..., Sequence[Row]], ...],
    user_id: uuid.UUID,
    cursor: Cursor,
    limit: int,
) -> tuple[list[list[Row]], Cursor]:
    """Up to `limit` rows of commit `cursor.seq` past `cursor`, kind after kind in KINDS order
    (each by id), and the cursor after them: inside the commit while rows remain, else after
    it."""
    pages: list[list[Row]] = [[] for _ in streams]
    seq, left, at = cursor.seq, limit, cursor
    for kind in range(cursor.kind, len(streams)):
        after = cursor.after if kind == cursor.kind else None
        found = streams[kind](
            user_id, seq if after is not None else seq - 1, after=after, upto=seq, limit=left + 1
        )
        pages[kind] = list(found[:left])
        left -= len(pages[kind])
        if pages[kind]:
            at = Cursor(seq, kind, _id(pages[kind][-1]))
        if len(found) > len(pages[kind]):  # more of this commit than the page holds
            return pages, at
    return pages, Cursor(seq)


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


def _seq(row: Row) -> int:
    """The change number of a changed task, tag, saved filter, project or section, or of a
    deletion row."""
    return row[2] if isinstance(row, tuple) else row.change_seq


def _id(row: Row) -> uuid.UUID:
    """The id of a changed row, or of the row a deletion row names."""
    return row[1] if isinstance(row, tuple) else row.id
