"""A total privacy budget for noisy statistics: each query spends its ε, none may go over (SQLite and PostgreSQL).

Before the budget, every noisy query spent ε with no total: enough queries would average the noise away.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from tests.conftest import Backend, Clock
from tests.functional.test_lifecycle import _population, audit_text
from tests.integration.test_retention import LIFECYCLE
from tests.support.http import staff_session
from yinsi.adapters.db.rows import PrivacyBudgetRow, table_of
from yinsi.api.app import create_app
from yinsi.bootstrap import Yinsi, open_yinsi
from yinsi.core.deadlines import today_in_china
from yinsi.core.errors import PrivacyBudgetExhausted
from yinsi.core.policy.check import check_spec
from yinsi.core.policy.compiled import CompiledPolicy
from yinsi.core.policy.load import load_policy_text
from yinsi.services import statistics
from yinsi.services.vault import Actor

ANALYST = Actor("staff:analyst", "privacy_officer")
_ledger = table_of(PrivacyBudgetRow)


def _noisy(budget: str = "\n  privacy_budget: {epsilon: 1.0, period: month}") -> CompiledPolicy:
    text = LIFECYCLE.read_text(encoding="utf-8")
    assert "min_group_size: 3" in text
    loaded = load_policy_text(text.replace("min_group_size: 3", "min_group_size: 3\n  noise_epsilon: 0.5" + budget))
    assert loaded.spec is not None, [p.format("en") for p in loaded.errors]
    return CompiledPolicy.from_spec(loaded.spec)


@pytest.fixture
def noisy(backend: Backend, clock: Clock) -> Iterator[Yinsi]:
    instance = open_yinsi(backend.settings, migrate=False, policy=_noisy(), now=clock)
    yield instance
    instance.close()


def _count(yinsi: Yinsi) -> statistics.Table:
    return yinsi.statistics.counts(dimensions=["age_band"], actor=ANALYST)


def test_a_query_that_would_overspend_is_refused_and_the_answer_says_what_is_left(noisy: Yinsi, clock: Clock) -> None:
    _population(noisy)
    first, second = _count(noisy), _count(noisy)
    assert first.budget is not None
    assert second.budget is not None
    assert (first.budget.spent, first.budget.remaining) == (0.5, 0.5)
    assert second.as_json()["budget"] == {
        "period": second.budget.period,
        "epsilon": 1.0,
        "spent": 1.0,
        "remaining": 0.0,
    }
    with pytest.raises(PrivacyBudgetExhausted) as refused:
        _count(noisy)
    assert "ε=0 left" in refused.value.message.en
    assert "ε=0.5" in refused.value.message.en
    assert "隐私预算只剩" in refused.value.message.zh
    assert '"action":"statistics-refused"' in audit_text(noisy).replace(" ", "")
    clock.advance(days=32)  # the next month has a budget of its own
    after = _count(noisy)
    assert after.budget is not None
    assert after.budget.remaining == 0.5
    assert after.budget.period != first.budget.period


def test_queries_racing_never_spend_more_than_the_total(noisy: Yinsi) -> None:
    rules = noisy.policy.current().spec.statistics
    assert rules is not None
    assert rules.privacy_budget is not None
    today = today_in_china(noisy.now())
    start = threading.Barrier(8)
    results: list[statistics.Budget | None] = []
    failures: list[BaseException] = []

    def spend() -> None:
        try:
            start.wait()
            with noisy.engine.begin() as connection:
                assert rules.privacy_budget is not None
                results.append(statistics._spend(connection, rules.privacy_budget, 0.25, today))
        except BaseException as exc:
            failures.append(exc)

    threads = [threading.Thread(target=spend) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert failures == []
    granted = [r for r in results if r is not None]
    assert len(results) == 8
    assert len(granted) == 4
    assert sorted(r.remaining for r in granted) == [0.0, 0.25, 0.5, 0.75]
    with noisy.engine.connect() as connection:
        row = connection.execute(select(_ledger)).one()
    assert (row.spent_micro, row.queries) == (1_000_000, 4)


def test_the_budget_over_http_and_the_refusal_as_a_problem(noisy: Yinsi) -> None:
    _population(noisy)
    with TestClient(create_app(noisy), raise_server_exceptions=False) as client:
        officer = staff_session(client, noisy, "privacy_officer")
        answers = [
            client.get("/v1/staff/anonymous-statistics", params=[("by", "age_band")], headers=officer) for _ in range(3)
        ]
    assert [a.status_code for a in answers] == [200, 200, 409]
    assert answers[1].json()["budget"]["remaining"] == 0.0
    assert answers[2].json()["code"] == "privacy_budget_exhausted"


def test_check_warns_of_noise_without_a_total_and_fails_a_total_below_one_query() -> None:
    assert "noise_without_budget" in {f.code for f in check_spec(_noisy("").spec)}
    text = LIFECYCLE.read_text(encoding="utf-8").replace(
        "min_group_size: 3", "min_group_size: 3\n  noise_epsilon: 0.5\n  privacy_budget: {epsilon: 0.1}"
    )
    too_small = load_policy_text(text)
    assert too_small.spec is None
    assert [p.code for p in too_small.errors] == ["privacy_budget_below_query"]
    assert not {"noise_without_budget", "privacy_budget_below_query"} & {f.code for f in check_spec(_noisy().spec)}


def test_a_spec_with_noise_but_no_budget_still_answers(backend: Backend, clock: Clock) -> None:
    with open_yinsi(backend.settings, migrate=False, policy=_noisy(""), now=clock) as unbounded:
        _population(unbounded)
        assert [_count(unbounded).budget for _ in range(3)] == [None] * 3


def test_a_query_of_a_tiny_epsilon_still_spends_something(noisy: Yinsi) -> None:
    rules = noisy.policy.current().spec.statistics
    assert rules is not None
    assert rules.privacy_budget is not None
    today = today_in_china(noisy.now())
    with noisy.engine.begin() as connection:
        spent = statistics._spend(connection, rules.privacy_budget, 1e-9, today)
    assert spent is not None
    assert spent.spent > 0  # ε rounded to millionths must never make a query free: queries would be unlimited
