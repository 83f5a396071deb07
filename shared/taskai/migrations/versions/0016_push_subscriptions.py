"""Web Push reminders: users' browser push subscriptions, and the log of attempts to push a
reminder to each (issue 17).

Revision ID: 0016
Revises: 0015
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

UTCDateTime = sa.DateTime(timezone=True)
BigId = sa.BigInteger().with_variant(sa.Integer(), "sqlite")

revision: str = "0016"
down_revision: str | None = "0015"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Create push_subscriptions (unique by user and endpoint) and push_attempts (unique by
    reminder, subscription and attempt)."""
    op.create_table(
        "push_subscriptions",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("endpoint", sa.String(length=2000), nullable=False),
        sa.Column("p256dh", sa.String(length=100), nullable=False),
        sa.Column("auth", sa.String(length=50), nullable=False),
        sa.Column("created_at", UTCDateTime, nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_push_subscriptions_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_push_subscriptions")),
        sa.UniqueConstraint(
            "user_id", "endpoint", name=op.f("uq_push_subscriptions_user_id_endpoint")
        ),
    )
    op.create_table(
        "push_attempts",
        sa.Column("id", BigId, autoincrement=True, nullable=False),
        sa.Column("reminder_id", sa.Uuid(), nullable=False),
        sa.Column("subscription_id", sa.Uuid(), nullable=False),
        sa.Column("attempt", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("event_id", sa.String(length=200), nullable=True),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("response_status", sa.Integer(), nullable=True),
        sa.Column("error", sa.String(length=500), nullable=True),
        sa.Column("created_at", UTCDateTime, nullable=False),
        sa.Column("finished_at", UTCDateTime, nullable=True),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_push_attempts_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_push_attempts")),
        sa.UniqueConstraint(
            "reminder_id",
            "subscription_id",
            "attempt",
            name=op.f("uq_push_attempts_reminder_id_subscription_id_attempt"),
        ),
    )
    op.create_index(
        op.f("ix_push_attempts_user_id_created_at"), "push_attempts", ["user_id", "created_at"]
    )


def downgrade() -> None:
    """Drop push_attempts and push_subscriptions."""
    op.drop_table("push_attempts")
    op.drop_table("push_subscriptions")
