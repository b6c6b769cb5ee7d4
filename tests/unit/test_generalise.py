"""One reading of birth dates and addresses for statistics and for recipients, each with its own age bands."""

from __future__ import annotations

from datetime import date

import pytest

from yinsi.core import deidentify, generalise
from yinsi.core.generalise import Place, birth_date, city, place
from yinsi.core.policy.vocabulary import Deidentification, FieldType

TODAY = date(2026, 12, 4)
ADDRESSES = [
    ("广东省深圳市南山区某路4号", Place("广东省", "深圳市")),
    ("上海市黄浦区一路1号", Place(None, "上海市")),
    ("浙江省杭州市西湖区文三路 1 号", Place("浙江省", "杭州市")),
    ("新疆维吾尔自治区阿克苏地区阿克苏市", Place("新疆维吾尔自治区", "阿克苏地区")),
    ("四川省阿坝藏族羌族自治州马尔康市", Place("四川省", "阿坝藏族羌族自治州")),
    ("浙江省某个地方", Place("浙江省", None)),
    ("somewhere", None),
]


@pytest.mark.parametrize(("address", "where"), ADDRESSES)
def test_statistics_and_recipients_read_an_address_the_same_way(address: str, where: Place | None) -> None:
    assert place(address) == where
    # Statistics label the city alone; a recipient gets province and city: the same reading either way.
    assert city(address) == (where.city if where is not None and where.city is not None else "unknown")
    expected = None if where is None else (where.province or "") + (where.city or "")
    assert deidentify.city_of(address) == expected


def test_the_statistics_labels_tests_and_stored_counts_rely_on_are_unchanged() -> None:
    assert city("广东省深圳市南山区某路4号") == "深圳市"
    assert city("上海市黄浦区一路1号") == "上海市"
    assert city("北京市朝阳区二路2号") == "北京市"
    assert city("somewhere") == "unknown"


def test_a_city_whose_name_has_zhou_keeps_its_whole_name() -> None:
    # The statistics' own parser cut 杭州市 to 杭州 (it stopped at the first 州), unlike every other city.
    assert city("浙江省杭州市西湖区文三路 1 号") == "杭州市"
    assert city("广东省广州市天河区体育西路 1 号") == "广州市"


def test_one_birth_date_parser_two_sets_of_age_bands() -> None:
    id_number = "11010520120615002X"  # born 2012-06-15: 14 on TODAY
    born = birth_date(FieldType.ID_NUMBER, id_number)
    assert born == date(2012, 6, 15)
    assert birth_date(FieldType.DATE, "2012-06-15") == born
    assert birth_date(FieldType.ID_NUMBER, "110105201213450021") is None  # no 13th month
    assert birth_date(FieldType.DATE, "not a date") is None
    assert birth_date(FieldType.FREE_TEXT, "2012-06-15") is None
    # Statistics keep the line of PIPL Art. 28 at 14; a recipient sees only "a minor".
    assert generalise.age_band(born, TODAY) == "14-17"
    assert deidentify.generalise(Deidentification.AGE_BAND, FieldType.ID_NUMBER, id_number, TODAY) == "0-17"
    assert generalise.bucket(FieldType.DATE, "birth_date", "2012-06-15", TODAY) == "14-17"
    assert generalise.bucket(FieldType.DATE, "visit_date", "2012-06-15", TODAY) == "*"
