"""Finding subjects by an exact value through its blind index: a digest is compared, nothing decrypted."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import Connection

from yinsi.core.policy.compiled import CompiledPolicy
from yinsi.core.policy.vocabulary import Operation
from yinsi.core.sealing import blind_digest
from yinsi.core.validation import InvalidValue, normalise_for_index, validate
from yinsi.services.audit import AuditEvent
from yinsi.services.keyring import KeyRing
from yinsi.services.unit_of_work import ReadUnit
from yinsi.services.vault import rows
from yinsi.services.vault.gate import AccessGate
from yinsi.services.vault.model import Actor, InvalidInput


class Finder:
    def __init__(self, *, policy: Callable[[], CompiledPolicy], keyring: KeyRing, gate: AccessGate) -> None:
        self._policy = policy
        self._keyring = keyring
        self._gate = gate

    def lookup(self, uow: ReadUnit, *, actor: Actor, field: str, value: object, purpose: str) -> list[str]:
        self._gate.check(
            uow,
            actor=actor,
            subject_id=None,
            purpose=purpose,
            fields=[field],
            operation=Operation.LOOKUP,
            denied_event="subject-lookup-denied",
        )
        try:
            found = self.find_by(uow.connection, field, value)
        except InvalidValue as exc:
            raise InvalidInput(exc.reason, field=field) from None
        uow.record(
            AuditEvent(
                "subject-looked-up",
                actor.id,
                role=actor.role,
                purpose=purpose,
                decision="allowed",
                requested=[field],
                details={"matches": len(found)},
            )
        )
        return found

    def find_by(self, connection: Connection, field: str, value: object) -> list[str]:
        field_type = self._policy().field_types[field]
        canonical = validate(field, field_type, value)
        digest = blind_digest(self._keyring.secret("index"), field, normalise_for_index(field_type, canonical))
        return list(connection.execute(rows.MATCHES, {"field": field, "digest": digest}).scalars())
