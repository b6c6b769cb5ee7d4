"""A client generated from a running server's /openapi.json works against it; the server delivers events.

openapi-python-client (a maintained generator) writes a typed client package
into a temporary directory from the document `yinsi serve` publishes; the
test imports it and drives the vault with a service key, reading problems
back as typed ``Problem`` objects. The same server, given an events endpoint,
delivers the event of the policy it was started with in the background.
"""

from __future__ import annotations

import importlib
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import httpx2
import pytest

from tests.conftest import ROOT
from tests.support.serve import YINSI, running_server
from tests.support.webhooks import Receiver
from yinsi.core.webhook_signing import new_secret

CLINIC = ROOT / "tests" / "fixtures" / "clinic.yaml"
GENERATOR = Path(sys.executable).parent / "openapi-python-client"
pytestmark = pytest.mark.slow


def _yinsi(env: dict[str, str], cwd: Path, *args: str) -> str:
    done = subprocess.run([str(YINSI), *args], env=env, cwd=cwd, capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    return done.stdout


def _generate(base: str, into: Path) -> Any:
    (into / "openapi.json").write_text(httpx2.get(f"{base}/openapi.json").text, encoding="utf-8")
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}"}
    done = subprocess.run(
        [str(GENERATOR), "generate", "--path", str(into / "openapi.json"), "--output-path", str(into / "client")],
        env=env,
        cwd=into,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    sys.path.insert(0, str(into / "client"))
    try:
        return importlib.import_module("yinsi_client")
    finally:
        sys.path.remove(str(into / "client"))


def test_a_generated_client_works_against_a_running_server(tmp_path: Path) -> None:
    secret = new_secret()
    with Receiver(secret) as receiver:
        env = {
            **os.environ,
            "YINSI_DATA_DIR": str(tmp_path / "data"),
            "YINSI_EVENTS_URL": receiver.url,
            "YINSI_EVENTS_SECRET": secret,
            "YINSI_EVENTS_INTERVAL_SECONDS": "0.5",
            "YINSI_LOG_LEVEL": "WARNING",
        }
        _yinsi(env, tmp_path, "db", "upgrade")
        _yinsi(env, tmp_path, "policy", "publish", str(CLINIC))
        token = _yinsi(env, tmp_path, "keys", "create-api-key", "clinic_app").strip().splitlines()[-1]
        assert token.startswith("yk_")
        with running_server(env, tmp_path) as base:
            client_package = _generate(base, tmp_path)
            _use(client_package, base, token)
            deadline = time.monotonic() + 20
            while not receiver.received and time.monotonic() < deadline:
                time.sleep(0.2)
    [event] = receiver.received
    assert event["body"]["type"] == "policy.published"
    assert event["verified"]


def _use(package: Any, base: str, token: str) -> None:
    from importlib import import_module

    api = "yinsi_client.api"
    create_subject = import_module(f"{api}.vault.create_subject")
    write_pi = import_module(f"{api}.vault.write_pi")
    read_pi = import_module(f"{api}.vault.read_pi")
    health = import_module(f"{api}.public.health")
    models = import_module("yinsi_client.models")

    with package.AuthenticatedClient(base_url=base, token=token) as client, package.Client(base_url=base) as anonymous:
        _drive(client, anonymous, models, health, create_subject, write_pi, read_pi)


def _drive(
    client: Any, anonymous: Any, models: Any, health: Any, create_subject: Any, write_pi: Any, read_pi: Any
) -> None:
    assert health.sync(client=anonymous).status == "ok"

    created = create_subject.sync(client=client)
    assert isinstance(created, models.SubjectOut)
    body = models.PiWriteIn(
        purpose="registration", source="generated-client", values=models.PiWriteInValues.from_dict({"name": "张三丰"})
    )
    written = write_pi.sync(subject_id=created.id, client=client, body=body)
    assert isinstance(written, models.PiWrittenOut)
    assert written.written == ["name"]
    read = read_pi.sync(subject_id=created.id, client=client, purpose="registration")
    assert isinstance(read, models.PiReadOut)
    assert read.forms.additional_properties == {"name": "whole"}
    assert read.values.additional_properties == {"name": "张三丰"}

    refused = read_pi.sync_detailed(subject_id=created.id, client=client, purpose="no_such_purpose")
    assert refused.status_code == 403
    assert isinstance(refused.parsed, models.Problem)
    assert refused.parsed.code == "purpose_not_declared"
    unknown = read_pi.sync_detailed(subject_id=created.id, client=anonymous, purpose="registration")
    assert unknown.status_code == 401
    assert unknown.parsed.code == "unauthenticated"
