"""Masks: the documented shapes exactly, and no more of a value than each rule allows."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from yinsi.core.masking import FULL_MASK, mask
from yinsi.core.policy.vocabulary import FieldType

F = FieldType


@pytest.mark.parametrize(
    ("field_type", "value", "expected"),
    [
        (F.MOBILE, "13812345678", "138****5678"),
        (F.MOBILE, "+86 138-1234-5678", "138****5678"),
        (F.NAME, "张三", "张*"),
        (F.NAME, "欧阳娜娜", "欧***"),
        (F.NAME, "李", "*"),
        (F.NAME, "买买提·艾力", "买*****"),
        (F.ID_NUMBER, "11010519491231002X", "1101**********002X"),
        (F.ID_NUMBER, "110105194912311234", "1101**********1234"),
        (F.EMAIL, "alice@example.com", "a***@example.com"),
        (F.BANK_CARD, "6222021234567890123", "**** 0123"),
        (F.BANK_CARD, "6222 0212 3456 7890", "**** 7890"),
        (F.IP, "192.168.1.20", "192.168.*.*"),
        (F.IP, "2001:db8:85a3::8a2e:370:7334", "2001:db8:*"),
        (F.IP, "2001:0DB8::1", "2001:db8:*"),
        (F.DEVICE_ID, "A1B2C3D4E5F6", "A1****F6"),
        (F.ACCOUNT, "zhangsan_88", "zh****88"),
        (F.ACCOUNT, "bob", FULL_MASK),
        (F.ADDRESS, "北京市朝阳区建国路88号", "北京市朝阳区****"),
        (F.DATE, "1990-05-17", "1990-**-**"),
        (F.INTEGER, "42", FULL_MASK),
        (F.CREDENTIAL, "hunter2-correct-horse", FULL_MASK),
        (F.MEDIA, "media/2025/abc.jpg", FULL_MASK),
        (F.LOCATION, "39.9042,116.4074", FULL_MASK),
        (F.FREE_TEXT, "我的备注", FULL_MASK),
    ],
)
def test_documented_examples(field_type: FieldType, value: str, expected: str) -> None:
    assert mask(field_type, value) == expected


def test_the_id_number_example_from_the_brief() -> None:
    assert mask(F.ID_NUMBER, "110105194901011230") == "1101**********1230"
    assert mask(F.ID_NUMBER, "11010519491231123X") == "1101**********123X"


@pytest.mark.parametrize(
    ("field_type", "value"),
    [
        (F.MOBILE, "12345"),
        (F.MOBILE, "phone-number"),
        (F.ID_NUMBER, "110105490101123"),  # old 15-digit form: not a shape the rule knows
        (F.EMAIL, "no-at-sign"),
        (F.EMAIL, "@example.com"),
        (F.EMAIL, "alice@"),
        (F.BANK_CARD, "1234"),
        (F.BANK_CARD, "card ends abc"),
        (F.IP, "not an address"),
        (F.IP, "10.0"),
        (F.DATE, "17/05/1990"),
        (F.ADDRESS, "北京"),
        (F.DEVICE_ID, "abc"),
    ],
)
def test_malformed_values_are_starred_whole(field_type: FieldType, value: str) -> None:
    assert mask(field_type, value) == FULL_MASK


@pytest.mark.parametrize("field_type", list(FieldType))
def test_empty_and_blank_values_are_starred(field_type: FieldType) -> None:
    assert mask(field_type, "") == FULL_MASK
    assert mask(field_type, "   ") == FULL_MASK


def test_short_addresses_keep_at_least_four_characters_hidden() -> None:
    assert mask(F.ADDRESS, "北京市朝阳区") == "北京****"
    assert mask(F.ADDRESS, "上海市") == FULL_MASK


def test_ipv4_mapped_and_loopback_ipv6() -> None:
    assert mask(F.IP, "::1") == "0:0:*"
    assert mask(F.IP, "::ffff:192.168.1.1") == "0:0:*"


# --- properties -----------------------------------------------------------------

# Real values do not contain the mask character; a value that does may legitimately mask to itself.
_no_star = st.text(
    alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="*"),
    min_size=4,
    max_size=40,
)
_digits = st.text(alphabet="0123456789", min_size=4, max_size=25)
_any_text = st.text(max_size=60)


@given(field_type=st.sampled_from(list(FieldType)), value=st.one_of(_no_star, _digits))
def test_masked_output_never_contains_the_whole_value(field_type: FieldType, value: str) -> None:
    assert value not in mask(field_type, value)


@given(field_type=st.sampled_from(list(FieldType)), value=st.one_of(_any_text, _digits, _no_star))
def test_masking_is_idempotent(field_type: FieldType, value: str) -> None:
    once = mask(field_type, value)
    twice = mask(field_type, once)
    assert twice == once
    assert len(twice) == len(once)


@given(field_type=st.sampled_from(list(FieldType)), value=_any_text)
def test_masking_never_crashes_and_is_deterministic(field_type: FieldType, value: str) -> None:
    assert mask(field_type, value) == mask(field_type, value)


@given(value=st.from_regex(r"1[3-9][0-9]{9}", fullmatch=True))
def test_mobile_shows_three_and_four(value: str) -> None:
    assert mask(F.MOBILE, value) == value[:3] + "****" + value[-4:]


@given(value=st.text(alphabet="0123456789", min_size=12, max_size=19))
def test_bank_card_shows_only_the_last_four(value: str) -> None:
    masked = mask(F.BANK_CARD, value)
    assert masked == "**** " + value[-4:]
    assert sum(ch.isdigit() for ch in masked) == 4


@given(value=st.text(alphabet=st.characters(blacklist_categories=("Cs", "Zs", "Cc")), min_size=1, max_size=20))
def test_name_shows_at_most_the_first_character(value: str) -> None:
    masked = mask(F.NAME, value)
    stripped = value.strip()
    assert len(masked) == max(len(stripped), 1) or masked == FULL_MASK
    assert set(masked[1:]) <= {"*"}


@given(value=st.text(min_size=1, max_size=600))
def test_credentials_never_show_anything(value: str) -> None:
    assert mask(F.CREDENTIAL, value) == FULL_MASK


def test_plain_string_field_types_are_understood() -> None:
    assert mask("mobile", "13812345678") == "138****5678"  # type: ignore[arg-type]
