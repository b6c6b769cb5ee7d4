"""The operator's commands (``db``, ``policy publish``, ``keys``, ``audit``, ``backup``, ``outbox``, ``staff``,
``requests``, ``jobs``) on both backends: what they print, their exit codes, and no traceback when they refuse.

Most runs call the console entry point ``yinsi.cli.main:main`` in process (under Click's test isolation, so
its error handling is what is tested); a few run the real ``.venv/bin/yinsi`` for the end-to-end contract.
"""

from __future__ import annotations

import json
import os
import re
import stat
import subprocess
import sys
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from unittest.mock import patch

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select, update
from typer.testing import CliRunner

from tests.conftest import Backend, empty_pg_database
from tests.support.accounts import last_code, register
from tests.support.consent import accept_policy
from yinsi.adapters.db.rows import AuditEventRow, table_of
from yinsi.api.app import create_app
from yinsi.bootstrap import Yinsi, open_yinsi
from yinsi.cli.main import main
from yinsi.core.errors import AccessDenied, Unauthenticated
from yinsi.core.policy.compiled import CompiledPolicy
from yinsi.services.vault import Actor

ROOT = Path(__file__).resolve().parents[2]
CLINIC = ROOT / "tests" / "fixtures" / "clinic.yaml"
CLINIC_TEXT = CLINIC.read_text(encoding="utf-8")
YINSI = Path(sys.executable).parent / "yinsi"
APP = Actor("key:app", "clinic_app")
DPO = Actor("staff:dpo", "privacy_officer")
PASSWORD = "correct horse battery staple"
EVENTS = table_of(AuditEventRow)


# --------------------------------------------------------------------------- helpers


@dataclass(frozen=True)
class Run:
    code: int
    stdout: str
    stderr: str

    @property
    def output(self) -> str:
        return self.stdout + self.stderr


class Cli:
    """Runs ``yinsi ARGS`` through the console entry point, in process, with the backend's settings as YINSI_*."""

    def __init__(self, env: dict[str, str | None]) -> None:
        self.env = env

    def __call__(self, *args: str | Path, input: str | None = None, **env: str | None) -> Run:
        runner = CliRunner()
        with (
            runner.isolation(input=input, env={**self.env, **env}) as (stdout, stderr, _),
            patch.object(sys, "argv", ["yinsi", *map(str, args)]),
        ):
            try:
                main()
                code = 0
            except SystemExit as exc:
                code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
            finally:
                sys.stdout.flush()
                sys.stderr.flush()
            run = Run(code, stdout.getvalue().decode(), stderr.getvalue().decode())
        assert "Traceback" not in run.output, run.output
        assert "internal error" not in run.output, run.output
        return run

    def ok(self, *args: str | Path, input: str | None = None, **env: str | None) -> Run:
        run = self(*args, input=input, **env)
        assert run.code == 0, run.output
        return run

    def fails(self, *args: str | Path, input: str | None = None, **env: str | None) -> Run:
        """A refusal: exit 1 and one plain line on stderr (no traceback, checked by ``__call__``)."""
        run = self(*args, input=input, **env)
        assert run.code == 1, run.output
        assert len(run.stderr.strip().splitlines()) == 1, run.stderr
        return run


def env_of(backend: Backend) -> dict[str, str | None]:
    """Only the backend's settings: everything else a developer may have exported is cleared."""
    settings = backend.settings
    cleared = {key: None for key in os.environ if key.startswith("YINSI_")}
    return {
        **cleared,
        "YINSI_LANG": "en",
        "YINSI_DATA_DIR": str(settings.data_dir),
        "YINSI_DATABASE_URL": settings.database_url,
        "YINSI_PG_BINDIR": str(settings.pg_bindir) if settings.pg_bindir else None,
    }


@contextmanager
def opened(backend: Backend, policy: CompiledPolicy | None = None) -> Iterator[Yinsi]:
    yinsi = open_yinsi(backend.settings, migrate=False, policy=policy)
    try:
        yield yinsi
    finally:
        yinsi.close()


def person(yinsi: Yinsi, name: str, mobile: str) -> str:
    subject = yinsi.vault.create_subject(actor=APP)
    accept_policy(yinsi, subject)
    yinsi.vault.write(
        actor=APP, subject_id=subject, purpose="registration", values={"name": name, "mobile": mobile}, source="t"
    )
    return subject


def spec(version: str, *, title: str | None = None, purpose: bool = False) -> str:
    """clinic.yaml with another version label, optionally another title (minor) or one more purpose (material)."""
    changed = CLINIC_TEXT.replace('version: "2026-01"', f'version: "{version}"', 1)
    if title is not None:
        changed = changed.replace("en: Test Clinic Privacy Policy}", f"en: {title}}}", 1)
    if purpose:
        changed = changed.replace(
            "purposes:\n",
            "purposes:\n"
            "  reminders:\n"
            "    label: {zh-CN: 复诊提醒, en: Check-up reminders}\n"
            "    function: additional\n"
            "    legal_basis: consent\n"
            "    fields: [mobile]\n"
            "    retention: {until: account_cancellation}\n",
            1,
        )
    assert changed != CLINIC_TEXT
    return changed


def master_key_file(backend: Backend) -> dict[str, Any]:
    content: dict[str, Any] = json.loads((backend.settings.data_dir / "master.key").read_text())
    return content


# --------------------------------------------------------------------------- fixtures


@pytest.fixture
def cli(backend: Backend) -> Cli:
    return Cli(env_of(backend))


@pytest.fixture
def published(cli: Cli) -> Cli:
    """The clinic policy in force, published through the CLI."""
    assert "published the first version, 2026-01" in cli.ok("policy", "publish", CLINIC).stdout
    return cli


@pytest.fixture
def empty_store(backend: Backend, tmp_path: Path) -> Iterator[dict[str, str | None]]:
    """Settings for a data store with no schema at all: a new directory, or a new PostgreSQL database."""
    data_dir = tmp_path / "empty"
    data_dir.mkdir()
    env = {**env_of(backend), "YINSI_DATA_DIR": str(data_dir)}
    if backend.name == "sqlite":
        yield env
        return
    with empty_pg_database("yinsi_e") as url:
        env["YINSI_DATABASE_URL"] = url
        yield env


# --------------------------------------------------------------------------- 1. db


def test_db_status_is_behind_on_an_empty_store_until_upgraded(empty_store: dict[str, str | None]) -> None:
    cli = Cli(empty_store)
    behind = cli("db", "status")
    assert behind.code == 1
    if empty_store["YINSI_DATABASE_URL"] is None:
        # An empty SQLite data directory: said so, and nothing is created just by asking.
        assert "not created yet" in behind.stdout
        assert not Path(str(empty_store["YINSI_DATA_DIR"]), "yinsi.db").exists()
    else:
        assert "data: behind" in behind.stdout
        assert "keystore: behind" in behind.stdout
    assert "upgraded: " in cli.ok("db", "upgrade").stdout
    status = cli.ok("db", "status")
    assert "data: up to date" in status.stdout
    assert "keystore: up to date" in status.stdout
    assert "already up to date" in cli.ok("db", "upgrade").stdout
    # A command that needs the schema says so on an empty store instead of creating it behind one's back.
    if empty_store["YINSI_DATABASE_URL"] is None:
        other = Path(str(empty_store["YINSI_DATA_DIR"])).parent / "other"
        other.mkdir()
        refused = Cli({**empty_store, "YINSI_DATA_DIR": str(other)}).fails("audit", "verify")
        assert "yinsi db upgrade" in refused.stderr


def test_global_options_come_before_the_command_and_win_over_the_environment(
    backend: Backend, empty_store: dict[str, str | None], tmp_path: Path
) -> None:
    def options(env: dict[str, str | None]) -> list[str]:
        chosen = ["--data-dir", str(env["YINSI_DATA_DIR"])]
        return [*chosen, "--database-url", str(env["YINSI_DATABASE_URL"])] if env["YINSI_DATABASE_URL"] else chosen

    unused = tmp_path / "unused"
    cli = Cli({**env_of(backend), "YINSI_DATA_DIR": str(unused), "YINSI_DATABASE_URL": None})
    assert "data: up to date" in cli.ok(*options(env_of(backend)), "db", "status").stdout
    empty = cli(*options(empty_store), "db", "status").stdout
    assert ("data: behind" in empty) if empty_store["YINSI_DATABASE_URL"] else ("not created yet" in empty)
    assert not unused.exists()


# --------------------------------------------------------------------------- 2. policy publish / versions


@pytest.mark.slow
def test_publishing_versions_minor_material_and_refusals(cli: Cli, tmp_path: Path) -> None:
    assert "published the first version, 2026-01" in cli.ok("policy", "publish", CLINIC).stdout
    again = cli.ok("policy", "publish", CLINIC)
    assert "2026-01 is already in force with the same content; nothing published" in again.stdout

    minor = tmp_path / "minor.yaml"
    minor.write_text(spec("2026-02", title="Test Clinic Privacy Notice"), encoding="utf-8")
    done = cli.ok("policy", "publish", minor).stdout
    assert "[minor]" in done
    assert "[material" not in done
    assert "published 2026-02: minor change" in done

    material = tmp_path / "material.yaml"
    material.write_text(spec("2026-03", title="Test Clinic Privacy Notice", purpose=True), encoding="utf-8")
    done = cli.ok("policy", "publish", material).stdout
    assert "[material:service_model]" in done
    assert "published 2026-03: material change (service_model)" in done

    listed = cli.ok("policy", "versions").stdout.splitlines()
    assert [line.split()[1] for line in listed] == ["2026-01", "2026-02", "2026-03"]
    assert listed[0].endswith("UTC  initial")
    assert listed[1].endswith("UTC  minor")
    assert "material (service_model)" in listed[2]

    invalid = tmp_path / "invalid.yaml"
    invalid.write_text("spec_version: 1\npolicy: {id: x}\n", encoding="utf-8")
    refused = cli.fails("policy", "publish", invalid)
    assert refused.stderr.startswith("yinsi: The spec is not valid:")

    reused = tmp_path / "reused.yaml"
    reused.write_text(spec("2026-02", title="Yet Another Title"), encoding="utf-8")
    refused = cli.fails("policy", "publish", reused)
    assert "Version 2026-02 was published already" in refused.stderr

    missing = cli.fails("policy", "publish", tmp_path / "nowhere.yaml")
    assert "cannot read it" in missing.stderr
    # Nothing the refusals tried was published.
    assert len(cli.ok("policy", "versions").stdout.splitlines()) == 3


def test_commands_needing_a_policy_say_so_when_none_is_published(cli: Cli) -> None:
    refused = cli.fails("keys", "create-api-key", "clinic_app")
    assert "no policy is loaded" in refused.stderr
    assert "yinsi policy publish" in refused.stderr


# --------------------------------------------------------------------------- 3. API keys


def test_an_api_key_is_printed_once_authenticates_and_can_be_revoked(cli: Cli, backend: Backend) -> None:
    created = cli.ok("keys", "create-api-key", "clinic_app", "--policy", CLINIC)  # publishes the first version
    token = created.stdout.strip()
    assert re.fullmatch(r"yk_[0-9a-f]{12}_\S+", token), created.stdout
    assert token not in created.stderr
    key_id = token.split("_")[1]
    assert f"API key {key_id} for role clinic_app" in created.stderr

    undeclared = cli.fails("keys", "create-api-key", "janitor", "--policy", CLINIC)
    assert "Role 'janitor' is not declared" in undeclared.stderr
    assert "clinic_app, front_desk, dentist, marketing, billing, privacy_officer" in undeclared.stderr

    bearer = {"Authorization": f"Bearer {token}"}
    with opened(backend) as yinsi, TestClient(create_app(yinsi), raise_server_exceptions=False) as client:
        caller = yinsi.services.keys.authenticate(token=token)
        assert (caller.key_id, caller.role) == (key_id, "clinic_app")
        assert client.post("/v1/subjects", headers=bearer).status_code == 201

        assert cli.ok("keys", "revoke-api-key", key_id).stdout.strip() == "revoked"
        again = cli("keys", "revoke-api-key", key_id)
        assert again.code == 1
        assert "no such active key" in again.output
        with pytest.raises(Unauthenticated):
            yinsi.services.keys.authenticate(token=token)
        assert client.post("/v1/subjects", headers=bearer).status_code == 401


# --------------------------------------------------------------------------- 4. audit


@pytest.mark.slow
def test_audit_verify_catches_a_changed_event_and_anchor_refuses_a_broken_chain(
    published: Cli, backend: Backend
) -> None:
    cli = published
    published.ok("keys", "create-api-key", "clinic_app")
    published.ok("keys", "create-api-key", "billing")
    intact = cli.ok("audit", "verify").stdout
    found = re.search(r"audit chain intact: (\d+) events", intact)
    assert found, intact
    events = int(found.group(1))
    assert events >= 3
    assert f"anchored the heads of the audit chains ({events} events)" in cli.ok("audit", "anchor").stdout

    with opened(backend) as yinsi, yinsi.engine.begin() as connection:
        body = json.loads(connection.execute(select(EVENTS.c.body).where(EVENTS.c.seq == 2)).scalar_one())
        body["role"] = "privacy_officer"  # say someone else did it
        connection.execute(update(EVENTS).where(EVENTS.c.seq == 2).values(body=json.dumps(body)))

    broken = cli("audit", "verify")
    assert broken.code == 1
    assert "audit chain broken at event 2" in broken.stderr
    assert "changed" in broken.stderr
    refused = cli.fails("audit", "anchor")
    assert "not anchoring" in refused.stderr
    assert "event 2" in refused.stderr


# --------------------------------------------------------------------------- 5. keys rotate


def test_rotating_the_local_master_key_keeps_every_value_readable(
    published: Cli, backend: Backend, clinic_policy: CompiledPolicy
) -> None:
    with opened(backend, clinic_policy) as yinsi:
        one = person(yinsi, "张三", "13912345678")
        two = person(yinsi, "李四", "13887654321")
    before = master_key_file(backend)
    key_file = backend.settings.data_dir / "master.key"
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600

    done = published.ok("keys", "rotate").stdout
    after = master_key_file(backend)
    assert after["current"] != before["current"]
    assert f"current master key {after['current']}: re-wrapped 2 data key(s)" in done
    assert "yinsi keys retire" in done
    assert set(after["keys"]) == {before["current"], after["current"]}  # running processes may still follow

    retired = published.ok("keys", "retire").stdout
    assert "retired 1 master key(s)" in retired
    after = master_key_file(backend)
    assert list(after["keys"]) == [after["current"]]
    assert before["current"] not in after["keys"]
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600

    with opened(backend, clinic_policy) as yinsi:
        assert yinsi.vault.read(actor=APP, subject_id=one, purpose="registration").values == {
            "name": "张三",
            "mobile": "139****5678",
        }
        assert yinsi.vault.read(actor=APP, subject_id=two, purpose="registration").values["name"] == "李四"
        assert yinsi.vault.lookup(actor=APP, field="mobile", value="13887654321", purpose="registration") == [two]
    assert "audit chain intact" in published.ok("audit", "verify").stdout


# --------------------------------------------------------------------------- 6. backup / restore


def test_a_restored_backup_keeps_a_shredded_subject_unreadable(
    published: Cli, backend: Backend, clinic_policy: CompiledPolicy, tmp_path: Path
) -> None:
    cli = published
    with opened(backend, clinic_policy) as yinsi:
        gone = person(yinsi, "张三", "13912345678")
        kept = person(yinsi, "李四", "13887654321")
    destination = tmp_path / "backups" / "data.backup"
    saved = cli.ok("backup", destination).stdout
    assert f"data store backed up to {destination}" in saved
    assert "keys are not in it" in saved
    assert destination.is_file()

    with opened(backend, clinic_policy) as yinsi:
        yinsi.vault.shred(actor=DPO, subject_id=gone, reason="cancelled")

    restored = cli.ok("restore", destination).stdout
    assert f"data store restored from {destination}; shreds replayed" in restored
    assert re.search(r"audit chain re-anchored at event \d+", restored)

    with opened(backend, clinic_policy) as yinsi:
        with pytest.raises(AccessDenied) as denied:
            yinsi.vault.read(actor=APP, subject_id=gone, purpose="registration")
        assert denied.value.code == "subject_erased"
        assert yinsi.vault.lookup(actor=APP, field="mobile", value="13912345678", purpose="registration") == []
        assert yinsi.vault.read(actor=APP, subject_id=kept, purpose="registration").values["name"] == "李四"
    assert "audit chain intact" in cli.ok("audit", "verify").stdout

    missing = cli.fails("restore", tmp_path / "nowhere.backup")
    assert "The backup file does not exist" in missing.stderr
    junk = tmp_path / "junk.backup"
    junk.write_bytes(b"not a backup at all" * 100)
    damaged = cli.fails("restore", junk)
    assert damaged.stderr.startswith("yinsi: ")
    with opened(backend, clinic_policy) as yinsi:
        assert yinsi.vault.read(actor=APP, subject_id=kept, purpose="registration").values["name"] == "李四"


# --------------------------------------------------------------------------- 7. keys backup / restore


def rewrite_manifest(archive: Path, **changes: str) -> None:
    with zipfile.ZipFile(archive) as source:
        entries = {name: source.read(name) for name in source.namelist()}
    manifest = json.loads(entries["manifest.json"])
    manifest.update(changes)
    entries["manifest.json"] = json.dumps(manifest).encode()
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as target:
        for name, data in entries.items():
            target.writestr(name, data)


def test_a_keystore_backup_expires(published: Cli, backend: Backend, tmp_path: Path) -> None:
    cli = published
    archive = tmp_path / "keys" / "keystore.backup"
    started = datetime.now(UTC)
    saved = cli.ok("keys", "backup", archive, YINSI_KEYSTORE_BACKUP_MAX_AGE_DAYS="2").stdout
    assert stat.S_IMODE(archive.stat().st_mode) == 0o600
    found = re.search(rf"keystore backed up to {re.escape(str(archive))}; it expires (\S+ \S+) UTC", saved)
    assert found, saved
    expires = datetime.strptime(found.group(1), "%Y-%m-%d %H:%M").replace(tzinfo=UTC)
    assert started + timedelta(days=2, minutes=-1) <= expires <= datetime.now(UTC) + timedelta(days=2)
    with zipfile.ZipFile(archive) as opened_archive:
        manifest = json.loads(opened_archive.read("manifest.json"))
    assert manifest["backend"] == ("sqlite" if backend.name == "sqlite" else "postgresql")

    assert "keystore restored; shreds replayed" in cli.ok("keys", "restore", archive).stdout

    rewrite_manifest(archive, expires_at=(datetime.now(UTC) - timedelta(minutes=1)).isoformat())
    expired = cli.fails("keys", "restore", archive)
    assert "expired" in expired.stderr
    assert "not restored" in expired.stderr

    junk = tmp_path / "junk.backup"
    junk.write_bytes(b"PK but not really a zip" * 50)
    assert "damaged" in cli.fails("keys", "restore", junk).stderr
    assert "audit chain intact" in cli.ok("audit", "verify").stdout


# --------------------------------------------------------------------------- 8. outbox


def test_the_outbox_shows_a_login_code(published: Cli, backend: Backend, clinic_policy: CompiledPolicy) -> None:
    cli = published
    empty = cli.ok("outbox")
    assert empty.stdout.strip() == "(empty)"
    assert "development outbox" in empty.stderr

    with opened(backend, clinic_policy) as yinsi:
        yinsi.accounts.request_code(phone="13912345678", client="198.51.100.7")
        code = last_code(yinsi)
    shown = cli.ok("outbox").stdout
    assert "sms → " in shown
    assert "5678" in shown
    assert f"您的验证码是 {code}" in shown
    assert cli.ok("outbox", "--channel", "email").stdout.strip() == "(empty)"
    assert f"验证码是 {code}" in cli.ok("outbox", "--limit", "1", "--channel", "sms").stdout
    negative = cli("outbox", "--limit", "-1")  # a usage error, not a database error on PostgreSQL
    assert negative.code == 2
    assert "--limit" in negative.stderr


# --------------------------------------------------------------------------- 9. staff


def test_creating_staff(published: Cli) -> None:
    cli = published
    created = cli.ok("staff", "create", "dpo.li", "--role", "privacy_officer", "--password-stdin", input=PASSWORD)
    assert re.fullmatch(r"[A-Z2-7]{32}", created.stdout.strip()), created.stdout
    assert "staff dpo.li created with role privacy_officer" in created.stderr
    assert f"secret={created.stdout.strip()}" in created.stderr  # the provisioning URI

    not_staff = cli.fails("staff", "create", "app.x", "--role", "clinic_app", "--password-stdin", input=PASSWORD)
    assert "'clinic_app' is not a staff role" in not_staff.stderr
    assert "front_desk, dentist, privacy_officer" in not_staff.stderr
    short = cli.fails("staff", "create", "desk.wang", "--role", "front_desk", "--password-stdin", input="short\n")
    assert "at least 12 characters" in short.stderr
    duplicate = cli.fails("staff", "create", "dpo.li", "--role", "dentist", "--password-stdin", input=PASSWORD)
    assert "exists already" in duplicate.stderr


# --------------------------------------------------------------------------- 10. requests


@pytest.mark.slow
def test_the_privacy_officer_works_the_queue(published: Cli, backend: Backend, clinic_policy: CompiledPolicy) -> None:
    cli = published
    cli.ok("staff", "create", "dpo.li", "--role", "privacy_officer", "--password-stdin", input=PASSWORD)
    cli.ok("staff", "create", "desk.wang", "--role", "front_desk", "--password-stdin", input=PASSWORD)
    with (
        opened(backend, clinic_policy) as yinsi,
        TestClient(create_app(yinsi), raise_server_exceptions=False) as client,
    ):
        headers = register(client, yinsi, "13912345678")
        filed = client.post(
            "/v1/me/requests", json={"type": "complain", "text": "前台把我的病历给了别人"}, headers=headers
        )
        assert filed.status_code == 201, filed.text
        request_id = filed.json()["id"]

    listed = cli.ok("requests", "list", "--as", "dpo.li")
    assert request_id in listed.stdout
    assert "complain" in listed.stdout
    assert "1 request(s)" in listed.stderr
    shown = cli.ok("requests", "show", request_id, "--as", "dpo.li").stdout
    assert request_id in shown
    assert "前台" not in shown  # what the person wrote stays out of the terminal

    assert "dpo.li" in cli.ok("requests", "assign", request_id, "dpo.li", "--as", "dpo.li").stdout
    assert "in_progress" in cli.ok("requests", "act", request_id, "start", "--as", "dpo.li").stdout
    assert "completed" in cli.ok("requests", "act", request_id, "complete", "--as", "dpo.li").stdout
    refused = cli.fails("requests", "act", request_id, "refuse", "--ground", "because", "--as", "dpo.li")
    assert "A refusal needs a ground the policy lists" in refused.stderr
    assert "national_security" in refused.stderr
    assert "trade_secrets" in refused.stderr
    closed = cli.fails("requests", "act", request_id, "refuse", "--ground", "trade_secrets", "--as", "dpo.li")
    assert "cannot be handled that way" in closed.stderr
    unknown = cli.fails("requests", "act", request_id, "dance", "--as", "dpo.li")
    assert "verify, start, complete or refuse" in unknown.stderr
    assert "request" in cli.fails("requests", "show", "no-such-request", "--as", "dpo.li").stderr

    figures = json.loads(cli.ok("requests", "stats", "--as", "dpo.li").stdout)
    assert figures["overdue"] == 0
    assert "complain" in figures["by_type"]
    assert request_id not in cli.ok("requests", "list", "--as", "dpo.li").stdout  # no longer open
    assert request_id in cli.ok("requests", "list", "--state", "completed", "--as", "dpo.li").stdout
    assert (
        "closed request cannot be assigned"
        in cli.fails("requests", "assign", request_id, "dpo.li", "--as", "dpo.li").stderr
    )

    for command, right in (
        (("list",), "view requests"),
        (("stats",), "view requests"),
        (("act", request_id, "start"), "handle requests"),
    ):
        assert f"Role front_desk may not {right}" in cli.fails("requests", *command, "--as", "desk.wang").stderr
    nobody = cli.fails("requests", "list", "--as", "nobody")
    assert "No active member of staff is called nobody" in nobody.stderr


# --------------------------------------------------------------------------- 11. jobs


def test_the_access_log_sweep(published: Cli) -> None:
    assert published.ok("jobs", "access-logs").stdout.strip() == "deleted 0 access log entries"


# --------------------------------------------------------------------------- the real console script


@pytest.mark.slow
def test_the_console_script_exits_non_zero_with_one_line_and_no_traceback(
    published: Cli, backend: Backend, tmp_path: Path
) -> None:
    archive = tmp_path / "keystore.backup"
    published.ok("keys", "backup", archive)
    rewrite_manifest(archive, expires_at=(datetime.now(UTC) - timedelta(days=1)).isoformat())
    invalid = tmp_path / "invalid.yaml"
    invalid.write_text("policy: [not, a, mapping\n", encoding="utf-8")
    empty = tmp_path / "empty"
    empty.mkdir()
    env = {k: v for k, v in os.environ.items() if not k.startswith("YINSI_")}
    env.update({k: v for k, v in env_of(backend).items() if v is not None})
    runs: dict[str, list[str | Path]] = {
        "expired": ["keys", "restore", archive],
        "invalid": ["--data-dir", backend.settings.data_dir, "policy", "publish", invalid],
    }
    if backend.name == "sqlite":
        runs["behind"] = ["--data-dir", empty, "db", "status"]
    else:
        runs["role"] = ["keys", "create-api-key", "janitor"]
    started = {
        name: subprocess.Popen(
            [str(YINSI), *map(str, args)], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )
        for name, args in runs.items()
    }
    done: dict[str, tuple[int, str, str]] = {}
    for name, process in started.items():
        stdout, stderr = process.communicate(timeout=60)
        done[name] = (process.returncode, stdout, stderr)
    report = json.dumps(done, ensure_ascii=False, indent=1)  # every run's exit code and output, if one fails
    for name, (code, stdout, stderr) in done.items():
        assert "Traceback" not in stdout + stderr, report
        assert code == 1, report
        if name == "behind":
            assert "not created yet" in stdout, report
            continue
        assert stdout == "", report
        assert len(stderr.strip().splitlines()) == 1, report
        assert stderr.startswith("yinsi: "), report
    assert "expired" in done["expired"][2], report
    assert "The spec is not valid" in done["invalid"][2], report
    if "role" in done:
        assert "declared roles: clinic_app" in done["role"][2], report
