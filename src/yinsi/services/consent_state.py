"""Reads a subject's current consent state for the access decision: one indexed query.

The ledger (``services.consent``) writes; this reads. It is separate so the
vault can ask "may I, now?" without depending on the whole consent workflow.
"""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import Connection, select

from yinsi.adapters.db.rows import ConsentStateRow, table_of
from yinsi.core.access import GRANTED, ConsentSnapshot

_state = table_of(ConsentStateRow)

POLICY_KIND = "policy"
POLICY_SCOPE = "current"


class ConsentReader:
    """``acceptable_versions`` lists the policy versions published since the last material change:
    accepting any of them counts; accepting an older one means the person must consent again."""

    def __init__(self, acceptable_versions: Callable[[], frozenset[str] | None] = lambda: None) -> None:
        self._acceptable = acceptable_versions

    def snapshot(self, connection: Connection, subject_id: str) -> ConsentSnapshot:
        rows = connection.execute(
            select(_state.c.kind, _state.c.scope, _state.c.status, _state.c.policy_version).where(
                _state.c.subject_id == subject_id
            )
        ).all()
        states = {(row.kind, row.scope): row.status for row in rows}
        accepted_version = next(
            (row.policy_version for row in rows if row.kind == POLICY_KIND and row.scope == POLICY_SCOPE), None
        )
        accepted = states.get((POLICY_KIND, POLICY_SCOPE)) == GRANTED
        acceptable = self._acceptable()
        reconsent = accepted and acceptable is not None and accepted_version not in acceptable
        return ConsentSnapshot(states=states, policy_accepted=accepted, reconsent_required=reconsent)
