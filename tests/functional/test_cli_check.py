"""``yinsi check`` end to end: the spec's findings, the store's findings, the formats and the exit code.

Each store check is shown failing on a real store put into the state it looks for (a value past its
retention, a key file others can read, a request past its deadline, a minor under an adults-only policy, a
recipient notice never delivered, a tampered audit chain), on SQLite and PostgreSQL.
"""

from __future__ import annotations

import json
import os
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import insert, update

from tests.conftest import Backend
from tests.functional.test_cli_operations import CLINIC, Cli, env_of, opened, person
from yinsi.adapters.db.rows import (
    AuditEventRow,
    PiValueRow,
    RecipientNoticeRow,
    RightsRequestRow,
    SubjectRow,
    table_of,
)

ROOT = Path(__file__).resolve().parents[2]
SEED_003 = ROOT / "examples" / "policies" / "003_8bb812b8de66b6ab.yaml"


def _report(run_stdout: str) -> dict[str, Any]:
    document: dict[str, Any] = json.loads(run_stdout)
    return document


def _statuses(report: dict[str, Any], check: str) -> set[str]:
    return {f["status"] for f in report["findings"] if f["check"] == check}


def test_spec_only_without_a_store(tmp_path: Path) -> None:
    cli = Cli({**{k: None for k in os.environ if k.startswith("YINSI_")}, "YINSI_LANG": "en"})
    run = cli("--data-dir", tmp_path, "check", "--policy", SEED_003, "--format", "json")
    assert run.code == 1, run.output
    report = _report(run.stdout)
    assert report["store_checked"] is False
    cross = [f for f in report["findings"] if f["requirement"] == "SHR-07"]
    assert {f["status"] for f in cross} == {"fail"}
    assert any(f["check"] == "spec:cross_border_without_consent" and f["line"] for f in cross)
    assert not (tmp_path / "yinsi.db").exists()  # checking a spec never creates a store


def test_nothing_to_check_is_a_plain_refusal(tmp_path: Path) -> None:
    cli = Cli({**{k: None for k in os.environ if k.startswith("YINSI_")}, "YINSI_LANG": "en"})
    run = cli("--data-dir", tmp_path, "check")
    assert run.code == 2
    assert "--policy" in run.stderr
    assert "Traceback" not in run.output


def test_sarif_names_each_requirement(tmp_path: Path) -> None:
    cli = Cli({**{k: None for k in os.environ if k.startswith("YINSI_")}, "YINSI_LANG": "en"})
    run = cli("--data-dir", tmp_path, "check", "--policy", SEED_003, "--format", "sarif")
    sarif = json.loads(run.stdout)
    assert sarif["version"] == "2.1.0"
    results = sarif["runs"][0]["results"]
    rules = {r["id"] for r in sarif["runs"][0]["tool"]["driver"]["rules"]}
    assert {r["ruleId"] for r in results} <= rules
    assert any(r["ruleId"] == "SHR-07" and r["level"] == "error" for r in results)


def test_a_healthy_store_passes_its_checks(backend: Backend) -> None:
    cli = Cli(env_of(backend))
    cli.ok("policy", "publish", CLINIC)
    with opened(backend) as yinsi:
        person(yinsi, "王小明", "13800138000")
        yinsi.audit.anchor(yinsi.engine, yinsi.now())
    run = cli("check", "--format", "json")
    report = _report(run.stdout)
    assert report["store_checked"] is True
    assert report["policy"]["version"] == "2026-01"
    for check in ("store:audit_chain", "store:retention", "store:requests", "store:recipient_notices"):
        assert _statuses(report, check) == {"pass"}, check
    assert _statuses(report, "store:keystore_backup") == {"warn"}  # never backed up
    assert _statuses(report, "store:policy_accepted") == {"pass"}
    if backend.name == "sqlite":
        assert _statuses(report, "store:file_modes") == {"pass"}


def test_each_store_gap_fails(backend: Backend) -> None:
    cli = Cli(env_of(backend))
    cli.ok("policy", "publish", CLINIC)
    past = datetime.now(UTC) - timedelta(days=3)
    with opened(backend) as yinsi:
        subject = person(yinsi, "王小明", "13800138000")
        with yinsi.engine.begin() as connection:
            values = table_of(PiValueRow)
            connection.execute(update(values).where(values.c.subject_id == subject).values(retain_until=past))
            connection.execute(
                insert(table_of(RightsRequestRow)).values(
                    id="00000000-0000-4000-8000-000000000001",
                    subject_id=subject,
                    type="access",
                    state="received",
                    filed_by="subject",
                    created_at=past - timedelta(days=40),
                    due_on=date.today() - timedelta(days=10),
                    due_exact=True,
                    due_basis="test",
                    details={},
                )
            )
            connection.execute(
                insert(table_of(RecipientNoticeRow)).values(
                    subject_id=subject, recipient="lab", kind="delete", channel="x", at=past, status="failed"
                )
            )
    run = cli("check", "--format", "json")
    assert run.code == 1
    report = _report(run.stdout)
    assert _statuses(report, "store:retention") == {"fail"}
    assert _statuses(report, "store:requests") == {"fail"}
    assert _statuses(report, "store:recipient_notices") == {"fail"}
    assert "13800138000" not in run.output
    assert "王小明" not in run.output


def test_a_tampered_audit_chain_fails(backend: Backend) -> None:
    cli = Cli(env_of(backend))
    cli.ok("policy", "publish", CLINIC)
    with opened(backend) as yinsi:
        person(yinsi, "王小明", "13800138000")
        with yinsi.engine.begin() as connection:
            events = table_of(AuditEventRow)
            connection.execute(update(events).where(events.c.seq == 1).values(actor="someone-else"))
    run = cli("check", "--format", "json")
    assert run.code == 1
    assert _statuses(_report(run.stdout), "store:audit_chain") == {"fail"}


def test_a_minor_under_an_adults_only_policy_fails(backend: Backend, tmp_path: Path) -> None:
    cli = Cli(env_of(backend))
    guardian = (
        "minors:\n  rule: guardian_consent\n  guardian_consent_under: 14\n  guardian_may: [access, correct, delete]\n"
    )
    text = CLINIC.read_text(encoding="utf-8")
    assert guardian in text
    adults_only = tmp_path / "adults.yaml"
    adults_only.write_text(text.replace(guardian, "minors:\n  rule: adults_only\n"), encoding="utf-8")
    cli.ok("policy", "publish", adults_only)
    with opened(backend) as yinsi:
        subject = person(yinsi, "王小明", "13800138000")
    run = cli("check", "--format", "json")
    assert _statuses(_report(run.stdout), "store:minors") == {"pass"}
    with opened(backend) as yinsi, yinsi.engine.begin() as connection:
        subjects = table_of(SubjectRow)
        connection.execute(update(subjects).where(subjects.c.id == subject).values(minor="under_14"))
    run = cli("check", "--format", "json")
    assert run.code == 1
    assert _statuses(_report(run.stdout), "store:minors") == {"fail"}


def test_a_store_others_can_read_fails(backend: Backend) -> None:
    if backend.name != "sqlite":
        return  # the stores are PostgreSQL's to protect; the key file is refused at start-up when open
    cli = Cli(env_of(backend))
    cli.ok("policy", "publish", CLINIC)
    store = backend.settings.data_dir / "yinsi.db"
    store.chmod(0o644)
    run = cli("check", "--format", "json")
    assert run.code == 1
    assert _statuses(_report(run.stdout), "store:file_modes") == {"fail"}
    # Reported as found; and once opened, the store is the owner's alone again.
    assert store.stat().st_mode & 0o077 == 0
