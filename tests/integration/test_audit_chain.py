"""Tampering with the audit trail in any way is caught, at the event where it happened."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable

import pytest
from sqlalchemy import Connection, delete, insert, select, update

from tests.support.consent import accept_policy
from yinsi.adapters.db.rows import AuditEventRow, AuditHeadRow, table_of
from yinsi.bootstrap import Yinsi
from yinsi.services.vault import Actor

APP = Actor("key:app", "clinic_app")
EVENTS = table_of(AuditEventRow)
HEAD = table_of(AuditHeadRow)


@pytest.fixture
def chain(clinic: Yinsi) -> Yinsi:
    """About a dozen events: subjects created, consents, writes, reads."""
    for name in ("张三", "李四", "王五"):
        subject = clinic.vault.create_subject(actor=APP)
        accept_policy(clinic, subject)
        clinic.vault.write(
            actor=APP, subject_id=subject, purpose="registration", values={"name": name}, source="clinic-app"
        )
        clinic.vault.read(actor=APP, subject_id=subject, purpose="registration")
    assert clinic.audit.verify(clinic.engine).ok
    return clinic


def tamper(yinsi: Yinsi, change: Callable[[Connection], None]) -> None:
    with yinsi.engine.begin() as connection:
        change(connection)


def row(connection: Connection, seq: int) -> dict[str, object]:
    return dict(connection.execute(select(EVENTS).where(EVENTS.c.seq == seq)).one()._mapping)


def test_an_intact_chain_verifies(chain: Yinsi) -> None:
    result = chain.audit.verify(chain.engine)
    assert result.ok
    assert result.checked == 12
    assert result.first_bad_seq is None


def test_changing_an_event_is_caught_at_that_event(chain: Yinsi) -> None:
    def change(connection: Connection) -> None:
        body = json.loads(str(row(connection, 5)["body"]))
        body["purpose"] = "newsletter"  # say the event was about something else
        connection.execute(update(EVENTS).where(EVENTS.c.seq == 5).values(body=json.dumps(body)))

    tamper(chain, change)
    result = chain.audit.verify(chain.engine)
    assert (result.ok, result.first_bad_seq, result.problem) == (False, 5, "altered")


def test_changing_only_a_queryable_column_is_caught(chain: Yinsi) -> None:
    tamper(chain, lambda c: c.execute(update(EVENTS).where(EVENTS.c.seq == 4).values(actor="key:someone-else")))
    result = chain.audit.verify(chain.engine)
    assert (result.first_bad_seq, result.problem) == (4, "altered")


def test_deleting_an_event_is_caught_where_it_was(chain: Yinsi) -> None:
    tamper(chain, lambda c: c.execute(delete(EVENTS).where(EVENTS.c.seq == 7)))
    result = chain.audit.verify(chain.engine)
    # Without contention every event is in chain 1, at the position of its number.
    assert (result.ok, result.problem, result.chain, result.link) == (False, "missing", 1, 7)
    assert result.first_bad_seq == 8  # the event after the gap


def test_deleting_and_renumbering_is_caught_at_the_gap(chain: Yinsi) -> None:
    def change(connection: Connection) -> None:
        connection.execute(delete(EVENTS).where(EVENTS.c.seq == 7))
        for seq in range(8, 13):
            connection.execute(update(EVENTS).where(EVENTS.c.seq == seq).values(seq=seq - 1, link=seq - 1))

    tamper(chain, change)
    result = chain.audit.verify(chain.engine)
    assert (result.first_bad_seq, result.link, result.problem) == (7, 7, "broken_link")


def test_inserting_an_event_is_caught_at_it(chain: Yinsi) -> None:
    def change(connection: Connection) -> None:
        forged = row(connection, 12)
        forged.update(seq=13, link=13, prev_hash=forged["hash"], hash=bytes(32))
        connection.execute(insert(EVENTS).values(**forged))
        connection.execute(update(HEAD).where(HEAD.c.id == 1).values(seq=13, hash=bytes(32)))

    tamper(chain, change)
    result = chain.audit.verify(chain.engine)
    assert (result.first_bad_seq, result.problem) == (13, "altered")


def test_reordering_two_events_is_caught_at_the_first_moved(chain: Yinsi) -> None:
    def change(connection: Connection) -> None:
        third, fourth = row(connection, 3), row(connection, 4)
        connection.execute(update(EVENTS).where(EVENTS.c.seq == 3).values(link=-1))
        connection.execute(update(EVENTS).where(EVENTS.c.seq == 4).values(link=3))
        connection.execute(update(EVENTS).where(EVENTS.c.seq == 3).values(link=4))
        assert third["hash"] != fourth["hash"]

    tamper(chain, change)
    result = chain.audit.verify(chain.engine)
    assert (result.link, result.problem) == (3, "broken_link")


def test_moving_an_event_to_another_chain_is_caught(chain: Yinsi) -> None:
    tamper(chain, lambda c: c.execute(update(EVENTS).where(EVENTS.c.seq == 12).values(chain=99, link=1)))
    result = chain.audit.verify(chain.engine)
    # Chain 1 lost its newest event, and the moved event sits in a chain that does not exist: named.
    assert (result.ok, result.first_bad_seq, result.problem, result.chain) == (False, 12, "altered", 99)


def test_cutting_off_the_newest_events_is_caught_by_the_head_and_the_anchor(chain: Yinsi) -> None:
    chain.audit.anchor(chain.engine, chain.now())
    tamper(chain, lambda c: c.execute(delete(EVENTS).where(EVENTS.c.seq > 10)))
    assert chain.audit.verify(chain.engine).problem == "truncated"

    def hide_it(connection: Connection) -> None:
        last = row(connection, 10)
        connection.execute(update(HEAD).where(HEAD.c.id == 1).values(seq=10, hash=last["hash"]))

    tamper(chain, hide_it)  # a careful attacker also rewinds the head row; the keystore's anchor still knows
    result = chain.audit.verify(chain.engine)
    assert (result.ok, result.problem) == (False, "truncated")


def test_a_chain_forged_without_the_audit_key_does_not_verify(chain: Yinsi) -> None:
    """Someone with the database but not the key recomputes every hash with plain SHA-256."""

    def forge(connection: Connection) -> None:
        previous = bytes(32)
        for seq in range(1, 13):
            body = str(row(connection, seq)["body"]).replace("张三", "X")
            digest = hashlib.sha256(previous + body.encode()).digest()
            connection.execute(
                update(EVENTS).where(EVENTS.c.seq == seq).values(body=body, prev_hash=previous, hash=digest)
            )
            previous = digest
        connection.execute(update(HEAD).where(HEAD.c.id == 1).values(hash=previous))

    tamper(chain, forge)
    result = chain.audit.verify(chain.engine)
    assert (result.first_bad_seq, result.problem) == (1, "altered")


def test_events_keep_appending_after_verification(chain: Yinsi) -> None:
    subject = chain.vault.create_subject(actor=APP)
    assert subject
    assert chain.audit.verify(chain.engine).checked == 13
