"""keystore: data keys, secrets, tombstones, audit anchor

Revision ID: k0001
Revises:
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from yinsi.adapters.db.types import UtcDateTime

revision = "k0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "audit_anchor",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("seq", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("hash", sa.LargeBinary(length=32), nullable=False),
        sa.Column("at", UtcDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_anchor")),
        schema="keystore",
    )
    op.create_table(
        "data_keys",
        sa.Column("subject_id", sa.String(length=36), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("wrapped", sa.LargeBinary(), nullable=False),
        sa.Column("master_key_id", sa.String(length=64), nullable=False),
        sa.Column("created_at", UtcDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("subject_id", name=op.f("pk_data_keys")),
        schema="keystore",
    )
    with op.batch_alter_table("data_keys", schema="keystore") as batch_op:
        batch_op.create_index(batch_op.f("ix_data_keys_master_key_id"), ["master_key_id"], unique=False)

    op.create_table(
        "secrets",
        sa.Column("name", sa.String(length=32), nullable=False),
        sa.Column("wrapped", sa.LargeBinary(), nullable=False),
        sa.Column("master_key_id", sa.String(length=64), nullable=False),
        sa.Column("created_at", UtcDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_secrets")),
        schema="keystore",
    )
    op.create_table(
        "tombstones",
        sa.Column("subject_id", sa.String(length=36), nullable=False),
        sa.Column("shredded_at", UtcDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("subject_id", name=op.f("pk_tombstones")),
        schema="keystore",
    )


def downgrade() -> None:
    op.drop_table("tombstones", schema="keystore")
    op.drop_table("secrets", schema="keystore")
    with op.batch_alter_table("data_keys", schema="keystore") as batch_op:
        batch_op.drop_index(batch_op.f("ix_data_keys_master_key_id"))

    op.drop_table("data_keys", schema="keystore")
    op.drop_table("audit_anchor", schema="keystore")
