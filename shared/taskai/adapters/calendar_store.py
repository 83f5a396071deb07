"""The calendar feed's rows (issue 17): each user's feed token, and the tasks a feed serves."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from taskai.adapters import orm
from taskai.domain.calendar import CalendarFeed
from taskai.domain.tasks import Task
from taskai.domain.users import User
from taskai.domain.vocabulary import TaskStatus


class CalendarFeedRepository:
    """Calendar feeds, one per user, looked up by their owner or by their token's hash."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def add(self, feed: CalendarFeed) -> None:
        """Add the feed to the session; inserted at flush."""
        self.session.add(feed)

    def of_user(self, user_id: uuid.UUID) -> CalendarFeed | None:
        """The user's feed, or None until one is created."""
        return self.session.get(CalendarFeed, user_id)

    def with_owner(self, token_hash: str) -> tuple[CalendarFeed, User] | None:
        """The feed of this token hash and its owner, in one read; None when unknown."""
        c = orm.calendar_feeds.c
        stmt = (
            select(CalendarFeed, User)
            .join(orm.users, orm.users.c.id == c.user_id)
            .where(c.token_hash == token_hash)
        )
        row = self.session.execute(stmt).first()
        return None if row is None else (row[0], row[1])

    def tasks(self, user_id: uuid.UUID, *, completed_since: datetime, limit: int) -> list[Task]:
        """Up to `limit` of the user's tasks with a due date, outside archived projects: the open
        ones first, then those completed since `completed_since`, each by due date."""
        t, p = orm.tasks.c, orm.projects.c
        done = t.status == TaskStatus.COMPLETED
        stmt = (
            select(Task)
            .join(orm.projects, p.id == t.project_id)
            .where(
                t.user_id == user_id,
                t.due_at.is_not(None),
                p.archived.is_(False),
                or_(~done, t.completed_at >= completed_since),
            )
            .order_by(done, t.due_at, t.id)
            .limit(limit)
        )
        return list(self.session.scalars(stmt))
