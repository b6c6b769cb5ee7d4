"""Deadlines counted the way Chinese law and offices count them.

Rights requests must be answered within a number of days or working days
(GB/T 35273-2020 §8.7 suggests 15 working days; many policies promise a
number of calendar days). "Working day" in China is not Monday to Friday:
the State Council publishes each year which days are statutory holidays and
which weekend days become make-up working days (调休). The
``chinese_calendar`` package carries those notices for the years it knows;
outside them we fall back to skipping weekends and say so, because a
deadline that silently ignores the Spring Festival would be wrong by a week.

Counting follows the Civil Code: the day of receipt is not counted
(Art. 201), a period in months ends on the corresponding day of the last
month or that month's last day (Art. 202), and a period whose last day is a
rest day ends on the next working day (Art. 203).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, timezone
from functools import cache, lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import chinese_calendar

from yinsi.core.i18n import Msg
from yinsi.core.policy.types import Duration, DurationUnit

__all__ = [
    "Deadline",
    "calendar_years",
    "due_date",
    "is_overdue",
    "is_working_day",
    "midnight_in_china",
    "today_in_china",
    "working_days_between",
]

try:
    _CHINA_TZ: ZoneInfo | timezone = ZoneInfo("Asia/Shanghai")
except ZoneInfoNotFoundError:  # pragma: no cover - systems without tz data; China has had no DST since 1991
    _CHINA_TZ = timezone(timedelta(hours=8))

_ONE_DAY = timedelta(days=1)
_SATURDAY = 5


@dataclass(frozen=True)
class Deadline:
    """A due date, and whether it rests on the official holiday calendar.

    ``exact`` is False when some day that decided the date lies in a year the
    calendar does not know; ``note`` then explains this for the console, so a
    person checks the date once the year's holiday notice is published.
    """

    due: date
    exact: bool
    note: Msg | None


@cache
def calendar_years() -> tuple[int, int]:
    """The first and last year whose holidays and make-up working days the calendar knows."""
    years = [day.year for day in chinese_calendar.holidays]
    return min(years), max(years)


def is_working_day(d: date) -> tuple[bool, bool]:
    """Whether ``d`` is a working day in mainland China, and whether that answer is official.

    Outside the calendar's years only weekends count as rest days, and the
    second value is False.
    """
    if isinstance(d, datetime):
        d = d.date()
    return _working_day(d)


@lru_cache(maxsize=8192)
def _working_day(d: date) -> tuple[bool, bool]:
    # Cached: the calendar is fixed for the life of the process, and the package scans its whole
    # holiday table on every call (every deadline asks about some twenty days).
    try:
        return bool(chinese_calendar.is_workday(d)), True
    except (NotImplementedError, ValueError):
        return d.weekday() < _SATURDAY, False


def due_date(received: date, period: Duration) -> Deadline:
    """The last day on which something received on ``received`` may still be done in time."""
    if period.unit is DurationUnit.HOURS:
        raise ValueError(
            "deadlines are counted in whole days: give the period in days, working days, months or years, not hours"
        )
    if period.value < 1:
        raise ValueError("a deadline period must be at least one day")
    inexact_years: set[int] = set()

    def working(d: date) -> bool:
        is_working, exact = is_working_day(d)
        if not exact:
            inexact_years.add(d.year)
        return is_working

    if period.unit is DurationUnit.WORKING_DAYS:
        # Art. 201: the day of receipt is not counted, so the first candidate is the next day.
        due, counted = received, 0
        while counted < period.value:
            due += _ONE_DAY
            if working(due):
                counted += 1
    else:
        last = period.add_to(received)
        # Art. 203: a last day that is a rest day (a statutory holiday, or a weekend that is not a
        # make-up working day) gives way to the first working day after it.
        due = last
        while not working(due):
            due += _ONE_DAY
    if not inexact_years:
        return Deadline(due=due, exact=True, note=None)
    return Deadline(due=due, exact=False, note=_inexact_note(sorted(inexact_years)))


def working_days_between(start: date, end: date) -> int:
    """How many working days come after ``start`` up to and including ``end``.

    Counted like ``due_date``: ``working_days_between(r, due_date(r, N working days).due) == N``.
    Negative when ``end`` is before ``start``, so an overdue request can say by how much.
    """
    if end < start:
        return -working_days_between(end, start)
    count, day = 0, start
    while day < end:
        day += _ONE_DAY
        if is_working_day(day)[0]:
            count += 1
    return count


def midnight_in_china(day: date) -> datetime:
    """The moment ``day`` begins in Beijing, as UTC: what a bare date typed by an operator means."""
    return datetime.combine(day, time(0), _CHINA_TZ).astimezone(UTC)


def today_in_china(now_utc: datetime) -> date:
    """The calendar date in Beijing time, which is what deadlines are counted in.

    A naive datetime is taken to be UTC, as the parameter's name promises.
    """
    if now_utc.tzinfo is None:
        now_utc = now_utc.replace(tzinfo=UTC)
    return now_utc.astimezone(_CHINA_TZ).date()


def is_overdue(deadline: Deadline, today: date) -> bool:
    """Whether the deadline has passed: the due date itself runs until midnight (Art. 203)."""
    return today > deadline.due


def _inexact_note(years: list[int]) -> Msg:
    first, last = calendar_years()
    listed = "、".join(str(year) for year in years)
    listed_en = ", ".join(str(year) for year in years)
    return Msg(
        zh=(
            f"该期限涉及节假日日历未收录的年份（{listed}；已收录 {first}–{last} 年），"
            "计算时只跳过了周六和周日，未计入法定节假日和调休上班日。"
            "请在国务院办公厅公布该年度节假日安排后复核。"
        ),
        en=(
            f"This deadline runs through a year the holiday calendar does not cover ({listed_en}; "
            f"it covers {first}–{last}). Only Saturdays and Sundays were skipped, not statutory "
            "holidays or make-up working days. Check it again once the State Council publishes "
            "that year's holiday arrangements."
        ),
    )
