"""Migration 0012: existing tasks keep their rows and get positions in creation order within
their project and section (no two alike), no parent; it can be undone, on both databases."""

from __future__ import annotations

import uuid
from pathlib import Path

from sqlalchemy import create_engine, text
from test_projects_migration import scratch_postgres  # noqa: F401 - a fixture

from taskai.adapters.migrate import check, downgrade, upgrade


def seed(url: str) -> None:
    """One user with an Inbox holding three tasks created out of id order, and a task tagged."""
    sqlite = url.startswith("sqlite")
    tasks = "" if sqlite else "tasks."

    def ident(value: uuid.UUID) -> str:
        return value.hex if sqlite else str(value)

    user, inbox = ident(uuid.uuid4()), ident(uuid.uuid4())
    engine = create_engine(url)
    with engine.begin() as db:
        db.execute(
            text(
                "INSERT INTO users (id, email, email_key, password_hash, name, timezone, "
                "change_seq, created_at, token_version) VALUES (:u, 'a@example.com', "
                "'a@example.com', 'h', '', 'UTC', 3, '2030-01-01', 0)"
            ),
            {"u": user},
        )
        db.execute(
            text(
                f"INSERT INTO {tasks}projects (id, user_id, name, key, color, view, position, "
                "archived, inbox, created_at, updated_at, change_seq) VALUES (:p, :u, 'Inbox', "
                "'inbox', '#4073ff', 'list', 0, false, true, '2030-01-01', '2030-01-01', 1)"
            ),
            {"p": inbox, "u": user},
        )
        for title, day in (("second", 2), ("first", 1), ("third", 3)):
            db.execute(
                text(
                    f"INSERT INTO {tasks}tasks (id, user_id, title, description, status, "
                    "priority, skipped, created_at, updated_at, change_seq, project_id) VALUES "
                    f"(:t, :u, :title, '', 'pending', 1, false, '2030-01-0{day}', "
                    "'2030-01-01', 3, :p)"
                ),
                {"t": ident(uuid.uuid4()), "u": user, "title": title, "p": inbox},
            )
    engine.dispose()


def positions(url: str) -> list[tuple[str, int, object, bool]]:
    tasks = "" if url.startswith("sqlite") else "tasks."
    engine = create_engine(url)
    with engine.connect() as db:
        rows = db.execute(
            text(
                f"SELECT title, position, parent_id, completed_with_parent FROM {tasks}tasks "
                "ORDER BY position"
            )
        ).all()
    engine.dispose()
    return [(title, position, parent, bool(flag)) for title, position, parent, flag in rows]


def check_migration(url: str) -> None:
    upgrade(url, "0011")
    seed(url)
    upgrade(url)
    check(url)
    found = positions(url)
    assert [row[0] for row in found] == ["first", "second", "third"]
    assert [row[1] for row in found] == [65536, 2 * 65536, 3 * 65536]
    assert all(row[2] is None and not row[3] for row in found)
    downgrade(url, "0011")
    upgrade(url)
    check(url)


def test_on_sqlite_existing_tasks_are_numbered_in_creation_order(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'taskai.db'}"
    check_migration(url)
    engine = create_engine(url)
    with engine.begin() as db:  # the search triggers survived the round trip
        db.execute(text("UPDATE tasks SET title = 'renamed' WHERE title = 'second'"))
        match = "SELECT count(*) FROM tasks_fts WHERE tasks_fts MATCH 'renamed'"
        assert db.execute(text(match)).scalar() == 1
    engine.dispose()


def test_on_postgresql_existing_tasks_are_numbered_in_creation_order(
    scratch_postgres: str,  # noqa: F811
) -> None:
    check_migration(scratch_postgres)
