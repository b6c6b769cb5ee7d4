"""Deadlines in Chinese working days, checked against the State Council's own holiday notices.

The expected dates below are copied from the notices, not from the
``chinese_calendar`` package, so that a wrong entry in the package would fail
these tests instead of silently moving every deadline.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

import chinese_calendar
import pytest
from hypothesis import given
from hypothesis import strategies as st

from yinsi.core.deadlines import (
    Deadline,
    calendar_years,
    due_date,
    is_overdue,
    is_working_day,
    today_in_china,
    working_days_between,
)
from yinsi.core.policy.types import Duration


def _span(first: date, last: date) -> list[date]:
    return [first + timedelta(days=n) for n in range((last - first).days + 1)]


def _assert_rest(days: list[date]) -> None:
    for day in days:
        assert is_working_day(day) == (False, True), day
        assert chinese_calendar.is_workday(day) is False, day


def _assert_working(days: list[date]) -> None:
    for day in days:
        assert is_working_day(day) == (True, True), day
        assert chinese_calendar.is_workday(day) is True, day


# --- the official calendar ----------------------------------------------------


def test_spring_festival_2026() -> None:
    """国务院办公厅关于2026年部分节假日安排的通知（国办发明电〔2025〕7号，2025年11月4日，新华社发布）:

    二、春节：2月15日（农历腊月二十八、周日）至23日（农历正月初七、周一）放假调休，共9天。
    2月14日（周六）、2月28日（周六）上班。
    """
    _assert_rest(_span(date(2026, 2, 15), date(2026, 2, 23)))
    _assert_working([date(2026, 2, 14), date(2026, 2, 28)])
    # Either side of the break: the Friday before and the Tuesday after are ordinary working days.
    _assert_working([date(2026, 2, 13), date(2026, 2, 24)])
    assert date(2026, 2, 14).weekday() == 5
    assert date(2026, 2, 28).weekday() == 5


def test_national_day_2025() -> None:
    """国务院办公厅关于2025年部分节假日安排的通知（国办发明电〔2024〕12号，2024年11月12日，新华社发布）:

    六、国庆节、中秋节：10月1日（周三）至8日（周三）放假调休，共8天。
    9月28日（周日）、10月11日（周六）上班。
    """
    _assert_rest(_span(date(2025, 10, 1), date(2025, 10, 8)))
    _assert_working([date(2025, 9, 28), date(2025, 10, 11)])
    _assert_working([date(2025, 9, 30), date(2025, 10, 9)])
    # The ordinary weekends around the break stay rest days.
    _assert_rest([date(2025, 9, 27), date(2025, 10, 12)])
    assert date(2025, 9, 28).weekday() == 6
    assert date(2025, 10, 11).weekday() == 5


def test_national_day_and_mid_autumn_2026() -> None:
    """国务院办公厅关于2026年部分节假日安排的通知（国办发明电〔2025〕7号，2025年11月4日）:

    六、中秋节：9月25日（周五）至27日（周日）放假，共3天。
    七、国庆节：10月1日（周四）至7日（周三）放假调休，共7天。9月20日（周日）、10月10日（周六）上班。
    """
    _assert_rest(_span(date(2026, 10, 1), date(2026, 10, 7)))
    _assert_rest(_span(date(2026, 9, 25), date(2026, 9, 27)))
    _assert_working([date(2026, 9, 20), date(2026, 10, 10)])
    _assert_working([date(2026, 9, 30), date(2026, 10, 8)])
    assert date(2026, 9, 20).weekday() == 6
    assert date(2026, 10, 10).weekday() == 5


def test_outside_the_known_years_only_weekends_rest() -> None:
    first, last = calendar_years()
    assert (first, last) == (2004, 2026)
    # 1 January 2027 is a Friday: surely a holiday, but not yet known, so counted as working and inexact.
    assert is_working_day(date(2027, 1, 1)) == (True, False)
    assert is_working_day(date(2027, 1, 2)) == (False, False)
    assert is_working_day(date(2003, 6, 2)) == (True, False)


# --- due dates ----------------------------------------------------------------


def test_working_days_received_just_before_national_day_2025() -> None:
    """Received Tue 30 Sep 2025, the last working day before the 1–8 Oct break (国办发明电〔2024〕12号).

    Counting from 1 Oct: 9, 10, 11 (make-up Saturday), 13–17, 20–24, 27, 28 Oct.
    """
    deadline = due_date(date(2025, 9, 30), Duration.parse("15 working days"))
    assert deadline == Deadline(due=date(2025, 10, 28), exact=True, note=None)


def test_working_days_counting_the_make_up_sunday() -> None:
    """Received Fri 26 Sep 2025: Sun 28 Sep is a working day by the notice and counts as the first."""
    deadline = due_date(date(2025, 9, 26), Duration.parse("15 working days"))
    assert deadline.due == date(2025, 10, 23)
    assert deadline.exact


def test_calendar_days_ending_inside_national_day_2025() -> None:
    """Civil Code Art. 203: 期间的最后一日是法定休假日的，以法定休假日结束的次日为期间的最后一日.

    20 Sep 2025 + 15 days = Sun 5 Oct, inside the 1–8 Oct break; the break ends 8 Oct, so 9 Oct.
    """
    deadline = due_date(date(2025, 9, 20), Duration.parse("15 days"))
    assert deadline.due == date(2025, 10, 9)
    assert deadline.exact


def test_calendar_days_ending_inside_spring_festival_2026() -> None:
    """3 Feb 2026 + 15 days = 18 Feb, inside the 15–23 Feb break (国办发明电〔2025〕7号): due Tue 24 Feb."""
    assert due_date(date(2026, 2, 3), Duration.parse("15 days")).due == date(2026, 2, 24)


def test_calendar_days_ending_on_a_make_up_saturday_do_not_move() -> None:
    """26 Sep 2025 + 15 days = Sat 11 Oct, a make-up working day (国办发明电〔2024〕12号): it stays."""
    assert due_date(date(2025, 9, 26), Duration.parse("15 days")).due == date(2025, 10, 11)


def test_calendar_days_ending_on_an_ordinary_weekend_move_to_monday() -> None:
    # 1 Mar 2025 + 15 days = Sun 16 Mar 2025, an ordinary rest day.
    assert due_date(date(2025, 3, 1), Duration.parse("15 days")).due == date(2025, 3, 17)


def test_calendar_days_ending_on_a_working_day() -> None:
    assert due_date(date(2025, 3, 3), Duration.parse("15 days")).due == date(2025, 3, 18)


def test_working_days_across_spring_festival_2026() -> None:
    """Received Tue 10 Feb 2026 (国办发明电〔2025〕7号: 15–23 Feb off, Sat 14 and Sat 28 Feb worked).

    11, 12, 13, 14 Feb (4), 24–28 Feb (9), 2–6 Mar (14), 9 Mar (15).
    """
    deadline = due_date(date(2026, 2, 10), Duration.parse("15 working days"))
    assert deadline == Deadline(due=date(2026, 3, 9), exact=True, note=None)


def test_deadline_running_into_2027_is_inexact() -> None:
    """Received Sun 20 Dec 2026: 21–25 Dec (5), 28–31 Dec (9), Fri 1 Jan 2027 (10), 4–8 Jan (15).

    2027's holidays are not yet published, so New Year's Day counts as a working day and the
    deadline says it is only an estimate.
    """
    deadline = due_date(date(2026, 12, 20), Duration.parse("15 working days"))
    assert deadline.due == date(2027, 1, 8)
    assert not deadline.exact
    assert deadline.note is not None
    assert "2027" in deadline.note.zh
    assert "2027" in deadline.note.en
    assert "周六和周日" in deadline.note.zh
    assert "Saturdays and Sundays" in deadline.note.en


def test_calendar_days_into_2027_are_inexact() -> None:
    deadline = due_date(date(2026, 12, 25), Duration.parse("15 days"))
    assert deadline.due == date(2027, 1, 11)  # 9 Jan is a Saturday; weekends only
    assert not deadline.exact
    assert deadline.note is not None


def test_deadline_within_known_years_has_no_note() -> None:
    deadline = due_date(date(2026, 6, 1), Duration.parse("15 working days"))
    assert deadline.exact
    assert deadline.note is None


def test_months_end_on_the_corresponding_day_or_the_month_end() -> None:
    # Civil Code Art. 202: no 31 February, so the last day of February; 28 Feb 2026 is a make-up working Saturday.
    assert due_date(date(2026, 1, 31), Duration.parse("1 month")).due == date(2026, 2, 28)
    # 5 Sep 2025 + 1 month = 5 Oct, inside the National Day break.
    assert due_date(date(2025, 9, 5), Duration.parse("1 month")).due == date(2025, 10, 9)


def test_years_follow_art_203() -> None:
    # 3 Oct 2025 + 1 year = 3 Oct 2026, inside the 1–7 Oct 2026 break: due Thu 8 Oct.
    assert due_date(date(2025, 10, 3), Duration.parse("1 year")).due == date(2026, 10, 8)


def test_hours_are_refused() -> None:
    with pytest.raises(ValueError, match="whole days"):
        due_date(date(2025, 3, 3), Duration.parse("48 hours"))


def test_zero_period_is_refused() -> None:
    with pytest.raises(ValueError, match="at least one day"):
        due_date(date(2025, 3, 3), Duration.parse("0 days"))


@given(
    received=st.dates(min_value=date(2025, 1, 1), max_value=date(2026, 11, 1)),
    n=st.integers(min_value=1, max_value=30),
)
def test_working_days_between_inverts_due_date(received: date, n: int) -> None:
    deadline = due_date(received, Duration.parse(f"{n} working days"))
    assert working_days_between(received, deadline.due) == n
    assert is_working_day(deadline.due)[0]
    assert working_days_between(deadline.due, received) == -n


@given(
    received=st.dates(min_value=date(2005, 1, 1), max_value=date(2026, 11, 1)),
    n=st.integers(min_value=1, max_value=60),
)
def test_calendar_due_date_is_the_first_working_day_on_or_after_the_last_day(received: date, n: int) -> None:
    deadline = due_date(received, Duration.parse(f"{n} days"))
    last = received + timedelta(days=n)
    assert deadline.due >= last
    assert is_working_day(deadline.due)[0]
    assert all(not is_working_day(day)[0] for day in _span(last, deadline.due - timedelta(days=1)))


def test_working_days_between_counts_after_start_up_to_end() -> None:
    assert working_days_between(date(2025, 9, 30), date(2025, 10, 8)) == 0
    assert working_days_between(date(2025, 9, 30), date(2025, 10, 9)) == 1
    assert working_days_between(date(2025, 9, 30), date(2025, 9, 30)) == 0


# --- today and overdue ----------------------------------------------------------


def test_today_in_china_crosses_midnight_before_utc() -> None:
    assert today_in_china(datetime(2025, 12, 31, 16, 30, tzinfo=UTC)) == date(2026, 1, 1)
    assert today_in_china(datetime(2025, 12, 31, 15, 59, tzinfo=UTC)) == date(2025, 12, 31)


def test_today_in_china_accepts_other_zones_and_naive_utc() -> None:
    new_york = timezone(timedelta(hours=-5))
    assert today_in_china(datetime(2025, 6, 1, 12, 0, tzinfo=new_york)) == date(2025, 6, 2)
    assert today_in_china(datetime(2025, 6, 1, 16, 0)) == date(2025, 6, 2)  # naive means UTC by contract


def test_is_overdue_only_after_the_due_date() -> None:
    deadline = due_date(date(2025, 9, 30), Duration.parse("15 working days"))
    assert not is_overdue(deadline, date(2025, 10, 27))
    assert not is_overdue(deadline, date(2025, 10, 28))
    assert is_overdue(deadline, date(2025, 10, 29))
