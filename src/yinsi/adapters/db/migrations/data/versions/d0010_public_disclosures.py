"""public disclosures and the privacy budget: PI made public as the spec declares it, and the ε spent on noise

Revision ID: d0010
Revises: d0009

``public_disclosures`` records each disclosure (fields, basis, actor; never values), by subject and by
disclosure. ``privacy_budget`` holds the ε noisy statistics spent per period, in millionths.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from yinsi.adapters.db.types import UtcDateTime

revision = "d0010"
down_revision = "d0009"
branch_labels = None
depends_on = None

BigId = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "public_disclosures",
        sa.Column("id", BigId, autoincrement=True, nullable=False),
        sa.Column("subject_id", sa.String(length=36), nullable=False),
        sa.Column("disclosure", sa.String(length=64), nullable=False),
        sa.Column("fields", sa.JSON(), nullable=False),
        sa.Column("actor", sa.String(length=128), nullable=False),
        sa.Column("at", UtcDateTime(), nullable=False),
        sa.Column("details", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_public_disclosures")),
    )
    with op.batch_alter_table("public_disclosures", schema=None) as batch_op:
        batch_op.create_index("ix_public_disclosures_disclosure_at", ["disclosure", "at"], unique=False)
        batch_op.create_index(batch_op.f("ix_public_disclosures_subject_id"), ["subject_id"], unique=False)

    op.create_table(
        "privacy_budget",
        sa.Column("period", sa.String(length=16), nullable=False),
        sa.Column("spent_micro", sa.BigInteger(), nullable=False),
        sa.Column("queries", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("period", name=op.f("pk_privacy_budget")),
    )


def downgrade() -> None:
    op.drop_table("privacy_budget")
    with op.batch_alter_table("public_disclosures", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_public_disclosures_subject_id"))
        batch_op.drop_index("ix_public_disclosures_disclosure_at")
    op.drop_table("public_disclosures")
