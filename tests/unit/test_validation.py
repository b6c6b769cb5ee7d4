"""Validation of Chinese PI on the way in: canonical forms, precise reasons, and no value ever echoed."""

from __future__ import annotations

import pickle
import re
from datetime import date, datetime

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from yinsi.core.policy.vocabulary import FieldType
from yinsi.core.validation import (
    MAX_INTEGER,
    PROVINCE_CODES,
    RESIDENCE_PERMIT_REGION_CODES,
    InvalidValue,
    age_on,
    birth_date_from_id,
    normalise_for_index,
    validate,
)

F = FieldType
TODAY = date(2025, 6, 1)
SAMPLE_ID = "11010519491231002X"  # the sample printed in GB 11643-1999


def _id_check(first17: str) -> str:
    weights = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
    return "10X98765432"[sum(int(d) * w for d, w in zip(first17, weights, strict=True)) % 11]


def _make_id(region: str, birth: str, sequence: str = "123") -> str:
    first17 = region + birth + sequence
    return first17 + _id_check(first17)


def _with_luhn(body: str) -> str:
    for check in "0123456789":
        digits = body + check
        total = 0
        for position, char in enumerate(reversed(digits)):
            value = int(char) * (2 if position % 2 else 1)
            total += value - 9 if value > 9 else value
        if total % 10 == 0:
            return digits
    raise AssertionError("unreachable")


def _reason(field_type: FieldType, value: object, field_id: str = "f") -> InvalidValue:
    with pytest.raises(InvalidValue) as caught:
        validate(field_id, field_type, value, today=TODAY)
    return caught.value


# --- the exception --------------------------------------------------------------


def test_invalid_value_carries_field_reason_and_code() -> None:
    exc = _reason(F.MOBILE, "12345", field_id="contact_mobile")
    assert exc.field == "contact_mobile"
    assert exc.code == "invalid_value"
    assert isinstance(exc, ValueError)
    assert "contact_mobile" in exc.reason.zh
    assert "contact_mobile" in exc.reason.en
    assert str(exc) == exc.reason.en
    assert "12345" not in repr(exc)


def test_invalid_value_survives_pickling() -> None:
    exc = _reason(F.EMAIL, "nope", field_id="email")
    copy = pickle.loads(pickle.dumps(exc))  # noqa: S301 - our own object, round-tripped in memory
    assert (copy.field, copy.reason) == (exc.field, exc.reason)


@pytest.mark.parametrize(
    ("field_type", "value"),
    [
        (F.IP, "300.1.2.3"),
        (F.INTEGER, "12abc"),
        (F.DATE, "2023-02-30"),
        (F.EMAIL, "bad@@example.com"),
    ],
)
def test_library_errors_are_not_chained(field_type: FieldType, value: str) -> None:
    # ipaddress, int() and date quote their input; chaining them would carry the value into tracebacks.
    exc = _reason(field_type, value)
    assert exc.__cause__ is None
    assert exc.__context__ is None


# --- mobile ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "value",
    [
        "13800138000",
        "138 0013 8000",
        "138-0013-8000",
        "+8613800138000",
        "+86 138 0013 8000",
        "008613800138000",
        "8613800138000",
        "１３８００１３８０００",  # full-width digits from a Chinese IME
    ],
)
def test_mobile_accepts_common_spellings(value: str) -> None:
    assert validate("m", F.MOBILE, value) == "13800138000"


@pytest.mark.parametrize(
    "value",
    ["12800138000", "1380013800", "138001380001", "86138001380", "+1 4155550123", "1380013800a", "", "+86"],
)
def test_mobile_rejects(value: str) -> None:
    exc = _reason(F.MOBILE, value)
    assert "11" in exc.reason.en
    assert "手机号码" in exc.reason.zh


@pytest.mark.parametrize(
    "value", ["16012345678", "16312345678", "16412345678", "16812345678", "16912345678", "19412345678"]
)
def test_mobile_rejects_unallocated_ranges(value: str) -> None:
    """Eleven digits starting 1 are not enough: no operator holds these ranges, so no person has such a number."""
    exc = _reason(F.MOBILE, value)
    assert "allocated" in exc.reason.en
    assert "号段" in exc.reason.zh
    assert value not in exc.reason.en + exc.reason.zh


@pytest.mark.parametrize("value", ["16612345678", "17312345678", "19212345678", "19912345678", "14712345678"])
def test_mobile_accepts_the_newer_ranges(value: str) -> None:
    assert validate("m", F.MOBILE, value) == value


def test_mobile_86_prefix_is_only_stripped_when_eleven_digits_remain() -> None:
    # 12 digits that start with 86 are not a prefixed mobile number.
    _reason(F.MOBILE, "861380013800")


# --- resident ID number -----------------------------------------------------------


def test_id_published_sample_passes() -> None:
    assert validate("id", F.ID_NUMBER, SAMPLE_ID, today=TODAY) == SAMPLE_ID
    assert validate("id", F.ID_NUMBER, SAMPLE_ID.lower(), today=TODAY) == SAMPLE_ID
    assert validate("id", F.ID_NUMBER, " 110105 19491231 002x ", today=TODAY) == SAMPLE_ID


def test_id_old_fifteen_digit_number_asks_for_eighteen() -> None:
    exc = _reason(F.ID_NUMBER, "110105491231002")
    assert "18" in exc.reason.en
    assert "15" in exc.reason.en
    assert "18 位" in exc.reason.zh


@pytest.mark.parametrize(
    "value", ["1101051949123100", "11010519491231002XX", "1101051949123100X2", "11010519491231002Y"]
)
def test_id_wrong_length_or_characters(value: str) -> None:
    exc = _reason(F.ID_NUMBER, value)
    assert "17 digits" in exc.reason.en


def test_id_wrong_check_character() -> None:
    exc = _reason(F.ID_NUMBER, "110105194912310021")
    assert "check character" in exc.reason.en
    assert "校验码" in exc.reason.zh


@pytest.mark.parametrize("birth", ["19490230", "19491301", "18991231", "20250602", "00000000"])
def test_id_impossible_birth_date(birth: str) -> None:
    # A correct check character, so only the date can be the reason.
    exc = _reason(F.ID_NUMBER, _make_id("110105", birth))
    assert "date of birth" in exc.reason.en
    assert "出生日期" in exc.reason.zh


def test_id_born_today_is_possible() -> None:
    value = _make_id("110105", TODAY.strftime("%Y%m%d"))
    assert validate("id", F.ID_NUMBER, value, today=TODAY) == value


@pytest.mark.parametrize(
    "region", ["000000", "990101", "100101", "110000", "440000", "720101", "810101", "830100", "840000"]
)
def test_id_implausible_region(region: str) -> None:
    exc = _reason(F.ID_NUMBER, _make_id(region, "19900101"))
    assert "region code" in exc.reason.en
    assert "行政区划" in exc.reason.zh


@pytest.mark.parametrize("region", ["110105", "440305", "500101", "654324", "710101", "810000", "820000", "830000"])
def test_id_plausible_regions(region: str) -> None:
    value = _make_id(region, "19900101")
    assert validate("id", F.ID_NUMBER, value, today=TODAY) == value


_regions = st.one_of(
    st.builds(
        lambda province, rest: province + rest,
        st.sampled_from(sorted(PROVINCE_CODES)),
        st.from_regex(r"[0-9]{4}", fullmatch=True).filter(lambda rest: rest != "0000"),
    ),
    st.sampled_from(sorted(RESIDENCE_PERMIT_REGION_CODES)),
)
_valid_ids = st.builds(
    lambda region, birth, sequence: _make_id(region, birth.strftime("%Y%m%d"), sequence),
    _regions,
    st.dates(min_value=date(1900, 1, 1), max_value=TODAY),
    st.from_regex(r"[0-9]{3}", fullmatch=True),
)


@given(value=_valid_ids)
def test_generated_ids_validate(value: str) -> None:
    assert validate("id", F.ID_NUMBER, value, today=TODAY) == value
    assert validate("id", F.ID_NUMBER, value.lower(), today=TODAY) == value
    assert birth_date_from_id(value).strftime("%Y%m%d") == value[6:14]


@given(value=_valid_ids, wrong=st.sampled_from("0123456789X"))
def test_generated_ids_fail_with_another_check_character(value: str, wrong: str) -> None:
    assume(wrong != value[-1])
    exc = _reason(F.ID_NUMBER, value[:17] + wrong)
    assert "check character" in exc.reason.en


# --- email ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("Alice@Example.COM", "alice@example.com"),
        ("  bob.smith+tag@mail.example.cn ", "bob.smith+tag@mail.example.cn"),
        ("张三@例子.中国", "张三@例子.中国"),
    ],
)
def test_email_accepts_and_lower_cases(value: str, expected: str) -> None:
    assert validate("e", F.EMAIL, value) == expected


@pytest.mark.parametrize(
    "value", ["not-an-email", "a@b", "a b@example.com", "@example.com", "alice@", "x@localhost", ""]
)
def test_email_rejects(value: str) -> None:
    exc = _reason(F.EMAIL, value)
    assert "email" in exc.reason.en


# --- bank card ------------------------------------------------------------------


def test_bank_card_accepts_luhn_valid_numbers() -> None:
    card = _with_luhn("622202123456789012")
    assert validate("b", F.BANK_CARD, card) == card
    spaced = " ".join(card[i : i + 4] for i in range(0, len(card), 4))
    assert validate("b", F.BANK_CARD, spaced) == card
    assert validate("b", F.BANK_CARD, card.replace("2", "-2", 1)) == card
    twelve = _with_luhn("62220212345")
    assert validate("b", F.BANK_CARD, twelve) == twelve


@given(body=st.from_regex(r"[0-9]{11,18}", fullmatch=True))
def test_bank_card_generated_luhn_numbers_pass_and_a_changed_digit_fails(body: str) -> None:
    card = _with_luhn(body)
    assert validate("b", F.BANK_CARD, card) == card
    broken = card[:-1] + str((int(card[-1]) + 1) % 10)
    assert "Luhn" in _reason(F.BANK_CARD, broken).reason.en


@pytest.mark.parametrize("value", ["12345678901", "12345678901234567890", "6222 0212 3456 abcd", ""])
def test_bank_card_rejects_wrong_length_or_characters(value: str) -> None:
    assert "12 to 19 digits" in _reason(F.BANK_CARD, value).reason.en


# --- name -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("张三", "张三"),
        ("  欧阳娜娜 ", "欧阳娜娜"),
        ("买买提·艾力", "买买提·艾力"),
        ("买买提•艾力", "买买提·艾力"),  # a bullet typed for the middle dot
        ("阿依古丽・吐尔逊", "阿依古丽·吐尔逊"),  # katakana middle dot from a Japanese IME
        ("Mary-Jane O'Brien Jr.", "Mary-Jane O'Brien Jr."),
        ("Zhang   San", "Zhang San"),
        ("李", "李"),
        ("José", "José"),
    ],
)
def test_name_accepts(value: str, expected: str) -> None:
    assert validate("n", F.NAME, value) == expected


@pytest.mark.parametrize("value", ["张三3", "Agent 007", "张\x00三", "张\t三", "张三@", "张三_"])
def test_name_rejects_digits_symbols_and_controls(value: str) -> None:
    assert "no digits" in _reason(F.NAME, value).reason.en


def test_name_rejects_empty_too_long_and_letterless() -> None:
    assert "empty" in _reason(F.NAME, "   ").reason.en
    assert "64" in _reason(F.NAME, "张" * 65).reason.en
    assert validate("n", F.NAME, "张" * 64) == "张" * 64
    assert "at least one letter" in _reason(F.NAME, "·-.").reason.en


# --- ip -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("192.168.1.20", "192.168.1.20"),
        (" 10.0.0.1 ", "10.0.0.1"),
        ("2001:0DB8:0000:0000:0000:0000:0000:0001", "2001:db8::1"),
        ("::1", "::1"),
    ],
)
def test_ip_accepts_and_compresses(value: str, expected: str) -> None:
    assert validate("ip", F.IP, value) == expected


@pytest.mark.parametrize("value", ["256.1.1.1", "192.168.1", "192.168.001.1", "2001:db8::g", "localhost", ""])
def test_ip_rejects(value: str) -> None:
    assert "IPv4 or IPv6" in _reason(F.IP, value).reason.en


# --- date and integer -----------------------------------------------------------------


def test_date_accepts_iso_text_and_dates() -> None:
    assert validate("d", F.DATE, "2024-02-29") == "2024-02-29"
    assert validate("d", F.DATE, " 2024-03-01 ") == "2024-03-01"
    assert validate("d", F.DATE, date(1990, 5, 17)) == "1990-05-17"


@pytest.mark.parametrize("value", ["2023-02-29", "2024-13-01", "20240101", "2024/01/01", "2024-1-1", "yesterday"])
def test_date_rejects(value: str) -> None:
    assert "YYYY-MM-DD" in _reason(F.DATE, value).reason.en


def test_date_rejects_datetimes_and_numbers() -> None:
    assert "time of day" in _reason(F.DATE, datetime(2024, 1, 1, 8, 0)).reason.en
    assert "as text" in _reason(F.DATE, 20240101).reason.en


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (42, "42"),
        ("42", "42"),
        (" -0012 ", "-12"),
        ("+7", "7"),
        (MAX_INTEGER, str(MAX_INTEGER)),
        (-MAX_INTEGER, str(-MAX_INTEGER)),
    ],
)
def test_integer_accepts(value: object, expected: str) -> None:
    assert validate("i", F.INTEGER, value) == expected


@pytest.mark.parametrize("value", [True, 1.0, "1.5", "1e3", "", "twelve", None])
def test_integer_rejects_non_whole_numbers(value: object) -> None:
    assert "whole number" in _reason(F.INTEGER, value).reason.en


@pytest.mark.parametrize("value", [MAX_INTEGER + 1, -MAX_INTEGER - 1, "9" * 5000])
def test_integer_rejects_out_of_range(value: object) -> None:
    assert "out of range" in _reason(F.INTEGER, value).reason.en


# --- plain text fields ----------------------------------------------------------------

_TEXT_TYPES = [F.DEVICE_ID, F.ACCOUNT, F.CREDENTIAL, F.MEDIA, F.LOCATION]


@pytest.mark.parametrize("field_type", _TEXT_TYPES)
def test_text_fields_accept_up_to_512(field_type: FieldType) -> None:
    assert validate("t", field_type, "abc-123") == "abc-123"
    assert validate("t", field_type, "x" * 512) == "x" * 512


@pytest.mark.parametrize("field_type", _TEXT_TYPES)
def test_text_fields_reject_empty_long_and_control(field_type: FieldType) -> None:
    assert "empty" in _reason(field_type, "").reason.en
    assert "512" in _reason(field_type, "x" * 513).reason.en
    assert "control" in _reason(field_type, "ab\x00cd").reason.en
    assert "control" in _reason(field_type, "ab\ncd").reason.en
    assert "control" in _reason(field_type, "ab\u202ecd").reason.en  # right-to-left override


def test_credentials_are_kept_exactly() -> None:
    assert validate("c", F.CREDENTIAL, "  secret with spaces ") == "  secret with spaces "


def test_other_text_fields_are_trimmed() -> None:
    assert validate("d", F.DEVICE_ID, "  IMEI-abc  ") == "IMEI-abc"


def test_address_limit_is_256() -> None:
    assert validate("a", F.ADDRESS, "北" * 256) == "北" * 256
    assert "256" in _reason(F.ADDRESS, "北" * 257).reason.en
    assert "empty" in _reason(F.ADDRESS, " ").reason.en
    assert "control" in _reason(F.ADDRESS, "北京\x07").reason.en


def test_free_text_allows_newlines_and_tabs() -> None:
    assert validate("t", F.FREE_TEXT, "第一行\r\n第二行\r第三行\t完") == "第一行\n第二行\n第三行\t完"
    assert validate("t", F.FREE_TEXT, "x" * 10_000) == "x" * 10_000


def test_free_text_rejects() -> None:
    assert "10,000" in _reason(F.FREE_TEXT, "x" * 10_001).reason.en
    assert "control" in _reason(F.FREE_TEXT, "响铃\x07").reason.en
    assert "empty" in _reason(F.FREE_TEXT, "\n\n").reason.en


@pytest.mark.parametrize(
    "field_type",
    [ft for ft in FieldType if ft not in (F.INTEGER, F.DATE)],
)
@pytest.mark.parametrize("value", [13800138000, None, b"13800138000", ["a"]])
def test_non_strings_are_refused_naming_the_kind(field_type: FieldType, value: object) -> None:
    exc = _reason(field_type, value)
    assert "as text" in exc.reason.en
    assert "文本形式" in exc.reason.zh


# --- no value in any message ------------------------------------------------------------

_LONG_DIGIT_RUN = re.compile(r"[0-9]{5,}")


def _rejection(field_type: FieldType, value: str) -> InvalidValue | None:
    try:
        validate("pi_field", field_type, value, today=TODAY)
    except InvalidValue as exc:
        return exc
    return None


def _assert_not_echoed(exc: InvalidValue, value: str) -> None:
    for text in (exc.reason.zh, exc.reason.en, str(exc), repr(exc), *map(str, exc.args)):
        assert value not in text
    assert exc.__context__ is None
    assert exc.__cause__ is None


@given(
    field_type=st.sampled_from([F.MOBILE, F.ID_NUMBER, F.BANK_CARD]),
    value=st.text(alphabet="0123456789", min_size=5, max_size=24),
)
def test_digit_strings_are_never_echoed(field_type: FieldType, value: str) -> None:
    exc = _rejection(field_type, value)
    if exc is not None:
        _assert_not_echoed(exc, value)
        assert not _LONG_DIGIT_RUN.search(exc.reason.zh + exc.reason.en)


@given(
    field_type=st.sampled_from([F.MOBILE, F.ID_NUMBER, F.BANK_CARD]),
    value=st.text(alphabet="0123456789 -+Xx", min_size=5, max_size=24),
)
def test_digit_like_strings_are_never_echoed(field_type: FieldType, value: str) -> None:
    exc = _rejection(field_type, value)
    if exc is not None:
        _assert_not_echoed(exc, value)
        assert not _LONG_DIGIT_RUN.search(exc.reason.zh + exc.reason.en)


# Hypothesis also draws strings from this project's own source, messages included, so a random
# value may be a word of a message by construction. A marker no message uses makes the check exact.
_MARKER = "\u2603"


@given(
    field_type=st.sampled_from(list(FieldType)),
    before=st.text(max_size=40),
    after=st.text(max_size=40),
)
def test_text_is_never_echoed(field_type: FieldType, before: str, after: str) -> None:
    value = before + _MARKER + after
    exc = _rejection(field_type, value)
    if exc is not None:
        _assert_not_echoed(exc, value)
        for text in (exc.reason.zh, exc.reason.en, repr(exc)):
            assert _MARKER not in text
        assert exc.field == "pi_field"


@given(field_type=st.sampled_from(list(FieldType)), value=st.text(min_size=1, max_size=80))
def test_any_text_is_accepted_or_refused_cleanly(field_type: FieldType, value: str) -> None:
    exc = _rejection(field_type, value)
    if exc is not None:
        assert exc.__context__ is None
        assert exc.field == "pi_field"


def test_the_whole_sample_id_with_a_wrong_check_is_not_echoed() -> None:
    value = SAMPLE_ID[:17] + "1"
    exc = _reason(F.ID_NUMBER, value)
    _assert_not_echoed(exc, value)
    for part in (value[:6], value[6:14], value[-4:]):
        assert part not in exc.reason.en + exc.reason.zh


# --- index normalisation, birth date and age ------------------------------------------------


@pytest.mark.parametrize(
    ("field_type", "canonical", "expected"),
    [
        (F.MOBILE, "13800138000", "13800138000"),
        (F.ID_NUMBER, "11010519491231002x", SAMPLE_ID),
        (F.EMAIL, "Alice@Example.com", "alice@example.com"),
        (F.BANK_CARD, "6222 0212 3456 7890", "6222021234567890"),
        (F.NAME, " ＺＨＡＮＧ San ", "zhang san"),
        (F.ACCOUNT, "User_Name", "user_name"),
        (F.IP, "2001:DB8::1", "2001:db8::1"),
    ],
)
def test_normalise_for_index(field_type: FieldType, canonical: str, expected: str) -> None:
    assert normalise_for_index(field_type, canonical) == expected


def test_index_form_is_the_same_for_every_accepted_spelling() -> None:
    spellings = ["13800138000", "+86 138 0013 8000", "138-0013-8000"]
    forms = {normalise_for_index(F.MOBILE, validate("m", F.MOBILE, s)) for s in spellings}
    assert forms == {"13800138000"}


def test_birth_date_from_id() -> None:
    assert birth_date_from_id(SAMPLE_ID) == date(1949, 12, 31)
    assert birth_date_from_id(SAMPLE_ID.lower()) == date(1949, 12, 31)


@pytest.mark.parametrize("value", ["110105491231002", "not an id", "110105194913310028"])
def test_birth_date_from_id_refuses_without_the_value(value: str) -> None:
    with pytest.raises(ValueError, match="resident ID number") as caught:
        birth_date_from_id(value)
    assert value not in str(caught.value)


def test_age_on() -> None:
    birth = date(2007, 6, 2)
    assert age_on(birth, date(2025, 6, 1)) == 17
    assert age_on(birth, date(2025, 6, 2)) == 18
    assert age_on(birth, birth) == 0
    with pytest.raises(ValueError, match="before"):
        age_on(birth, date(2007, 6, 1))


def test_age_on_leap_day_birthday_turns_over_on_first_of_march() -> None:
    birth = date(2008, 2, 29)
    assert age_on(birth, date(2026, 2, 28)) == 17
    assert age_on(birth, date(2026, 3, 1)) == 18
    assert age_on(birth, date(2028, 2, 29)) == 20


def test_plain_string_field_types_are_understood() -> None:
    assert validate("m", "mobile", "+86 138 0013 8000") == "13800138000"  # type: ignore[arg-type]
    assert normalise_for_index("email", "A@B.CN") == "a@b.cn"  # type: ignore[arg-type]
