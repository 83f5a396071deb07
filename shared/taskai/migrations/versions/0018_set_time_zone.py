"""PostgreSQL: tasks.set_time_zone(zone), which sets the transaction's TimeZone to an IANA zone
(set_config, is_local) and answers it, or sets and answers UTC when the server's time zone
database lacks that zone (Python's may be newer), so a read never fails on it.

Revision ID: 0018
Revises: 0017
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0018"
down_revision: str | None = "0017"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SET_TIME_ZONE = """
CREATE OR REPLACE FUNCTION tasks.set_time_zone(zone text) RETURNS text
LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE AS $$
BEGIN
    RETURN set_config('TimeZone', zone, true);
EXCEPTION WHEN invalid_parameter_value THEN
    RETURN set_config('TimeZone', 'UTC', true);
END
$$
"""


def upgrade() -> None:
    """Create tasks.set_time_zone on PostgreSQL (SQLite writes times in Python)."""
    if op.get_context().dialect.name == "postgresql":
        op.execute(SET_TIME_ZONE)


def downgrade() -> None:
    """Drop tasks.set_time_zone."""
    if op.get_context().dialect.name == "postgresql":
        op.execute("DROP FUNCTION tasks.set_time_zone(text)")
