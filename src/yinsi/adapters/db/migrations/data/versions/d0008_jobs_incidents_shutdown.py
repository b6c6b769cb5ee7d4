"""jobs' leases, legal holds, retention clocks, anonymous counts, security incidents, the service's shutdown

Revision ID: d0008
Revises: d0004
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from yinsi.adapters.db.types import UtcDateTime

revision = "d0008"
down_revision = "d0007"
branch_labels = None
depends_on = None

BigId = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "job_leases",
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("holder", sa.String(length=128), nullable=True),
        sa.Column("expires_at", UtcDateTime(), nullable=True),
        sa.Column("started_at", UtcDateTime(), nullable=True),
        sa.Column("finished_at", UtcDateTime(), nullable=True),
        sa.Column("outcome", sa.String(length=16), nullable=True),
        sa.Column("summary", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_job_leases")),
    )
    op.create_table(
        "legal_holds",
        sa.Column("id", BigId, autoincrement=True, nullable=False),
        sa.Column("subject_id", sa.String(length=36), nullable=False),
        sa.Column("reason", sa.String(length=200), nullable=False),
        sa.Column("placed_by", sa.String(length=128), nullable=False),
        sa.Column("placed_at", UtcDateTime(), nullable=False),
        sa.Column("released_at", UtcDateTime(), nullable=True),
        sa.Column("released_by", sa.String(length=128), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_legal_holds")),
    )
    with op.batch_alter_table("legal_holds", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_legal_holds_subject_id"), ["subject_id"], unique=False)
    op.create_table(
        "retention_events",
        sa.Column("subject_id", sa.String(length=36), nullable=False),
        sa.Column("event", sa.String(length=32), nullable=False),
        sa.Column("at", UtcDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("subject_id", "event", name=op.f("pk_retention_events")),
    )
    op.create_table(
        "anonymous_counts",
        sa.Column("purpose", sa.String(length=64), nullable=False),
        sa.Column("field", sa.String(length=64), nullable=False),
        sa.Column("bucket", sa.String(length=64), nullable=False),
        sa.Column("count", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("purpose", "field", "bucket", name=op.f("pk_anonymous_counts")),
    )
    op.create_table(
        "incidents",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("confirmed", sa.Boolean(), nullable=False),
        sa.Column("occurred_at", UtcDateTime(), nullable=True),
        sa.Column("discovered_at", UtcDateTime(), nullable=False),
        sa.Column("recorded_at", UtcDateTime(), nullable=False),
        sa.Column("recorded_by", sa.String(length=128), nullable=False),
        sa.Column("fields", sa.JSON(), nullable=False),
        sa.Column("selection", sa.JSON(), nullable=False),
        sa.Column("affected", sa.Integer(), nullable=False),
        sa.Column("contents", sa.JSON(), nullable=False),
        sa.Column("notice", sa.JSON(), nullable=True),
        sa.Column("drafted_at", UtcDateTime(), nullable=True),
        sa.Column("notice_method", sa.String(length=16), nullable=True),
        sa.Column("announcement_id", BigId, nullable=True),
        sa.Column("notified", sa.Integer(), nullable=False),
        sa.Column("notified_at", UtcDateTime(), nullable=True),
        sa.Column("reported_at", UtcDateTime(), nullable=True),
        sa.Column("report", sa.JSON(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_incidents")),
    )
    op.create_table(
        "incident_subjects",
        sa.Column("incident_id", sa.String(length=36), nullable=False),
        sa.Column("subject_id", sa.String(length=36), nullable=False),
        sa.Column("notified_at", UtcDateTime(), nullable=True),
        sa.Column("channels", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("incident_id", "subject_id", name=op.f("pk_incident_subjects")),
    )
    op.create_table(
        "shutdowns",
        sa.Column("id", BigId, autoincrement=True, nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("effective_at", UtcDateTime(), nullable=False),
        sa.Column("scheduled_at", UtcDateTime(), nullable=False),
        sa.Column("scheduled_by", sa.String(length=128), nullable=False),
        sa.Column("announcement_id", BigId, nullable=True),
        sa.Column("notified", sa.Integer(), nullable=False),
        sa.Column("cancelled_at", UtcDateTime(), nullable=True),
        sa.Column("completed_at", UtcDateTime(), nullable=True),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("summary", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_shutdowns")),
    )


def downgrade() -> None:
    for table in (
        "shutdowns",
        "incident_subjects",
        "incidents",
        "anonymous_counts",
        "retention_events",
        "legal_holds",
        "job_leases",
    ):
        op.drop_table(table)
