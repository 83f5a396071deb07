"""All-day tasks: tasks.all_day, and the time of day their reminders count back from per user.

Revision ID: 0009
Revises: 0007
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def schema(name: str) -> str | None:
    """The schema of a table: named on PostgreSQL; SQLite keeps every table in its one file."""
    return name if op.get_bind().dialect.name == "postgresql" else None


def upgrade() -> None:
    """Add tasks.all_day (NOT NULL, false for existing rows) and users.all_day_reminder_time
    (HH:MM, "09:00" for existing rows); a column with a default is added in place on both."""
    op.add_column(
        "tasks",
        sa.Column("all_day", sa.Boolean(), nullable=False, server_default=sa.false()),
        schema=schema("tasks"),
    )
    # `users` lives in the default schema on both engines.
    op.add_column(
        "users",
        sa.Column(
            "all_day_reminder_time", sa.String(length=5), nullable=False, server_default="09:00"
        ),
    )


def downgrade() -> None:
    """Drop both columns in place (SQLite 3.35+ drops a plain column itself: rebuilding `users`
    would drop the table every owned row cascades from since 0008)."""
    op.drop_column("users", "all_day_reminder_time")
    op.drop_column("tasks", "all_day", schema=schema("tasks"))
