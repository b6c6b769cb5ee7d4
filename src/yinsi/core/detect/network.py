"""E-mail addresses and IPv4 and IPv6 addresses.

An IPv4 candidate must have four octets of at most 255 and no leading zeros,
and must not be followed by another dot and digit (a version number such as
``2.10.3.1.5`` is not an address); an IPv6 candidate must parse. Loopback
and unspecified addresses (127.0.0.1, 0.0.0.0, ::1) identify no one and are
never reported. Version numbers that do look like addresses are left to
context (版本, version).
"""

from __future__ import annotations

import ipaddress
import re

from yinsi.core.detect.base import NOT_AFTER, Recogniser
from yinsi.core.detect.kinds import PiType

__all__ = ["network_recognisers"]

_EMAIL = re.compile(
    r"(?<![0-9A-Za-z._%+-])[A-Za-z0-9](?:[A-Za-z0-9._%+-]{0,63})@(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+"
    r"[A-Za-z]{2,24}" + NOT_AFTER
)
_OCTET = r"(?:25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])"
_IPV4 = re.compile(r"(?<![0-9A-Za-z.])" + rf"{_OCTET}(?:\.{_OCTET}){{3}}" + r"(?![0-9A-Za-z]|\.[0-9])")
_IPV6 = re.compile(
    r"(?<![0-9A-Za-z:])(?:[0-9A-Fa-f]{1,4}:|::?)(?:[0-9A-Fa-f]{0,4}:){1,7}[0-9A-Fa-f]{1,4}(?![0-9A-Za-z:])"
)


def _ipv4(match: re.Match[str]) -> float | None:
    # Loopback, "any" and broadcast name no one: they are in every configuration file and log.
    text = match.group(0)
    return None if text.startswith("127.") or text in ("0.0.0.0", "255.255.255.255") else 0.75  # noqa: S104 - compared, not bound


def _ipv6(match: re.Match[str]) -> float | None:
    text = match.group(0)
    if text.count(":") < 2:
        return None
    try:
        address = ipaddress.IPv6Address(text)
    except ValueError:
        return None
    return None if address.is_loopback or address.is_unspecified else 0.8


def network_recognisers() -> list[Recogniser]:
    return [
        Recogniser(PiType.EMAIL, _EMAIL, lambda _m: 0.9, needs="@"),
        Recogniser(PiType.IP, _IPV4, _ipv4, needs="."),
        Recogniser(PiType.IP, _IPV6, _ipv6, needs=":"),
    ]
