"""Series end: why a recurring task made no next occurrence, shown on the task.

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


def schema() -> str | None:
    """SQLite keeps every schema in its one file: ALTER TABLE there names no schema."""
    return "tasks" if op.get_bind().dialect.name == "postgresql" else None


def upgrade() -> None:
    op.add_column(
        "tasks",
        sa.Column("recurrence_ended_reason", sa.String(length=200), nullable=True),
        schema=schema(),
    )


def downgrade() -> None:
    op.drop_column("tasks", "recurrence_ended_reason", schema=schema())
