"""The PI vault: the one way operators' services read and write personal information.

Every operation is one transaction: it asks the access decision, validates
what comes in, seals or opens values with the subject's data key, and
appends its audit event before committing. Operators' services keep only
subject ids; the PI lives here.
"""

from __future__ import annotations

import dataclasses
import uuid
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, Engine, bindparam, delete, select, update

from yinsi.adapters.db.rows import (
    BlindIndexRow,
    DataKeyRow,
    PiValueRow,
    RetentionEventRow,
    ShredRecordRow,
    SubjectRow,
    TombstoneRow,
    table_of,
)
from yinsi.adapters.db.statements import strict_insert
from yinsi.adapters.db.upsert import upsert
from yinsi.core.access import NO_CONSENT, ConsentSnapshot, Decision, Deny, decide
from yinsi.core.deadlines import today_in_china
from yinsi.core.errors import AccessDenied, BadRequest, Conflict, YinsiError, not_found
from yinsi.core.i18n import Msg
from yinsi.core.masking import mask
from yinsi.core.policy.compiled import CompiledPolicy
from yinsi.core.policy.vocabulary import Operation, RetentionStart, Visibility
from yinsi.core.sealing import blind_digest, open_value, seal_value
from yinsi.core.validation import InvalidValue, normalise_for_index, validate
from yinsi.services import minors
from yinsi.services.audit import AuditEvent, AuditLog, GroupAppender
from yinsi.services.collection import CollectionGate
from yinsi.services.consent_state import ConsentReader
from yinsi.services.keyring import KeyRing
from yinsi.services.shredded_access import end_access
from yinsi.services.unit_of_work import ReadUnit, UnitOfWork

_subjects = table_of(SubjectRow)
_values = table_of(PiValueRow)
_index = table_of(BlindIndexRow)
_keys = table_of(DataKeyRow)
_tombstones = table_of(TombstoneRow)
_shreds = table_of(ShredRecordRow)
_events = table_of(RetentionEventRow)

SOURCE_MAX = 64
# A shredded subject has nothing left; a restricted one is a cancelled account whose remaining PI a law keeps,
# for storage only (PIPL Art. 47(2)): neither may be read or written for any purpose.
_GONE = frozenset({"shredded", "restricted"})

# The hot path's statements, built once (SQLAlchemy's per-call construction costs more than the query).
_INSERT_SUBJECT = strict_insert(_subjects, "id", "created_at", "status")
_SUBJECT_STATUS = select(_subjects.c.status).where(_subjects.c.id == bindparam("subject_id"))
# Writers lock the subject's row: on PostgreSQL two writes (or a write and a shred) of one subject then take
# turns, as every writer does on SQLite (BEGIN IMMEDIATE), instead of merging purposes or index rows wrongly.
_LOCK_SUBJECT = _SUBJECT_STATUS.with_for_update()
_EXISTING = select(_values.c.field, _values.c.purposes, _values.c.sealed, _values.c.key_version).where(
    _values.c.subject_id == bindparam("subject_id"), _values.c.field.in_(bindparam("fields", expanding=True))
)
# What opening a value needs: the sealed value and its subject's wrapped data key.
_SEALED = (
    _values.c.field,
    _values.c.sealed,
    _values.c.key_version,
    _keys.c.version,
    _keys.c.wrapped,
    _keys.c.master_key_id,
)
_OPEN = (
    select(*_SEALED)
    .join(_keys, _keys.c.subject_id == _values.c.subject_id)
    .where(_values.c.subject_id == bindparam("subject_id"), _values.c.field.in_(bindparam("fields", expanding=True)))
)
_STATUS_AND_SEALED = (
    select(_subjects.c.status, *_SEALED)
    .select_from(_subjects)
    # Every value of the subject (one per declared field at most), filtered in Python: a list of fields as an
    # expanding IN makes SQLAlchemy render the statement anew on every read, which costs more than the rows.
    .outerjoin(_values, _values.c.subject_id == _subjects.c.id)
    .outerjoin(_keys, _keys.c.subject_id == _subjects.c.id)
    .where(_subjects.c.id == bindparam("subject_id"))
)
_OPEN_MANY = (
    select(_values.c.subject_id, *_SEALED)
    .join(_keys, _keys.c.subject_id == _values.c.subject_id)
    .where(
        _values.c.subject_id.in_(bindparam("subjects", expanding=True)),
        _values.c.field.in_(bindparam("fields", expanding=True)),
    )
)
_STORED = (
    select(
        _values.c.field,
        _values.c.sealed,
        _values.c.key_version,
        _values.c.collected_at,
        _values.c.source,
        _values.c.purposes,
        _values.c.retain_until,
        _keys.c.version,
        _keys.c.wrapped,
        _keys.c.master_key_id,
    )
    .join(_keys, _keys.c.subject_id == _values.c.subject_id)
    .where(_values.c.subject_id == bindparam("subject_id"))
)
_MATCHES = (
    select(_index.c.subject_id)
    .join(_subjects, _subjects.c.id == _index.c.subject_id)
    .where(_index.c.field == bindparam("field"), _index.c.digest == bindparam("digest"), _subjects.c.status == "active")
    .order_by(_index.c.subject_id)
)
_INSERT_INDEX = strict_insert(_index, "field", "digest", "subject_id")
_DELETE_ALL_INDEX = delete(_index).where(_index.c.subject_id == bindparam("subject_id"))
_DELETE_ALL_VALUES = delete(_values).where(_values.c.subject_id == bindparam("subject_id"))
_MARK_SHREDDED = (
    update(_subjects)
    .where(_subjects.c.id == bindparam("subject_id"))
    .values(status="shredded", shredded_at=bindparam("now"))
)
_RETENTION_EVENTS = select(_events.c.event, _events.c.at).where(_events.c.subject_id == bindparam("subject_id"))
_DELETE_INDEX = delete(_index).where(
    _index.c.subject_id == bindparam("subject_id"), _index.c.field.in_(bindparam("fields", expanding=True))
)


class InvalidInput(YinsiError):
    code = "invalid_value"


class ImmutableField(YinsiError):
    code = "field_immutable"


@dataclass(frozen=True, slots=True)
class Actor:
    """Who acts: an API key, a staff member, the person themselves, or the system; and in which role."""

    id: str
    role: str

    @classmethod
    def system(cls) -> Actor:
        return cls("system", "system")


@dataclass(frozen=True, slots=True)
class ReadResult:
    subject_id: str
    purpose: str
    values: dict[str, str] = field(repr=False)  # PI: never in a repr, a log or a failing test's output
    forms: dict[str, Visibility]
    denied: dict[str, Deny]
    absent: list[str]


@dataclass(frozen=True, slots=True)
class WriteResult:
    subject_id: str
    written: list[str]
    retain_until: dict[str, datetime | None] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class StoredValue:
    """A decrypted value with its metadata, for the rights workflows (access, copy, explain)."""

    field: str
    value: str = dataclasses.field(repr=False)
    collected_at: datetime
    source: str
    purposes: list[str]
    retain_until: datetime | None


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
        # Collection stops when a scheduled shutdown takes effect: every write and new subject asks.
        self.collection = CollectionGate(engine)

    @property
    def policy(self) -> CompiledPolicy:
        return self._policy()

    def unit(self) -> UnitOfWork:
        return UnitOfWork(self.engine, self.audit, self.now)

    def reading(self) -> ReadUnit:
        """A unit for a use case that only reads: no write lock while it reads (see ``ReadUnit``)."""
        return ReadUnit(self.engine, self.appender)

    # ------------------------------------------------------------------ subjects

    def require_operation(
        self, uow: UnitOfWork, actor: Actor, operation: Operation, subject_id: str | None, *, event: str
    ) -> None:
        """Refuses, and audits the refusal, an operation the actor's role is not given in the spec (one that
        touches no particular field: creating a subject, erasing one, managing cancellation blockers)."""
        if operation in self.policy.role_operations.get(actor.role, frozenset()):
            return
        decision = Decision(actor.role, "*", operation, (), Deny.OPERATION_NOT_PERMITTED)
        uow.record(_decision_event(event, actor, subject_id, decision))
        raise AccessDenied(decision)

    def create_subject(self, *, actor: Actor, uow: UnitOfWork | None = None, check_access: bool = True) -> str:
        """A new subject with its own data key; returns the id the operator's services keep."""
        if uow is None:
            with self.unit() as own:
                return self.create_subject(actor=actor, uow=own, check_access=check_access)
        if check_access:
            self.require_operation(uow, actor, Operation.WRITE, None, event="subject-create-denied")
        subject_id = str(uuid.uuid4())
        now = self.now()
        self.collection.check(now, uow.connection)
        uow.connection.execute(_INSERT_SUBJECT, {"id": subject_id, "created_at": now, "status": "active"})
        uow.created[subject_id] = self.keyring.create_data_key(uow.connection, subject_id, now)
        uow.record(AuditEvent("subject-created", actor.id, role=actor.role, subject=subject_id))
        return subject_id

    def _consent(self, connection: Connection, subject_id: str, purpose: str, *, writing: bool) -> ConsentSnapshot:
        policy = self.policy
        if not policy.depends_on_consent_state(purpose, writing=writing):
            return NO_CONSENT
        return self.consents.snapshot(connection, subject_id, policy)

    def subject_status(self, connection: Connection, subject_id: str, *, lock: bool = False) -> str:
        status = connection.execute(_LOCK_SUBJECT if lock else _SUBJECT_STATUS, {"subject_id": subject_id}).scalar()
        if status is None:
            raise not_found("这个个人", "subject")
        return str(status)

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
        check_access: bool = True,
    ) -> WriteResult:
        """Collects ``values`` for ``purpose``: refused unless the spec declares each field for that purpose."""
        if uow is None:
            with self.unit() as own:
                return self.write(
                    actor=actor,
                    subject_id=subject_id,
                    purpose=purpose,
                    values=values,
                    source=source,
                    uow=own,
                    check_access=check_access,
                )
        if not values:
            raise BadRequest(Msg("没有要写入的字段。", "There are no fields to write."))
        _check_source(source)
        policy = self.policy
        connection = uow.connection
        self.collection.check(self.now(), connection)
        fresh = uow.created.get(subject_id)
        status = "active" if fresh is not None else self.subject_status(connection, subject_id, lock=True)
        if check_access:
            decision = decide(
                policy,
                role=actor.role,
                purpose=purpose,
                fields=values.keys(),
                operation=Operation.WRITE,
                consent=self._consent(connection, subject_id, purpose, writing=True),
                subject_erased=status in _GONE,
            )
            if not decision.all_allowed:
                uow.record(_decision_event("pi-write-denied", actor, subject_id, decision))
                raise AccessDenied(decision)
        elif status in _GONE or purpose not in policy.purpose_fields:
            raise AccessDenied(
                decide(
                    policy,
                    role=actor.role,
                    purpose=purpose,
                    fields=values.keys(),
                    operation=Operation.WRITE,
                    subject_erased=status in _GONE,
                )
            )

        canonical: dict[str, str] = {}
        for field_id, raw in values.items():
            try:
                canonical[field_id] = validate(field_id, policy.field_types[field_id], raw)
            except InvalidValue as exc:
                raise InvalidInput(exc.reason, field=field_id) from None

        try:
            minors.apply_age(connection, policy, subject_id, canonical, today_in_china(self.now()))
        except minors.MinorNotAllowed:
            uow.record(
                AuditEvent(
                    "pi-write-refused",
                    actor.id,
                    role=actor.role,
                    subject=subject_id,
                    purpose=purpose,
                    decision="denied",
                    requested=list(canonical),
                    reasons={"*": "minor_not_allowed"},
                )
            )
            # Adults only: the minor's PI goes once discovered, whichever path wrote it and whatever the
            # caller does with the refusal (the refused write keeps its audit event).
            uow.after_end(lambda: self._forget_minor(subject_id))
            raise
        key = fresh or self.keyring.data_key(connection, subject_id)
        if key is None:
            raise AccessDenied(
                decide(
                    policy,
                    role=actor.role,
                    purpose=purpose,
                    fields=values.keys(),
                    operation=Operation.WRITE,
                    subject_erased=True,
                )
            )
        data_key, key_version = key
        now = self.now()
        existing = (
            {}
            if fresh is not None
            else {
                row.field: row
                for row in connection.execute(_EXISTING, {"subject_id": subject_id, "fields": list(canonical)})
            }
        )
        # Only a spec whose periods count from events (the end of the contract...) needs the subject's events.
        events = (
            {RetentionStart(r.event): r.at for r in connection.execute(_RETENTION_EVENTS, {"subject_id": subject_id})}
            if policy.event_clocks and fresh is None
            else None
        )
        retain: dict[str, datetime | None] = {}
        rows: list[dict[str, object]] = []
        index_rows: list[dict[str, object]] = []
        for field_id, value in canonical.items():
            previous = existing.get(field_id)
            if previous is not None and field_id in policy.immutable_fields:
                old = open_value(data_key, subject_id, field_id, int(previous.key_version), bytes(previous.sealed))
                if old != value:
                    raise ImmutableField(
                        Msg(
                            f"字段 {field_id} 注册后不能更改。",
                            f"Field {field_id} cannot be changed after registration.",
                        ),
                        field=field_id,
                    )
            purposes = sorted({purpose, *(previous.purposes if previous is not None else [])})
            retain[field_id] = policy.retain_until(purposes, now, events)
            rows.append(
                {
                    "subject_id": subject_id,
                    "field": field_id,
                    "sealed": seal_value(data_key, subject_id, field_id, key_version, value),
                    "key_version": key_version,
                    "collected_at": now,
                    "updated_at": now,
                    "source": source,
                    "purposes": purposes,
                    "retain_until": retain[field_id],
                    "policy_version": policy.version,
                }
            )
            if field_id in policy.lookup_fields:
                normalised = normalise_for_index(policy.field_types[field_id], value)
                digest = blind_digest(self.keyring.secret("index"), field_id, normalised)
                index_rows.append({"field": field_id, "digest": digest, "subject_id": subject_id})
        upsert(connection, _values, rows, keys=("subject_id", "field"))
        if index_rows:
            if existing:
                connection.execute(
                    _DELETE_INDEX, {"subject_id": subject_id, "fields": [r["field"] for r in index_rows]}
                )
            connection.execute(_INSERT_INDEX, index_rows)
        uow.record(
            AuditEvent(
                "pi-written",
                actor.id,
                role=actor.role,
                subject=subject_id,
                purpose=purpose,
                decision="allowed",
                requested=list(canonical),
                details={"source": source},
            )
        )
        return WriteResult(subject_id, list(canonical), retain)

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
        policy = self.policy
        wanted = list(fields) if fields else sorted(policy.purpose_fields.get(purpose, ()))
        if not wanted:
            wanted = ["*"]
        with self.reading() as uow:
            connection = uow.connection
            # One round trip for the subject's status and the sealed values with their wrapped key; nothing
            # is decrypted until the decision allows it.
            found = connection.execute(_STATUS_AND_SEALED, {"subject_id": subject_id}).all()
            if not found:
                raise not_found("这个个人", "subject")
            status = found[0].status
            decision = decide(
                policy,
                role=actor.role,
                purpose=purpose,
                fields=wanted,
                operation=Operation.READ,
                consent=self._consent(connection, subject_id, purpose, writing=False),
                subject_erased=status in _GONE,
            )
            if not decision.any_allowed:
                uow.record(_decision_event("pi-read-denied", actor, subject_id, decision))
                raise AccessDenied(decision)
            allowed = decision.allowed_fields
            shown = decision.forms()
            opened = self._open_rows(subject_id, [r for r in found if r.field in shown and r.wrapped is not None])
            values: dict[str, str] = {}
            forms: dict[str, Visibility] = {}
            for field_id, value in opened.items():
                form = shown.get(field_id, Visibility.MASKED)
                values[field_id] = value if form is Visibility.WHOLE else mask(policy.field_types[field_id], value)
                forms[field_id] = form
            absent = [f for f in allowed if f not in opened]
            uow.record(
                AuditEvent(
                    "pi-read",
                    actor.id,
                    role=actor.role,
                    subject=subject_id,
                    purpose=purpose,
                    decision="allowed" if decision.all_allowed else "partial",
                    requested=wanted,
                    returned={f: forms[f].value for f in forms},
                    reasons={f: r.value for f, r in decision.denied.items()},
                )
            )
        return ReadResult(subject_id, purpose, values, forms, decision.denied, absent)

    def open_fields(self, connection: Connection, subject_id: str, fields: Iterable[str]) -> dict[str, str]:
        """Decrypts the subject's values. The join with the keystore means a shredded key yields nothing."""
        return self._open_rows(
            subject_id, connection.execute(_OPEN, {"subject_id": subject_id, "fields": list(fields)}).all()
        )

    def open_fields_of(
        self, connection: Connection, subjects: Sequence[str], fields: Iterable[str]
    ) -> dict[str, dict[str, str]]:
        """``open_fields`` for many subjects in one query (a batch of announcements)."""
        rows: dict[str, list[Any]] = {}
        for row in connection.execute(_OPEN_MANY, {"subjects": list(subjects), "fields": list(fields)}):
            rows.setdefault(row.subject_id, []).append(row)
        return {subject: self._open_rows(subject, found) for subject, found in rows.items()}

    def _open_rows(self, subject_id: str, rows: Sequence[Any]) -> dict[str, str]:
        opened: dict[str, str] = {}
        for row in rows:
            data_key = self.keyring.unwrap(subject_id, int(row.version), bytes(row.wrapped), row.master_key_id)
            opened[row.field] = open_value(data_key, subject_id, row.field, int(row.key_version), bytes(row.sealed))
        return opened

    def stored_values(self, connection: Connection, subject_id: str) -> list[StoredValue]:
        """Every value held about a subject, decrypted, with its metadata (for access and copy requests)."""
        rows = connection.execute(_STORED, {"subject_id": subject_id}).all()  # values and keys in one read
        opened = self._open_rows(subject_id, rows)
        order = {f: i for i, f in enumerate(self.policy.field_types)}
        return [
            StoredValue(r.field, opened[r.field], r.collected_at, r.source, list(r.purposes), r.retain_until)
            for r in sorted(rows, key=lambda r: order.get(r.field, len(order)))
        ]

    # ------------------------------------------------------------------ lookup

    def lookup(self, *, actor: Actor, field: str, value: object, purpose: str) -> list[str]:
        """Finds subjects by an exact lookup value through its blind index; nothing is decrypted."""
        policy = self.policy
        with self.reading() as uow:
            decision = decide(policy, role=actor.role, purpose=purpose, fields=[field], operation=Operation.LOOKUP)
            if not decision.all_allowed:
                uow.record(_decision_event("subject-lookup-denied", actor, None, decision))
                raise AccessDenied(decision)
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
        """Active subjects whose ``field`` equals ``value``, through the blind index (nothing is decrypted).
        Raises InvalidValue for a value the field's type refuses; the caller decides and audits."""
        field_type = self.policy.field_types[field]
        canonical = validate(field, field_type, value)
        digest = blind_digest(self.keyring.secret("index"), field, normalise_for_index(field_type, canonical))
        return list(connection.execute(_MATCHES, {"field": field, "digest": digest}).scalars())

    # ------------------------------------------------------------------ erase

    def delete_fields(self, uow: UnitOfWork, subject_id: str, fields: Sequence[str]) -> list[str]:
        """Deletes chosen values (a deletion request, retention expiry); the caller audits the reason."""
        connection = uow.connection
        present = list(
            connection.execute(
                select(_values.c.field).where(_values.c.subject_id == subject_id, _values.c.field.in_(list(fields)))
            ).scalars()
        )
        if present:
            connection.execute(delete(_values).where(_values.c.subject_id == subject_id, _values.c.field.in_(present)))
            connection.execute(delete(_index).where(_index.c.subject_id == subject_id, _index.c.field.in_(present)))
        return present

    def shred(
        self, *, actor: Actor, subject_id: str, reason: str, uow: UnitOfWork | None = None, check_access: bool = True
    ) -> None:
        """Crypto-shreds a subject: its key, its blind indexes and its values go; its audit events stay."""
        if uow is None:
            with self.unit() as own:
                self.shred(actor=actor, subject_id=subject_id, reason=reason, uow=own, check_access=check_access)
            return
        connection = uow.connection
        status = self.subject_status(connection, subject_id, lock=True)
        if check_access:
            self.require_operation(uow, actor, Operation.ERASE, subject_id, event="subject-shred-denied")
        if status == "shredded":
            raise Conflict(Msg("这个人的个人信息已经删除。", "This subject has already been erased."))
        now = self.now()
        self.keyring.destroy(connection, subject_id)
        upsert(connection, _tombstones, {"subject_id": subject_id, "shredded_at": now}, keys=("subject_id",))
        _purge(connection, subject_id, now)
        uow.record(
            AuditEvent("subject-shredded", actor.id, role=actor.role, subject=subject_id, details={"reason": reason})
        )

    def _forget_minor(self, subject_id: str) -> None:
        with self.unit() as uow:
            status = uow.connection.execute(_LOCK_SUBJECT, {"subject_id": subject_id}).scalar()
            if status not in (None, "shredded"):  # None: the subject was created in the refused transaction
                self.shred(
                    actor=Actor.system(), subject_id=subject_id, reason="minor_discovered", uow=uow, check_access=False
                )

    def replay_shreds(self) -> list[str]:
        """Purges from the data store every subject the keystore says was shredded (after a restore or a crash).

        Runs before the service takes any request, so a restored backup is never
        used with a shredded subject's blind indexes or metadata still in place.
        """
        now = self.now()
        with self.unit() as uow:
            connection = uow.connection
            pending = list(
                connection.execute(
                    select(_tombstones.c.subject_id)
                    .join(_subjects, _subjects.c.id == _tombstones.c.subject_id)
                    .where(_subjects.c.status != "shredded")
                ).scalars()
            )
            # A restored keystore may still hold keys the data store knows were shredded since.
            resurrected = list(
                connection.execute(
                    select(_keys.c.subject_id).join(_shreds, _shreds.c.subject_id == _keys.c.subject_id)
                ).scalars()
            )
            for subject_id in resurrected:
                self.keyring.destroy(connection, subject_id)
                upsert(connection, _tombstones, {"subject_id": subject_id, "shredded_at": now}, keys=("subject_id",))
            for subject_id in pending:
                self.keyring.destroy(connection, subject_id)
                _purge(connection, subject_id, now)
            # A restored data store also has their sessions, codes, links and exports back: end them all.
            ended = end_access(connection, sorted({*pending, *resurrected}), now)
            if pending or resurrected:
                uow.record(
                    AuditEvent(
                        "shreds-replayed",
                        "system",
                        role="system",
                        details={
                            "subjects": len(pending),
                            "keys_destroyed_again": len(resurrected),
                            **ended.counts(),
                        },
                    )
                )
        return sorted({*pending, *resurrected})


def _purge(connection: Connection, subject_id: str, now: datetime) -> None:
    connection.execute(_DELETE_ALL_INDEX, {"subject_id": subject_id})
    connection.execute(_DELETE_ALL_VALUES, {"subject_id": subject_id})
    connection.execute(_MARK_SHREDDED, {"subject_id": subject_id, "now": now})
    upsert(connection, _shreds, {"subject_id": subject_id, "shredded_at": now}, keys=("subject_id",))


def _check_source(source: str) -> None:
    if not source or len(source) > SOURCE_MAX or not all(c.isalnum() or c in "-_.:" for c in source):
        raise BadRequest(
            Msg(
                "来源（source）应是一个简短的标识，如 booking-app，只能用字母、数字和 - _ . :",
                "The source must be a short identifier such as booking-app (letters, digits, - _ . :).",
            ),
            field="source",
        )


def _decision_event(action: str, actor: Actor, subject_id: str | None, decision: Decision) -> AuditEvent:
    reasons: dict[str, str] = {f: r.value for f, r in decision.denied.items()}
    if decision.reason is not None:
        reasons = {"*": decision.reason.value}
    return AuditEvent(
        action,
        actor.id,
        role=actor.role,
        subject=subject_id,
        purpose=decision.purpose,
        decision="denied",
        requested=[f.field for f in decision.fields],
        reasons=reasons,
    )
