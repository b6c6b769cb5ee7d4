"""All rows, imported here so each metadata knows every table (Alembic autogenerate and tests rely on it)."""

from yinsi.adapters.db.rows.accounts import (
    AccessLogRow,
    AccountRow,
    GuardianLinkRow,
    LoginCodeRow,
    OutboxRow,
    RateEventRow,
    SessionRow,
)
from yinsi.adapters.db.rows.base import KEYSTORE_SCHEMA, DataBase, KeystoreBase, table_of
from yinsi.adapters.db.rows.consent import ConsentEntryRow, ConsentStateRow
from yinsi.adapters.db.rows.keystore import AuditAnchorRow, DataKeyRow, SecretRow, TombstoneRow
from yinsi.adapters.db.rows.lifecycle import (
    AnonymousCountRow,
    IncidentRow,
    IncidentSubjectRow,
    JobLeaseRow,
    LegalHoldRow,
    RetentionEventRow,
    ShutdownRow,
)
from yinsi.adapters.db.rows.policies import AnnouncementRow, PolicyStateRow, PolicyVersionRow
from yinsi.adapters.db.rows.rights import (
    BlockerRow,
    ExportRow,
    ExternalLoginRow,
    RecipientNoticeRow,
    RequestEventRow,
    RightsRequestRow,
    StaffRow,
    StaffSessionRow,
)
from yinsi.adapters.db.rows.sharing import (
    BusinessTransferRow,
    DisclosureRow,
    EntrustmentEndingRow,
    LoginReleaseRow,
)
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
from yinsi.adapters.db.rows.webhooks import RequestReminderRow, WebhookAttemptRow, WebhookEventRow

__all__ = [
    "KEYSTORE_SCHEMA",
    "AccessLogRow",
    "AccountRow",
    "AnnouncementRow",
    "AnonymousCountRow",
    "ApiKeyRow",
    "AuditAnchorRow",
    "AuditEventRow",
    "AuditHeadRow",
    "BlindIndexRow",
    "BlockerRow",
    "BusinessTransferRow",
    "ConsentEntryRow",
    "ConsentStateRow",
    "DataBase",
    "DataKeyRow",
    "DisclosureRow",
    "EntrustmentEndingRow",
    "ExportRow",
    "ExternalLoginRow",
    "GuardianLinkRow",
    "IncidentRow",
    "IncidentSubjectRow",
    "JobLeaseRow",
    "KeystoreBase",
    "LegalHoldRow",
    "LoginCodeRow",
    "LoginReleaseRow",
    "OutboxRow",
    "PiValueRow",
    "PolicyStateRow",
    "PolicyVersionRow",
    "ProvisionRow",
    "RateEventRow",
    "RecipientNoticeRow",
    "RequestEventRow",
    "RequestReminderRow",
    "RetentionEventRow",
    "RightsRequestRow",
    "SecretRow",
    "SessionRow",
    "ShredRecordRow",
    "ShutdownRow",
    "StaffRow",
    "StaffSessionRow",
    "SubjectRow",
    "TombstoneRow",
    "WebhookAttemptRow",
    "WebhookEventRow",
    "table_of",
]
