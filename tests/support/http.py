"""An HTTP client on the real FastAPI app, and API keys for the roles of the spec."""

from __future__ import annotations

from yinsi.bootstrap import Yinsi
from yinsi.services.api_keys import create_api_key


def api_key(yinsi: Yinsi, role: str) -> dict[str, str]:
    with yinsi.vault.unit() as uow:
        issued = create_api_key(uow, yinsi.policy.current(), role=role, label=f"test {role}", now=yinsi.now())
    return {"Authorization": f"Bearer {issued.token}"}
