"""external login look-up: a keyed digest of the provider's id, so a third-party login finds its account

Revision ID: d0007
Revises: d0004

The id itself stays sealed under the person's key; the digest is an HMAC under the keystore's index secret
(a blind index, like the vault's), so the data store alone cannot tell whose WeChat or Alipay id it is.
Links made before this have no digest: they are released on cancellation as before, but do not log in.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "d0007"
down_revision = "d0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("external_logins", schema=None) as batch_op:
        batch_op.add_column(sa.Column("identifier_digest", sa.LargeBinary(), nullable=True))
        batch_op.create_index("ix_external_logins_provider_digest", ["provider", "identifier_digest"], unique=True)


def downgrade() -> None:
    with op.batch_alter_table("external_logins", schema=None) as batch_op:
        batch_op.drop_index("ix_external_logins_provider_digest")
        batch_op.drop_column("identifier_digest")
