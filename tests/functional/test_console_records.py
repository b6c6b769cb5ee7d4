"""The console's record pages over HTTP: the compliance report of ``yinsi check``, recipients and provisions,
security incidents (record, complete, draft, notify, report) and webhook deliveries (attempts, replay).

Each page keeps the console's rules (test_console_pages.py): a staff role without the page's operation gets a
403 and no link, a person, a service key and an anonymous caller get the staff login, every form needs this
browser's CSRF token; and each shows what it should, on SQLite and PostgreSQL.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.conftest import ROOT, Backend, Clock
from tests.functional.test_console_pages import PHONE, browser, csrf_of, staff_browser
from tests.support.accounts import register
from tests.support.http import api_key
from tests.support.webhooks import Receiver
from yinsi.bootstrap import Yinsi, open_yinsi
from yinsi.core.policy.compiled import CompiledPolicy
from yinsi.core.webhook_signing import new_secret
from yinsi.services import incidents, policies
from yinsi.services.vault import Actor

pytestmark = pytest.mark.db

SECRET = new_secret()
# The clinic's spec with incidents in the privacy officer's hands (as the seeds' officers have them).
SPEC = (
    (ROOT / "tests" / "fixtures" / "clinic.yaml")
    .read_text(encoding="utf-8")
    .replace(
        "view_audit, publish_policy, manage_blockers]", "view_audit, publish_policy, manage_blockers, manage_incidents]"
    )
)
PAGES: dict[str, str] = {
    "/console/compliance": "view_audit",
    "/console/recipients": "view_audit",
    "/console/provisions?recipient=sms_gateway": "view_audit",
    "/console/incidents": "manage_incidents",
    "/console/incidents/new": "manage_incidents",
    "/console/incidents/{incident}": "manage_incidents",
    "/console/webhooks": "view_audit",
    "/console/webhooks/{event}": "view_audit",
}
FORMS: dict[str, str] = {
    "/console/incidents": "manage_incidents",
    "/console/incidents/{incident}/contents": "manage_incidents",
    "/console/incidents/{incident}/draft": "manage_incidents",
    "/console/incidents/{incident}/notify": "manage_incidents",
    "/console/incidents/{incident}/report": "manage_incidents",
    "/console/webhooks/{event}/replay": "view_audit",
}
NAV = ("/console/compliance", "/console/recipients", "/console/incidents", "/console/webhooks")
PARTS = {
    "situation_and_impact": ("前台电脑中的预约表被复制", "The appointment list on the front desk PC was copied"),
    "cause": ("电脑未锁屏", "The PC was left unlocked"),
    "measures_taken": ("已更换密码并加装锁屏", "Passwords changed, screen lock enforced"),
    "self_protection_advice": ("警惕冒充诊所的电话", "Beware of calls pretending to be the clinic"),
    "remedies": ("可致电客服要求更换就诊卡号", "Call us to have your patient number changed"),
}


@pytest.fixture
def clinic_policy() -> CompiledPolicy:
    return policies.compile_text(SPEC, "clinic")


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    with Receiver(SECRET, fail=1) as running:
        yield running


@pytest.fixture
def clinic(backend: Backend, clinic_policy: CompiledPolicy, clock: Clock, receiver: Receiver) -> Iterator[Yinsi]:
    """The clinic, with the operator's webhook endpoint on loopback (it fails each event's first delivery)."""
    settings = backend.settings.model_copy(update={"events_url": receiver.url, "events_secret": SECRET})
    instance = open_yinsi(settings, migrate=False, policy=clinic_policy, now=clock)
    yield instance
    instance.close()


@pytest.fixture
def world(clinic: Yinsi, clock: Clock) -> dict[str, Any]:
    """A person whose number went to the SMS provider, an incident about them, and an event sent once (and
    refused by the endpoint)."""
    with browser(clinic) as client:
        session = register(client, clinic, PHONE)
        subject = clinic.accounts.authenticate(session["Authorization"].split()[1])
        provided = client.post(
            f"/v1/subjects/{subject}/provisions",
            headers=api_key(clinic, "clinic_app"),
            json={"recipient": "sms_gateway", "purpose": "registration", "fields": ["mobile"]},
        )
        assert provided.status_code == 201, provided.text
    recorded = clinic.incidents.record(
        kind=incidents.IncidentKind.LEAK,
        confirmed=False,
        discovered_at=clinic.now(),
        occurred_at=None,
        selection=incidents.Selection(["mobile"]),
        contents={},
        actor=Actor("staff:someone", "privacy_officer"),
    )
    assert clinic.events is not None
    assert clinic.events.deliver_due().retrying >= 1
    event = clinic.events.page(limit=1).items[0]
    return {
        "subject": subject,
        "incident": recorded["id"],
        "event": event.id,
        "session": session,
        "incidents": clinic.incidents,
    }


def fill(path: str, world: dict[str, Any]) -> str:
    return path.format(incident=world["incident"], event=world["event"])


@pytest.fixture
def officer(clinic: Yinsi, clock: Clock) -> Iterator[TestClient]:
    with staff_browser(clinic, clock, "privacy_officer", "dpo.li") as client:
        yield client


# ---------------------------------------------------------------------------------------------- authorisation


def test_the_record_pages_refuse_callers_without_a_staff_session(clinic: Yinsi, world: dict[str, Any]) -> None:
    key = api_key(clinic, "clinic_app")
    token = world["session"]["Authorization"].removeprefix("Bearer ")
    callers: dict[str, dict[str, Any]] = {
        "anonymous": {},
        "a person's session": {"cookies": {"yinsi_session": token}},
        "a person's token as a staff cookie": {"cookies": {"yinsi_staff": token}},
        "a person's bearer token": {"headers": world["session"]},
        "a service API key": {"headers": key},
    }
    with browser(clinic) as client:
        for who, how in callers.items():
            client.cookies.clear()
            for name, value in how.get("cookies", {}).items():
                client.cookies.set(name, value)
            for path in PAGES:
                answer = client.get(fill(path, world), headers=how.get("headers"))
                assert answer.status_code == 303, (who, path)
                assert answer.headers["location"].startswith("/console/login?next=/console"), (who, path)
            csrf = csrf_of(client.get("/console/login").text)
            for path in FORMS:
                answer = client.post(fill(path, world), data={"csrf": csrf}, headers=how.get("headers"))
                assert answer.status_code in (303, 403), (who, path)
                if answer.status_code == 303:
                    assert answer.headers["location"].startswith("/console/login"), (who, path)
    shown = clinic.incidents.show(incident_id=world["incident"])
    assert shown["drafted_at"] is None
    assert shown["reported_at"] is None


def test_a_staff_role_without_the_operation_gets_403_and_no_link(
    clinic: Yinsi, clock: Clock, world: dict[str, Any]
) -> None:
    with staff_browser(clinic, clock, "request_clerk") as clerk:
        home = clerk.get("/console")
        assert home.status_code == 200
        assert not any(f'href="{link}"' in home.text for link in NAV)
        csrf = csrf_of(home.text)
        for path in PAGES:
            answer = clerk.get(fill(path, world))
            assert answer.status_code == 403, path
            assert "没有使用此页面所需的权限" in answer.text
        for path in FORMS:
            answer = clerk.post(fill(path, world), data={"csrf": csrf, "method": "announcement"})
            assert answer.status_code == 403, path
    shown = clinic.incidents.show(incident_id=world["incident"])
    assert shown["drafted_at"] is None
    assert shown["notified_at"] is None


def test_an_auditor_who_may_not_handle_incidents_sees_the_other_pages(
    backend: Backend, clock: Clock, world: dict[str, Any]
) -> None:
    """The clinic's own spec: its privacy officer may view the audit, not manage incidents."""
    plain = policies.compile_text((ROOT / "tests" / "fixtures" / "clinic.yaml").read_text(encoding="utf-8"), "c")
    with (
        open_yinsi(backend.settings, migrate=False, policy=plain, now=clock) as yinsi,
        staff_browser(yinsi, clock, "privacy_officer", "dpo.zhao") as officer,
    ):
        home = officer.get("/console").text
        assert all(f'href="{link}"' in home for link in NAV if link != "/console/incidents")
        assert 'href="/console/incidents"' not in home
        assert officer.get("/console/recipients").status_code == 200
        answer = officer.get(f"/console/incidents/{world['incident']}")
        assert answer.status_code == 403
        assert "处理安全事件" in answer.text  # the operation it lacks, in words
        csrf = csrf_of(home)
        assert officer.post(f"/console/incidents/{world['incident']}/report", data={"csrf": csrf}).status_code == 403
    assert world["incidents"].show(incident_id=world["incident"])["reported_at"] is None


def test_every_record_form_needs_the_csrf_token_of_this_browser(
    clinic: Yinsi, clock: Clock, officer: TestClient, world: dict[str, Any]
) -> None:
    with staff_browser(clinic, clock, "privacy_officer", "dpo.wang") as other:
        foreign = csrf_of(other.get("/console").text)
    for path in FORMS:
        for data in ({}, {"csrf": ""}, {"csrf": foreign}):
            answer = officer.post(fill(path, world), data={**data, "method": "announcement"})
            assert answer.status_code == 403, (path, data)
            assert "表单已过期或来源不明" in answer.text
    assert clinic.audit.events(clinic.engine, action="webhook-replayed") == []
    assert clinic.audit.events(clinic.engine, action="incident-reported") == []


# ---------------------------------------------------------------------------------------------- the pages


def test_the_compliance_report_shows_each_finding_with_its_status_in_words(clinic: Yinsi, officer: TestClient) -> None:
    before = officer.get("/console/compliance")
    assert before.status_code == 200
    assert "尚未发布隐私政策" in before.text
    clinic.services.policies.publish(text=SPEC, actor="test", name="clinic")
    page = officer.get("/console/compliance")
    assert page.status_code == 200
    assert "CON-01" in page.text
    assert "PIPL Art. 13" in page.text  # the source clause
    assert "每项处理都有个人信息保护法第十三条的合法性基础" in page.text  # the requirement in one line
    assert re.search(r'<span class="tag status-pass"><span aria-hidden="true">✓ </span>符合</span>', page.text)
    assert "证据" in page.text
    counts = clinic.audit.events(clinic.engine, action="compliance-report-viewed")[0]
    assert counts["actor"] == "staff:dpo.li"
    only = officer.get("/console/compliance?status=pass").text
    assert "不符合</span>" not in only
    english = officer.get("/console/compliance?lang=en").text
    assert "Every processing has a PIPL Art. 13 legal basis" in english


def test_recipients_and_their_provision_records(clinic: Yinsi, officer: TestClient, world: dict[str, Any]) -> None:
    page = officer.get("/console/recipients")
    assert page.status_code == 200
    assert "短信服务商" in page.text
    assert "受托处理者" in page.text
    assert "合作保险公司" in page.text
    insurer = page.text[page.text.index("合作保险公司") :]
    assert "需要（提供前须取得个人的单独同意）" in insurer.split("</li>")[0]
    assert "没有已解除的委托" in page.text
    clinic.entrustments.end_entrustment(recipient="sms_gateway", actor=Actor("staff:dpo.li", "privacy_officer"))
    ended = officer.get("/console/recipients").text
    assert "已解除的委托" in ended
    assert "尚未确认" in ended

    records = officer.get("/console/provisions?recipient=sms_gateway")
    assert records.status_code == 200
    assert "共 1 条记录" in records.text
    assert world["subject"] in records.text
    assert PHONE not in records.text
    by_subject = officer.get(f"/console/provisions?subject={world['subject']}")
    assert "共 1 条记录" in by_subject.text
    looks = clinic.audit.events(clinic.engine, action="provisions-viewed")
    assert looks[0]["actor"] == "staff:dpo.li"
    assert looks[0]["subject"] == world["subject"]
    assert "请选择接收方或填写个人编号" in officer.get("/console/provisions").text


def test_an_incident_from_record_to_report(clinic: Yinsi, officer: TestClient, world: dict[str, Any]) -> None:
    form = officer.get("/console/incidents/new")
    assert form.status_code == 200
    csrf = csrf_of(form.text)
    no_fields = officer.post(
        "/console/incidents", data={"csrf": csrf, "kind": "leak", "discovered_at": "2026-12-01T09:30"}
    )
    assert no_fields.status_code == 400
    assert "请列出事件涉及的字段" in no_fields.text
    bad_time = officer.post("/console/incidents", data={"csrf": csrf, "fields": "mobile", "discovered_at": "yesterday"})
    assert bad_time.status_code == 400
    assert "时间格式不正确" in bad_time.text
    recorded = officer.post(
        "/console/incidents",
        data={
            "csrf": csrf,
            "kind": "leak",
            "confirmed": "yes",
            "discovered_at": "2026-12-01T09:30",
            "fields": ["mobile"],
            "recipient": "sms_gateway",
            "situation_and_impact.zh-CN": PARTS["situation_and_impact"][0],
            "situation_and_impact.en": PARTS["situation_and_impact"][1],
        },
    )
    assert recorded.status_code == 303, recorded.text
    url = recorded.headers["location"]
    page = officer.get(url)
    assert page.status_code == 200
    assert "泄露" in page.text
    assert "已确认" in page.text
    assert "短信服务商" in page.text  # the selection: PI provided to this recipient
    assert re.search(r"<dt>受影响人数</dt><dd>1</dd>", page.text)
    assert "2026-12-01 09:30" in page.text  # the timeline, in Beijing time as entered
    assert PHONE not in page.text

    early = officer.post(f"{url}/draft", data={"csrf": csrf})
    assert early.status_code == 400
    assert "事件通知缺少“cause”一项" in early.text
    parts = {f"{p}.zh-CN": zh for p, (zh, _) in PARTS.items()} | {f"{p}.en": en for p, (_, en) in PARTS.items()}
    assert officer.post(f"{url}/contents", data={"csrf": csrf, **parts}).status_code == 303
    assert officer.post(f"{url}/draft", data={"csrf": csrf}).status_code == 303
    drafted = officer.get(url).text
    assert "电脑未锁屏" in drafted
    assert "Passwords changed, screen lock enforced" in drafted
    sent = officer.post(f"{url}/notify", data={"csrf": csrf, "method": "individual"})
    assert sent.status_code == 200, sent.text
    assert "通知已发出" in sent.text
    assert "通知已发出，内容不能再修改" in sent.text
    again = officer.post(f"{url}/notify", data={"csrf": csrf, "method": "individual"})
    assert again.status_code == 409
    reported = officer.post(f"{url}/report", data={"csrf": csrf})
    assert reported.status_code == 200
    assert "报告已生成并记录在事件中" in reported.text
    assert "较大及以上网络安全事件" in reported.text
    listing = officer.get("/console/incidents").text
    assert url.rsplit("/", 1)[1][:8] in listing
    actions = {e["action"] for e in clinic.audit.events(clinic.engine, limit=30)}
    assert {"incident-recorded", "incident-updated", "incident-notice-drafted", "incident-notified"} <= actions
    assert "incident-reported" in actions
    assert officer.get("/console/incidents/no-such-incident").status_code == 404


def test_webhook_deliveries_with_their_attempts_and_a_replay(
    clinic: Yinsi, clock: Clock, officer: TestClient, world: dict[str, Any]
) -> None:
    page = officer.get("/console/webhooks")
    assert page.status_code == 200
    assert "consent.changed" in page.text
    assert "等待发送" in page.text
    event = officer.get(f"/console/webhooks/{world['event']}")
    assert event.status_code == 200
    assert "第 1 次" in event.text
    assert "HTTP 状态 503" in event.text
    assert "重新发送" not in event.text  # a pending event is not offered a replay
    csrf = csrf_of(event.text)
    pending = officer.post(f"/console/webhooks/{world['event']}/replay", data={"csrf": csrf})
    assert pending.status_code == 409
    assert "正在等待发送" in pending.text
    assert clinic.events is not None
    clock.advance(seconds=11)  # the first wait after a failed try is 10 s
    assert clinic.events.deliver_due().delivered >= 1
    delivered = officer.get(f"/console/webhooks/{world['event']}")
    assert "已送达" in delivered.text
    assert "HTTP 状态 204" in delivered.text
    assert world["event"] in officer.get("/console/webhooks?state=delivered").text
    assert world["event"] not in officer.get("/console/webhooks?state=failed").text
    replayed = officer.post(f"/console/webhooks/{world['event']}/replay", data={"csrf": csrf})
    assert replayed.status_code == 200
    assert "已安排重新发送" in replayed.text
    audited = clinic.audit.events(clinic.engine, action="webhook-replayed")[0]
    assert audited["actor"] == "staff:dpo.li"
    assert audited["details"]["event"] == world["event"]
    assert PHONE not in officer.get("/console/webhooks").text
    assert officer.get("/console/webhooks/no-such-event").status_code == 404


def test_an_incident_chosen_by_an_access_window_and_an_actor(officer: TestClient, world: dict[str, Any]) -> None:
    csrf = csrf_of(officer.get("/console/incidents/new").text)
    recorded = officer.post(
        "/console/incidents",
        data={
            "csrf": csrf,
            "kind": "tamper",
            "discovered_at": "2026-12-02T08:00",
            "occurred_at": "2026-12-01T23:00",
            "fields": ["mobile", "name"],
            "accessed_from": "2026-12-01T00:00",
            "accessed_to": "2026-12-02T00:00",
            "accessed_by": "key:0123abcd",
        },
    )
    assert recorded.status_code == 303, recorded.text
    page = officer.get(recorded.headers["location"]).text
    assert "篡改" in page
    assert "可能发生（正在核实）" in page  # not ticked as confirmed
    assert "key:0123abcd" in page
    assert "2026-12-01 00:00" in page
    assert re.search(r"2026-12-01 23:00</time> · 事件发生", page)
    assert re.search(r"<dt>受影响人数</dt><dd>0</dd>", page)  # no read by that key in the window


@pytest.mark.parametrize("lang", ["en", "zh-TW"])
def test_the_record_pages_in_each_language(officer: TestClient, world: dict[str, Any], lang: str) -> None:
    expected = {
        "en": ("Compliance report", "Recipients and provisions", "Security incidents", "Webhook deliveries"),
        "zh-TW": ("合規報告", "接收方與提供記錄", "安全事件", "Webhook 投遞"),
    }[lang]
    for path, heading in zip(("compliance", "recipients", "incidents", "webhooks"), expected, strict=True):
        page = officer.get(f"/console/{path}?lang={lang}")
        assert page.status_code == 200, path
        assert page.headers["content-language"] == lang
        assert f"<h1>{heading}</h1>" in page.text, path
    for path in (f"/console/incidents/{world['incident']}", f"/console/webhooks/{world['event']}"):
        assert officer.get(path).status_code == 200
