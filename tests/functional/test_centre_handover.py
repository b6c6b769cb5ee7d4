"""The app opens the privacy centre in its web view with a one-time hand-over code, never its own session.

On SQLite and PostgreSQL, with the real app: the code is single use, lives 60 seconds, is bound to the
person who asked for it, is stored only as a digest and never audited; failures are limited per address;
and the centre's session is a new one, so ending either session leaves the other alone.
"""

from __future__ import annotations

import hashlib
import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from tests.conftest import Clock
from tests.functional.test_centre_pages import ALICE, BOB, csrf_of, log_in
from tests.support.accounts import register
from yinsi.adapters.db.rows import AuditEventRow, HandoverCodeRow, table_of
from yinsi.api.app import create_app
from yinsi.bootstrap import Yinsi
from yinsi.services import rate_limits
from yinsi.services.handover import HandoverRefused
from yinsi.web.pages import SESSION_COOKIE


def _browser(yinsi: Yinsi) -> TestClient:
    return TestClient(create_app(yinsi), raise_server_exceptions=False, follow_redirects=False)


def _code(api: TestClient, app_session: dict[str, str]) -> str:
    made = api.post("/v1/me/handover", headers=app_session)
    assert made.status_code == 201, made.text
    assert made.json()["expires_in"] == 60
    assert made.headers["cache-control"] == "no-store"
    code: str = made.json()["code"]
    return code


def _refused(answer: Any) -> None:
    assert answer.status_code == 400, answer.text
    assert SESSION_COOKIE not in answer.headers.get("set-cookie", "")
    assert "无法从应用打开隐私中心，请登录。" in answer.text  # the login page, with nothing that helps guessing
    assert 'action="/me/login"' in answer.text


@pytest.mark.db
def test_the_web_view_gets_a_session_of_its_own_from_a_one_time_code(yinsi: Yinsi) -> None:
    api = _browser(yinsi)
    app_session = register(api, yinsi, ALICE)
    app_token = app_session["Authorization"].removeprefix("Bearer ")
    code = _code(api, app_session)
    assert code.startswith("yh_")
    assert len(code) >= 3 + 43  # 256 random bits, base64url
    # Only a digest is stored.
    with yinsi.engine.connect() as connection:
        rows = connection.execute(select(table_of(HandoverCodeRow))).all()
    assert [r.code_digest for r in rows] == [hashlib.sha256(code.encode()).digest()]
    assert all(code not in str(tuple(r)) for r in rows)

    view = _browser(yinsi)
    handed = view.post("/me/handover", data={"code": code, "next": "/me/data"})
    assert handed.status_code == 303, handed.text
    assert handed.headers["location"] == "/me/data"  # a clean URL: the code was never in one
    assert handed.headers["referrer-policy"] == "no-referrer"
    assert handed.headers["cache-control"] == "no-store"
    cookie = handed.headers["set-cookie"]
    assert "HttpOnly" in cookie
    assert "samesite=lax" in cookie.lower()
    assert "secure" not in cookie.lower()  # plain HTTP here; under TLS the cookie is Secure (see below)
    centre_token = view.cookies.get(SESSION_COOKIE)
    assert centre_token is not None
    assert centre_token != app_token  # a session of its own, not the app's
    assert yinsi.accounts.authenticate(centre_token) == yinsi.accounts.authenticate(app_token)
    assert view.get("/me/data").status_code == 200
    assert "从应用打开" in view.get("/me/access-log").text  # the access log says how this session began

    # Single use: the same code again, from anywhere, gets the login page and no session.
    _refused(_browser(yinsi).post("/me/handover", data={"code": code}))

    # Issued and redeemed are audited; the code never is.
    with yinsi.engine.connect() as connection:
        trail = "\n".join(
            f"{r.actor} {r.action} {r.subject_id} {r.body}"
            for r in connection.execute(select(table_of(AuditEventRow))).all()
        )
    assert "handover-code-issued" in trail
    assert "handover-code-redeemed" in trail
    assert "handover-refused" in trail
    assert code not in trail
    assert code[3:] not in trail


@pytest.mark.db
def test_the_cookie_is_secure_under_tls(yinsi: Yinsi) -> None:
    api = _browser(yinsi)
    code = _code(api, register(api, yinsi, ALICE))
    view = TestClient(create_app(yinsi), follow_redirects=False, base_url="https://testserver")
    handed = view.post("/me/handover", data={"code": code})
    assert handed.status_code == 303
    assert "secure" in handed.headers["set-cookie"].lower()


@pytest.mark.db
def test_the_app_session_itself_no_longer_opens_the_centre(yinsi: Yinsi) -> None:
    api = _browser(yinsi)
    app_token = register(api, yinsi, ALICE)["Authorization"].removeprefix("Bearer ")
    view = _browser(yinsi)
    _refused(view.post("/me/handover", data={"token": app_token, "next": "/me"}))
    _refused(view.post("/me/handover", data={"code": app_token, "next": "/me"}))
    assert view.get(f"/me?code={app_token}").status_code == 303  # nothing in a URL is a session either
    assert view.get("/me").headers["location"].startswith("/me/login")
    # A code in a URL is never read: the GET lands on the login page, and the code is not used up by it.
    code = _code(api, {"Authorization": f"Bearer {app_token}"})
    got = view.get(f"/me/handover?code={code}")
    assert got.status_code == 303
    assert got.headers["location"] == "/me/login"
    assert SESSION_COOKIE not in got.headers.get("set-cookie", "")
    assert view.post("/me/handover", data={"code": code}).status_code == 303


@pytest.mark.db
def test_a_code_lives_sixty_seconds(yinsi: Yinsi, clock: Clock) -> None:
    api = _browser(yinsi)
    app_session = register(api, yinsi, ALICE)
    first, second = _code(api, app_session), _code(api, app_session)
    clock.advance(seconds=59)
    assert _browser(yinsi).post("/me/handover", data={"code": first}).status_code == 303
    clock.advance(seconds=2)
    _refused(_browser(yinsi).post("/me/handover", data={"code": second}))


@pytest.mark.db
def test_a_code_opens_only_its_own_persons_centre(yinsi: Yinsi, clock: Clock) -> None:
    api = _browser(yinsi)
    alice_app, bob_app = register(api, yinsi, ALICE), register(api, yinsi, BOB)
    alice = yinsi.accounts.authenticate(alice_app["Authorization"].removeprefix("Bearer "))
    bob = yinsi.accounts.authenticate(bob_app["Authorization"].removeprefix("Bearer "))
    # Bob's web view, already logged in to the centre as Bob, is handed Alice's code: it becomes Alice's,
    # whose code it is (never Bob's), and Bob's own sessions are not touched.
    clock.advance(seconds=61)  # the SMS cooldown of Bob's number
    bob_browser = log_in(yinsi, BOB)
    bob_centre = bob_browser.cookies.get(SESSION_COOKIE)
    assert bob_centre is not None
    handed = bob_browser.post("/me/handover", data={"code": _code(api, alice_app)})
    assert handed.status_code == 303
    new_token = bob_browser.cookies.get(SESSION_COOKIE)
    assert new_token is not None
    assert yinsi.accounts.authenticate(new_token) == alice
    assert yinsi.accounts.authenticate(bob_centre) == bob
    # And Bob's code opens Bob's centre.
    view = _browser(yinsi)
    assert view.post("/me/handover", data={"code": _code(api, bob_app)}).status_code == 303
    token = view.cookies.get(SESSION_COOKIE)
    assert token is not None
    assert yinsi.accounts.authenticate(token) == bob
    # Asking for a code needs a person's session.
    assert api.post("/v1/me/handover").status_code == 401


@pytest.mark.db
def test_logging_out_of_one_session_leaves_the_other(yinsi: Yinsi) -> None:
    api = _browser(yinsi)
    app_session = register(api, yinsi, ALICE)
    view = _browser(yinsi)
    assert view.post("/me/handover", data={"code": _code(api, app_session)}).status_code == 303
    # Logging out of the centre leaves the app logged in ...
    out = view.post("/me/logout", data={"csrf": csrf_of(view.get("/me").text)})
    assert out.status_code == 303
    assert view.get("/me").status_code == 303
    assert api.get("/v1/me/consents", headers=app_session).status_code == 200
    # ... and logging out of the app leaves the centre logged in.
    view = _browser(yinsi)
    assert view.post("/me/handover", data={"code": _code(api, app_session)}).status_code == 303
    assert api.post("/v1/auth/logout", headers=app_session).status_code == 204
    assert api.get("/v1/me/consents", headers=app_session).status_code == 401
    assert view.get("/me").status_code == 200


@pytest.mark.db
def test_wrong_codes_are_limited_per_address(yinsi: Yinsi, clock: Clock) -> None:
    api = _browser(yinsi)
    app_session = register(api, yinsi, ALICE)
    prober = _browser(yinsi)
    for _ in range(rate_limits.HANDOVER_FAILURES.events):
        _refused(prober.post("/me/handover", data={"code": "yh_" + "x" * 43}))
    code = _code(api, app_session)
    limited = prober.post("/me/handover", data={"code": code})
    assert limited.status_code == 429  # even a good code, from this address, for now
    assert int(limited.headers["retry-after"]) > 0
    assert SESSION_COOKIE not in limited.headers.get("set-cookie", "")
    clock.advance(hours=1, seconds=1)
    assert prober.post("/me/handover", data={"code": _code(api, app_session)}).status_code == 303


@pytest.mark.db
def test_issuing_codes_is_limited_per_person(yinsi: Yinsi) -> None:
    api = _browser(yinsi)
    app_session = register(api, yinsi, ALICE)
    for _ in range(rate_limits.HANDOVERS_PER_PERSON.events):
        _code(api, app_session)
    refused = api.post("/v1/me/handover", headers=app_session)
    assert refused.status_code == 429
    assert refused.json()["code"] == "rate_limited"


@pytest.mark.db
def test_two_web_views_racing_with_one_code_get_one_session(yinsi: Yinsi) -> None:
    api = _browser(yinsi)
    subject = yinsi.accounts.authenticate(register(api, yinsi, ALICE)["Authorization"].removeprefix("Bearer "))
    for _ in range(3):
        code = yinsi.centre.handover_code(subject=subject).code
        barrier = threading.Barrier(2)

        def redeem(code: str = code, barrier: threading.Barrier = barrier) -> str:
            barrier.wait()
            try:
                return yinsi.centre.redeem_handover(code=code, client="203.0.113.9").token
            except HandoverRefused:
                return "refused"

        with ThreadPoolExecutor(2) as pool:
            answers = list(pool.map(lambda _: redeem(), range(2)))
        assert answers.count("refused") == 1
        (token,) = (a for a in answers if a != "refused")
        assert yinsi.accounts.authenticate(token) == subject
