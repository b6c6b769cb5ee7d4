"""Third-party login (WeChat, Alipay): the interface an adapter implements, and a local test provider.

An operator whose app lets people log in with WeChat or Alipay sends them to the provider's page; after they
agree there, the provider sends them back with a one-time code that the adapter exchanges for the id the
provider keeps for that person (an OpenID, an Alipay user id). yinsi then logs in the account linked to that
id (``Accounts.login_with_provider``), or opens one once the person accepts the policy.

The local test provider stands in for both in the demo and the tests: its "provider page" is served by yinsi
itself, asks which test id to log in as, and answers with a code that is an HMAC of the id, so the callback
cannot be forged. A real adapter (the provider's OAuth endpoints, its app id and secret) implements the same
two methods; none is configured here.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from typing import Protocol
from urllib.parse import urlencode

from yinsi.core.i18n import Msg


class ThirdPartyLogin(Protocol):
    """A login provider: where to send the person, and whose id its answer proves."""

    name: str
    label: Msg

    def authorise_url(self, *, state: str, callback: str) -> str:
        """The provider's page that asks the person to agree; it comes back to ``callback`` with
        ``code`` and ``state``."""
        ...

    def identity(self, *, code: str) -> str | None:
        """The provider's id for the person, from the code it sent back (None: not a valid code)."""
        ...


@dataclass(frozen=True)
class LocalTestProvider:
    """A stand-in for WeChat or Alipay, for the demo and the tests (never for real people)."""

    name: str
    label: Msg
    secret: bytes

    def authorise_url(self, *, state: str, callback: str) -> str:
        return f"/me/login/with/{self.name}/test-provider?" + urlencode({"state": state, "callback": callback})

    def code_for(self, identifier: str) -> str:
        mac = hmac.new(self.secret, f"{self.name}\x00{identifier}".encode(), hashlib.sha256).hexdigest()[:32]
        return f"{identifier}.{mac}"

    def identity(self, *, code: str) -> str | None:
        identifier, _, _ = code.rpartition(".")
        return identifier if identifier and hmac.compare_digest(self.code_for(identifier), code) else None


def local_test_providers(secret: bytes) -> dict[str, LocalTestProvider]:
    key = hmac.new(secret, b"yinsi local test provider", hashlib.sha256).digest()
    return {
        "wechat": LocalTestProvider("wechat", Msg("微信（测试）", "WeChat (test)"), key),
        "alipay": LocalTestProvider("alipay", Msg("支付宝（测试）", "Alipay (test)"), key),
    }
