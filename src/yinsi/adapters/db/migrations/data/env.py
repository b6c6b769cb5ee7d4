"""Alembic environment of the data store; yinsi.adapters.db.migrate passes the connection in."""

from __future__ import annotations

from alembic import context

from yinsi.adapters.db.rows import DataBase

connection = context.config.attributes["connection"]
context.configure(
    connection=connection,
    target_metadata=DataBase.metadata,
    version_table_schema=None,
    include_schemas=False,
    render_as_batch=connection.dialect.name == "sqlite",
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()
