"""Sync pages inside one large commit: each changed-row index also holds the row's id, so a page
after (change number, id) is one index range of at most a page, however large the commit.

Revision ID: 0017
Revises: 0016
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0017"
down_revision: str | None = "0016"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# table -> its id column; tags had no change index (its (user_id, key) one served sync)
KEYS = {
    "tasks": "id",
    "projects": "id",
    "sections": "id",
    "saved_filters": "id",
    "deletions": "entity_id",
}


def upgrade() -> None:
    """Replace each (user_id, change_seq) index with (user_id, change_seq, id); add one to
    tags."""
    for table, key in KEYS.items():
        op.drop_index(op.f(f"ix_{table}_user_id_change_seq"), table_name=table, schema="tasks")
        op.create_index(
            op.f(f"ix_{table}_user_id_change_seq_{key}"),
            table,
            ["user_id", "change_seq", key],
            schema="tasks",
        )
    op.create_index(
        op.f("ix_tags_user_id_change_seq_id"),
        "tags",
        ["user_id", "change_seq", "id"],
        schema="tasks",
    )


def downgrade() -> None:
    """Back to (user_id, change_seq) indexes, none on tags."""
    op.drop_index(op.f("ix_tags_user_id_change_seq_id"), table_name="tags", schema="tasks")
    for table, key in KEYS.items():
        op.drop_index(
            op.f(f"ix_{table}_user_id_change_seq_{key}"), table_name=table, schema="tasks"
        )
        op.create_index(
            op.f(f"ix_{table}_user_id_change_seq"), table, ["user_id", "change_seq"], schema="tasks"
        )
