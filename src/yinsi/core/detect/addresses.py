"""Postal addresses: a road and a house number, led by the administrative divisions above them.

The anchor is the part every delivery address has, a road (路, 街, 大道, 巷)
and a number with 号, and the building, unit and room after it. From there
the recogniser looks back, within the run of Chinese characters and digits
before it, for where the address starts: a province's name, or else the first
division (…市, …区, …县). An anchor with neither before it is a sentence
about a road, not an address. Looking back from an anchor, instead of letting
a pattern pick the leftmost start, keeps the person's name out of
``张伟住在北京市朝阳区建国路88号``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from yinsi.core.detect.base import Recogniser
from yinsi.core.detect.kinds import PiType

__all__ = ["PROVINCES", "address_recognisers"]

PROVINCES = [
    "北京",
    "天津",
    "上海",
    "重庆",
    "河北",
    "山西",
    "辽宁",
    "吉林",
    "黑龙江",
    "江苏",
    "浙江",
    "安徽",
    "福建",
    "江西",
    "山东",
    "河南",
    "湖北",
    "湖南",
    "广东",
    "海南",
    "四川",
    "贵州",
    "云南",
    "陕西",
    "甘肃",
    "青海",
    "台湾",
    "内蒙古",
    "广西",
    "西藏",
    "宁夏",
    "新疆",
    "香港",
    "澳门",
]

_HAN = "\u4e00-\u9fff"
_LOOK_BACK = 24
_ANCHOR = re.compile(
    r"(?:大道|大街|路|街|巷|弄|胡同)[0-9]{1,5}(?:-[0-9]{1,4})?号"
    r"(?:院|大厦|小区)?(?:[0-9]{1,3}(?:号楼|栋|幢|座))?(?:[0-9]{1,3}单元)?(?:[0-9]{1,5}(?:室|房))?"
)
_RUN = re.compile(rf"[{_HAN}0-9]*$")
_PROVINCE = re.compile("|".join(PROVINCES))
_DIVISION = re.compile(rf"[{_HAN}]{{2,4}}?(?:市|区|县|州|旗|镇)")
# Characters that end a sentence's lead-in rather than begin an address (住在, 寄到, 位于).
_LEAD_IN = frozenset("在于住到是为址往至寄送从")


@dataclass(frozen=True)
class _AddressRecogniser(Recogniser):
    def candidates(self, text: str) -> Iterator[tuple[int, int, float]]:
        if "号" not in text:
            return
        for anchor in self.pattern.finditer(text):
            window_start = max(0, anchor.start() - _LOOK_BACK)
            run = _RUN.search(text, window_start, anchor.start())
            if run is None or run.start() == anchor.start():
                continue
            province = _PROVINCE.search(text, run.start(), anchor.start())
            if province is not None:
                yield province.start(), anchor.end(), 0.85
                continue
            division = _DIVISION.search(text, run.start(), anchor.start())
            if division is None:
                continue
            start = division.start()
            while text[start] in _LEAD_IN and start < division.end() - 2:
                start += 1
            yield start, anchor.end(), 0.75


def address_recognisers() -> list[Recogniser]:
    return [_AddressRecogniser(PiType.ADDRESS, _ANCHOR, lambda _m: None, needs="号")]
