"""An HTTP client on the real FastAPI app, and API keys for the roles of the spec."""

from __future__ import annotations

from yinsi.bootstrap import Yinsi


def api_key(yinsi: Yinsi, role: str) -> dict[str, str]:
    issued = yinsi.services.keys.create(role=role, label=f"test {role}")
    return {"Authorization": f"Bearer {issued.token}"}


def staff_session(client: object, yinsi: Yinsi, role: str, username: str | None = None) -> dict[str, str]:
    """A member of staff with ``role``, logged in with password and the current TOTP code."""
    import pyotp

    name = username or f"{role.replace('_', '.')}.test"
    created = yinsi.staff.create(username=name, role=role, password="a long staff password", issuer="test")
    code = pyotp.TOTP(created.totp_secret).at(yinsi.now())
    response = client.post(
        "/v1/staff/login",  # type: ignore[attr-defined]
        json={"username": name, "password": "a long staff password", "code": code},
    )
    assert response.status_code == 200, response.text
    return {"Authorization": f"Bearer {response.json()['token']}"}
