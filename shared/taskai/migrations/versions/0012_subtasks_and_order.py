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
    """Drop the indexes and the columns, in place on both (SQLite 3.35+ drops a column without
    rebuilding the table, so its search triggers and cascades are left alone)."""
    where = schema("tasks")
    op.drop_index("ix_tasks_project_id_position", "tasks", schema=where)
    op.drop_index("ix_tasks_parent_id", "tasks", schema=where)
    for column in ("completed_with_parent", "position", "parent_id"):
        op.drop_column("tasks", column, schema=where)
