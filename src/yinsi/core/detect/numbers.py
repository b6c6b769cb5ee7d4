"""Resident ID numbers, mobile and landline numbers, bank cards: digits that carry their own checks.

A pattern alone would report every 18-digit order number as an ID number and
every 11-digit invoice code as a mobile. Each candidate therefore passes the
same check the vault applies (checks.py) before it is reported: the ID
number's check character, date of birth and region; the mobile's allocated
range; the card's Luhn digit and issuer. Those checks are what make the base
confidence high; context only moves it.
"""

from __future__ import annotations

import re
from datetime import date

from yinsi.core.detect.base import NOT_AFTER, NOT_BEFORE, Recogniser
from yinsi.core.detect.checks import id_number_problem, is_allocated_mobile, is_card_issuer, is_landline, luhn_ok
from yinsi.core.detect.kinds import PiType

__all__ = ["number_recognisers"]

_SEPARATORS = str.maketrans("", "", " -")

_ID = re.compile(NOT_BEFORE + r"[1-8][0-9]{5}(?:18|19|20)[0-9]{2}[01][0-9][0-3][0-9]{4}[0-9Xx]" + NOT_AFTER)
# 13800138000, 138 0013 8000, 138-0013-8000, +86 138..., 0086138...; the country code is not part of the value.
_MOBILE = re.compile(
    r"(?<![0-9A-Za-z+])(?:(?:\+86|0086)[ -]?)?(?P<number>1[3-9][0-9](?:[0-9]{8}|[ -][0-9]{4}[ -][0-9]{4}))" + NOT_AFTER
)
# 010-62345678, (0571)87654321, 0755 8888 6666, 02162345678-8001 (with an extension).
_LANDLINE = re.compile(
    NOT_BEFORE
    + r"(?P<number>(?:\(0[1-9][0-9]{1,2}\)|0[1-9][0-9]{1,2})[ -]?[2-9][0-9]{2,3}[ -]?[0-9]{4})(?:-[0-9]{1,5})?"
    + NOT_AFTER
)
# 16 to 19 digits, whole or in groups of four (6222 0212 3456 7890 123).
_CARD = re.compile(NOT_BEFORE + r"(?:[0-9]{4}[ -]){3}[0-9]{4}(?:[ -]?[0-9]{1,3})?|[0-9]{15,19}" + NOT_AFTER)


def number_recognisers(today: date) -> list[Recogniser]:
    def id_number(match: re.Match[str]) -> float | None:
        return 0.95 if id_number_problem(match.group(0).upper(), today) is None else None

    return [
        Recogniser(PiType.ID_NUMBER, _ID, id_number),
        Recogniser(PiType.MOBILE, _MOBILE, _mobile, "number"),
        Recogniser(PiType.LANDLINE, _LANDLINE, _landline),
        Recogniser(PiType.BANK_CARD, _CARD, _card),
    ]


def _mobile(match: re.Match[str]) -> float | None:
    digits = match.group("number").translate(_SEPARATORS)
    if not is_allocated_mobile(digits):
        return None
    return 0.85 if len(match.group(0)) > 11 else 0.8  # written with a prefix or grouped: someone meant a phone


def _landline(match: re.Match[str]) -> float | None:
    number = match.group("number")
    digits = number.translate(str.maketrans("", "", " -()"))
    if not is_landline(digits):
        return None
    # Bare digits could be anything; the area code set apart (010-…, (0571)…) is how people write phones.
    return 0.45 if digits == number else 0.7


def _card(match: re.Match[str]) -> float | None:
    digits = match.group(0).translate(_SEPARATORS)
    if not (16 <= len(digits) <= 19 or (len(digits) == 15 and digits[:2] in ("34", "37"))):
        return None
    if not (is_card_issuer(digits) and luhn_ok(digits)):
        return None
    return 0.75 if digits != match.group(0) else 0.65
