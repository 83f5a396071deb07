"""Notification log: every attempt to send a reminder, with its outcome.

Revision ID: 0003
Revises: 0002
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Create notifications.notification_log: one row per attempt to send a reminder, with its
    outcome."""
    op.create_table(
        "notification_log",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("reminder_id", sa.Uuid(), nullable=False),
        sa.Column("attempt", sa.Integer(), nullable=False),
        sa.Column("task_id", sa.Uuid(), nullable=False),
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("event_id", sa.String(length=200), nullable=True),
        sa.Column("channel", sa.String(length=20), nullable=False),
        sa.Column("provider", sa.String(length=20), nullable=False),
        sa.Column("recipient", sa.String(length=320), nullable=True),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("provider_message_id", sa.String(length=200), nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_notification_log_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notification_log")),
        sa.UniqueConstraint(
            "reminder_id", "attempt", name=op.f("uq_notification_log_reminder_id_attempt")
        ),
        schema="notifications",
    )
    op.create_index(
        op.f("ix_notification_log_user_id_created_at"),
        "notification_log",
        ["user_id", "created_at"],
        unique=False,
        schema="notifications",
    )


def downgrade() -> None:
    """Drop notifications.notification_log and its index."""
    op.drop_index(
        op.f("ix_notification_log_user_id_created_at"),
        table_name="notification_log",
        schema="notifications",
    )
    op.drop_table("notification_log", schema="notifications")
