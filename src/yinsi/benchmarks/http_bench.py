"""``yinsi bench http``: the HTTP API under load, from a real load generator, on loopback.

The bench starts ``yinsi serve`` as a subprocess on a free loopback port, in
a fresh temporary data directory (SQLite) or on an empty PostgreSQL database,
with the example policy ``examples/policies/001_b323a55268a82f2d.yaml`` (an
appointment-booking platform). Before the server starts it sets up, through
the same services the API calls: an API key for the spec's service role
``booking_service`` (which reads the mobile and ID numbers masked), subjects
holding a real name and an ID number, and people with accounts, each logged
in with an SMS code read from the console outbox.

Then Locust (https://locust.io), in a process of its own (gevent must never
be imported into yinsi's), drives four endpoints, each in phases of its own
so that each has its own throughput and percentiles:

- ``GET /health``: the database answers (``SELECT 1``), nothing else;
- a masked read: ``GET /v1/subjects/{id}/pi?purpose=booking`` with the API
  key: the access decision, two values decrypted, the ID number masked, and
  an audit event written;
- a PI write: ``PUT /v1/subjects/{id}/pi`` of a real name and an ID number:
  validation, the minors rule, sealing, the blind index, the audit event;
- a consent change: ``POST /v1/me/consents`` with a person's session,
  granting or withdrawing a device permission (each user acts for a person
  of their own and alternates);
- the privacy centre's home page: ``GET /me`` with a person's session cookie:
  the session looked up, where they stand on the policy read, the page
  rendered from its template.

Each endpoint runs at a fixed rate (200 requests/s from 50 connections by
default, each connection's calls starting as a Poisson process, so together
they arrive as many independent clients' do) and at the maximum rate (100
connections that send each request as soon as the last is answered). Users
start within the first second; the measured window opens two seconds after
they all run (the warm-up: threads, connections and statement caches are
made on first use, as after any restart). A phase's
throughput counts the requests started and answered within the window, its
percentiles every request started within it, and its errors every request
that failed, including any left unanswered for 10 seconds. The locustfile
(``http_locustfile.py``) records these itself: Locust's own statistics round
response times to whole milliseconds and cannot leave out the ramp-up.
"""

from __future__ import annotations

import importlib.util
import ipaddress
import json
import math
import os
import platform
import random
import re
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from typing import Any

import httpx
from rich.table import Table
from sqlalchemy import text

from yinsi.adapters.notify.console import open_outbox_message
from yinsi.benchmarks.vault import _drop_everything, _people, _require_empty
from yinsi.bootstrap import Yinsi, open_yinsi
from yinsi.config import Settings
from yinsi.core.errors import YinsiError
from yinsi.core.i18n import Msg
from yinsi.services.consent import Action, ConsentAct, Kind
from yinsi.services.vault import Actor

LOCUSTFILE = Path(__file__).with_name("http_locustfile.py")
# The bench drives this spec's role, purposes and permission; it is read from the source tree.
POLICY = Path(__file__).resolve().parents[3] / "examples" / "policies" / "001_b323a55268a82f2d.yaml"
ROLE = "booking_service"
READ_PURPOSE = "booking"
WRITE_PURPOSE = "booking"
PERMISSION = "phone_state"
# The SHA-256 of the text a person was shown when they consented (the evidence the ledger keeps).
SHOWN = "0d53f08678d8101b0c7e5053b30224fc671c55051770ba18207435ead7ad37bd"

ENDPOINTS: dict[str, str] = {
    "health": "/health",
    "read": "masked read",
    "write": "PI write",
    "consent": "consent change",
    "centre": "privacy centre",
}
CALLS: dict[str, str] = {
    "health": "GET /health",
    "read": f"GET /v1/subjects/{{id}}/pi?purpose={READ_PURPOSE}",
    "write": "PUT /v1/subjects/{id}/pi",
    "consent": "POST /v1/me/consents",
    "centre": "GET /me",
}
FIXED, MAX = "fixed", "max"
STARTUP_SECONDS = 60
SETTLE_SECONDS = 60
# Each phase runs this long before its measured window opens (its errors still count).
WARMUP_SECONDS = 2.0
# A request unanswered after this many seconds is an error; a phase waits as long for those in flight.
REQUEST_TIMEOUT = 10
# Locust needs a few seconds to start and stop around the time it runs.
LOCUST_GRACE_SECONDS = 60


class BenchError(YinsiError):
    """The benchmark could not run or measure; the message says what to do."""

    code = "bench_failed"


@dataclass(frozen=True)
class Phase:
    endpoint: str
    load: str
    users: int
    rate: float | None  # requests per second asked for; None: as fast as the server answers
    requests: int  # started and answered within the measured window
    failed: dict[str, int]  # every failed request of the phase, by kind (exception and HTTP status)
    seconds: float
    p50_ms: float  # over the requests started within the window (NaN when none was answered)
    p99_ms: float

    @property
    def rps(self) -> float:
        return self.requests / self.seconds if self.seconds > 0 else 0.0

    @property
    def failures(self) -> int:
        return sum(self.failed.values())


@dataclass
class HttpBenchReport:
    workers: int
    backend: str
    machine: list[str]
    phases: list[Phase] = field(default_factory=list)

    def phase(self, endpoint: str, load: str) -> Phase:
        return next(p for p in self.phases if p.endpoint == endpoint and p.load == load)

    @property
    def read_ratio(self) -> float:
        health = self.phase("health", MAX).rps
        return self.phase("read", MAX).rps / health if health > 0 else 0.0

    @property
    def p99_ms(self) -> float:
        return self.phase("read", FIXED).p99_ms

    @property
    def errors(self) -> int:
        return sum(p.failures for p in self.phases)

    def table(self) -> Table:
        table = Table(title=f"yinsi serve on {self.backend}, {self.workers} worker(s)")
        table.add_column("endpoint")
        table.add_column("rate x conns")
        table.add_column("requests", justify="right")
        table.add_column("requests/s", justify="right")
        table.add_column("p50 ms", justify="right")
        table.add_column("p99 ms", justify="right")
        table.add_column("errors", justify="right")
        for p in self.phases:
            asked = f"{p.rate:g}/s" if p.rate is not None else "max"
            table.add_row(
                ENDPOINTS[p.endpoint],
                f"{asked} x {p.users}",
                f"{p.requests:,}",
                f"{p.rps:,.0f}",
                _ms(p.p50_ms),
                _ms(p.p99_ms),
                str(p.failures),
            )
        return table

    def error_lines(self) -> list[str]:
        return [
            f"errors in {ENDPOINTS[p.endpoint]} ({p.load}): "
            + ", ".join(f"{count} x {kind}" for kind, count in sorted(p.failed.items()))
            for p in self.phases
            if p.failed
        ]

    def last_line(self) -> str:
        return f"read_ratio={self.read_ratio:.2f} p99_ms={self.p99_ms:.1f} errors={self.errors}"


def _ms(value: float) -> str:
    return "-" if math.isnan(value) else f"{value:.1f}"


def locust_missing() -> bool:
    """Whether Locust is importable by this interpreter (looked up, never imported: gevent would patch us)."""
    return importlib.util.find_spec("locust") is None


def run_http_bench(
    *,
    workers: int = 1,
    database_url: str | None = None,
    seconds: float = 10,
    rate: float = 200,
    users: int = 50,
    max_users: int = 100,
    subjects: int = 500,
    work_dir: Path | None = None,
    echo: Callable[..., Any] = print,
) -> HttpBenchReport:
    if locust_missing():
        raise BenchError(
            Msg(
                "yinsi bench http 需要负载生成工具 Locust，但当前环境中没有安装。请在项目目录运行 "
                "'make .venv/.synced'（或 'uv sync'，它在 dev 依赖组中），或者 'pip install locust'。",
                "yinsi bench http needs the load generator Locust, which is not installed here. Run "
                "'make .venv/.synced' in the project (or 'uv sync': it is in the dev dependency group), "
                "or 'pip install locust'.",
            )
        )
    if not POLICY.is_file():
        raise BenchError(
            Msg(
                f"找不到基准测试使用的示例隐私政策 {POLICY}：请在 yinsi 的源代码目录中运行。",
                f"The example policy the benchmark uses, {POLICY}, is not there: run it from yinsi's source tree.",
            )
        )
    if database_url is not None:
        _require_empty(database_url, "yinsi bench http")
    with tempfile.TemporaryDirectory(dir=work_dir, prefix="yinsi-bench-http-") as tmp:
        data_dir = Path(tmp)
        try:
            settings = _isolated_settings(data_dir, database_url)
            with open_yinsi(settings) as yinsi:
                echo(f"http bench: setting up {subjects:,} subjects and {max(users, max_users):,} people")
                setup = _set_up(yinsi, subjects=subjects, people=max(users, max_users))
                backend, version = _database(yinsi)
            setup_file = data_dir / "locust-setup.json"
            with os.fdopen(os.open(setup_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "w") as handle:
                json.dump(setup, handle)
            report = HttpBenchReport(workers, backend, _machine(backend, version, workers))
            with _server(data_dir, database_url, workers, echo) as base:
                # /health and the read first, next to each other (read_ratio compares them), then the writers.
                plan = [(endpoint, load) for endpoint in ENDPOINTS for load in (FIXED, MAX)]
                for number, (endpoint, load) in enumerate(plan, start=1):
                    if number > 1:
                        _settle(base, echo)
                    count = users if load == FIXED else max_users
                    asked = rate if load == FIXED else None
                    how = f"{asked:g} requests/s" if asked is not None else "the maximum rate"
                    echo(
                        f"  phase {number}/{len(plan)}: {ENDPOINTS[endpoint]} ({CALLS[endpoint]}) at {how}, "
                        f"{count} connections"
                    )
                    report.phases.append(_run_locust(base, setup_file, data_dir, endpoint, load, count, asked, seconds))
            return report
        finally:
            if database_url is not None:
                # The master key lived in the temporary directory, and a second run must start empty again.
                _drop_everything(database_url)


def _isolated_settings(data_dir: Path, database_url: str | None) -> Settings:
    """Every setting at its default but the data directory and database: a YINSI_* variable of the shell
    (an SMS gateway, a master key) must not reach the throw-away store the bench fills."""
    defaults = {name: info.get_default(call_default_factory=True) for name, info in Settings.model_fields.items()}
    return Settings(**{**defaults, "data_dir": data_dir, "database_url": database_url, "policy_path": POLICY})


def _set_up(yinsi: Yinsi, *, subjects: int, people: int) -> dict[str, Any]:
    """The API key, the subjects with PI and the logged-in people the load uses (no PI is printed)."""
    policy = yinsi.policy.current()
    issued = yinsi.services.keys.create(role=ROLE, label="yinsi bench http")
    actor = Actor(f"key:{issued.id}", issued.role)
    rng = random.Random(20261204)  # noqa: S311 - reproducible made-up data, not a secret
    # Made-up adults (the spec serves adults only) with valid ID numbers; the second half is what writes send.
    made_up = [{"real_name": p["name"], "id_number": p["id_number"]} for p in _people(2 * subjects, rng)]
    ids = []
    for values in made_up[:subjects]:
        with yinsi.vault.unit() as uow:
            subject = yinsi.vault.create_subject(actor=actor, uow=uow)
            yinsi.vault.write(
                actor=actor, subject_id=subject, purpose=WRITE_PURPOSE, values=values, source="bench", uow=uow
            )
        ids.append(subject)
    acceptance = ConsentAct(Kind.POLICY, "current", Action.GRANT, "app", SHOWN, "zh-CN", True, policy.version)
    secret = yinsi.keyring.secret("outbox")
    sessions = []
    first = ipaddress.IPv4Address("127.1.0.1")
    for number in range(people):
        phone = f"139{number:08d}"
        # Each person logs in from an address of their own, as from their own phone: the limit of 20 codes an
        # hour for one address would stop the setup at the 21st person otherwise.
        client = str(first + number)
        yinsi.accounts.request_code(phone=phone, client=client)
        message = open_outbox_message(secret, yinsi.outbox.latest(1, "sms")[0].sealed)
        code = re.search(r"\b(\d{6})\b", message.body)
        if code is None:
            raise BenchError(Msg("控制台发件箱中没有登录验证码。", "The console outbox holds no login code."))
        login = yinsi.accounts.login_with_code(phone=phone, code=code.group(1), client=client, acceptance=acceptance)
        sessions.append(login.token)
    return {
        "api_key": issued.token,
        "subjects": ids,
        "read_purpose": READ_PURPOSE,
        "write_purpose": WRITE_PURPOSE,
        "write_values": made_up[subjects:],
        "sessions": sessions,
        "consent": {
            "kind": "permission",
            "scope": PERMISSION,
            "text_hash": SHOWN,
            "language": "zh-CN",
            "channel": "app",
            "affirmative": True,
        },
    }


def _database(yinsi: Yinsi) -> tuple[str, str]:
    name = yinsi.engine.dialect.name
    if name == "postgresql":
        with yinsi.engine.connect() as connection:
            return name, f"PostgreSQL {connection.execute(text('SHOW server_version')).scalar_one()}"
    return name, f"SQLite {sqlite3.sqlite_version} (a file in a temporary directory)"


def _machine(backend: str, database: str, workers: int) -> list[str]:
    cpu = ""
    with suppress(OSError):
        models = re.findall(r"^model name\s*:\s*(.+)$", Path("/proc/cpuinfo").read_text(), re.MULTILINE)
        cpu = f" ({models[0].strip()})" if models else ""
    return [
        f"machine: {os.cpu_count()} cores{cpu}, {platform.system()} {platform.release()}",
        f"python: {platform.python_implementation()} {platform.python_version()}; database: {database}",
        f"server: yinsi serve with {workers} worker(s); load: Locust {metadata.version('locust')}, one process "
        "on the same machine",
    ]


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _child_env(**extra: str) -> dict[str, str]:
    """This environment without YINSI_* and LOCUST_* variables: the children get exactly what the bench says."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("YINSI_", "LOCUST_"))}
    return {**env, **extra}


def _tail(path: Path, lines: int = 15) -> str:
    with suppress(OSError):
        return "\n".join(path.read_text(encoding="utf-8", errors="replace").splitlines()[-lines:])
    return ""


def _stop(process: subprocess.Popen[bytes], sig: signal.Signals, wait: float) -> None:
    """Asks the process (the leader of its own session) to stop, then ends its whole group if it has not."""
    if process.poll() is None:
        with suppress(ProcessLookupError):
            process.send_signal(sig)
        with suppress(subprocess.TimeoutExpired):
            process.wait(wait)
    with suppress(ProcessLookupError, PermissionError):
        os.killpg(process.pid, signal.SIGKILL)  # workers or greenlets left behind; the group is ours alone
    with suppress(subprocess.TimeoutExpired):
        process.wait(5)


@contextmanager
def _server(data_dir: Path, database_url: str | None, workers: int, echo: Callable[..., Any]) -> Iterator[str]:
    """``yinsi serve`` on a free loopback port, stopped whatever happens (failure, Ctrl-C)."""
    port = _free_port()
    command = [sys.executable, "-m", "yinsi.cli.main", "serve", "--data-dir", str(data_dir)]
    command += ["--policy", str(POLICY), "--host", "127.0.0.1", "--port", str(port), "--workers", str(workers)]
    # The URL may hold a password: it goes in the environment, never in the command line.
    env = _child_env(YINSI_DATABASE_URL=database_url) if database_url else _child_env()
    log_path = data_dir / "serve.log"
    base = f"http://127.0.0.1:{port}"
    echo(f"  starting yinsi serve on {base} with {workers} worker(s)")
    with log_path.open("wb") as log:
        process = subprocess.Popen(  # noqa: S603 - this interpreter running yinsi itself
            command, env=env, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, start_new_session=True
        )
    try:
        _wait_until_healthy(process, base, log_path)
        yield base
        if process.poll() is not None:
            raise BenchError(_server_died(log_path))
    finally:
        _stop(process, signal.SIGINT, 15)


def _server_died(log_path: Path) -> Msg:
    tail = _tail(log_path)
    return Msg(
        f"yinsi serve 意外退出。日志的最后几行：\n{tail}", f"yinsi serve stopped unexpectedly. Its last words:\n{tail}"
    )


def _wait_until_healthy(process: subprocess.Popen[bytes], base: str, log_path: Path) -> None:
    deadline = time.monotonic() + STARTUP_SECONDS
    with httpx.Client(timeout=2) as client:
        while time.monotonic() < deadline:
            if process.poll() is not None:
                raise BenchError(_server_died(log_path))
            with suppress(httpx.HTTPError):
                if client.get(f"{base}/health").status_code == 200:
                    return
            time.sleep(0.1)
    raise BenchError(
        Msg(
            f"yinsi serve 在 {STARTUP_SECONDS} 秒内没有就绪。日志的最后几行：\n{_tail(log_path)}",
            f"yinsi serve was not ready within {STARTUP_SECONDS} s. Its last words:\n{_tail(log_path)}",
        )
    )


def _settle(base: str, echo: Callable[..., Any]) -> None:
    """Waits until /health answers promptly again, so a server still working off (or stuck on) one phase's
    load does not count against the next endpoint."""
    deadline = time.monotonic() + SETTLE_SECONDS
    with httpx.Client(timeout=1) as client:
        while time.monotonic() < deadline:
            with suppress(httpx.HTTPError):
                if client.get(f"{base}/health").status_code == 200:
                    return
            time.sleep(0.5)
    echo(f"  /health still does not answer after {SETTLE_SECONDS} s; going on")


def _run_locust(
    base: str,
    setup_file: Path,
    data_dir: Path,
    endpoint: str,
    load: str,
    users: int,
    rate: float | None,
    seconds: float,
) -> Phase:
    output = data_dir / f"locust-{endpoint}-{load}.json"
    log_path = output.with_suffix(".log")
    # The users start within the first second; the measured window opens once they all run, and the run
    # time leaves room for it. Requests still in flight at the end are waited for (--stop-timeout), so a
    # request that never gets an answer counts as an error instead of vanishing.
    command = [sys.executable, "-m", "locust", "-f", str(LOCUSTFILE), "--headless", "--host", base]
    run_time = math.ceil(seconds + WARMUP_SECONDS) + 2
    command += ["--users", str(users), "--spawn-rate", str(users), "--run-time", f"{run_time}s"]
    command += ["--only-summary", "--loglevel", "WARNING", "--exit-code-on-error", "0"]
    command += ["--stop-timeout", str(REQUEST_TIMEOUT + 1)]
    env = _child_env(
        YINSI_BENCH_SETUP=str(setup_file),
        YINSI_BENCH_ENDPOINT=endpoint,
        YINSI_BENCH_USER_RATE=str(rate / users if rate is not None else 0),
        YINSI_BENCH_SECONDS=str(seconds),
        YINSI_BENCH_WARMUP=str(WARMUP_SECONDS),
        YINSI_BENCH_TIMEOUT=str(REQUEST_TIMEOUT),
        YINSI_BENCH_OUTPUT=str(output),
    )
    with log_path.open("wb") as log:
        # Run in the temporary directory, so no locust.conf or pyproject.toml of the caller's configures it.
        process = subprocess.Popen(  # noqa: S603 - this interpreter running Locust
            command,
            env=env,
            cwd=data_dir,
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
        )
    try:
        returncode = process.wait(run_time + REQUEST_TIMEOUT + LOCUST_GRACE_SECONDS)
    except subprocess.TimeoutExpired:
        returncode = None
    finally:
        _stop(process, signal.SIGTERM, 5)
    if returncode != 0 or not output.is_file():
        tail = _tail(log_path)
        raise BenchError(Msg(f"Locust 运行失败。它的最后几行输出：\n{tail}", f"Locust failed. Its last words:\n{tail}"))
    measured = json.loads(output.read_text(encoding="utf-8"))
    if not measured["window"]:
        tail = _tail(log_path)
        raise BenchError(
            Msg(
                f"Locust 没有启动全部用户。它的最后几行输出：\n{tail}",
                f"Locust did not start all its users. Its last words:\n{tail}",
            )
        )
    latencies = sorted(float(ms) for ms in measured["latencies_ms"])
    return Phase(
        endpoint,
        load,
        users,
        rate,
        int(measured["completed"]),
        {str(kind): int(count) for kind, count in measured["failures"].items()},
        float(measured["window"]),
        percentile(latencies, 0.50),
        percentile(latencies, 0.99),
    )


def percentile(latencies: list[float], fraction: float) -> float:
    """The response time that ``fraction`` of the sorted ``latencies`` took at most (nearest rank); NaN for
    none."""
    if not latencies:
        return math.nan
    return latencies[max(1, math.ceil(fraction * len(latencies))) - 1]
