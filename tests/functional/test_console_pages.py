"""The privacy officer's console over HTTP: staff login with TOTP in a cookie of its own, who may see each page
(another staff role, a person, a service key and an anonymous caller are all refused), CSRF on every form,
and the queue's work: overdue requests, look-ups, assignment, actions, filing for a person, the audit trail,
statistics and publishing a policy version.

The journeys in a real browser are in tests/browser/test_console.py; these check the rules every page keeps,
on SQLite and PostgreSQL, with the real app and real sessions.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pyotp
import pytest
from fastapi.testclient import TestClient

from tests.conftest import ROOT, Clock
from tests.support.accounts import register
from tests.support.http import api_key
from yinsi.api.app import create_app
from yinsi.bootstrap import Yinsi

pytestmark = pytest.mark.db

RAISE = False
PHONE = "13912345678"
PASSWORD = "a long staff password"
# Every console page, and the operation its role needs (None: any member of staff).
PAGES: dict[str, str | None] = {
    "/console": None,
    "/console/requests": "view_requests",
    "/console/requests/{request}": "view_requests",
    "/console/people": "view_requests",
    "/console/people/{subject}": "view_requests",
    "/console/statistics": "view_requests",
    "/console/audit": "view_audit",
    "/console/policy": "publish_policy",
}
FORMS: dict[str, str | None] = {
    "/console/requests/{request}/assign": "handle_requests",
    "/console/requests/{request}/act": "handle_requests",
    "/console/people": "view_requests",
    "/console/people/{subject}/read": "view_requests",
    "/console/people/{subject}/requests": "handle_requests",
    "/console/audit/verify": "view_audit",
    "/console/policy/preview": "publish_policy",
    "/console/policy/publish": "publish_policy",
    "/console/logout": None,
}
# The clinic's staff roles: the privacy officer may do everything, the clerk handles requests only, the
# front desk reads and looks up customers (none of the console's operations).
OPERATIONS = {
    "privacy_officer": {"view_requests", "handle_requests", "decide_next_of_kin", "view_audit", "publish_policy"},
    "request_clerk": {"view_requests", "handle_requests"},
    "front_desk": set(),
}


def csrf_of(html: str) -> str:
    found = re.search(r'name="csrf" value="([0-9a-f]{64})"', html)
    assert found is not None, html[:500]
    return found.group(1)


def browser(yinsi: Yinsi) -> TestClient:
    return TestClient(create_app(yinsi), raise_server_exceptions=RAISE, follow_redirects=False)


def create_staff(yinsi: Yinsi, username: str, role: str) -> str:
    """The member's TOTP secret, as their authenticator app holds it."""
    created = yinsi.staff.create(username=username, role=role, password=PASSWORD, issuer="test")
    return created.totp_secret


def staff_browser(yinsi: Yinsi, clock: Clock, role: str, username: str | None = None) -> TestClient:
    """A browser of its own, logged in to the console through its login page."""
    name = username or role.replace("_", ".") + ".test"
    secret = create_staff(yinsi, name, role)
    client = browser(yinsi)
    page = client.get("/console/login")
    assert page.status_code == 200
    done = client.post(
        "/console/login",
        data={
            "csrf": csrf_of(page.text),
            "username": name,
            "password": PASSWORD,
            "code": pyotp.TOTP(secret).at(clock()),
            "next": "/console",
        },
    )
    assert done.status_code == 303, done.text
    return client


@pytest.fixture
def person(clinic: Yinsi) -> Iterator[dict[str, Any]]:
    """A person with an account, and a complaint of theirs waiting in the queue."""
    with browser(clinic) as client:
        headers = register(client, clinic, PHONE)
        filed = client.post(
            "/v1/me/requests", json={"type": "complain", "text": "前台泄露了我的预约信息"}, headers=headers
        )
        assert filed.status_code == 201, filed.text
        yield {"headers": headers, "request": filed.json()["id"], "subject": _subject_of(clinic, filed.json()["id"])}


def _subject_of(yinsi: Yinsi, request_id: str) -> str:
    view, _ = yinsi.rights.staff_view(request_id)
    return view.subject_id


def fill(path: str, person: dict[str, Any]) -> str:
    return path.format(request=person["request"], subject=person["subject"])


@pytest.fixture
def officer(clinic: Yinsi, clock: Clock) -> Iterator[TestClient]:
    with staff_browser(clinic, clock, "privacy_officer", "dpo.li") as client:
        yield client


# ---------------------------------------------------------------------------------------------- logging in


def test_staff_log_in_with_password_and_totp_into_a_cookie_of_their_own(clinic: Yinsi, clock: Clock) -> None:
    secret = create_staff(clinic, "dpo.li", "privacy_officer")
    with browser(clinic) as client:
        page = client.get("/console/login")
        assert page.status_code == 200
        assert page.headers["content-language"] == "zh-CN"
        assert "动态验证码" in page.text
        form = {"csrf": csrf_of(page.text), "username": "dpo.li", "password": PASSWORD, "next": "/console"}
        wrong = client.post("/console/login", data={**form, "code": "000000"})
        assert wrong.status_code == 400
        assert "用户名、密码或动态验证码不正确" in wrong.text
        assert "yinsi_staff" not in client.cookies
        done = client.post("/console/login", data={**form, "code": pyotp.TOTP(secret).at(clock())})
        assert done.status_code == 303
        assert done.headers["location"] == "/console"
        cookie = done.headers["set-cookie"]
        assert cookie.startswith("yinsi_staff=ss_")
        assert "HttpOnly" in cookie
        assert "SameSite=strict" in cookie
        assert "Path=/console" in cookie
        assert "yinsi_session" not in cookie
        home = client.get("/console")
        assert home.status_code == 200
        assert "dpo.li" in home.text
        # The same code a second time is refused: each is accepted once.
        again = browser(clinic)
        login = again.get("/console/login")
        replay = again.post(
            "/console/login",
            data={**form, "csrf": csrf_of(login.text), "code": pyotp.TOTP(secret).at(clock())},
        )
        assert replay.status_code == 400
        # Logging out ends the session itself, not only the cookie.
        token = client.cookies["yinsi_staff"]
        out = client.post("/console/logout", data={"csrf": csrf_of(home.text)})
        assert out.status_code == 303
        assert out.headers["location"] == "/console/login"
        reused = browser(clinic)
        reused.cookies.set("yinsi_staff", token, path="/console")
        assert reused.get("/console").status_code == 303


def test_english_by_choice(officer: TestClient) -> None:
    page = officer.get("/console?lang=en")
    assert page.headers["content-language"] == "en"
    assert "Privacy console" in page.text
    assert officer.get("/console").headers["content-language"] == "en"  # the choice is kept


# ---------------------------------------------------------------------------------------------- authorisation


def test_every_page_and_form_refuses_callers_without_a_staff_session(clinic: Yinsi, person: dict[str, Any]) -> None:
    key = api_key(clinic, "clinic_app")
    with browser(clinic) as client:
        person_token = person["headers"]["Authorization"].removeprefix("Bearer ")
        callers: dict[str, dict[str, Any]] = {
            "anonymous": {},
            "a person's session": {"cookies": {"yinsi_session": person_token}},
            "a person's token as a staff cookie": {"cookies": {"yinsi_staff": person_token}},
            "a person's bearer token": {"headers": person["headers"]},
            "a service API key": {"headers": key},
        }
        for who, how in callers.items():
            client.cookies.clear()
            for name, value in how.get("cookies", {}).items():
                client.cookies.set(name, value)
            for path in PAGES:
                answer = client.get(fill(path, person), headers=how.get("headers"))
                assert answer.status_code == 303, (who, path)
                assert answer.headers["location"].startswith("/console/login?next=/console"), (who, path)
                assert "前台泄露" not in answer.text
            page = client.get("/console/login")
            for path in FORMS:
                if path == "/console/logout":
                    continue
                answer = client.post(fill(path, person), data={"csrf": csrf_of(page.text)}, headers=how.get("headers"))
                assert answer.status_code in (303, 403), (who, path)
                if answer.status_code == 303:
                    assert answer.headers["location"].startswith("/console/login"), (who, path)
    view, _ = clinic.rights.staff_view(person["request"])
    assert view.assigned_to is None
    assert view.state.value == "verified"


@pytest.mark.parametrize("role", ["request_clerk", "front_desk"])
def test_every_page_and_form_refuses_a_staff_role_without_its_operation(
    clinic: Yinsi, clock: Clock, person: dict[str, Any], role: str
) -> None:
    allowed = OPERATIONS[role]
    with staff_browser(clinic, clock, role) as client:
        home = client.get("/console")
        assert home.status_code == 200
        csrf = csrf_of(home.text)
        for path, operation in PAGES.items():
            answer = client.get(fill(path, person))
            if operation is None or operation in allowed:
                assert answer.status_code == 200, (role, path)
            else:
                assert answer.status_code == 403, (role, path)
                assert "没有使用此页面所需的权限" in answer.text
                assert "前台泄露" not in answer.text
                # ...and the navigation does not offer it.
                assert f'href="{path}"' not in home.text or "{" in path, (role, path)
        for path, operation in FORMS.items():
            if operation is None or operation in allowed:
                continue
            answer = client.post(fill(path, person), data={"csrf": csrf, "to": "dpo.li", "action": "start"})
            assert answer.status_code == 403, (role, path)
    view, _ = clinic.rights.staff_view(person["request"])
    assert view.assigned_to is None
    assert view.state.value == "verified"


def test_the_navigation_offers_what_the_role_may_use(clinic: Yinsi, clock: Clock, officer: TestClient) -> None:
    links = ("/console/requests", "/console/people", "/console/statistics", "/console/audit", "/console/policy")
    page = officer.get("/console").text
    assert all(f'href="{link}"' in page for link in links)
    with staff_browser(clinic, clock, "request_clerk") as clerk:
        page = clerk.get("/console").text
    assert all(f'href="{link}"' in page for link in links[:3])
    assert not any(f'href="{link}"' in page for link in links[3:])
    with staff_browser(clinic, clock, "front_desk") as desk:
        page = desk.get("/console").text
    assert not any(f'href="{link}"' in page for link in links)
    assert "您的角色没有工作台中的任何权限" in page


def test_every_form_needs_the_csrf_token_of_this_browser(
    clinic: Yinsi, clock: Clock, officer: TestClient, person: dict[str, Any]
) -> None:
    with staff_browser(clinic, clock, "privacy_officer", "dpo.wang") as other:
        foreign = csrf_of(other.get("/console").text)
    for path in FORMS:
        for data in ({}, {"csrf": ""}, {"csrf": foreign}):
            answer = officer.post(fill(path, person), data={**data, "to": "dpo.li", "action": "start"})
            assert answer.status_code == 403, (path, data)
            assert "表单已过期或来源不明" in answer.text
            assert "返回工作台首页" in answer.text  # the console's own page, not the privacy centre's
    view, _ = clinic.rights.staff_view(person["request"])
    assert view.assigned_to is None
    assert view.state.value == "verified"
    assert officer.get("/console").status_code == 200  # not logged out by a forged logout


# ---------------------------------------------------------------------------------------------- the queue


def test_the_queue_shows_due_dates_in_working_days_and_marks_overdue_ones_in_words(
    clinic: Yinsi, clock: Clock, officer: TestClient, person: dict[str, Any]
) -> None:
    page = officer.get("/console/requests")
    assert page.status_code == 200
    assert "投诉" in page.text
    assert "个工作日" in page.text
    assert "已超期 " not in page.text
    assert "card overdue" not in page.text
    clock.advance(days=40)
    assert officer.get("/console/requests").status_code == 303  # a staff session lasts 8 hours
    officer = staff_browser(clinic, clock, "privacy_officer", "dpo.wang")
    page = officer.get("/console/requests")
    assert re.search(r"⚠ </span>已超期 \d+ 个工作日", page.text)
    assert 'class="card overdue"' in page.text
    assert officer.get("/console/requests?overdue=yes").text.count('class="card overdue"') == 1
    assert "没有符合条件的申请" in officer.get("/console/requests?type=restrict").text
    assert "没有符合条件的申请" in officer.get("/console/requests?assigned_to=nobody").text
    assert "没有符合条件的申请" in officer.get("/console/requests?due_before=2000-01-01").text
    assert "没有符合条件的申请" in officer.get("/console/requests?state=completed").text
    assert "没有符合条件的申请" in officer.get(f"/console/requests?subject={'0' * 36}").text
    assert person["request"][:8] in officer.get(f"/console/requests?subject={person['subject']}").text
    home = officer.get("/console").text
    assert re.search(r'<span class="figure">1</span> <span aria-hidden="true">⚠ </span>已超期申请', home)


def test_opening_a_request_shows_what_the_person_wrote_and_is_audited(
    clinic: Yinsi, officer: TestClient, person: dict[str, Any]
) -> None:
    page = officer.get(f"/console/requests/{person['request']}")
    assert page.status_code == 200
    assert "前台泄露了我的预约信息" in page.text
    events = clinic.audit.events(clinic.engine, action="request-viewed")
    assert events[0]["actor"] == "staff:dpo.li"
    assert events[0]["details"] == {"request": person["request"]}
    assert officer.get("/console/requests/no-such-request").status_code == 404


def test_assign_then_answer_a_request(clinic: Yinsi, officer: TestClient, person: dict[str, Any]) -> None:
    url = f"/console/requests/{person['request']}"
    csrf = csrf_of(officer.get(url).text)
    assert officer.post(f"{url}/assign", data={"csrf": csrf, "to": "dpo.li"}).status_code == 303
    bad = officer.post(f"{url}/assign", data={"csrf": csrf, "to": "nobody"})
    assert bad.status_code == 400
    assert "不是可以处理请求的在职员工" in bad.text
    assert officer.post(f"{url}/act", data={"csrf": csrf, "action": "start"}).status_code == 303
    no_ground = officer.post(f"{url}/act", data={"csrf": csrf, "action": "refuse"})
    assert no_ground.status_code == 400
    assert "拒绝必须写明隐私政策列出的理由" in no_ground.text
    assert officer.post(f"{url}/act", data={"csrf": csrf, "action": "complete"}).status_code == 303
    page = officer.get(url).text
    assert "这个申请已结束" in page
    view, _ = clinic.rights.staff_view(person["request"])
    assert view.assigned_to == "dpo.li"
    assert [h["to"] for h in view.history][-2:] == ["in_progress", "completed"]
    assert view.history[-1]["actor"] == "staff:dpo.li"
    again = officer.post(f"{url}/act", data={"csrf": csrf, "action": "start"})
    assert again.status_code == 409


def test_a_clerk_cannot_decide_a_next_of_kin_request(clinic: Yinsi, clock: Clock, person: dict[str, Any]) -> None:
    with browser(clinic) as client:
        relative = register(client, clinic, "13912345679")
        filed = client.post(
            "/v1/me/requests",
            json={
                "type": "next_of_kin",
                "deceased_phone": PHONE,
                "relationship": "child",
                "text": "死亡证明编号 123",
                "wants": "access",
            },
            headers=relative,
        )
        assert filed.status_code == 201, filed.text
    url = f"/console/requests/{filed.json()['id']}"
    with staff_browser(clinic, clock, "request_clerk") as clerk:
        page = clerk.get(url)
        assert "近亲属申请的批准或拒绝需要" in page.text
        assert "139****5678" in page.text
        assert PHONE not in page.text
        csrf = csrf_of(page.text)
        assert clerk.post(f"{url}/act", data={"csrf": csrf, "action": "verify"}).status_code == 303
        refused = clerk.post(f"{url}/act", data={"csrf": csrf, "action": "complete", "decision": "approve"})
        assert refused.status_code == 403
    view, _ = clinic.rights.staff_view(filed.json()["id"])
    assert view.state.value == "verified"


# ---------------------------------------------------------------------------------------------- people


def test_finding_a_person_by_phone_shows_subject_ids_only_and_is_audited(
    clinic: Yinsi, officer: TestClient, person: dict[str, Any]
) -> None:
    page = officer.get("/console/people")
    found = officer.post("/console/people", data={"csrf": csrf_of(page.text), "field": "mobile", "value": PHONE})
    assert found.status_code == 200
    assert person["subject"] in found.text
    assert PHONE not in found.text
    assert "找到 1 个人" in found.text
    event = clinic.audit.events(clinic.engine, action="subject-looked-up")[0]
    assert event["actor"] == "staff:dpo.li"
    assert event["details"] == {"matches": 1, "for": "rights-requests"}
    assert PHONE not in str(event)
    nobody = officer.post(
        "/console/people", data={"csrf": csrf_of(page.text), "field": "mobile", "value": "13900000000"}
    )
    assert "没有找到" in nobody.text
    bad = officer.post("/console/people", data={"csrf": csrf_of(page.text), "field": "mobile", "value": "12345"})
    assert bad.status_code == 400
    assert "12345" not in bad.text.replace('value="12345"', "")  # the refusal does not repeat it
    not_lookup = officer.post("/console/people", data={"csrf": csrf_of(page.text), "field": "name", "value": "张三"})
    assert not_lookup.status_code == 400
    assert "不能用于查找个人" in not_lookup.text
    their = officer.get(f"/console/people/{person['subject']}")
    assert person["request"] in their.text


def test_masked_values_only_as_the_role_may_read_them(
    clinic: Yinsi, officer: TestClient, person: dict[str, Any]
) -> None:
    url = f"/console/people/{person['subject']}"
    page = officer.get(url)
    shown = officer.post(f"{url}/read", data={"csrf": csrf_of(page.text), "purpose": "registration"})
    assert shown.status_code == 200
    assert "139****5678" in shown.text
    assert PHONE not in shown.text
    event = clinic.audit.events(clinic.engine, action="pi-read")[0]
    assert event["actor"] == "staff:dpo.li"
    assert event["purpose"] == "registration"
    refused = officer.post(f"{url}/read", data={"csrf": csrf_of(page.text), "purpose": "treatment"})
    assert refused.status_code == 403


def test_filing_a_request_for_a_person_who_phoned(clinic: Yinsi, officer: TestClient, person: dict[str, Any]) -> None:
    url = f"/console/people/{person['subject']}"
    csrf = csrf_of(officer.get(url).text)
    filed = officer.post(
        f"{url}/requests", data={"csrf": csrf, "type": "restrict", "channel": "phone", "text": "请停止营销短信"}
    )
    assert filed.status_code == 303, filed.text
    request_id = filed.headers["location"].rsplit("/", 1)[1]
    view, payload = clinic.rights.staff_view(request_id, with_payload=True)
    assert view.subject_id == person["subject"]
    assert view.state.value == "received"  # who phoned must still be checked
    assert view.filed_by == "staff"
    assert view.details["channel"] == "phone"
    assert view.history[0]["actor"] == "staff:dpo.li"
    assert payload["text"] == "请停止营销短信"
    page = officer.get(f"/console/requests/{request_id}").text
    assert "员工代为提交" in page
    assert "电话" in page
    assert "完成前需先核验身份" in page
    mine = officer.get("/v1/me/requests", headers=person["headers"]).json()
    assert request_id in [r["id"] for r in mine["items"]]  # the person sees it among their own
    refused = officer.post(
        f"/console/requests/{request_id}/act", data={"csrf": csrf, "action": "refuse", "ground": "not_applicable"}
    )
    assert refused.status_code == 303
    view, _ = clinic.rights.staff_view(request_id)
    assert view.state.value == "refused"
    assert view.outcome == "not_applicable"
    assert "这项请求不适用于您的个人信息" in officer.get(f"/console/requests/{request_id}").text
    for refused in ({"type": "copy"}, {"type": "delete"}, {"type": "correct", "field": "email"}):
        wrong = officer.post(f"{url}/requests", data={"csrf": csrf, "channel": "phone", **refused})
        assert wrong.status_code == 400, refused


def test_a_correction_and_a_deletion_filed_by_phone_are_carried_out_once_verified(
    clinic: Yinsi, officer: TestClient, person: dict[str, Any]
) -> None:
    url = f"/console/people/{person['subject']}"
    csrf = csrf_of(officer.get(url).text)

    def file_and_complete(**form: str) -> str:
        filed = officer.post(f"{url}/requests", data={"csrf": csrf, "channel": "letter", **form})
        assert filed.status_code == 303, filed.text
        request_id = filed.headers["location"].rsplit("/", 1)[1]
        act = f"/console/requests/{request_id}/act"
        early = officer.post(act, data={"csrf": csrf, "action": "complete"})
        assert early.status_code == 409  # not before the identity is verified
        assert officer.post(act, data={"csrf": csrf, "action": "verify"}).status_code == 303
        assert officer.post(act, data={"csrf": csrf, "action": "start"}).status_code == 303
        done = officer.post(act, data={"csrf": csrf, "action": "complete"})
        assert done.status_code == 303, re.findall(r"role=\"alert\">([^<]*)", done.text)
        return request_id

    corrected = file_and_complete(type="correct", field="email", value="zhang.san@example.com", purpose="registration")
    held = {item.field: item.masked for item in clinic.centre.my_data(subject=person["subject"])}
    assert held["email"] == "z***@example.com"
    view, _ = clinic.rights.staff_view(corrected)
    assert view.state.value == "completed"
    assert [(h["from"], h["to"], h["actor"]) for h in view.history][-1] == ("in_progress", "completed", "staff:dpo.li")
    page = officer.get(f"/console/requests/{corrected}").text
    assert "z***@example.com" in page
    assert "zhang.san@example.com" not in page  # what was written is shown masked
    events = clinic.audit.events(clinic.engine, action="pi-corrected")
    assert events[0]["actor"] == "staff:dpo.li"

    file_and_complete(type="delete", field="email")
    held = {item.field for item in clinic.centre.my_data(subject=person["subject"])}
    assert "email" not in held
    assert clinic.audit.events(clinic.engine, action="pi-deleted")[0]["actor"] == "staff:dpo.li"


# ---------------------------------------------------------------------------------------------- statistics, audit


def test_statistics_count_without_naming_anyone(officer: TestClient, person: dict[str, Any]) -> None:
    page = officer.get("/console/statistics")
    assert page.status_code == 200
    assert "投诉" in page.text
    assert person["subject"] not in page.text
    assert "同意" in page.text
    assert "policy" in page.text


def test_the_audit_trail_and_its_verification(clinic: Yinsi, officer: TestClient, person: dict[str, Any]) -> None:
    page = officer.get(f"/console/audit?subject={person['subject']}")
    assert page.status_code == 200
    assert "request-received" in page.text
    assert PHONE not in page.text
    checked = officer.post(f"/console/audit/verify?subject={person['subject']}", data={"csrf": csrf_of(page.text)})
    assert checked.status_code == 200
    assert re.search(r"审计链完整：已核验 \d+ 个事件", checked.text)
    actions = [e["action"] for e in clinic.audit.events(clinic.engine, limit=5)]
    assert "audit-verified" in actions
    assert "audit-viewed" in actions


# ---------------------------------------------------------------------------------------------- policy versions


def test_preview_then_publish_a_policy_version(clinic: Yinsi, officer: TestClient) -> None:
    spec = (ROOT / "tests" / "fixtures" / "clinic.yaml").read_text(encoding="utf-8")
    page = officer.get("/console/policy")
    assert page.status_code == 200
    csrf = csrf_of(page.text)
    invalid = officer.post("/console/policy/preview", data={"csrf": csrf, "spec": "policy: {}"})
    assert invalid.status_code == 400
    assert "规范无效" in invalid.text
    first = officer.post("/console/policy/preview", data={"csrf": csrf, "spec": spec})
    assert first.status_code == 200
    assert "这将是首个版本" in first.text
    assert officer.post("/console/policy/publish", data={"csrf": csrf, "spec": spec}).status_code == 200
    version = clinic.policy.current().version
    changed = spec.replace(f'version: "{version}"', 'version: "2099-01"', 1)
    assert changed != spec
    preview = officer.post("/console/policy/preview", data={"csrf": csrf, "spec": changed})
    assert "2099-01" in preview.text
    done = officer.post("/console/policy/publish", data={"csrf": csrf, "spec": changed})
    assert "已发布 2099-01" in done.text
    versions = officer.get("/console/policy").text
    assert versions.index("2099-01") < versions.index(version)
    event = clinic.audit.events(clinic.engine, action="policy-published")[0]
    assert event["actor"] == "staff:dpo.li"
    taken = officer.post("/console/policy/preview", data={"csrf": csrf, "spec": changed})
    assert "内容与现行版本相同" in taken.text


def test_the_due_date_filter_works_on_every_database(clinic: Yinsi, person: dict[str, Any]) -> None:
    """A bug found on the way: on PostgreSQL the filter compared the date column with a string (a 500)."""
    from tests.support.http import staff_session

    with browser(clinic) as client:
        headers = staff_session(client, clinic, "privacy_officer")
        later = client.get("/v1/staff/requests?due_before=2999-01-01", headers=headers)
        assert later.status_code == 200, later.text
        assert [r["id"] for r in later.json()["items"]] == [person["request"]]
        earlier = client.get("/v1/staff/requests?due_before=2000-01-01", headers=headers)
        assert earlier.json()["items"] == []
        impossible = client.get("/v1/staff/requests?due_before=2025-13-45", headers=headers)
        assert impossible.status_code == 400
        assert impossible.json()["field"] == "due_before"
