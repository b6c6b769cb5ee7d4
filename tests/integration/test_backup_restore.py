"""Backups never bring a shredded subject back: not a data-store backup, not a keystore backup."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from tests.conftest import Backend, Clock
from tests.support.consent import accept_policy
from yinsi.adapters.db.rows import BlindIndexRow, PiValueRow, table_of
from yinsi.bootstrap import Yinsi, open_yinsi
from yinsi.core.errors import AccessDenied
from yinsi.core.policy.compiled import CompiledPolicy
from yinsi.services.backups import BackupError
from yinsi.services.vault import Actor

APP = Actor("key:app", "clinic_app")
DPO = Actor("staff:dpo", "privacy_officer")


def person(yinsi: Yinsi, name: str, mobile: str) -> str:
    subject = yinsi.vault.create_subject(actor=APP)
    accept_policy(yinsi, subject)
    yinsi.vault.write(
        actor=APP,
        subject_id=subject,
        purpose="registration",
        values={"name": name, "mobile": mobile},
        source="clinic-app",
    )
    return subject


def rows_of(yinsi: Yinsi, subject: str) -> int:
    with yinsi.engine.connect() as connection:
        return sum(
            len(connection.execute(select(t).where(t.c.subject_id == subject)).all())
            for t in (table_of(PiValueRow), table_of(BlindIndexRow))
        )


def reopen(backend: Backend, policy: CompiledPolicy) -> Yinsi:
    """What the service does at start-up (and `yinsi restore` after restoring): replay shreds first."""
    return open_yinsi(backend.settings, migrate=True, policy=policy)


def test_a_data_backup_restored_after_a_shred_keeps_that_subject_unreadable(
    clinic: Yinsi, backend: Backend, clinic_policy: CompiledPolicy, tmp_path: Path
) -> None:
    gone = person(clinic, "张三", "13912345678")
    kept = person(clinic, "李四", "13887654321")
    backup = clinic.services.backups.backup_data_store(destination=tmp_path / "data.backup")
    clinic.vault.shred(actor=DPO, subject_id=gone, reason="cancelled")
    clinic.services.backups.restore_data_store(source=backup)
    clinic.close()

    reopened = reopen(backend, clinic_policy)
    assert rows_of(reopened, gone) == 0
    try:
        with pytest.raises(AccessDenied) as denied:
            reopened.vault.read(actor=APP, subject_id=gone, purpose="registration")
        assert denied.value.code == "subject_erased"
        assert reopened.vault.lookup(actor=APP, field="mobile", value="13912345678", purpose="registration") == []
        assert reopened.vault.read(actor=APP, subject_id=kept, purpose="registration").values == {
            "name": "李四",
            "mobile": "138****4321",
        }
        assert reopened.audit.verify(reopened.engine).ok
    finally:
        reopened.close()


def test_even_before_the_replay_a_restored_backup_cannot_be_decrypted(
    clinic: Yinsi, backend: Backend, tmp_path: Path
) -> None:
    gone = person(clinic, "张三", "13912345678")
    backup = clinic.services.backups.backup_data_store(destination=tmp_path / "data.backup")
    clinic.vault.shred(actor=DPO, subject_id=gone, reason="cancelled")
    clinic.services.backups.restore_data_store(source=backup)
    assert rows_of(clinic, gone) > 0  # the ciphertext is back...
    with clinic.engine.connect() as connection:
        assert clinic.vault.open_fields(connection, gone, ["name", "mobile"]) == {}  # ...but no key opens it


def test_a_keystore_backup_restored_after_a_shred_does_not_revive_the_key(
    clinic: Yinsi, backend: Backend, clinic_policy: CompiledPolicy, tmp_path: Path
) -> None:
    gone = person(clinic, "张三", "13912345678")
    kept = person(clinic, "李四", "13887654321")
    keys = tmp_path / "keystore.backup"
    clinic.services.backups.backup_keystore(destination=keys)
    assert keys.stat().st_mode & 0o777 == 0o600
    clinic.vault.shred(actor=DPO, subject_id=gone, reason="cancelled")
    clinic.services.backups.restore_keystore(source=keys)
    clinic.close()

    reopened = reopen(backend, clinic_policy)
    try:
        with reopened.engine.connect() as connection:
            assert reopened.keyring.data_key(connection, gone) is None
        with pytest.raises(AccessDenied):
            reopened.vault.read(actor=APP, subject_id=gone, purpose="registration")
        assert reopened.vault.read(actor=APP, subject_id=kept, purpose="registration").values["name"] == "李四"
    finally:
        reopened.close()


def test_an_expired_keystore_backup_is_refused(clinic: Yinsi, backend: Backend, tmp_path: Path, clock: Clock) -> None:
    keys = tmp_path / "keystore.backup"
    clinic.services.backups.backup_keystore(destination=keys)
    clock.advance(days=backend.settings.keystore_backup_max_age_days, seconds=1)
    with pytest.raises(BackupError, match="expired"):
        clinic.services.backups.restore_keystore(source=keys)


def test_a_damaged_backup_is_refused_and_changes_nothing(clinic: Yinsi, backend: Backend, tmp_path: Path) -> None:
    kept = person(clinic, "李四", "13887654321")
    junk = tmp_path / "junk.backup"
    junk.write_bytes(b"not a backup at all" * 100)
    with pytest.raises(BackupError):
        clinic.services.backups.restore_data_store(source=junk)
    with pytest.raises(BackupError):
        clinic.services.backups.restore_keystore(source=junk)
    assert clinic.vault.read(actor=APP, subject_id=kept, purpose="registration").values["name"] == "李四"
