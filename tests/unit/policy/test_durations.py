"""Periods measured from a moment: what is kept "six months" is kept six months to the minute, never less."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from yinsi.core.policy.types import Duration, DurationUnit

LATE = datetime(2025, 3, 3, 23, 30, tzinfo=UTC)


@pytest.mark.parametrize(
    ("period", "end"),
    [
        (Duration(6, DurationUnit.MONTHS), datetime(2025, 9, 3, 23, 30, tzinfo=UTC)),
        (Duration(30, DurationUnit.DAYS), datetime(2025, 4, 2, 23, 30, tzinfo=UTC)),
        (Duration(12, DurationUnit.HOURS), datetime(2025, 3, 4, 11, 30, tzinfo=UTC)),
        (Duration(1, DurationUnit.YEARS), datetime(2026, 3, 3, 23, 30, tzinfo=UTC)),
    ],
)
def test_a_period_after_a_moment_keeps_its_time_of_day(period: Duration, end: datetime) -> None:
    assert period.after(LATE) == end
    assert period.before(end) == LATE


def test_a_month_from_the_31st_ends_on_the_last_day_of_a_shorter_month() -> None:
    assert Duration(1, DurationUnit.MONTHS).after(datetime(2025, 1, 31, 8, 0, tzinfo=UTC)) == datetime(
        2025, 2, 28, 8, 0, tzinfo=UTC
    )


def test_hours_cannot_be_added_to_a_bare_date() -> None:
    with pytest.raises(ValueError, match="time of day"):
        Duration(12, DurationUnit.HOURS).add_to(date(2025, 3, 3))
