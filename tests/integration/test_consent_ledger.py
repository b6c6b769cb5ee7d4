"""The consent ledger: append-only, explicit, and its current state always equal to a replay of it."""

from __future__ import annotations

import random
import threading

import pytest
from sqlalchemy import func, select

from tests.conftest import Clock
from tests.support.consent import SHOWN, accept_policy, act
from yinsi.adapters.db.rows import ConsentEntryRow, table_of
from yinsi.bootstrap import Yinsi
from yinsi.services.consent import Action, ConsentAct, ConsentError, Kind, NotAffirmative
from yinsi.services.vault import Actor

APP = Actor("key:app", "clinic_app")
SCOPES = [
    (Kind.PURPOSE, "newsletter"),
    (Kind.PURPOSE, "recommendations"),
    (Kind.SEPARATE, "treatment"),
    (Kind.PERMISSION, "location"),
    (Kind.PERSONALISATION, "all"),
]


def test_fifty_clients_at_once_lose_nothing_and_the_state_equals_the_replay(clinic: Yinsi) -> None:
    subjects = [clinic.vault.create_subject(actor=APP) for _ in range(5)]
    errors: list[BaseException] = []
    per_client = 12
    start = threading.Barrier(50)

    def client(number: int) -> None:
        rng = random.Random(number)
        try:
            start.wait()
            for _ in range(per_client):
                kind, scope = rng.choice(SCOPES)
                act(clinic, rng.choice(subjects), kind, scope, rng.choice([Action.GRANT, Action.WITHDRAW]))
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=client, args=(n,)) for n in range(50)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    with clinic.engine.connect() as connection:
        entries = connection.execute(select(func.count()).select_from(table_of(ConsentEntryRow))).scalar_one()
        assert entries == 50 * per_client
        for subject in subjects:
            ledger = clinic.services.ledger
            assert ledger.state_in(connection, subject) == ledger.replay_in(connection, subject)
    assert clinic.audit.verify(clinic.engine).ok


def test_a_pre_ticked_box_is_not_consent_and_evidence_is_required(clinic: Yinsi) -> None:
    subject = clinic.vault.create_subject(actor=APP)
    policy = clinic.policy.current()

    def record(**changes: object) -> None:
        fields: dict[str, object] = {
            "kind": Kind.PURPOSE,
            "scope": "newsletter",
            "action": Action.GRANT,
            "channel": "app",
            "text_hash": SHOWN,
            "language": "zh-CN",
            "affirmative": True,
        }
        fields.update(changes)
        with clinic.services.context.unit() as uow:
            clinic.services.ledger.record_in(
                uow, subject_id=subject, act=ConsentAct(**fields), actor="t", policy=policy
            )  # type: ignore[arg-type]

    with pytest.raises(NotAffirmative):
        record(affirmative=False)
    with pytest.raises(ConsentError, match="text_hash"):
        record(text_hash="not a hash")
    with pytest.raises(ConsentError, match="nothing to consent to"):
        record(scope="registration")  # a contract-based purpose: there is no consent to give
    with pytest.raises(ConsentError, match="nothing to consent to"):
        record(kind=Kind.SEPARATE, scope="newsletter")  # not a purpose that needs a separate consent
    with pytest.raises(ConsentError, match="version"):
        record(policy_version="1999-01")
    record(action=Action.REFUSE, affirmative=False)  # refusing needs no tick: not ticking is refusing
    history = clinic.services.ledger.history(subject_id=subject)
    assert [(e.action, e.text_hash, e.language, e.channel) for e in history] == [("refuse", SHOWN, "zh-CN", "app")]


def test_after_a_refusal_the_same_question_waits_for_the_cooldown(clinic: Yinsi, clock: Clock) -> None:
    subject = clinic.vault.create_subject(actor=APP)

    def ask() -> tuple[bool, int]:
        return clinic.services.ledger.may_ask(subject_id=subject, kind=Kind.PURPOSE, scope="newsletter")

    assert ask() == (True, 0)
    act(clinic, subject, Kind.PURPOSE, "newsletter", Action.REFUSE)
    allowed, retry = ask()
    assert not allowed
    assert 47 * 3600 < retry <= 48 * 3600 + 1
    clock.advance(hours=47)
    assert not ask()[0]
    clock.advance(hours=1, seconds=1)
    assert ask() == (True, 0)


def test_withdrawal_takes_effect_at_once_and_earlier_processing_stands(clinic: Yinsi) -> None:
    subject = clinic.vault.create_subject(actor=APP)
    accept_policy(clinic, subject)
    act(clinic, subject, Kind.PURPOSE, "newsletter")
    clinic.vault.write(
        actor=APP, subject_id=subject, purpose="newsletter", values={"email": "a@example.com"}, source="app"
    )
    act(clinic, subject, Kind.PURPOSE, "newsletter", Action.WITHDRAW)
    with pytest.raises(Exception, match="withdrew"):
        clinic.vault.read(actor=Actor("key:m", "marketing"), subject_id=subject, purpose="newsletter")
    actions = [(e.scope, e.action) for e in clinic.services.ledger.history(subject_id=subject)]
    # The ledger keeps what happened before: the grant stays, the withdrawal is added after it.
    assert actions == [("current", "grant"), ("newsletter", "grant"), ("newsletter", "withdraw")]
