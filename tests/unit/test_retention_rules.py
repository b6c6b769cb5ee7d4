"""Retention periods counted from events, after cancellation, and the coarse buckets anonymising leaves."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

from yinsi.core.generalise import age_band, bucket, city
from yinsi.core.policy.compiled import CompiledPolicy
from yinsi.core.policy.load import load_policy_file
from yinsi.core.policy.render import render_policy
from yinsi.core.policy.vocabulary import FieldType, RetentionStart

SPEC = Path(__file__).resolve().parents[1] / "fixtures" / "lifecycle.yaml"
COLLECTED = datetime(2027, 1, 10, 8, 0, tzinfo=UTC)


def policy() -> CompiledPolicy:
    result = load_policy_file(SPEC)
    assert result.spec is not None
    return CompiledPolicy.from_spec(result.spec)


def test_a_period_after_the_contract_has_no_end_until_the_contract_ends() -> None:
    compiled = policy()
    assert compiled.retain_until(["orders"], COLLECTED) is None
    ended = datetime(2027, 3, 1, tzinfo=UTC)
    assert compiled.retain_until(["orders"], COLLECTED, {RetentionStart.CONTRACT_END: ended}) == datetime(
        2030, 3, 1, tzinfo=UTC
    )
    assert compiled.retain_until(["survey"], COLLECTED) == datetime(2027, 2, 9, 8, 0, tzinfo=UTC)


def test_after_cancellation_only_what_a_law_keeps_outlives_the_account() -> None:
    compiled = policy()
    cancelled = datetime(2027, 2, 1, tzinfo=UTC)
    events = {RetentionStart.ACCOUNT_CANCELLATION: cancelled}
    assert compiled.retain_until_after_cancellation(["account"], COLLECTED, events) == cancelled
    assert compiled.retain_until_after_cancellation(["survey"], COLLECTED, events) == cancelled  # not 30 days on
    assert compiled.retain_until_after_cancellation(["logs"], COLLECTED, events) == datetime(
        2027, 7, 10, 8, 0, tzinfo=UTC
    )  # the legal minimum, from collection
    assert compiled.retain_until_after_cancellation(["orders"], COLLECTED, events) == datetime(
        2030, 2, 1, tzinfo=UTC
    )  # an end of contract never recorded is the cancellation


def test_the_published_policy_says_from_when_a_period_counts() -> None:
    spec = policy().spec
    assert "自交易完成（合同终止）之日起 3 年" in render_policy(spec, "zh-CN", "md")
    assert "3 years from the end of the contract" in render_policy(spec, "en", "md")


def test_buckets_are_coarse() -> None:
    today = date(2027, 1, 1)
    assert age_band(date(2015, 6, 1), today) == "0-13"
    assert age_band(date(2010, 1, 1), today) == "14-17"
    assert age_band(date(1950, 1, 1), today) == "65+"
    assert bucket(FieldType.ID_NUMBER, "id_number", "11010519491231002X", today) == "65+"
    assert city("广东省深圳市南山区某路4号") == "深圳市"
    assert city("上海市黄浦区一路1号") == "上海市"
    assert city("somewhere") == "unknown"
    assert bucket(FieldType.MOBILE, "mobile", "13812345678", today) == "*"
