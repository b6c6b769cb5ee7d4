"""An HTTP client on the real FastAPI app, and API keys for the roles of the spec."""

from __future__ import annotations

from yinsi.bootstrap import Yinsi
from yinsi.services.api_keys import create_api_key


def api_key(yinsi: Yinsi, role: str) -> dict[str, str]:
    with yinsi.vault.unit() as uow:
        issued = create_api_key(uow, yinsi.policy.current(), role=role, label=f"test {role}", now=yinsi.now())
    return {"Authorization": f"Bearer {issued.token}"}


def staff_session(client: object, yinsi: Yinsi, role: str, username: str | None = None) -> dict[str, str]:
    """A member of staff with ``role``, logged in with password and the current TOTP code."""
    import pyotp

    from yinsi.services import staff

    name = username or f"{role.replace('_', '.')}.test"
    with yinsi.vault.unit() as uow:
        created = staff.create(
            uow, yinsi.vault, username=name, role=role, password="a long staff password", issuer="test"
        )
    code = pyotp.TOTP(created.totp_secret).at(yinsi.now())
    response = client.post(
        "/v1/staff/login",  # type: ignore[attr-defined]
        json={"username": name, "password": "a long staff password", "code": code},
    )
    assert response.status_code == 200, response.text
    return {"Authorization": f"Bearer {response.json()['token']}"}
