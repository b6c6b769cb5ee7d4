"""Crypto-shredding: the subject's key, blind indexes and values go; the audit events and the fact stay.

The keystore's tombstone is written in the same transaction as the key's
destruction, and ``replay`` finishes in the data store what a crash or a
restore of an older backup left undone, before the service takes a request.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from yinsi.core.errors import Conflict
from yinsi.core.i18n import Msg
from yinsi.services.audit import AuditEvent
from yinsi.services.keyring import KeyRing
from yinsi.services.shredded_access import end_access
from yinsi.services.unit_of_work import UnitOfWork
from yinsi.services.vault import rows
from yinsi.services.vault.model import Actor


class Shredder:
    def __init__(self, *, keyring: KeyRing, now: Callable[[], datetime]) -> None:
        self._keyring = keyring
        self._now = now

    def shred(self, uow: UnitOfWork, *, actor: Actor, subject_id: str, reason: str, status: str) -> None:
        if status == "shredded":
            raise Conflict(Msg("这个人的个人信息已经删除。", "This subject has already been erased."))
        connection = uow.connection
        now = self._now()
        self._keyring.destroy(connection, subject_id)
        rows.mark_tombstone(connection, subject_id, now)
        rows.purge(connection, subject_id, now)
        uow.record(
            AuditEvent("subject-shredded", actor.id, role=actor.role, subject=subject_id, details={"reason": reason})
        )

    def replay(self, uow: UnitOfWork) -> list[str]:
        connection = uow.connection
        now = self._now()
        pending = rows.pending_purges(connection)
        resurrected = rows.resurrected_keys(connection)
        for subject_id in resurrected:
            self._keyring.destroy(connection, subject_id)
            rows.mark_tombstone(connection, subject_id, now)
        for subject_id in pending:
            self._keyring.destroy(connection, subject_id)
            rows.purge(connection, subject_id, now)
        # A restored data store also has their sessions, codes, links and exports back: end them all.
        ended = end_access(connection, sorted({*pending, *resurrected}), now)
        if pending or resurrected:
            uow.record(
                AuditEvent(
                    "shreds-replayed",
                    "system",
                    role="system",
                    details={"subjects": len(pending), "keys_destroyed_again": len(resurrected), **ended.counts()},
                )
            )
        return sorted({*pending, *resurrected})
