"""Generalising a value so that it no longer points at a person: an age band, a city, or nothing at all.

Used where yinsi keeps an anonymous trace (a count) of a value it anonymises, and for the dimensions of
anonymous statistics. The buckets are deliberately coarse: a band of ten years or more, a prefecture-level
city, never a street, a date or a digit of an identifier.

The one reading of a birth date (``birth_date``) and of an address (``place``) lives here; de-identification
for recipients (``core.deidentify``) uses the same, with age bands of its own.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from yinsi.core.policy.vocabulary import FieldType
from yinsi.core.validation import birth_date_from_id

UNKNOWN = "unknown"
ANY = "*"
# Under 14 and 14 to 17 are the ages the law treats apart (PIPL Art. 28, 31); adults in bands of ten years.
_BANDS = ((14, "0-13"), (18, "14-17"), (25, "18-24"), (35, "25-34"), (45, "35-44"), (55, "45-54"), (65, "55-64"))
AGE_BANDS = (*(label for _, label in _BANDS), "65+")  # every band ``age_band`` gives, youngest first
_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})")
# Province (or autonomous region, or special administrative region), then the city level: 市, 自治州, 地区 or 盟.
# A municipality (北京市) is both.
_PROVINCE = r"(?P<province>[^省市区]{2,8}?(?:省|自治区|特别行政区))"
_CITY = r"(?P<city>[^省市区盟]{1,12}?(?:市|自治州|地区|盟))"
_PLACE = re.compile(rf"^\s*{_PROVINCE}?{_CITY}")
_PROVINCE_ONLY = re.compile(rf"^\s*{_PROVINCE}")


@dataclass(frozen=True, slots=True)
class Place:
    """Where an address is, no finer than its city: 广东省 and 广州市; a municipality has no province."""

    province: str | None
    city: str | None


def place(address: str) -> Place | None:
    """The province and city of a mainland address (广东省广州市天河区… → 广东省, 广州市); None when neither can
    be recognised, so that nothing finer than a city is ever kept by mistake."""
    found = _PLACE.match(address)
    if found is not None:
        return Place(found.group("province"), found.group("city"))
    province = _PROVINCE_ONLY.match(address)
    return Place(province.group("province"), None) if province is not None else None


def birth_date(field_type: FieldType, value: str) -> date | None:
    """The birth date a value tells, if it tells one: an ID number's digits 7-14, or a date (which field holds
    a birth date is the caller's to say); None for anything else, or for a value that is no real date."""
    try:
        if field_type is FieldType.ID_NUMBER:
            return birth_date_from_id(value)
        if field_type is FieldType.DATE:
            found = _DATE.match(value)
            return date(int(found.group(1)), int(found.group(2)), int(found.group(3))) if found else None
    except ValueError:
        return None
    return None


def age_band(born: date, today: date) -> str:
    age = today.year - born.year - ((today.month, today.day) < (born.month, born.day))
    for limit, label in _BANDS:
        if age < limit:
            return label
    return "65+"


def city(value: str) -> str:
    """The prefecture-level city of a mainland address ("上海市黄浦区..." → "上海市"), or ``unknown``."""
    where = place(value)
    return where.city if where is not None and where.city is not None else UNKNOWN


def bucket(field_type: FieldType, field_id: str, value: str, today: date) -> str:
    """The coarse bucket a value is counted under once anonymised; ``*`` when its type has none."""
    born = birth_date(field_type, value) if field_type is FieldType.ID_NUMBER or "birth" in field_id else None
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
