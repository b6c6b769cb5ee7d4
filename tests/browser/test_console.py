"""The privacy officer's console in a browser, on the demo spec of `make run` (seed 001).

A privacy officer logs in with a password and a TOTP code, finds a person's request by their phone number,
assigns it to themselves and answers it; an overdue request is marked in words and by a sign; a member of
staff whose role lacks an operation neither sees the page in the navigation nor can open it. axe-core checks
every console page (no serious or critical violation), and the pages are photographed for docs/console.md
at a desktop's and a phone's size.

Self-contained (its own server and browser fixtures), so that it does not depend on the privacy centre's.
"""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass

import pyotp
import pytest
import uvicorn
from fastapi.testclient import TestClient
from playwright.sync_api import Browser, BrowserContext, Page, expect

from tests.browser.conftest import PHONE_SIZE, TIMEOUT_MS, check_accessibility, screenshot
from tests.conftest import ROOT, Clock
from tests.support.accounts import register
from tests.support.serve import free_port
from yinsi.api.app import create_app
from yinsi.bootstrap import Yinsi, open_yinsi
from yinsi.config import Settings

pytestmark = pytest.mark.slow

DESKTOP = {"width": 1280, "height": 860}
DEMO_SPEC = ROOT / "examples" / "demo" / "appointments.yaml"
PASSWORD = "a long staff password"
CALLER = "13812345601"  # a person who phones in
LATE = "13812345602"  # a person whose request is overdue
OTHER = "13812345603"


@dataclass
class Console:
    base: str
    yinsi: Yinsi
    clock: Clock
    secrets: dict[str, str]
    requests: dict[str, str]


def _context(browser: Browser, size: dict[str, int]) -> BrowserContext:
    """A browser of its own; axe is injected by script, which the pages' CSP would refuse."""
    made = browser.new_context(viewport=size, bypass_csp=True)  # type: ignore[arg-type]
    made.set_default_timeout(TIMEOUT_MS)
    made.set_default_navigation_timeout(TIMEOUT_MS)
    return made


@pytest.fixture
def desk(browser: Browser) -> Iterator[Page]:
    """A desktop-sized browser: the officer's office."""
    made = _context(browser, DESKTOP)
    yield made.new_page()
    made.close()


@pytest.fixture
def phone(browser: Browser) -> Iterator[Page]:
    made = _context(browser, PHONE_SIZE)
    yield made.new_page()
    made.close()


def _seed(yinsi: Yinsi, clock: Clock) -> tuple[dict[str, str], dict[str, str]]:
    """Two people with a complaint each, one filed 40 days ago (overdue now); and three members of staff."""
    filed: dict[str, str] = {}
    with TestClient(create_app(yinsi)) as client:
        for name, number, kind, text in (
            ("late", LATE, "complain", "我申请限制处理营销短信，一直没有回复。"),
            ("caller", CALLER, "complain", "预约页面泄露了我的就诊科室，请核查。"),
            ("restrict", OTHER, "restrict", "请暂停使用我的就诊记录做统计分析。"),
        ):
            headers = register(client, yinsi, number)
            answer = client.post("/v1/me/requests", json={"type": kind, "text": text}, headers=headers)
            assert answer.status_code == 201, answer.text
            filed[name] = answer.json()["id"]
            if name == "late":
                clock.advance(days=40)
    secrets: dict[str, str] = {}
    for username, role in (
        ("dpo.li", "privacy_officer"),
        ("dpo.wang", "privacy_officer"),
        ("kefu.zhao", "customer_service"),
    ):
        made = yinsi.staff.create(username=username, role=role, password=PASSWORD, issuer="demo")
        secrets[username] = made.totp_secret
    return secrets, filed


@pytest.fixture(scope="module")
def console(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Console]:
    """yinsi on the demo spec under uvicorn in a thread, until the module ends."""
    clock = Clock()
    data_dir = tmp_path_factory.mktemp("console") / "data"
    data_dir.mkdir()
    yinsi = open_yinsi(Settings(data_dir=data_dir, policy_path=DEMO_SPEC), now=clock)
    secrets, filed = _seed(yinsi, clock)
    port = free_port()
    server = uvicorn.Server(
        uvicorn.Config(create_app(yinsi), host="127.0.0.1", port=port, log_level="warning", access_log=False)
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 60
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise AssertionError("the test server did not start")
        time.sleep(0.05)  # polling a flag of the server starting, not waiting for the page
    try:
        yield Console(f"http://127.0.0.1:{port}", yinsi, clock, secrets, filed)
    finally:
        server.should_exit = True
        thread.join(timeout=30)
        yinsi.close()


def log_in(page: Page, console: Console, username: str) -> None:
    console.clock.advance(seconds=31)  # a fresh TOTP step: each code is accepted once
    page.goto(f"{console.base}/console")
    expect(page).to_have_url(re.compile(r"/console/login\?next=/console$"))
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_label("动态验证码").fill(pyotp.TOTP(console.secrets[username]).at(console.clock()))
    page.get_by_role("button", name="登录").click()
    expect(page).to_have_url(f"{console.base}/console")


def test_an_officer_finds_a_request_by_phone_assigns_it_and_answers_it(desk: Page, console: Console) -> None:
    desk.goto(f"{console.base}/console/login")
    check_accessibility(desk)
    screenshot(desk, "console-login")
    # A wrong code is refused, in words, at the form.
    desk.get_by_label("用户名").fill("dpo.li")
    desk.get_by_label("密码").fill(PASSWORD)
    desk.get_by_label("动态验证码").fill("000000")
    desk.get_by_role("button", name="登录").click()
    expect(desk.get_by_role("alert")).to_contain_text("用户名、密码或动态验证码不正确")
    check_accessibility(desk)

    log_in(desk, console, "dpo.li")
    expect(desk.get_by_role("heading", name="个人信息保护工作台")).to_be_visible()
    check_accessibility(desk)
    screenshot(desk, "console-home")

    # The person phoned: find them by their number (it goes in the form's body, never in the URL).
    desk.get_by_role("navigation", name="工作台导航").get_by_role("link", name="查找个人").click()
    check_accessibility(desk)
    desk.get_by_label("查找字段").select_option("mobile")
    desk.get_by_label("号码").fill(CALLER)
    desk.get_by_role("button", name="查找").click()
    expect(desk.get_by_role("status")).to_contain_text("找到 1 个人")
    assert CALLER not in desk.content()
    check_accessibility(desk)
    screenshot(desk, "console-lookup")
    desk.locator("main").get_by_role("link").first.click()
    expect(desk.get_by_role("heading", name="该个人的全部申请")).to_be_visible()
    check_accessibility(desk)

    # Their request, with what they wrote; assign it to me and answer it.
    desk.get_by_role("link", name=re.compile("投诉")).first.click()
    expect(desk.get_by_text("预约页面泄露了我的就诊科室")).to_be_visible()
    check_accessibility(desk)
    desk.get_by_label("分派给").select_option("dpo.li")
    desk.get_by_role("button", name="分派", exact=True).click()
    expect(desk.locator(".facts")).to_contain_text("dpo.li")
    desk.get_by_role("button", name="开始处理").click()
    expect(desk.locator(".facts")).to_contain_text("处理中")
    check_accessibility(desk)
    screenshot(desk, "console-request")
    desk.get_by_role("button", name="完成", exact=True).click()
    expect(desk.get_by_text("这个申请已结束")).to_be_visible()
    check_accessibility(desk)
    view, _ = console.yinsi.rights.staff_view(console.requests["caller"])
    assert view.state.value == "completed"
    assert view.assigned_to == "dpo.li"
    assert view.history[-1]["actor"] == "staff:dpo.li"

    # The person hears of it on their phone, by SMS, like every change of state.
    desk.get_by_role("button", name="退出登录").click()
    expect(desk).to_have_url(f"{console.base}/console/login")


def test_an_overdue_request_is_highlighted_in_words_and_by_a_sign(desk: Page, phone: Page, console: Console) -> None:
    for page, size in ((desk, "desktop"), (phone, "phone")):
        log_in(page, console, "dpo.wang")
        page.goto(f"{console.base}/console/requests")
        late = page.locator("li.card.overdue")
        expect(late).to_have_count(1)
        expect(late).to_contain_text(re.compile(r"已超期 \d+ 个工作日"))
        expect(late).to_contain_text("⚠")
        # Not by colour alone: the card's border is thicker, and the words say it.
        assert late.evaluate("e => getComputedStyle(e).borderLeftWidth") == "6px"
        check_accessibility(page)
        screenshot(page, f"console-queue-{size}")


def test_a_role_without_the_right_cannot_see_a_page(desk: Page, console: Console) -> None:
    log_in(desk, console, "kefu.zhao")  # customer service: reads and looks up, handles no requests
    expect(desk.get_by_text("您的角色没有工作台中的任何权限")).to_be_visible()
    nav = desk.get_by_role("navigation", name="工作台导航")
    expect(nav.get_by_role("link")).to_have_count(1)  # home only
    check_accessibility(desk)
    for path in ("/console/requests", "/console/audit", "/console/policy", "/console/people"):
        response = desk.goto(f"{console.base}{path}")
        assert response is not None
        assert response.status == 403
        expect(desk.get_by_role("heading", name="无权访问")).to_be_visible()
    check_accessibility(desk)
    screenshot(desk, "console-forbidden")


def test_every_console_page_passes_axe(desk: Page, phone: Page, console: Console) -> None:
    """The pages the journeys above do not pass through, on both sizes; photographed for the docs."""
    for page, size in ((desk, "desktop"), (phone, "phone")):
        log_in(page, console, "dpo.wang")
        base = console.base
        page.goto(f"{base}/console/statistics")
        expect(page.get_by_role("heading", name="申请（按类型和状态）")).to_be_visible()
        check_accessibility(page)
        screenshot(page, f"console-statistics-{size}")
        page.goto(f"{base}/console/audit?limit=8")
        page.get_by_role("button", name="核验审计链").click()
        expect(page.get_by_role("status")).to_contain_text("审计链完整")
        check_accessibility(page)
        screenshot(page, f"console-audit-{size}")
        page.goto(f"{base}/console/requests/{console.requests['late']}")
        expect(page.get_by_text("我申请限制处理营销短信")).to_be_visible()
        check_accessibility(page)
        if size == "phone":
            screenshot(page, "console-request-phone")
            subject = console.yinsi.rights.staff_view(console.requests["late"])[0].subject_id
            page.goto(f"{base}/console/people/{subject}")
            page.get_by_role("button", name="读取").click()
            expect(page.locator("main")).to_contain_text("138****5602")
            check_accessibility(page)
            screenshot(page, "console-person-phone")
            page.goto(f"{base}/console")
            check_accessibility(page)
            screenshot(page, "console-home-phone")
        page.goto(f"{base}/console/policy")
        check_accessibility(page)
        page.goto(f"{base}/console/requests?overdue=yes&lang=en")
        expect(page.get_by_role("heading", name="Request queue")).to_be_visible()
        check_accessibility(page)
        if size == "desktop":
            page.goto(f"{base}/console/requests/{console.requests['late']}")
            expect(page.get_by_text(re.compile(r"Overdue by \d+ working day"))).to_be_visible()
            check_accessibility(page)
            screenshot(page, "console-request-en")
        page.goto(f"{base}/console/requests?lang=zh-CN")

    # The publish step: a new version, previewed in plain words before it is put in force.
    spec = DEMO_SPEC.read_text(encoding="utf-8")
    version = console.yinsi.policy.current().version
    changed = spec.replace(f'version: "{version}"', 'version: "2099-01"', 1).replace(
        "operations: [read, lookup]", "operations: [read, lookup, view_requests]", 1
    )
    assert changed != spec
    desk.goto(f"{console.base}/console/policy")
    desk.get_by_label("隐私政策规范（YAML）").fill(changed)
    desk.get_by_role("button", name="预览变更").click()
    expect(desk.get_by_role("heading", name=re.compile("发布前预览"))).to_be_visible()
    check_accessibility(desk)
    screenshot(desk, "console-policy-preview")
    desk.get_by_role("button", name="确认发布").click()
    expect(desk.get_by_role("status")).to_contain_text("已发布 2099-01")
    check_accessibility(desk)
    screenshot(desk, "console-policy")


def test_the_record_pages_pass_axe(desk: Page, phone: Page, console: Console) -> None:
    """The compliance report, recipients and provisions, an incident from its record to its drafted notice, and
    the webhook deliveries: axe on a desktop and a phone, photographed at a phone's size for the docs."""
    log_in(desk, console, "dpo.li")
    base = console.base
    # An incident, recorded through the form: affected people chosen by the field concerned.
    desk.goto(f"{base}/console/incidents")
    check_accessibility(desk)
    desk.get_by_role("link", name="记录安全事件").click()
    check_accessibility(desk)
    desk.get_by_label("事件类型").select_option("leak")
    desk.get_by_label("发现时间").fill("2026-12-01T09:30")
    desk.get_by_label("手机号码").check()
    parts = {
        "situation_and_impact": ("预约系统的导出文件被误发到外部邮箱", "An export of bookings was e-mailed outside"),
        "cause": ("员工误操作", "A member of staff's mistake"),
        "measures_taken": ("已要求对方删除并确认", "The recipient was asked to delete it, and confirmed"),
        "self_protection_advice": ("警惕冒充本机构的电话和短信", "Beware of calls and texts pretending to be us"),
        "remedies": ("可致电客服了解详情", "Call us to learn more"),
    }
    for part, (zh, en) in parts.items():
        desk.locator(f'[name="{part}.zh-CN"]').fill(zh)
        desk.locator(f'[name="{part}.en"]').fill(en)
    desk.get_by_role("button", name="记录安全事件").click()
    expect(desk.get_by_role("heading", name="时间线")).to_be_visible()
    check_accessibility(desk)
    desk.get_by_role("button", name="起草通知").click()
    expect(desk.locator("p.wrote").first).to_contain_text("预约系统的导出文件")
    check_accessibility(desk)
    incident = desk.url.split("#")[0]

    log_in(phone, console, "dpo.wang")
    for page, size in ((desk, "desktop"), (phone, "phone")):
        page.goto(f"{base}/console/compliance")
        expect(page.get_by_role("heading", name="合规报告")).to_be_visible()
        expect(page.locator(".findings li").first).to_be_visible()
        check_accessibility(page)
        if size == "phone":  # the failures first, as the officer reads it (the whole report is long)
            page.get_by_role("link", name=re.compile("不符合")).click()
            expect(page.locator(".findings li").first).to_contain_text("不符合")
            check_accessibility(page)
            screenshot(page, "console-compliance-phone")
        page.goto(f"{base}/console/recipients")
        expect(page.get_by_role("heading", name=re.compile("依法要求提供信息的政府机关"))).to_be_visible()
        check_accessibility(page)
        if size == "phone":
            screenshot(page, "console-recipients-phone")
        page.goto(f"{base}/console/provisions?recipient=public_interest")
        expect(page.get_by_role("status")).to_contain_text("共 0 条记录")
        check_accessibility(page)
        page.goto(incident)
        expect(page.get_by_role("heading", name="通知草稿")).to_be_visible()
        check_accessibility(page)
        if size == "phone":
            screenshot(page, "console-incident-phone")
        page.goto(f"{base}/console/webhooks")
        expect(page.get_by_text("没有配置事件接收地址")).to_be_visible()
        check_accessibility(page)
        if size == "phone":
            screenshot(page, "console-webhooks-phone")
        page.locator("main li.card a").first.click()
        expect(page.get_by_role("heading", name="投递尝试")).to_be_visible()
        check_accessibility(page)
        if size == "phone":
            screenshot(page, "console-webhook-phone")
