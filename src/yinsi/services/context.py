"""What every service shares, wired once in ``bootstrap``: the store, the audit chain, the keys, the policy and the clock.

A service class takes this (and the few other services it composes) instead of
the whole ``Vault``: it opens its own unit of work with ``unit()`` or
``reading()``, and nothing it does depends on how the vault is built.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Connection, Engine

from yinsi.core.policy.compiled import CompiledPolicy
from yinsi.services.audit import AuditLog, GroupAppender
from yinsi.services.keyring import KeyRing
from yinsi.services.unit_of_work import ReadUnit, UnitOfWork


@dataclass(frozen=True, slots=True)
class ServiceContext:
    engine: Engine
    audit: AuditLog
    keyring: KeyRing
    policy_in_force: Callable[[], CompiledPolicy]
    clock: Callable[[], datetime]
    appender: GroupAppender

    @property
    def policy(self) -> CompiledPolicy:
        """The policy in force now (a newly published version applies at once)."""
        return self.policy_in_force()

    def now(self) -> datetime:
        return self.clock()

    def unit(self) -> UnitOfWork:
        """A transaction of its own, its audit events appended before it commits."""
        return UnitOfWork(self.engine, self.audit, self.clock)

    def reading(self) -> ReadUnit:
        """A read without the write lock, its audit events appended after it (see ``ReadUnit``)."""
        return ReadUnit(self.engine, self.appender)

    def connect(self) -> Connection:
        """A plain connection for a read that leaves no audit event (a listing, a session check)."""
        return self.engine.connect()
