"""Reads a subject's current consent state for the access decision: one indexed query.

The ledger (``services.consent``) writes; this reads. It is separate so the
vault can ask "may I, now?" without depending on the whole consent workflow.

The same query reads the policy baseline (the last material version), so a
material change takes effect in every process the moment it is committed:
acceptance of an older version no longer counts.
"""

from __future__ import annotations

from sqlalchemy import Connection, bindparam, select

from yinsi.adapters.db.rows import ConsentStateRow, PolicyStateRow, PolicyVersionRow, SubjectRow, table_of
from yinsi.core.access import GRANTED, ConsentSnapshot
from yinsi.core.policy.compiled import CompiledPolicy
from yinsi.services.minors import needs_guardian

_state = table_of(ConsentStateRow)
_versions = table_of(PolicyVersionRow)
_policy_state = table_of(PolicyStateRow)
_subjects = table_of(SubjectRow)

POLICY_KIND = "policy"
POLICY_SCOPE = "current"

_SNAPSHOT = (
    select(
        _state.c.kind,
        _state.c.scope,
        _state.c.status,
        _state.c.given_by,
        _versions.c.id.label("version_id"),
        select(_subjects.c.minor).where(_subjects.c.id == bindparam("subject_id")).scalar_subquery().label("minor"),
        select(_policy_state.c.baseline_id).where(_policy_state.c.id == 1).scalar_subquery().label("baseline"),
    )
    .outerjoin(_versions, _versions.c.version == _state.c.policy_version)
    .where(_state.c.subject_id == bindparam("subject_id"))
)


class ConsentReader:
    def snapshot(
        self, connection: Connection, subject_id: str, policy: CompiledPolicy | None = None
    ) -> ConsentSnapshot:
        rows = connection.execute(_SNAPSHOT, {"subject_id": subject_id}).all()
        if rows and policy is not None and needs_guardian(policy, rows[0].minor):
            # A minor who needs a guardian: only what the guardian consented to counts.
            rows = [row for row in rows if row.given_by == "guardian"]
        states = {(row.kind, row.scope): row.status for row in rows}
        policy_row = next((r for r in rows if r.kind == POLICY_KIND and r.scope == POLICY_SCOPE), None)
        accepted = policy_row is not None and policy_row.status == GRANTED
        reconsent = bool(
            accepted
            and policy_row is not None
            and policy_row.baseline is not None
            and (policy_row.version_id is None or policy_row.version_id < policy_row.baseline)
        )
        return ConsentSnapshot(states=states, policy_accepted=accepted, reconsent_required=reconsent)
