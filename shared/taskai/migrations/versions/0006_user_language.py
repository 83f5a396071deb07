"""Profile language: the language quick add reads a user's text in (en, de, es, fr).

Revision ID: 0006
Revises: 0005
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Add the nullable users.language column (quick add's language code; NULL: the browser's)."""
    # `users` lives in the default schema on both engines, so no schema is named here.
    op.add_column("users", sa.Column("language", sa.String(length=16), nullable=True))


def downgrade() -> None:
    """Drop the users.language column."""
    op.drop_column("users", "language")
