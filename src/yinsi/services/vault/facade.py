"""``Vault``: the vault's operations, each in a unit of work of its own or in the caller's.

An operation called without ``uow`` opens its own transaction; a service that
composes several (registration creates a subject and writes its phone number
in one transaction) passes its unit. What an actor's role may do is decided
for ``create_subject``, ``write`` and ``shred``; their ``*_as_system``
twins are the system's own operations on a person's behalf (registration,
cancellation, a person correcting their own data), which the spec's limits
still bound but no role decides.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any, TypeVar

from anyio.to_thread import run_sync
from sqlalchemy import Connection, Engine, Executable

from yinsi.core.errors import BadRequest
from yinsi.core.i18n import Msg
from yinsi.core.policy.compiled import CompiledPolicy
from yinsi.core.policy.vocabulary import Operation
from yinsi.services.audit import AuditEvent, AuditLog, GroupAppender, require_subject_id
from yinsi.services.collection import CollectionGate
from yinsi.services.consent_state import ConsentReader
from yinsi.services.keyring import KeyRing
from yinsi.services.loop_appender import LoopAppender
from yinsi.services.unit_of_work import ReadUnit, UnitOfWork
from yinsi.services.vault import rows
from yinsi.services.vault.erasure import Shredder
from yinsi.services.vault.gate import AccessGate
from yinsi.services.vault.lookup import Finder
from yinsi.services.vault.model import Actor, ReadResult, StoredValue, WriteResult, check_source
from yinsi.services.vault.reading import Opener
from yinsi.services.vault.writing import Collector

T = TypeVar("T")


class Vault:
    def __init__(
        self,
        engine: Engine,
        *,
        policy: Callable[[], CompiledPolicy],
        keyring: KeyRing,
        audit: AuditLog,
        consents: ConsentReader,
        now: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self.engine = engine
        self._policy = policy
        self.keyring = keyring
        self.audit = audit
        self.consents = consents
        self.now = now
        self.appender = GroupAppender(engine, audit, now)
        self.loop_appender = LoopAppender(self.appender)
        # Collection stops when a scheduled shutdown takes effect: every write and new subject asks.
        self.collection = CollectionGate(engine)
        self._gate = AccessGate(policy, consents)
        self._collector = Collector(
            policy=policy, keyring=keyring, gate=self._gate, now=self._clock, forget_minor=self._forget_minor
        )
        self._opener = Opener(policy=policy, keyring=keyring, gate=self._gate)
        self._finder = Finder(policy=policy, keyring=keyring, gate=self._gate)
        self._shredder = Shredder(keyring=keyring, now=self._clock)

    def _clock(self) -> datetime:
        return self.now()  # late-bound: tests and benchmarks replace ``now`` on a built vault

    @property
    def policy(self) -> CompiledPolicy:
        return self._policy()

    def unit(self) -> UnitOfWork:
        return UnitOfWork(self.engine, self.audit, self.now)

    def reading(self) -> ReadUnit:
        """A unit for a use case that only reads: no write lock while it reads (see ``ReadUnit``)."""
        return ReadUnit(self.engine, self.appender)

    @contextmanager
    def _within(self, uow: UnitOfWork | None) -> Iterator[UnitOfWork]:
        if uow is not None:
            yield uow
            return
        with self.unit() as own:
            yield own

    # ------------------------------------------------------------------ subjects

    def require_operation(
        self, uow: UnitOfWork, actor: Actor, operation: Operation, subject_id: str | None, *, event: str
    ) -> None:
        self._gate.require_operation(uow, actor, operation, subject_id, event=event)

    def create_subject(self, *, actor: Actor, uow: UnitOfWork | None = None) -> str:
        """A new subject with its own data key, if the actor's role may write; returns the id services keep."""
        with self._within(uow) as unit:
            self._gate.require_operation(unit, actor, Operation.WRITE, None, event="subject-create-denied")
            return self._create(unit, actor)

    def create_subject_as_system(self, *, actor: Actor, uow: UnitOfWork | None = None) -> str:
        """A new subject for the system's own use case (a person registering)."""
        with self._within(uow) as unit:
            return self._create(unit, actor)

    def _create(self, uow: UnitOfWork, actor: Actor) -> str:
        subject_id = str(uuid.uuid4())
        now = self.now()
        self.collection.check(now, uow.connection)
        uow.connection.execute(rows.INSERT_SUBJECT, {"id": subject_id, "created_at": now, "status": "active"})
        uow.created[subject_id] = self.keyring.create_data_key(uow.connection, subject_id, now)
        uow.record(AuditEvent("subject-created", actor.id, role=actor.role, subject=subject_id))
        return subject_id

    def subject_status(self, connection: Connection, subject_id: str, *, lock: bool = False) -> str:
        return rows.subject_status(connection, subject_id, lock=lock)

    def audited_look(
        self,
        query: Executable,
        *,
        actor: Actor,
        subject_id: str | None,
        event: str,
        denied_event: str,
        details: Mapping[str, object],
    ) -> list[Any]:
        """The rows of ``query`` for a role that may view the audit (records of provisions, disclosures...):
        refused and audited otherwise, and the look itself audited as ``event`` with the count. A
        ``subject_id`` that is not one of the store's subjects is "no such subject", before anything is
        recorded: what an officer typed in its place (a phone number) never reaches the trail. (That the id
        has a subject id's form is checked before the role, that it is one after: only a role that may look
        learns whether a subject exists.)"""
        with self.unit() as uow:
            if subject_id is not None:
                require_subject_id(subject_id)
            self.require_operation(uow, actor, Operation.VIEW_AUDIT, subject_id, event=denied_event)
            if subject_id is not None:
                rows.subject_status(uow.connection, subject_id)
            found = list(uow.connection.execute(query).all())
            uow.record(
                AuditEvent(
                    event,
                    actor.id,
                    role=actor.role,
                    subject=subject_id,
                    details={**details, "count": len(found)},
                )
            )
        return found

    # ------------------------------------------------------------------ write

    def write(
        self,
        *,
        actor: Actor,
        subject_id: str,
        purpose: str,
        values: Mapping[str, object],
        source: str,
        uow: UnitOfWork | None = None,
    ) -> WriteResult:
        """Collects ``values`` for ``purpose``: refused unless the spec declares each field for that purpose
        and gives the actor's role the write."""
        return self._write(actor, subject_id, purpose, values, source, uow, decided=True)

    def write_as_system(
        self,
        *,
        actor: Actor,
        subject_id: str,
        purpose: str,
        values: Mapping[str, object],
        source: str,
        uow: UnitOfWork | None = None,
    ) -> WriteResult:
        """The system writes on the person's behalf (their registration, their own correction): no role is
        decided, but an undeclared purpose or an erased subject is still refused."""
        return self._write(actor, subject_id, purpose, values, source, uow, decided=False)

    def _write(
        self,
        actor: Actor,
        subject_id: str,
        purpose: str,
        values: Mapping[str, object],
        source: str,
        uow: UnitOfWork | None,
        *,
        decided: bool,
    ) -> WriteResult:
        if not values:
            raise BadRequest(Msg("没有要写入的字段。", "There are no fields to write."))
        check_source(source)
        with self._within(uow) as unit:
            self.collection.check(self.now(), unit.connection)
            return self._collector.collect(
                unit,
                actor=actor,
                subject_id=subject_id,
                purpose=purpose,
                values=values,
                source=source,
                decided=decided,
            )

    # ------------------------------------------------------------------ read

    def read(
        self,
        *,
        actor: Actor,
        subject_id: str,
        purpose: str,
        fields: Sequence[str] | None = None,
    ) -> ReadResult:
        """Returns what ``actor`` may see for ``purpose``, masked as the spec says; denies the rest, per field."""
        with self.reading() as uow:
            return self._opener.read(uow, actor=actor, subject_id=subject_id, purpose=purpose, fields=fields)

    async def read_served(
        self,
        *,
        actor: Actor,
        subject_id: str,
        purpose: str,
        fields: Sequence[str] | None = None,
    ) -> ReadResult:
        """``read`` for a server's event loop: decrypts in a worker thread, and awaits its audit event's group
        commit on the loop, so no thread waits for it (see ``LoopAppender``)."""
        return await self._served(
            lambda uow: self._opener.read(uow, actor=actor, subject_id=subject_id, purpose=purpose, fields=fields)
        )

    async def lookup_served(self, *, actor: Actor, field: str, value: object, purpose: str) -> list[str]:
        """``lookup`` for a server's event loop, as ``read_served``."""
        return await self._served(
            lambda uow: self._finder.lookup(uow, actor=actor, field=field, value=value, purpose=purpose)
        )

    async def _served(self, use_case: Callable[[ReadUnit], T]) -> T:
        unit = ReadUnit(self.engine, None)

        def run() -> T:
            with unit:
                return use_case(unit)

        # The thread runs as a task of its own, and the moment it leaves the unit its events join the loop's
        # queue, whatever became of the read awaiting it: a read cancelled while the thread decrypts (a client
        # gone, a server stopping) was still decrypted, and is accounted for all the same.
        work = asyncio.ensure_future(run_sync(run))
        committed: list[asyncio.Future[None]] = []
        work.add_done_callback(lambda _: committed.append(self.loop_appender.enqueue(unit.to_append)))
        try:
            result = await asyncio.shield(work)  # runs after the callback above: ``committed`` is set
        except asyncio.CancelledError:
            raise
        except BaseException:
            await committed[0]  # a refusal's audit event too (the unit leaves only what must be kept)
            raise
        await committed[0]
        return result

    def open_fields(self, connection: Connection, subject_id: str, fields: Iterable[str]) -> dict[str, str]:
        """Decrypts the subject's values. The join with the keystore means a shredded key yields nothing."""
        return self._opener.open_fields(connection, subject_id, fields)

    def open_fields_of(
        self, connection: Connection, subjects: Sequence[str], fields: Iterable[str]
    ) -> dict[str, dict[str, str]]:
        """``open_fields`` for many subjects in one query (a batch of announcements)."""
        return self._opener.open_fields_of(connection, subjects, fields)

    def open_rows(self, subject_id: str, sealed: Sequence[Any]) -> dict[str, str]:
        return self._opener.open_rows(subject_id, sealed)

    def stored_values(self, connection: Connection, subject_id: str) -> list[StoredValue]:
        """Every value held about a subject, decrypted, with its metadata (for access and copy requests)."""
        return self._opener.stored_values(connection, subject_id)

    # ------------------------------------------------------------------ lookup

    def lookup(self, *, actor: Actor, field: str, value: object, purpose: str) -> list[str]:
        """Finds subjects by an exact lookup value through its blind index; nothing is decrypted."""
        with self.reading() as uow:
            return self._finder.lookup(uow, actor=actor, field=field, value=value, purpose=purpose)

    def find_by(self, connection: Connection, field: str, value: object) -> list[str]:
        """Active subjects whose ``field`` equals ``value``, through the blind index (nothing is decrypted).
        Raises InvalidValue for a value the field's type refuses; the caller decides and audits."""
        return self._finder.find_by(connection, field, value)

    # ------------------------------------------------------------------ erase

    def delete_fields(self, uow: UnitOfWork, subject_id: str, fields: Sequence[str]) -> list[str]:
        """Deletes chosen values (a deletion request, retention expiry); the caller audits the reason."""
        return rows.delete_fields(uow.connection, subject_id, fields)

    def shred(self, *, actor: Actor, subject_id: str, reason: str, uow: UnitOfWork | None = None) -> None:
        """Crypto-shreds a subject, if the actor's role may erase."""
        with self._within(uow) as unit:
            status = rows.subject_status(unit.connection, subject_id, lock=True)
            self._gate.require_operation(unit, actor, Operation.ERASE, subject_id, event="subject-shred-denied")
            self._shredder.shred(unit, actor=actor, subject_id=subject_id, reason=reason, status=status)

    def shred_as_system(self, *, actor: Actor, subject_id: str, reason: str, uow: UnitOfWork | None = None) -> None:
        """Crypto-shreds a subject for the system's own use case (a cancelled account, a minor discovered)."""
        with self._within(uow) as unit:
            status = rows.subject_status(unit.connection, subject_id, lock=True)
            self._shredder.shred(unit, actor=actor, subject_id=subject_id, reason=reason, status=status)

    def _forget_minor(self, subject_id: str) -> None:
        with self.unit() as uow:
            status = uow.connection.execute(rows.LOCK_SUBJECT, {"subject_id": subject_id}).scalar()
            if status not in (None, "shredded"):  # None: the subject was created in the refused transaction
                self.shred_as_system(actor=Actor.system(), subject_id=subject_id, reason="minor_discovered", uow=uow)

    def replay_shreds(self) -> list[str]:
        """Purges from the data store every subject the keystore says was shredded (after a restore or a crash).

        Runs before the service takes any request, so a restored backup is never
        used with a shredded subject's blind indexes or metadata still in place.
        """
        with self.unit() as uow:
            return self._shredder.replay(uow)
