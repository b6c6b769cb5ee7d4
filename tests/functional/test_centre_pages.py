"""The privacy centre's pages over HTTP: who may see each page, CSRF on every form, the session cookie.

The journeys in a real browser are in tests/browser/; these check the rules every page keeps, on SQLite and
PostgreSQL, with the real app and a real session.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from tests.support.accounts import last_code
from yinsi.api.app import create_app
from yinsi.bootstrap import Yinsi

PAGES = [
    "/me",
    "/me/policy",
    "/me/data",
    "/me/data/reveal?field=mobile",
    "/me/consents",
    "/me/requests",
    "/me/complaint",
    "/me/access-log",
    "/me/guardians",
    "/me/next-of-kin",
]
FORMS = [
    "/me/policy/accept",
    "/me/data/reveal-code",
    "/me/data/reveal",
    "/me/consents",
    "/me/requests",
    "/me/complaint",
    "/me/guardians/invite",
    "/me/guardians/confirm",
    "/me/next-of-kin",
    "/me/logout",
]
ALICE, BOB = "13912345670", "13912345671"


@pytest.fixture
def client(yinsi: Yinsi) -> Iterator[TestClient]:
    with TestClient(create_app(yinsi), raise_server_exceptions=False, follow_redirects=False) as test_client:
        yield test_client


def csrf_of(html: str) -> str:
    found = re.search(r'name="csrf" value="([0-9a-f]{64})"', html)
    assert found is not None, html[:500]
    return found.group(1)


def log_in(yinsi: Yinsi, phone: str, *, base_url: str = "http://testserver") -> TestClient:
    """A browser of its own (its own cookies) that registers ``phone`` through the login page."""
    browser = TestClient(create_app(yinsi), raise_server_exceptions=False, follow_redirects=False, base_url=base_url)
    page = browser.get("/me/login")
    assert page.status_code == 200
    csrf = csrf_of(page.text)
    sent = browser.post("/me/login/code", data={"csrf": csrf, "phone": phone})
    assert sent.status_code == 200, sent.text
    done = browser.post(
        "/me/login",
        data={"csrf": csrf_of(sent.text), "phone": phone, "code": last_code(yinsi), "accept": "yes", "next": "/me"},
    )
    assert done.status_code == 303, done.text
    assert done.headers["location"] == "/me"
    return browser


@pytest.mark.db
def test_every_page_sends_an_anonymous_caller_to_log_in(client: TestClient) -> None:
    for page in PAGES:
        answer = client.get(page)
        assert answer.status_code == 303, page
        assert answer.headers["location"].startswith("/me/login?next=/me"), page
    client.cookies.set("yinsi_session", "ys_" + "x" * 43)  # a made-up session
    assert client.get("/me").status_code == 303


@pytest.mark.db
def test_every_form_refuses_a_post_without_this_browsers_csrf_token(yinsi: Yinsi) -> None:
    alice = log_in(yinsi, ALICE)
    bob = log_in(yinsi, BOB)
    bobs_token = csrf_of(bob.get("/me/complaint").text)
    for form in FORMS:
        missing = alice.post(form, data={"text": "x"})
        assert missing.status_code == 403, form
        assert "表单已过期" in missing.text
        borrowed = alice.post(form, data={"csrf": bobs_token, "text": "x"})  # another session's token
        assert borrowed.status_code == 403, form
    assert alice.get("/me").status_code == 200  # still logged in: the logout form refused too
    anonymous = TestClient(create_app(yinsi), raise_server_exceptions=False, follow_redirects=False)
    refused = anonymous.post("/me/login", data={"phone": ALICE, "code": "123456"})
    assert refused.status_code == 403


@pytest.mark.db
def test_a_person_never_reaches_anothers_request_or_copy(yinsi: Yinsi) -> None:
    alice = log_in(yinsi, ALICE)
    bob = log_in(yinsi, BOB)
    filed = alice.post("/me/requests", data={"csrf": csrf_of(alice.get("/me/requests").text), "type": "copy"})
    assert filed.status_code == 303, filed.text
    request_page = filed.headers["location"]
    mine = alice.get(request_page)
    assert mine.status_code == 200
    export = re.search(r'href="(/me/exports/[0-9a-f-]+)"', mine.text)
    assert export is not None
    assert alice.get(export.group(1)).status_code == 200
    assert bob.get(request_page).status_code == 404
    assert bob.get(export.group(1)).status_code == 404
    token = csrf_of(bob.get("/me").text)
    assert bob.post(request_page + "/withdraw", data={"csrf": token}).status_code == 400
    assert bob.post(request_page + "/proceed", data={"csrf": token}).status_code == 400


@pytest.mark.db
def test_the_session_cookie_is_httponly_samesite_and_secure_under_tls(yinsi: Yinsi) -> None:
    plain = TestClient(create_app(yinsi), raise_server_exceptions=False, follow_redirects=False)
    page = plain.get("/me/login")
    sent = plain.post("/me/login/code", data={"csrf": csrf_of(page.text), "phone": ALICE})
    done = plain.post(
        "/me/login", data={"csrf": csrf_of(sent.text), "phone": ALICE, "code": last_code(yinsi), "accept": "yes"}
    )
    cookie = done.headers["set-cookie"]
    assert cookie.startswith("yinsi_session=ys_")
    assert "HttpOnly" in cookie
    assert "SameSite=lax" in cookie
    assert "Secure" not in cookie
    tls = TestClient(
        create_app(yinsi), raise_server_exceptions=False, follow_redirects=False, base_url="https://testserver"
    )
    page = tls.get("/me/login")
    assert "Secure" in page.headers["set-cookie"]  # the pre-session cookie too
    sent = tls.post("/me/login/code", data={"csrf": csrf_of(page.text), "phone": BOB})
    done = tls.post(
        "/me/login", data={"csrf": csrf_of(sent.text), "phone": BOB, "code": last_code(yinsi), "accept": "yes"}
    )
    assert "Secure" in done.headers["set-cookie"]
    assert "HttpOnly" in done.headers["set-cookie"]


@pytest.mark.db
def test_a_page_after_logout_sends_the_person_to_log_in(yinsi: Yinsi) -> None:
    alice = log_in(yinsi, ALICE)
    token = csrf_of(alice.get("/me").text)
    session = alice.cookies.get("yinsi_session")
    assert alice.post("/me/logout", data={"csrf": token}).status_code == 303
    again = TestClient(create_app(yinsi), raise_server_exceptions=False, follow_redirects=False)
    again.cookies.set("yinsi_session", session or "")
    assert again.get("/me").status_code == 303  # the session ended


@pytest.mark.db
def test_my_data_is_masked_and_one_value_shows_whole_after_an_sms_code(
    yinsi: Yinsi, clock: object, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    alice = log_in(yinsi, ALICE)
    page = alice.get("/me/data")
    assert "139****5670" in page.text
    assert ALICE not in page.text
    reveal = alice.get("/me/data/reveal?field=mobile")
    clock.advance(seconds=61)  # type: ignore[attr-defined]  # the one-minute cooldown of the login code
    sent = alice.post("/me/data/reveal-code", data={"csrf": csrf_of(reveal.text), "field": "mobile"})
    assert sent.status_code == 200, sent.text
    wrong = alice.post("/me/data/reveal", data={"csrf": csrf_of(sent.text), "field": "mobile", "code": "000000"})
    assert wrong.status_code == 400
    assert ALICE not in wrong.text
    shown = alice.post(
        "/me/data/reveal", data={"csrf": csrf_of(sent.text), "field": "mobile", "code": last_code(yinsi)}
    )
    assert shown.status_code == 200
    assert ALICE in shown.text
    assert shown.headers["cache-control"] == "no-store"
    # The reveal is audited by field and form, never with the value; nor is the value in the request log.
    from sqlalchemy import select

    from yinsi.adapters.db.rows import AuditEventRow, table_of

    table = table_of(AuditEventRow)
    with yinsi.engine.connect() as connection:
        rows = connection.execute(select(table)).all()
    trail = "\n".join(f"{r.actor} {r.action} {r.subject_id} {r.body}" for r in rows)
    assert "pi-revealed-to-subject" in trail
    assert "pi-shown-to-subject" in trail
    assert ALICE not in trail
    assert "".join(caplog.messages).count(ALICE) == 0


@pytest.mark.db
def test_access_and_explanation_requests_answer_on_their_page(yinsi: Yinsi) -> None:
    alice = log_in(yinsi, ALICE)
    for kind, expected in (("access", "139****5670"), ("explain", "短信验证码")):
        filed = alice.post("/me/requests", data={"csrf": csrf_of(alice.get("/me/requests").text), "type": kind})
        assert filed.status_code == 303, filed.text
        page = alice.get(filed.headers["location"])
        assert page.status_code == 200
        assert "答复" in page.text, kind
        assert expected in page.text, kind
        assert ALICE not in page.text


@pytest.mark.db
def test_pages_speak_simplified_chinese_first_and_keep_the_chosen_language(yinsi: Yinsi) -> None:
    browser = TestClient(create_app(yinsi), raise_server_exceptions=False, follow_redirects=False)
    default = browser.get("/me/login", headers={"Accept-Language": "en"})  # the centre's default is zh-CN
    assert '<html lang="zh-CN">' in default.text
    assert "获取验证码" in default.text
    english = browser.get("/me/login?lang=en")
    assert '<html lang="en">' in english.text
    assert "Send me a code" in english.text
    assert browser.get("/me/login").headers["content-language"] == "en"  # kept in a cookie
    traditional = browser.get("/me/login?lang=zh-TW")
    assert '<html lang="zh-TW">' in traditional.text
    assert "獲取驗證碼" in traditional.text


@pytest.mark.db
def test_the_cookie_banner_records_a_persons_choice_with_the_text_shown(yinsi: Yinsi) -> None:
    alice = log_in(yinsi, ALICE)
    info = alice.get("/cookie-banner.json?lang=zh-CN").json()
    assert [c["essential"] for c in info["cookies"]] == [True]  # seed 001 declares one essential cookie
    choice = {"granted": ["remember_login"], "text_hash": info["text_hash"], "lang": "zh-CN"}
    forged = alice.post("/cookie-banner/choices", json=choice)  # no X-Yinsi-Banner: not from the script
    assert forged.status_code == 403
    form = alice.post("/cookie-banner/choices", data=choice, headers={"X-Yinsi-Banner": "1"})  # a form post
    assert form.status_code == 403
    recorded = alice.post("/cookie-banner/choices", json=choice, headers={"X-Yinsi-Banner": "1"})
    assert recorded.status_code == 200, recorded.text
    assert "yinsi_visitor" not in recorded.headers.get("set-cookie", "")  # the person's own ledger, not a visitor's
    script = alice.get("/cookie-banner.js")
    assert script.headers["content-type"].startswith("text/javascript")
    assert "data-yinsi-category" in script.text


@pytest.mark.db
def test_a_wards_page_refuses_anyone_but_their_linked_guardian(yinsi: Yinsi) -> None:
    alice = log_in(yinsi, ALICE)
    bob = log_in(yinsi, BOB)
    alices_id = yinsi.accounts.find_subject_by_phone(ALICE)
    refused = bob.get(f"/me/wards/{alices_id}")
    assert refused.status_code == 403
    assert "139****5670" not in refused.text
    token = csrf_of(bob.get("/me/consents").text)
    changed = bob.post(
        f"/me/wards/{alices_id}/consents",
        data={"csrf": token, "kind": "permission", "scope": "phone_state", "action": "grant", "shown_hash": "0" * 64},
    )
    assert changed.status_code == 400
    assert yinsi.centre.standing(subject=str(alices_id)).status_of("permission", "phone_state") is None
    anonymous = TestClient(create_app(yinsi), raise_server_exceptions=False, follow_redirects=False)
    assert anonymous.get(f"/me/wards/{alices_id}").status_code == 303
    assert alice.get("/me/consents").status_code == 200


@pytest.mark.db
def test_registering_records_the_policy_accepted_with_the_hash_of_the_text_shown(yinsi: Yinsi) -> None:
    import hashlib

    from yinsi.core.policy.render import render_policy

    log_in(yinsi, ALICE)
    subject = yinsi.accounts.find_subject_by_phone(ALICE)
    assert subject is not None
    entry = next(e for e in yinsi.centre.consent_history(subject=subject) if e.kind == "policy")
    shown = render_policy(yinsi.policy.current().spec, "zh-CN", "md")
    assert entry.text_hash == hashlib.sha256(shown.encode()).hexdigest()
    assert (entry.channel, entry.language, entry.action) == ("web", "zh-CN", "grant")
