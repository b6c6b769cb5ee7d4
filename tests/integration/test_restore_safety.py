"""Restores that must not destroy data: a keystore backup is checked whole before anything is replaced, its
manifest cannot be edited, and a restored data store does not bring a cancelled person's access back."""

from __future__ import annotations

import base64
import json
import os
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path

import httpx2
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, insert, select

from tests.conftest import Backend, empty_pg_database
from tests.functional.test_cli_operations import APP, CLINIC, Cli, env_of, opened, person
from tests.support.accounts import register
from tests.support.http import api_key
from tests.support.serve import running_server
from yinsi.adapters.db.rows import (
    AccountRow,
    DataBase,
    ExportRow,
    ExternalLoginRow,
    GuardianLinkRow,
    LoginCodeRow,
    SessionRow,
    table_of,
)
from yinsi.api.app import create_app
from yinsi.bootstrap import Yinsi, open_yinsi
from yinsi.core.policy.compiled import CompiledPolicy

PHONE = "13912345678"


def master_ids(data_dir: Path) -> list[str]:
    return list(json.loads((data_dir / "master.key").read_text())["keys"])


@contextmanager
def other_installation(backend: Backend, tmp_path: Path, **env: str | None) -> Iterator[Cli]:
    """A second yinsi, with its own store and master key, set up through the CLI as an operator would."""
    data_dir = tmp_path / "other"
    data_dir.mkdir()
    settings = {**env_of(backend), "YINSI_DATA_DIR": str(data_dir), **env}
    if backend.name == "sqlite":
        settings["YINSI_DATABASE_URL"] = None
        cli = Cli(settings)
        cli.ok("db", "upgrade")
        cli.ok("policy", "publish", CLINIC)
        yield cli
        return
    with empty_pg_database("yinsi_o") as url:
        cli = Cli({**settings, "YINSI_DATABASE_URL": url})
        cli.ok("db", "upgrade")
        cli.ok("policy", "publish", CLINIC)
        yield cli


def still_works(cli: Cli, backend: Backend, clinic_policy: CompiledPolicy, subject: str, tmp_path: Path) -> None:
    """After a refused restore: values open, the audit chain verifies, `yinsi serve` starts and answers."""
    with opened(backend, clinic_policy) as yinsi:
        assert yinsi.vault.read(actor=APP, subject_id=subject, purpose="registration").values["name"] == "张三"
    assert "audit chain intact" in cli.ok("audit", "verify").stdout
    env = {k: v for k, v in os.environ.items() if not k.startswith("YINSI_")}
    env.update({k: v for k, v in cli.env.items() if v is not None})
    with running_server(env, tmp_path) as base:
        assert httpx2.get(f"{base}/health").json()["status"] == "ok"


@pytest.mark.slow
def test_another_installations_keystore_backup_is_refused_before_anything_changes(
    backend: Backend, clinic_policy: CompiledPolicy, tmp_path: Path
) -> None:
    cli = Cli(env_of(backend))
    cli.ok("policy", "publish", CLINIC)
    with opened(backend, clinic_policy) as yinsi:
        kept = person(yinsi, "张三", "13912345678")
    foreign = tmp_path / "foreign.zip"
    with other_installation(backend, tmp_path) as other:
        other.ok("keys", "backup", foreign)
        needed = master_ids(tmp_path / "other")[0]

    refused = cli.fails("keys", "restore", foreign)
    assert f"needs master key {needed}" in refused.stderr
    assert "nothing was changed" in refused.stderr
    still_works(cli, backend, clinic_policy, kept, tmp_path)

    good = tmp_path / "good.zip"
    cli.ok("keys", "backup", good)
    assert "keystore restored" in cli.ok("keys", "restore", good).stdout
    still_works(cli, backend, clinic_policy, kept, tmp_path)


def test_a_backup_of_an_installation_with_the_same_master_key_is_refused(
    backend: Backend, clinic_policy: CompiledPolicy, tmp_path: Path
) -> None:
    """Two installations given the same YINSI_MASTER_KEY: the keys open, but the backup's audit key did not
    make this data store's audit trail."""
    shared = f"mk-shared:{base64.b64encode(bytes(range(32))).decode()}"
    cli = Cli({**env_of(backend), "YINSI_MASTER_KEY": shared})
    cli.ok("policy", "publish", CLINIC)
    foreign = tmp_path / "foreign.zip"
    with other_installation(backend, tmp_path, YINSI_MASTER_KEY=shared) as other:
        other.ok("keys", "backup", foreign)
    refused = cli.fails("keys", "restore", foreign)
    assert "belongs to another yinsi installation" in refused.stderr
    assert "audit chain intact" in cli.ok("audit", "verify").stdout


@pytest.mark.slow
def test_a_backup_made_before_rotate_and_retire_names_the_master_key_it_needs(
    backend: Backend, clinic_policy: CompiledPolicy, tmp_path: Path
) -> None:
    cli = Cli(env_of(backend))
    cli.ok("policy", "publish", CLINIC)
    with opened(backend, clinic_policy) as yinsi:
        kept = person(yinsi, "张三", "13912345678")
    old_key = master_ids(backend.settings.data_dir)[0]
    before = tmp_path / "before.zip"
    cli.ok("keys", "backup", before)
    cli.ok("keys", "rotate")
    cli.ok("keys", "retire")
    assert old_key not in master_ids(backend.settings.data_dir)

    refused = cli.fails("keys", "restore", before)
    assert f"needs master key {old_key}" in refused.stderr
    assert "before that key was retired" in refused.stderr
    still_works(cli, backend, clinic_policy, kept, tmp_path)


def rewrite(archive: Path, manifest: dict[str, object] | None = None, payload: bytes | None = None) -> None:
    with zipfile.ZipFile(archive) as source:
        entries = {name: source.read(name) for name in source.namelist()}
    if manifest is not None:
        entries["manifest.json"] = json.dumps({**json.loads(entries["manifest.json"]), **manifest}).encode()
    if payload is not None:
        entries["keystore"] = payload
    with zipfile.ZipFile(archive, "w") as target:
        for name, data in entries.items():
            target.writestr(name, data)


@pytest.mark.slow
def test_an_edited_manifest_or_a_swapped_keystore_is_refused(
    backend: Backend, clinic_policy: CompiledPolicy, tmp_path: Path
) -> None:
    cli = Cli(env_of(backend))
    cli.ok("policy", "publish", CLINIC)
    with opened(backend, clinic_policy) as yinsi:
        kept = person(yinsi, "张三", "13912345678")
    older = tmp_path / "older.zip"
    cli.ok("keys", "backup", older)
    with opened(backend, clinic_policy) as yinsi:
        gone = person(yinsi, "李四", "13887654321")
        yinsi.vault.shred_as_system(actor=APP, subject_id=gone, reason="cancelled")

    edited = tmp_path / "edited.zip"
    cli.ok("keys", "backup", edited)
    rewrite(edited, {"expires_at": "2099-01-01T00:00:00+00:00"})
    refused = cli.fails("keys", "restore", edited)
    assert "does not match its seal" in refused.stderr
    assert "not restored" in refused.stderr

    # A fresh manifest around an older keystore: the seal covers the keystore's digest too.
    swapped = tmp_path / "swapped.zip"
    cli.ok("keys", "backup", swapped)
    with zipfile.ZipFile(older) as source:
        rewrite(swapped, payload=source.read("keystore"))
    refused = cli.fails("keys", "restore", swapped)
    assert "not the one its manifest was sealed with" in refused.stderr
    still_works(cli, backend, clinic_policy, kept, tmp_path)


# ------------------------------------------------------------------------------ data store: shreds replayed


def count(yinsi: Yinsi, row: type[DataBase], **where: str) -> int:
    t = table_of(row)
    query = select(func.count()).select_from(t)
    for column, value in where.items():
        query = query.where(t.c[column] == value)
    with yinsi.engine.connect() as connection:
        return int(connection.execute(query).scalar_one())


def test_a_restored_data_store_does_not_revive_a_cancelled_accounts_session(
    clinic: Yinsi, backend: Backend, clinic_policy: CompiledPolicy, tmp_path: Path
) -> None:
    with TestClient(create_app(clinic), raise_server_exceptions=False) as client:
        headers = register(client, clinic, PHONE)
        subject = clinic.accounts.authenticate(headers["Authorization"].split()[1])
        service = api_key(clinic, "clinic_app")
        linked = client.put(
            f"/v1/subjects/{subject}/external-logins",
            headers=service,
            json={"provider": "wechat", "identifier": "o6_bmjrPTlm6_2sgVt7hMZOPfL2M"},
        )
        assert linked.status_code == 204, linked.text
        copy = client.post("/v1/me/requests", json={"type": "copy"}, headers=headers).json()
        download = copy["answer"]["download"]
        assert client.get(download, headers=headers).status_code == 200
        backup = clinic.services.backups.backup_data_store(destination=tmp_path / "data.backup")

        cancelled = client.post("/v1/me/requests", json={"type": "cancel_account"}, headers=headers).json()
        assert cancelled["state"] == "completed", cancelled
        assert client.get("/v1/me/consents", headers=headers).json()["code"] == "unauthenticated"
    clinic.services.backups.restore_data_store(source=backup)
    clinic.close()

    reopened = open_yinsi(backend.settings, migrate=True, policy=clinic_policy)  # what `yinsi restore` does
    try:
        with TestClient(create_app(reopened), raise_server_exceptions=False) as client:
            assert client.get("/v1/me/consents", headers=headers).json()["code"] == "unauthenticated"
            assert client.get(download, headers=headers).json()["code"] == "unauthenticated"
        with reopened.engine.connect() as connection:
            sessions = table_of(SessionRow)
            assert (
                connection.execute(
                    select(func.count()).where(sessions.c.subject_id == subject, sessions.c.revoked_at.is_(None))
                ).scalar_one()
                == 0
            )
            accounts = table_of(AccountRow)
            assert (
                connection.execute(select(accounts.c.status).where(accounts.c.subject_id == subject)).scalar_one()
                == "cancelled"
            )
        assert count(reopened, ExportRow, subject_id=subject) == 0
        assert count(reopened, ExternalLoginRow, subject_id=subject) == 0
        replayed = reopened.audit.events(reopened.engine, action="shreds-replayed", limit=1)[0]["details"]
        assert replayed["sessions_revoked"] >= 1
        assert replayed["accounts_closed"] == 1
        assert reopened.audit.verify(reopened.engine).ok
    finally:
        reopened.close()


def test_replayed_shreds_also_end_pending_guardian_links_and_codes(
    clinic: Yinsi, backend: Backend, clinic_policy: CompiledPolicy, tmp_path: Path
) -> None:
    """What a person asked for (a guardian link and its code) dies with them, restored backup or not."""
    ward = person(clinic, "张三", "13912345678")
    now = clinic.now()
    pending = {"created_at": now, "expires_at": now + timedelta(minutes=30), "attempts": 0}
    with clinic.engine.begin() as connection:
        connection.execute(
            insert(table_of(GuardianLinkRow)),
            {"ward_id": ward, "guardian_phone_digest": bytes(32), "code_mac": bytes(32), **pending},
        )
        connection.execute(
            insert(table_of(LoginCodeRow)),
            {
                "phone_digest": bytes(32),
                "code_mac": bytes(32),
                "purpose": "guardian_link",
                "subject_id": ward,
                **pending,
            },
        )
    backup = clinic.services.backups.backup_data_store(destination=tmp_path / "data.backup")
    clinic.vault.shred_as_system(actor=APP, subject_id=ward, reason="cancelled")
    clinic.services.backups.restore_data_store(source=backup)
    assert count(clinic, GuardianLinkRow, ward_id=ward) == 1  # the backup brought them back...
    clinic.close()

    reopened = open_yinsi(backend.settings, migrate=True, policy=clinic_policy)
    try:  # ...and the replay ended them
        assert count(reopened, GuardianLinkRow, ward_id=ward) == 0
        assert count(reopened, LoginCodeRow, subject_id=ward) == 0
    finally:
        reopened.close()
