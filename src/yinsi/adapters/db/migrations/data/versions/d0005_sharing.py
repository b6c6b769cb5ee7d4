"""sharing: entrustments ended, disclosures to authorities, business transfers, third-party logins to release

Revision ID: d0005
Revises: d0004

Also an index of provisions by recipient, so "what went to this recipient" is not a full scan.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from yinsi.adapters.db.types import UtcDateTime

revision = "d0005"
down_revision = "d0004"
branch_labels = None
depends_on = None

BigId = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    with op.batch_alter_table("provisions", schema=None) as batch_op:
        batch_op.create_index("ix_provisions_recipient_at", ["recipient", "at"], unique=False)

    op.create_table(
        "entrustment_endings",
        sa.Column("id", BigId, autoincrement=True, nullable=False),
        sa.Column("recipient", sa.String(length=64), nullable=False),
        sa.Column("ended_at", UtcDateTime(), nullable=False),
        sa.Column("ended_by", sa.String(length=128), nullable=False),
        sa.Column("notice_id", BigId, nullable=False),
        sa.Column("confirmed_at", UtcDateTime(), nullable=True),
        sa.Column("confirmed_by", sa.String(length=128), nullable=True),
        sa.Column("confirmation", sa.String(length=200), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_entrustment_endings")),
    )
    with op.batch_alter_table("entrustment_endings", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_entrustment_endings_recipient"), ["recipient"], unique=False)

    op.create_table(
        "disclosures",
        sa.Column("id", BigId, autoincrement=True, nullable=False),
        sa.Column("subject_id", sa.String(length=36), nullable=False),
        sa.Column("authority", sa.String(length=64), nullable=False),
        sa.Column("purpose", sa.String(length=64), nullable=False),
        sa.Column("fields", sa.JSON(), nullable=False),
        sa.Column("legal_reference", sa.String(length=200), nullable=False),
        sa.Column("requested_by", sa.String(length=128), nullable=False),
        sa.Column("requested_at", UtcDateTime(), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("decided_by", sa.String(length=128), nullable=True),
        sa.Column("decided_at", UtcDateTime(), nullable=True),
        sa.Column("provision_id", BigId, nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_disclosures")),
    )
    with op.batch_alter_table("disclosures", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_disclosures_subject_id"), ["subject_id"], unique=False)

    op.create_table(
        "business_transfers",
        sa.Column("id", BigId, autoincrement=True, nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("controller_name", sa.String(length=200), nullable=False),
        sa.Column("controller_contact", sa.String(length=200), nullable=False),
        sa.Column("announced_at", UtcDateTime(), nullable=False),
        sa.Column("announced_by", sa.String(length=128), nullable=False),
        sa.Column("subjects_told", sa.Integer(), nullable=False),
        sa.Column("channels", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_business_transfers")),
    )

    op.create_table(
        "login_releases",
        sa.Column("id", BigId, autoincrement=True, nullable=False),
        sa.Column("subject_id", sa.String(length=36), nullable=False),
        sa.Column("provider", sa.String(length=32), nullable=False),
        sa.Column("sealed_identifier", sa.LargeBinary(), nullable=True),
        sa.Column("created_at", UtcDateTime(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("sent_at", UtcDateTime(), nullable=True),
        sa.Column("reference", sa.String(length=200), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_login_releases")),
    )
    with op.batch_alter_table("login_releases", schema=None) as batch_op:
        batch_op.create_index("ix_login_releases_status", ["status", "id"], unique=False)
        batch_op.create_index(batch_op.f("ix_login_releases_subject_id"), ["subject_id"], unique=False)


def downgrade() -> None:
    op.drop_table("login_releases")
    op.drop_table("business_transfers")
    op.drop_table("disclosures")
    op.drop_table("entrustment_endings")
    with op.batch_alter_table("provisions", schema=None) as batch_op:
        batch_op.drop_index("ix_provisions_recipient_at")
