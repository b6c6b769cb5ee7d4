"""What a role sees of a value it may not see whole.

Masks follow the conventions people in China already recognise from bank
statements and delivery apps (``138****5678``, ``张*``), so a masked value
still lets staff confirm "is this the right customer?" without learning the
value itself.

Two properties matter more than looks. A mask never shows more than its rule
allows, even for malformed input: anything that does not have the expected
shape is replaced whole, because guessing at a shape is how prefixes of
secrets leak. And masking is idempotent (``mask(t, mask(t, v)) == mask(t, v)``),
so a value that was masked upstream, or masked twice by mistake, stays exactly
as it was instead of drifting.
"""

from __future__ import annotations

import ipaddress
import re

from yinsi.core.policy.vocabulary import FieldType

__all__ = ["FULL_MASK", "mask"]

FULL_MASK = "******"
"""What replaces a value whole. Fixed width, so it says nothing about the value's length."""

_SEPARATORS = str.maketrans("", "", " -\u3000\u00a0")
_MOBILE_PREFIXES = ("+86", "0086", "86")
_IPV4_LIKE = re.compile(r"([0-9]{1,3})\.([0-9]{1,3})\.(?:[0-9]{1,3}|\*)\.(?:[0-9]{1,3}|\*)")
_IPV6_MASKED = re.compile(r"([0-9a-fA-F]{1,4}):([0-9a-fA-F]{1,4}):\*")
_DATE_LIKE = re.compile(r"([0-9]{4})-(?:[0-9]{2}|\*\*)-(?:[0-9]{2}|\*\*)")
_ASCII_DIGITS = frozenset("0123456789")

_ADDRESS_PREFIX = 6
_ADDRESS_SUFFIX = "****"
_EDGE_MIN_LENGTH = 8  # device ids and accounts shorter than this are starred whole


def mask(field_type: FieldType, value: str) -> str:
    """The masked form of ``value`` for a role that may not see it whole."""
    field_type = FieldType(field_type)
    if not isinstance(value, str) or not value.strip():
        return FULL_MASK
    if field_type is FieldType.MOBILE:
        return _mobile(value)
    if field_type is FieldType.NAME:
        return _name(value)
    if field_type is FieldType.ID_NUMBER:
        return _id_number(value)
    if field_type is FieldType.EMAIL:
        return _email(value)
    if field_type is FieldType.BANK_CARD:
        return _bank_card(value)
    if field_type is FieldType.IP:
        return _ip(value)
    if field_type in (FieldType.DEVICE_ID, FieldType.ACCOUNT):
        return _edges(value)
    if field_type is FieldType.ADDRESS:
        return _address(value)
    if field_type is FieldType.DATE:
        return _date(value)
    # integer, location, free_text, media: no part is meaningful on its own.
    # credential: never shown in any form, so nothing of it is ever kept here.
    return FULL_MASK


def _is_digits(text: str) -> bool:
    return bool(text) and all(ch in _ASCII_DIGITS for ch in text)


def _mobile(value: str) -> str:
    compact = value.strip().translate(_SEPARATORS)
    for prefix in _MOBILE_PREFIXES:
        rest = compact.removeprefix(prefix)
        if rest != compact and len(rest) == 11:
            compact = rest
            break
    if len(compact) != 11 or not (_is_digits(compact[:3]) and _is_digits(compact[-4:])):
        return FULL_MASK
    return f"{compact[:3]}****{compact[-4:]}"


def _name(value: str) -> str:
    name = value.strip()
    # Every character after the first is starred, so only the family name's first character shows.
    return name[0] + "*" * (len(name) - 1) if len(name) > 1 else "*"


def _id_number(value: str) -> str:
    text = value.strip().replace(" ", "")
    if len(text) != 18:
        return FULL_MASK
    return f"{text[:4]}{'*' * 10}{text[-4:]}"


def _email(value: str) -> str:
    local, at, domain = value.strip().rpartition("@")
    if not at or not local or not domain or "@" in local:
        return FULL_MASK
    return f"{local[0]}***@{domain}"


def _bank_card(value: str) -> str:
    compact = value.strip().translate(_SEPARATORS)
    # A card has at least twelve digits; demanding eight characters keeps the four shown at most half.
    if len(compact) < 8 or not _is_digits(compact[-4:]):
        return FULL_MASK
    return f"**** {compact[-4:]}"


def _ip(value: str) -> str:
    text = value.strip()
    address: ipaddress.IPv4Address | ipaddress.IPv6Address | None
    try:
        address = ipaddress.ip_address(text)
    except ValueError:
        address = None
    if isinstance(address, ipaddress.IPv6Address):
        groups = address.exploded.split(":")
        return f"{int(groups[0], 16):x}:{int(groups[1], 16):x}:*"
    # IPv4 and already-masked forms: keep the network part, which is what an operator can act on.
    match = _IPV4_LIKE.fullmatch(text)
    if match is not None:
        return f"{match.group(1)}.{match.group(2)}.*.*"
    masked_v6 = _IPV6_MASKED.fullmatch(text)
    if masked_v6 is not None:
        return f"{masked_v6.group(1).lower()}:{masked_v6.group(2).lower()}:*"
    return FULL_MASK


def _edges(value: str) -> str:
    text = value.strip()
    if len(text) < _EDGE_MIN_LENGTH:
        return FULL_MASK
    return f"{text[:2]}****{text[-2:]}"


def _address(value: str) -> str:
    text = value.strip()
    # Normally the first six characters (province and city); a short address shows less, so that
    # at least four characters of it are always hidden and re-masking changes nothing.
    shown = min(_ADDRESS_PREFIX, len(text) - len(_ADDRESS_SUFFIX))
    if shown <= 0:
        return FULL_MASK
    return text[:shown] + _ADDRESS_SUFFIX


def _date(value: str) -> str:
    match = _DATE_LIKE.fullmatch(value.strip())
    return f"{match.group(1)}-**-**" if match is not None else FULL_MASK
