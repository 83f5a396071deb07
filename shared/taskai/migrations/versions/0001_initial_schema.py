"""Initial schema: users, tasks, tags, reminders, deletions, outbox, processed events.

Revision ID: 0001
Revises:
Create Date: 2026-11-27 02:04:02.115649
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


SCHEMAS = ("tasks", "events", "notifications", "audit")

# PostgreSQL: a weighted tsvector (title A, description B) kept by the database itself.
PG_SEARCH = (
    "ALTER TABLE tasks.tasks ADD COLUMN search_vector tsvector GENERATED ALWAYS AS ("
    "setweight(to_tsvector('english', coalesce(title, '')), 'A') || "
    "setweight(to_tsvector('english', coalesce(description, '')), 'B')) STORED",
    "CREATE INDEX ix_tasks_search_vector ON tasks.tasks USING gin (search_vector)",
)
# SQLite: an FTS5 index kept by triggers. FTS rows are keyed by their own stable rowid, mapped
# to task ids (a rowid of `tasks` itself could change on VACUUM, as it has a UUID key).
SQLITE_SEARCH = (
    "CREATE VIRTUAL TABLE tasks_fts USING fts5("
    "title, description, tokenize='porter unicode61 remove_diacritics 2')",
    "CREATE TABLE tasks_fts_map (task_id CHAR(32) PRIMARY KEY, fts_rowid INTEGER NOT NULL UNIQUE)",
    "CREATE TRIGGER tasks_fts_insert AFTER INSERT ON tasks BEGIN "
    "INSERT INTO tasks_fts (title, description) VALUES (new.title, new.description); "
    "INSERT INTO tasks_fts_map (task_id, fts_rowid) VALUES (new.id, last_insert_rowid()); END",
    "CREATE TRIGGER tasks_fts_update AFTER UPDATE OF title, description ON tasks BEGIN "
    "UPDATE tasks_fts SET title = new.title, description = new.description "
    "WHERE rowid = (SELECT fts_rowid FROM tasks_fts_map WHERE task_id = new.id); END",
    "CREATE TRIGGER tasks_fts_delete AFTER DELETE ON tasks BEGIN "
    "DELETE FROM tasks_fts "
    "WHERE rowid = (SELECT fts_rowid FROM tasks_fts_map WHERE task_id = old.id); "
    "DELETE FROM tasks_fts_map WHERE task_id = old.id; END",
)


def upgrade() -> None:
    """Create the schemas (PostgreSQL) and the outbox, processed-event, user, deletion, tag,
    task, reminder and task-tag tables."""
    postgres = op.get_bind().dialect.name == "postgresql"
    if postgres:
        for schema in SCHEMAS:
            op.execute(f"CREATE SCHEMA IF NOT EXISTS {schema}")
    op.create_table(
        "outbox",
        sa.Column(
            "position",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("event_id", sa.String(length=64), nullable=False),
        sa.Column("topic", sa.String(length=100), nullable=False),
        sa.Column("key", sa.String(length=100), nullable=False),
        sa.Column("type", sa.String(length=100), nullable=False),
        sa.Column("occurred_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.Column("traceparent", sa.String(length=55), nullable=True),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("position", name=op.f("pk_outbox")),
        sa.UniqueConstraint("event_id", name=op.f("uq_outbox_event_id")),
        schema="events",
    )
    op.create_index(
        "ix_outbox_unpublished",
        "outbox",
        ["position"],
        unique=False,
        schema="events",
        postgresql_where=sa.text("published_at IS NULL"),
        sqlite_where=sa.text("published_at IS NULL"),
    )
    op.create_table(
        "processed_events",
        sa.Column("consumer", sa.String(length=100), nullable=False),
        sa.Column("event_id", sa.String(length=200), nullable=False),
        sa.Column("processed_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("consumer", "event_id", name=op.f("pk_processed_events")),
        schema="events",
    )
    op.create_table(
        "users",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("email", sa.String(length=320), nullable=False),
        sa.Column("password_hash", sa.String(length=100), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("timezone", sa.String(length=64), nullable=False),
        sa.Column("change_seq", sa.BigInteger(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_users")),
        sa.UniqueConstraint("email", name=op.f("uq_users_email")),
    )
    op.create_table(
        "deletions",
        sa.Column("entity_id", sa.Uuid(), nullable=False),
        sa.Column("entity", sa.String(length=20), nullable=False),
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("change_seq", sa.BigInteger(), nullable=False),
        sa.Column("deleted_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_deletions_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("entity_id", name=op.f("pk_deletions")),
        schema="tasks",
    )
    op.create_index(
        op.f("ix_deletions_user_id_change_seq"),
        "deletions",
        ["user_id", "change_seq"],
        unique=False,
        schema="tasks",
    )
    op.create_table(
        "tags",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("name", sa.String(length=50), nullable=False),
        sa.Column("key", sa.String(length=50), nullable=False),
        sa.Column("color", sa.String(length=7), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("change_seq", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_tags_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_tags")),
        sa.UniqueConstraint("user_id", "key", name=op.f("uq_tags_user_id_key")),
        schema="tasks",
    )
    op.create_table(
        "tasks",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("title", sa.String(length=500), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("priority", sa.SmallInteger(), nullable=False),
        sa.Column("due_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("recurrence_rule", sa.String(length=500), nullable=True),
        sa.Column("recurrence_anchor", sa.String(length=20), nullable=True),
        sa.Column("series_id", sa.Uuid(), nullable=True),
        sa.Column("series_start", sa.DateTime(timezone=True), nullable=True),
        sa.Column("occurrence", sa.Integer(), nullable=True),
        sa.Column("skipped", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("completed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("change_seq", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_tasks_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_tasks")),
        sa.UniqueConstraint("series_id", "occurrence", name=op.f("uq_tasks_series_id_occurrence")),
        schema="tasks",
    )
    op.create_index(
        op.f("ix_tasks_user_id_change_seq"),
        "tasks",
        ["user_id", "change_seq"],
        unique=False,
        schema="tasks",
    )
    op.create_index(
        op.f("ix_tasks_user_id_created_at"),
        "tasks",
        ["user_id", "created_at"],
        unique=False,
        schema="tasks",
    )
    op.create_index(
        op.f("ix_tasks_user_id_due_at"),
        "tasks",
        ["user_id", "due_at"],
        unique=False,
        schema="tasks",
    )
    op.create_index(
        op.f("ix_tasks_user_id_priority"),
        "tasks",
        ["user_id", "priority"],
        unique=False,
        schema="tasks",
    )
    op.create_index(
        op.f("ix_tasks_user_id_updated_at"),
        "tasks",
        ["user_id", "updated_at"],
        unique=False,
        schema="tasks",
    )
    op.create_table(
        "reminders",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("task_id", sa.Uuid(), nullable=False),
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("minutes_before", sa.Integer(), nullable=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("fire_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["task_id"],
            ["tasks.tasks.id"],
            name=op.f("fk_reminders_task_id_tasks"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_reminders_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reminders")),
        schema="tasks",
    )
    op.create_index(
        op.f("ix_reminders_status_fire_at"),
        "reminders",
        ["status", "fire_at"],
        unique=False,
        schema="tasks",
    )
    op.create_index(
        op.f("ix_reminders_task_id"), "reminders", ["task_id"], unique=False, schema="tasks"
    )
    op.create_table(
        "task_tags",
        sa.Column("task_id", sa.Uuid(), nullable=False),
        sa.Column("tag_id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["tag_id"], ["tasks.tags.id"], name=op.f("fk_task_tags_tag_id_tags"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["task_id"],
            ["tasks.tasks.id"],
            name=op.f("fk_task_tags_task_id_tasks"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("task_id", "tag_id", name=op.f("pk_task_tags")),
        schema="tasks",
    )
    op.create_index(
        op.f("ix_task_tags_tag_id"), "task_tags", ["tag_id"], unique=False, schema="tasks"
    )

    for statement in PG_SEARCH if postgres else SQLITE_SEARCH:
        op.execute(statement)


def downgrade() -> None:
    """Drop every table and index upgrade created (and SQLite's full-text search tables)."""
    if op.get_bind().dialect.name == "sqlite":
        op.execute("DROP TABLE tasks_fts_map")
        op.execute("DROP TABLE tasks_fts")
    op.drop_index(op.f("ix_task_tags_tag_id"), table_name="task_tags", schema="tasks")
    op.drop_table("task_tags", schema="tasks")
    op.drop_index(op.f("ix_reminders_task_id"), table_name="reminders", schema="tasks")
    op.drop_index(op.f("ix_reminders_status_fire_at"), table_name="reminders", schema="tasks")
    op.drop_table("reminders", schema="tasks")
    op.drop_index(op.f("ix_tasks_user_id_updated_at"), table_name="tasks", schema="tasks")
    op.drop_index(op.f("ix_tasks_user_id_priority"), table_name="tasks", schema="tasks")
    op.drop_index(op.f("ix_tasks_user_id_due_at"), table_name="tasks", schema="tasks")
    op.drop_index(op.f("ix_tasks_user_id_created_at"), table_name="tasks", schema="tasks")
    op.drop_index(op.f("ix_tasks_user_id_change_seq"), table_name="tasks", schema="tasks")
    op.drop_table("tasks", schema="tasks")
    op.drop_table("tags", schema="tasks")
    op.drop_index(op.f("ix_deletions_user_id_change_seq"), table_name="deletions", schema="tasks")
    op.drop_table("deletions", schema="tasks")
    op.drop_table("users")
    op.drop_table("processed_events", schema="events")
    op.drop_index(
        "ix_outbox_unpublished",
        table_name="outbox",
        schema="events",
        postgresql_where=sa.text("published_at IS NULL"),
        sqlite_where=sa.text("published_at IS NULL"),
    )
    op.drop_table("outbox", schema="events")
