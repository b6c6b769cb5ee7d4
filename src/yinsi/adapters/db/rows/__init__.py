"""All rows, imported here so each metadata knows every table (Alembic autogenerate and tests rely on it)."""

from yinsi.adapters.db.rows.base import KEYSTORE_SCHEMA, DataBase, KeystoreBase, table_of
from yinsi.adapters.db.rows.consent import ConsentEntryRow, ConsentStateRow
from yinsi.adapters.db.rows.keystore import AuditAnchorRow, DataKeyRow, SecretRow, TombstoneRow
from yinsi.adapters.db.rows.vault import (
    ApiKeyRow,
    AuditEventRow,
    AuditHeadRow,
    BlindIndexRow,
    PiValueRow,
    ProvisionRow,
    ShredRecordRow,
    SubjectRow,
)

__all__ = [
    "KEYSTORE_SCHEMA",
    "ApiKeyRow",
    "AuditAnchorRow",
    "AuditEventRow",
    "AuditHeadRow",
    "BlindIndexRow",
    "ConsentEntryRow",
    "ConsentStateRow",
    "DataBase",
    "DataKeyRow",
    "KeystoreBase",
    "PiValueRow",
    "ProvisionRow",
    "SecretRow",
    "ShredRecordRow",
    "SubjectRow",
    "TombstoneRow",
    "table_of",
]
