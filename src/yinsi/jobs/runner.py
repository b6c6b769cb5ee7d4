"""Running one job under its lease, so that one process at a time runs it, on every worker and machine."""

from __future__ import annotations

import logging
import os
import socket
import time
import uuid
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from yinsi.bootstrap import Yinsi
from yinsi.core.errors import Conflict, not_found
from yinsi.core.i18n import Msg
from yinsi.jobs.registry import JOBS, JobContext

log = logging.getLogger(__name__)

LEASE_TTL = timedelta(minutes=5)
RENEW_EVERY_S = 60.0


class JobBusy(Conflict):
    code = "job_running"


@dataclass(frozen=True, slots=True)
class JobRun:
    name: str
    summary: dict[str, Any]
    line: str
    failed: bool


def holder_id() -> str:
    """This run's name in the lease row: the machine, the process, and a nonce (two runs in one process
    differ)."""
    return f"{socket.gethostname()[:60]}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


def dead_here(holder: str) -> bool:
    """Whether a lease holder was a process of this machine that has ended (killed, crashed): its lease need
    not be waited out. A holder on another machine is only known dead when its lease expires."""
    host, _, rest = holder.partition(":")
    pid = rest.partition(":")[0]
    if host != socket.gethostname()[:60] or not pid.isdigit():
        return False
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False  # it runs, as another user
    return False


def run_job(yinsi: Yinsi, name: str, *, options: dict[str, Any] | None = None, join: bool = False) -> JobRun:
    """Runs job ``name`` once. Refused (``JobBusy``) while another process holds its lease, unless ``join``
    and the job shares its work by claiming chunks (retention): then this run helps the one in progress."""
    job = JOBS.get(name)
    if job is None:
        raise not_found(f"名为 {name} 的任务", f"job named {name}")
    if join and job.shareable:
        summary = job.work(yinsi, JobContext(options=dict(options or {})))
        return JobRun(name, summary, job.describe(summary), job.failed(summary))
    holder = holder_id()
    if not yinsi.services.leases.acquire(name=name, holder=holder, ttl=LEASE_TTL, dead=dead_here):
        raise JobBusy(
            Msg(
                f"任务 {name} 正由另一个进程运行；请等它结束" + ("，或加 --join 一起分担。" if job.shareable else "。"),
                f"job {name} is being run by another process; wait for it to finish"
                + (", or add --join to share its work." if job.shareable else "."),
            )
        )
    renewed = time.monotonic()

    def keep_alive() -> None:
        nonlocal renewed
        if time.monotonic() - renewed >= RENEW_EVERY_S:
            yinsi.services.leases.renew(name=name, holder=holder, ttl=LEASE_TTL)
            renewed = time.monotonic()

    try:
        summary = job.work(yinsi, JobContext(options=dict(options or {}), keep_alive=keep_alive))
    except BaseException as exc:
        yinsi.services.leases.release(name=name, holder=holder, outcome="failed", summary={"error": type(exc).__name__})
        raise
    failed = job.failed(summary)
    yinsi.services.leases.release(name=name, holder=holder, outcome="failed" if failed else "done", summary=summary)
    return JobRun(name, summary, job.describe(summary), failed)
