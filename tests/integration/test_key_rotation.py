"""Rotating the master key re-wraps every data key, re-encrypts no value, and never stops reads."""

from __future__ import annotations

import threading

from sqlalchemy import select

from tests.conftest import Backend
from tests.support.consent import accept_policy
from yinsi.adapters.db.rows import DataKeyRow, PiValueRow, SecretRow, table_of
from yinsi.adapters.keys.local_file import LocalFileKeyProvider
from yinsi.bootstrap import Yinsi, open_yinsi
from yinsi.core.policy.compiled import CompiledPolicy
from yinsi.services.vault import Actor

APP = Actor("key:app", "clinic_app")


def test_rotation_rewraps_keys_without_touching_values_or_interrupting_reads(
    clinic: Yinsi, backend: Backend, clinic_policy: CompiledPolicy
) -> None:
    subjects = []
    for i in range(40):
        subject = clinic.vault.create_subject(actor=APP)
        accept_policy(clinic, subject)
        clinic.vault.write(
            actor=APP,
            subject_id=subject,
            purpose="registration",
            values={"name": f"测试{chr(0x4E00 + i)}", "mobile": f"139000000{i:02d}"},
            source="t",
        )
        subjects.append(subject)
    values_table, keys_table = table_of(PiValueRow), table_of(DataKeyRow)
    with clinic.engine.connect() as connection:
        sealed_before = dict(connection.execute(select(values_table.c.subject_id, values_table.c.sealed)).all())
        old_master = connection.execute(select(keys_table.c.master_key_id).distinct()).scalar_one()

    errors: list[BaseException] = []
    reads = 0
    stop = threading.Event()

    def reader() -> None:
        nonlocal reads
        while not stop.is_set():
            try:
                for subject in subjects[::7]:
                    clinic.vault.read(actor=APP, subject_id=subject, purpose="registration")
                    reads += 1
            except BaseException as exc:
                errors.append(exc)
                return

    thread = threading.Thread(target=reader)
    thread.start()
    provider = clinic.keyring.provider
    assert isinstance(provider, LocalFileKeyProvider)
    new_master = provider.add_new_current()
    report = clinic.keyring.rotate(clinic.engine, new_master, batch=7)
    stop.set()
    thread.join()

    assert errors == []
    assert reads > 0
    assert report.data_keys == 40
    assert report.secrets == 4
    with clinic.engine.connect() as connection:
        assert set(connection.execute(select(keys_table.c.master_key_id)).scalars()) == {new_master.id}
        assert set(connection.execute(select(table_of(SecretRow).c.master_key_id)).scalars()) == {new_master.id}
        sealed_after = dict(connection.execute(select(values_table.c.subject_id, values_table.c.sealed)).all())
    assert sealed_after == sealed_before  # not one value re-encrypted

    assert provider.retire(sorted(clinic.keyring.master_ids_in_use(clinic.engine))) == [old_master]
    clinic.close()
    # A fresh process with only the new key reads everything and still finds people by phone.
    fresh = open_yinsi(backend.settings, migrate=False, policy=clinic_policy)
    try:
        assert fresh.keyring.provider.ids() == [new_master.id]
        assert fresh.vault.read(actor=APP, subject_id=subjects[3], purpose="registration").values["name"] == "测试七"
        assert fresh.vault.lookup(actor=APP, field="mobile", value="13900000003", purpose="registration") == [
            subjects[3]
        ]
        assert fresh.audit.verify(fresh.engine).ok
    finally:
        fresh.close()


def test_a_running_server_follows_a_rotation_done_by_another_process(
    clinic: Yinsi, backend: Backend, clinic_policy: CompiledPolicy
) -> None:
    """`yinsi keys rotate` runs in its own process while `yinsi serve` keeps serving (the key-file case)."""
    server = clinic
    before = server.vault.create_subject(actor=APP)
    accept_policy(server, before)
    server.vault.write(actor=APP, subject_id=before, purpose="registration", values={"name": "旧"}, source="t")

    cli = open_yinsi(backend.settings, migrate=False, policy=clinic_policy)
    try:
        provider = cli.keyring.provider
        assert isinstance(provider, LocalFileKeyProvider)
        new_master = provider.add_new_current()
        cli.keyring.rotate(cli.engine, new_master)
        # The server goes on: it reads what was re-wrapped and wraps new people under the new key.
        assert server.vault.read(actor=APP, subject_id=before, purpose="registration").values["name"] == "旧"
        after = server.vault.create_subject(actor=APP)
        accept_policy(server, after)
        server.vault.write(actor=APP, subject_id=after, purpose="registration", values={"name": "新"}, source="t")
        cli.keyring.rotate(cli.engine, new_master)  # `keys retire` re-wraps stragglers first
        dropped = provider.retire(sorted(cli.keyring.master_ids_in_use(cli.engine)))
        assert len(dropped) == 1
    finally:
        cli.close()
    server.close()
    restarted = open_yinsi(backend.settings, migrate=False, policy=clinic_policy)
    try:
        for subject, name in ((before, "旧"), (after, "新")):
            assert restarted.vault.read(actor=APP, subject_id=subject, purpose="registration").values["name"] == name
    finally:
        restarted.close()
