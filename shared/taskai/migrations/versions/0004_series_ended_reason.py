"""Series end: why a recurring task made no next occurrence, on the task and in the audit.

Revision ID: 0004
Revises: 0003
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def schema(name: str) -> str | None:
    """The schema on PostgreSQL; SQLite keeps every table in its one file (ALTER TABLE is not
    passed through the engine's schema translation)."""
    return name if op.get_bind().dialect.name == "postgresql" else None


def upgrade() -> None:
    """Add the nullable tasks.recurrence_ended_reason and task_audit.reason columns."""
    op.add_column(
        "tasks",
        sa.Column("recurrence_ended_reason", sa.String(length=200), nullable=True),
        schema=schema("tasks"),
    )
    op.add_column(
        "task_audit", sa.Column("reason", sa.Text(), nullable=True), schema=schema("audit")
    )


def downgrade() -> None:
    """Drop the two columns upgrade added."""
    op.drop_column("task_audit", "reason", schema=schema("audit"))
    op.drop_column("tasks", "recurrence_ended_reason", schema=schema("tasks"))
