"""The scan report: masked examples only, and names from the scanned source escaped in HTML."""

from __future__ import annotations

from datetime import UTC, date, datetime

from yinsi.core.detect.engine import Detector
from yinsi.core.detect.profile import Profiler
from yinsi.core.detect.report import ScanReport, field_id

MOBILE = "13800138000"
DETECTOR = Detector(today=date(2025, 6, 1))


def test_the_html_report_escapes_names_from_the_scanned_source() -> None:
    profiler = Profiler(DETECTOR, "t", "t.<script>alert(1)</script>", ("phone",))
    profiler.add(MOBILE)
    report = ScanReport("sqlite:///x.db", 10, [profiler.result()], datetime.now(UTC))
    html = report.html()
    assert "<script>" not in html
    assert "&lt;script&gt;" in html
    assert MOBILE not in html
    assert "138****8000" in html


def test_field_ids_are_spec_identifiers() -> None:
    taken: set[str] = set()
    assert field_id("customers.Mobile", taken) == "customers_mobile"
    taken.add("customers_mobile")
    assert field_id("customers.mobile", taken) == "customers_mobile_2"
    assert field_id("客户.手机", set()) == "field"
    assert field_id("2024_orders.phone", set()) == "field_2024_orders_phone"
    assert len(field_id("t." + "x" * 100, set())) == 64


def test_an_empty_scan_drafts_no_fields() -> None:
    report = ScanReport("exports", None, [], datetime.now(UTC))
    assert report.draft_fields().endswith("fields: {}  # no personal information was found\n")
