"""Third-party login (WeChat, Alipay): the interface an adapter implements.

An operator's app that lets people log in with WeChat or Alipay gets, after the person agrees on the
provider's page, an id the provider keeps for that person (an OpenID, an Alipay user id). A provider adapter
turns the provider's answer into that id; yinsi then finds the account linked to it. No provider is
configured yet (see docs/privacy-centre.md, "What is not there yet"), so the login page offers none.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from yinsi.core.i18n import Msg


class ThirdPartyLogin(Protocol):
    """A login provider: where to send the person, and whose id its answer proves."""

    name: str
    label: Msg

    def authorise_url(self, *, state: str, callback: str) -> str: ...

    def identity(self, *, code: str) -> str: ...


@dataclass(frozen=True, slots=True)
class ProviderLink:
    name: str
    label: Msg


def providers() -> list[ProviderLink]:
    """The providers the login page offers."""
    return []
