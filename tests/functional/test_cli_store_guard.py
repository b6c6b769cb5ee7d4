"""What guards a store: the global options reach every command, no command but `serve` and `db` makes a store
where there is none, a restore waits for no server but refuses while one runs, and what yinsi writes is 0600."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import httpx2
import pytest
import typer
from sqlalchemy import create_engine, inspect

from tests.conftest import Backend, empty_pg_database
from tests.functional.test_cli_operations import CLINIC, Cli, env_of
from tests.support.serve import running_server
from yinsi.adapters.db.store_guard import StoreInUse, exclusive, serving
from yinsi.cli.main import app
from yinsi.core.i18n import Msg

# Every command, by what it does with a store. A new command must be placed here (the first test checks).
MAKES_A_STORE = {"serve", "db upgrade", "db status"}
NEEDS_NO_STORE = {
    "policy check",
    "policy schema",
    "policy render",
    "policy diff",
    "bench vault",
    "bench rights",
    "bench http",
    "bench scan",
    "scan",
    "redact",
    "check",  # a spec given with --policy, or the store when there is one; says so when there is neither
    "webhooks secret",
    "bench retention",
}
NEEDS_A_STORE: dict[str, list[str]] = {
    "backup": ["{tmp}/out/data.backup"],
    "restore": ["{tmp}/nowhere.backup"],
    "outbox": [],
    "policy publish": [str(CLINIC)],
    "policy versions": [],
    "keys rotate": [],
    "keys retire": [],
    "keys create-api-key": ["clinic_app"],
    "keys revoke-api-key": ["0123456789ab"],
    "keys backup": ["{tmp}/out/keystore.zip"],
    "keys restore": ["{tmp}/nowhere.zip"],
    "audit verify": [],
    "audit anchor": [],
    "jobs access-logs": [],
    "jobs recipient-notices": [],
    "jobs retention": [],
    "jobs housekeeping": [],
    "jobs audit-anchor": [],
    "jobs list": [],
    "retention event": ["00000000-0000-0000-0000-000000000000", "contract_end"],
    "retention hold": ["00000000-0000-0000-0000-000000000000", "--reason", "case"],
    "retention release": ["1"],
    "retention holds": [],
    "jobs shutdown": [],
    "shutdown": [],
    "statistics": ["--as", "dpo.test", "--by", "city"],
    "incidents record": ["--as", "dpo.test", "--kind", "leak", "--fields", "mobile", "--discovered", "2026-01-01"],
    "incidents list": ["--as", "dpo.test"],
    "incidents show": ["00000000-0000-0000-0000-000000000000", "--as", "dpo.test"],
    "incidents complete": ["00000000-0000-0000-0000-000000000000", "--as", "dpo.test", "--contents", "{{}}"],
    "incidents draft": ["00000000-0000-0000-0000-000000000000", "--as", "dpo.test"],
    "incidents notify": ["00000000-0000-0000-0000-000000000000", "--as", "dpo.test"],
    "incidents report": ["00000000-0000-0000-0000-000000000000", "--as", "dpo.test"],
    "staff create": ["dpo.test", "--role", "privacy_officer", "--password-stdin"],
    "staff disable": ["dpo.test"],
    "staff reset-totp": ["dpo.test"],
    "requests list": ["--as", "dpo.test"],
    "requests show": ["00000000-0000-0000-0000-000000000000", "--as", "dpo.test"],
    "requests act": ["00000000-0000-0000-0000-000000000000", "start", "--as", "dpo.test"],
    "requests assign": ["00000000-0000-0000-0000-000000000000", "dpo.test", "--as", "dpo.test"],
    "requests stats": ["--as", "dpo.test"],
    "jobs staff-reminders": [],
    "jobs login-releases": [],
    "jobs webhooks": [],
    "webhooks deliver": [],
    "webhooks list": [],
    "webhooks show": ["msg_0000"],
    "webhooks replay": ["msg_0000"],
    "sharing provisions": ["--as", "dpo.test"],
    "sharing disclosures": ["--as", "dpo.test"],
    "sharing public-disclosures": ["--as", "dpo.test"],
    "sharing entrustments": [],
    "sharing end-entrustment": ["processors", "--as", "dpo.test"],
    "sharing confirm-deletion": ["1", "--reference", "R-1", "--as", "dpo.test"],
    "sharing disclose": [
        "00000000-0000-0000-0000-000000000000",
        "--authority",
        "courts",
        "--purpose",
        "registration",
        "--fields",
        "mobile",
        "--legal-reference",
        "R-1",
        "--as",
        "dpo.test",
    ],
    "sharing decide-disclosure": ["1", "--refuse", "--as", "dpo.test"],
    "sharing release-logins": [],
    "sharing transfer": ["--kind", "merger", "--to", "某公司", "--contact", "400-000-0000", "--as", "dpo.test"],
}


def command_paths() -> set[str]:
    found: set[str] = set()

    def walk(command: object, path: list[str]) -> None:
        children = getattr(command, "commands", None)
        if children is None:
            found.add(" ".join(path))
            return
        for name, child in children.items():
            walk(child, [*path, name])

    walk(typer.main.get_command(app), [])
    return found


def args_of(name: str, tmp: Path) -> list[str]:
    return [*name.split(), *(a.format(tmp=tmp) for a in NEEDS_A_STORE[name])]


def global_options(backend: Backend) -> list[str]:
    chosen = ["--data-dir", str(backend.settings.data_dir)]
    url = backend.settings.database_url
    return [*chosen, "--database-url", url] if url else chosen


def process_env(cli_env: dict[str, str | None]) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("YINSI_")}
    env.update({k: v for k, v in cli_env.items() if v is not None})
    return env


def test_every_command_is_classified() -> None:
    assert command_paths() == MAKES_A_STORE | NEEDS_NO_STORE | set(NEEDS_A_STORE)


# ------------------------------------------------------------------------------ 5. the global options


def test_serve_honours_the_global_options(backend: Backend, tmp_path: Path) -> None:
    Cli(env_of(backend)).ok("policy", "publish", CLINIC)
    cwd = tmp_path / "elsewhere"
    cwd.mkdir()
    env = process_env({**env_of(backend), "YINSI_DATA_DIR": None, "YINSI_DATABASE_URL": None})
    with running_server(env, cwd, *global_options(backend)) as base:
        assert httpx2.get(f"{base}/health").json()["policy"] == "2026-01"  # the store given, not a new one
    assert not (cwd / "data").exists()


@pytest.mark.slow
def test_every_command_honours_the_global_options(backend: Backend, tmp_path: Path) -> None:
    unused = tmp_path / "unused"
    cli = Cli({**env_of(backend), "YINSI_DATA_DIR": str(unused), "YINSI_DATABASE_URL": None})
    cli.ok(*global_options(backend), "policy", "publish", CLINIC)
    for name in NEEDS_A_STORE:
        run = cli(*global_options(backend), *args_of(name, tmp_path), input="too short\n")
        assert "no yinsi store" not in run.output, (name, run.output)
    assert not unused.exists()


@pytest.mark.slow
def test_no_command_but_serve_and_db_makes_a_store_where_there_is_none(backend: Backend, tmp_path: Path) -> None:
    data_dir = tmp_path / "empty"
    data_dir.mkdir()
    base = {**env_of(backend), "YINSI_DATA_DIR": str(data_dir)}

    def check(env: dict[str, str | None], where: str) -> None:
        cli = Cli(env)
        for name in NEEDS_A_STORE:
            refused = cli.fails(*args_of(name, tmp_path), input="too short\n")
            assert f"no yinsi store in {where}" in refused.stderr, (name, refused.stderr)
            assert "yinsi db upgrade" in refused.stderr
        assert list(data_dir.iterdir()) == []  # no file, no master key
        assert not (tmp_path / "out").exists()

    if backend.name == "sqlite":
        check(base, str(data_dir))
        return
    with empty_pg_database("yinsi_n") as url:
        check({**base, "YINSI_DATABASE_URL": url}, "the database")
        engine = create_engine(url)
        try:
            assert inspect(engine).get_table_names() == []
        finally:
            engine.dispose()


# ------------------------------------------------------------------------------ 4. no restore under a server


@pytest.mark.slow
def test_restore_is_refused_while_a_server_runs_and_works_once_it_stops(backend: Backend, tmp_path: Path) -> None:
    cli = Cli(env_of(backend))
    cli.ok("policy", "publish", CLINIC)
    data = tmp_path / "data.backup"
    keys = tmp_path / "keystore.zip"
    cli.ok("backup", data)
    cli.ok("keys", "backup", keys)
    with running_server(process_env(env_of(backend)), tmp_path) as base:
        refused = cli.fails("restore", data)
        assert "a yinsi server is running on this store" in refused.stderr
        assert "stop every 'yinsi serve'" in refused.stderr
        assert "a yinsi server is running" in cli.fails("keys", "restore", keys).stderr
        assert httpx2.get(f"{base}/health").status_code == 200
    assert "data store restored" in cli.ok("restore", data).stdout
    assert "keystore restored" in cli.ok("keys", "restore", keys).stdout


def test_servers_share_the_store_and_a_restore_needs_it_alone(
    backend: Backend, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Several server processes (uvicorn workers) hold it at once; a restore is refused while any does, and
    a server is refused while a restore runs; the refusals in the commands' language."""
    url = backend.settings.resolved_database_url
    what = Msg("恢复数据存储", "restore the data store")
    monkeypatch.delenv("YINSI_LANG", raising=False)
    with serving(url), serving(url), pytest.raises(StoreInUse, match=r"有 yinsi 服务正在运行.*再恢复数据存储"):
        exclusive(url, what).__enter__()
    monkeypatch.setenv("YINSI_LANG", "en")
    with serving(url), pytest.raises(StoreInUse, match=r"a yinsi server is running.*restore the data store"):
        exclusive(url, what).__enter__()
    with exclusive(url, what), pytest.raises(StoreInUse, match="a restore is running"):
        serving(url).__enter__()
    with serving(url):
        pass


# ------------------------------------------------------------------------------ 6. 0600 files, 0700 directories


@pytest.mark.slow
def test_every_file_yinsi_creates_in_a_data_dir_is_private(backend: Backend, tmp_path: Path) -> None:
    fresh = tmp_path / "fresh" / "data"  # yinsi creates both directories
    env = {**env_of(backend), "YINSI_DATA_DIR": str(fresh)}
    with running_server(process_env(env), tmp_path, "--data-dir", fresh, serve_args=("--policy", CLINIC)) as base:
        assert httpx2.get(f"{base}/health").status_code == 200
    cli = Cli(env)
    cli.ok("backup", fresh / "backups" / "data.backup")
    cli.ok("keys", "backup", fresh / "backups" / "keystore.zip")
    cli.ok("keys", "rotate")
    modes = {
        str(path.relative_to(tmp_path)): stat.S_IMODE(path.stat().st_mode)
        for path in [fresh.parent, *fresh.parent.rglob("*")]
    }
    assert "fresh/data/master.key" in modes
    assert "fresh/data/backups/data.backup" in modes
    if backend.name == "sqlite":
        assert {"fresh/data/yinsi.db", "fresh/data/keystore.db"} <= set(modes)
    wrong = {
        name: oct(mode) for name, mode in modes.items() if mode != (0o700 if Path(tmp_path, name).is_dir() else 0o600)
    }
    assert wrong == {}
