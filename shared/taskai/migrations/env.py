"""Alembic environment: runs the migrations on the connection or URL it is handed."""

from alembic import context
from sqlalchemy import Connection

from taskai.adapters.db import make_engine
from taskai.adapters.orm import metadata

config = context.config


def run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=metadata,
        include_schemas=connection.dialect.name == "postgresql",
        render_as_batch=connection.dialect.name == "sqlite",
    )
    with context.begin_transaction():
        context.run_migrations()


engine = make_engine(config.get_main_option("sqlalchemy.url") or "", pool_size=1)
try:
    with engine.connect() as connection:
        run(connection)
        connection.commit()
finally:
    engine.dispose()
