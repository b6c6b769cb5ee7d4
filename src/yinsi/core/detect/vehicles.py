"""Licence plates of mainland China (GA 36): a province's one-character name, a letter, five or six characters."""

from __future__ import annotations

import re

from yinsi.core.detect.base import NOT_AFTER, Recogniser
from yinsi.core.detect.kinds import PiType

__all__ = ["vehicle_recognisers"]

_PROVINCES = "京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼"
_CHAR = "[0-9A-HJ-NP-Z]"  # I and O are never used: they read as 1 and 0
_PLATE = re.compile(
    rf"[{_PROVINCES}][A-HJ-NP-Z][·•・ -]?(?:[DF]{_CHAR}[0-9]{{4}}|[0-9]{{5}}[DF]|{_CHAR}{{4}}[学警挂领]|{_CHAR}{{5}})"
    + NOT_AFTER
)


def _plate(match: re.Match[str]) -> float | None:
    # At least three digits: 浙ABCDE is more likely a word in a Latin abbreviation than a plate.
    return 0.8 if sum(ch.isdigit() for ch in match.group(0)) >= 3 else None


def vehicle_recognisers() -> list[Recogniser]:
    return [Recogniser(PiType.LICENCE_PLATE, _PLATE, _plate)]
