"""Generalising a value so that it no longer points at a person: an age band, a city, or nothing at all.

Used where yinsi keeps an anonymous trace (a count) of a value it anonymises, and for the dimensions of
anonymous statistics. The buckets are deliberately coarse: a band of ten years or more, a prefecture-level
city, never a street, a date or a digit of an identifier.
"""

from __future__ import annotations

import re
from datetime import date

from yinsi.core.policy.vocabulary import FieldType

UNKNOWN = "unknown"
ANY = "*"
# Under 14 and 14 to 17 are the ages the law treats apart (PIPL Art. 28, 31); adults in bands of ten years.
_BANDS = ((14, "0-13"), (18, "14-17"), (25, "18-24"), (35, "25-34"), (45, "35-44"), (55, "45-54"), (65, "55-64"))
_CITY = re.compile(r"^(?:[^省]{2,8}省|[^区]{2,10}自治区)?([^市州盟]{1,10}(?:市|州|盟))")
_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})")


def age_band(born: date, today: date) -> str:
    age = today.year - born.year - ((today.month, today.day) < (born.month, born.day))
    for limit, label in _BANDS:
        if age < limit:
            return label
    return "65+"


def birth_date(field_type: FieldType, field_id: str, value: str) -> date | None:
    """The birth date a value tells, if it tells one: an ID number's digits 7-14, or a birth-date field."""
    try:
        if field_type is FieldType.ID_NUMBER and len(value) == 18:
            return date(int(value[6:10]), int(value[10:12]), int(value[12:14]))
        if field_type is FieldType.DATE and "birth" in field_id:
            found = _DATE.match(value)
            if found:
                return date(int(found.group(1)), int(found.group(2)), int(found.group(3)))
    except ValueError:
        return None
    return None


def city(value: str) -> str:
    """The prefecture-level city of a mainland address ("上海市黄浦区..." → "上海市"), or ``unknown``."""
    found = _CITY.match(value.strip())
    return found.group(1) if found else UNKNOWN


def bucket(field_type: FieldType, field_id: str, value: str, today: date) -> str:
    """The coarse bucket a value is counted under once anonymised; ``*`` when its type has none."""
    born = birth_date(field_type, field_id, value)
    if born is not None:
        return age_band(born, today)
    if field_type is FieldType.INTEGER and "age" in field_id:
        try:
            years = int(value)
        except ValueError:
            return UNKNOWN
        return age_band(date(today.year - years, 1, 1), date(today.year, 12, 31))
    if field_type is FieldType.ADDRESS:
        return city(value)
    return ANY
