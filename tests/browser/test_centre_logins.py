"""Each seed's own way in, in a browser: phone, password and SMS code (seed 002); user name and password
(seed 003, whose users could not log in at all before); and the cookie banner of seed 002's website, whose
advertising script runs only after the person agreed to advertising cookies, and is recorded in the ledger.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import Centre, check_accessibility, screenshot, serve_centre
from tests.conftest import EXAMPLES
from tests.support.accounts import last_code

pytestmark = pytest.mark.slow
PHONE = "13912345678"


@pytest.fixture(scope="module")
def shop(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Centre]:
    """Seed 002, served with the demo page (for its cookie banner)."""
    yield from serve_centre(tmp_path_factory.mktemp("shop"), EXAMPLES / "002_83f8c652f43b02ec.yaml", demo=True)


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Centre]:
    yield from serve_centre(tmp_path_factory.mktemp("site"), EXAMPLES / "003_8bb812b8de66b6ab.yaml", demo=False)


def log_out(page: Page) -> None:
    page.get_by_role("button", name="退出登录").click()
    expect(page).to_have_url(re.compile(r"/me/login$"))


def test_phone_password_and_sms_code(page: Page, shop: Centre) -> None:
    page.goto(f"{shop.base}/me/register")
    check_accessibility(page)
    page.get_by_label("手机号").fill(PHONE)
    page.get_by_role("button", name="获取验证码").click()
    expect(page.get_by_role("status")).to_contain_text("验证码已发送")
    page.get_by_label("密码", exact=True).fill("a long password 1")
    page.get_by_label("短信验证码").fill(last_code(shop.yinsi))
    page.get_by_label("我已阅读并同意").check()
    page.get_by_role("button", name="注册", exact=True).click()
    expect(page).to_have_url(f"{shop.base}/me")
    log_out(page)

    # Logging in needs all three: a right password with a wrong code is refused, and so is the reverse.
    shop.clock.advance(seconds=61)
    check_accessibility(page)
    page.get_by_label("手机号").fill(PHONE)
    page.get_by_role("button", name="获取验证码").click()
    expect(page.get_by_role("status")).to_contain_text("验证码已发送")
    code = last_code(shop.yinsi)
    page.get_by_label("密码", exact=True).fill("a wrong password")
    page.get_by_label("短信验证码").fill(code)
    page.get_by_role("button", name="登录", exact=True).click()
    expect(page.get_by_role("alert")).to_contain_text("手机号或密码不正确")
    page.get_by_label("密码", exact=True).fill("a long password 1")
    page.get_by_label("短信验证码").fill(code)
    page.get_by_role("button", name="登录", exact=True).click()
    expect(page).to_have_url(f"{shop.base}/me")
    page.goto(f"{shop.base}/me/access-log")
    expect(page.locator("main")).to_contain_text("密码和短信验证码")
    check_accessibility(page)
    screenshot(page, "access-log")


def test_the_cookie_banner_choice_is_recorded_and_honoured(page: Page, shop: Centre) -> None:
    page.goto(f"{shop.base}/demo")
    banner = page.get_by_role("region", name="Cookie 与同类技术")
    expect(banner).to_be_visible()
    check_accessibility(page)
    screenshot(page, "cookie-banner")
    assert page.evaluate("window.yinsiDemoTrackerRan === true") is False  # nothing before consent
    banner.get_by_role("checkbox", name="广告").check()
    banner.get_by_role("button", name="保存选择").click()
    expect(banner).to_have_count(0)
    expect(page.locator("html")).to_have_attribute("data-tracker", "on")
    page.reload()
    expect(page.locator("html")).to_have_attribute("data-tracker", "on")  # honoured on the next page
    expect(page.get_by_role("region", name="Cookie 与同类技术")).to_have_count(0)

    visitor = next(c for c in page.context.cookies() if c["name"] == "yinsi_visitor")
    assert visitor["httpOnly"] is True
    subject = visitor["value"].split(".")[0]
    recorded = {(e.scope, e.action) for e in shop.yinsi.centre.consent_history(subject=subject)}
    assert recorded == {("advertising", "grant"), ("preferences", "refuse")}


def test_user_name_and_password(page: Page, site: Centre) -> None:
    page.goto(f"{site.base}/me/login")
    expect(page.get_by_label("用户名")).to_be_visible()
    page.get_by_role("link", name="注册").click()
    check_accessibility(page)
    page.get_by_label("用户名").fill("reader_2026")
    page.get_by_label("密码", exact=True).fill("a long password 3")
    page.get_by_label("我已阅读并同意").check()
    page.get_by_role("button", name="注册", exact=True).click()
    expect(page).to_have_url(f"{site.base}/me")
    log_out(page)
    page.get_by_label("用户名").fill("reader_2026")
    page.get_by_label("密码", exact=True).fill("a long password 3")
    page.get_by_role("button", name="登录", exact=True).click()
    expect(page).to_have_url(f"{site.base}/me")
    # Seeing a value whole takes the password again.
    page.goto(f"{site.base}/me/data/reveal?field=username")
    page.get_by_label("密码", exact=True).fill("a long password 3")
    page.get_by_role("button", name="确认").click()
    expect(page.locator("#whole")).to_have_text("reader_2026")
