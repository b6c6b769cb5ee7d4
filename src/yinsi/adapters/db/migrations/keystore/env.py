"""Alembic environment of the keystore store; yinsi.adapters.db.migrate passes the connection in."""

from __future__ import annotations

from alembic import context

from yinsi.adapters.db.rows import KEYSTORE_SCHEMA, KeystoreBase

connection = context.config.attributes["connection"]
context.configure(
    connection=connection,
    target_metadata=KeystoreBase.metadata,
    version_table_schema=KEYSTORE_SCHEMA,
    include_schemas=True,
    render_as_batch=connection.dialect.name == "sqlite",
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()
