"""``yinsi scan`` on files and ``yinsi redact`` on standard input, through the real command line.

Values are synthetic (tests/support/pi.py). The reports must never contain
one whole, in any format.
"""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tests.support import pi
from yinsi.cli.main import app

RUNNER = CliRunner()
SAMPLE_ID = "11010519491231002X"  # the sample printed in GB 11643-1999


def yinsi(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "YINSI_LANG": "en"}
    return subprocess.run(
        [sys.executable, "-m", "yinsi.cli.main", *args],
        input=stdin,
        capture_output=True,
        text=True,
        check=False,
        env=env,
    )


@pytest.fixture
def exports(tmp_path: Path) -> tuple[Path, list[str]]:
    """A directory as an operator might find it: a CSV export, a JSON-lines dump and a log (in GB18030)."""
    rng = random.Random(1404)
    written: list[str] = []
    rows = ["name,mobile,city"]
    for _ in range(20):
        name, mobile = pi.name(rng), pi.mobile(rng)
        rows.append(f"{name},{mobile},杭州")
        written += [name, mobile]
    (tmp_path / "customers.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    lines = []
    for _ in range(10):
        email, id_number = pi.email(rng), pi.id_number(rng)
        lines.append(json.dumps({"email": email, "idno": id_number, "status": "ok"}, ensure_ascii=False))
        written += [email, id_number]
    (tmp_path / "dump.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    log = []
    for i in range(10):
        card = pi.bank_card(rng)
        log.append(f"2024-05-01 12:00:{i:02d} INFO 退款到卡号{card} 订单号2023{rng.randrange(10**14):014d}")
        written.append(card)
    (tmp_path / "app.log").write_bytes(("\n".join(log) + "\n").encode("gb18030"))
    return tmp_path, written


def test_scan_of_a_directory_reports_each_column_and_file(exports: tuple[Path, list[str]], tmp_path: Path) -> None:
    directory, written = exports
    draft = tmp_path / "draft.yaml"
    result = RUNNER.invoke(app, ["scan", str(directory), "--format", "json", "--draft", str(draft)])
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    columns = {c["name"]: c for c in report["columns"]}
    types = {name: [f["type"] for f in c["findings"]] for name, c in columns.items()}
    assert types["customers.name"] == ["name"]
    assert types["customers.mobile"] == ["mobile"]
    assert types["customers.city"] == []
    assert types["dump.email"] == ["email"]
    assert types["dump.idno"] == ["id_number"]
    assert types["dump.status"] == []
    assert types["app.log"] == ["bank_card"]  # read as GB18030; the order numbers are not cards
    assert columns["dump.idno"]["sensitivity"] == "sensitive"
    assert columns["customers.mobile"]["findings"][0]["share"] == 1.0
    for text in (result.output, draft.read_text(encoding="utf-8")):
        for value in written:
            assert value not in text
    assert "customers_mobile:" in draft.read_text(encoding="utf-8")


def test_scan_writes_a_standalone_html_report(exports: tuple[Path, list[str]], tmp_path: Path) -> None:
    directory, written = exports
    page = tmp_path / "report.html"
    result = RUNNER.invoke(app, ["scan", str(directory / "customers.csv"), "--format", "html", "-o", str(page)])
    assert result.exit_code == 0, result.output
    html = page.read_text(encoding="utf-8")
    assert html.startswith("<!DOCTYPE html>")
    assert "<script" not in html
    assert "<link" not in html  # nothing to fetch: it opens from a mail attachment
    assert "customers.mobile" in html
    for value in written:
        assert value not in html


def test_scan_text_report_and_sample_size(exports: tuple[Path, list[str]]) -> None:
    directory, _ = exports
    result = RUNNER.invoke(app, ["scan", str(directory / "customers.csv"), "--sample", "5"])
    assert result.exit_code == 0, result.output
    assert "customers.mobile  [一般 general; 5 values]" in result.output
    assert "手机号码 mobile: 5/5 (100%)" in result.output


@pytest.mark.parametrize(
    ("source", "words"),
    [
        ("/nonexistent/exports", "the file or directory to scan does not exist"),
        ("mysql://user:secret@db.example/shop", "only SQLite and PostgreSQL databases can be scanned"),
        ("sqlite:////nonexistent/shop.db", "the SQLite database file to scan does not exist"),
    ],
)
def test_scan_refuses_what_it_cannot_read_in_one_sentence(source: str, words: str) -> None:
    result = yinsi("scan", source)
    assert result.returncode == 1
    assert words in result.stderr or words in result.stdout, result.stderr
    assert "Traceback" not in result.stderr
    assert "secret" not in result.stderr + result.stdout


def test_redact_masks_standard_input_line_by_line() -> None:
    note = f"客户张伟来电，手机 13800138000，身份证{SAMPLE_ID}\n订单已完成\n"
    masked = yinsi("redact", stdin=note)
    assert masked.returncode == 0, masked.stderr
    assert masked.stdout == "客户张*来电，手机 138****8000，身份证1101**********002X\n订单已完成\n"
    typed = yinsi("redact", "--style", "type", stdin=note)
    assert typed.stdout == "客户<name>来电，手机 <mobile>，身份证<id_number>\n订单已完成\n"


def test_redact_files_to_an_output_file(tmp_path: Path) -> None:
    source = tmp_path / "notes.txt"
    source.write_text("邮箱 zhang.wei@example.com\n", encoding="utf-8")
    target = tmp_path / "notes.redacted.txt"
    result = RUNNER.invoke(app, ["redact", str(source), "-o", str(target)])
    assert result.exit_code == 0, result.output
    assert target.read_text(encoding="utf-8") == "邮箱 z***@example.com\n"


def test_scan_of_a_database_it_cannot_reach_says_so_without_the_password() -> None:
    result = yinsi("scan", "postgresql+psycopg://reader:secret@127.0.0.1:1/shop")
    assert result.returncode == 1
    assert "the database to scan cannot be read (OperationalError)" in result.stderr, result.stderr
    assert "secret" not in result.stderr + result.stdout
    assert "Traceback" not in result.stderr
