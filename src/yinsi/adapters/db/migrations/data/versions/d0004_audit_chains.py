"""audit chains: several chains, each with its own head, so writers do not all wait on one row

Revision ID: d0004
Revises: d0003

The existing chain becomes chain 1, its events keeping their positions (``link`` = ``seq``). On PostgreSQL,
where writers commit in parallel, chains 2 to 16 are added; SQLite serialises writers anyway and keeps one.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "d0004"
down_revision = "d0003"
branch_labels = None
depends_on = None

CHAINS_ON_POSTGRESQL = 16
BigId = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    with op.batch_alter_table("audit_events", schema=None) as batch_op:
        batch_op.add_column(sa.Column("chain", sa.SmallInteger(), nullable=False, server_default="1"))
        batch_op.add_column(sa.Column("link", BigId, nullable=False, server_default="0"))
    op.execute("UPDATE audit_events SET link = seq")
    with op.batch_alter_table("audit_events", schema=None) as batch_op:
        batch_op.create_index("ix_audit_events_chain_link", ["chain", "link"], unique=True)
    if op.get_bind().dialect.name == "postgresql":
        # Sequence numbers were given by the appender until now; from here on the database gives them.
        op.execute(
            "SELECT setval(pg_get_serial_sequence('audit_events', 'seq'), "
            "COALESCE((SELECT max(seq) FROM audit_events), 0) + 1, false)"
        )
        head = sa.table("audit_head", sa.column("id", sa.Integer), sa.column("seq", BigId), sa.column("hash"))
        op.bulk_insert(
            head, [{"id": chain, "seq": 0, "hash": bytes(32)} for chain in range(2, CHAINS_ON_POSTGRESQL + 1)]
        )


def downgrade() -> None:
    op.execute("DELETE FROM audit_head WHERE id > 1")
    with op.batch_alter_table("audit_events", schema=None) as batch_op:
        batch_op.drop_index("ix_audit_events_chain_link")
        batch_op.drop_column("link")
        batch_op.drop_column("chain")
