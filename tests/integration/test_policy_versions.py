"""Publishing policy versions: a material change waits for each person's acceptance; a minor one is announced."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select

from tests.conftest import ROOT, Backend, Clock
from tests.support.consent import accept_policy, act
from yinsi.adapters.db.rows import AnnouncementRow, table_of
from yinsi.bootstrap import Yinsi, open_yinsi
from yinsi.core.errors import AccessDenied, Conflict
from yinsi.services import policies
from yinsi.services.consent import Kind
from yinsi.services.vault import Actor

APP = Actor("key:app", "clinic_app")
MARKETING = Actor("key:m", "marketing")
SPEC = (ROOT / "tests" / "fixtures" / "clinic.yaml").read_text(encoding="utf-8")


def version(text: str, label: str) -> str:
    return text.replace('version: "2026-01"', f'version: "{label}"', 1)


@pytest.fixture
def published(backend: Backend, tmp_path: Path, clock: Clock) -> Iterator[Yinsi]:
    path = tmp_path / "clinic.yaml"
    path.write_text(SPEC, encoding="utf-8")
    settings = backend.settings.model_copy(update={"policy_path": path})
    instance = open_yinsi(settings, migrate=False, now=clock)
    yield instance
    instance.close()


def publish(yinsi: Yinsi, text: str) -> policies.Published:
    done = yinsi.services.policies.publish(text=text, actor="test")
    yinsi.policy.current()  # this process picks it up (others within a second)
    assert yinsi.policy.sync is not None
    yinsi.policy.sync.refresh()
    return done


def newsletter_reader(yinsi: Yinsi) -> str:
    subject = yinsi.vault.create_subject(actor=APP)
    accept_policy(yinsi, subject)
    act(yinsi, subject, Kind.PURPOSE, "newsletter")
    act(yinsi, subject, Kind.PERSONALISATION, "all")
    yinsi.vault.write(
        actor=APP, subject_id=subject, purpose="newsletter", values={"email": "a@example.com"}, source="app"
    )
    yinsi.vault.write(actor=APP, subject_id=subject, purpose="registration", values={"name": "张三"}, source="app")
    return subject


def test_the_first_version_is_published_at_start(published: Yinsi) -> None:
    assert published.policy.current().version == "2026-01"
    assert [r["version"] for r in published.services.policies.history()] == ["2026-01"]


def test_a_minor_change_is_announced_and_changes_nothing_for_anyone(published: Yinsi) -> None:
    subject = newsletter_reader(published)
    reworded = version(SPEC, "2026-02").replace("电子通讯, en: Newsletter", "会员通讯, en: Member newsletter")
    done = publish(published, reworded)
    assert (done.version, done.material) == ("2026-02", False)
    assert published.vault.read(actor=MARKETING, subject_id=subject, purpose="newsletter").values
    with published.engine.connect() as connection:
        notice = connection.execute(select(table_of(AnnouncementRow))).one()
    assert (notice.material, notice.policy_version) == (False, "2026-02")


def test_a_material_change_pauses_consent_based_processing_until_accepted(
    published: Yinsi, backend: Backend, clock: Clock
) -> None:
    subject = newsletter_reader(published)
    before = published.services.ledger.state(subject_id=subject)
    added = version(SPEC, "2026-03").replace(
        "  network_logs:\n    label: {zh-CN: 网络日志",
        "  surveys:\n    label: {zh-CN: 满意度调查, en: Satisfaction surveys}\n    function: additional\n"
        "    legal_basis: consent\n    fields: [email]\n    retention: {period: 1 years}\n"
        "  network_logs:\n    label: {zh-CN: 网络日志",
    )
    done = publish(published, added)
    assert done.material
    assert done.diff is not None
    assert [k.value for k in done.diff.material_kinds] == ["service_model"]

    with pytest.raises(AccessDenied) as paused:
        published.vault.read(actor=MARKETING, subject_id=subject, purpose="newsletter")
    assert paused.value.code == "policy_reconsent_required"
    # Processing that does not rest on consent goes on.
    assert published.vault.read(actor=APP, subject_id=subject, purpose="registration").values["name"] == "张三"
    # Another process sees the new version as soon as it looks, and refuses too.
    other = open_yinsi(backend.settings, migrate=False, now=clock)
    try:
        assert other.policy.current().version == "2026-03"
        with pytest.raises(AccessDenied):
            other.vault.read(actor=MARKETING, subject_id=subject, purpose="newsletter")
    finally:
        other.close()

    accept_policy(published, subject)  # the person accepts 2026-03
    assert published.vault.read(actor=MARKETING, subject_id=subject, purpose="newsletter").values
    with published.engine.connect() as connection:
        after = published.services.ledger.state_in(connection, subject)
        notice = connection.execute(select(table_of(AnnouncementRow))).one()
    # The person's own choices were never changed by the new version.
    assert {k: v for k, v in after.items() if k[0] != "policy"} == {k: v for k, v in before.items() if k[0] != "policy"}
    assert notice.material is True
    assert "service_model" in notice.summary_en


def test_a_version_label_cannot_be_reused_and_an_identical_spec_publishes_nothing(published: Yinsi) -> None:
    assert publish(published, SPEC).unchanged
    with pytest.raises(Conflict):
        publish(published, SPEC.replace("测试诊所隐私政策", "测试诊所隐私政策（修订）"))


def test_a_change_is_announced_through_the_specs_channels(published: Yinsi, clock: Clock) -> None:
    from fastapi.testclient import TestClient

    from tests.support.accounts import register
    from yinsi.adapters.notify.console import open_outbox_message
    from yinsi.api.app import create_app

    with TestClient(create_app(published)) as client:
        for phone in ("13912345678", "13800138000"):
            register(client, published, phone)
            clock.advance(seconds=61)
        done = publish(published, version(SPEC, "2026-04").replace("电子通讯, en: Newsletter", "会员通讯, en: News"))
        assert done.announcement_id is not None
        sent = published.announcements.deliver(announcement_id=done.announcement_id)
        assert sent == 2  # the spec's channels are popup and sms: one SMS to each account; pop-ups are the apps'
        feed = client.get("/v1/announcements").json()["announcements"]
    assert feed[0]["policy_version"] == "2026-04"
    assert feed[0]["recipients"] == 2
    assert feed[0]["channels"] == ["popup", "sms"]
    bodies = [open_outbox_message(published.keyring.secret("outbox"), e.sealed) for e in published.outbox.latest(2)]
    assert {m.to for m in bodies} == {"13912345678", "13800138000"}
    assert all("2026-04" in m.body for m in bodies)
