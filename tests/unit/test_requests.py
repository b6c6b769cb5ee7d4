"""Rights requests, pure: the state machine, which deadline applies, and deadlines across Chinese holidays.

Holiday dates are those of the State Council notices:
- 国务院办公厅关于2025年部分节假日安排的通知 (国办发明电〔2024〕12号): National Day and Mid-Autumn
  1-8 October 2025 off; Sunday 28 September and Saturday 11 October 2025 are working days.
- 国务院办公厅关于2026年部分节假日安排的通知 (国办发明电〔2025〕7号): Spring Festival 15-23 February 2026
  off; Saturdays 14 and 28 February 2026 are working days.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from yinsi.core.policy.load import load_policy_file
from yinsi.core.policy.model import PolicySpec
from yinsi.core.policy.types import Duration
from yinsi.core.requests import (
    DEFAULT_DEADLINE,
    RequestType,
    State,
    TransitionRefused,
    check_transition,
    deadline_period,
    due,
    excess,
)

ROOT = Path(__file__).resolve().parent.parent.parent


def spec(name: str) -> PolicySpec:
    path = ROOT / ("tests/fixtures/clinic.yaml" if name == "clinic" else f"examples/policies/{name}.yaml")
    loaded = load_policy_file(path).spec
    assert loaded is not None
    return loaded


def test_fifteen_working_days_across_the_2026_spring_festival() -> None:
    """Received Tuesday 10 Feb 2026: 4 working days that week (11-14, with Saturday 14th worked), then nothing
    until 24 Feb (holiday 15-23), and Saturday 28 Feb counts: the 15th working day is Monday 9 March."""
    deadline, basis = due(spec("clinic"), RequestType.ACCESS, date(2026, 2, 10))
    assert (deadline.due, deadline.exact, basis) == (date(2026, 3, 9), True, "15 working days")


def test_fifteen_working_days_across_the_2025_national_day_week() -> None:
    """Received Tuesday 30 Sep 2025, the eve of the week off: nothing counts 1-8 October; Saturday 11 October
    is a make-up working day; the 15th working day is Tuesday 28 October."""
    deadline, _ = due(spec("clinic"), RequestType.DELETE, date(2025, 9, 30))
    assert deadline.due == date(2025, 10, 28)


def test_a_complaint_in_calendar_days_that_ends_in_a_holiday_moves_to_the_next_working_day() -> None:
    """15 days from 20 Sep 2025 ends on 5 October, inside the holiday: the period ends on Thursday 9 October
    (Civil Code Art. 203)."""
    deadline, basis = due(spec("clinic"), RequestType.COMPLAIN, date(2025, 9, 20))
    assert (deadline.due, basis) == (date(2025, 10, 9), "15 days")


def test_past_the_years_the_calendar_knows_only_weekends_are_skipped_and_it_says_so() -> None:
    deadline, _ = due(spec("clinic"), RequestType.ACCESS, date(2026, 12, 20))
    assert deadline.exact is False
    assert deadline.note is not None
    assert "2027" in deadline.note.en


def test_which_deadline_applies() -> None:
    clinic = spec("clinic")
    assert deadline_period(clinic, RequestType.COMPLAIN) == Duration.parse("15 days")  # the right's own
    assert deadline_period(clinic, RequestType.ACCESS) == Duration.parse("15 working days")  # the general one
    assert deadline_period(clinic, RequestType.CANCEL_ACCOUNT, needs_review=True) == Duration.parse(
        "15 working days"
    )  # the review deadline
    silent = spec("002_83f8c652f43b02ec")  # its rights chapter is empty and it promises no deadline
    assert deadline_period(silent, RequestType.ACCESS) == DEFAULT_DEADLINE
    appointments = spec("001_b323a55268a82f2d")
    assert deadline_period(appointments, RequestType.COMPLAIN) == Duration.parse("15 days")


def test_the_state_machine() -> None:
    check_transition(State.RECEIVED, State.VERIFIED)
    check_transition(State.VERIFIED, State.COMPLETED)
    check_transition(State.IN_PROGRESS, State.REFUSED)
    for final in (State.COMPLETED, State.REFUSED, State.WITHDRAWN):
        for target in State:
            with pytest.raises(TransitionRefused):
                check_transition(final, target)
    with pytest.raises(TransitionRefused):
        check_transition(State.RECEIVED, State.COMPLETED)  # identity is verified first


def test_the_excessive_request_rule() -> None:
    clinic = spec("clinic")
    assert not excess(clinic, 2).exceeded
    rule = excess(clinic, 3)
    assert (rule.exceeded, rule.action.value if rule.action else None, rule.limit) == (True, "fee", 3)
    assert not excess(spec("002_83f8c652f43b02ec"), 100).exceeded  # no rule, no fee, never a silent refusal
