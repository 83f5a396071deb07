"""Imports: one row per import id an account used, so importing a file twice creates nothing.

Revision ID: 0015
Revises: 0011
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

UTCDateTime = sa.DateTime(timezone=True)

revision: str = "0015"
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Create imports, keyed by (user_id, import_id), beside users (as api_tokens)."""
    op.create_table(
        "imports",
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("import_id", sa.String(length=200), nullable=False),
        sa.Column("report", sa.Text(), nullable=False),
        sa.Column("created_at", UTCDateTime, nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_imports_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("user_id", "import_id", name=op.f("pk_imports")),
    )


def downgrade() -> None:
    """Drop imports."""
    op.drop_table("imports")
