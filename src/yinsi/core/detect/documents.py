"""Passports and the travel permits of Hong Kong, Macao and Taiwan.

Their numbers have no check digit, so a letter and eight digits could as well
be a product code: without a context word (护照, 通行证) they stay just above
the reporting threshold, and a word such as 型号 or 编号 drops them.
"""

from __future__ import annotations

import re

from yinsi.core.detect.base import NOT_AFTER, NOT_BEFORE, Recogniser
from yinsi.core.detect.kinds import PiType

__all__ = ["document_recognisers"]

# Ordinary passports since 2012: E + 8 digits, then E + a letter (not I or O) + 7 digits; older G + 8 digits.
_PASSPORT = re.compile(NOT_BEFORE + r"(?:E[0-9A-HJ-NP-Z][0-9]{7}|G[0-9]{8})" + NOT_AFTER)
# 往来港澳通行证 C + 8 digits or C + letter + 7; 往来台湾通行证 L + 8; 港澳居民来往内地通行证 H/M + 8 (or 10).
_PERMIT = re.compile(NOT_BEFORE + r"(?:C[0-9A-HJ-NP-Z][0-9]{7}|L[0-9]{8}|[HM][0-9]{8}(?:[0-9]{2})?)" + NOT_AFTER)


def document_recognisers() -> list[Recogniser]:
    return [
        Recogniser(PiType.PASSPORT, _PASSPORT, lambda _m: 0.55, needs="EG"),
        Recogniser(PiType.TRAVEL_PERMIT, _PERMIT, lambda _m: 0.55, needs="CLHM"),
    ]
