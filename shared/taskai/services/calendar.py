"""Use cases of the calendar feed (issue 17): show or rotate the secret URL, read the feed."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from taskai.domain import calendar
from taskai.domain.calendar import MAX_EVENTS, CalendarFeed
from taskai.domain.tasks import Task
from taskai.domain.users import User
from taskai.errors import NotFound
from taskai.ports import UnitOfWork


@dataclass(frozen=True)
class FeedRead:
    """A feed as fetched: its owner, its ETag, and its tasks (None when the client's copy, by
    its If-None-Match, is current)."""

    owner: User
    etag: str
    tasks: list[Task] | None
    last_modified: datetime


def show_feed(*, uow: UnitOfWork, user_id: uuid.UUID) -> CalendarFeed | None:
    """The user's feed, or None until one is created (rotate_feed creates it)."""
    with uow:
        return uow.calendar.of_user(user_id)


def rotate_feed(*, uow: UnitOfWork, user_id: uuid.UUID, key: str, now: datetime) -> CalendarFeed:
    """Create the user's feed, or give it a new token: the old URL is 404 from then on. `key` is
    the server's secret the token is derived from."""
    with uow:
        feed = uow.calendar.of_user(user_id)
        if feed is None:
            feed = CalendarFeed.new(user_id=user_id, key=key, now=now)
            uow.calendar.add(feed)
        else:
            feed.rotate(key=key, now=now)
        uow.commit()
    return feed


def read_feed(
    *, uow: UnitOfWork, token: str, now: datetime, unchanged: Callable[[str], bool]
) -> FeedRead:
    """The tasks of the feed whose URL token is `token` (at most MAX_EVENTS), unless
    `unchanged(etag)` says the client has them; raises NotFound for an unknown or rotated token.
    Only reads: a fetch writes nothing."""
    with uow:
        found = uow.calendar.with_owner(calendar.digest(token))
        if found is None:
            raise NotFound("no such calendar feed")
        feed, owner = found
        settings = f"{owner.timezone} {owner.all_day_reminder_time}"
        etag = calendar.entity_tag(owner.change_seq, settings, now)
        if unchanged(etag):
            return FeedRead(owner, etag, None, feed.created_at)
        tasks = uow.calendar.tasks(
            owner.id, completed_since=calendar.completed_since(now), limit=MAX_EVENTS
        )
        stamps = [feed.created_at, *(t.updated_at for t in tasks if t.updated_at is not None)]
        return FeedRead(owner, etag, tasks, max(stamps))
