"""Work a long-running process repeats in the background: following the policy in force, SQLite checkpoints."""

from __future__ import annotations

import logging
from collections.abc import Callable
from threading import Event, Thread

log = logging.getLogger(__name__)


class Periodic:
    """Runs ``work`` every ``interval`` seconds in a daemon thread until ``stop``. A failure is logged by its
    type alone (its text could quote what it worked on) and the next round tries again: a passing database
    error must not end the work for the life of the process."""

    def __init__(self, name: str, interval: float, work: Callable[[], object]) -> None:
        self._name = name
        self._interval = interval
        self._work = work
        self._stop = Event()
        self._thread: Thread | None = None

    def start(self) -> None:
        if self._thread is None:
            self._thread = Thread(target=self._run, name=f"yinsi-{self._name}", daemon=True)
            self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None

    def _run(self) -> None:
        while not self._stop.wait(self._interval):
            try:
                self._work()
            except Exception as exc:  # the point of the loop: the next round tries again
                log.warning("%s failed (%s); trying again", self._name, type(exc).__name__)
