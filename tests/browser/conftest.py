"""Browser tests: the privacy centre served by uvicorn on loopback, driven by Playwright in Debian's Chromium.

Each module gets one server over a fresh SQLite store (with a clock the tests move, for codes' cooldowns)
and one browser; each test its own browser context (its own cookies) at a phone's size. Waits are on
events (navigation, an element's state), never sleeps, with generous timeouts for a loaded machine.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import uvicorn
from playwright.sync_api import Browser, BrowserContext, Page, Playwright, expect, sync_playwright

from tests.conftest import ROOT, Clock
from tests.support.serve import free_port
from yinsi.api.app import create_app
from yinsi.bootstrap import Yinsi, open_yinsi
from yinsi.config import Settings

CHROMIUM = Path("/usr/bin/chromium")
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
AXE = Path(__file__).parent / "axe-4.11.0.min.js"
SCREENSHOTS = ROOT / "docs" / "screenshots"
PHONE_SIZE = {"width": 390, "height": 844}
TIMEOUT_MS = 30_000

# Assertions wait for their condition (never a sleep); generously, for a loaded two-core machine.
expect.set_options(timeout=TIMEOUT_MS)


@dataclass
class Centre:
    base: str
    yinsi: Yinsi
    clock: Clock


def _missing_browser() -> None:
    if not CHROMIUM.exists():
        if os.environ.get("YINSI_REQUIRE_BROWSER") == "1":
            pytest.fail("the browser tests need /usr/bin/chromium (scripts/with-chromium installs it)")
        pytest.skip("no /usr/bin/chromium here: run the tests through scripts/with-chromium (make test does)")


@pytest.fixture(scope="module")
def playwright() -> Iterator[Playwright]:
    _missing_browser()
    with sync_playwright() as driver:
        yield driver


@pytest.fixture(scope="module")
def browser(playwright: Playwright) -> Iterator[Browser]:
    launched = playwright.chromium.launch(executable_path=str(CHROMIUM), args=FLAGS, timeout=120_000)
    yield launched
    launched.close()


@pytest.fixture
def context(browser: Browser) -> Iterator[BrowserContext]:
    """A phone-sized browser of its own; axe is injected by script, which the pages' CSP would refuse."""
    made = browser.new_context(viewport=PHONE_SIZE, bypass_csp=True, accept_downloads=True)
    made.set_default_timeout(TIMEOUT_MS)
    made.set_default_navigation_timeout(TIMEOUT_MS)
    yield made
    made.close()


@pytest.fixture
def page(context: BrowserContext) -> Page:
    return context.new_page()


def serve_centre(tmp: Path, policy: Path, *, demo: bool) -> Iterator[Centre]:
    """yinsi (the policy published as `serve --policy` does) under uvicorn in a thread, until the module ends."""
    clock = Clock()
    data_dir = tmp / "data"
    data_dir.mkdir()
    settings = Settings(data_dir=data_dir, policy_path=policy, demo=demo)
    yinsi = open_yinsi(settings, now=clock)
    if demo:
        from yinsi.web import demo as demo_service

        demo_service.seed(yinsi)
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
        yield Centre(f"http://127.0.0.1:{port}", yinsi, clock)
    finally:
        server.should_exit = True
        thread.join(timeout=30)
        yinsi.close()


def check_accessibility(page: Page) -> None:
    """axe-core on the page as it is: no serious or critical violation."""
    page.add_script_tag(path=str(AXE))
    found = page.evaluate(
        """async () => {
            const result = await axe.run(document, {resultTypes: ["violations"]});
            return result.violations
                .filter(v => v.impact === "serious" || v.impact === "critical")
                .map(v => v.id + " (" + v.impact + "): " + v.nodes.map(n => n.target.join(" ")).join(", "));
        }"""
    )
    assert found == [], f"{page.url}: {found}"


def screenshot(page: Page, name: str) -> None:
    """Kept in docs/screenshots/ for docs/privacy-centre.md (the tests rewrite them on every run)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)
