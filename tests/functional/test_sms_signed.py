"""Every SMS yinsi sends opens with the operator's 【signature】: a Chinese carrier drops an unsigned one, and a
person cannot tell an unsigned message from a scam. The notifier signs them all in one place; this sweeps the
outbox after every journey that sends an SMS and checks each message, whatever sent it."""

from __future__ import annotations

from datetime import timedelta

from fastapi.testclient import TestClient

from tests.conftest import Clock
from tests.functional.test_lifecycle import PARTS
from tests.functional.test_minors import TEN_YEARS_OLD
from tests.integration.test_policy_versions import SPEC, publish, published, version
from tests.support.accounts import last_code, register
from yinsi.adapters.notify.console import open_outbox_message
from yinsi.api.app import create_app
from yinsi.bootstrap import Yinsi
from yinsi.services import incidents
from yinsi.services.transfers import TransferKind
from yinsi.services.vault import Actor

__all__ = ["published"]  # the fixture: the clinic's spec, published, so a new version can follow

APP = Actor("key:app", "clinic_app")
OFFICER = Actor("staff:dpo", "privacy_officer")
KINDS = {
    "login_code",
    "request_update",
    "guardian_link",
    "policy_change",
    "business_transfer",
    "incident",
    "shutdown",
}


def test_every_sms_of_every_journey_opens_with_the_signature(published: Yinsi, clock: Clock) -> None:
    signature = f"【{published.policy.current().spec.sms_signature()}】"
    with TestClient(create_app(published)) as client:
        adult = register(client, published, "13912345678")  # a login code
        filed = client.post("/v1/me/requests", json={"type": "explain", "fields": ["mobile"]}, headers=adult)
        assert filed.status_code == 201, filed.text  # its progress, by SMS
        clock.advance(seconds=61)
        child = register(client, published, "13912345600")
        child_id = published.accounts.authenticate(child["Authorization"].split()[1])
        published.vault.write(
            actor=APP, subject_id=child_id, purpose="real_name_visit", values={"id_number": TEN_YEARS_OLD}, source="app"
        )
        clock.advance(seconds=61)
        parent = register(client, published, "13800138000")
        clock.advance(seconds=61)
        asked = client.post("/v1/me/guardian", json={"guardian_phone": "13800138000"}, headers=child)
        assert asked.status_code == 202, asked.text  # the guardian's confirmation code
        linked = client.post("/v1/me/wards", json={"code": last_code(published)}, headers=parent)
        assert linked.json() == {"wards": [child_id]}

    changed = publish(published, version(SPEC, "2026-04").replace("电子通讯, en: Newsletter", "会员通讯, en: News"))
    assert changed.announcement_id is not None
    assert published.announcements.deliver(announcement_id=changed.announcement_id) > 0
    published.services.transfers.announce(
        kind=TransferKind.ACQUISITION,
        controller_name="新健康科技有限公司",
        controller_contact="400-123-4567",
        actor=OFFICER,
    )
    recorded = published.incidents.record(
        kind=incidents.IncidentKind.LEAK,
        confirmed=True,
        discovered_at=clock(),
        occurred_at=None,
        selection=incidents.Selection(["mobile"]),
        contents=PARTS,
        actor=OFFICER,
    )
    published.incidents.draft(incident_id=recorded["id"], actor=OFFICER)
    assert published.incidents.notify(incident_id=recorded["id"], actor=OFFICER)["messages"] > 0
    assert published.shutdown.schedule(at=clock() + timedelta(days=16), actor=OFFICER)["messages"] > 0

    secret = published.keyring.secret("outbox")
    sent = [open_outbox_message(secret, entry.sealed) for entry in published.outbox.latest(None, "sms")]
    assert {m.tags.get("kind") for m in sent} >= KINDS
    unsigned = sorted({str(m.tags.get("kind")) for m in sent if not m.body.startswith(signature)})
    assert unsigned == []
    assert not [m for m in sent if m.body.startswith(signature * 2)]  # signed once
