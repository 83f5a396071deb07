"""Alembic environment: runs the migrations on the connection or URL it is handed, and compares
them with the ORM's tables (`alembic check`, which the test suite runs on both engines)."""

from typing import Any

from alembic import context
from sqlalchemy import BLANK_SCHEMA, Connection, MetaData

from taskai.adapters.db import SCHEMAS, make_engine
from taskai.adapters.orm import metadata

config = context.config


def target_metadata(dialect: str) -> MetaData:
    """The ORM's tables as the engine has them: SQLite keeps every schema in its one file, where
    foreign keys from one schema to another (the cascade from `users`) are plain ones (0008)."""
    if dialect != "sqlite":
        return metadata
    flat = MetaData(naming_convention=metadata.naming_convention)
    for table in metadata.tables.values():
        # schema=None: the target MetaData's (none); the stubs type neither this nor BLANK_SCHEMA
        table.to_metadata(flat, schema=None, referred_schema_fn=no_schema)  # type: ignore[arg-type]
    return flat


def no_schema(*_: Any) -> Any:
    """A foreign key's referred schema on SQLite: none."""
    return BLANK_SCHEMA


def include_name(name: str | None, type_: str, parent_names: Any) -> bool:
    """Only TaskAI's own schemas are compared (the database may hold others)."""
    return type_ != "schema" or name is None or name in SCHEMAS


def include_object(obj: Any, name: str | None, type_: str, reflected: bool, other: Any) -> bool:
    """Full-text search is each engine's own, kept by the migrations alone: FTS5 tables on
    SQLite, a generated tsvector column and its index on PostgreSQL."""
    if type_ == "table" and (name or "").startswith("tasks_fts"):
        return False
    return name not in ("search_vector", "ix_tasks_search_vector")


def run(connection: Connection) -> None:
    """Run the migrations (or the comparison alembic check asks for) on `connection`."""
    context.configure(
        connection=connection,
        target_metadata=target_metadata(connection.dialect.name),
        include_schemas=connection.dialect.name == "postgresql",
        include_name=include_name,
        include_object=include_object,
        render_as_batch=connection.dialect.name == "sqlite",
    )
    with context.begin_transaction():
        context.run_migrations()


url = config.get_main_option("sqlalchemy.url") or ""
# PostgreSQL builds an index over a large table for minutes: bound a migration by the hour.
engine = make_engine(url, pool_size=1, statement_timeout_s=10 if url.startswith("sqlite") else 3600)
try:
    with engine.connect() as connection:
        run(connection)
        connection.commit()
finally:
    engine.dispose()
