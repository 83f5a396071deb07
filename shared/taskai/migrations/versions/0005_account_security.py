"""Account security: login throttling counters, a token version per user, password resets.

Revision ID: 0005
Revises: 0004
"""

import unicodedata
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

UTCDateTime = sa.DateTime(timezone=True)

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Add users.token_version and a unique users.email_key (filled by rekey), and the
    login_attempts and password_resets tables."""
    # A plain ADD COLUMN: recreating `users` on SQLite would cascade-delete everything it owns.
    op.add_column(
        "users", sa.Column("token_version", sa.Integer(), nullable=False, server_default="0")
    )
    op.add_column("users", sa.Column("email_key", sa.String(length=320), nullable=True))
    rekey(op.get_bind())
    op.create_index(op.f("uq_users_email_key"), "users", ["email_key"], unique=True)
    op.create_table(
        "login_attempts",
        sa.Column("key", sa.String(length=400), nullable=False),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.Column("last_failure_at", UTCDateTime, nullable=False),
        sa.Column("locked_until", UTCDateTime, nullable=True),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_login_attempts")),
    )
    op.create_table(
        "password_resets",
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("created_at", UTCDateTime, nullable=False),
        sa.Column("expires_at", UTCDateTime, nullable=False),
        sa.Column("used_at", UTCDateTime, nullable=True),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_password_resets_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("token_hash", name=op.f("pk_password_resets")),
    )
    op.create_index(
        op.f("ix_password_resets_user_id"), "password_resets", ["user_id"], unique=False
    )


def rekey(connection: sa.Connection) -> None:
    """Emails and tag names are compared by their normalized, case-folded keys from now on.
    A tag whose new key another tag of its owner already has keeps its old key."""
    users = sa.table("users", sa.column("id"), sa.column("email"), sa.column("email_key"))
    for user_id, email in connection.execute(sa.select(users.c.id, users.c.email)).all():
        key = unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", email.strip()).casefold())
        connection.execute(sa.update(users).where(users.c.id == user_id).values(email_key=key))
    schema = "tasks" if connection.dialect.name == "postgresql" else None
    tags = sa.table(
        "tags", sa.column("id"), sa.column("user_id"), sa.column("name"), sa.column("key"),
        schema=schema,
    )  # fmt: skip
    rows = connection.execute(sa.select(tags.c.id, tags.c.user_id, tags.c.name, tags.c.key))
    taken = set()
    pending = []
    for tag_id, user_id, name, key in rows.all():
        taken.add((user_id, key))
        new = unicodedata.normalize("NFC", unicodedata.normalize("NFC", name).casefold())
        if new != key:
            pending.append((tag_id, user_id, new))
    for tag_id, user_id, new in pending:
        if (user_id, new) not in taken:
            connection.execute(sa.update(tags).where(tags.c.id == tag_id).values(key=new))
            taken.add((user_id, new))


def downgrade() -> None:
    """Drop the tables, index and columns upgrade added."""
    op.drop_index(op.f("ix_password_resets_user_id"), table_name="password_resets")
    op.drop_table("password_resets")
    op.drop_table("login_attempts")
    op.drop_index(op.f("uq_users_email_key"), table_name="users")
    op.drop_column("users", "email_key")
    op.drop_column("users", "token_version")
