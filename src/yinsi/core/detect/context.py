"""Context words: what is written just before a value says what it is.

``卡号 6222…`` is a card and ``订单号 6222…`` is not, though the digits are
the same. The nearest keyword in the few characters before a candidate
decides: one of its own kind raises its confidence, a word that names a
non-personal number (订单号, 流水号, 版本) lowers it below the reporting
threshold. A column's name counts as the context of every value in it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from yinsi.core.detect.kinds import PiType

__all__ = ["NEGATIVE", "WINDOW", "context_of", "hint_types"]

WINDOW = 12  # characters looked at before a candidate

_KEYWORDS: dict[PiType, tuple[str, ...]] = {
    PiType.ID_NUMBER: (
        "身份证",
        "证件号",
        "身份号码",
        "公民身份",
        "id_card",
        "idcard",
        "id_no",
        "idno",
        "sfz",
        "identity",
    ),
    PiType.MOBILE: ("手机", "电话", "联系方式", "致电", "来电", "短信", "mobile", "phone", "tel", "sjh", "cell"),
    PiType.LANDLINE: ("电话", "座机", "固话", "传真", "办公室", "tel", "phone", "fax", "landline"),
    PiType.BANK_CARD: (
        "卡号",
        "银行卡",
        "账号",
        "帐号",
        "储蓄卡",
        "信用卡",
        "借记卡",
        "开户",
        "账户",
        "card",
        "account",
    ),
    PiType.EMAIL: ("邮箱", "邮件", "email", "mail"),
    PiType.IP: ("ip", "地址来源", "登录地址", "访问来源", "客户端"),
    PiType.PASSPORT: ("护照", "passport"),
    PiType.TRAVEL_PERMIT: ("通行证", "回乡证", "台胞证", "港澳", "往来台湾", "permit"),
    PiType.LICENCE_PLATE: ("车牌", "号牌", "车辆", "plate"),
    PiType.BIRTH_DATE: ("出生", "生日", "生于", "birth", "dob", "csrq"),
    PiType.NAME: ("姓名", "名字", "联系人", "收件人", "收货人", "客户", "name", "xm", "contact"),
    PiType.ADDRESS: ("地址", "住址", "住在", "寄到", "送到", "收货", "居住", "address", "addr"),
}

NEGATIVE: tuple[str, ...] = (
    "订单",
    "单号",
    "编号",
    "流水",
    "运单",
    "快递",
    "工单",
    "版本",
    "序列号",
    "条码",
    "批次",
    "发票",
    "合同",
    "交易号",
    "型号",
    "货号",
    "券码",
    "验证码",
    "金额",
    "order",
    "version",
    "serial",
    "sku",
    "tracking",
    "invoice",
)

_OWNER: dict[str, frozenset[PiType]] = {}
for _type, _words in _KEYWORDS.items():
    for _word in _words:
        _OWNER[_word] = _OWNER.get(_word, frozenset()) | {_type}
for _word in NEGATIVE:
    _OWNER[_word] = frozenset()


def _alternative(word: str) -> str:
    # A short Latin keyword must stand alone: "ip" is not in "description", nor "tel" in "hotel".
    if word.isascii() and len(word) <= 3:
        return f"(?<![A-Za-z]){re.escape(word)}(?![A-Za-z])"
    return re.escape(word)


# Longest first, so that 身份证 wins over a shorter keyword inside it. The leading class of first
# characters lets the engine leave most positions at once instead of trying every keyword there.
_FIRST = "".join(sorted({ch for w in _OWNER for ch in (w[0].lower(), w[0].upper())}))
_ANY = re.compile(
    f"(?=[{re.escape(_FIRST)}])(?:" + "|".join(_alternative(w) for w in sorted(_OWNER, key=len, reverse=True)) + ")",
    re.IGNORECASE,
)


def context_of(text: str, start: int) -> frozenset[PiType] | None:
    """The kinds the nearest keyword before ``start`` names (empty for a negative word), or None if none."""
    window = text[max(0, start - WINDOW) : start]
    last = None
    for last in _ANY.finditer(window):  # noqa: B007 - the last (nearest) keyword is the one that counts
        pass
    if last is None:
        return None
    return _OWNER[last.group(0).lower()]


def hint_types(hints: Iterable[str]) -> frozenset[PiType] | None:
    """The kinds named by a column's name (or a file's), in the same vocabulary as the context words."""
    found: set[PiType] = set()
    named = False
    for hint in hints:
        for match in _ANY.finditer(hint):
            named = True
            found |= _OWNER[match.group(0).lower()]
    return frozenset(found) if named else None
