"""The only place that chooses adapters from configuration and wires the services together.

Entry points (the HTTP app, the CLI, jobs) call ``open_yinsi`` and get one
object holding the engine, the key ring, the audit log and the services.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import Engine

from yinsi.adapters.db.engine import POOL_SPARE, WalCheckpointer, make_engine
from yinsi.adapters.db.migrate import pending, upgrade
from yinsi.adapters.db.outbox import DbOutbox
from yinsi.adapters.keys.env import EnvKeyProvider
from yinsi.adapters.keys.local_file import LocalFileKeyProvider
from yinsi.adapters.notify.console import ConsoleMessageSender
from yinsi.adapters.notify.smtp import SmtpMessageSender
from yinsi.adapters.notify.webhook import WebhookMessageSender
from yinsi.config import Settings, StartupError
from yinsi.core.policy.compiled import CompiledPolicy
from yinsi.core.policy.load import load_policy_file
from yinsi.core.ports import KeyProvider, MessageSender
from yinsi.services import policies
from yinsi.services.accounts import Accounts
from yinsi.services.api_keys import VerifiedKeys
from yinsi.services.audit import AuditLog
from yinsi.services.consent_state import ConsentReader
from yinsi.services.console import Console
from yinsi.services.keyring import KeyRing
from yinsi.services.notifier import Notifier
from yinsi.services.policies import PolicySync
from yinsi.services.privacy_centre import PrivacyCentre
from yinsi.services.rights import Rights
from yinsi.services.unit_of_work import UnitOfWork
from yinsi.services.vault import Vault

log = logging.getLogger(__name__)

__all__ = ["PolicyHolder", "StartupError", "Yinsi", "open_yinsi"]


def key_provider(settings: Settings) -> KeyProvider:
    if settings.master_key:
        return EnvKeyProvider(settings.master_key)
    return LocalFileKeyProvider(settings.resolved_master_key_file)


def engine_for(settings: Settings, *, pool: bool = True, serving: bool = False) -> Engine:
    return make_engine(
        settings.resolved_database_url,
        keystore_path=settings.resolved_keystore_path,
        pool=pool,
        pool_size=settings.threads + POOL_SPARE,
        lock_timeout=settings.lock_timeout_seconds,
        background_checkpoints=serving,
    )


@dataclass
class PolicyHolder:
    """The policy in force. With a ``sync``, it follows the published version (a server's background thread
    checks twice a second; see ``PolicySync``); without one (tests, benchmarks) it stays pinned to what it
    was given. Reading it never touches the database."""

    compiled: CompiledPolicy | None = None
    sync: PolicySync | None = None

    def current(self) -> CompiledPolicy:
        if self.compiled is None:
            raise StartupError("no policy is loaded: pass --policy FILE or publish one with 'yinsi policy publish'")
        return self.compiled

    def install(self, compiled: CompiledPolicy) -> None:
        self.compiled = compiled


@dataclass
class Yinsi:
    settings: Settings
    engine: Engine
    keyring: KeyRing
    audit: AuditLog
    policy: PolicyHolder
    vault: Vault
    notifier: Notifier
    outbox: DbOutbox
    accounts: Accounts
    rights: Rights
    centre: PrivacyCentre
    now: Callable[[], datetime] = field(default=lambda: datetime.now(UTC))
    api_keys: VerifiedKeys = field(default_factory=VerifiedKeys)
    checkpoints: WalCheckpointer | None = None

    @functools.cached_property
    def console(self) -> Console:
        """The privacy officer's console (its pages call it); it makes this process follow a version it
        publishes at once."""
        return Console(
            self.vault, self.rights, self.notifier, refresh=self.policy.sync.refresh if self.policy.sync else None
        )

    def follow(self) -> None:
        """For a server worker (opened with ``serving``): follow newly published policy versions, and copy
        SQLite's write-ahead log into the database in the background."""
        if self.policy.sync is not None:
            self.policy.sync.start()
        if self.checkpoints is not None:
            self.checkpoints.start()

    def close(self) -> None:
        if self.checkpoints is not None:
            self.checkpoints.stop()
        if self.policy.sync is not None:
            self.policy.sync.stop()
        self.notifier.close()
        self.engine.dispose()

    def __enter__(self) -> Yinsi:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()


def load_spec(path: Path) -> CompiledPolicy:
    result = load_policy_file(path)
    if result.spec is None:
        problems = "\n".join(p.format("en") for p in result.errors[:10])
        raise StartupError(f"the policy spec {path} is not valid:\n{problems}")
    return CompiledPolicy.from_spec(result.spec)


def _publish_if_first(engine: Engine, audit: AuditLog, path: Path, clock: Callable[[], datetime]) -> None:
    """``serve --policy FILE`` publishes FILE when nothing is published yet; a different published policy
    stays in force (changing it is a deliberate ``yinsi policy publish``)."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise StartupError(f"cannot read the policy spec {path}: {exc.strerror}") from None
    with UnitOfWork(engine, audit, clock) as uow:
        current = policies.current_row(uow.connection)
        if current is None:
            policies.publish(uow, text, now=clock(), actor="system", name=str(path))
            log.info("published %s as the first policy version", path)
            return
    if load_spec(path).digest != current.digest:
        log.warning(
            "%s differs from the published version %s, which stays in force; run 'yinsi policy publish %s'",
            path,
            current.version,
            path,
        )


def notifier_for(settings: Settings, outbox: DbOutbox, keyring: KeyRing, clock: Callable[[], datetime]) -> Notifier:
    """Configured gateways where given; everything else lands in the (sealed) console outbox."""
    console = ConsoleMessageSender(outbox, keyring.secret("outbox"), clock)
    senders: dict[str, MessageSender] = {}
    secret = settings.webhook_secret.encode() if settings.webhook_secret else None
    if settings.sms_webhook_url:
        senders["sms"] = WebhookMessageSender(settings.sms_webhook_url, secret=secret)
    if settings.push_webhook_url:
        senders["push"] = WebhookMessageSender(settings.push_webhook_url, secret=secret)
    if settings.smtp_host:
        senders["email"] = SmtpMessageSender(
            settings.smtp_host,
            settings.smtp_port,
            settings.smtp_sender,
            username=settings.smtp_username,
            password=settings.smtp_password,
            starttls=settings.smtp_starttls,
            ssl=settings.smtp_ssl,
        )
    return Notifier(senders, console)


def open_yinsi(
    settings: Settings,
    *,
    migrate: bool = True,
    policy: CompiledPolicy | None = None,
    now: Callable[[], datetime] | None = None,
    pool: bool = True,
    serving: bool = False,
) -> Yinsi:
    """Connects, migrates (if asked), unwraps the secrets, loads the policy, and replays shreds. ``serving``:
    for a server worker, whose commits leave SQLite's checkpoints to a background thread (``follow``)."""
    clock = now or (lambda: datetime.now(UTC))
    engine = engine_for(settings, pool=pool, serving=serving)
    if migrate:
        upgrade(engine)
    elif any(pending(engine).values()):
        raise StartupError("the database is not up to date: run 'yinsi db upgrade'")
    keyring = KeyRing(key_provider(settings))
    keyring.load_secrets(engine, clock())
    audit = AuditLog(keyring.secret("audit"))
    holder = PolicyHolder()
    if policy is not None:
        holder.compiled = policy
    else:
        if settings.policy_path is not None:
            _publish_if_first(engine, audit, settings.policy_path, clock)
        holder.sync = PolicySync(engine, holder.install)
        holder.sync.refresh()
    consents = ConsentReader()
    vault = Vault(engine, policy=holder.current, keyring=keyring, audit=audit, consents=consents, now=clock)
    replayed = vault.replay_shreds()
    if replayed:
        log.warning("purged %d shredded subject(s) found in the data store", len(replayed))
    outbox = DbOutbox(engine)
    notifier = notifier_for(settings, outbox, keyring, clock)
    accounts = Accounts(vault, notifier)
    rights = Rights(vault, accounts, notifier, export_minutes=settings.export_link_minutes)
    checkpoints = WalCheckpointer(engine) if serving else None
    return Yinsi(
        settings,
        engine,
        keyring,
        audit,
        holder,
        vault,
        notifier,
        outbox,
        accounts,
        rights,
        PrivacyCentre(vault, accounts, rights, notifier),
        clock,
        checkpoints=checkpoints,
    )
