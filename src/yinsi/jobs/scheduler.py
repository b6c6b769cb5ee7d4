"""The jobs' schedule inside ``yinsi serve``: every worker's scheduler looks, one runs each due job.

Each worker process has a scheduler thread that wakes every ``tick`` seconds and runs the jobs whose last
run (recorded in their lease rows, so every worker and machine sees the same) finished at least their
interval ago. Two workers that find the same job due race for its lease; the loser skips it. A cron entry
or systemd timer calling ``yinsi jobs NAME`` instead (or as well) is just as safe.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable

from yinsi.bootstrap import Yinsi
from yinsi.core.periodic import Periodic
from yinsi.jobs.registry import JOBS, Job
from yinsi.jobs.runner import JobBusy, run_job

log = logging.getLogger(__name__)

TICK_S = 30.0


class Scheduler:
    def __init__(self, yinsi: Yinsi, *, jobs: Iterable[Job] | None = None, tick: float = TICK_S) -> None:
        self._yinsi = yinsi
        self._jobs = list(JOBS.values() if jobs is None else jobs)
        self._rounds = Periodic("jobs", tick, self.round)

    def start(self) -> None:
        self._rounds.start()

    def stop(self) -> None:
        self._rounds.stop()

    def due(self) -> list[Job]:
        now = self._yinsi.now()
        states = self._yinsi.services.leases.states()
        due = []
        for job in self._jobs:
            state = states.get(job.name)
            last = state.finished_at if state is not None else None
            running = state is not None and state.holder is not None and (state.expires_at or now) > now
            if not running and (last is None or now - last >= job.every):
                due.append(job)
        return due

    def round(self) -> list[str]:
        """Runs each due job once; returns the names of those this process ran."""
        ran = []
        for job in self.due():
            try:
                done = run_job(self._yinsi, job.name)
            except JobBusy:
                continue  # another worker took it between our look and our try
            except Exception as exc:  # one failing job must not keep the others from running
                log.warning("job %s failed (%s)", job.name, type(exc).__name__)
                continue
            log.info("job %s: %s", job.name, done.line)
            ran.append(job.name)
        return ran
