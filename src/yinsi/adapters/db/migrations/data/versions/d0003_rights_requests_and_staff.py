"""rights requests, their history, cancellation blockers, exports, recipient notices, staff

Revision ID: d0003
Revises: d0002
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from yinsi.adapters.db.types import UtcDateTime

revision = "d0003"
down_revision = "d0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "cancellation_blockers",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False),
        sa.Column("subject_id", sa.String(length=36), nullable=False),
        sa.Column("kind", sa.String(length=48), nullable=False),
        sa.Column("label_zh", sa.String(length=200), nullable=False),
        sa.Column("label_en", sa.String(length=200), nullable=False),
        sa.Column("action_zh", sa.String(length=300), nullable=False),
        sa.Column("action_en", sa.String(length=300), nullable=False),
        sa.Column("registered_by", sa.String(length=128), nullable=False),
        sa.Column("created_at", UtcDateTime(), nullable=False),
        sa.Column("cleared_at", UtcDateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_cancellation_blockers")),
    )
    with op.batch_alter_table("cancellation_blockers", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_cancellation_blockers_subject_id"), ["subject_id"], unique=False)

    op.create_table(
        "exports",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("request_id", sa.String(length=36), nullable=False),
        sa.Column("subject_id", sa.String(length=36), nullable=False),
        sa.Column("sealed_zip", sa.LargeBinary(), nullable=False),
        sa.Column("key_version", sa.Integer(), nullable=False),
        sa.Column("created_at", UtcDateTime(), nullable=False),
        sa.Column("expires_at", UtcDateTime(), nullable=False),
        sa.Column("downloaded_at", UtcDateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_exports")),
    )
    with op.batch_alter_table("exports", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_exports_request_id"), ["request_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_exports_subject_id"), ["subject_id"], unique=False)

    op.create_table(
        "external_logins",
        sa.Column("subject_id", sa.String(length=36), nullable=False),
        sa.Column("provider", sa.String(length=32), nullable=False),
        sa.Column("sealed_identifier", sa.LargeBinary(), nullable=False),
        sa.Column("key_version", sa.Integer(), nullable=False),
        sa.Column("created_at", UtcDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("subject_id", "provider", name=op.f("pk_external_logins")),
    )
    op.create_table(
        "recipient_notices",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False),
        sa.Column("subject_id", sa.String(length=36), nullable=False),
        sa.Column("recipient", sa.String(length=64), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("channel", sa.String(length=300), nullable=False),
        sa.Column("request_id", sa.String(length=36), nullable=True),
        sa.Column("at", UtcDateTime(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_recipient_notices")),
    )
    with op.batch_alter_table("recipient_notices", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_recipient_notices_subject_id"), ["subject_id"], unique=False)

    op.create_table(
        "request_events",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False),
        sa.Column("request_id", sa.String(length=36), nullable=False),
        sa.Column("at", UtcDateTime(), nullable=False),
        sa.Column("from_state", sa.String(length=16), nullable=True),
        sa.Column("to_state", sa.String(length=16), nullable=False),
        sa.Column("actor", sa.String(length=128), nullable=False),
        sa.Column("note", sa.String(length=64), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_request_events")),
    )
    with op.batch_alter_table("request_events", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_request_events_request_id"), ["request_id"], unique=False)

    op.create_table(
        "rights_requests",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("subject_id", sa.String(length=36), nullable=False),
        sa.Column("type", sa.String(length=24), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("filed_by", sa.String(length=16), nullable=False),
        sa.Column("filer_id", sa.String(length=36), nullable=True),
        sa.Column("created_at", UtcDateTime(), nullable=False),
        sa.Column("verified_at", UtcDateTime(), nullable=True),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("due_exact", sa.Boolean(), nullable=False),
        sa.Column("due_basis", sa.String(length=40), nullable=False),
        sa.Column("assigned_to", sa.String(length=64), nullable=True),
        sa.Column("closed_at", UtcDateTime(), nullable=True),
        sa.Column("outcome", sa.String(length=48), nullable=True),
        sa.Column("fee_notice", sa.Boolean(), nullable=False),
        sa.Column("details", sa.JSON(), nullable=False),
        sa.Column("sealed_payload", sa.LargeBinary(), nullable=True),
        sa.Column("payload_key_version", sa.Integer(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_rights_requests")),
    )
    with op.batch_alter_table("rights_requests", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_rights_requests_filer_id"), ["filer_id"], unique=False)
        batch_op.create_index("ix_rights_requests_queue", ["state", "due_on"], unique=False)
        batch_op.create_index(batch_op.f("ix_rights_requests_subject_id"), ["subject_id"], unique=False)

    op.create_table(
        "staff",
        sa.Column("username", sa.String(length=64), nullable=False),
        sa.Column("role", sa.String(length=64), nullable=False),
        sa.Column("password_hash", sa.String(length=200), nullable=False),
        sa.Column("sealed_totp", sa.LargeBinary(), nullable=False),
        sa.Column("created_at", UtcDateTime(), nullable=False),
        sa.Column("disabled_at", UtcDateTime(), nullable=True),
        sa.Column("last_totp_step", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.PrimaryKeyConstraint("username", name=op.f("pk_staff")),
    )
    op.create_table(
        "staff_sessions",
        sa.Column("token_hash", sa.LargeBinary(length=32), nullable=False),
        sa.Column("username", sa.String(length=64), nullable=False),
        sa.Column("created_at", UtcDateTime(), nullable=False),
        sa.Column("expires_at", UtcDateTime(), nullable=False),
        sa.Column("revoked_at", UtcDateTime(), nullable=True),
        sa.PrimaryKeyConstraint("token_hash", name=op.f("pk_staff_sessions")),
    )
    with op.batch_alter_table("staff_sessions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_staff_sessions_username"), ["username"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("staff_sessions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_staff_sessions_username"))

    op.drop_table("staff_sessions")
    op.drop_table("staff")
    with op.batch_alter_table("rights_requests", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_rights_requests_subject_id"))
        batch_op.drop_index("ix_rights_requests_queue")
        batch_op.drop_index(batch_op.f("ix_rights_requests_filer_id"))

    op.drop_table("rights_requests")
    with op.batch_alter_table("request_events", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_request_events_request_id"))

    op.drop_table("request_events")
    with op.batch_alter_table("recipient_notices", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_recipient_notices_subject_id"))

    op.drop_table("recipient_notices")
    op.drop_table("external_logins")
    with op.batch_alter_table("exports", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_exports_subject_id"))
        batch_op.drop_index(batch_op.f("ix_exports_request_id"))

    op.drop_table("exports")
    with op.batch_alter_table("cancellation_blockers", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_cancellation_blockers_subject_id"))

    op.drop_table("cancellation_blockers")
