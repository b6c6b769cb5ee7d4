"""De-identification: pseudonyms per recipient that cannot be joined, generalisation that drops detail."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from yinsi.core.deidentify import age_band, city_of, deidentify, generalise, pseudonym, recipient_key
from yinsi.core.policy.vocabulary import Deidentification, FieldType

SECRET = bytes(range(32))
TODAY = date(2026, 12, 4)
recipient_ids = st.from_regex(r"[a-z][a-z0-9_]{0,20}", fullmatch=True)
subject_ids = st.uuids().map(str)


@given(subject=subject_ids, first=recipient_ids, second=recipient_ids)
def test_a_subjects_pseudonyms_differ_between_recipients_and_are_stable_within_one(
    subject: str, first: str, second: str
) -> None:
    one = pseudonym(recipient_key(SECRET, first), "subject", subject)
    assert one == pseudonym(recipient_key(SECRET, first), "subject", subject)
    if first != second:
        assert one != pseudonym(recipient_key(SECRET, second), "subject", subject)
    assert subject not in one


@given(first=subject_ids, second=subject_ids, recipient=recipient_ids)
def test_two_people_never_share_a_pseudonym_at_one_recipient(first: str, second: str, recipient: str) -> None:
    key = recipient_key(SECRET, recipient)
    assert (pseudonym(key, "subject", first) == pseudonym(key, "subject", second)) == (first == second)


def test_a_pseudonym_needs_the_keyring_secret() -> None:
    subject = "0b7e4c1a-5d2f-4e8a-9c3b-6f1d2a4e8b70"
    assert pseudonym(recipient_key(SECRET, "ads"), "subject", subject) != pseudonym(
        recipient_key(bytes(32), "ads"), "subject", subject
    )


@pytest.mark.parametrize(
    ("age", "band"),
    [(0, "0-17"), (17, "0-17"), (18, "18-19"), (19, "18-19"), (20, "20-29"), (34, "30-39"), (80, "80+")],
)
def test_age_bands(age: int, band: str) -> None:
    assert age_band(age) == band


@pytest.mark.parametrize(
    ("address", "city"),
    [
        ("广东省广州市天河区体育西路 1 号", "广东省广州市"),
        ("北京市朝阳区建国路 88 号", "北京市"),
        ("新疆维吾尔自治区乌鲁木齐市天山区", "新疆维吾尔自治区乌鲁木齐市"),
        ("四川省阿坝藏族羌族自治州马尔康市", "四川省阿坝藏族羌族自治州"),
        ("浙江省某个地方", "浙江省"),
        ("天河区体育西路", None),
    ],
)
def test_addresses_are_cut_to_the_city(address: str, city: str | None) -> None:
    assert city_of(address) == city


def test_birth_year_and_age_band_from_an_id_number_or_a_date() -> None:
    id_number = "11010519491231002X"
    assert generalise(Deidentification.BIRTH_YEAR, FieldType.ID_NUMBER, id_number, TODAY) == "1949"
    assert generalise(Deidentification.AGE_BAND, FieldType.ID_NUMBER, id_number, TODAY) == "70-79"
    assert generalise(Deidentification.BIRTH_YEAR, FieldType.DATE, "2010-06-01", TODAY) == "2010"
    assert generalise(Deidentification.AGE_BAND, FieldType.DATE, "2010-06-01", TODAY) == "0-17"
    assert generalise(Deidentification.AGE_BAND, FieldType.INTEGER, "42", TODAY) == "40-49"
    assert generalise(Deidentification.BIRTH_YEAR, FieldType.FREE_TEXT, "whatever", TODAY) is None


def test_a_field_pseudonym_hides_the_value_and_is_per_field() -> None:
    key = recipient_key(SECRET, "ads")
    mobile = deidentify(Deidentification.PSEUDONYM, key, "mobile", FieldType.MOBILE, "13912345678", TODAY)
    assert mobile is not None
    assert "1391234" not in mobile
    assert mobile != deidentify(Deidentification.PSEUDONYM, key, "phone2", FieldType.MOBILE, "13912345678", TODAY)
