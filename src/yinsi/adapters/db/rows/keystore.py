"""Rows of the keystore: wrapped data keys, wrapped service secrets, shred tombstones, audit anchors."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from yinsi.adapters.db.rows.base import KeystoreBase
from yinsi.adapters.db.types import BigId, UtcDateTime


class DataKeyRow(KeystoreBase):
    """A subject's data key, wrapped (AES-256-GCM) by a master key. Deleting this row is crypto-shredding."""

    __tablename__ = "data_keys"

    subject_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    version: Mapped[int] = mapped_column()
    wrapped: Mapped[bytes] = mapped_column(LargeBinary)
    master_key_id: Mapped[str] = mapped_column(String(64), index=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)


class SecretRow(KeystoreBase):
    """A process-wide secret (blind-index key, audit MAC key, ...), wrapped by a master key."""

    __tablename__ = "secrets"

    name: Mapped[str] = mapped_column(String(32), primary_key=True)
    wrapped: Mapped[bytes] = mapped_column(LargeBinary)
    master_key_id: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)


class TombstoneRow(KeystoreBase):
    """A shredded subject, so a restored data store can be purged of it before any use."""

    __tablename__ = "tombstones"

    subject_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    shredded_at: Mapped[datetime] = mapped_column(UtcDateTime)


class AuditAnchorRow(KeystoreBase):
    """The audit chain's head as last verified, kept apart so truncating the chain's tail is noticed."""

    __tablename__ = "audit_anchor"

    id: Mapped[int] = mapped_column(primary_key=True)
    seq: Mapped[int] = mapped_column(BigId)
    hash: Mapped[bytes] = mapped_column(LargeBinary(32))
    at: Mapped[datetime] = mapped_column(UtcDateTime)
