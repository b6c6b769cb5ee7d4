"""De-identification before PI leaves the operator: keyed pseudonyms per recipient, and generalisation.

A pseudonym is an HMAC-SHA256 under a key of the recipient's own, derived from
one keyring secret and the recipient's id. So a recipient sees the same
pseudonym for the same person every time (it can keep its records), while two
recipients see unrelated ones and cannot join what they hold; and without the
keyring secret nobody can recompute one from a phone number. Generalisation
keeps what a recipient's purpose needs (an age band, a birth year, a city) and
drops what singles a person out. Pure functions: no I/O, no keys kept.
"""

from __future__ import annotations

import hmac
from datetime import date
from hashlib import sha256

from yinsi.core.generalise import birth_date, place
from yinsi.core.policy.vocabulary import Deidentification, FieldType
from yinsi.core.validation import age_on

_KEY_LABEL = b"yinsi/recipient-pseudonym/v1\x00"
PSEUDONYM_PREFIX = "ps_"


def recipient_key(secret: bytes, recipient: str) -> bytes:
    """The pseudonym key of one recipient: HMAC(secret, label ‖ recipient id), never stored anywhere."""
    return hmac.new(secret, _KEY_LABEL + recipient.encode(), sha256).digest()


def pseudonym(key: bytes, kind: str, value: str) -> str:
    """A stable, unjoinable stand-in for ``value`` (a subject id, or a field's canonical value) under ``key``."""
    digest = hmac.new(key, kind.encode() + b"\x00" + value.encode(), sha256).hexdigest()
    return PSEUDONYM_PREFIX + digest[:32]


def age_band(age: int) -> str:
    """Ten-year bands (``30-39``); under 18 is one band, so a child's exact age never leaves."""
    if age < 18:
        return "0-17"
    if age >= 80:
        return "80+"
    low = 18 if age < 20 else age - age % 10
    return f"{low}-{age - age % 10 + 9}"


def city_of(address: str) -> str | None:
    """An address cut to its province and city (广东省广州市天河区… → 广东省广州市); None when no city level can be
    recognised, so that nothing finer than a city ever goes out by mistake."""
    where = place(address)
    if where is None:
        return None
    return (where.province or "") + (where.city or "")


def generalise(method: Deidentification, field_type: FieldType, canonical: str, today: date) -> str | None:
    """The generalised form of one canonical value; None when this value cannot be generalised that way (the
    field is then withheld, never sent whole)."""
    if method is Deidentification.AGE_BAND:
        if field_type is FieldType.INTEGER:
            return age_band(int(canonical))
        born = birth_date(field_type, canonical)
        return age_band(age_on(born, today)) if born is not None else None
    if method is Deidentification.BIRTH_YEAR:
        born = birth_date(field_type, canonical)
        return str(born.year) if born is not None else None
    if method is Deidentification.CITY:
        return city_of(canonical)
    raise ValueError(f"{method.value} is not a generalisation")


def public_method(field_type: FieldType) -> Deidentification:
    """How a field is de-identified before it is made public where the spec asks only "de-identified": an
    address as its city, a date (or an ID number's birth date) as its year, anything else as a pseudonym under
    the disclosure's own key, so that nothing published can be joined to what a recipient holds."""
    if field_type is FieldType.ADDRESS:
        return Deidentification.CITY
    if field_type in (FieldType.DATE, FieldType.ID_NUMBER):
        return Deidentification.BIRTH_YEAR
    return Deidentification.PSEUDONYM


def deidentify(
    method: Deidentification, key: bytes, field_id: str, field_type: FieldType, canonical: str, today: date
) -> str | None:
    """One value as a recipient with this method for the field may receive it."""
    if method is Deidentification.PSEUDONYM:
        return pseudonym(key, f"field:{field_id}", canonical)
    return generalise(method, field_type, canonical, today)
