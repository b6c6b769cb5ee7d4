"""The copy a person takes away: every file there, readable in Excel, verifiable, reproducible, tamper-evident."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import time
import zipfile
from dataclasses import replace
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from yinsi.benchmarks.export import bench_export
from yinsi.core.export import (
    EXPORT_FORMAT,
    FILES,
    ExportAccess,
    ExportBundle,
    ExportConsent,
    ExportProvision,
    ExportRequest,
    ExportValue,
    build_export,
    read_export,
)
from yinsi.core.policy.load import load_policy_file
from yinsi.core.policy.model import PolicySpec

ROOT = Path(__file__).resolve().parents[2]
BOM = b"\xef\xbb\xbf"
AT = datetime(2026, 3, 1, 8, 30, 15, tzinfo=UTC)
PI_HEADER = [
    "field",
    "label_zh",
    "label_en",
    "type",
    "category",
    "sensitivity",
    "value",
    "purposes",
    "legal_bases",
    "collected_at",
    "source",
    "retain_until",
]
CSV_HEADERS = {
    "pi.csv": PI_HEADER,
    "consents.csv": [
        "id",
        "kind",
        "scope",
        "action",
        "given_by",
        "channel",
        "policy_version",
        "text_hash",
        "language",
        "at",
    ],
    "access_log.csv": ["login_at", "logout_at", "method", "address"],
    "provisions.csv": [
        "recipient",
        "recipient_zh",
        "recipient_en",
        "recipient_kind",
        "purpose",
        "fields",
        "at",
        "actor",
        "basis",
        "region",
        "transfer_mechanism",
    ],
}


def _spec() -> PolicySpec:
    spec = load_policy_file(ROOT / "tests" / "fixtures" / "clinic.yaml").spec
    assert spec is not None
    # The tests need one derived field and one recipient, whatever else the fixture grows.
    assert spec.fields["interests"].derived
    recipients = {
        "sms_gateway": {
            "kind": "processor",
            "name": {"zh-CN": "短信服务商", "en": "SMS provider"},
            "fields": ["mobile"],
        }
    }
    return PolicySpec.model_validate({**spec.model_dump(by_alias=True), "recipients": recipients})


SPEC = _spec()


def _bundle(**changes: Any) -> ExportBundle:
    bundle = ExportBundle(
        subject_id="subject-甲-001",
        generated_at=AT,
        policy_version=SPEC.policy.version,
        spec=SPEC,
        values=[
            ExportValue("name", "张三", AT - timedelta(days=2), "user", ["registration", "treatment"], None),
            ExportValue("mobile", "13800138000", AT - timedelta(days=3), "user", ["registration"], None),
            ExportValue(
                "dental_notes",
                "左下第一磨牙龋坏，已充填。",
                AT - timedelta(days=1),
                "user",
                ["treatment"],
                AT + timedelta(days=5475),
            ),
            ExportValue("interests", "旅游;摄影", AT, "generated", ["recommendations"], AT + timedelta(days=365)),
            ExportValue("email", '=HYPERLINK("http://x")', AT, "user", ["newsletter"], None),
        ],
        consents=[
            ExportConsent(7, "purpose", "treatment", "grant", "subject", "app", "2026-01", "a" * 64, "zh-CN", AT),
            ExportConsent(
                3,
                "purpose",
                "newsletter",
                "withdraw",
                "subject",
                "web",
                "2026-01",
                "b" * 64,
                "en",
                AT - timedelta(hours=1),
            ),
        ],
        access_log=[
            ExportAccess(AT - timedelta(hours=2), AT - timedelta(hours=1), "sms_code", "203.0.113.7"),
            ExportAccess(AT, None, "sms_code", "2001:db8::1"),
        ],
        provisions=[ExportProvision("sms_gateway", "registration", ["mobile"], AT - timedelta(days=3), "clinic_app")],
        requests=[ExportRequest("req-1", "copy", "completed", AT - timedelta(days=1), AT)],
    )
    return replace(bundle, **changes)


def _zip(data: bytes) -> zipfile.ZipFile:
    return zipfile.ZipFile(io.BytesIO(data))


def _csv_rows(content: bytes) -> list[list[str]]:
    assert content.startswith(BOM)
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"), newline="")))


def _rewrite(data: bytes, change: dict[str, bytes | None]) -> bytes:
    """The archive with some entries replaced (bytes), removed (None) or added, the manifest left alone."""
    out = io.BytesIO()
    with _zip(data) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for name in source.namelist():
            content = change.get(name, source.read(name))
            if content is not None:
                target.writestr(name, content)
        for name, content in change.items():
            if name not in source.namelist() and content is not None:
                target.writestr(name, content)
    return out.getvalue()


# --------------------------------------------------------------------------- contents


def test_every_file_is_present_readme_first() -> None:
    names = _zip(build_export(_bundle())).namelist()

    assert names == list(FILES)
    assert names[0] == "README.md"
    assert set(names) == {
        "README.md",
        "manifest.json",
        "pi.json",
        "pi.csv",
        "consents.json",
        "consents.csv",
        "access_log.json",
        "access_log.csv",
        "provisions.json",
        "provisions.csv",
        "requests.json",
    }


def test_every_json_file_parses_and_holds_the_records() -> None:
    documents = read_export(build_export(_bundle()))

    assert set(documents) == {name for name in FILES if name.endswith(".json")}
    pi = documents["pi.json"]
    assert [row["field"] for row in pi] == ["mobile", "name", "email", "dental_notes", "interests"]  # spec order
    name = pi[1]
    assert name == {
        "field": "name",
        "label_zh": "姓名",
        "label_en": "Name",
        "type": "name",
        "category": "basic",
        "sensitivity": "general",
        "value": "张三",
        "purposes": ["registration", "treatment"],
        "legal_bases": ["contract", "consent"],
        "collected_at": "2026-02-27T08:30:15Z",
        "source": "user",
        "retain_until": None,
        "portable": True,
    }
    assert pi[3]["sensitivity"] == "sensitive"
    assert pi[3]["retain_until"] == "2041-02-25T08:30:15Z"
    assert [c["id"] for c in documents["consents.json"]] == [3, 7]  # oldest first
    assert documents["access_log.json"][1] == {
        "login_at": "2026-03-01T08:30:15Z",
        "logout_at": None,
        "method": "sms_code",
        "address": "2001:db8::1",
    }
    assert documents["provisions.json"] == [
        {
            "recipient": "sms_gateway",
            "recipient_zh": "短信服务商",
            "recipient_en": "SMS provider",
            "recipient_kind": "processor",
            "purpose": "registration",
            "fields": ["mobile"],
            "at": "2026-02-26T08:30:15Z",
            "actor": "clinic_app",
            "basis": None,
            "region": None,
            "transfer_mechanism": None,
        }
    ]
    assert documents["requests.json"] == [
        {
            "id": "req-1",
            "type": "copy",
            "state": "completed",
            "created_at": "2026-02-28T08:30:15Z",
            "closed_at": "2026-03-01T08:30:15Z",
        }
    ]


def test_every_csv_has_a_bom_and_the_right_header() -> None:
    archive = _zip(build_export(_bundle()))

    for name, header in CSV_HEADERS.items():
        content = archive.read(name)
        rows = _csv_rows(content)
        assert rows[0] == header, name
        assert b"\r\n" in content
    documents = read_export(build_export(_bundle()))
    for name in ("consents", "access_log", "provisions"):
        assert len(_csv_rows(archive.read(f"{name}.csv"))) - 1 == len(documents[f"{name}.json"])


def test_csv_rows_match_the_json_and_cannot_run_as_formulas() -> None:
    data = build_export(_bundle())
    rows = _csv_rows(_zip(data).read("pi.csv"))[1:]
    email = next(row for row in rows if row[0] == "email")

    assert email[PI_HEADER.index("value")] == '\'=HYPERLINK("http://x")'
    assert read_export(data)["pi.json"][2]["value"] == '=HYPERLINK("http://x")'
    name = next(row for row in rows if row[0] == "name")
    assert name[PI_HEADER.index("purposes")] == "registration;treatment"
    assert name[PI_HEADER.index("retain_until")] == ""


def test_the_manifest_describes_and_verifies_every_file() -> None:
    data = build_export(_bundle())
    archive = _zip(data)
    manifest = json.loads(archive.read("manifest.json"))

    assert manifest["format"] == EXPORT_FORMAT == "yinsi-export/1"
    assert manifest["subject_id"] == "subject-甲-001"
    assert manifest["generated_at"] == "2026-03-01T08:30:15Z"
    assert manifest["policy_version"] == SPEC.policy.version
    listed = {entry["name"]: entry for entry in manifest["files"]}
    assert set(listed) == set(FILES) - {"manifest.json"}
    for name, entry in listed.items():
        content = archive.read(name)
        assert entry["sha256"] == hashlib.sha256(content).hexdigest(), name
        assert entry["bytes"] == len(content)
        assert entry["description"]["zh-CN"]
        assert entry["description"]["en"]
    assert list(listed["pi.json"]["schema"]["items"]["properties"]) == [*PI_HEADER, "portable"]
    assert listed["pi.json"]["schema"]["items"]["properties"]["collected_at"]["format"] == "date-time"
    for name, header in CSV_HEADERS.items():
        assert [c["name"] for c in listed[name]["schema"]["columns"]] == header
    assert listed["pi.json"]["records"] == 5
    assert listed["pi.csv"]["records"] == 4


def test_derived_fields_are_in_the_copy_but_flagged_not_portable() -> None:
    data = build_export(_bundle())
    archive = _zip(data)
    documents = read_export(data)

    interests = [row for row in documents["pi.json"] if row["field"] == "interests"]
    assert interests
    assert all(row["portable"] is False for row in interests)
    assert all(row["portable"] is True for row in documents["pi.json"] if row["field"] != "interests")
    assert "interests" not in {row[0] for row in _csv_rows(archive.read("pi.csv"))[1:]}
    assert documents["manifest.json"]["not_portable_fields"] == ["interests"]
    readme = archive.read("README.md").decode()
    assert "`interests`：兴趣标签" in readme
    assert "`interests`: Interest tags" in readme


def test_the_readme_explains_in_both_languages_without_any_value() -> None:
    bundle = _bundle()
    readme = _zip(build_export(bundle)).read("README.md").decode()

    for phrase in ("推断得出的信息", "他人的个人信息", "UTF-8", "Derived information", "Other people's", "sha256sum"):
        assert phrase in readme
    for name in FILES:
        assert f"`{name}`" in readme
    for value in bundle.values:
        assert value.value not in readme
    for access in bundle.access_log:
        assert access.address not in readme


# --------------------------------------------------------------------------- reproducible and tamper-evident


def test_an_identical_bundle_gives_identical_bytes() -> None:
    first = build_export(_bundle())

    assert build_export(_bundle()) == first
    reordered = _bundle(values=list(reversed(_bundle().values)), consents=list(reversed(_bundle().consents)))
    assert build_export(reordered) == first
    assert build_export(_bundle(subject_id="someone-else")) != first


def test_entries_carry_the_exports_own_time() -> None:
    for info in _zip(build_export(_bundle())).infolist():
        assert info.date_time == (2026, 3, 1, 8, 30, 14)  # ZIP keeps even seconds
        assert info.compress_type == zipfile.ZIP_DEFLATED


def test_a_tampered_file_is_detected() -> None:
    data = build_export(_bundle())
    pi = _zip(data).read("pi.json").replace("张三".encode(), "李四".encode())

    with pytest.raises(ValueError, match=r"pi\.json"):
        read_export(_rewrite(data, {"pi.json": pi}))


def test_a_missing_or_unlisted_file_is_detected() -> None:
    data = build_export(_bundle())

    with pytest.raises(ValueError, match=r"consents\.csv"):
        read_export(_rewrite(data, {"consents.csv": None}))
    with pytest.raises(ValueError, match=r"extra\.json"):
        read_export(_rewrite(data, {"extra.json": b"[]"}))
    with pytest.raises(ValueError, match=r"manifest\.json"):
        read_export(_rewrite(data, {"manifest.json": None}))
    with pytest.raises(ValueError, match=r"manifest\.json"):
        read_export(_rewrite(data, {"manifest.json": b'{"format": "other/9", "files": []}'}))
    with pytest.raises(ValueError, match="ZIP"):
        read_export(b"not a zip at all")


def test_a_changed_readme_is_detected_too() -> None:
    data = build_export(_bundle())

    with pytest.raises(ValueError, match=r"README\.md"):
        read_export(_rewrite(data, {"README.md": b"# nothing to see"}))


# --------------------------------------------------------------------------- times and text


def test_times_are_written_in_utc_with_z() -> None:
    beijing = timezone(timedelta(hours=8))
    bundle = _bundle(
        generated_at=datetime(2026, 3, 1, 16, 30, 15, tzinfo=beijing),
        values=[
            ExportValue("name", "张三", datetime(2026, 3, 1, 8, 0, tzinfo=beijing), "user", ["registration"], None)
        ],
    )
    documents = read_export(build_export(bundle))

    assert documents["manifest.json"]["generated_at"] == "2026-03-01T08:30:15Z"
    assert documents["pi.json"][0]["collected_at"] == "2026-03-01T00:00:00Z"


def test_a_naive_time_is_refused() -> None:
    naive = datetime(2026, 3, 1, 8, 30)

    with pytest.raises(ValueError, match="aware"):
        build_export(_bundle(generated_at=naive))
    with pytest.raises(ValueError, match="collected_at"):
        build_export(_bundle(values=[ExportValue("name", "x", naive, "user", ["registration"], None)]))


def test_an_empty_copy_is_still_complete() -> None:
    data = build_export(_bundle(values=[], consents=[], access_log=[], provisions=[], requests=[]))
    documents = read_export(data)

    assert documents["pi.json"] == documents["requests.json"] == []
    assert _csv_rows(_zip(data).read("pi.csv")) == [PI_HEADER]


def test_a_value_of_a_field_the_policy_no_longer_declares_is_kept() -> None:
    bundle = _bundle(values=[ExportValue("old_field", "旧值", AT, "user", ["gone"], None)])
    (row,) = read_export(build_export(bundle))["pi.json"]

    assert row["value"] == "旧值"
    assert row["label_zh"] is None
    assert row["legal_bases"] == []
    assert row["portable"] is True


CHINESE = "张三丰，住北京市朝阳区建国路 88 号；备注：“无”、《测试》——𠀋"


def test_chinese_text_survives_the_round_trip() -> None:
    bundle = _bundle(
        values=[ExportValue("name", CHINESE, AT, "user", ["registration"], None)],
        access_log=[ExportAccess(AT, None, "短信验证码", "203.0.113.9")],
    )
    data = build_export(bundle)

    assert read_export(data)["pi.json"][0]["value"] == CHINESE
    assert read_export(data)["access_log.json"][0]["method"] == "短信验证码"
    rows = _csv_rows(_zip(data).read("pi.csv"))
    assert rows[1][PI_HEADER.index("value")] == CHINESE
    assert rows[1][PI_HEADER.index("label_zh")] == "姓名"
    assert CHINESE.encode() in _zip(data).read("pi.json")  # written as UTF-8, not \u escapes


@settings(max_examples=60, deadline=None)
@given(text=st.text(min_size=0, max_size=60))
def test_any_text_survives_json_exactly_and_csv_as_text(text: str) -> None:
    bundle = _bundle(values=[ExportValue("mobile", text, AT, "user", ["registration"], None)])
    data = build_export(bundle)

    assert read_export(data)["pi.json"][0]["value"] == text
    cell = _csv_rows(_zip(data).read("pi.csv"))[1][PI_HEADER.index("value")]
    assert cell == ("'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") and text else text)


# --------------------------------------------------------------------------- size


def test_ten_thousand_values_export_and_parse() -> None:
    fields = list(SPEC.fields)
    values = [
        ExportValue(
            fields[i % len(fields)],
            f"值{i}",
            AT - timedelta(minutes=i),
            "user",
            [next(pid for pid, p in SPEC.purposes.items() if fields[i % len(fields)] in p.fields)],
            None,
        )
        for i in range(10_000)
    ]
    bundle = _bundle(values=values)

    began = time.perf_counter()
    data = build_export(bundle)
    elapsed = time.perf_counter() - began
    print(f"export of 10,000 values: {elapsed:.3f} s, {len(data)} bytes")

    documents = read_export(data)
    assert len(documents["pi.json"]) == 10_000
    portable = sum(1 for row in documents["pi.json"] if row["portable"])
    assert len(_csv_rows(_zip(data).read("pi.csv"))) == portable + 1


def test_the_benchmark_reports_seconds() -> None:
    seconds = bench_export(200)

    assert isinstance(seconds, float)
    assert seconds > 0
