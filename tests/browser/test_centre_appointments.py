"""The privacy centre in a browser, on the demo of `make run` (seed 001 and its booking service).

One person's journey through 我的: log in with an SMS code, see their data masked and one value whole after
verifying again, switch a permission, download a copy, cancel the account once the booking service has
cleared an unfinished appointment; and a material policy change accepted from the pop-up. axe-core checks
every page on the way; the main pages are photographed for the docs.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import Centre, check_accessibility, screenshot, serve_centre
from tests.conftest import ROOT
from tests.support.accounts import acceptance, last_code
from yinsi.web.demo import DEMO_ID_NUMBER, DEMO_PHONE

pytestmark = pytest.mark.slow
DEMO_SPEC = ROOT / "examples" / "demo" / "appointments.yaml"


@pytest.fixture(scope="module")
def centre(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Centre]:
    yield from serve_centre(tmp_path_factory.mktemp("centre"), DEMO_SPEC, demo=True)


def log_in_by_sms(page: Page, centre: Centre, phone: str, *, new: bool) -> None:
    page.goto(f"{centre.base}/me")
    expect(page).to_have_url(re.compile(r"/me/login\?next=/me$"))
    page.get_by_label("手机号").fill(phone)
    page.get_by_role("button", name="获取验证码").click()
    expect(page.get_by_role("status")).to_contain_text("验证码已发送")
    page.get_by_label("短信验证码").fill(last_code(centre.yinsi))
    if new:
        page.get_by_label("我已阅读并同意").check()
    page.get_by_role("button", name="登录", exact=True).click()
    expect(page).to_have_url(f"{centre.base}/me")


def test_a_person_logs_in_sees_changes_and_cancels_their_account(page: Page, centre: Centre) -> None:
    page.goto(f"{centre.base}/me/login")
    check_accessibility(page)
    screenshot(page, "login")
    log_in_by_sms(page, centre, DEMO_PHONE, new=True)  # the booking service's person opens their account
    expect(page.get_by_role("heading", name="我的隐私")).to_be_visible()
    check_accessibility(page)
    screenshot(page, "home")

    # My data, masked; the ID number whole only after a fresh SMS code.
    page.get_by_role("link", name="我的个人信息").click()
    expect(page.get_by_text("138****8000")).to_be_visible()
    expect(page.get_by_text("张*")).to_be_visible()
    assert DEMO_ID_NUMBER not in page.content()
    check_accessibility(page)
    screenshot(page, "data")
    page.locator("a[href='/me/data/reveal?field=id_number']").click()
    check_accessibility(page)
    centre.clock.advance(seconds=61)  # a login code was sent a moment ago: one code a minute per number
    page.get_by_role("button", name="获取验证码").click()
    expect(page.get_by_role("status")).to_contain_text("验证码已发送")
    page.get_by_label("短信验证码").fill(last_code(centre.yinsi))
    page.get_by_role("button", name="确认").click()
    expect(page.locator("#whole")).to_have_text(DEMO_ID_NUMBER)
    screenshot(page, "reveal")

    # A permission, switched on in one step (and off again in one).
    page.goto(f"{centre.base}/me/consents")
    permission = page.locator("#permission-phone_state")
    expect(permission).to_contain_text("未开启")
    permission.get_by_role("button", name="开启").click()
    expect(page.locator("#permission-phone_state")).to_contain_text("已开启")
    check_accessibility(page)
    screenshot(page, "consents")

    # A copy to download.
    page.goto(f"{centre.base}/me/requests")
    check_accessibility(page)
    page.get_by_label("下载我的个人信息副本").check()
    page.get_by_role("button", name="提交").click()
    expect(page.locator("#state")).to_have_text("已完成")
    with page.expect_download() as download:
        page.locator("#download").click()
    archive = zipfile.ZipFile(io.BytesIO(Path(download.value.path()).read_bytes()))
    assert any(name.endswith(".json") for name in archive.namelist())
    check_accessibility(page)

    # The other pages of 我的, each checked.
    for path in ("/me/policy", "/me/access-log", "/me/complaint", "/me/guardians", "/me/next-of-kin"):
        page.goto(centre.base + path)
        expect(page.locator("h1")).to_be_visible()
        check_accessibility(page)
    screenshot(page, "next-of-kin")

    # Cancelling: blocked by the unfinished appointment until the booking service clears it.
    page.goto(f"{centre.base}/me/requests")
    page.get_by_label("注销账号").check()
    page.get_by_role("button", name="提交").click()
    blocker = page.locator(".blocker")
    expect(blocker).to_contain_text("未完成的预约")
    expect(blocker).to_contain_text("请先就诊或在预约服务中取消该预约")
    check_accessibility(page)
    screenshot(page, "cancel-blocked")
    cancellation = page.url
    page.get_by_role("button", name="已处理，继续注销").click()
    expect(page.locator(".blocker")).to_have_count(1)  # still blocked: nothing was settled
    page.goto(f"{centre.base}/demo")
    check_accessibility(page)
    # A second booking, with the real name and ID number typed in, goes through the vault and blocks too.
    page.get_by_label("真实姓名").fill("张三")
    page.get_by_label("身份证号").fill(DEMO_ID_NUMBER)
    page.get_by_role("button", name="提交预约").click()
    finish = page.get_by_role("button", name="标记为已就诊")
    expect(finish).to_have_count(2)
    page.goto(cancellation)
    expect(page.locator(".blocker")).to_have_count(2)
    page.goto(f"{centre.base}/demo")
    for left in (1, 0):
        page.get_by_role("button", name="标记为已就诊").first.click()
        expect(page.get_by_role("button", name="标记为已就诊")).to_have_count(left)
    page.goto(cancellation)
    expect(page.locator(".blocker")).to_have_count(0)
    page.get_by_role("button", name="已处理，继续注销").click()
    # The account is cancelled: the session ends with it, and the centre asks to log in again.
    expect(page).to_have_url(re.compile(r"/me/login"))
    assert centre.yinsi.accounts.find_subject_by_phone(DEMO_PHONE) is None


def test_a_third_party_login_opens_an_account_and_logs_in_again(page: Page, centre: Centre) -> None:
    """The local test provider stands in for WeChat: the first login asks for the policy, the next does not."""
    for first in (True, False):
        page.goto(f"{centre.base}/me/login")
        page.get_by_role("link", name="使用 微信（测试） 登录").click()
        expect(page.get_by_role("heading", name="微信（测试）")).to_be_visible()
        if first:
            check_accessibility(page)
        page.get_by_label("测试账号 ID").fill("wx-openid-42")
        page.get_by_role("button", name="同意并登录").click()
        if first:
            page.get_by_label("我已阅读并同意").check()
            check_accessibility(page)
            page.get_by_role("button", name="注册").click()
        expect(page).to_have_url(f"{centre.base}/me")
        page.get_by_role("button", name="退出登录").click()
        expect(page).to_have_url(re.compile(r"/me/login$"))
    page.goto(f"{centre.base}/me/login/with/wechat/callback?code=wx-openid-42.forged&state=x")
    expect(page.get_by_role("alert")).to_contain_text("第三方登录未完成")


def test_the_app_opens_the_centre_in_its_web_view_with_a_one_time_code(page: Page, centre: Centre) -> None:
    """The app's web view posts a hand-over code (as Android's postUrl would) and lands on a clean URL with a
    session of its own: logging out there leaves the app's session alone, and the code works only once."""
    phone = "13912345677"
    with httpx.Client(base_url=centre.base) as app:
        assert app.post("/v1/auth/sms-code", json={"phone": phone}).status_code == 202
        done = app.post(
            "/v1/auth/login",
            json={"phone": phone, "code": last_code(centre.yinsi), "accept_policy": acceptance(centre.yinsi)},
        )
        session = {"Authorization": f"Bearer {done.json()['token']}"}
        code = app.post("/v1/me/handover", headers=session).json()["code"]
        web_view = (
            f'<form method="post" action="{centre.base}/me/handover">'
            f'<input type="hidden" name="code" value="{code}"><input type="hidden" name="next" value="/me/data">'
            "<button>open</button></form>"
        )
        page.set_content(web_view)
        page.get_by_role("button", name="open").click()
        expect(page).to_have_url(f"{centre.base}/me/data")  # a clean URL, with the centre's own session
        expect(page.get_by_text("139****5677")).to_be_visible()
        check_accessibility(page)
        page.get_by_role("button", name="退出登录").click()
        expect(page).to_have_url(re.compile(r"/me/login$"))
        page.set_content(web_view)  # the same code again opens nothing: the login page, and one plain sentence
        page.get_by_role("button", name="open").click()
        expect(page.get_by_role("alert")).to_contain_text("无法从应用打开隐私中心")
        check_accessibility(page)
        assert code not in page.url
        assert app.get("/v1/me/consents", headers=session).status_code == 200  # the app is still logged in


def test_a_material_change_is_accepted_from_the_pop_up(page: Page, centre: Centre) -> None:
    log_in_by_sms(page, centre, "13912345678", new=True)
    expect(page.locator("#reconsent")).to_have_count(0)
    changed = (
        DEMO_SPEC.read_text(encoding="utf-8")
        .replace('version: "2022-05-30"', 'version: "2026-12-01"', 1)
        .replace("fields: [real_name, id_number]", "fields: [real_name, id_number, phone_state]", 1)
    )
    centre.yinsi.services.policies.publish(text=changed, actor="test", name="changed.yaml")
    assert centre.yinsi.policy.sync is not None
    centre.yinsi.policy.sync.refresh()
    page.reload()
    dialog = page.get_by_role("dialog", name="隐私政策已更新")
    expect(dialog).to_be_visible()
    # The change in plain words: the purpose and the field by their labels, not their ids.
    expect(dialog).to_contain_text("目的 “预约挂号（实名）” 新增收集字段 “手机状态和身份信息（已知账户）”")
    check_accessibility(page)
    screenshot(page, "material-change")
    dialog.get_by_role("button", name="同意").click()
    expect(page).to_have_url(f"{centre.base}/me")
    expect(page.locator("#reconsent")).to_have_count(0)
    page.goto(f"{centre.base}/me/policy")
    expect(page.get_by_text("重大变更").first).to_be_visible()
    expect(page.locator(".changes li.material")).to_contain_text("新增收集字段 “手机状态和身份信息（已知账户）”")
    screenshot(page, "policy")
