"""Each right from start to finish over HTTP: the person's side, the services' side, the privacy officer's side."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date
from typing import Any

import pyotp
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from tests.conftest import Clock
from tests.support.accounts import register
from tests.support.consent import SHOWN
from tests.support.http import api_key
from yinsi.adapters.db.rows import AuditEventRow, RecipientNoticeRow, table_of
from yinsi.api.app import create_app
from yinsi.bootstrap import Yinsi
from yinsi.core.deadlines import due_date, today_in_china
from yinsi.core.errors import Forbidden, NotFound
from yinsi.core.export import read_export
from yinsi.core.policy.types import Duration
from yinsi.core.ports import Message
from yinsi.services.notices.to_recipients import Delivery, RecipientNotices
from yinsi.services.notifier import Notifier
from yinsi.services.vault import Actor

APP = Actor("key:app", "clinic_app")
PHONE, OTHER = "13912345678", "13800138000"


@pytest.fixture
def client(clinic: Yinsi) -> Iterator[TestClient]:
    with TestClient(create_app(clinic), raise_server_exceptions=False) as test_client:
        yield test_client


@pytest.fixture
def person(client: TestClient, clinic: Yinsi) -> dict[str, str]:
    headers = register(client, clinic, PHONE)
    subject = clinic.accounts.authenticate(headers["Authorization"].split()[1])
    clinic.vault.write(
        actor=APP,
        subject_id=subject,
        purpose="registration",
        values={"name": "张三丰", "email": "zsf@example.com"},
        source="clinic-app",
    )
    clinic.vault.write(
        actor=APP,
        subject_id=subject,
        purpose="real_name_visit",
        values={"id_number": "11010519491231002X"},
        source="clinic-app",
    )
    return {**headers, "subject": subject}


def auth(person: dict[str, str]) -> dict[str, str]:
    return {"Authorization": person["Authorization"]}


def file(client: TestClient, person: dict[str, str], **body: Any) -> dict[str, Any]:
    response = client.post("/v1/me/requests", json=body, headers=auth(person))
    assert response.status_code == 201, response.text
    return dict(response.json())


def officer(
    clinic: Yinsi, client: TestClient, clock: Clock, username: str = "dpo.li", role: str = "privacy_officer"
) -> dict[str, str]:
    created = clinic.staff.create(username=username, role=role, password="a long staff password", issuer="test")
    code = pyotp.TOTP(created.totp_secret).at(clock())
    login = client.post(
        "/v1/staff/login", json={"username": username, "password": "a long staff password", "code": code}
    )
    assert login.status_code == 200, login.text
    return {"Authorization": f"Bearer {login.json()['token']}"}


def states(request: dict[str, Any]) -> list[str]:
    return [h["to"] for h in request["history"]]


def test_access_answers_at_once_masked_with_purpose_basis_retention_recipients(
    client: TestClient, person: dict[str, str], clinic: Yinsi
) -> None:
    done = file(client, person, type="access")
    assert done["state"] == "completed"
    assert states(done) == ["received", "verified", "completed"]
    fields = {f["field"]: f for f in done["answer"]["fields"]}
    assert fields["mobile"]["value"] == "139****5678"
    assert fields["id_number"]["value"] == "1101**********002X"
    assert fields["mobile"]["recipients"] == ["短信服务商"]
    assert fields["mobile"]["purposes"][0] == {
        "purpose": "registration",
        "label": "注册登录",
        "legal_basis": "contract",
    }
    assert fields["id_number"]["retain_until"] == "account_cancellation"
    expected = due_date(today_in_china(clinic.now()), Duration.parse("15 working days"))
    assert done["due_on"] == expected.due.isoformat()
    assert done["due_basis"] == "15 working days"
    followed = client.get(f"/v1/me/requests/{done['id']}", headers=auth(person)).json()
    assert followed["answer"]["fields"][0]["field"] == "mobile"


def test_copy_is_a_zip_only_its_owner_can_download_until_it_expires(
    client: TestClient, person: dict[str, str], clinic: Yinsi, clock: Clock
) -> None:
    done = file(client, person, type="copy")
    link = done["answer"]["download"]
    got = client.get(link, headers=auth(person))
    assert got.status_code == 200
    assert got.headers["content-type"] == "application/zip"
    documents = read_export(got.content)
    values = {v["field"]: v["value"] for v in documents["pi.json"]}
    assert values["mobile"] == PHONE  # the person's own copy holds whole values
    assert documents["consents.json"]
    assert documents["access_log.json"]
    clock.advance(seconds=61)
    stranger = register(client, clinic, OTHER)
    assert client.get(link, headers=stranger).json()["code"] == "not_found"
    assert client.get(link).json()["code"] == "unauthenticated"
    clock.advance(minutes=16)
    assert client.get(link, headers=auth(person)).json()["code"] == "not_found"


def test_correction_respects_fields_that_cannot_change(
    client: TestClient, person: dict[str, str], clinic: Yinsi
) -> None:
    fixed = file(client, person, type="correct", values={"mobile": "13700000000"})
    assert fixed["state"] == "refused"
    assert fixed["outcome"] == "field_immutable"
    assert (
        "cannot be changed"
        in client.get(f"/v1/me/requests/{fixed['id']}", headers={**auth(person), "Accept-Language": "en"}).json()[
            "outcome_text"
        ]
    )
    done = file(client, person, type="correct", values={"name": "张三"})
    assert done["state"] == "completed"
    assert clinic.vault.read(actor=APP, subject_id=person["subject"], purpose="registration").values["name"] == "张三"


def test_deletion_goes_at_once_unless_the_law_keeps_it(
    client: TestClient, person: dict[str, str], clinic: Yinsi
) -> None:
    done = file(client, person, type="delete", fields=["email"])
    assert (done["state"], done["answer"]) == ("completed", {"deleted": ["email"]})
    kept = file(client, person, type="delete", fields=["id_number"])
    assert (kept["state"], kept["outcome"]) == ("refused", "legal_retention_applies")
    with clinic.engine.connect() as connection:
        notices = connection.execute(select(table_of(RecipientNoticeRow))).all()
    assert notices == []  # the e-mail was never given to the SMS provider, so nobody needs telling


def test_withdrawal_through_a_request_takes_effect_at_once(
    client: TestClient, person: dict[str, str], clinic: Yinsi
) -> None:
    grant = {
        "kind": "purpose",
        "scope": "newsletter",
        "action": "grant",
        "text_hash": SHOWN,
        "language": "zh-CN",
        "channel": "app",
        "affirmative": True,
    }
    assert client.post("/v1/me/consents", json=grant, headers=auth(person)).status_code == 201
    done = file(client, person, type="withdraw", consent_kind="purpose", consent_scope="newsletter")
    assert done["state"] == "completed"
    with pytest.raises(Exception, match="withdrew"):
        clinic.vault.read(actor=Actor("key:m", "marketing"), subject_id=person["subject"], purpose="newsletter")


def test_explanation_is_generated_from_the_spec(client: TestClient, person: dict[str, str]) -> None:
    done = client.post(
        "/v1/me/requests",
        json={"type": "explain", "fields": ["mobile", "id_number"]},
        headers={**auth(person), "Accept-Language": "en"},
    ).json()
    texts = {f["field"]: f["text"] for f in done["answer"]["fields"]}
    assert set(texts) == {"mobile", "id_number"}
    assert "SMS provider" in texts["mobile"]


def test_cancellation_blocked_then_completed_and_everything_goes(
    client: TestClient, person: dict[str, str], clinic: Yinsi
) -> None:
    service = api_key(clinic, "clinic_app")
    subject = person["subject"]
    blocker = client.post(
        f"/v1/subjects/{subject}/blockers",
        headers=service,
        json={
            "kind": "wallet_balance",
            "label_zh": "钱包余额未使用",
            "label_en": "An unused wallet balance",
            "action_zh": "请先提现或使用余额",
            "action_en": "Withdraw or spend the balance first",
        },
    ).json()["id"]
    assert (
        client.put(
            f"/v1/subjects/{subject}/external-logins",
            headers=service,
            json={"provider": "wechat", "identifier": "o6_bmjrPTlm6_2sgVt7hMZOPfL2M"},
        ).status_code
        == 204
    )
    export = file(client, person, type="copy")["answer"]["download"]

    blocked = file(client, person, type="cancel_account")
    assert blocked["state"] == "in_progress"
    assert blocked["answer"]["blockers"][0]["what_to_do"]["en"] == "Withdraw or spend the balance first"
    assert client.get("/v1/me/blockers", headers=auth(person)).json()["blockers"][0]["kind"] == "wallet_balance"
    still = client.post(f"/v1/me/requests/{blocked['id']}/proceed", headers=auth(person)).json()
    assert still["state"] == "in_progress"

    assert client.delete(f"/v1/subjects/{subject}/blockers/{blocker}", headers=service).status_code == 204
    done = client.post(f"/v1/me/requests/{blocked['id']}/proceed", headers=auth(person)).json()
    assert done["state"] == "completed"
    assert done["answer"]["recipients_told"] == ["sms_gateway"]
    assert done["answer"]["third_party_logins_released"] == ["wechat"]

    # Afterwards: no role can read the PI, the session and the export link are dead, the audit trail holds.
    for role, purpose in (("clinic_app", "registration"), ("billing", "payment")):
        gone = client.get(f"/v1/subjects/{subject}/pi", params={"purpose": purpose}, headers=api_key(clinic, role))
        assert gone.json()["code"] == "subject_erased"
    assert client.get("/v1/me/consents", headers=auth(person)).json()["code"] == "unauthenticated"
    assert client.get(export, headers=auth(person)).json()["code"] == "unauthenticated"
    with pytest.raises(NotFound):  # not only the session: the link itself is dead
        clinic.rights.download(export_id=export.rsplit("/", 1)[-1], subject=subject)
    with clinic.engine.connect() as connection:
        notices = connection.execute(select(table_of(RecipientNoticeRow))).all()
        actions = [
            json.loads(b)["action"]
            for b in connection.execute(
                select(table_of(AuditEventRow).c.body).where(table_of(AuditEventRow).c.subject_id == subject)
            ).scalars()
        ]
    assert [(n.recipient, n.kind, n.channel, n.status) for n in notices] == [
        ("sms_gateway", "delete", "https://sms.example/delete", "pending")
    ]
    delivered: list[Message] = []

    overlapping: list[tuple[int, int]] = []

    def deliver_pending(notifier: Notifier) -> Delivery:
        notices = RecipientNotices(clinic.services.context, notifier, pseudonym_of=clinic.provisions.subject_pseudonym)
        return notices.deliver_pending()

    class Recipient:
        def send(self, message: Message) -> str:
            delivered.append(message)
            # Another run starting meanwhile finds the notice claimed, and sends nothing twice.
            again = deliver_pending(Notifier({"recipient": self}, self, sms_signature=lambda: "诊所"))
            overlapping.append((again.sent, again.failed))
            return "ack"

    done_notices = deliver_pending(Notifier({"recipient": Recipient()}, Recipient(), sms_signature=lambda: "诊所"))
    assert (done_notices.sent, done_notices.failed) == (1, 0)
    assert (len(delivered), overlapping) == (1, [(0, 0)])
    assert delivered[0].to == "https://sms.example/delete"
    assert subject in delivered[0].body  # the recipient knows the person by this id, and by nothing else
    for step in (
        "request-received",
        "request-verified",
        "request-in-progress",
        "cancellation-blocker-cleared",
        "recipients-told-to-delete",
        "account-cancelled",
        "subject-shredded",
        "request-completed",
    ):
        assert step in actions
    assert clinic.audit.verify(clinic.engine).ok


def test_complaints_and_review_by_the_privacy_officer(
    client: TestClient, person: dict[str, str], clinic: Yinsi, clock: Clock
) -> None:
    complaint = file(client, person, type="complain", text="客服泄露了我的手机号给第三方")
    assert complaint["state"] == "verified"
    assert complaint["due_basis"] == "15 days"  # the complaint deadline of the spec, calendar days
    dpo = officer(clinic, client, clock)
    queue = client.get("/v1/staff/requests", headers=dpo).json()["items"]
    assert [r["id"] for r in queue] == [complaint["id"]]
    seen = client.get(f"/v1/staff/requests/{complaint['id']}", headers=dpo).json()
    assert seen["payload"]["text"] == "客服泄露了我的手机号给第三方"
    assigned = client.post(f"/v1/staff/requests/{complaint['id']}/assign", json={"to": "dpo.li"}, headers=dpo)
    assert assigned.json()["assigned_to"] == "dpo.li"
    started = client.post(f"/v1/staff/requests/{complaint['id']}/actions", json={"action": "start"}, headers=dpo)
    assert started.json()["state"] == "in_progress"
    closed = client.post(f"/v1/staff/requests/{complaint['id']}/actions", json={"action": "complete"}, headers=dpo)
    assert closed.json()["state"] == "completed"
    again = client.post(
        f"/v1/staff/requests/{complaint['id']}/actions",
        json={"action": "refuse", "ground": "trade_secrets"},
        headers=dpo,
    )
    assert again.json()["code"] == "conflict"


def test_a_refusal_needs_a_ground_from_the_spec(
    client: TestClient, person: dict[str, str], clinic: Yinsi, clock: Clock
) -> None:
    restrict = file(client, person, type="restrict", purpose="newsletter")
    dpo = officer(clinic, client, clock)
    url = f"/v1/staff/requests/{restrict['id']}/actions"
    assert client.post(url, json={"action": "refuse"}, headers=dpo).json()["code"] == "bad_request"
    assert client.post(url, json={"action": "refuse", "ground": "because"}, headers=dpo).json()["code"] == "bad_request"
    refused = client.post(url, json={"action": "refuse", "ground": "trade_secrets"}, headers=dpo).json()
    assert (refused["state"], refused["outcome"], refused["outcome_text"]) == (
        "refused",
        "trade_secrets",
        "涉及商业秘密",
    )


def test_the_person_may_withdraw_an_open_request(client: TestClient, person: dict[str, str]) -> None:
    complaint = file(client, person, type="complain", text="算了")
    withdrawn = client.post(f"/v1/me/requests/{complaint['id']}/withdraw", headers=auth(person)).json()
    assert withdrawn["state"] == "withdrawn"
    again = client.post(f"/v1/me/requests/{complaint['id']}/withdraw", headers=auth(person)).json()
    assert again["code"] == "conflict"


def test_next_of_kin_files_with_proof_and_the_officer_decides(
    client: TestClient, person: dict[str, str], clinic: Yinsi, clock: Clock
) -> None:
    clock.advance(seconds=61)
    relative = register(client, clinic, OTHER)
    filed = client.post(
        "/v1/me/requests",
        headers=relative,
        json={
            "type": "next_of_kin",
            "deceased_phone": PHONE,
            "relationship": "child",
            "wants": "delete",
            "text": "死亡证明编号 2026-0001，户口簿显示为父子关系",
        },
    )
    assert filed.status_code == 201, filed.text
    request = filed.json()
    assert (request["state"], request["filed_by"]) == ("received", "relative")
    dpo = officer(clinic, client, clock)
    url = f"/v1/staff/requests/{request['id']}/actions"
    assert client.post(url, json={"action": "verify"}, headers=dpo).json()["state"] == "verified"
    assert client.post(url, json={"action": "complete"}, headers=dpo).json()["code"] == "bad_request"
    decided = client.post(url, json={"action": "complete", "decision": "approve"}, headers=dpo).json()
    assert (decided["state"], decided["outcome"]) == ("completed", "approved:delete")
    assert client.get(f"/v1/me/requests/{request['id']}", headers=relative).json()["state"] == "completed"
    gone = client.get(
        f"/v1/subjects/{person['subject']}/pi",
        params={"purpose": "registration"},
        headers=api_key(clinic, "clinic_app"),
    )
    assert gone.json()["code"] == "subject_erased"


def test_nobody_sees_or_touches_another_persons_requests(
    client: TestClient, person: dict[str, str], clinic: Yinsi, clock: Clock
) -> None:
    mine = file(client, person, type="complain", text="我的投诉")
    clock.advance(seconds=61)
    other = register(client, clinic, OTHER)
    for call in (
        lambda: client.get(f"/v1/me/requests/{mine['id']}", headers=other),
        lambda: client.post(f"/v1/me/requests/{mine['id']}/withdraw", headers=other),
        lambda: client.post(f"/v1/me/requests/{mine['id']}/proceed", headers=other),
    ):
        assert call().json()["code"] == "not_found"
    assert client.get("/v1/me/requests", headers=other).json() == {"items": [], "next_cursor": None}
    assert (
        client.post(
            "/v1/me/requests", headers=other, json={"type": "access", "on_behalf_of": person["subject"]}
        ).json()["code"]
        == "forbidden"
    )
    desk = officer(clinic, client, clock, "desk.wang", "front_desk")  # a staff role without request rights
    assert client.get("/v1/staff/requests", headers=desk).json()["code"] == "forbidden"
    assert (
        client.post(f"/v1/staff/requests/{mine['id']}/actions", json={"action": "start"}, headers=desk).json()["code"]
        == "forbidden"
    )
    assert client.get("/v1/staff/requests", headers=auth(person)).json()["code"] == "unauthenticated"


def test_excessive_repeats_get_a_fee_notice_never_silence(client: TestClient, person: dict[str, str]) -> None:
    results = [file(client, person, type="access") for _ in range(4)]
    assert [r["fee_notice"] for r in results] == [False, False, False, True]
    assert results[3]["details"]["fee_notice"] is True


def test_staff_logins_need_password_and_a_fresh_totp_code(client: TestClient, clinic: Yinsi, clock: Clock) -> None:
    created = clinic.staff.create(
        username="dpo.zhao",
        role="privacy_officer",
        password="another long password",
        issuer="test",
    )
    code = pyotp.TOTP(created.totp_secret).at(clock())
    body = {"username": "dpo.zhao", "password": "another long password", "code": code}
    assert client.post("/v1/staff/login", json=body).status_code == 200
    assert client.post("/v1/staff/login", json=body).json()["code"] == "staff_login_refused"  # replayed code
    clock.advance(seconds=30)
    wrong = {**body, "password": "wrong", "code": pyotp.TOTP(created.totp_secret).at(clock())}
    assert client.post("/v1/staff/login", json=wrong).json()["code"] == "staff_login_refused"


def test_overdue_requests_are_flagged(client: TestClient, person: dict[str, str], clinic: Yinsi, clock: Clock) -> None:
    complaint = file(client, person, type="complain", text="慢")
    clock.advance(days=40)
    dpo = officer(clinic, client, clock)  # (a staff session lasts a working day)
    assert (
        client.get("/v1/staff/requests", params={"overdue": True}, headers=dpo).json()["items"][0]["id"]
        == complaint["id"]
    )
    assert client.get("/v1/staff/statistics", headers=dpo).json()["overdue"] == 1
    assert date.fromisoformat(complaint["due_on"]) < today_in_china(clinic.now())


def test_a_copy_of_ten_thousand_entries_goes_through_the_whole_path(
    client: TestClient, person: dict[str, str], clinic: Yinsi
) -> None:
    from datetime import timedelta

    from sqlalchemy import insert

    from yinsi.adapters.db.rows import AccessLogRow
    from yinsi.core.sealing import seal_value

    subject = person["subject"]
    with clinic.engine.connect() as connection:
        key, version = clinic.keyring.data_key(connection, subject)  # type: ignore[misc]
    start = clinic.now() - timedelta(days=100)
    rows = [
        {
            "subject_id": subject,
            "key_version": version,
            "method": "sms_code",
            "login_at": start + timedelta(minutes=i),
            "logout_at": None,
            "sealed_address": seal_value(key, subject, "access_log.address", version, f"203.0.113.{i % 250}"),
        }
        for i in range(10_000)
    ]
    with clinic.engine.begin() as connection:
        connection.execute(insert(table_of(AccessLogRow)), rows)
    done = file(client, person, type="copy")
    documents = read_export(client.get(done["answer"]["download"], headers=auth(person)).content)
    assert len(documents["access_log.json"]) >= 10_000


def file_as_relative(client: TestClient, relative: dict[str, str], wants: str, **extra: Any) -> dict[str, Any]:
    filed = client.post(
        "/v1/me/requests",
        headers=relative,
        json={
            "type": "next_of_kin",
            "deceased_phone": PHONE,
            "relationship": "child",
            "wants": wants,
            "text": "死亡证明编号 2026-0001，户口簿显示为父子关系",
            **extra,
        },
    )
    assert filed.status_code == 201, filed.text
    return dict(filed.json())


def test_next_of_kin_copy_and_correction_are_carried_out_and_decided_only_with_that_right(
    client: TestClient, person: dict[str, str], clinic: Yinsi, clock: Clock
) -> None:
    clock.advance(seconds=61)
    relative = register(client, clinic, OTHER)
    copy = file_as_relative(client, relative, "copy")
    fix = file_as_relative(client, relative, "correct", values={"name": "张三峰"})
    clerk = officer(clinic, client, clock, "clerk.zhao", "request_clerk")  # handles requests, cannot decide these
    dpo = officer(clinic, client, clock)
    for request in (copy, fix):
        url = f"/v1/staff/requests/{request['id']}/actions"
        assert client.post(url, json={"action": "verify"}, headers=clerk).json()["state"] == "verified"
        refused = client.post(url, json={"action": "complete", "decision": "approve"}, headers=clerk)
        assert (refused.status_code, refused.json()["code"]) == (403, "forbidden")
        decided = client.post(url, json={"action": "complete", "decision": "approve"}, headers=dpo).json()
        assert decided["state"] == "completed", decided
    # The terminal asks for the same right: the check lives in the workflow, not in one entry point.
    later = file_as_relative(client, relative, "access")
    with pytest.raises(Forbidden):
        clinic.rights.act(request_id=later["id"], action="refuse", actor=Actor("staff:clerk.zhao", "request_clerk"))

    # The copy is the relative's to download (and nobody else's); the correction was made.
    link = client.get(f"/v1/me/requests/{copy['id']}", headers=relative).json()["answer"]["download"]
    archive = client.get(link, headers=relative)
    assert archive.status_code == 200
    names = {v["field"]: v["value"] for v in read_export(archive.content)["pi.json"]}
    assert names["name"] == "张三丰"  # the copy was made before the correction
    assert client.get(link, headers=auth(person)).json()["code"] == "not_found"
    assert clinic.vault.read(actor=APP, subject_id=person["subject"], purpose="registration").values["name"] == "张三峰"


def test_next_of_kin_filings_are_limited_per_relative_found_or_not(
    client: TestClient, person: dict[str, str], clinic: Yinsi, clock: Clock
) -> None:
    """So the form cannot be used to learn which phone numbers have an account."""
    clock.advance(seconds=61)
    relative = register(client, clinic, OTHER)
    body = {"type": "next_of_kin", "relationship": "child", "wants": "access", "text": "证明"}
    answers = [
        client.post("/v1/me/requests", headers=relative, json={**body, "deceased_phone": f"1370000000{i}"})
        for i in range(5)
    ]
    # Numbers without an account are filed like any other (see test_next_of_kin_privacy.py).
    assert {a.status_code for a in answers} == {201}
    sixth = client.post("/v1/me/requests", headers=relative, json={**body, "deceased_phone": PHONE})
    assert (sixth.status_code, sixth.json()["code"]) == (429, "rate_limited")
    clock.advance(days=1, seconds=1)
    assert client.post("/v1/me/requests", headers=relative, json={**body, "deceased_phone": PHONE}).status_code == 201
