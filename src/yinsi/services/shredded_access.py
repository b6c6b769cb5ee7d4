"""Ending everything that still lets anyone act as, or for, a person who has been shredded.

Cancelling an account revokes its sessions, releases its third-party logins,
deletes its exports and closes the account before the key is destroyed. A
data store restored from before the cancellation has all of these back:
``Vault.replay_shreds`` purges the PI, and this ends the rest, so that an old
session token, an unused code, a pending guardian link or a download link of
the person does not work again. Audit events, the consent ledger and the
provision records stay, as they do after a live cancellation (they are the
record of what was done).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import BindParameter, Connection, bindparam, delete, update

from yinsi.adapters.db.rows import (
    AccountRow,
    ExportRow,
    ExternalLoginRow,
    GuardianLinkRow,
    LoginCodeRow,
    SessionRow,
    table_of,
)

_accounts = table_of(AccountRow)
_sessions = table_of(SessionRow)
_codes = table_of(LoginCodeRow)
_links = table_of(GuardianLinkRow)
_exports = table_of(ExportRow)
_logins = table_of(ExternalLoginRow)

_IDS: BindParameter[list[str]] = bindparam("ids", expanding=True)
_REVOKE = (
    update(_sessions)
    .where(_sessions.c.subject_id.in_(_IDS), _sessions.c.revoked_at.is_(None))
    .values(revoked_at=bindparam("now"))
)
_CLOSE = update(_accounts).where(_accounts.c.subject_id.in_(_IDS), _accounts.c.status != "cancelled")
_CODES = delete(_codes).where(_codes.c.subject_id.in_(_IDS))
_LINKS = delete(_links).where(_links.c.ward_id.in_(_IDS))
_EXPORTS = delete(_exports).where(_exports.c.subject_id.in_(_IDS))
_LOGINS = delete(_logins).where(_logins.c.subject_id.in_(_IDS))
_BATCH = 500


@dataclass(frozen=True, slots=True)
class EndedAccess:
    sessions: int = 0
    accounts: int = 0
    codes: int = 0
    guardian_links: int = 0
    exports: int = 0
    third_party_logins: int = 0

    def __add__(self, other: EndedAccess) -> EndedAccess:
        return EndedAccess(
            self.sessions + other.sessions,
            self.accounts + other.accounts,
            self.codes + other.codes,
            self.guardian_links + other.guardian_links,
            self.exports + other.exports,
            self.third_party_logins + other.third_party_logins,
        )

    def counts(self) -> dict[str, int]:
        return {
            "sessions_revoked": self.sessions,
            "accounts_closed": self.accounts,
            "codes_deleted": self.codes,
            "guardian_links_deleted": self.guardian_links,
            "exports_deleted": self.exports,
            "third_party_logins_released": self.third_party_logins,
        }


def end_access(connection: Connection, subject_ids: Sequence[str], now: datetime) -> EndedAccess:
    """In the caller's transaction: sessions revoked, accounts closed (``cancelled``), codes the person asked
    for and their pending guardian links deleted, exports deleted, third-party logins released."""
    ended = EndedAccess()
    for start in range(0, len(subject_ids), _BATCH):
        ids = {"ids": list(subject_ids[start : start + _BATCH])}
        ended += EndedAccess(
            connection.execute(_REVOKE, {**ids, "now": now}).rowcount or 0,
            connection.execute(_CLOSE.values(status="cancelled"), ids).rowcount or 0,
            connection.execute(_CODES, ids).rowcount or 0,
            connection.execute(_LINKS, ids).rowcount or 0,
            connection.execute(_EXPORTS, ids).rowcount or 0,
            connection.execute(_LOGINS, ids).rowcount or 0,
        )
    return ended
