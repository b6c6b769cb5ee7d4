"""Releasing a cancelled account's third-party logins with their providers (seed 000's promise).

Cancelling an account drops yinsi's own link to a WeChat, Weibo or QQ login
and shreds the person's key, so the provider's identifier for the person is
re-sealed first, under the outbox secret, into a release to send: an outbox
row written in the same transaction as the cancellation. This job sends each
release once through the ``LoginReleaser`` (the login gateway's webhook, or the
console outbox), records the outcome, and wipes the identifier once the
provider has it. A provider that is down delays nobody's cancellation and is
retried later.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import delete, insert, select, update

from yinsi.adapters.db.rows import ExternalLoginRow, LoginReleaseRow, table_of
from yinsi.core.ports import DeliveryFailed, LoginReleaser
from yinsi.core.sealing import open_value, open_with_secret, seal_with_secret
from yinsi.services.audit import AuditEvent
from yinsi.services.context import ServiceContext
from yinsi.services.unit_of_work import UnitOfWork

_logins = table_of(ExternalLoginRow)
_releases = table_of(LoginReleaseRow)
_SEAL_PURPOSE = "login_release"


@dataclass(frozen=True, slots=True)
class Releases:
    sent: int
    failed: int


class LoginReleases:
    """Third-party logins released with their providers: queued in a cancellation's transaction, sent by the job."""

    def __init__(self, context: ServiceContext, releaser: LoginReleaser) -> None:
        self._context = context
        self._releaser = releaser  # the login gateway's webhook, or the console outbox

    def queue_in(self, uow: UnitOfWork, subject: str) -> list[str]:
        """Moves the subject's third-party logins into releases to send (before their key is shredded)."""
        connection = uow.connection
        rows = connection.execute(select(_logins).where(_logins.c.subject_id == subject)).all()
        if not rows:
            return []
        key = self._context.keyring.data_key(connection, subject)
        secret = self._context.keyring.secret("outbox")
        now = self._context.now()
        providers = []
        for row in rows:
            sealed: bytes | None = None
            if key is not None:
                identifier = open_value(
                    key[0],
                    subject,
                    f"external_login.{row.provider}",
                    int(row.key_version),
                    bytes(row.sealed_identifier),
                )
                sealed = seal_with_secret(secret, _SEAL_PURPOSE, identifier.encode())
            connection.execute(
                insert(_releases).values(
                    subject_id=subject,
                    provider=row.provider,
                    sealed_identifier=sealed,
                    created_at=now,
                    status="pending" if sealed is not None else "lost",  # no key left to open it with
                )
            )
            providers.append(row.provider)
        connection.execute(delete(_logins).where(_logins.c.subject_id == subject))
        uow.record(
            AuditEvent(
                "third-party-login-release-queued",
                "system",
                role="system",
                subject=subject,
                details={"providers": providers},
            )
        )
        return providers

    def deliver_pending(self, *, retry_failed: bool = False, limit: int = 1000) -> Releases:
        """Sends each pending release once (claimed pending → sending first, so two runs never both send it)."""
        wanted = ["pending", "failed", "sending"] if retry_failed else ["pending"]
        with self._context.connect() as connection:
            rows = connection.execute(
                select(_releases.c.id, _releases.c.subject_id, _releases.c.provider, _releases.c.sealed_identifier)
                .where(_releases.c.status.in_(wanted), _releases.c.sealed_identifier.is_not(None))
                .order_by(_releases.c.id)
                .limit(limit)
            ).all()
        secret = self._context.keyring.secret("outbox")
        sent = failed = 0
        for row in rows:
            with self._context.unit() as uow:
                claimed = uow.connection.execute(
                    update(_releases)
                    .where(_releases.c.id == row.id, _releases.c.status.in_(wanted))
                    .values(status="sending")
                ).rowcount
            if not claimed:
                continue
            identifier = open_with_secret(secret, _SEAL_PURPOSE, bytes(row.sealed_identifier)).decode()
            values: dict[str, object]
            try:
                reference = self._releaser.release(row.provider, identifier, f"release-{row.id}")
            except DeliveryFailed:
                values, action = {"status": "failed"}, "third-party-login-release-failed"
                failed += 1
            else:
                # The provider has it: the identifier is no longer needed, and is wiped.
                values = {
                    "status": "sent",
                    "sent_at": self._context.now(),
                    "reference": reference[:200],
                    "sealed_identifier": None,
                }
                action = "third-party-login-released"
                sent += 1
            with self._context.unit() as uow:
                uow.connection.execute(update(_releases).where(_releases.c.id == row.id).values(**values))
                uow.record(
                    AuditEvent(
                        action,
                        "system",
                        role="system",
                        subject=row.subject_id,
                        details={"provider": row.provider, "release": row.id},
                    )
                )
        return Releases(sent, failed)
