"""The pure checks behind both the vault's validation and the scanner.

A value the vault refuses must never be reported by ``yinsi scan`` as a
certain find, and the other way round: the two would otherwise drift (the
vault once took any 11-digit number starting 13 to 19, so ``160 1234 5678``
went in as a mobile though no operator has ever been given that range). So
each check is written once, here, as a function of already-compacted text
that answers yes, no, or why not, and never raises or echoes the value.

Number ranges come from the data of Google's libphonenumber (the
``phonenumbers`` package), which follows the allocations of the Ministry of
Industry and Information Technology; upgrading the package is how a newly
allocated range (such as 192 in 2019) becomes acceptable.
"""

from __future__ import annotations

import re
from datetime import date
from enum import StrEnum

import phonenumbers

__all__ = [
    "PROVINCE_CODES",
    "RESIDENCE_PERMIT_REGION_CODES",
    "IdProblem",
    "id_check_char",
    "id_number_problem",
    "is_allocated_mobile",
    "is_card_issuer",
    "is_landline",
    "luhn_ok",
    "parse_yyyymmdd",
]

# Province-level codes of GB/T 2260 (the first two digits of the 公民身份号码 address code).
PROVINCE_CODES: frozenset[str] = frozenset(
    {
        *(str(n) for n in range(11, 16)),  # 北京 天津 河北 山西 内蒙古
        *(str(n) for n in range(21, 24)),  # 辽宁 吉林 黑龙江
        *(str(n) for n in range(31, 38)),  # 上海 江苏 浙江 安徽 福建 江西 山东
        *(str(n) for n in range(41, 47)),  # 河南 湖北 湖南 广东 广西 海南
        *(str(n) for n in range(50, 55)),  # 重庆 四川 贵州 云南 西藏
        *(str(n) for n in range(61, 66)),  # 陕西 甘肃 青海 宁夏 新疆
        "71",  # 台湾
    }
)

# 《港澳台居民居住证申领发放办法》 (2018): residence permits carry a 公民身份号码 whose address
# code is exactly 810000 (Hong Kong), 820000 (Macao) or 830000 (Taiwan). These are the only
# numbers with those prefixes, and the only plausible ones whose lower four digits are zero.
RESIDENCE_PERMIT_REGION_CODES: frozenset[str] = frozenset({"810000", "820000", "830000"})

_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK_CHARS = "10X98765432"
_ID_RE = re.compile(r"[0-9]{17}[0-9X]")
_EARLIEST_BIRTH_YEAR = 1900


def _cn_pattern(kind: str) -> re.Pattern[str]:
    metadata = phonenumbers.PhoneMetadata.metadata_for_region("CN")
    description = getattr(metadata, kind, None)
    pattern = getattr(description, "national_number_pattern", None)
    if not isinstance(pattern, str):
        raise ImportError(f"the phonenumbers package has no {kind} ranges for China")  # pragma: no cover
    return re.compile(pattern)


# The national-number patterns are plain regular expressions: matching them is far cheaper than
# phonenumbers.parse, which matters when a scan checks every 11-digit run in a gigabyte of logs.
_MOBILE_RANGES = _cn_pattern("mobile")
_FIXED_LINE_RANGES = _cn_pattern("fixed_line")

# Issuer identification numbers (the first digits of a card) of the networks cards in China belong
# to, each with the lengths its cards have: 62 and 60 UnionPay (and the old 9-prefixed debit cards of
# the big four banks), 4 Visa, 51-55 and 2221-2720 Mastercard, 35 JCB, 34 and 37 American Express.
_ISSUERS: tuple[tuple[re.Pattern[str], frozenset[int]], ...] = (
    (re.compile(r"6[02]"), frozenset(range(16, 20))),
    (re.compile(r"9[0-9]"), frozenset({16, 19})),
    (re.compile(r"4"), frozenset({13, 16, 19})),
    (re.compile(r"5[1-5]|2(?:2[2-9][1-9]|2[3-9][0-9]|[3-6][0-9]{2}|7[01][0-9]|720)"), frozenset({16})),
    (re.compile(r"35"), frozenset(range(16, 20))),
    (re.compile(r"3[47]"), frozenset({15})),
)


class IdProblem(StrEnum):
    """Why a text is not a resident ID number; each has its own message in validation."""

    OLD_FORMAT = "old_format"  # 15 digits: the pre-1999 number
    SHAPE = "shape"
    REGION = "region"
    BIRTH_DATE = "birth_date"
    CHECK_CHAR = "check_char"


def parse_yyyymmdd(digits: str) -> date | None:
    """The date eight digits spell, or None for 20230230 and the like."""
    try:
        return date(int(digits[:4]), int(digits[4:6]), int(digits[6:8]))
    except ValueError:
        return None


def id_check_char(body: str) -> str:
    """The check character (ISO 7064 MOD 11-2) of the first 17 digits of a resident ID number."""
    return _ID_CHECK_CHARS[sum(int(d) * w for d, w in zip(body, _ID_WEIGHTS, strict=True)) % 11]


def id_number_problem(compact: str, today: date) -> IdProblem | None:
    """What is wrong with ``compact`` (upper case, no spaces) as a 18-character resident ID number, if anything."""
    if len(compact) == 15 and compact.isascii() and compact.isdigit():
        return IdProblem.OLD_FORMAT
    if not _ID_RE.fullmatch(compact):
        return IdProblem.SHAPE
    region = compact[:6]
    if region[:2] in ("81", "82", "83"):
        plausible_region = region in RESIDENCE_PERMIT_REGION_CODES
    else:
        plausible_region = region[:2] in PROVINCE_CODES and region[2:] != "0000"
    if not plausible_region:
        return IdProblem.REGION
    birth = parse_yyyymmdd(compact[6:14])
    if birth is None or birth.year < _EARLIEST_BIRTH_YEAR or birth > today:
        return IdProblem.BIRTH_DATE
    if compact[17] != id_check_char(compact[:17]):
        return IdProblem.CHECK_CHAR
    return None


def is_allocated_mobile(digits: str) -> bool:
    """Whether 11 digits (no prefix) are a mainland mobile number in a range that has been allocated."""
    return len(digits) == 11 and _MOBILE_RANGES.fullmatch(digits) is not None


def is_landline(digits: str) -> bool:
    """Whether digits with the trunk prefix (``01062345678``) are a mainland fixed-line number."""
    return len(digits) >= 10 and digits[0] == "0" and _FIXED_LINE_RANGES.fullmatch(digits[1:]) is not None


_DOUBLED = (0, 2, 4, 6, 8, 1, 3, 5, 7, 9)  # a digit doubled, its two digits added (Luhn)


def luhn_ok(digits: str) -> bool:
    """The Luhn check every payment card number carries in its last digit."""
    total = sum(int(d) for d in digits[-1::-2]) + sum(_DOUBLED[int(d)] for d in digits[-2::-2])
    return total % 10 == 0


def is_card_issuer(digits: str) -> bool:
    """Whether a card number starts like a card of a network used in China and has that network's length."""
    return any(prefix.match(digits) and len(digits) in lengths for prefix, lengths in _ISSUERS)
