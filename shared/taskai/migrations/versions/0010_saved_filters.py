"""Saved filters: tasks.saved_filters, a named filter-language query per user (issue 16).

Revision ID: 0010
Revises: 0007
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def tasks_schema() -> str | None:
    """The schema on PostgreSQL; on SQLite none, so that the table's foreign key to `users` is
    created (SQLAlchemy leaves out SQLite foreign keys that cross schemas)."""
    return "tasks" if op.get_bind().dialect.name == "postgresql" else None


def upgrade() -> None:
    """Create tasks.saved_filters, unique by (user_id, key), indexed by (user_id, change_seq)."""
    op.create_table(
        "saved_filters",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("key", sa.String(length=400), nullable=False),
        sa.Column("query", sa.String(length=1000), nullable=False),
        sa.Column("color", sa.String(length=7), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("change_seq", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_saved_filters_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_saved_filters")),
        sa.UniqueConstraint("user_id", "key", name=op.f("uq_saved_filters_user_id_key")),
        schema=tasks_schema(),
    )
    op.create_index(
        op.f("ix_saved_filters_user_id_change_seq"),
        "saved_filters",
        ["user_id", "change_seq"],
        schema=tasks_schema(),
    )


def downgrade() -> None:
    """Drop tasks.saved_filters with its index."""
    op.drop_table("saved_filters", schema=tasks_schema())
