"""A real `yinsi serve` process on a free loopback port, for tests of what a running server prevents or uses."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx2

YINSI = Path(sys.executable).parent / "yinsi"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def running_server(
    env: dict[str, str], cwd: Path, *args: str | Path, serve_args: tuple[str | Path, ...] = ()
) -> Iterator[str]:
    """Runs ``yinsi ARGS serve SERVE_ARGS --port P`` (global options go in ARGS) until /health answers; yields
    its base URL and stops it afterwards. Its output goes to ``cwd/serve-P.log``, quoted if it fails to start."""
    port = free_port()
    log = cwd / f"serve-{port}.log"
    with log.open("w") as output:
        process = subprocess.Popen(
            [str(YINSI), *map(str, args), "serve", *map(str, serve_args), "--port", str(port)],
            env=env,
            cwd=cwd,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            if process.poll() is not None:
                raise AssertionError(f"yinsi serve exited early:\n{log.read_text()}")
            try:
                if httpx2.get(f"{base}/health", timeout=1).status_code == 200:
                    break
            except httpx2.TransportError:
                pass
            if time.monotonic() > deadline:
                raise AssertionError(f"yinsi serve did not answer:\n{log.read_text()}")
            time.sleep(0.2)
        yield base
    finally:
        process.terminate()
        process.wait(timeout=20)
