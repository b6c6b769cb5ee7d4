"""``yinsi check`` on the five seeds: every failure and warning pinned, and the ones the issue names explained.

A change to a check, a seed or the requirement map shows up here as a changed line, so that nobody changes
what the report says about a real policy without seeing it.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from yinsi.core.policy.compliance import ComplianceReport, Status, compliance_report
from yinsi.core.policy.load import load_policy_file

SEEDS = Path(__file__).resolve().parents[3] / "examples" / "policies"

# (requirement, status, check) → how many findings, for every finding that is not a pass or not applicable.
PINNED: dict[str, dict[tuple[str, str, str], int]] = {
    "000_32df281e24e1e7b0": {
        ("CON-04", "fail", "spec:sensitive_without_separate_consent"): 2,
        ("CON-11", "fail", "spec:personalisation_without_opt_out"): 1,
        ("GOV-09", "warn", "spec:no_algorithm_disclosure"): 1,
        ("NOT-03", "fail", "spec:sensitive_without_necessity"): 3,
        ("NOT-05", "warn", "spec:no_effective_date"): 1,
        ("RGT-01", "warn", "spec:right_not_offered"): 4,
        ("SHR-01", "fail", "spec:provision_without_separate_consent"): 2,
        ("SHR-02", "warn", "spec:entrustment_without_agreement"): 3,
    },
    "001_b323a55268a82f2d": {
        ("GOV-01", "warn", "spec:no_dpo"): 1,
        ("RGT-01", "warn", "spec:right_not_offered"): 3,
    },
    "002_83f8c652f43b02ec": {
        ("CON-01", "warn", "spec:exception_beyond_law"): 1,
        ("CON-09", "warn", "spec:no_minors_rule"): 1,
        ("GOV-01", "warn", "spec:no_dpo"): 1,
        ("INC-04", "warn", "spec:no_incident_channels"): 1,
        ("NOT-01", "fail", "spec:no_contact"): 1,
        ("NOT-01", "fail", "spec:no_operator_name"): 1,
        ("NOT-01", "fail", "spec:no_rights"): 1,
        ("NOT-03", "fail", "spec:sensitive_without_necessity"): 2,
        ("NOT-04", "warn", "spec:no_minors_rule"): 1,
        ("NOT-05", "warn", "spec:no_effective_date"): 1,
        ("NOT-09", "fail", "spec:no_complaint_channel"): 1,
        ("RGT-01", "warn", "spec:right_not_offered"): 11,
        ("RGT-03", "warn", "spec:no_request_deadline"): 1,
        ("RGT-08", "fail", "spec:no_cancellation"): 1,
        ("SEC-06", "warn", "spec:access_logs_period_unstated"): 1,
        ("SHR-01", "fail", "spec:provision_without_separate_consent"): 3,
    },
    "003_8bb812b8de66b6ab": {
        ("CON-02", "fail", "spec:consent_bundled"): 1,
        ("CON-04", "fail", "spec:sensitive_without_separate_consent"): 2,
        ("CON-09", "warn", "spec:no_minors_rule"): 1,
        ("CON-11", "fail", "spec:personalisation_without_opt_out"): 1,
        ("GOV-01", "warn", "spec:no_dpo"): 1,
        ("GOV-09", "warn", "spec:no_algorithm_disclosure"): 1,
        ("MIN-01", "warn", "spec:permission_unused"): 1,
        ("NOT-01", "fail", "spec:no_contact"): 1,
        ("NOT-02", "warn", "spec:open_list"): 1,
        ("NOT-03", "fail", "spec:sensitive_without_necessity"): 3,
        ("NOT-04", "warn", "spec:no_minors_rule"): 1,
        ("NOT-05", "warn", "spec:no_effective_date"): 1,
        ("NOT-09", "fail", "spec:no_complaint_channel"): 1,
        ("RET-01", "warn", "spec:retention_not_concrete"): 1,
        ("RGT-01", "warn", "spec:right_not_offered"): 9,
        ("RGT-03", "warn", "spec:no_request_deadline"): 1,
        ("SEC-06", "warn", "spec:access_logs_period_unstated"): 1,
        ("SEC-08", "warn", "spec:no_storage_region"): 1,
        ("SHR-01", "fail", "spec:provision_without_separate_consent"): 5,
        ("SHR-07", "fail", "spec:cross_border_without_consent"): 1,
    },
    "004_e38994de5eb8bac3": {
        ("GOV-01", "warn", "spec:no_dpo"): 1,
        ("GOV-09", "warn", "spec:no_algorithm_disclosure"): 1,
        ("INC-04", "warn", "spec:no_incident_channels"): 1,
        ("NOT-01", "fail", "spec:no_contact"): 1,
        ("NOT-01", "fail", "spec:no_operator_name"): 1,
        ("NOT-03", "fail", "spec:sensitive_without_necessity"): 1,
        ("NOT-09", "fail", "spec:no_complaint_channel"): 1,
        ("NOT-09", "warn", "spec:contact_without_value"): 1,
        ("RGT-01", "warn", "spec:right_not_offered"): 4,
        ("SHR-01", "fail", "spec:provision_without_separate_consent"): 2,
        ("SHR-02", "warn", "spec:entrustment_without_agreement"): 1,
        ("SHR-07", "warn", "spec:no_cross_border_rule"): 1,
    },
}


def _report(name: str) -> ComplianceReport:
    return compliance_report(load_policy_file(SEEDS / f"{name}.yaml"))


@pytest.mark.parametrize("name", sorted(PINNED))
def test_every_seed_finding_is_pinned(name: str) -> None:
    report = _report(name)
    found = Counter(
        (f.requirement.id, f.status.value, f.check) for f in report.findings if f.status in (Status.FAIL, Status.WARN)
    )
    assert dict(found) == PINNED[name]
    assert report.exit_code == (1 if any(s == "fail" for _, s, _ in PINNED[name]) else 0)


def test_003s_clause_that_data_may_go_abroad_fails_the_cross_border_requirement() -> None:
    report = _report("003_8bb812b8de66b6ab")
    cross = [f for f in report.findings if f.requirement.id == "SHR-07"]
    assert [f.status for f in cross] == [Status.FAIL]
    assert cross[0].check == "spec:cross_border_without_consent"
    assert cross[0].line is not None
    assert "PIPL Art. 38-39" in cross[0].evidence.en


def test_002s_missing_rights_chapter_is_reported() -> None:
    report = _report("002_83f8c652f43b02ec")
    no_rights = [f for f in report.findings if f.check == "spec:no_rights"]
    assert len(no_rights) == 1
    assert no_rights[0].requirement.id == "NOT-01"
    assert no_rights[0].status is Status.FAIL
    assert "chapter on your rights is missing" in no_rights[0].evidence.en


def test_001_passes_every_requirement_a_spec_can_show_but_warnings() -> None:
    report = _report("001_b323a55268a82f2d")
    assert not report.failed
    assert report.counts()["pass"] > 15


def test_the_report_is_plain_data() -> None:
    data = _report("003_8bb812b8de66b6ab").to_dict()
    assert data["policy"] == {"id": "003_8bb812b8de66b6ab", "version": data["policy"]["version"]}
    first = data["findings"][0]
    assert set(first) == {"requirement", "title", "source", "status", "check", "evidence", "line"}
    assert set(first["evidence"]) == {"zh-CN", "en"}
