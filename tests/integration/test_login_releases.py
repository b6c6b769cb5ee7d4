"""A cancelled account's third-party logins are released with their providers, through the login gateway."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import select

from tests.conftest import Backend, Clock
from tests.integration.test_notify import Gateway
from tests.support.consent import accept_policy
from yinsi.adapters.db.rows import LoginReleaseRow, table_of
from yinsi.adapters.notify.logins import MessageLoginReleaser
from yinsi.adapters.notify.webhook import WebhookMessageSender
from yinsi.bootstrap import Yinsi, open_yinsi
from yinsi.core.policy.compiled import CompiledPolicy
from yinsi.core.requests import RequestType
from yinsi.jobs import JOBS, run_job
from yinsi.jobs.scheduler import Scheduler
from yinsi.services.login_releases import LoginReleases
from yinsi.services.rights import Filing
from yinsi.services.vault import Actor

APP = Actor("key:app", "clinic_app")
OPENID = "o6_bmjrPTlm6_2sgVt7hMZOPfL2M"
_releases = table_of(LoginReleaseRow)


@pytest.fixture
def gateway() -> Iterator[Gateway]:
    server = Gateway()
    try:
        yield server
    finally:
        server.stop()


def _cancelled(clinic: Yinsi) -> str:
    subject = clinic.vault.create_subject(actor=APP)
    accept_policy(clinic, subject)
    clinic.rights.link_external_login(subject=subject, provider="wechat", identifier=OPENID, actor=APP)
    clinic.rights.link_external_login(subject=subject, provider="weibo", identifier="wb-1001", actor=APP)
    done = clinic.rights.file(subject=subject, kind=RequestType.CANCEL_ACCOUNT, filing=Filing(), by=subject)
    assert done.answer is not None
    assert done.answer["third_party_logins_released"] == ["wechat", "weibo"]
    return subject


def test_cancellation_sends_each_login_release_to_the_gateway_once_and_wipes_the_identifier(
    clinic: Yinsi, gateway: Gateway, backend: Backend, clock: Clock
) -> None:
    subject = _cancelled(clinic)
    with clinic.engine.connect() as connection:
        queued = connection.execute(select(_releases).where(_releases.c.subject_id == subject)).all()
    assert {r.status for r in queued} == {"pending"}
    assert all(OPENID.encode() not in bytes(r.sealed_identifier) for r in queued)  # sealed, not in the clear

    gateway.answer(503)  # the first try of the first release fails once, then succeeds on retry
    with WebhookMessageSender(gateway.url, timeout=5, backoff=0) as sender:
        done = LoginReleases(clinic.services.context, MessageLoginReleaser(sender)).deliver_pending()
        assert (done.sent, done.failed) == (2, 0)
        assert (
            LoginReleases(clinic.services.context, MessageLoginReleaser(sender)).deliver_pending().sent == 0
        )  # sent once only
    bodies = [r.json for r in gateway.requests]
    assert [(b["channel"], b["to"], b["tags"]["provider"]) for b in bodies[1:]] == [
        ("login_release", OPENID, "wechat"),
        ("login_release", "wb-1001", "weibo"),
    ]
    with clinic.engine.connect() as connection:
        after = connection.execute(select(_releases).where(_releases.c.subject_id == subject)).all()
    assert {(r.status, r.sealed_identifier) for r in after} == {("sent", None)}
    actions = [e["action"] for e in clinic.audit.events(clinic.engine, subject=subject, limit=50)]
    assert actions.count("third-party-login-released") == 2
    assert "third-party-login-release-queued" in actions


def test_a_gateway_that_refuses_leaves_the_release_for_a_retry(clinic: Yinsi, gateway: Gateway) -> None:
    _cancelled(clinic)
    gateway.answer(400, 400)
    with WebhookMessageSender(gateway.url, timeout=5, backoff=0) as sender:
        assert LoginReleases(clinic.services.context, MessageLoginReleaser(sender)).deliver_pending().failed == 2
        assert (
            LoginReleases(clinic.services.context, MessageLoginReleaser(sender)).deliver_pending(retry_failed=True).sent
            == 2
        )


def test_the_scheduler_in_serve_sends_pending_releases_as_a_job(
    backend: Backend, clinic_policy: CompiledPolicy, gateway: Gateway, clock: Clock
) -> None:
    """``yinsi serve`` runs the jobs of the registry, and releases were not one of them: nothing sent them
    unless someone remembered ``yinsi sharing release-logins``. The job ``login-releases`` sends them."""
    assert "login-releases" in JOBS
    settings = backend.settings.model_copy(update={"login_release_webhook_url": gateway.url})
    clinic = open_yinsi(settings, migrate=False, policy=clinic_policy, now=clock)
    try:
        _cancelled(clinic)
        assert "login-releases" in Scheduler(clinic).round()
        assert [(r.json["to"], r.json["tags"]["provider"]) for r in gateway.requests] == [
            (OPENID, "wechat"),
            ("wb-1001", "weibo"),
        ]
        with clinic.engine.connect() as connection:
            assert set(connection.execute(select(_releases.c.status)).scalars()) == {"sent"}
        assert run_job(clinic, "login-releases").summary == {"sent": 0, "failed": 0}  # each sent once
    finally:
        clinic.close()
