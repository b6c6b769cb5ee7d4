"""Handing a person's app session over to the privacy centre embedded in the app as an H5 page.

The app holds the person's API session; its web view must not get that same token (a page that can make a
web view post a token would log in as that account, and logging out of either would end both). Instead the
app asks for a one-time code (``issue``), and the web view posts the code to /me/handover, which redeems it
(``redeem``) for a new session of the centre's own. A code is 256 random bits, of which only the SHA-256 is
stored; it lives ``CODE_TTL`` seconds, is bound to the person who asked for it, and redeeming it deletes it
(``DELETE ... RETURNING``: of two racing redemptions exactly one gets the row). Issuing and redeeming are
audited, the code never. A wrong, used or expired code is refused the same way, with nothing that helps
guessing, and the failures of one source address are limited (rate_limits.HANDOVER_FAILURES).
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from datetime import timedelta

from sqlalchemy import bindparam, delete, insert, select

from yinsi.adapters.db.rows import AccountRow, HandoverCodeRow, table_of
from yinsi.core.errors import Unauthenticated, YinsiError
from yinsi.core.i18n import Msg
from yinsi.core.sealing import secret_digest
from yinsi.services import rate_limits
from yinsi.services.accounts import Accounts, Login
from yinsi.services.audit import AuditEvent
from yinsi.services.context import ServiceContext

_codes = table_of(HandoverCodeRow)
_accounts = table_of(AccountRow)

CODE_TTL = timedelta(seconds=60)
CODE_PREFIX = "yh_"
CODE_MAX = 100  # longer than any code issued: anything longer is refused unread
METHOD = "handover"  # the access log's method for a session started from a hand-over

_REDEEM = (
    delete(_codes)
    .where(_codes.c.code_digest == bindparam("b_digest"))
    .returning(_codes.c.subject_id, _codes.c.expires_at)
)

HANDOVER_REFUSED = Msg(
    "无法从应用打开隐私中心，请登录。",
    "The privacy centre could not be opened from the app; please log in.",
)


class HandoverRefused(YinsiError):
    """An unknown, used or expired code (never said which): the failure is counted, so it is committed."""

    code = "code_invalid"
    keep_changes = True


@dataclass(frozen=True, slots=True)
class Handover:
    code: str = field(repr=False)
    expires_in: int


class Handovers:
    """Issuing and redeeming hand-over codes, each in a transaction of its own."""

    def __init__(self, context: ServiceContext, accounts: Accounts) -> None:
        self._context = context
        self._accounts = accounts  # starts the centre's own session

    def issue(self, *, subject: str) -> Handover:
        """A new one-time code for ``subject`` (the person whose API session asked). Expired codes are swept on
        the way, so the table holds only the last minute's."""
        now = self._context.now()
        code = CODE_PREFIX + secrets.token_urlsafe(32)
        with self._context.unit() as uow:
            connection = uow.connection
            person = rate_limits.digest(self._context.keyring.secret("codes"), "handover_subject", subject)
            rate_limits.consume(connection, rate_limits.HANDOVERS_PER_PERSON, person, now)
            connection.execute(delete(_codes).where(_codes.c.expires_at <= now))
            connection.execute(
                insert(_codes).values(
                    code_digest=secret_digest(code), subject_id=subject, created_at=now, expires_at=now + CODE_TTL
                )
            )
            uow.record(AuditEvent("handover-code-issued", f"subject:{subject}", role="subject", subject=subject))
        return Handover(code, int(CODE_TTL.total_seconds()))

    def redeem(self, *, code: str, client: str) -> Login:
        """A new session of the code's person, the code deleted; a code that is unknown, used or expired, or
        whose person's account has ended, is refused with ``HANDOVER_REFUSED`` alone."""
        now = self._context.now()
        source = rate_limits.digest(
            self._context.keyring.secret("codes"), "handover_client", rate_limits.source(client)
        )
        with self._context.unit() as uow:
            connection = uow.connection
            rate_limits.check(connection, rate_limits.HANDOVER_FAILURES, source, now)
            found = None
            if code.startswith(CODE_PREFIX) and len(code) <= CODE_MAX:
                found = connection.execute(_REDEEM, {"b_digest": secret_digest(code)}).first()
            subject = str(found.subject_id) if found is not None else None
            active = (
                subject is not None
                and connection.execute(select(_accounts.c.status).where(_accounts.c.subject_id == subject)).scalar()
                == "active"
            )
            if found is None or subject is None or found.expires_at <= now or not active:
                rate_limits.record(connection, rate_limits.HANDOVER_FAILURES, source, now)
                reason = "unknown" if found is None else "expired" if found.expires_at <= now else "account"
                uow.record(AuditEvent("handover-refused", "system", role="system", details={"reason": reason}))
                raise HandoverRefused(HANDOVER_REFUSED)
            uow.record(AuditEvent("handover-code-redeemed", f"subject:{subject}", role="subject", subject=subject))
            try:
                return self._accounts.start_session(uow, subject, client, METHOD, False)
            except Unauthenticated:
                raise HandoverRefused(HANDOVER_REFUSED) from None
