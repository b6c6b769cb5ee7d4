"""Collecting values once the decision allows it: validate, check the age rule, seal, index, audit.

``Collector.collect`` runs inside its caller's unit of work and never opens
another: a write is one transaction, and the forgetting of a minor's data
that an adults-only refusal brings about is handed to the unit's
``after_end``, which runs it in a transaction of its own.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime

from yinsi.core.deadlines import today_in_china
from yinsi.core.i18n import Msg
from yinsi.core.policy.compiled import CompiledPolicy
from yinsi.core.policy.vocabulary import Operation, RetentionStart
from yinsi.core.sealing import blind_digest, open_value, seal_value
from yinsi.core.validation import InvalidValue, normalise_for_index, validate
from yinsi.services import minors
from yinsi.services.audit import AuditEvent
from yinsi.services.keyring import KeyRing
from yinsi.services.unit_of_work import UnitOfWork
from yinsi.services.vault import rows
from yinsi.services.vault.gate import AccessGate
from yinsi.services.vault.model import Actor, ImmutableField, InvalidInput, WriteResult


class Collector:
    def __init__(
        self,
        *,
        policy: Callable[[], CompiledPolicy],
        keyring: KeyRing,
        gate: AccessGate,
        now: Callable[[], datetime],
        forget_minor: Callable[[str], None],
    ) -> None:
        self._policy = policy
        self._keyring = keyring
        self._gate = gate
        self._now = now
        self._forget_minor = forget_minor

    def collect(
        self,
        uow: UnitOfWork,
        *,
        actor: Actor,
        subject_id: str,
        purpose: str,
        values: Mapping[str, object],
        source: str,
        decided: bool,
    ) -> WriteResult:
        """Stores ``values`` for ``purpose``. With ``decided``, the actor's role is decided (a service or staff
        writing); without, the system writes on the person's behalf and only the spec's limits apply."""
        policy = self._policy()
        connection = uow.connection
        fresh = uow.created.get(subject_id)
        status = "active" if fresh is not None else rows.subject_status(connection, subject_id, lock=True)
        erased = status in rows.GONE
        if decided:
            self._gate.check(
                uow,
                actor=actor,
                subject_id=subject_id,
                purpose=purpose,
                fields=values.keys(),
                operation=Operation.WRITE,
                erased=erased,
                denied_event="pi-write-denied",
            )
        else:
            self._gate.refuse_undeclared(
                actor=actor, purpose=purpose, fields=values.keys(), operation=Operation.WRITE, erased=erased
            )
        canonical = _canonical(policy, values)
        self._apply_age(uow, policy, actor, subject_id, purpose, canonical)
        key = fresh or self._keyring.data_key(connection, subject_id)
        if key is None:  # the key is gone: shredded between the status read and now
            raise self._gate.erased(actor=actor, purpose=purpose, fields=values.keys(), operation=Operation.WRITE)
        data_key, key_version = key
        now = self._now()
        existing = (
            {}
            if fresh is not None
            else {
                row.field: row
                for row in connection.execute(rows.EXISTING, {"subject_id": subject_id, "fields": list(canonical)})
            }
        )
        # Only a spec whose periods count from events (the end of the contract...) needs the subject's events.
        events = (
            {
                RetentionStart(r.event): r.at
                for r in connection.execute(rows.RETENTION_EVENTS, {"subject_id": subject_id})
            }
            if policy.event_clocks and fresh is None
            else None
        )
        retain: dict[str, datetime | None] = {}
        value_rows: list[dict[str, object]] = []
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
            value_rows.append(
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
                digest = blind_digest(self._keyring.secret("index"), field_id, normalised)
                index_rows.append({"field": field_id, "digest": digest, "subject_id": subject_id})
        rows.store_values(connection, subject_id, value_rows, index_rows, replacing=bool(existing))
        uow.record(
            AuditEvent(
                "pi-written",
                actor.id,
                role=actor.role,
                subject=subject_id,
                purpose=purpose,
                decision="allowed",
                requested=list(canonical),
                details=_write_details(policy, source),
            )
        )
        return WriteResult(subject_id, list(canonical), retain)

    def _apply_age(
        self,
        uow: UnitOfWork,
        policy: CompiledPolicy,
        actor: Actor,
        subject_id: str,
        purpose: str,
        canonical: dict[str, str],
    ) -> None:
        try:
            minors.apply_age(uow.connection, policy, subject_id, canonical, today_in_china(self._now()))
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


def _canonical(policy: CompiledPolicy, values: Mapping[str, object]) -> dict[str, str]:
    canonical: dict[str, str] = {}
    for field_id, raw in values.items():
        try:
            canonical[field_id] = validate(field_id, policy.field_types[field_id], raw)
        except InvalidValue as exc:
            raise InvalidInput(exc.reason, field=field_id) from None
    return canonical


def _write_details(policy: CompiledPolicy, source: str) -> dict[str, str]:
    """A write into storage abroad is a transfer: its record names the legal mechanism it rests on."""
    mechanism = policy.spec.storage.cross_border.mechanism
    if policy.storage_abroad and mechanism is not None:
        return {"source": source, "transfer_mechanism": mechanism.value, "region": policy.spec.storage.region or ""}
    return {"source": source}
