"""Recording consents in tests the way a client would: an explicit act with the hash of the text shown."""

from __future__ import annotations

import hashlib

from yinsi.bootstrap import Yinsi
from yinsi.services.consent import Action, ConsentAct, Kind

SHOWN = hashlib.sha256("我已阅读并同意《隐私政策》".encode()).hexdigest()


def act(yinsi: Yinsi, subject_id: str, kind: Kind, scope: str, action: Action = Action.GRANT) -> int:
    with yinsi.services.context.unit() as uow:
        entry = yinsi.services.ledger.record_in(
            uow,
            subject_id=subject_id,
            act=ConsentAct(kind, scope, action, "app", SHOWN, "zh-CN", affirmative=True),
            actor=f"subject:{subject_id}",
        )
    return entry.id


def accept_policy(yinsi: Yinsi, subject_id: str) -> int:
    return act(yinsi, subject_id, Kind.POLICY, "current")


def give_separate_consents(yinsi: Yinsi, subject_id: str) -> list[str]:
    """The separate consents the law (or the spec) asks before some processing: every one, as a person who
    agreed to each pop-up would give them. Returns the scopes granted."""
    policy = yinsi.policy.current()
    scopes = [pid for pid in sorted(policy.separate_purposes) if policy.needs_consent(pid)]
    scopes += [f"recipient.{rid}" for rid in sorted(policy.separate_recipients)]
    for scope in scopes:
        act(yinsi, subject_id, Kind.SEPARATE, scope)
    return scopes
