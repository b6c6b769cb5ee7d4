"""`make run`'s command as the quick start describes it: `yinsi serve --demo` with the demo's spec prints the
privacy centre, the demo phone and how to read its SMS codes, and serves the centre and the booking service."""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

import httpx2
import pyotp
import pytest

from tests.conftest import ROOT
from tests.support.serve import YINSI, running_server
from yinsi.web.demo import DEMO_PHONE

pytestmark = pytest.mark.slow


def test_serve_demo_prints_what_to_open_and_serves_it(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("YINSI_")}
    data = tmp_path / "data"
    spec = ROOT / "examples" / "demo" / "appointments.yaml"
    with running_server(env, tmp_path, "--data-dir", data, serve_args=("--demo", "--policy", spec)) as base:
        login = httpx2.get(f"{base}/me/login", timeout=10)
        assert login.status_code == 200
        assert "获取验证码" in login.text
        assert httpx2.get(f"{base}/demo", timeout=10).status_code == 200
        sent = httpx2.post(f"{base}/v1/auth/sms-code", json={"phone": DEMO_PHONE}, timeout=10)
        assert sent.status_code == 202
        printed = next(tmp_path.glob("serve-*.log")).read_text(encoding="utf-8")
        assert f"privacy centre:  {base}/me" in printed
        assert f"demo phone:      {DEMO_PHONE}" in printed
        command = re.search(r"SMS codes:\s+(\S+ --data-dir \S+ outbox --to \d+)", printed)
        assert command is not None, printed
        # The printed command, run as printed (from the project), shows the code the demo phone was sent.
        words = command.group(1).split()
        shown = subprocess.run(
            [str(YINSI), *words[1:], "--json"], env=env, cwd=tmp_path, capture_output=True, text=True, check=True
        )
        assert re.search(r'"code": "\d{6}"', shown.stdout), shown.stdout
        # The demo officer printed at start logs in to the console with the printed password and TOTP secret.
        officer = re.search(r"demo officer:\s+(\S+), password (\S+)", printed)
        secret = re.search(r"officer's TOTP:\s+secret (\S+)", printed)
        assert officer is not None, printed
        assert secret is not None, printed
        with httpx2.Client(base_url=base, timeout=10) as browser:
            form = browser.get("/console/login")
            csrf = re.search(r'name="csrf" value="([^"]+)"', form.text)
            assert csrf is not None
            answer = browser.post(
                "/console/login",
                data={
                    "csrf": csrf.group(1),
                    "next": "/console",
                    "username": officer.group(1),
                    "password": officer.group(2),
                    "code": pyotp.TOTP(secret.group(1)).now(),
                },
                follow_redirects=True,
            )
            assert answer.status_code == 200
            assert answer.url.path == "/console"
            assert 'action="/console/logout"' in answer.text  # logged in: the console, not its login page again
