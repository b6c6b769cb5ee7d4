"""``scan`` over a real SQLite file and a real PostgreSQL database that the test builds and fills.

The values are synthetic (tests/support/pi.py), and the test checks that
none of them appears in any form of the report: text, JSON, HTML or draft.
"""

from __future__ import annotations

import json
import random
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from tests.conftest import ROOT, Backend, empty_pg_database
from tests.support import pi
from yinsi.core.detect.kinds import PiType
from yinsi.core.policy.load import load_policy_text
from yinsi.core.policy.vocabulary import FieldType, Sensitivity
from yinsi.services.scanning import scan

ROWS = 40


@pytest.fixture
def database(backend: Backend, tmp_path: Path) -> Iterator[str]:
    """An empty database of the backend's kind, to be filled by the test."""
    if backend.name == "sqlite":
        yield f"sqlite:///{tmp_path / 'shop.db'}"
        return
    with empty_pg_database("yinsi_scan") as url:
        yield url


def fill(url: str) -> list[str]:
    """Customers, notes and orders; returns every PI value written."""
    rng = random.Random(14)
    written: list[str] = []
    engine = create_engine(url)
    with engine.begin() as connection:
        connection.execute(
            text(
                "CREATE TABLE customers (id INTEGER PRIMARY KEY, full_name VARCHAR(40), phone BIGINT,"
                " id_card VARCHAR(18), email VARCHAR(80), note TEXT, photo "
                + ("BYTEA" if engine.dialect.name == "postgresql" else "BLOB")
                + ")"
            )
        )
        connection.execute(
            text("CREATE TABLE orders (id INTEGER PRIMARY KEY, order_no VARCHAR(18), amount NUMERIC(10,2))")
        )
        for i in range(ROWS):
            row = {
                "id": i,
                "name": pi.name(rng),
                "phone": int(pi.mobile(rng)),
                "id_card": pi.id_number(rng),
                "email": pi.email(rng),
                "card": pi.bank_card(rng),
            }
            note = f"客户来电要求退款，退到银行卡{row['card']}" if i % 2 else "客户表示满意，订单已完成。"
            connection.execute(
                text("INSERT INTO customers VALUES (:id, :name, :phone, :id_card, :email, :note, :photo)"),
                {**row, "note": note, "photo": b"\x89PNG"},
            )
            written += [row["name"], str(row["phone"]), row["id_card"], row["email"]]
            written += [row["card"]] if i % 2 else []
            # 18-digit order numbers: ID-shaped, but their check characters are not computed.
            order_no = f"{rng.choice(['110105', '440305'])}2023{rng.randrange(10**8):08d}"
            connection.execute(
                text("INSERT INTO orders VALUES (:id, :no, :amount)"), {"id": i, "no": order_no, "amount": 12.5}
            )
    engine.dispose()
    return written


@pytest.mark.db
def test_a_database_scan_types_each_column_and_shows_nothing_whole(database: str, tmp_path: Path) -> None:
    written = fill(database)
    report = scan(database, sample=25)
    by_name = {p.name: p for p in report.profiles}
    assert set(by_name) >= {"customers.full_name", "customers.phone", "customers.id_card", "orders.order_no"}
    assert "customers.photo: binary" in report.skipped

    expected = {
        "customers.full_name": (FieldType.NAME, Sensitivity.GENERAL),
        "customers.phone": (FieldType.MOBILE, Sensitivity.GENERAL),
        "customers.id_card": (FieldType.ID_NUMBER, Sensitivity.SENSITIVE),
        "customers.email": (FieldType.EMAIL, Sensitivity.GENERAL),
        "customers.note": (FieldType.FREE_TEXT, Sensitivity.SENSITIVE),
    }
    for name, (field_type, sensitivity) in expected.items():
        profile = by_name[name]
        assert profile.sampled == 25, name
        assert profile.field_type is field_type, name
        assert profile.sensitivity is sensitivity, name
    assert [f.type for f in by_name["customers.note"].findings] == [PiType.BANK_CARD]
    assert by_name["customers.id_card"].findings[0].values == 25
    assert by_name["orders.order_no"].findings == []
    assert by_name["orders.amount"].findings == []

    outputs = [
        "\n".join(report.text_lines()),
        json.dumps(report.to_json(), ensure_ascii=False),
        report.html(),
        report.draft_fields(),
    ]
    for output in outputs:
        for value in written:
            assert value not in output  # a failure here names a synthetic value only
    assert "138****" in outputs[0] or re.search(r"1[3-9][0-9]\*{4}[0-9]{4}", outputs[0])


@pytest.mark.db
def test_the_draft_loads_as_a_spec_once_a_purpose_lists_its_fields(database: str) -> None:
    fill(database)
    draft = scan(database, sample=10).draft_fields()
    entries = draft.split("fields:\n", 1)[1]
    field_ids = re.findall(r"^  ([a-z][a-z0-9_]*):", entries, re.MULTILINE)
    assert field_ids == [
        "customers_full_name",
        "customers_phone",
        "customers_id_card",
        "customers_email",
        "customers_note",
    ]
    example = _example_spec()
    spec_text = example.replace("\nfields:\n", "\nfields:\n" + entries, 1).replace(
        "\npurposes:\n",
        "\npurposes:\n  customer_records:\n    label: {zh-CN: 客户档案, en: Customer records}\n"
        "    function: basic\n    legal_basis: contract\n"
        f"    fields: [{', '.join(field_ids)}]\n    retention: {{until: account_cancellation}}\n",
        1,
    )
    loaded = load_policy_text(spec_text, "draft.yaml")
    assert loaded.errors == []
    assert loaded.spec is not None
    assert loaded.spec.fields["customers_id_card"].sensitivity is Sensitivity.SENSITIVE
    assert loaded.spec.fields["customers_note"].type is FieldType.FREE_TEXT
    # The privacy officer still has to say why the sensitive fields are necessary.
    assert {p.code for p in loaded.warnings} >= {"sensitive_without_necessity"}


def _example_spec() -> str:
    doc = (ROOT / "docs" / "spec.md").read_text(encoding="utf-8")
    return "# " + doc.split("```yaml\n# A small online bookshop", 1)[1].split("```", 1)[0]
