"""User-scoped search: the tsvector's GIN index also holds user_id (btree_gin), so one index scan
finds a user's matching tasks without reading the posting list of a common word for all users.

Revision ID: 0007
Revises: 0006
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def replace_index(columns: str) -> None:
    """Rebuild the search index on `columns`, in the migration's transaction (writes to tasks
    wait for the build: about a minute at 1M tasks)."""
    op.execute("DROP INDEX IF EXISTS tasks.ix_tasks_search_vector")
    op.execute(f"CREATE INDEX ix_tasks_search_vector ON tasks.tasks USING gin ({columns})")


def upgrade() -> None:
    """PostgreSQL: create btree_gin and rebuild ix_tasks_search_vector on (user_id,
    search_vector); SQLite: nothing."""
    # SQLite keeps FTS5 rows for all users in one table; nothing changes there.
    if op.get_bind().dialect.name == "postgresql":
        op.execute("CREATE EXTENSION IF NOT EXISTS btree_gin")  # trusted: the owner may create it
        replace_index("user_id, search_vector")


def downgrade() -> None:
    """PostgreSQL: rebuild ix_tasks_search_vector on search_vector alone, drop btree_gin."""
    if op.get_bind().dialect.name == "postgresql":
        replace_index("search_vector")
        op.execute("DROP EXTENSION IF EXISTS btree_gin")
