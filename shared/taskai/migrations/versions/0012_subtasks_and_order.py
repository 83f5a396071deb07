"""Subtasks and manual order (#16): tasks.parent_id, tasks.position (existing tasks numbered in
their project and section by creation, as lists showed them) and tasks.completed_with_parent.

Columns are added in place on both engines (nullable, or with a default); no foreign key on
parent_id, which SQLite could only add by rebuilding the tasks table.

Revision ID: 0012
Revises: 0011
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

GAP = 65536  # as taskai.domain.ordering.GAP when this was written


def schema(name: str) -> str | None:
    """The schema of a table: named on PostgreSQL; SQLite keeps every table in its one file."""
    return name if op.get_bind().dialect.name == "postgresql" else None


def upgrade() -> None:
    """Add the three columns and their indexes; number existing tasks GAP apart in each
    (project, section), oldest first."""
    where = schema("tasks")
    op.add_column("tasks", sa.Column("parent_id", sa.Uuid(), nullable=True), schema=where)
    op.add_column(
        "tasks",
        sa.Column("position", sa.BigInteger(), nullable=False, server_default="0"),
        schema=where,
    )
    op.add_column(
        "tasks",
        sa.Column("completed_with_parent", sa.Boolean(), nullable=False, server_default=sa.false()),
        schema=where,
    )
    op.create_index("ix_tasks_parent_id", "tasks", ["parent_id"], schema=schema("tasks"))
    op.create_index(
        "ix_tasks_project_id_position", "tasks", ["project_id", "position"], schema=schema("tasks")
    )
    table = "tasks.tasks" if schema("tasks") else "tasks"
    op.execute(
        f"UPDATE {table} SET position = numbered.n * {GAP} FROM ("
        "SELECT id, ROW_NUMBER() OVER (PARTITION BY project_id, section_id "
        f"ORDER BY created_at, id) AS n FROM {table}) AS numbered "
        f"WHERE {table}.id = numbered.id"
    )


def downgrade() -> None:
    """Drop the indexes and the columns. SQLite rebuilds the table (batch mode) as 0008 does:
    with foreign keys off for this transaction (a dropped table's rows would cascade to
    reminders and task tags), then puts back the full-text triggers the rebuild drops."""
    sqlite = op.get_bind().dialect.name == "sqlite"
    if sqlite:
        op.execute("COMMIT")
        op.execute("PRAGMA foreign_keys=OFF")
        op.execute("BEGIN IMMEDIATE")
    where = schema("tasks")
    op.drop_index("ix_tasks_project_id_position", "tasks", schema=where)
    op.drop_index("ix_tasks_parent_id", "tasks", schema=where)
    with op.batch_alter_table("tasks", schema=where) as batch:
        for column in ("completed_with_parent", "position", "parent_id"):
            batch.drop_column(column)
    if sqlite:
        for statement in SQLITE_SEARCH_TRIGGERS:
            op.execute(statement)


# The FTS5 triggers of 0001, as 0008 puts them back.
SQLITE_SEARCH_TRIGGERS = (
    "CREATE TRIGGER tasks_fts_insert AFTER INSERT ON tasks BEGIN "
    "INSERT INTO tasks_fts (title, description) VALUES (new.title, new.description); "
    "INSERT INTO tasks_fts_map (task_id, fts_rowid) VALUES (new.id, last_insert_rowid()); END",
    "CREATE TRIGGER tasks_fts_update AFTER UPDATE OF title, description ON tasks BEGIN "
    "UPDATE tasks_fts SET title = new.title, description = new.description "
    "WHERE rowid = (SELECT fts_rowid FROM tasks_fts_map WHERE task_id = new.id); END",
    "CREATE TRIGGER tasks_fts_delete AFTER DELETE ON tasks BEGIN "
    "DELETE FROM tasks_fts "
    "WHERE rowid = (SELECT fts_rowid FROM tasks_fts_map WHERE task_id = old.id); "
    "DELETE FROM tasks_fts_map WHERE task_id = old.id; END",
)
