"""Dates of birth: a date is personal only when it is someone's birthday, so context decides.

The base confidence of any real past date is below the reporting threshold;
出生, 生日 or a column named ``birthday`` lifts it over.
"""

from __future__ import annotations

import re
from datetime import date

from yinsi.core.detect.base import NOT_AFTER, NOT_BEFORE, Recogniser
from yinsi.core.detect.kinds import PiType

__all__ = ["BELOW_THRESHOLD", "date_recognisers"]

BELOW_THRESHOLD = 0.3

_DATE = re.compile(
    NOT_BEFORE
    + r"(?P<y>(?:19|20)[0-9]{2})(?:年(?P<m1>0?[1-9]|1[0-2])月(?P<d1>0?[1-9]|[12][0-9]|3[01])日?"
    + r"|(?P<sep>[-/.])(?P<m2>0?[1-9]|1[0-2])(?P=sep)(?P<d2>0?[1-9]|[12][0-9]|3[01])"
    + r"|(?P<m3>0[1-9]|1[0-2])(?P<d3>0[1-9]|[12][0-9]|3[01]))"
    + NOT_AFTER
)


def date_recognisers(today: date) -> list[Recogniser]:
    def birth(match: re.Match[str]) -> float | None:
        month = match.group("m1") or match.group("m2") or match.group("m3")
        day = match.group("d1") or match.group("d2") or match.group("d3")
        try:
            born = date(int(match.group("y")), int(month), int(day))
        except ValueError:
            return None
        return BELOW_THRESHOLD if born <= today else None

    return [Recogniser(PiType.BIRTH_DATE, _DATE, birth)]
