"""Retention ends when the spec says, and short-lived things do not linger."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select

from tests.conftest import Clock
from tests.support.consent import accept_policy, act
from yinsi.adapters.db.rows import AuditEventRow, BlindIndexRow, LoginCodeRow, OutboxRow, table_of
from yinsi.bootstrap import Yinsi
from yinsi.services.consent import Kind
from yinsi.services.vault import Actor

APP = Actor("key:app", "clinic_app")


def test_values_go_when_their_retention_ends_and_the_rest_stays(clinic: Yinsi, clock: Clock) -> None:
    subject = clinic.vault.create_subject(actor=APP)
    accept_policy(clinic, subject)
    act(clinic, subject, Kind.SEPARATE, "nearby")
    clinic.vault.write(
        actor=APP,
        subject_id=subject,
        purpose="registration",
        values={"name": "张三", "email": "zs@example.com"},
        source="app",
    )
    clinic.vault.write(actor=APP, subject_id=subject, purpose="nearby", values={"location": "31.2,121.4"}, source="app")
    clock.advance(days=29)
    assert clinic.services.housekeeping.sweep_retention() == {}
    clock.advance(days=2)  # the 'nearby' purpose keeps location 30 days
    assert clinic.services.housekeeping.sweep_retention() == {"location": 1}
    with clinic.engine.connect() as connection:
        held = clinic.vault.open_fields(connection, subject, ["name", "email", "location"])
        lookups = connection.execute(select(func.count()).select_from(table_of(BlindIndexRow))).scalar_one()
        event = json.loads(
            connection.execute(
                select(table_of(AuditEventRow).c.body)
                .where(table_of(AuditEventRow).c.action == "retention-swept")
                .order_by(table_of(AuditEventRow).c.seq.desc())
            )
            .scalars()
            .first()
        )
    assert held == {"name": "张三", "email": "zs@example.com"}  # kept until the account is cancelled
    assert lookups == 1  # the e-mail's blind index is still there
    assert event["details"]["deleted"] == {"location": 1}
    assert "31.2" not in json.dumps(event)


def test_housekeeping_removes_what_was_only_meant_to_be_short_lived(clinic: Yinsi, clock: Clock) -> None:
    clinic.accounts.request_code(phone="13912345678", client="198.51.100.1")
    count = lambda table: select(func.count()).select_from(table_of(table))  # noqa: E731
    with clinic.engine.connect() as connection:
        assert connection.execute(count(LoginCodeRow)).scalar_one() == 1
        assert connection.execute(count(OutboxRow)).scalar_one() == 1
    assert (
        clinic.services.housekeeping.remove_expired(outbox_keep=timedelta(hours=24))["login_codes"] == 0
    )  # not yet expired
    clock.advance(days=2)
    gone = clinic.services.housekeeping.remove_expired(outbox_keep=timedelta(hours=24))
    assert gone["login_codes"] == 1
    assert gone["outbox"] == 1
    assert gone["rate_events"] >= 3
    assert clinic.audit.verify(clinic.engine).ok


def test_a_legal_minimum_is_kept_to_the_minute(clinic: Yinsi, clock: Clock) -> None:
    """Network logs are kept six months (Cybersecurity Law Art. 21): not deleted at midnight before."""
    clock.moment = datetime(2027, 3, 3, 23, 30, tzinfo=UTC)
    subject = clinic.vault.create_subject(actor=APP)
    accept_policy(clinic, subject)
    clinic.vault.write(
        actor=APP, subject_id=subject, purpose="network_logs", values={"ip_address": "203.0.113.7"}, source="app"
    )
    clock.moment = datetime(2027, 9, 3, 23, 29, tzinfo=UTC)
    assert clinic.services.housekeeping.sweep_retention() == {}
    clock.moment = datetime(2027, 9, 3, 23, 31, tzinfo=UTC)
    assert clinic.services.housekeeping.sweep_retention() == {"ip_address": 1}
