"""A store whose audit trail was written as one chain (before migration d0004) keeps verifying after the upgrade,
and new events extend it."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import Engine, insert, update

from tests.conftest import PG_URL, REQUIRE_PG, empty_pg_database
from yinsi.adapters.db.engine import make_engine, writer
from yinsi.adapters.db.migrate import _config, upgrade
from yinsi.adapters.db.rows import AuditEventRow, AuditHeadRow, table_of
from yinsi.adapters.keys.local_file import LocalFileKeyProvider
from yinsi.core.sealing import chain_mac
from yinsi.services.audit import GENESIS, AuditEvent, AuditLog, timestamp
from yinsi.services.keyring import KeyRing

EVENTS = table_of(AuditEventRow)
HEAD = table_of(AuditHeadRow)


@contextmanager
def store(kind: str, tmp_path: Path) -> Iterator[Engine]:
    if kind == "sqlite":
        engine = make_engine(f"sqlite:///{tmp_path / 'yinsi.db'}", keystore_path=tmp_path / "keystore.db", pool=False)
        yield engine
        engine.dispose()
        return
    if PG_URL is None:
        if REQUIRE_PG:
            pytest.fail("YINSI_REQUIRE_PG=1 but YINSI_TEST_PG_URL is not set")
        pytest.skip("PostgreSQL not configured")
    with empty_pg_database("yinsi_up") as url:
        engine = make_engine(url, pool=False)
        yield engine
        engine.dispose()


def _old_body(seq: int, at: str, action: str) -> str:
    """An event as the single-chain audit log wrote it: its position was its ``seq``."""
    body = {
        "seq": seq,
        "at": at,
        "action": action,
        "actor": "system",
        "role": "system",
        "subject": None,
        "purpose": None,
        "decision": None,
        "requested": [],
        "returned": {},
        "reasons": {},
        "details": {},
    }
    return json.dumps(body, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


@pytest.mark.parametrize("kind", ["sqlite", "postgresql"])
def test_a_single_chain_from_before_the_split_verifies_and_grows(kind: str, tmp_path: Path) -> None:
    with store(kind, tmp_path) as engine:
        with writer(engine) as connection, connection.begin():
            if kind == "postgresql":
                connection.exec_driver_sql("CREATE SCHEMA IF NOT EXISTS keystore")
        for name, revision in (("keystore", "head"), ("data", "d0003")):
            config = _config(name)
            with writer(engine) as connection, connection.begin():
                config.attributes["connection"] = connection
                command.upgrade(config, revision)
        keyring = KeyRing(LocalFileKeyProvider(tmp_path / "master.key"))
        now = datetime.now(UTC)
        keyring.load_secrets(engine, now)
        audit = AuditLog(keyring.secret("audit"))

        previous, at = GENESIS, timestamp(now)
        with writer(engine) as connection, connection.begin():
            for seq, action in enumerate(("key-created", "policy-published", "subject-created"), start=1):
                body = _old_body(seq, at, action)
                digest = chain_mac(keyring.secret("audit"), previous, body)
                connection.execute(
                    insert(EVENTS).values(
                        seq=seq,
                        at=at,
                        action=action,
                        subject_id=None,
                        actor="system",
                        body=body,
                        prev_hash=previous,
                        hash=digest,
                    )
                )
                previous = digest
            connection.execute(update(HEAD).where(HEAD.c.id == 1).values(seq=3, hash=previous))

        upgrade(engine)
        assert audit.verify(engine).ok
        audit.anchor(engine, now)
        with writer(engine) as connection, connection.begin():
            audit.append(connection, [AuditEvent("housekeeping-done", "system", role="system")], now)
        result = audit.verify(engine)
        assert (result.ok, result.checked) == (True, 4)

        with writer(engine) as connection, connection.begin():  # an old event altered is still caught
            connection.execute(update(EVENTS).where(EVENTS.c.seq == 2).values(action="subject-shredded"))
        result = audit.verify(engine)
        assert (result.ok, result.first_bad_seq, result.problem) == (False, 2, "altered")
