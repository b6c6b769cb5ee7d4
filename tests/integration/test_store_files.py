"""The SQLite stores hold PI and keys: a store yinsi creates is the owner's alone (0600) from its first moment,
whatever the umask of the process that embeds yinsi (the http bench's setup, a service, a test), and a store
found readable by others is made private and said so."""

from __future__ import annotations

import logging
import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from yinsi.bootstrap import open_yinsi
from yinsi.config import Settings
from yinsi.core.policy.compiled import CompiledPolicy
from yinsi.services.vault import Actor

WARNING = "could be read by other users"


@pytest.fixture
def umask_022() -> Iterator[None]:
    previous = os.umask(0o022)
    try:
        yield
    finally:
        os.umask(previous)


def _modes(data_dir: Path) -> dict[str, int]:
    return {
        p.name: stat.S_IMODE(p.stat().st_mode) for p in data_dir.iterdir() if p.name.endswith((".db", "-wal", "-shm"))
    }


@pytest.mark.usefixtures("umask_022")
def test_a_store_yinsi_creates_is_0600_from_the_start_without_a_warning(
    tmp_path: Path, clinic_policy: CompiledPolicy, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING, logger="yinsi.adapters.db.engine")
    data_dir = tmp_path / "data"
    with open_yinsi(Settings(data_dir=data_dir), policy=clinic_policy) as yinsi:
        yinsi.vault.create_subject(actor=Actor("key:app", "clinic_app"))  # a write: the -wal file too
        modes = _modes(data_dir)
    assert {"yinsi.db", "keystore.db"} <= set(modes)
    assert {name: oct(mode) for name, mode in modes.items() if mode != 0o600} == {}
    assert [r.getMessage() for r in caplog.records if WARNING in r.getMessage()] == []


@pytest.mark.usefixtures("umask_022")
def test_a_store_found_readable_by_others_is_made_private_and_said_so(
    tmp_path: Path, clinic_policy: CompiledPolicy, caplog: pytest.LogCaptureFixture
) -> None:
    data_dir = tmp_path / "data"
    with open_yinsi(Settings(data_dir=data_dir), policy=clinic_policy):
        pass
    (data_dir / "yinsi.db").chmod(0o644)
    caplog.set_level(logging.WARNING, logger="yinsi.adapters.db.engine")
    with open_yinsi(Settings(data_dir=data_dir), policy=clinic_policy, migrate=False):
        pass
    assert stat.S_IMODE((data_dir / "yinsi.db").stat().st_mode) == 0o600
    assert any("yinsi.db" in r.getMessage() and WARNING in r.getMessage() for r in caplog.records)
