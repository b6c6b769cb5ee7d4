"""No PI in plaintext anywhere at rest: database files (with WAL), keystore, audit trail, logs.

Known random values go in through the vault; then every byte the system wrote
is searched for each of them in several encodings.
"""

from __future__ import annotations

import base64
import contextlib
import json
import logging
import os
import random
import sqlite3
import subprocess
import urllib.parse
from pathlib import Path

import pytest
from sqlalchemy import make_url, select

from tests.conftest import Backend
from tests.support import pi
from tests.support.consent import accept_policy, act
from yinsi.adapters.db.rows import AuditEventRow, table_of
from yinsi.bootstrap import Yinsi
from yinsi.core.errors import YinsiError
from yinsi.services.consent import Kind
from yinsi.services.vault import Actor

APP = Actor("key:app", "clinic_app")
DENTIST = Actor("staff:wang", "dentist")
BILLING = Actor("key:billing", "billing")


def named_encodings(value: str) -> dict[str, bytes]:
    raw = value.encode()
    forms = {
        "utf-8": raw,
        "utf-16-le": value.encode("utf-16-le"),
        "utf-16-be": value.encode("utf-16-be"),
        "base64": base64.b64encode(raw),
        "base64url": base64.urlsafe_b64encode(raw).rstrip(b"="),
        "hex": raw.hex().encode(),
        "HEX": raw.hex().upper().encode(),
        "json": json.dumps(value).encode(),
        "url": urllib.parse.quote(value).encode(),
    }
    with contextlib.suppress(UnicodeEncodeError):
        forms["gbk"] = value.encode("gbk")
    return {name: form for name, form in forms.items() if len(form) >= 6}


def hits(blob: bytes, values: dict[str, str]) -> list[str]:
    """Names what was found (field and encoding), never the value, so a failing assertion prints no PI."""
    return [
        f"{label} ({name})"
        for label, value in values.items()
        for name, form in named_encodings(value).items()
        if form in blob
    ]


@pytest.fixture
def written(clinic: Yinsi, caplog: pytest.LogCaptureFixture) -> dict[str, str]:
    """Writes, reads, looks up and fails to write known values, with every logger at DEBUG."""
    caplog.set_level(logging.DEBUG)
    caplog.set_level(logging.DEBUG, logger="sqlalchemy.engine")  # statements, parameters and result rows
    rng = random.Random(os.urandom(8))
    values = {
        "mobile": pi.mobile(rng),
        "name": pi.name(rng),
        "email": pi.email(rng),
        "id_number": pi.id_number(rng),
        "bank_card": pi.bank_card(rng),
        "dental_notes": f"{pi.name(rng)}的左上7号牙根管治疗{rng.randrange(10**6)}",
    }
    subject = clinic.vault.create_subject(actor=APP)
    accept_policy(clinic, subject)
    act(clinic, subject, Kind.SEPARATE, "treatment")
    vault = clinic.vault
    vault.write(
        actor=APP,
        subject_id=subject,
        purpose="registration",
        values={k: values[k] for k in ("mobile", "name", "email")},
        source="clinic-app",
    )
    vault.write(
        actor=APP,
        subject_id=subject,
        purpose="real_name_visit",
        values={"id_number": values["id_number"]},
        source="clinic-app",
    )
    vault.write(
        actor=BILLING, subject_id=subject, purpose="payment", values={"bank_card": values["bank_card"]}, source="pos"
    )
    vault.write(
        actor=DENTIST,
        subject_id=subject,
        purpose="treatment",
        values={"dental_notes": values["dental_notes"]},
        source="chairside",
    )
    vault.read(actor=APP, subject_id=subject, purpose="registration")
    vault.read(actor=DENTIST, subject_id=subject, purpose="treatment")
    clinic.provisions.provide(  # a provision record names the fields, never the values
        actor=APP, subject_id=subject, recipient="sms_gateway", purpose="registration", fields=["mobile"]
    )
    vault.lookup(actor=APP, field="mobile", value=values["mobile"], purpose="registration")
    vault.lookup(actor=APP, field="id_number", value=values["id_number"], purpose="real_name_visit")
    for bad in ({"mobile": values["mobile"] + "9"}, {"name": values["name"] + "1"}):
        with pytest.raises(YinsiError):  # rejected values must not leak through errors or logs either
            vault.write(actor=APP, subject_id=subject, purpose="registration", values=bad, source="clinic-app")
    if clinic.engine.dialect.name == "postgresql":
        with clinic.engine.connect() as connection:
            connection.exec_driver_sql("CHECKPOINT")  # data pages on disk too, not only in shared buffers
    # The SQLite connections stay open, so the WAL file is still there to be searched.
    # The canonical forms the vault stores are searched for too (e.g. the ID check letter upper-cased).
    values["id_number_upper"] = values["id_number"].upper()
    return values


@pytest.mark.slow
def test_no_value_in_the_database_files_with_their_wal(written: dict[str, str], backend: Backend) -> None:
    files: list[Path] = []
    if backend.name == "sqlite":
        data_dir = backend.settings.data_dir
        files = [p for p in data_dir.iterdir() if p.is_file()]
        assert {p.name for p in files} >= {"yinsi.db", "keystore.db", "master.key"}
        assert any(p.name.endswith("-wal") for p in files)
    else:
        datadir = os.environ.get("YINSI_TEST_PG_DATADIR")
        if datadir is None:
            pytest.skip("the PostgreSQL data directory is not known (run through scripts/with-postgres)")
        files = [p for p in Path(datadir).rglob("*") if p.is_file()]
        assert any("pg_wal" in p.parts for p in files)
    found = {}
    for path in files:
        try:
            blob = path.read_bytes()
        except FileNotFoundError:
            continue  # another test's database, dropped while this one was scanning the cluster
        found[str(path)] = hits(blob, written)
    assert {k: v for k, v in found.items() if v} == {}


def test_no_value_in_a_logical_dump(written: dict[str, str], backend: Backend) -> None:
    """The same question asked through the database itself: every row as SQL text."""
    if backend.name == "sqlite":
        with sqlite3.connect(backend.settings.data_dir / "yinsi.db") as connection:
            dump = "\n".join(connection.iterdump()).encode()
    else:
        assert backend.settings.pg_bindir is not None
        url = make_url(backend.settings.resolved_database_url).set(drivername="postgresql")
        command = [str(backend.settings.pg_bindir / "pg_dump"), "--data-only", url.render_as_string(False)]
        dump = subprocess.run(command, capture_output=True, check=True).stdout
    assert b"audit_events" in dump
    assert hits(dump, written) == []


def test_no_value_in_the_audit_trail(written: dict[str, str], clinic: Yinsi) -> None:
    table = table_of(AuditEventRow)
    with clinic.engine.connect() as connection:
        rows = connection.execute(select(table)).all()
    assert len(rows) >= 10
    trail = "\n".join(f"{r.actor} {r.action} {r.subject_id} {r.body}" for r in rows).encode()
    assert hits(trail, written) == []


def test_no_value_in_the_logs(written: dict[str, str], caplog: pytest.LogCaptureFixture) -> None:
    records = caplog.get_records("setup") + caplog.records
    text = "\n".join(f"{r.getMessage()} {r.args!r}" for r in records)
    assert "INSERT INTO pi_values" in text  # the SQL log really was captured
    assert hits(text.encode(), written) == []


def test_values_and_secrets_stay_out_of_reprs() -> None:
    """What a log line or a failing assertion would print of these objects holds no PI and no secret."""
    from datetime import UTC, datetime

    from sqlalchemy import create_engine

    from yinsi.config import Settings
    from yinsi.core.access import Visibility
    from yinsi.core.export import ExportAccess, ExportValue
    from yinsi.services.accounts import AccessEntry
    from yinsi.services.backups import _libpq_url, _pg_env
    from yinsi.services.disclosures import Disclosure
    from yinsi.services.provisions import Provision
    from yinsi.services.vault import ReadResult, StoredValue

    now = datetime.now(UTC)
    secret = "13912345678"
    objects = [
        ReadResult("s", "p", {"mobile": secret}, {"mobile": Visibility.WHOLE}, {}, []),
        StoredValue("mobile", secret, now, "app", ["p"], None),
        ExportValue("mobile", secret, now, "app", ["p"], None),
        ExportAccess(now, None, "sms_code", secret),
        AccessEntry(1, now, None, "sms_code", secret),
        Provision(1, "sms_gateway", "registration", {"mobile": secret}, "s"),
        Disclosure(
            1, "s", "police", "booking", ["mobile"], "ref", "staff:a", now, "approved", values={"mobile": secret}
        ),
        Settings(
            master_key=f"k1:{secret}",
            smtp_password=secret,
            webhook_secret=secret,
            database_url=f"postgresql+psycopg://yinsi:{secret}@db.internal/yinsi",
        ),
    ]
    assert [type(o).__name__ for o in objects if secret in repr(o)] == []
    # pg_dump and pg_restore get the password through their environment, never on a command line.
    engine = create_engine(f"postgresql+psycopg://yinsi:{secret}@db.internal/yinsi")
    assert secret not in _libpq_url(engine)
    assert _pg_env(engine)["PGPASSWORD"] == secret
