"""Migration 0008: every existing user gets an Inbox and their tasks move into it unchanged (tags,
reminders and search kept), on both databases; it can be undone."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from support import POSTGRES_URL, drop_database, need
from taskai.adapters.migrate import check, downgrade, upgrade


def seed(url: str) -> tuple[str, str]:
    """One user (change number 3) with one task that has a tag and a reminder; their ids."""
    sqlite = url.startswith("sqlite")
    tasks = "" if sqlite else "tasks."
    user_id, task_id, tag_id = (uuid.uuid4() for _ in range(3))
    ids = {
        name: value.hex if sqlite else str(value)
        for name, value in (("u", user_id), ("t", task_id), ("g", tag_id))
    }
    engine = create_engine(url)
    with engine.begin() as db:
        db.execute(
            text(
                "INSERT INTO users (id, email, email_key, password_hash, name, timezone, "
                "change_seq, created_at, token_version) "
                "VALUES (:u, 'a@example.com', 'a@example.com', 'h', '', 'UTC', 3, "
                "'2030-01-01', 0)"
            ),
            ids,
        )
        db.execute(
            text(
                f"INSERT INTO {tasks}tasks (id, user_id, title, description, status, priority, "
                "skipped, created_at, updated_at, change_seq) VALUES (:t, :u, 'Water the plants', "
                "'', 'pending', 1, false, '2030-01-01', '2030-01-01', 3)"
            ),
            ids,
        )
        db.execute(
            text(
                f"INSERT INTO {tasks}tags (id, user_id, name, key, color, created_at, "
                "updated_at, change_seq) VALUES (:g, :u, 'home', 'home', '#123456', "
                "'2030-01-01', '2030-01-01', 3)"
            ),
            ids,
        )
        db.execute(text(f"INSERT INTO {tasks}task_tags (task_id, tag_id) VALUES (:t, :g)"), ids)
        db.execute(
            text(
                f"INSERT INTO {tasks}reminders (id, task_id, user_id, minutes_before, fire_at, "
                "status, created_at) VALUES (:g, :t, :u, 5, '2030-01-01', 'pending', '2030-01-01')"
            ),
            ids,
        )
    engine.dispose()
    return ids["u"], ids["t"]


def migrated_rows(url: str, user_id: str) -> dict[str, object]:
    """What the user's rows look like after the migration."""
    sqlite = url.startswith("sqlite")
    tasks = "" if sqlite else "tasks."
    engine = create_engine(url)
    with engine.connect() as db:
        inbox = db.execute(
            text(f"SELECT id, name, inbox, change_seq FROM {tasks}projects WHERE user_id = :u"),
            {"u": user_id},
        ).one()
        found = {
            "inbox": (inbox.name, bool(inbox.inbox), inbox.change_seq),
            "user_seq": db.execute(text("SELECT change_seq FROM users")).scalar(),
            "task_project": db.execute(text(f"SELECT project_id FROM {tasks}tasks")).scalar(),
            "inbox_id": inbox.id,
            "links": db.execute(text(f"SELECT count(*) FROM {tasks}task_tags")).scalar(),
            "reminders": db.execute(text(f"SELECT count(*) FROM {tasks}reminders")).scalar(),
        }
        if sqlite:
            match = "SELECT count(*) FROM tasks_fts WHERE tasks_fts MATCH 'plants'"
            found["searchable"] = db.execute(text(match)).scalar()
    engine.dispose()
    return found


def check_migration(url: str) -> None:
    upgrade(url, "0007")
    user_id, _ = seed(url)
    upgrade(url)
    check(url)
    found = migrated_rows(url, user_id)
    assert found["inbox"] == ("Inbox", True, 4)  # the user's next change: sync reports it
    assert found["user_seq"] == 4
    assert str(found["task_project"]).replace("-", "") == str(found["inbox_id"]).replace("-", "")
    assert (found["links"], found["reminders"], found.get("searchable", 1)) == (1, 1, 1)
    downgrade(url, "0007")
    upgrade(url)
    check(url)


def test_on_sqlite_existing_tasks_move_into_their_owners_new_inbox(tmp_path: Path) -> None:
    check_migration(f"sqlite:///{tmp_path / 'taskai.db'}")


@pytest.fixture
def scratch_postgres() -> Iterator[str]:
    """An empty database beside the test one, dropped afterwards."""
    need("postgres", bool(POSTGRES_URL), "TEST_DATABASE_URL is not set")
    assert POSTGRES_URL
    url = make_url(POSTGRES_URL)
    name = f"{url.database}_migration_{uuid.uuid4().hex[:8]}"
    admin = create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as db:
        db.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield url.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as db:
            drop_database(db, name)
        admin.dispose()


def test_on_postgresql_existing_tasks_move_into_their_owners_new_inbox(
    scratch_postgres: str,
) -> None:
    check_migration(scratch_postgres)
