"""Audit trail of generated occurrences.

Revision ID: 0002
Revises: 0001
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Create audit.task_audit, indexed by task and by series."""
    op.create_table(
        "task_audit",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("task_id", sa.Uuid(), nullable=False),
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("series_id", sa.Uuid(), nullable=True),
        sa.Column("action", sa.String(length=40), nullable=False),
        sa.Column("rule", sa.String(length=500), nullable=True),
        sa.Column("previous_due", sa.DateTime(timezone=True), nullable=True),
        sa.Column("next_due", sa.DateTime(timezone=True), nullable=True),
        sa.Column("next_task_id", sa.Uuid(), nullable=True),
        sa.Column("event_id", sa.String(length=200), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_task_audit")),
        schema="audit",
    )
    op.create_index(op.f("ix_task_audit_task_id"), "task_audit", ["task_id"], schema="audit")
    op.create_index(op.f("ix_task_audit_series_id"), "task_audit", ["series_id"], schema="audit")


def downgrade() -> None:
    """Drop audit.task_audit with its indexes."""
    op.drop_table("task_audit", schema="audit")
