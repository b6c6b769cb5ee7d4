"""hand-over codes: one-time codes that open the privacy centre in an app's web view with a session of its own

Revision ID: d0009
Revises: d0008

Only the SHA-256 of each code is kept; a code lives 60 seconds and is deleted when it is redeemed.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from yinsi.adapters.db.types import UtcDateTime

revision = "d0009"
down_revision = "d0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "handover_codes",
        sa.Column("code_digest", sa.LargeBinary(length=32), nullable=False),
        sa.Column("subject_id", sa.String(length=36), nullable=False),
        sa.Column("created_at", UtcDateTime(), nullable=False),
        sa.Column("expires_at", UtcDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("code_digest", name=op.f("pk_handover_codes")),
    )
    with op.batch_alter_table("handover_codes", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_handover_codes_expires_at"), ["expires_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_handover_codes_subject_id"), ["subject_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("handover_codes", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_handover_codes_subject_id"))
        batch_op.drop_index(batch_op.f("ix_handover_codes_expires_at"))
    op.drop_table("handover_codes")
