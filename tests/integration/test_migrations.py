"""The schema the migrations build is exactly the one the rows describe, on both backends."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from tests.conftest import Backend
from yinsi.adapters.db.migrate import pending, upgrade
from yinsi.adapters.db.rows import KEYSTORE_SCHEMA, DataBase, KeystoreBase
from yinsi.bootstrap import engine_for


def test_migrations_match_the_rows_and_leave_nothing_pending(backend: Backend) -> None:
    engine = engine_for(backend.settings, pool=False)
    try:
        upgrade(engine)  # a second run is a no-op
        assert pending(engine) == {"keystore": False, "data": False}
        with engine.connect() as connection:
            data = MigrationContext.configure(connection, opts={"compare_type": True})
            assert compare_metadata(data, DataBase.metadata) == []
            keys = MigrationContext.configure(
                connection,
                opts={
                    "compare_type": True,
                    "include_schemas": True,
                    "version_table_schema": KEYSTORE_SCHEMA,
                    "include_name": lambda name, kind, _: kind != "schema" or name == KEYSTORE_SCHEMA,
                },
            )
            assert compare_metadata(keys, KeystoreBase.metadata) == []
    finally:
        engine.dispose()
