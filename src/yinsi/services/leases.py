"""Who runs a named job now: a lease row per job in the data store, shared by every worker and machine.

A lease row was chosen over PostgreSQL advisory locks plus an SQLite lock file because one mechanism then
works the same on both backends and across machines; it survives a connection pooler in transaction mode
(which drops session advisory locks); and the same row records when the job last finished, which the
scheduler of every worker needs to agree on whether the job is due. A holder that dies (SIGKILL, a lost
machine) stops renewing, and its lease is free again once it expires (``ttl``): a dead holder cannot keep a
job from running for longer than that.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import bindparam, select, update

from yinsi.adapters.db.engine import writer
from yinsi.adapters.db.rows import JobLeaseRow, table_of
from yinsi.adapters.db.upsert import upsert
from yinsi.services.context import ServiceContext

_leases = table_of(JobLeaseRow)
_LOCK = select(_leases).where(_leases.c.name == bindparam("name")).with_for_update()


@dataclass(frozen=True, slots=True)
class LeaseState:
    name: str
    holder: str | None
    expires_at: datetime | None
    started_at: datetime | None
    finished_at: datetime | None
    outcome: str | None
    summary: dict[str, Any]


class JobLeases:
    """The jobs' leases: each operation a short transaction of its own on the lease row."""

    def __init__(self, context: ServiceContext) -> None:
        self._context = context

    def acquire(
        self,
        *,
        name: str,
        holder: str,
        ttl: timedelta,
        dead: Callable[[str], bool] = lambda _holder: False,
    ) -> bool:
        """Takes the lease if it is free or expired (or already ours, or its holder is known ``dead``: a process of
        this machine that no longer runs); False when another holder has it."""
        now = self._context.now()
        with writer(self._context.engine) as connection, connection.begin():
            existing = connection.execute(_LOCK, {"name": name}).first()
            if existing is None:
                # ON CONFLICT: two first-ever takers both insert; the loser then updates (and sees the winner's row).
                upsert(connection, _leases, {"name": name, "summary": {}}, keys=("name",))
                existing = connection.execute(_LOCK, {"name": name}).first()
            assert existing is not None  # noqa: S101 - just written in this transaction
            taken = (
                existing.holder not in (None, holder) and existing.expires_at is not None and existing.expires_at > now
            )
            if taken and not dead(existing.holder):
                return False
            connection.execute(
                update(_leases)
                .where(_leases.c.name == name)
                .values(holder=holder, expires_at=now + ttl, started_at=now, outcome=None)
            )
        return True

    def renew(self, *, name: str, holder: str, ttl: timedelta) -> bool:
        """Extends our lease; False if it is no longer ours (it expired and another holder took it)."""
        now = self._context.now()
        with writer(self._context.engine) as connection, connection.begin():
            done = connection.execute(
                update(_leases).where(_leases.c.name == name, _leases.c.holder == holder).values(expires_at=now + ttl)
            ).rowcount
        return bool(done)

    def release(self, *, name: str, holder: str, outcome: str, summary: dict[str, Any]) -> None:
        """Gives the lease back and records how the run ended (what it did: counts, never PI)."""
        now = self._context.now()
        with writer(self._context.engine) as connection, connection.begin():
            connection.execute(
                update(_leases)
                .where(_leases.c.name == name, _leases.c.holder == holder)
                .values(holder=None, expires_at=None, finished_at=now, outcome=outcome, summary=summary)
            )

    def states(self) -> dict[str, LeaseState]:
        """Every job's lease and last run, by name."""
        with self._context.connect() as connection:
            return {
                row.name: LeaseState(
                    row.name,
                    row.holder,
                    row.expires_at,
                    row.started_at,
                    row.finished_at,
                    row.outcome,
                    dict(row.summary or {}),
                )
                for row in connection.execute(select(_leases))
            }
