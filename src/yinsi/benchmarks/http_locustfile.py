"""The load ``yinsi bench http`` sends, run by Locust in a process of its own.

Locust runs on gevent, which monkey-patches the standard library as it is
imported: no yinsi process may import this module. ``yinsi bench http``
starts ``python -m locust -f <this file>`` as a subprocess and tells it
through the environment what to call:

- ``YINSI_BENCH_SETUP``: a JSON file (written by the bench, readable only by
  its user) with the service's API key, the subjects to read and write, the
  values to write and the people's sessions;
- ``YINSI_BENCH_ENDPOINT``: ``health``, ``read``, ``write``, ``consent`` or ``centre``
  (each phase measures one, so each has its own throughput and percentiles);
- ``YINSI_BENCH_USER_RATE``: requests per second of each simulated user
  (the starts of its calls a Poisson process of that rate), or 0 for no
  waiting at all: as fast as the server answers;
- ``YINSI_BENCH_SECONDS``: how long the measured window lasts, from the
  moment every user runs and ``YINSI_BENCH_WARMUP`` seconds more have
  passed; ``YINSI_BENCH_TIMEOUT``: seconds after which an
  unanswered request is an error; ``YINSI_BENCH_OUTPUT``: where to write
  what was measured (JSON), when Locust quits.

Each user keeps one connection (FastHttpUser), so the number of users is the
number of connections. The file imports nothing from yinsi.
"""

from __future__ import annotations

import itertools
import json
import os
import random
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from locust import FastHttpUser, events, task

SETUP: dict[str, Any] = json.loads(Path(os.environ["YINSI_BENCH_SETUP"]).read_text(encoding="utf-8"))
ENDPOINT = os.environ["YINSI_BENCH_ENDPOINT"]
USER_RATE = float(os.environ.get("YINSI_BENCH_USER_RATE", "0"))
WINDOW = float(os.environ["YINSI_BENCH_SECONDS"])
WARMUP = float(os.environ.get("YINSI_BENCH_WARMUP", "0"))
OUTPUT = Path(os.environ["YINSI_BENCH_OUTPUT"])
SERVICE = {"Authorization": f"Bearer {SETUP['api_key']}"}
_numbers = itertools.count()


@dataclass
class Measure:
    """What the phase measured, kept here rather than in Locust's statistics, which round response times to
    whole milliseconds, cannot tell when the users had all started, and count the requests still in flight
    at the end as if they belonged to the run time."""

    started: float | None = None  # when every user was running: the measured window opens
    latencies: list[float] = field(default_factory=list)  # of the requests started within the window
    completed: int = 0  # requests started and answered within the window: the throughput
    failures: Counter[str] = field(default_factory=Counter)  # every failed request of the phase: the errors


MEASURE = Measure()


def _spawned(**_: Any) -> None:
    # The first seconds of traffic are not measured (their errors still count): the server's threads, its
    # connections and SQLAlchemy's statement cache are made on first use, as after any restart.
    MEASURE.started = time.time() + WARMUP


def _record(response_time: float, exception: BaseException | None = None, response: Any = None, **_: Any) -> None:
    now = time.time()
    if exception is not None:
        status = getattr(response, "status_code", None)
        # The kind and status only: a message could quote a URL, and the bench prints these.
        MEASURE.failures[f"{type(exception).__name__} {status}" if status else type(exception).__name__] += 1
    began = now - response_time / 1000
    opened = MEASURE.started
    if opened is None or not opened <= began <= opened + WINDOW:
        return
    MEASURE.latencies.append(response_time)
    if now <= opened + WINDOW:
        MEASURE.completed += 1


def _write(**_: Any) -> None:
    OUTPUT.write_text(
        json.dumps(
            {
                "window": WINDOW if MEASURE.started is not None else 0,
                "completed": MEASURE.completed,
                "latencies_ms": MEASURE.latencies,
                "failures": dict(MEASURE.failures),
            }
        ),
        encoding="utf-8",
    )


# Listeners added by call, not as decorators: Locust's add_listener is untyped.
events.spawning_complete.add_listener(_spawned)  # type: ignore[no-untyped-call]
events.request.add_listener(_record)  # type: ignore[no-untyped-call]
events.quitting.add_listener(_write)  # type: ignore[no-untyped-call]


class BenchUser(FastHttpUser):
    """One connection calling one endpoint, at a fixed rate or back to back."""

    def wait_time(self) -> float:
        """At a fixed rate, each user starts its calls as a Poisson process of USER_RATE a second, so the users
        together are one of the asked rate: many independent clients, as a real service sees them. Locust's
        ``constant_throughput`` keeps the users in step, so they arrive in bursts of every user at once, and
        the bursts (not the server) then set the percentiles."""
        if USER_RATE <= 0:
            return 0.0
        self.next_start += self.random.expovariate(USER_RATE)
        return max(0.0, self.next_start - time.monotonic())

    # A request unanswered after this long counts as an error (the bench lets Locust wait as long for the
    # requests in flight when a phase ends, so none goes uncounted).
    connection_timeout = network_timeout = float(os.environ.get("YINSI_BENCH_TIMEOUT", "10"))

    def on_start(self) -> None:
        number = next(_numbers)
        self.random = random.Random(number)  # noqa: S311 - which test subject to call, not a secret
        # Each user acts for a person of their own, as each person's app would: no two users change the
        # consents of the same person at the same time.
        sessions: list[str] = SETUP["sessions"]
        self.person = {"Authorization": f"Bearer {sessions[number % len(sessions)]}"}
        self.page = {"Cookie": f"yinsi_session={sessions[number % len(sessions)]}"}
        self.grant = number % 2 == 0
        self.next_start = time.monotonic()

    def _subject(self) -> str:
        subjects: list[str] = SETUP["subjects"]
        return subjects[self.random.randrange(len(subjects))]

    @task
    def call(self) -> None:
        if ENDPOINT == "health":
            self.client.get("/health", name="health")
        elif ENDPOINT == "read":
            path = f"/v1/subjects/{self._subject()}/pi?purpose={SETUP['read_purpose']}"
            with self.client.get(path, headers=SERVICE, name="read", catch_response=True) as response:
                # A read that answered 200 but masked nothing would measure the wrong thing.
                if response.status_code == 200 and '"masked"' not in (response.text or ""):
                    response.failure("the answer holds no masked value")
        elif ENDPOINT == "write":
            values: list[dict[str, str]] = SETUP["write_values"]
            body = {
                "purpose": SETUP["write_purpose"],
                "source": "bench",
                "values": values[self.random.randrange(len(values))],
            }
            self.client.put(f"/v1/subjects/{self._subject()}/pi", json=body, headers=SERVICE, name="write")
        elif ENDPOINT == "centre":
            with self.client.get("/me", headers=self.page, name="centre", catch_response=True) as response:
                # A login page (the session not recognised) would measure the wrong thing.
                if response.status_code == 200 and "/me/data" not in (response.text or ""):
                    response.failure("the answer is not the privacy centre's home page")
        else:
            # Each person's permission goes on and off: every call changes their consent state.
            body = dict(SETUP["consent"], action="grant" if self.grant else "withdraw")
            self.grant = not self.grant
            self.client.post("/v1/me/consents", json=body, headers=self.person, name="consent")
