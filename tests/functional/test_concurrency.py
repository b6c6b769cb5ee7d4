"""A real server under more clients than it has threads and connections, with two worker processes, on SQLite
and PostgreSQL: nothing locks up, nothing is lost, nothing answers 500, and what each worker caches follows
the database within a second."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import httpx2
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, func, select

from tests.conftest import ROOT, Backend
from tests.functional.test_serve import free_port
from tests.support.accounts import register
from tests.support.consent import SHOWN
from yinsi.adapters.db.rows import AuditEventRow, ConsentEntryRow, table_of
from yinsi.api.app import create_app
from yinsi.bootstrap import Yinsi, open_yinsi
from yinsi.services.vault import Actor

pytestmark = pytest.mark.slow

CLINIC = ROOT / "tests" / "fixtures" / "clinic.yaml"
APP = Actor("key:test", "clinic_app")
CLIENTS = 40  # against 2 workers × 4 threads, with pools of 8 connections each
ROUNDS = 6
PERSONS = 10
GIVEN = "伟芳娜敏静丽强磊军洋"  # a different name each round: the last one written must be the one kept


def name(round_: int) -> str:
    return "张" + GIVEN[round_]


@dataclass
class Prepared:
    settings_env: dict[str, str] = field(repr=False)
    key: str = field(repr=False)
    key_id: str
    subjects: list[str]
    sessions: list[dict[str, str]] = field(repr=False)


@dataclass
class Tally:
    lock: threading.Lock = field(default_factory=threading.Lock)
    failures: list[tuple[str, int]] = field(default_factory=list)
    slowest: float = 0.0
    reads: int = 0
    consents: dict[int, int] = field(default_factory=dict)

    def note(self, what: str, response: httpx2.Response, seconds: float) -> None:
        with self.lock:
            self.slowest = max(self.slowest, seconds)
            if response.status_code >= 300:
                self.failures.append((what, response.status_code))


def _environment(backend: Backend) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith("YINSI_")}
    env["YINSI_DATA_DIR"] = str(backend.settings.data_dir)
    if backend.name == "postgresql":
        env["YINSI_DATABASE_URL"] = backend.settings.resolved_database_url
    return env


@pytest.fixture
def prepared(backend: Backend) -> Prepared:
    """The clinic policy published, an API key, a subject per client and a few logged-in persons."""
    settings = backend.settings.model_copy(update={"policy_path": CLINIC})
    with open_yinsi(settings, migrate=False) as yinsi:
        issued = yinsi.services.keys.create(role="clinic_app", label="load")
        subjects = [yinsi.vault.create_subject(actor=APP) for _ in range(CLIENTS)]
        with TestClient(create_app(yinsi)) as client:
            sessions = [register(client, yinsi, f"1391234{i:04d}") for i in range(PERSONS)]
    return Prepared(_environment(backend), issued.token, issued.id, subjects, sessions)


@pytest.fixture
def server(prepared: Prepared, tmp_path: Path) -> Iterator[str]:
    """`yinsi serve --workers 2 --threads 4` on the prepared store, stopped afterwards."""
    port = free_port()
    log = tmp_path / "serve.log"
    command = [sys.executable, "-m", "yinsi.cli.main", "serve", "--port", str(port), "--workers", "2", "--threads", "4"]
    with log.open("w") as output:
        process = subprocess.Popen(command, stdout=output, stderr=subprocess.STDOUT, env=prepared.settings_env)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            if process.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"yinsi serve did not start:\n{log.read_text()}")
            try:
                if httpx2.get(f"{base}/health", timeout=1).status_code == 200:
                    break
            except httpx2.TransportError:
                time.sleep(0.2)
        yield base
    finally:
        process.terminate()
        process.wait(timeout=30)
    said = log.read_text()
    assert "Traceback" not in said, said[-4000:]  # the server's log holds no PI: method, path, status, time


def _client_loop(base: str, prepared: Prepared, number: int, tally: Tally) -> None:
    key = {"Authorization": f"Bearer {prepared.key}"}
    subject = prepared.subjects[number]
    session = prepared.sessions[number % PERSONS]
    with httpx2.Client(base_url=base, timeout=30) as http:
        for round_ in range(ROUNDS):
            calls: list[tuple[str, str, str, dict[str, object]]] = [
                (
                    "write",
                    "PUT",
                    f"/v1/subjects/{subject}/pi",
                    {
                        "json": {
                            "purpose": "registration",
                            "source": "load",
                            "values": {"name": name(round_)},
                        }
                    },
                ),
                ("read", "GET", f"/v1/subjects/{subject}/pi", {"params": {"purpose": "registration"}}),
                (
                    "consent",
                    "POST",
                    "/v1/me/consents",
                    {
                        "json": {
                            "kind": "purpose",
                            "scope": "newsletter",
                            "action": "grant" if round_ % 2 == 0 else "withdraw",
                            "text_hash": SHOWN,
                            "affirmative": True,
                        }
                    },
                ),
                ("health", "GET", "/health", {}),
            ]
            for what, method, url, extra in calls:
                headers = session if what == "consent" else key
                started = time.monotonic()
                response = http.request(method, url, headers=headers, **extra)  # type: ignore[arg-type]
                tally.note(what, response, time.monotonic() - started)
                if what == "read" and response.status_code == 200:
                    with tally.lock:
                        tally.reads += 1
                if what == "consent" and response.status_code == 201:
                    with tally.lock:
                        person = number % PERSONS
                        tally.consents[person] = tally.consents.get(person, 0) + 1


@pytest.mark.db
def test_more_clients_than_threads_and_connections_lose_nothing(
    server: str, prepared: Prepared, backend: Backend
) -> None:
    tally = Tally()
    threads = [threading.Thread(target=_client_loop, args=(server, prepared, n, tally)) for n in range(CLIENTS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=300)
    assert not any(thread.is_alive() for thread in threads)

    assert tally.failures == []
    assert tally.slowest < 5.0, f"the slowest request took {tally.slowest:.1f} s"
    with open_yinsi(backend.settings, migrate=False) as yinsi:
        for number, subject in enumerate(prepared.subjects):  # every client's last write is what is stored
            read = yinsi.vault.read(actor=APP, subject_id=subject, purpose="registration", fields=["name"])
            assert read.values["name"] == name(ROUNDS - 1), f"client {number}'s last write was lost"
        entries = table_of(ConsentEntryRow)
        events = table_of(AuditEventRow)
        with yinsi.engine.connect() as connection:
            recorded = connection.execute(
                select(func.count()).select_from(entries).where(entries.c.scope == "newsletter")
            ).scalar_one()
            audited_reads = connection.execute(
                select(func.count())
                .select_from(events)
                .where(events.c.action == "pi-read", events.c.actor == f"key:{prepared.key_id}")
            ).scalar_one()
            chains = connection.execute(select(func.count(func.distinct(events.c.chain)))).scalar_one()
        assert recorded == sum(tally.consents.values()) == CLIENTS * ROUNDS
        assert audited_reads == tally.reads == CLIENTS * ROUNDS  # every read answered is a read audited
        assert yinsi.audit.verify(yinsi.engine).ok
    if backend.name == "postgresql":
        assert chains > 1  # concurrent writers appended to several chains instead of queueing on one


@pytest.mark.db
def test_a_revoked_key_and_a_new_policy_reach_every_worker_within_a_second(
    server: str, prepared: Prepared, backend: Backend
) -> None:
    key = {"Authorization": f"Bearer {prepared.key}"}
    url = f"{server}/v1/subjects/{prepared.subjects[0]}/pi"
    assert httpx2.get(url, params={"purpose": "registration"}, headers=key).status_code == 200
    settings = backend.settings
    with open_yinsi(settings, migrate=False) as yinsi:
        assert yinsi.services.keys.revoke(key_id=prepared.key_id)
        text = CLINIC.read_text(encoding="utf-8").replace('version: "2026-01"', 'version: "2026-02"', 1)
        assert 'version: "2026-02"' in text
        yinsi.services.policies.publish(text=text, actor="test")
    time.sleep(1.0)
    # Fresh connections, so both workers answer some of them.
    statuses = {httpx2.get(url, params={"purpose": "registration"}, headers=key).status_code for _ in range(30)}
    versions = {httpx2.get(f"{server}/health").json()["policy"] for _ in range(30)}
    assert statuses == {401}
    assert versions == {"2026-02"}


def test_a_request_that_cannot_get_the_lock_in_time_answers_503(backend: Backend, clinic_policy: object) -> None:
    """Someone else holds the write lock (SQLite) or every audit chain (PostgreSQL) past the lock timeout."""
    settings = backend.settings.model_copy(update={"lock_timeout_seconds": 0.3})
    yinsi = open_yinsi(settings, migrate=False, policy=clinic_policy)  # type: ignore[arg-type]
    try:
        token = yinsi.services.keys.create(role="clinic_app", label="t").token
        subject = yinsi.vault.create_subject(actor=APP)
        client = TestClient(create_app(yinsi))
        body = {"purpose": "registration", "source": "x", "values": {"name": "张三"}}
        headers = {"Authorization": f"Bearer {token}"}
        with _hold_the_lock(yinsi, backend):
            started = time.monotonic()
            response = client.put(f"/v1/subjects/{subject}/pi", json=body, headers=headers)
            waited = time.monotonic() - started
        assert response.status_code == 503, response.text
        assert response.headers["content-type"].startswith("application/problem+json")
        assert response.headers["retry-after"] == "1"
        assert response.json()["code"] == "busy"
        assert "张三" not in response.text
        assert waited < 5
        assert yinsi.engine.pool.checkedout() == 0  # type: ignore[attr-defined]  # QueuePool: nothing kept
        again = client.put(f"/v1/subjects/{subject}/pi", json=body, headers=headers)
        assert again.status_code == 200, again.text
    finally:
        yinsi.close()


class _hold_the_lock:
    def __init__(self, yinsi: Yinsi, backend: Backend) -> None:
        self._yinsi = yinsi
        self._backend = backend

    def __enter__(self) -> None:
        # As another process would: its own connection, outside yinsi's pool.
        if self._backend.name == "sqlite":
            self._sqlite = sqlite3.connect(self._backend.settings.data_dir / "yinsi.db", isolation_level=None)
            self._sqlite.execute("BEGIN IMMEDIATE")
            return
        self._engine = create_engine(self._backend.settings.resolved_database_url)
        self._connection = self._engine.connect()
        self._connection.begin()
        self._connection.exec_driver_sql("SELECT id FROM audit_head FOR UPDATE")

    def __exit__(self, *_: object) -> None:
        if self._backend.name == "sqlite":
            self._sqlite.execute("ROLLBACK")
            self._sqlite.close()
            return
        self._connection.rollback()
        self._connection.close()
        self._engine.dispose()
