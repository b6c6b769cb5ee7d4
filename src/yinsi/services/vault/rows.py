"""The vault's tables and the statements over them, built once.

SQLAlchemy's per-call construction of a statement costs more than the query
on the hot path, so every statement the vault runs more than rarely is built
here at import and executed with bound parameters.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, bindparam, delete, select, update

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
from yinsi.core.errors import not_found
from yinsi.services.audit import is_subject_id

subjects = table_of(SubjectRow)
values = table_of(PiValueRow)
index = table_of(BlindIndexRow)
keys = table_of(DataKeyRow)
tombstones = table_of(TombstoneRow)
shreds = table_of(ShredRecordRow)
retention_events = table_of(RetentionEventRow)

# A shredded subject has nothing left; a restricted one is a cancelled account whose remaining PI a law keeps,
# for storage only (PIPL Art. 47(2)): neither may be read or written for any purpose.
GONE = frozenset({"shredded", "restricted"})

INSERT_SUBJECT = strict_insert(subjects, "id", "created_at", "status")
_SUBJECT_STATUS = select(subjects.c.status).where(subjects.c.id == bindparam("subject_id"))
# Writers lock the subject's row: on PostgreSQL two writes (or a write and a shred) of one subject then take
# turns, as every writer does on SQLite (BEGIN IMMEDIATE), instead of merging purposes or index rows wrongly.
LOCK_SUBJECT = _SUBJECT_STATUS.with_for_update()
EXISTING = select(values.c.field, values.c.purposes, values.c.sealed, values.c.key_version).where(
    values.c.subject_id == bindparam("subject_id"), values.c.field.in_(bindparam("fields", expanding=True))
)
# What opening a value needs: the sealed value and its subject's wrapped data key.
_SEALED = (
    values.c.field,
    values.c.sealed,
    values.c.key_version,
    keys.c.version,
    keys.c.wrapped,
    keys.c.master_key_id,
)
OPEN = (
    select(*_SEALED)
    .join(keys, keys.c.subject_id == values.c.subject_id)
    .where(values.c.subject_id == bindparam("subject_id"), values.c.field.in_(bindparam("fields", expanding=True)))
)
STATUS_AND_SEALED = (
    select(subjects.c.status, *_SEALED)
    .select_from(subjects)
    # Every value of the subject (one per declared field at most), filtered in Python: a list of fields as an
    # expanding IN makes SQLAlchemy render the statement anew on every read, which costs more than the rows.
    .outerjoin(values, values.c.subject_id == subjects.c.id)
    .outerjoin(keys, keys.c.subject_id == subjects.c.id)
    .where(subjects.c.id == bindparam("subject_id"))
)
OPEN_MANY = (
    select(values.c.subject_id, *_SEALED)
    .join(keys, keys.c.subject_id == values.c.subject_id)
    .where(
        values.c.subject_id.in_(bindparam("subjects", expanding=True)),
        values.c.field.in_(bindparam("fields", expanding=True)),
    )
)
STORED = (
    select(
        values.c.field,
        values.c.sealed,
        values.c.key_version,
        values.c.collected_at,
        values.c.source,
        values.c.purposes,
        values.c.retain_until,
        keys.c.version,
        keys.c.wrapped,
        keys.c.master_key_id,
    )
    .join(keys, keys.c.subject_id == values.c.subject_id)
    .where(values.c.subject_id == bindparam("subject_id"))
)
MATCHES = (
    select(index.c.subject_id)
    .join(subjects, subjects.c.id == index.c.subject_id)
    .where(index.c.field == bindparam("field"), index.c.digest == bindparam("digest"), subjects.c.status == "active")
    .order_by(index.c.subject_id)
)
_INSERT_INDEX = strict_insert(index, "field", "digest", "subject_id")
_DELETE_ALL_INDEX = delete(index).where(index.c.subject_id == bindparam("subject_id"))
_DELETE_ALL_VALUES = delete(values).where(values.c.subject_id == bindparam("subject_id"))
_MARK_SHREDDED = (
    update(subjects)
    .where(subjects.c.id == bindparam("subject_id"))
    .values(status="shredded", shredded_at=bindparam("now"))
)
RETENTION_EVENTS = select(retention_events.c.event, retention_events.c.at).where(
    retention_events.c.subject_id == bindparam("subject_id")
)
_DELETE_INDEX = delete(index).where(
    index.c.subject_id == bindparam("subject_id"), index.c.field.in_(bindparam("fields", expanding=True))
)
_PENDING_PURGE = (
    select(tombstones.c.subject_id)
    .join(subjects, subjects.c.id == tombstones.c.subject_id)
    .where(subjects.c.status != "shredded")
)
_RESURRECTED_KEYS = select(keys.c.subject_id).join(shreds, shreds.c.subject_id == keys.c.subject_id)


def subject_status(connection: Connection, subject_id: str, *, lock: bool = False) -> str:
    """The subject's status; "no such subject" (never repeating what was given) for anything that is not the
    id of one of the store's subjects, a phone number typed in its place included."""
    if not is_subject_id(subject_id):
        raise not_found("这个个人", "subject")
    status = connection.execute(LOCK_SUBJECT if lock else _SUBJECT_STATUS, {"subject_id": subject_id}).scalar()
    if status is None:
        raise not_found("这个个人", "subject")
    return str(status)


def store_values(
    connection: Connection,
    subject_id: str,
    rows: list[dict[str, object]],
    index_rows: list[dict[str, object]],
    *,
    replacing: bool,
) -> None:
    """Upserts the sealed values and puts their blind-index rows in place of the old ones."""
    upsert(connection, values, rows, keys=("subject_id", "field"))
    if index_rows:
        if replacing:
            connection.execute(_DELETE_INDEX, {"subject_id": subject_id, "fields": [r["field"] for r in index_rows]})
        connection.execute(_INSERT_INDEX, index_rows)


def delete_fields(connection: Connection, subject_id: str, fields: Sequence[str]) -> list[str]:
    present = list(
        connection.execute(
            select(values.c.field).where(values.c.subject_id == subject_id, values.c.field.in_(list(fields)))
        ).scalars()
    )
    if present:
        connection.execute(delete(values).where(values.c.subject_id == subject_id, values.c.field.in_(present)))
        connection.execute(delete(index).where(index.c.subject_id == subject_id, index.c.field.in_(present)))
    return present


def mark_tombstone(connection: Connection, subject_id: str, now: datetime) -> None:
    upsert(connection, tombstones, {"subject_id": subject_id, "shredded_at": now}, keys=("subject_id",))


def purge(connection: Connection, subject_id: str, now: datetime) -> None:
    """Everything the data store holds about a shredded subject goes, but the fact that it was shredded."""
    connection.execute(_DELETE_ALL_INDEX, {"subject_id": subject_id})
    connection.execute(_DELETE_ALL_VALUES, {"subject_id": subject_id})
    connection.execute(_MARK_SHREDDED, {"subject_id": subject_id, "now": now})
    upsert(connection, shreds, {"subject_id": subject_id, "shredded_at": now}, keys=("subject_id",))


def pending_purges(connection: Connection) -> list[str]:
    """Subjects the keystore's tombstones say were shredded, whose data is still here (a restore, a crash)."""
    return list(connection.execute(_PENDING_PURGE).scalars())


def resurrected_keys(connection: Connection) -> list[str]:
    """Data keys a restored keystore brought back for subjects the data store knows were shredded since."""
    return list(connection.execute(_RESURRECTED_KEYS).scalars())


def sealed_of_many(connection: Connection, subject_ids: Sequence[str], fields: Sequence[str]) -> dict[str, list[Any]]:
    found: dict[str, list[Any]] = {}
    for row in connection.execute(OPEN_MANY, {"subjects": list(subject_ids), "fields": list(fields)}):
        found.setdefault(row.subject_id, []).append(row)
    return found
