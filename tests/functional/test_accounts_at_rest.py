"""No SMS code, session token or password in plaintext at rest or in logs; access logs kept six months, then gone."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from tests.conftest import Backend, Clock
from tests.support.accounts import acceptance, last_code
from yinsi.adapters.db.rows import AccessLogRow, table_of
from yinsi.api.app import create_app
from yinsi.bootstrap import Yinsi

PASSWORD = "天王盖地虎-password-7731"


@pytest.fixture
def client(clinic: Yinsi) -> Iterator[TestClient]:
    with TestClient(create_app(clinic), raise_server_exceptions=False) as test_client:
        yield test_client


def forms(value: str) -> list[bytes]:
    raw = value.encode()
    return [raw, value.encode("utf-16-le"), json.dumps(value).encode(), raw.hex().encode()]


@pytest.mark.slow
def test_codes_tokens_and_passwords_never_rest_in_plaintext(
    client: TestClient, clinic: Yinsi, backend: Backend, caplog: pytest.LogCaptureFixture, clock: Clock
) -> None:
    caplog.set_level(logging.DEBUG)
    caplog.set_level(logging.DEBUG, logger="sqlalchemy.engine")
    secrets: list[str] = []
    for phone in ("13912345678", "13800138000"):
        client.post("/v1/auth/sms-code", json={"phone": phone})
        code = last_code(clinic)
        wrong = "000000" if code != "000000" else "111111"
        client.post("/v1/auth/login", json={"phone": phone, "code": wrong})
        token = client.post(
            "/v1/auth/login", json={"phone": phone, "code": code, "accept_policy": acceptance(clinic)}
        ).json()["token"]
        client.put("/v1/me/password", json={"password": PASSWORD}, headers={"Authorization": f"Bearer {token}"})
        client.post("/v1/auth/password-login", json={"phone": phone, "password": PASSWORD + "x"})
        secrets += [code, token]
        clock.advance(seconds=61)
    secrets.append(PASSWORD)
    if backend.name == "postgresql":
        with clinic.engine.connect() as connection:
            connection.exec_driver_sql("CHECKPOINT")
        from tests.integration.test_no_plaintext import test_no_value_in_the_database_files_with_their_wal as scan

        scan({f"secret{i}": s for i, s in enumerate(secrets) if len(s) > 6}, backend)
    else:
        blob = b"".join(p.read_bytes() for p in backend.settings.data_dir.iterdir() if p.is_file())
        for value in secrets:
            # Six-digit codes are short enough to occur by chance in ciphertext; search them in context.
            needles = [f"code {value}".encode(), f"验证码是 {value}".encode()] if len(value) == 6 else forms(value)
            assert not any(n in blob for n in needles)
    logged = "\n".join(f"{r.getMessage()} {r.args!r}" for r in caplog.get_records("call"))
    for value in secrets:
        assert value not in logged


def test_access_logs_are_kept_six_months_then_swept(client: TestClient, clinic: Yinsi, clock: Clock) -> None:
    client.post("/v1/auth/sms-code", json={"phone": "13912345678"})
    client.post(
        "/v1/auth/login", json={"phone": "13912345678", "code": last_code(clinic), "accept_policy": acceptance(clinic)}
    )
    count = select(func.count()).select_from(table_of(AccessLogRow))

    def remaining() -> int:
        with clinic.engine.connect() as connection:
            return int(connection.execute(count).scalar_one())

    clock.advance(days=150)
    assert clinic.accounts.sweep_access_logs() == 0
    assert remaining() == 1
    clock.advance(days=40)  # a little over six months after the login
    assert clinic.accounts.sweep_access_logs() == 1
    assert remaining() == 0


def test_a_shorter_period_in_the_spec_never_goes_below_six_months(clinic: Yinsi) -> None:
    from yinsi.core.policy.compiled import CompiledPolicy
    from yinsi.services.accounts import access_log_cutoff

    spec = clinic.policy.current().spec
    short = spec.model_copy(
        update={
            "access_logs": spec.access_logs.model_copy(  # type: ignore[union-attr]
                update={"retention": type(spec.access_logs.retention).parse("30 days")}
            )
        }
    )  # type: ignore[union-attr]
    now = clinic.now()
    cutoff = access_log_cutoff(CompiledPolicy.from_spec(short), now)
    assert now - cutoff >= timedelta(days=181)
