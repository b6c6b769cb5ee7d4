"""After collection, end to end on SQLite and PostgreSQL: security incidents from record to report,
statistics that never single anyone out, and the service's shutdown."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from itertools import combinations
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from tests.conftest import EXAMPLES, Backend, Clock
from tests.integration.test_retention import APP, LIFECYCLE, customer, held
from tests.support.consent import accept_policy
from tests.support.http import staff_session
from yinsi.adapters.db.rows import AuditEventRow, table_of
from yinsi.adapters.notify.console import open_outbox_message
from yinsi.api.app import create_app
from yinsi.bootstrap import Yinsi, open_yinsi
from yinsi.core.deadlines import midnight_in_china
from yinsi.core.errors import BadRequest, Conflict
from yinsi.core.policy.compiled import CompiledPolicy
from yinsi.core.policy.load import load_policy_file
from yinsi.jobs import run_job
from yinsi.services import incidents
from yinsi.services.collection import CollectionStopped
from yinsi.services.vault import Actor

_events = table_of(AuditEventRow)
OPERATOR = Actor("operator:test", "operator")
PARTS = {
    "situation_and_impact": {
        "zh-CN": "一台服务器的访问密钥泄露，您的手机号可能被读取。",
        "en": "A server key leaked; your number may have been read.",
    },
    "cause": {"zh-CN": "密钥误提交到公开仓库。", "en": "The key was committed to a public repository."},
    "measures_taken": {"zh-CN": "已吊销密钥并轮换。", "en": "The key was revoked and rotated."},
    "self_protection_advice": {"zh-CN": "请警惕冒充我们的来电。", "en": "Beware of calls pretending to be us."},
    "remedies": {"zh-CN": "如有损失可联系我们赔偿。", "en": "Contact us for compensation of any loss."},
}


def _compiled(path: Any) -> CompiledPolicy:
    result = load_policy_file(path)
    assert result.spec is not None
    return CompiledPolicy.from_spec(result.spec)


@pytest.fixture(scope="module")
def lifecycle_policy() -> CompiledPolicy:
    return _compiled(LIFECYCLE)


@pytest.fixture
def shop(backend: Backend, lifecycle_policy: CompiledPolicy, clock: Clock) -> Iterator[Yinsi]:
    instance = open_yinsi(backend.settings, migrate=False, policy=lifecycle_policy, now=clock)
    yield instance
    instance.close()


@pytest.fixture
def client(shop: Yinsi) -> Iterator[TestClient]:
    with TestClient(create_app(shop), raise_server_exceptions=False) as test_client:
        yield test_client


def audit_text(yinsi: Yinsi) -> str:
    with yinsi.engine.connect() as connection:
        return "\n".join(connection.execute(select(_events.c.body)).scalars())


def sms_sent(yinsi: Yinsi) -> list[Any]:
    secret = yinsi.keyring.secret("outbox")
    return [open_outbox_message(secret, m.sealed) for m in yinsi.outbox.latest(None, "sms")]


# --------------------------------------------------------------------------- incidents


def test_an_incident_from_record_to_report(shop: Yinsi, client: TestClient, clock: Clock) -> None:
    read, also_read, untouched = customer(shop), customer(shop), customer(shop)
    leaked = Actor("key:leaked", "shop_app")
    for subject in (read, also_read):
        shop.vault.read(actor=leaked, subject_id=subject, purpose="account")
    shop.vault.read(actor=APP, subject_id=untouched, purpose="account")  # read, but not with the leaked key
    officer = staff_session(client, shop, "privacy_officer")
    window = {
        "accessed_from": (clock() - timedelta(minutes=5)).isoformat(),
        "accessed_to": (clock() + timedelta(minutes=5)).isoformat(),
    }
    body = {"kind": "leak", "confirmed": True, "discovered_at": clock().isoformat(), "fields": ["mobile"]}
    created = client.post("/v1/staff/incidents", headers=officer, json={**body, **window, "accessed_by": "key:leaked"})
    assert created.status_code == 201, created.text
    incident = created.json()
    assert incident["affected"] == 2

    refused = client.post(f"/v1/staff/incidents/{incident['id']}/draft", headers=officer)
    assert refused.status_code == 400  # nothing of the notice is written yet
    assert "situation_and_impact" in refused.text
    patched = client.patch(f"/v1/staff/incidents/{incident['id']}", headers=officer, json={"contents": PARTS})
    assert patched.status_code == 200, patched.text
    clock.advance(minutes=10)
    notice = client.post(f"/v1/staff/incidents/{incident['id']}/draft", headers=officer).json()
    for part in (
        "手机号",
        "已吊销密钥并轮换",
        "请警惕冒充我们的来电",
        "如有损失可联系我们赔偿",
        "privacy@shop.example",
    ):
        assert part in notice["zh-CN"]
    assert "Mobile" in notice["en"]
    assert "privacy@shop.example" in notice["en"]

    clock.advance(minutes=10)
    sent = client.post(f"/v1/staff/incidents/{incident['id']}/notify", headers=officer, json={}).json()
    assert sent == {"messages": 2, "reached": 2, "unreached": 0, "announcement": None}
    messages = [m for m in sms_sent(shop) if m.tags.get("kind") == "incident"]
    assert len(messages) == 2
    assert all(m.body.startswith("【测试商店隐私政策】") or m.body.startswith("【") for m in messages)
    again = client.post(f"/v1/staff/incidents/{incident['id']}/notify", headers=officer, json={})
    assert again.status_code == 409  # told once

    clock.advance(minutes=10)
    report = client.post(f"/v1/staff/incidents/{incident['id']}/report", headers=officer).json()
    assert report["affected_subjects"] == 2
    assert report["notice_sent"] is True
    assert report["fields"][0]["field"] == "mobile"
    shown = client.get(f"/v1/staff/incidents/{incident['id']}", headers=officer).json()
    stamps = [shown[k] for k in ("recorded_at", "drafted_at", "notified_at", "reported_at")]
    assert all(stamps)
    assert stamps == sorted(stamps)  # each step timestamped, in order
    clock.advance(seconds=1)
    second = client.post("/v1/staff/incidents", headers=officer, json={**body, "fields": ["mobile"]})
    assert second.status_code == 201, second.text
    page = client.get("/v1/staff/incidents", params={"limit": 1}, headers=officer).json()
    assert [i["id"] for i in page["incidents"]] == [second.json()["id"]]  # newest first
    rest = client.get("/v1/staff/incidents", params={"limit": 1, "cursor": page["next_cursor"]}, headers=officer)
    assert [i["id"] for i in rest.json()["incidents"]] == [incident["id"]]
    assert rest.json()["next_cursor"] is None

    trail = audit_text(shop)
    for action in ("incident-recorded", "incident-notice-drafted", "incident-notified", "incident-reported"):
        assert action in trail
    assert "13812345678" not in trail
    assert "密钥误提交" not in trail  # the notice's text is on the incident, not in the audit trail


def test_a_service_key_cannot_manage_incidents(client: TestClient, shop: Yinsi) -> None:
    from tests.support.http import api_key

    response = client.get("/v1/staff/incidents", headers=api_key(shop, "shop_app"))
    assert response.status_code == 401


def test_seed_000_incident_unreachable_people_get_an_announcement(backend: Backend, clock: Clock) -> None:
    """Seed 000 tells people by e-mail, letter, phone or push and falls back to an announcement; nobody here
    has an e-mail address yinsi could write to, so everyone is covered by the announcement."""
    seed = open_yinsi(
        backend.settings, migrate=False, policy=_compiled(EXAMPLES / "000_32df281e24e1e7b0.yaml"), now=clock
    )
    try:
        crm = Actor("key:crm", "crm_service")
        subjects = []
        for i in range(3):
            subject = seed.vault.create_subject(actor=crm)
            accept_policy(seed, subject)
            seed.vault.write(
                actor=crm, subject_id=subject, purpose="signup", values={"mobile": f"1391234000{i}"}, source="app"
            )
            subjects.append(subject)
        officer = Actor("staff:dpo", "privacy_officer")
        recorded = seed.incidents.record(
            kind=incidents.IncidentKind.LEAK,
            confirmed=False,
            discovered_at=clock(),
            occurred_at=None,
            selection=incidents.Selection(["mobile"]),
            contents={k: v for k, v in PARTS.items() if k != "remedies"},
            actor=officer,
        )
        assert recorded["affected"] == 3
        with pytest.raises(BadRequest):  # seed 000 promises remedies in every notice
            seed.incidents.draft(incident_id=recorded["id"], actor=officer)
        seed.incidents.complete(incident_id=recorded["id"], contents={"remedies": PARTS["remedies"]}, actor=officer)
        notice = seed.incidents.draft(incident_id=recorded["id"], actor=officer)
        assert "可能发生" in notice["zh-CN"]  # a possible incident says so
        done = seed.incidents.notify(incident_id=recorded["id"], actor=officer)
        assert done["reached"] == 0
        assert done["unreached"] == 3
        assert done["announcement"] is not None
    finally:
        seed.close()


class TickingClock:
    """A clock that moves a microsecond each time it is read, as the real one does: two reads never agree."""

    def __init__(self) -> None:
        self.moment = datetime.now(UTC)

    def __call__(self) -> datetime:
        self.moment += timedelta(microseconds=1)
        return self.moment


def test_seed_000_incident_report_and_notice_say_each_thing_once(backend: Backend) -> None:
    """The report's ``reported_at`` is the instant stored on the incident (it read the clock twice), the
    notice names the officer's telephone once (it also printed it again as a contact channel), and a
    discovery or an occurrence in the future is refused in plain words."""
    seed = open_yinsi(
        backend.settings,
        migrate=False,
        policy=_compiled(EXAMPLES / "000_32df281e24e1e7b0.yaml"),
        now=TickingClock(),
    )
    try:
        officer = Actor("staff:dpo", "privacy_officer")
        later = datetime(2030, 1, 1, tzinfo=UTC)
        for discovered, occurred, field in (
            (later, None, "discovered_at"),
            (later.replace(year=2020), later, "occurred_at"),
        ):
            with pytest.raises(BadRequest) as refused:
                seed.incidents.record(
                    kind=incidents.IncidentKind.LEAK,
                    confirmed=True,
                    discovered_at=discovered,
                    occurred_at=occurred,
                    selection=incidents.Selection(["mobile"]),
                    contents=PARTS,
                    actor=officer,
                )
            assert refused.value.field == field
            assert "2030-01-01" in refused.value.message.zh
            assert "future" in refused.value.message.en
        recorded = seed.incidents.record(
            kind=incidents.IncidentKind.LEAK,
            confirmed=True,
            discovered_at=datetime.now(UTC) - timedelta(hours=1),
            occurred_at=datetime.now(UTC) - timedelta(days=1),
            selection=incidents.Selection(["mobile"]),
            contents=PARTS,
            actor=officer,
        )
        notice = seed.incidents.draft(incident_id=recorded["id"], actor=officer)
        contact = seed.policy.current().spec.contact.dpo
        assert contact is not None
        assert contact.contact
        for lang in ("zh-CN", "en"):
            assert notice[lang].count(contact.contact) == 1, notice[lang]
        report = seed.incidents.report(incident_id=recorded["id"], actor=officer)
        assert report["reported_at"] == seed.incidents.show(incident_id=recorded["id"])["reported_at"]
        assert report["contact"]["zh-CN"].count(contact.contact) == 1
    finally:
        seed.close()


# --------------------------------------------------------------------------- statistics


def _population(shop: Yinsi) -> list[str]:
    people = [("1990-03-01", "上海市黄浦区一路1号")] * 6 + [("1996-07-01", "北京市朝阳区二路2号")] * 4
    people += [("2016-01-01", "上海市浦东新区三路3号"), ("1950-01-01", "广东省深圳市南山区四路4号")]
    subjects = []
    for born, address in people:
        subject = shop.vault.create_subject(actor=APP)
        shop.vault.write(
            actor=APP,
            subject_id=subject,
            purpose="survey",
            values={"birth_date": born, "address": address},
            source="app",
        )
        subjects.append(subject)
    return subjects


def test_statistics_never_reveal_a_small_group_even_by_differencing(shop: Yinsi) -> None:
    subjects = _population(shop)
    viewer = Actor("staff:analyst", "privacy_officer")
    k = 3
    tables = {q: shop.statistics.counts(dimensions=q, actor=viewer) for q in shop.statistics.allowed_queries()}
    assert ("age_band",) in tables
    assert ("age_band", "city") in tables
    people = tables[("age_band",)].people
    assert people == len(subjects)
    for query, table in tables.items():
        text = json.dumps(table.as_json(), ensure_ascii=False)
        assert all(s not in text for s in subjects)
        assert all(c["count"] is None or c["count"] >= k for c in table.cells)
        if len(query) == 1 and query[0] in ("age_band", "city"):
            hidden = people - sum(c["count"] or 0 for c in table.cells)
            assert not 0 < hidden < k, (query, hidden)
    for a, b in combinations(["age_band", "city"], 2):
        pair = tables[(a, b)]
        for dim in (a, b):
            margins = {c[dim]: c["count"] for c in tables[(dim,)].cells}
            for value, total in margins.items():
                if total is None:
                    continue
                shown = sum(c["count"] or 0 for c in pair.cells if c[dim] == value)
                assert not 0 < total - shown < k, (dim, value, total, shown)
    age = {c["age_band"]: c["count"] for c in tables[("age_band",)].cells}
    assert age["35-44"] == 6  # the large group is shown
    assert age["0-13"] is None  # the child is not, nor could it be worked out
    assert "深圳" not in json.dumps(tables[("city",)].as_json(), ensure_ascii=False)  # one person: not even named


def test_noisy_counts_where_the_spec_asks_for_them(backend: Backend, clock: Clock) -> None:
    from yinsi.core.policy.load import load_policy_text

    text = LIFECYCLE.read_text(encoding="utf-8").replace("min_group_size: 3", "min_group_size: 3\n  noise_epsilon: 0.5")
    loaded = load_policy_text(text, "noisy")
    assert loaded.spec is not None
    noisy = open_yinsi(backend.settings, migrate=False, policy=CompiledPolicy.from_spec(loaded.spec), now=clock)
    try:
        _population(noisy)
        viewer = Actor("staff:analyst", "privacy_officer")
        runs = [noisy.statistics.counts(dimensions=["age_band"], actor=viewer) for _ in range(8)]
        shown = [tuple(c["count"] for c in run.cells) for run in runs]
        assert all(n is None or n >= 3 for row in shown for n in row)
        assert len(set(shown)) > 1  # the counts carry noise: eight runs do not all agree
        assert '"epsilon":0.5' in audit_text(noisy)
    finally:
        noisy.close()


def test_statistics_over_http_and_only_declared_dimensions(shop: Yinsi, client: TestClient) -> None:
    _population(shop)
    officer = staff_session(client, shop, "privacy_officer")
    ok = client.get("/v1/staff/anonymous-statistics", params=[("by", "city")], headers=officer)
    assert ok.status_code == 200, ok.text
    cities = {c["city"] for c in ok.json()["cells"]}
    assert "上海市" in cities
    assert "深圳市" not in cities  # one person there: suppressed, and not even named
    refused = client.get("/v1/staff/anonymous-statistics", params=[("by", "mobile")], headers=officer)
    assert refused.status_code == 400
    assert "age_band" in refused.text
    three = client.get(
        "/v1/staff/anonymous-statistics",
        params=[("by", "city"), ("by", "purpose"), ("by", "age_band")],
        headers=officer,
    )
    assert three.status_code in (400, 422)


# --------------------------------------------------------------------------- shutdown


def test_a_shutdown_announced_stopped_and_carried_out(shop: Yinsi, client: TestClient, clock: Clock) -> None:
    people = [customer(shop) for _ in range(3)]
    shop.retention.place_hold(subject=people[0], reason="案件 7", actor=OPERATOR)
    with pytest.raises(BadRequest) as too_soon:
        shop.shutdown.schedule(at=clock() + timedelta(days=10), actor=OPERATOR)
    assert "15 days" in too_soon.value.message.en
    first = shop.shutdown.schedule(at=clock() + timedelta(days=16), actor=OPERATOR)
    assert first["reached"] == 3
    assert len([m for m in sms_sent(shop) if m.tags.get("kind") == "shutdown"]) == 3
    with pytest.raises(Conflict):
        shop.shutdown.schedule(at=clock() + timedelta(days=20), actor=OPERATOR)
    shop.shutdown.cancel(actor=OPERATOR)
    assert client.get("/v1/shutdown").json()["scheduled"] is False
    at = clock() + timedelta(days=15, hours=1)
    shop.shutdown.schedule(at=at, actor=OPERATOR)
    assert client.get("/v1/shutdown").json()["scheduled"] is True

    clock.advance(days=15)  # an hour before: collection goes on, the job waits
    shop.vault.write(actor=APP, subject_id=people[1], purpose="account", values={"email": "a@b.example"}, source="app")
    assert run_job(shop, "shutdown").summary["done"] is False

    clock.advance(hours=1)
    with pytest.raises(CollectionStopped):
        shop.vault.write(
            actor=APP, subject_id=people[1], purpose="account", values={"email": "c@d.example"}, source="app"
        )
    with pytest.raises(CollectionStopped):
        shop.vault.create_subject(actor=APP)
    refused = client.post("/v1/subjects", headers={"Authorization": "Bearer nothing"})
    assert refused.status_code in (401, 409)
    with pytest.raises(Conflict):
        shop.shutdown.cancel(actor=OPERATOR)

    done = run_job(shop, "shutdown")
    assert done.summary["done"] is True
    assert done.summary["erased"] == 2
    assert done.summary["held_subjects"] == 1
    assert held(shop, people[1]) == set()
    assert held(shop, people[2]) == set()
    assert "mobile" in held(shop, people[0])  # under a legal hold: kept, restricted to storage
    assert shop.shutdown.state()["status"] == "completed"
    assert run_job(shop, "shutdown").summary["erased"] == 0  # nothing more, and no second final record
    trail = audit_text(shop)
    assert trail.count('"service-shut-down"') == 1
    assert "shutdown-scheduled" in trail
    assert "shutdown-cancelled" in trail
    assert shop.audit.verify(shop.engine).ok


@pytest.mark.parametrize("hour", [0, 1, 16, 23])
def test_a_refused_shutdown_names_the_first_date_it_accepts(backend: Backend, clock: Clock, hour: int) -> None:
    """``yinsi shutdown --at 2026-12-20`` on 5 December (15 days' notice) once named 2026-12-20 itself and
    refused it: a date means midnight in Beijing, which is earlier than fifteen days from now. The date named
    is now the first one accepted, the day before it is refused, and the Chinese text is all Chinese."""
    clock.moment = datetime(2026, 12, 5, hour, 35, tzinfo=UTC)
    seed = open_yinsi(
        backend.settings, migrate=False, policy=_compiled(EXAMPLES / "000_32df281e24e1e7b0.yaml"), now=clock
    )
    try:
        with pytest.raises(BadRequest) as refused:
            seed.shutdown.schedule(at=midnight_in_china(date(2026, 12, 20)), actor=OPERATOR)
        found = re.search(r"(\d{4}-\d{2}-\d{2}) \(Beijing time\) at the earliest", refused.value.message.en)
        assert found is not None, refused.value.message.en
        named = date.fromisoformat(found.group(1))
        assert named.isoformat() in refused.value.message.zh
        assert "15 天" in refused.value.message.zh
        assert not re.search(r"\bdays?\b", refused.value.message.zh), refused.value.message.zh
        with pytest.raises(BadRequest):
            seed.shutdown.schedule(at=midnight_in_china(named - timedelta(days=1)), actor=OPERATOR)
        done = seed.shutdown.schedule(at=midnight_in_china(named), actor=OPERATOR)
        assert done["effective_at"].startswith((named - timedelta(days=1)).isoformat())  # 16:00 UTC the day before
    finally:
        seed.close()


def test_seed_000_needs_fifteen_days_notice(backend: Backend, clock: Clock) -> None:
    seed = open_yinsi(
        backend.settings, migrate=False, policy=_compiled(EXAMPLES / "000_32df281e24e1e7b0.yaml"), now=clock
    )
    try:
        with pytest.raises(BadRequest):
            seed.shutdown.schedule(at=clock() + timedelta(days=14, hours=23), actor=OPERATOR)
        done = seed.shutdown.schedule(at=clock() + timedelta(days=15), actor=OPERATOR)
        assert done["announcement"] is not None
    finally:
        seed.close()
