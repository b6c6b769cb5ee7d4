"""The recognisers: each accepts its valid values, rejects look-alikes, and works between Chinese characters.

Every value here is synthetic: the published sample ID number of GB 11643,
numbers built with valid check digits, and names from the test helpers.
"""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from yinsi.core.detect.checks import (
    PROVINCE_CODES,
    IdProblem,
    id_check_char,
    id_number_problem,
    is_allocated_mobile,
    is_card_issuer,
    is_landline,
    luhn_ok,
)
from yinsi.core.detect.engine import Detector
from yinsi.core.detect.kinds import KINDS, PiType
from yinsi.core.policy.vocabulary import Sensitivity

TODAY = date(2025, 6, 1)
SAMPLE_ID = "11010519491231002X"  # the sample printed in GB 11643-1999
DETECTOR = Detector(today=TODAY)
P = PiType


def found(text: str, *hints: str) -> list[tuple[PiType, str]]:
    return [(f.type, f.value) for f in DETECTOR.find(text, hints=hints)]


def kinds(text: str, *hints: str) -> set[PiType]:
    return {t for t, _ in found(text, *hints)}


def with_luhn(body: str) -> str:
    return next(body + d for d in "0123456789" if luhn_ok(body + d))


def make_id(region: str, birth: date, sequence: str = "123") -> str:
    body = f"{region}{birth:%Y%m%d}{sequence}"
    return body + id_check_char(body)


CARD = with_luhn("622202123456789012")  # 19 digits, UnionPay


# --- the shared checks ------------------------------------------------------------


def test_id_number_problems_name_the_first_thing_wrong() -> None:
    assert id_number_problem(SAMPLE_ID, TODAY) is None
    assert id_number_problem("110105491231002", TODAY) is IdProblem.OLD_FORMAT
    assert id_number_problem("11010519491231002", TODAY) is IdProblem.SHAPE
    assert id_number_problem(make_id("990105", date(1990, 1, 1)), TODAY) is IdProblem.REGION
    assert id_number_problem(make_id("110000", date(1990, 1, 1)), TODAY) is IdProblem.REGION
    assert id_number_problem("110105" + "19900230" + "1231", TODAY) is IdProblem.BIRTH_DATE
    assert id_number_problem(make_id("110105", date(2025, 6, 2)), TODAY) is IdProblem.BIRTH_DATE
    assert id_number_problem(SAMPLE_ID[:17] + "1", TODAY) is IdProblem.CHECK_CHAR


@pytest.mark.parametrize("prefix", ["130", "145", "147", "162", "165", "166", "167", "170", "173", "191", "192", "199"])
def test_allocated_mobile_ranges(prefix: str) -> None:
    assert is_allocated_mobile(prefix + "12345678")


@pytest.mark.parametrize("prefix", ["140", "141", "160", "163", "164", "168", "169", "179", "194", "120", "110"])
def test_unallocated_mobile_ranges(prefix: str) -> None:
    assert not is_allocated_mobile(prefix + "12345678")


def test_landlines_need_a_real_area_code() -> None:
    assert is_landline("01062345678")
    assert is_landline("057187654321")
    assert not is_landline("00062345678")
    assert not is_landline("13800138000")


def test_card_issuers_and_lengths() -> None:
    assert is_card_issuer(CARD)
    assert is_card_issuer(with_luhn("411111111111111"))  # Visa, 16
    assert not is_card_issuer(with_luhn("1234567890123456"))  # no network starts with 1
    assert not is_card_issuer(with_luhn("34343434343434343"))  # Amex has 15 digits, not 18


# --- resident ID numbers ----------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        f"身份证号{SAMPLE_ID}，已核实",
        f"证件号码：{SAMPLE_ID.lower()}",
        f"{SAMPLE_ID}",
        f"ID:{SAMPLE_ID};",
    ],
)
def test_id_numbers_are_found_between_chinese_characters_and_punctuation(text: str) -> None:
    assert found(text) == [(P.ID_NUMBER, SAMPLE_ID if SAMPLE_ID in text else SAMPLE_ID.lower())]


@pytest.mark.parametrize(
    "text",
    [
        f"身份证{SAMPLE_ID[:17]}1",  # wrong check character
        f"订单号{SAMPLE_ID}9",  # 19 characters: part of a longer number
        f"A{SAMPLE_ID}",  # glued to a letter
        "身份证110105199002301231",  # 30 February
    ],
)
def test_id_look_alikes_are_not_id_numbers(text: str) -> None:
    assert P.ID_NUMBER not in kinds(text)


_regions = st.builds(
    lambda province, rest: province + rest,
    st.sampled_from(sorted(PROVINCE_CODES)),
    st.from_regex(r"[0-9]{4}", fullmatch=True).filter(lambda rest: rest != "0000"),
)
_valid_ids = st.builds(
    make_id,
    _regions,
    st.dates(min_value=date(1900, 1, 1), max_value=TODAY),
    st.from_regex(r"[0-9]{3}", fullmatch=True),
)


@settings(max_examples=200)
@given(value=_valid_ids, before=st.sampled_from(["", "身份证", "客户", "，"]), after=st.sampled_from(["", "。", "号"]))
def test_every_valid_id_number_is_found(value: str, before: str, after: str) -> None:
    assert (P.ID_NUMBER, value) in found(before + value + after)


@settings(max_examples=200)
@given(value=_valid_ids, position=st.integers(min_value=0, max_value=17), digit=st.sampled_from("0123456789X"))
def test_one_changed_character_is_never_an_id_number(value: str, position: int, digit: str) -> None:
    assume(value[position] != digit and (digit != "X" or position == 17))
    changed = value[:position] + digit + value[position + 1 :]
    assert P.ID_NUMBER not in kinds(f"身份证{changed}")


# --- mobile and landline numbers ----------------------------------------------------


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("手机13800138000", "13800138000"),
        ("请拨打138 0013 8000联系", "138 0013 8000"),
        ("电话：138-0013-8000。", "138-0013-8000"),
        ("+8619912345678", "19912345678"),
        ("客户16612345678来电", "16612345678"),
    ],
)
def test_mobiles_are_found(text: str, value: str) -> None:
    assert found(text) == [(P.MOBILE, value)]


@pytest.mark.parametrize(
    "text",
    [
        "号码16012345678是空号",  # unallocated range
        "号码16912345678",
        "快递单号13800138000",  # a negative context word
        "流水号 13800138000",
        "138001380001",  # twelve digits
        "a13800138000",
    ],
)
def test_mobile_look_alikes_are_not_mobiles(text: str) -> None:
    assert P.MOBILE not in kinds(text)


def test_landlines_with_the_area_code_set_apart() -> None:
    assert found("办公电话010-62345678转8001") == [(P.LANDLINE, "010-62345678")]
    assert found("(0571)87654321") == [(P.LANDLINE, "(0571)87654321")]
    assert kinds("金额01062345678") == set()  # bare digits, no telephone context
    assert found("座机01062345678") == [(P.LANDLINE, "01062345678")]


# --- bank cards ------------------------------------------------------------------


def test_cards_pass_luhn_and_start_like_a_card() -> None:
    grouped = " ".join(CARD[i : i + 4] for i in range(0, len(CARD), 4))
    assert found(f"卡号{CARD}") == [(P.BANK_CARD, CARD)]
    assert found(f"银行卡：{grouped}") == [(P.BANK_CARD, grouped)]


def test_card_look_alikes_are_not_cards() -> None:
    wrong = CARD[:-1] + str((int(CARD[-1]) + 1) % 10)
    assert P.BANK_CARD not in kinds(f"卡号{wrong}")  # fails Luhn
    assert P.BANK_CARD not in kinds(f"卡号{with_luhn('123456789012345')}")  # no issuer starts with 1
    assert P.BANK_CARD not in kinds(f"订单号{CARD}")  # an order number that happens to pass


# --- e-mail and IP addresses -------------------------------------------------------


def test_email_addresses() -> None:
    assert found("邮箱zhang.wei+test@example.com.cn，谢谢") == [(P.EMAIL, "zhang.wei+test@example.com.cn")]
    assert kinds("邮箱 zhang@localhost") == set()
    assert kinds("@example.com") == set()


def test_ip_addresses() -> None:
    assert found("登录IP：203.0.113.7，") == [(P.IP, "203.0.113.7")]
    assert found("来自2001:db8::8a2e:370:7334的请求") == [(P.IP, "2001:db8::8a2e:370:7334")]
    assert kinds("IP 256.1.1.1") == set()
    assert kinds("客户端版本 2.10.3.1") == set()  # a version number after 版本
    assert kinds("1.2.3.4.5") == set()
    assert kinds("时间 12:30:45") == set()
    assert kinds("serve --host 0.0.0.0 on 127.0.0.1 or ::1") == set()  # loopback and "any" identify no one


# --- documents, plates, dates -----------------------------------------------------------


def test_passports_and_travel_permits() -> None:
    assert found("护照号码E12345678") == [(P.PASSPORT, "E12345678")]
    assert found("护照EA1234567") == [(P.PASSPORT, "EA1234567")]
    assert found("往来港澳通行证C12345678") == [(P.TRAVEL_PERMIT, "C12345678")]
    assert found("台湾通行证L12345678") == [(P.TRAVEL_PERMIT, "L12345678")]
    assert kinds("商品型号G12345678") == set()
    assert kinds("护照E1234567") == set()  # one digit short


def test_licence_plates() -> None:
    assert found("车牌京A12345的车") == [(P.LICENCE_PLATE, "京A12345")]
    assert found("粤B·D12345") == [(P.LICENCE_PLATE, "粤B·D12345")]
    assert kinds("浙ABCDEF") == set()
    assert kinds("京I12345") == set()  # I is never used


def test_dates_count_only_as_birthdays() -> None:
    assert found("出生日期：1990年3月5日") == [(P.BIRTH_DATE, "1990年3月5日")]
    assert found("生日 1990-03-05") == [(P.BIRTH_DATE, "1990-03-05")]
    assert found("1990-03-05", "birthday") == [(P.BIRTH_DATE, "1990-03-05")]
    assert kinds("下单时间 2024-03-05") == set()
    assert kinds("出生日期 2026-03-05") == set()  # after today
    assert kinds("出生日期 1990-02-30") == set()


# --- names and addresses -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("客户张伟来电反映", "张伟"),
        ("联系人：李秀英，电话", "李秀英"),
        ("收件人欧阳娜娜", "欧阳娜娜"),
        ("王小明先生您好", "王小明"),
        ("请转告李娜女士", "李娜"),
        ("，徐娜收，", "徐娜"),
    ],
)
def test_names_where_a_person_is_introduced(text: str, name: str) -> None:
    assert (P.NAME, name) in found(text)


@pytest.mark.parametrize(
    "text",
    [
        "客户方便时回电",
        "客户高度评价本次服务",
        "顾客表示满意",
        "我们很高兴为您服务",
        "黄金会员权益",
        "张伟",
        "用户查看订单",
    ],
)
def test_common_words_and_bare_names_are_not_reported(text: str) -> None:
    assert P.NAME not in kinds(text)


def test_a_name_column_makes_a_bare_name_a_name() -> None:
    assert found("张伟", "customer_name") == [(P.NAME, "张伟")]
    assert found("买买提·艾力", "姓名") == [(P.NAME, "买买提·艾力")]
    assert found("方便", "name") == []


@pytest.mark.parametrize(
    ("text", "address"),
    [
        ("收货地址：北京市朝阳区建国路88号3单元502室，", "北京市朝阳区建国路88号3单元502室"),
        ("张伟住在浙江省杭州市西湖区文一西路100号", "浙江省杭州市西湖区文一西路100号"),
        ("寄到朝阳区建国路88号", "朝阳区建国路88号"),
    ],
)
def test_addresses_start_at_the_first_division(text: str, address: str) -> None:
    assert (P.ADDRESS, address) in found(text)


def test_a_road_without_divisions_is_not_an_address() -> None:
    assert P.ADDRESS not in kinds("沿着建国路88号往前走")


# --- kinds -----------------------------------------------------------------------------------


def test_appendix_b_sensitivity() -> None:
    sensitive = {k for k, kind in KINDS.items() if kind.sensitivity is Sensitivity.SENSITIVE}
    assert sensitive == {P.ID_NUMBER, P.BANK_CARD, P.PASSPORT, P.TRAVEL_PERMIT}
    assert set(KINDS) == set(PiType)


def test_a_found_value_never_shows_in_its_repr() -> None:
    (item,) = DETECTOR.find(f"身份证{SAMPLE_ID}")
    assert SAMPLE_ID not in repr(item)


def test_overlaps_keep_the_stricter_kind() -> None:
    # An ID number from Gansu (62...) that also passes Luhn is reported once, as an ID number.
    for sequence in range(1000):
        value = make_id("620102", date(1990, 1, 1), f"{sequence:03d}")
        if value[-1] != "X" and luhn_ok(value):
            break
    assert found(f"号码{value}") == [(P.ID_NUMBER, value)]


def test_a_column_is_typed_by_the_kind_that_fills_its_values() -> None:
    from yinsi.core.detect.profile import Profiler
    from yinsi.core.policy.vocabulary import FieldType

    mobiles = Profiler(DETECTOR, "t", "t.phone", ("phone",))
    for value in ["+86 138 0013 8000", "13800138000", "(+86)13912345678"]:
        mobiles.add(value)
    assert mobiles.result().field_type is FieldType.MOBILE
    assert mobiles.result().findings[0].whole == 3
    notes = Profiler(DETECTOR, "t", "t.note", ("note",))
    for value in ["客户来电，手机13800138000", "无", ""]:
        notes.add(value)
    profile = notes.result()
    assert profile.sampled == 2  # the empty value is not counted
    assert profile.field_type is FieldType.FREE_TEXT
    assert profile.findings[0].examples == ["138****8000"]


_mobiles = st.from_regex(r"1[3-9][0-9]{9}", fullmatch=True).filter(is_allocated_mobile)


@settings(max_examples=200)
@given(
    value=_mobiles, before=st.sampled_from(["", "手机", "客户", "，电话："]), after=st.sampled_from(["", "。", "联系"])
)
def test_every_allocated_mobile_is_found(value: str, before: str, after: str) -> None:
    assert (P.MOBILE, value) in found(before + value + after)


_cards = st.from_regex(r"62[0-9]{14,17}", fullmatch=True).map(lambda body: with_luhn(body[:-1]))


@settings(max_examples=200)
@given(value=_cards, position=st.integers(min_value=2, max_value=18), digit=st.sampled_from("0123456789"))
def test_a_card_with_one_changed_digit_is_not_a_card(value: str, position: int, digit: str) -> None:
    assert (P.BANK_CARD, value) in found(f"卡号{value}")
    assume(position < len(value) and value[position] != digit)
    changed = value[:position] + digit + value[position + 1 :]
    assert P.BANK_CARD not in kinds(f"卡号{changed}")  # Luhn catches every single-digit error
