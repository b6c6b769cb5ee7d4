"""`yinsi serve` (what `make run` starts) serves the rendered policy, the API and its health, on SQLite."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx2
import pytest

ROOT = Path(__file__).resolve().parent.parent.parent
POLICY = ROOT / "examples" / "policies" / "001_b323a55268a82f2d.yaml"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def server(tmp_path: Path) -> Iterator[tuple[str, subprocess.Popen[bytes]]]:
    """`yinsi serve` as `make run` starts it, its output going to a log file the test reads afterwards."""
    port = free_port()
    log = tmp_path / "serve.log"
    command = [
        sys.executable,
        "-m",
        "yinsi.cli.main",
        "serve",
        "--data-dir",
        str(tmp_path / "data"),
        "--policy",
        str(POLICY),
        "--port",
        str(port),
    ]
    with log.open("w") as output:
        process = subprocess.Popen(command, stdout=output, stderr=subprocess.STDOUT, cwd=tmp_path)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"yinsi serve exited early:\n{log.read_text()}")
        try:
            if httpx2.get(f"{base}/health", timeout=1).status_code == 200:
                break
        except httpx2.TransportError:
            time.sleep(0.2)
    yield base, process
    process.terminate()
    process.wait(timeout=20)


def test_serve_publishes_the_policy_and_answers(server: tuple[str, subprocess.Popen[bytes]], tmp_path: Path) -> None:
    base, process = server
    health = httpx2.get(f"{base}/health").json()
    assert health == {"status": "ok", "policy": "2022-05-30", "database": "sqlite"}
    page = httpx2.get(f"{base}/policy")
    assert page.headers["content-type"].startswith("text/html")
    assert "上海预约挂号隐私政策" in page.text
    assert "Shanghai Appointment Booking Privacy Policy" in httpx2.get(f"{base}/policy?lang=en").text
    assert "上海預約掛號隱私政策" in httpx2.get(f"{base}/policy?lang=zh-TW").text
    assert httpx2.get(f"{base}/", follow_redirects=False).headers["location"] == "/policy"
    assert httpx2.get(f"{base}/openapi.json").json()["info"]["title"] == "yinsi"
    problem = httpx2.get(f"{base}/v1/subjects/x/pi?purpose=booking")
    assert problem.headers["content-type"].startswith("application/problem+json")
    assert (tmp_path / "data" / "master.key").stat().st_mode & 0o777 == 0o600
    process.terminate()
    process.wait(timeout=20)
    printed = (tmp_path / "serve.log").read_text()
    assert f"privacy policy:  {base}/policy" in printed
    assert f"API docs:        {base}/docs" in printed
