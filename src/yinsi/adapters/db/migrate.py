"""Runs the Alembic migrations of the data store and of the keystore (two histories, two version tables).

The keystore has its own history because it is its own store: it may be
restored from its own backup, or live in another file, independently of the
data.
"""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, text

from yinsi.adapters.db.engine import writer
from yinsi.adapters.db.rows import KEYSTORE_SCHEMA

HERE = Path(__file__).parent / "migrations"
LOCATIONS = {"data": HERE / "data", "keystore": HERE / "keystore"}


def _config(name: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(LOCATIONS[name]))
    config.attributes["store"] = name
    return config


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Brings both stores to ``revision``; safe to run on every start."""
    if engine.dialect.name == "postgresql":
        with writer(engine) as connection, connection.begin():
            connection.execute(text(f"CREATE SCHEMA IF NOT EXISTS {KEYSTORE_SCHEMA}"))
    for name in ("keystore", "data"):
        config = _config(name)
        with writer(engine) as connection, connection.begin():
            config.attributes["connection"] = connection
            command.upgrade(config, revision)


def pending(engine: Engine) -> dict[str, bool]:
    """Whether each store is behind its newest migration."""
    result: dict[str, bool] = {}
    for name in ("keystore", "data"):
        head = ScriptDirectory.from_config(_config(name)).get_current_head()
        with engine.connect() as connection:
            options = {"version_table_schema": KEYSTORE_SCHEMA} if name == "keystore" else {}
            current = MigrationContext.configure(connection, opts=options).get_current_revision()
        result[name] = current != head
    return result
