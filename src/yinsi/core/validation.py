"""Checking Chinese personal information before it is stored.

A value that is wrong on the way in is wrong forever after: a blind index
built from ``138-0013-8000`` never finds ``13800138000``, and a mistyped ID
number silently breaks age checks for minors. So every value is turned into
one canonical form here, or refused with a reason a person can act on.

The reasons never repeat the value. Errors end up in logs, API responses and
audit trails; echoing a rejected ID number there would leak exactly what the
platform exists to protect. For the same reason no exception raised here
carries a library's own error (``ipaddress`` and ``int`` put the offending
text in their messages) as its cause or context.
"""

from __future__ import annotations

import ipaddress
import re
import unicodedata
from collections.abc import Collection, Mapping
from datetime import UTC, date, datetime

from email_validator import validate_email

from yinsi.core.deadlines import today_in_china
from yinsi.core.detect.checks import (
    PROVINCE_CODES,
    RESIDENCE_PERMIT_REGION_CODES,
    IdProblem,
    id_number_problem,
    is_allocated_mobile,
    luhn_ok,
    parse_yyyymmdd,
)
from yinsi.core.i18n import Msg
from yinsi.core.policy.vocabulary import FieldType

__all__ = [
    "PROVINCE_CODES",
    "RESIDENCE_PERMIT_REGION_CODES",
    "InvalidValue",
    "age_on",
    "birth_date_from_id",
    "normalise_for_index",
    "presented",
    "presented_values",
    "validate",
]


class InvalidValue(ValueError):
    """A value refused on the way in: names the field and why, never the value itself."""

    code = "invalid_value"

    def __init__(self, field: str, reason: Msg) -> None:
        self.field = field
        self.reason = reason
        super().__init__(reason.en)

    def __str__(self) -> str:
        return self.reason.en

    def __repr__(self) -> str:
        return f"InvalidValue(field={self.field!r}, reason={self.reason.en!r})"

    def __reduce__(self) -> tuple[type[InvalidValue], tuple[str, Msg]]:
        # Pickling (multiprocessing, task queues) would otherwise call __init__ with the message only.
        return (type(self), (self.field, self.reason))


# --- limits -----------------------------------------------------------------

MAX_TEXT = 512
MAX_ADDRESS = 256
MAX_FREE_TEXT = 10_000
MAX_NAME = 64
MAX_INTEGER = 10**12

_ID_RE = re.compile(r"[0-9]{17}[0-9X]")
_MOBILE_RE = re.compile(r"1[3-9][0-9]{9}")
_DIGITS_RE = re.compile(r"[0-9]+")
_DATE_RE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_INTEGER_RE = re.compile(r"[+-]?[0-9]+")
_SPACES_RE = re.compile("[ \u3000]+")
_MOBILE_PREFIXES = ("+86", "0086", "86")
_SEPARATORS = str.maketrans("", "", " -\u3000\u00a0")
# Look-alikes people type for the middle dot in names such as 买买提·艾力; stored as U+00B7.
_MIDDLE_DOTS = str.maketrans(dict.fromkeys("\u2027\u30fb\uff65\u2022\u22c5\u2219", "\u00b7"))
_NAME_PUNCTUATION = frozenset("\u00b7-'.\u2019")
# Bidirectional overrides and isolates can make text display as something other than what is stored.
_BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")

# --- the entry point --------------------------------------------------------


def validate(field_id: str, field_type: FieldType, value: object, *, today: date | None = None) -> str:
    """The canonical stored form of ``value``, or InvalidValue.

    ``today`` (the date in China) bounds ID birth dates; it defaults to the
    clock only so that callers need not pass it, and tests pin it.
    """
    field_type = FieldType(field_type)  # a plain "mobile" from a caller must not slip past the identity checks
    if field_type is FieldType.MOBILE:
        return _mobile(field_id, value)
    if field_type is FieldType.ID_NUMBER:
        return _id_number(field_id, value, today if today is not None else today_in_china(datetime.now(UTC)))
    if field_type is FieldType.EMAIL:
        return _email(field_id, value)
    if field_type is FieldType.BANK_CARD:
        return _bank_card(field_id, value)
    if field_type is FieldType.NAME:
        return _name(field_id, value)
    if field_type is FieldType.IP:
        return _ip(field_id, value)
    if field_type is FieldType.DATE:
        return _date(field_id, value)
    if field_type is FieldType.INTEGER:
        return _integer(field_id, value)
    if field_type is FieldType.FREE_TEXT:
        return _free_text(field_id, value)
    if field_type is FieldType.ADDRESS:
        return _text(field_id, value, limit=MAX_ADDRESS, strip=True)
    if field_type is FieldType.CREDENTIAL:
        # A password or token is kept byte for byte: trimming it would change the secret.
        return _text(field_id, value, limit=MAX_TEXT, strip=False)
    if field_type in (FieldType.DEVICE_ID, FieldType.ACCOUNT, FieldType.MEDIA, FieldType.LOCATION):
        return _text(field_id, value, limit=MAX_TEXT, strip=True)
    raise AssertionError(f"no validation rule for field type {field_type!s}")  # pragma: no cover


def normalise_for_index(field_type: FieldType, canonical: str) -> str:
    """The form a blind index hashes, so that equal values find each other whatever their spelling."""
    field_type = FieldType(field_type)
    if field_type in (FieldType.MOBILE, FieldType.BANK_CARD):
        return "".join(_DIGITS_RE.findall(unicodedata.normalize("NFKC", canonical)))
    if field_type is FieldType.ID_NUMBER:
        return canonical.strip().upper()
    if field_type is FieldType.EMAIL:
        return canonical.strip().lower()
    return unicodedata.normalize("NFKC", canonical).casefold().strip()


def presented(field_type: FieldType, canonical: str) -> str | int:
    """A stored value as the API gives it back: typed as the spec declares it.

    The vault keeps every value as canonical text (it is sealed as bytes), but
    a field of type ``integer`` was written as a number and a client must get a
    number back, or ``age + 1`` becomes ``"341"``. Dates stay ISO 8601 strings
    (JSON has no date type); every other type is text. A value that is not the
    canonical integer text (a masked form such as ``***``) is returned as it is.
    """
    if FieldType(field_type) is FieldType.INTEGER and _INTEGER_RE.fullmatch(canonical):
        significant = canonical.lstrip("+-").lstrip("0")
        if len(significant) <= 13:  # canonical integers are within MAX_INTEGER; never parse a huge string
            return int(canonical)
    return canonical


def presented_values(
    field_types: Mapping[str, FieldType], values: Mapping[str, str], *, masked: Collection[str] = ()
) -> dict[str, str | int]:
    """``values`` typed by :func:`presented`; a field in ``masked`` or of an undeclared type stays text."""
    return {
        field: value if field in masked or field not in field_types else presented(field_types[field], value)
        for field, value in values.items()
    }


def birth_date_from_id(id_number: str) -> date:
    """The date of birth an 18-character resident ID number encodes (digits 7 to 14)."""
    text = id_number.strip().upper()
    if not _ID_RE.fullmatch(text):
        raise ValueError("not an 18-character resident ID number")
    birth = parse_yyyymmdd(text[6:14])
    if birth is None:
        raise ValueError("the resident ID number does not encode a real date of birth")
    return birth


def age_on(birth: date, today: date) -> int:
    """Age in whole years (周岁) on ``today``.

    Someone born on 29 February turns a year older on 1 March in common
    years: erring late keeps minors' protections on for the extra day.
    """
    if today < birth:
        raise ValueError("the date is before the date of birth")
    return today.year - birth.year - ((today.month, today.day) < (birth.month, birth.day))


# --- helpers ----------------------------------------------------------------


def _fail(field_id: str, zh: str, en: str) -> InvalidValue:
    return InvalidValue(field_id, Msg(f"字段 {field_id}：{zh}", f"Field {field_id}: {en}"))


def _require_str(field_id: str, value: object, zh_kind: str, en_kind: str) -> str:
    if not isinstance(value, str):
        raise _fail(field_id, f"应为文本形式的{zh_kind}。", f"expected {en_kind} as text.")
    return value


def _has_forbidden_controls(text: str, allowed: frozenset[str] = frozenset()) -> bool:
    for ch in text:
        if ch in allowed:
            continue
        if unicodedata.category(ch) in ("Cc", "Cs") or ch in _BIDI_CONTROLS:
            return True
    return False


# --- one function per field type ----------------------------------------------


def _mobile(field_id: str, value: object) -> str:
    text = _require_str(field_id, value, "手机号码", "a mobile number")
    compact = unicodedata.normalize("NFKC", text).strip().translate(_SEPARATORS)
    for prefix in _MOBILE_PREFIXES:
        rest = compact.removeprefix(prefix)
        if rest != compact and len(rest) == 11 and _DIGITS_RE.fullmatch(rest):
            compact = rest
            break
    if not _MOBILE_RE.fullmatch(compact):
        raise _fail(
            field_id,
            "不是有效的中国大陆手机号码：应为 11 位数字、以 13 至 19 开头（可带 +86 前缀）。",
            "not a valid mainland China mobile number: it must be 11 digits starting with 13 to 19 "
            "(a +86 prefix is allowed).",
        )
    if not is_allocated_mobile(compact):
        raise _fail(
            field_id,
            "不是有效的中国大陆手机号码：这个号段没有分配给任何运营商（如 160、163、168、169 开头），请核对号码。",
            "not a valid mainland China mobile number: no operator has been allocated this range "
            "(such as numbers starting 160, 163, 168 or 169); check the number.",
        )
    return compact


def _id_number(field_id: str, value: object, today: date) -> str:
    text = _require_str(field_id, value, "居民身份证号码", "a resident ID number")
    compact = unicodedata.normalize("NFKC", text).strip().replace(" ", "").upper()
    problem = id_number_problem(compact, today)
    if problem is IdProblem.OLD_FORMAT:
        raise _fail(
            field_id,
            "这是 15 位的旧身份证号码，请提供 18 位的居民身份证号码。",
            "this is an old 15-digit ID number; an 18-digit resident ID number is needed.",
        )
    if problem is IdProblem.SHAPE:
        raise _fail(
            field_id,
            "居民身份证号码应为 18 位：前 17 位为数字，最后一位为数字或 X。",
            "a resident ID number must have 18 characters: 17 digits followed by a digit or X.",
        )
    if problem is IdProblem.REGION:
        raise _fail(
            field_id,
            "号码开头的行政区划代码不存在，请核对前 6 位。",
            "the region code at the start of the number does not exist; check the first six digits.",
        )
    if problem is IdProblem.BIRTH_DATE:
        raise _fail(
            field_id,
            "号码中的出生日期（第 7 至 14 位）不是真实存在的日期。",
            "the date of birth in the number (digits 7 to 14) is not a possible date.",
        )
    if problem is IdProblem.CHECK_CHAR:
        raise _fail(
            field_id,
            "校验码（最后一位）不正确，号码可能有输入错误。",
            "the check character (the last one) is wrong; the number was probably mistyped.",
        )
    return compact


def _email(field_id: str, value: object) -> str:
    text = _require_str(field_id, value, "电子邮箱地址", "an email address").strip()
    normalised: str | None
    try:
        normalised = validate_email(text, check_deliverability=False).normalized
    except ValueError:
        # The library's message quotes parts of the address: it must not become this error's context.
        normalised = None
    if normalised is None:
        raise _fail(field_id, "不是有效的电子邮箱地址。", "not a valid email address.")
    return normalised.lower()


def _bank_card(field_id: str, value: object) -> str:
    text = _require_str(field_id, value, "银行卡号", "a bank card number")
    digits = unicodedata.normalize("NFKC", text).strip().translate(_SEPARATORS)
    if not (12 <= len(digits) <= 19 and _DIGITS_RE.fullmatch(digits)):
        raise _fail(
            field_id,
            "银行卡号应为 12 至 19 位数字。",
            "a bank card number must be 12 to 19 digits.",
        )
    if not luhn_ok(digits):
        raise _fail(
            field_id,
            "银行卡号校验不通过（Luhn 校验），号码可能有输入错误。",
            "the bank card number fails its check (Luhn); it was probably mistyped.",
        )
    return digits


def _name(field_id: str, value: object) -> str:
    text = _require_str(field_id, value, "姓名", "a name")
    name = _SPACES_RE.sub(" ", text.translate(_MIDDLE_DOTS)).strip()
    if not name:
        raise _fail(field_id, "姓名不能为空。", "the name is empty.")
    if len(name) > MAX_NAME:
        raise _fail(field_id, "姓名过长，最多 64 个字符。", "the name is too long: at most 64 characters.")
    has_letter = False
    for ch in name:
        category = unicodedata.category(ch)
        if category.startswith("L"):
            has_letter = True
        elif category.startswith("M") or ch == " " or ch in _NAME_PUNCTUATION:
            continue
        else:
            raise _fail(
                field_id,
                "姓名只能包含文字、间隔号 ·、空格、连字符、撇号和句点，不能有数字或控制字符。",
                "a name may contain only letters, the middle dot ·, spaces, hyphens, apostrophes and "
                "full stops; no digits or control characters.",
            )
    if not has_letter:
        raise _fail(field_id, "姓名中至少要有一个文字。", "a name needs at least one letter.")
    return name


def _ip(field_id: str, value: object) -> str:
    text = _require_str(field_id, value, "IP 地址", "an IP address")
    address: ipaddress.IPv4Address | ipaddress.IPv6Address | None
    try:
        address = ipaddress.ip_address(unicodedata.normalize("NFKC", text).strip())
    except ValueError:
        address = None  # ipaddress quotes the input in its message: raise outside this block
    if address is None:
        raise _fail(field_id, "不是有效的 IPv4 或 IPv6 地址。", "not a valid IPv4 or IPv6 address.")
    return address.compressed


def _date(field_id: str, value: object) -> str:
    if isinstance(value, datetime):
        raise _fail(
            field_id,
            "应为日期（年-月-日），不应带时间。",
            "expected a date (year-month-day) without a time of day.",
        )
    if isinstance(value, date):
        return value.isoformat()
    text = _require_str(field_id, value, "日期（YYYY-MM-DD）", "a date (YYYY-MM-DD)")
    text = unicodedata.normalize("NFKC", text).strip()
    parsed = parse_yyyymmdd(text.replace("-", "")) if _DATE_RE.fullmatch(text) else None
    if parsed is None:
        raise _fail(
            field_id,
            "不是有效日期，应写作 YYYY-MM-DD（如 2024-03-01）。",
            "not a valid date; write it as YYYY-MM-DD (for example 2024-03-01).",
        )
    return parsed.isoformat()


def _integer(field_id: str, value: object) -> str:
    number: int | None = None
    if isinstance(value, bool):
        number = None
    elif isinstance(value, int):
        number = value
    elif isinstance(value, str):
        text = unicodedata.normalize("NFKC", value).strip().replace("_", "")
        if _INTEGER_RE.fullmatch(text):
            # Anything longer than 13 significant digits is out of range; never parse a huge string.
            significant = text.lstrip("+-").lstrip("0")
            number = int(text) if len(significant) <= 13 else MAX_INTEGER + 1
    if number is None:
        raise _fail(field_id, "应为整数。", "expected a whole number.")
    if abs(number) > MAX_INTEGER:
        raise _fail(
            field_id,
            "整数超出允许范围（绝对值不超过一万亿）。",
            "the number is out of range: its size may be at most one trillion (10^12).",
        )
    return str(number)


def _text(field_id: str, value: object, *, limit: int, strip: bool) -> str:
    text = _require_str(field_id, value, "文本", "text")
    if strip:
        text = text.strip()
    if not text:
        raise _fail(field_id, "不能为空。", "the value is empty.")
    if len(text) > limit:
        raise _fail(field_id, f"内容过长，最多 {limit} 个字符。", f"too long: at most {limit} characters.")
    if _has_forbidden_controls(text):
        raise _fail(field_id, "含有控制字符。", "contains control characters.")
    return text


def _free_text(field_id: str, value: object) -> str:
    text = _require_str(field_id, value, "文本", "text")
    # Browsers submit textarea line breaks as CRLF; storing one convention keeps lookups and diffs sane.
    text = text.replace("\r\n", "\n").replace("\r", "\n").strip()
    if not text:
        raise _fail(field_id, "不能为空。", "the value is empty.")
    if len(text) > MAX_FREE_TEXT:
        raise _fail(field_id, "内容过长，最多 10,000 个字符。", "too long: at most 10,000 characters.")
    if _has_forbidden_controls(text, allowed=frozenset("\n\t")):
        raise _fail(
            field_id,
            "含有控制字符（只允许换行和制表符）。",
            "contains control characters (only line breaks and tabs are allowed).",
        )
    return text
