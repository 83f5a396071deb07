"""Projects and sections: tasks.projects and tasks.sections, and each task's project (NOT NULL:
every user gets an Inbox, and existing tasks move into their owner's) and section.

On SQLite the tasks table is rebuilt (batch mode) to gain its foreign keys, and the tables a
user owns gain the cascade from `users` that PostgreSQL has (an account deleted on SQLite left
its deletions and notification log behind); rows of users already gone are dropped first.
SQLite drops a table with foreign keys on as if deleting every row first, which would cascade
to reminders and task tags: the migration commits what came before and turns foreign keys off
for its own transaction (the migration's connection is discarded afterwards), and puts back
the full-text triggers the rebuild drops.

Revision ID: 0008
Revises: 0007
"""

import uuid
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

INBOX_COLOR = "#4073ff"


def upgrade() -> None:
    """Create projects and sections, an Inbox per user (a sync change), and the tasks'
    project_id (backfilled with the owner's Inbox) and section_id."""
    sqlite = op.get_bind().dialect.name == "sqlite"
    if sqlite:
        op.execute("COMMIT")
        op.execute("PRAGMA foreign_keys=OFF")
        op.execute("BEGIN IMMEDIATE")
    if sqlite:
        drop_orphans()
    create_tables()
    add_inboxes()
    with op.batch_alter_table("tasks", schema=tasks_schema()) as batch:
        batch.add_column(sa.Column("project_id", sa.Uuid(), nullable=True))
        batch.add_column(sa.Column("section_id", sa.Uuid(), nullable=True))
    op.execute(
        "UPDATE tasks.tasks SET project_id = (SELECT p.id FROM tasks.projects p "
        "WHERE p.user_id = tasks.tasks.user_id AND p.inbox)"
        if not sqlite
        else "UPDATE tasks SET project_id = (SELECT p.id FROM projects p "
        "WHERE p.user_id = tasks.user_id AND p.inbox)"
    )
    with op.batch_alter_table("tasks", schema=tasks_schema()) as batch:
        batch.alter_column("project_id", existing_type=sa.Uuid(), nullable=False)
        batch.create_foreign_key(
            "fk_tasks_project_id_projects",
            "projects",
            ["project_id"],
            ["id"],
            referent_schema=tasks_schema(),
        )
        batch.create_foreign_key(
            "fk_tasks_section_id_sections",
            "sections",
            ["section_id", "project_id"],
            ["id", "project_id"],
            referent_schema=tasks_schema(),
        )
        batch.create_index("ix_tasks_project_id_section_id", ["project_id", "section_id"])
        if sqlite:
            batch.create_foreign_key(
                "fk_tasks_user_id_users", "users", ["user_id"], ["id"], ondelete="CASCADE"
            )
    if sqlite:
        restore_search_triggers()
        for table in USER_TABLES:
            with op.batch_alter_table(table) as batch:
                batch.create_foreign_key(
                    f"fk_{table}_user_id_users", "users", ["user_id"], ["id"], ondelete="CASCADE"
                )


# SQLite: the tables besides tasks that lacked the cascade from users (one file, no schemas).
USER_TABLES = ("tags", "reminders", "deletions", "notification_log")


def drop_orphans() -> None:
    """Rows of users already deleted, which the new foreign keys would refuse."""
    for table in ("tasks", *USER_TABLES):
        op.execute(f"DELETE FROM {table} WHERE user_id NOT IN (SELECT id FROM users)")
    op.execute("DELETE FROM task_tags WHERE task_id NOT IN (SELECT id FROM tasks)")


def tasks_schema() -> str | None:
    """The schema on PostgreSQL; SQLite keeps every table in its one file (ALTER TABLE is not
    passed through the engine's schema translation)."""
    return "tasks" if op.get_bind().dialect.name == "postgresql" else None


def create_tables() -> None:
    """tasks.projects and tasks.sections, as orm.py declares them."""
    op.create_table(
        "projects",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("key", sa.String(length=120), nullable=False),
        sa.Column("color", sa.String(length=7), nullable=False),
        sa.Column("view", sa.String(length=10), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("archived", sa.Boolean(), nullable=False),
        sa.Column("inbox", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("change_seq", sa.BigInteger(), nullable=False),
        *cross_schema_fk("fk_projects_user_id_users"),
        sa.PrimaryKeyConstraint("id", name="pk_projects"),
        sa.UniqueConstraint("user_id", "key", name="uq_projects_user_id_key"),
        schema=tasks_schema(),
    )
    op.create_index(
        "ix_projects_user_id_change_seq",
        "projects",
        ["user_id", "change_seq"],
        schema=tasks_schema(),
    )
    op.create_table(
        "sections",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("project_id", sa.Uuid(), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("key", sa.String(length=120), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("change_seq", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["project_id"],
            ["tasks.projects.id" if tasks_schema() else "projects.id"],
            name="fk_sections_project_id_projects",
            ondelete="CASCADE",
        ),
        *cross_schema_fk("fk_sections_user_id_users"),
        sa.PrimaryKeyConstraint("id", name="pk_sections"),
        sa.UniqueConstraint("project_id", "key", name="uq_sections_project_id_key"),
        sa.UniqueConstraint("id", "project_id", name="uq_sections_id_project_id"),
        schema=tasks_schema(),
    )
    op.create_index(
        "ix_sections_user_id_change_seq",
        "sections",
        ["user_id", "change_seq"],
        schema=tasks_schema(),
    )


def cross_schema_fk(name: str) -> list[sa.ForeignKeyConstraint]:
    """The owner's foreign key, cascading."""
    return [sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=name, ondelete="CASCADE")]


def add_inboxes() -> None:
    """One Inbox per existing user, stamped as the user's next change so sync clients see it."""
    op.execute("UPDATE users SET change_seq = change_seq + 1")
    bind = op.get_bind()
    when = sa.DateTime(timezone=True)
    users = sa.table(
        "users",
        sa.column("id", sa.Uuid()),
        sa.column("change_seq", sa.BigInteger()),
        sa.column("created_at", when),
    )
    schema = tasks_schema()
    projects = sa.table(
        "projects",
        sa.column("id", sa.Uuid()),
        sa.column("user_id", sa.Uuid()),
        *(sa.column(name, sa.String()) for name in ("name", "key", "color", "view")),
        sa.column("position", sa.Integer()),
        sa.column("archived", sa.Boolean()),
        sa.column("inbox", sa.Boolean()),
        sa.column("created_at", when),
        sa.column("updated_at", when),
        sa.column("change_seq", sa.BigInteger()),
        schema=schema,
    )
    found = bind.execute(sa.select(users.c.id, users.c.change_seq, users.c.created_at)).all()
    rows = [
        {
            "id": uuid.uuid4(),
            "user_id": user_id,
            "name": "Inbox",
            "key": "inbox",
            "color": INBOX_COLOR,
            "view": "list",
            "position": 0,
            "archived": False,
            "inbox": True,
            "created_at": created_at,
            "updated_at": created_at,
            "change_seq": change_seq,
        }
        for user_id, change_seq, created_at in found
    ]
    for start in range(0, len(rows), 1000):
        bind.execute(projects.insert(), rows[start : start + 1000])


# The FTS5 triggers of 0001, as they were made there.
SQLITE_SEARCH_TRIGGERS = (
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


def restore_search_triggers() -> None:
    """The FTS5 triggers on the rebuilt tasks table (its rows and FTS rows are kept)."""
    for statement in SQLITE_SEARCH_TRIGGERS:
        op.execute(statement)


def downgrade() -> None:
    """Drop the tasks' project_id and section_id, then sections and projects."""
    sqlite = op.get_bind().dialect.name == "sqlite"
    if sqlite:
        op.execute("COMMIT")
        op.execute("PRAGMA foreign_keys=OFF")
        op.execute("BEGIN IMMEDIATE")
    if sqlite:
        for table in USER_TABLES:
            with op.batch_alter_table(table) as batch:
                batch.drop_constraint(f"fk_{table}_user_id_users", type_="foreignkey")
    with op.batch_alter_table("tasks", schema=tasks_schema()) as batch:
        batch.drop_index("ix_tasks_project_id_section_id")
        if sqlite:
            batch.drop_constraint("fk_tasks_user_id_users", type_="foreignkey")
        if not sqlite:
            batch.drop_constraint("fk_tasks_section_id_sections", type_="foreignkey")
            batch.drop_constraint("fk_tasks_project_id_projects", type_="foreignkey")
        batch.drop_column("section_id")
        batch.drop_column("project_id")
    op.drop_table("sections", schema="tasks")
    op.drop_table("projects", schema="tasks")
    if sqlite:
        restore_search_triggers()
