"""The kinds of personal information the recognisers find, and what GB/T 35273-2020 says of each.

Sensitivity follows Appendix B of GB/T 35273-2020 (个人敏感信息): identity
documents (身份证, 护照, 通行证) and bank accounts are sensitive; names,
telephone numbers, e-mail and postal addresses, dates of birth, IP addresses
and licence plates are personal information but not sensitive on their own.
Each kind also names the policy-spec field type a draft spec gives it, the
closest of the spec's closed list.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from yinsi.core.i18n import Msg
from yinsi.core.policy.vocabulary import Category, FieldType, Sensitivity

__all__ = ["KINDS", "PiKind", "PiType"]


class PiType(StrEnum):
    ID_NUMBER = "id_number"
    MOBILE = "mobile"
    LANDLINE = "landline"
    BANK_CARD = "bank_card"
    EMAIL = "email"
    IP = "ip"
    PASSPORT = "passport"
    TRAVEL_PERMIT = "travel_permit"
    LICENCE_PLATE = "licence_plate"
    BIRTH_DATE = "birth_date"
    NAME = "name"
    ADDRESS = "address"


@dataclass(frozen=True)
class PiKind:
    type: PiType
    label: Msg
    field_type: FieldType
    category: Category
    sensitivity: Sensitivity


def _kind(t: PiType, zh: str, en: str, ft: FieldType, cat: Category, sensitive: bool = False) -> PiKind:
    return PiKind(t, Msg(zh, en), ft, cat, Sensitivity.SENSITIVE if sensitive else Sensitivity.GENERAL)


KINDS: dict[PiType, PiKind] = {
    k.type: k
    for k in (
        _kind(PiType.ID_NUMBER, "居民身份证号码", "Resident ID number", FieldType.ID_NUMBER, Category.IDENTITY, True),
        _kind(PiType.MOBILE, "手机号码", "Mobile number", FieldType.MOBILE, Category.BASIC),
        # The spec has no fixed-line type: ``account`` keeps it as text and masks all but its edges.
        _kind(PiType.LANDLINE, "固定电话号码", "Landline number", FieldType.ACCOUNT, Category.BASIC),
        _kind(PiType.BANK_CARD, "银行卡号", "Bank card number", FieldType.BANK_CARD, Category.PROPERTY, True),
        _kind(PiType.EMAIL, "电子邮箱地址", "E-mail address", FieldType.EMAIL, Category.BASIC),
        _kind(PiType.IP, "IP 地址", "IP address", FieldType.IP, Category.ONLINE_IDENTITY),
        _kind(PiType.PASSPORT, "护照号码", "Passport number", FieldType.ACCOUNT, Category.IDENTITY, True),
        _kind(
            PiType.TRAVEL_PERMIT,
            "港澳台通行证号码",
            "Hong Kong, Macao or Taiwan travel permit number",
            FieldType.ACCOUNT,
            Category.IDENTITY,
            True,
        ),
        _kind(PiType.LICENCE_PLATE, "机动车号牌", "Licence plate", FieldType.ACCOUNT, Category.OTHER),
        _kind(PiType.BIRTH_DATE, "出生日期", "Date of birth", FieldType.DATE, Category.BASIC),
        _kind(PiType.NAME, "姓名", "Name", FieldType.NAME, Category.BASIC),
        _kind(PiType.ADDRESS, "地址", "Address", FieldType.ADDRESS, Category.BASIC),
    )
}
