"""The only place that chooses adapters from configuration and wires the services together.

Entry points (the HTTP app, the CLI, jobs) call ``open_yinsi`` and get one
object holding the engine, the key ring, the audit log and the services.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import cached_property
from pathlib import Path

from sqlalchemy import Engine

from yinsi.adapters.db import store_guard
from yinsi.adapters.db.engine import POOL_SPARE, WalCheckpointer, make_engine
from yinsi.adapters.db.migrate import pending, upgrade
from yinsi.adapters.db.outbox import DbOutbox, StoredMessage
from yinsi.adapters.keys.env import EnvKeyProvider
from yinsi.adapters.keys.local_file import LocalFileKeyProvider
from yinsi.adapters.notify.console import ConsoleMessageSender, open_outbox_message
from yinsi.adapters.notify.logins import CHANNEL as LOGIN_RELEASE_CHANNEL
from yinsi.adapters.notify.logins import MessageLoginReleaser
from yinsi.adapters.notify.smtp import SmtpMessageSender
from yinsi.adapters.notify.webhook import AddressedWebhookSender, WebhookMessageSender
from yinsi.config import Settings, StartupError
from yinsi.core.i18n import Msg
from yinsi.core.periodic import Periodic
from yinsi.core.policy.compiled import CompiledPolicy
from yinsi.core.policy.load import load_policy_file
from yinsi.core.ports import KeyProvider, Message, MessageSender
from yinsi.services import backups
from yinsi.services.accounts import Accounts
from yinsi.services.administration import Administration
from yinsi.services.api_keys import ApiKeys, VerifiedKeys
from yinsi.services.audit import AuditEvent, AuditLog
from yinsi.services.backups import StoreBackups
from yinsi.services.compliance import Compliance
from yinsi.services.consent import ConsentLedger
from yinsi.services.consent_state import ConsentReader
from yinsi.services.console import Console
from yinsi.services.context import ServiceContext
from yinsi.services.disclosures import Disclosures
from yinsi.services.entrustments import Entrustments
from yinsi.services.handover import Handovers
from yinsi.services.housekeeping import Housekeeping
from yinsi.services.incidents import Incidents
from yinsi.services.keyring import KeyRing
from yinsi.services.leases import JobLeases
from yinsi.services.login_releases import LoginReleases
from yinsi.services.minors import GuardianLinks
from yinsi.services.notices.announcements import Announcements
from yinsi.services.notices.to_people import PeopleNotices
from yinsi.services.notices.to_recipients import RecipientNotices
from yinsi.services.notices.to_staff import StaffNotices
from yinsi.services.notifier import Notifier
from yinsi.services.policies import PolicySync, PolicyVersions
from yinsi.services.privacy_centre import PrivacyCentre
from yinsi.services.provisions import Provisions
from yinsi.services.public_disclosures import PublicDisclosures
from yinsi.services.retention import Retention
from yinsi.services.rights import Rights
from yinsi.services.self_service import SelfService
from yinsi.services.shutdown import Shutdown
from yinsi.services.staff import Staff
from yinsi.services.statistics import Statistics
from yinsi.services.transfers import Transfers
from yinsi.services.vault import Vault
from yinsi.services.webhooks import EventDelivery

log = logging.getLogger(__name__)

__all__ = ["PolicyHolder", "Services", "StartupError", "StoredMessage", "Yinsi", "open_yinsi"]


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


@dataclass(frozen=True, slots=True)
class Services:
    """The service classes, each built once over the shared ``ServiceContext`` with the few collaborators it
    composes (the vault where it opens or shreds PI, the notifier where it sends)."""

    context: ServiceContext
    ledger: ConsentLedger
    self_service: SelfService
    retention: Retention
    housekeeping: Housekeeping
    leases: JobLeases
    policies: PolicyVersions
    login_releases: LoginReleases
    guardian_links: GuardianLinks
    staff: Staff
    keys: ApiKeys
    people_notices: PeopleNotices
    announcements: Announcements
    staff_notices: StaffNotices
    recipient_notices: RecipientNotices
    incidents: Incidents
    shutdown: Shutdown
    entrustments: Entrustments
    transfers: Transfers
    compliance: Compliance
    backups: StoreBackups
    public_disclosures: PublicDisclosures
    provisions: Provisions
    disclosures: Disclosures
    statistics: Statistics


def build_services(
    context: ServiceContext, vault: Vault, notifier: Notifier, settings: Settings, versions: PolicyVersions
) -> Services:
    people = PeopleNotices(context, vault, notifier)
    retention = Retention(context, vault)
    provisions = Provisions(context, vault)
    return Services(
        context=context,
        ledger=ConsentLedger(context),
        self_service=SelfService(context, vault),
        retention=retention,
        housekeeping=Housekeeping(context, retention),
        leases=JobLeases(context),
        policies=versions,
        # Where third-party login releases go: the login gateway's webhook, or the console outbox.
        login_releases=LoginReleases(context, MessageLoginReleaser(notifier.sender_for(LOGIN_RELEASE_CHANNEL))),
        guardian_links=GuardianLinks(context, notifier),
        staff=Staff(context),
        keys=ApiKeys(context),
        people_notices=people,
        announcements=Announcements(context, vault, notifier),
        staff_notices=StaffNotices(context, notifier, inbox=settings.staff_notices_to),
        recipient_notices=RecipientNotices(context, notifier, pseudonym_of=provisions.subject_pseudonym),
        incidents=Incidents(context, people),
        shutdown=Shutdown(context, vault, people, retention),
        entrustments=Entrustments(context, vault),
        transfers=Transfers(context, vault, notifier),
        compliance=Compliance(context, settings),
        backups=StoreBackups(settings, context.engine, keys=context.keyring.provider, clock=context.clock),
        public_disclosures=PublicDisclosures(context, vault),
        provisions=provisions,
        disclosures=Disclosures(context, vault),
        statistics=Statistics(context, vault),
    )


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
    services: Services
    api_keys: VerifiedKeys
    now: Callable[[], datetime] = field(default=lambda: datetime.now(UTC))
    checkpoints: WalCheckpointer | None = None
    events: EventDelivery | None = None
    _event_rounds: Periodic | None = None

    # The services entry points call most, by name.
    @property
    def staff(self) -> Staff:
        return self.services.staff

    @property
    def incidents(self) -> Incidents:
        return self.services.incidents

    @property
    def shutdown(self) -> Shutdown:
        return self.services.shutdown

    @property
    def retention(self) -> Retention:
        return self.services.retention

    @property
    def announcements(self) -> Announcements:
        return self.services.announcements

    @property
    def entrustments(self) -> Entrustments:
        return self.services.entrustments

    @property
    def transfers(self) -> Transfers:
        return self.services.transfers

    @property
    def public_disclosures(self) -> PublicDisclosures:
        return self.services.public_disclosures

    @property
    def provisions(self) -> Provisions:
        return self.services.provisions

    @property
    def disclosures(self) -> Disclosures:
        return self.services.disclosures

    @property
    def statistics(self) -> Statistics:
        return self.services.statistics

    @cached_property
    def admin(self) -> Administration:
        sync = self.policy.sync
        return Administration(
            self.services.context,
            self.notifier,
            self.settings,
            staff=self.staff,
            keys=self.services.keys,
            announcements=self.announcements,
            backups=self.services.backups,
            policies=self.services.policies,
            follow_policy=sync.refresh if sync else lambda: None,
        )

    def healthy(self) -> None:
        """Raises unless the database answers (the ``/health`` probe)."""
        with self.engine.connect() as connection:
            connection.exec_driver_sql("SELECT 1")

    def console_outbox(self, *, newest: int | None, channel: str | None) -> list[tuple[StoredMessage, Message]]:
        """The console channel's messages, newest first and opened (development only: they hold login codes);
        older than the configured hours, they are deleted first."""
        from datetime import timedelta  # noqa: PLC0415 - only the outbox command needs it

        self.outbox.purge(self.now() - timedelta(hours=self.settings.outbox_keep_hours))
        secret = self.keyring.secret("outbox")
        return [(entry, open_outbox_message(secret, entry.sealed)) for entry in self.outbox.latest(newest, channel)]

    @functools.cached_property
    def console(self) -> Console:
        """The privacy officer's console (its pages call it); it makes this process follow a version it
        publishes at once."""
        return Console(
            self.services.context,
            self.vault,
            self.rights,
            self.notifier,
            refresh=self.policy.sync.refresh if self.policy.sync else None,
            settings=self.settings,
            events=self.events,
            staff=self.staff,
            incidents=self.incidents,
            announcements=self.announcements,
            entrustments=self.entrustments,
            compliance=self.services.compliance,
            policies=self.services.policies,
            provisions=self.provisions,
        )

    def follow(self) -> None:
        """For a server worker (opened with ``serving``): follow newly published policy versions, and copy
        SQLite's write-ahead log into the database in the background."""
        if self.policy.sync is not None:
            self.policy.sync.start()
        if self.checkpoints is not None:
            self.checkpoints.start()
        if self.events is not None and self.events.configured:
            self._event_rounds = Periodic("webhooks", self.settings.events_interval_seconds, self.events.deliver_due)
            self._event_rounds.start()

    def close(self) -> None:
        if self._event_rounds is not None:
            self._event_rounds.stop()
        if self.events is not None:
            self.events.close()
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


# ---------------------------------------------------------------- the store itself, for the command line


def has_store(settings: Settings) -> bool:
    """Whether the configured store exists, without creating anything there."""
    return store_guard.has_store(settings.resolved_database_url)


def serving(settings: Settings) -> AbstractContextManager[None]:
    """Held by a server process while it serves (shared); a restore is refused meanwhile."""
    return store_guard.serving(settings.resolved_database_url)


def exclusive(settings: Settings, what: Msg) -> AbstractContextManager[None]:
    """Held by a restore from start to end; refused at once while a server holds the store."""
    return store_guard.exclusive(settings.resolved_database_url, what)


def upgrade_store(settings: Settings) -> list[str]:
    """Applies every pending migration; returns the stores (data, keystore) that were behind."""
    engine = engine_for(settings, pool=False)
    try:
        before = pending(engine)
        upgrade(engine)
    finally:
        engine.dispose()
    return [name for name, behind in before.items() if behind]


def store_status(settings: Settings) -> dict[str, bool]:
    """For each store (data, keystore), whether migrations are pending."""
    engine = engine_for(settings, pool=False)
    try:
        return pending(engine)
    finally:
        engine.dispose()


def restore_data_store(settings: Settings, source: Path) -> int:
    """Restores the data store alone on it, replays every shred the keystore records, and re-anchors the audit
    chain; returns the event the chain was anchored at."""
    with exclusive(settings, Msg("恢复数据存储", "restore the data store")):
        with open_yinsi(settings, migrate=False) as yinsi:
            yinsi.services.backups.restore_data_store(source=source)
        # Reopening replays every shred recorded in the keystore before the store is used.
        with open_yinsi(settings) as yinsi:
            with yinsi.vault.unit() as uow:
                uow.record(AuditEvent("data-store-restored", "system", role="system"))
            return yinsi.audit.anchor(yinsi.engine, yinsi.now())


def restore_keystore(settings: Settings, source: Path) -> backups.KeystoreRestore:
    """Restores the keystore alone on the store (the live one is not opened first: it may be what is broken),
    then reopens, which destroys again every key shredded since the backup."""
    with exclusive(settings, Msg("恢复密钥库", "restore the keystore")):
        # No key file and no YINSI_MASTER_KEY: say which key the backup needs rather than create a new one.
        has_keys = settings.master_key is not None or settings.resolved_master_key_file.exists()
        keys = key_provider(settings) if has_keys else None
        engine = engine_for(settings, pool=False)
        try:
            upgrade(engine)
            store = StoreBackups(settings, engine, keys=keys, clock=lambda: datetime.now(UTC))
            done = store.restore_keystore(source=source)
        finally:
            engine.dispose()
        with open_yinsi(settings) as yinsi, yinsi.vault.unit() as uow:
            uow.record(
                AuditEvent(
                    "keystore-restored",
                    "system",
                    role="system",
                    details={
                        "backup_created_at": done.manifest.created_at.isoformat(),
                        "data_keys": done.data_keys,
                        "left_shredded": done.dropped,
                    },
                )
            )
    return done


def load_spec(path: Path) -> CompiledPolicy:
    result = load_policy_file(path)
    if result.spec is None:
        problems = "\n".join(p.format("en") for p in result.errors[:10])
        raise StartupError(f"the policy spec {path} is not valid:\n{problems}")
    return CompiledPolicy.from_spec(result.spec)


def _publish_if_first(versions: PolicyVersions, context: ServiceContext, path: Path) -> None:
    """``serve --policy FILE`` publishes FILE when nothing is published yet; a different published policy
    stays in force (changing it is a deliberate ``yinsi policy publish``)."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise StartupError(f"cannot read the policy spec {path}: {exc.strerror}") from None
    with context.unit() as uow:  # only while nothing is published: the check and the publish in one transaction
        current = versions.current_in(uow.connection)
        if current is None:
            versions.publish_in(uow, text=text, actor="system", name=str(path))
            log.info("published %s as the first policy version", path)
            return
    if load_spec(path).digest != current.digest:
        log.warning(
            "%s differs from the published version %s, which stays in force; run 'yinsi policy publish %s'",
            path,
            current.version,
            path,
        )


def notifier_for(
    settings: Settings,
    outbox: DbOutbox,
    keyring: KeyRing,
    clock: Callable[[], datetime],
    sms_signature: Callable[[], str],
) -> Notifier:
    """Configured gateways where given; everything else lands in the (sealed) console outbox. Every SMS is
    signed with ``sms_signature()`` on its way out."""
    console = ConsoleMessageSender(outbox, keyring.secret("outbox"), clock)
    senders: dict[str, MessageSender] = {}
    secret = settings.webhook_secret.encode() if settings.webhook_secret else None
    if settings.sms_webhook_url:
        senders["sms"] = WebhookMessageSender(settings.sms_webhook_url, secret=secret)
    if settings.recipient_webhooks:
        # Each notice goes to the recipient's own https:// deletion channel; any other channel to the outbox.
        senders["recipient"] = AddressedWebhookSender(console, secret=secret)
    if settings.push_webhook_url:
        senders["push"] = WebhookMessageSender(settings.push_webhook_url, secret=secret)
    if settings.login_release_webhook_url:
        senders["login_release"] = WebhookMessageSender(settings.login_release_webhook_url, secret=secret)
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
    return Notifier(senders, console, sms_signature=sms_signature)


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
    # Nothing here asks for the policy yet: it is installed (or published first) just below.
    vault = Vault(engine, policy=holder.current, keyring=keyring, audit=audit, consents=ConsentReader(), now=clock)
    context = ServiceContext(engine, audit, keyring, holder.current, clock, vault.appender)
    versions = PolicyVersions(context)
    if policy is not None:
        holder.compiled = policy
    else:
        if settings.policy_path is not None:
            _publish_if_first(versions, context, settings.policy_path)
        holder.sync = PolicySync(engine, holder.install)
        holder.sync.refresh()
    replayed = vault.replay_shreds()
    if replayed:
        log.warning("purged %d shredded subject(s) found in the data store", len(replayed))
    outbox = DbOutbox(engine)

    def sms_signature() -> str:  # the policy in force at each send, not the one at start-up
        return holder.current().spec.sms_signature()

    notifier = notifier_for(settings, outbox, keyring, clock, sms_signature)
    services = build_services(context, vault, notifier, settings, versions)
    accounts = Accounts(context, vault, notifier, ledger=services.ledger)
    rights = Rights(
        context,
        vault,
        accounts,
        notifier,
        export_minutes=settings.export_link_minutes,
        staff_inbox=settings.staff_notices_to,
        staff=services.staff,
        ledger=services.ledger,
        self_service=services.self_service,
        retention=services.retention,
        login_releases=services.login_releases,
    )
    checkpoints = WalCheckpointer(engine) if serving else None
    try:
        events = EventDelivery(
            engine, url=settings.events_url, secret=settings.events_secret, now=clock, unit=vault.unit
        )
    except ValueError as exc:  # names what is wrong, never the secret or the URL
        raise StartupError(f"YINSI_EVENTS_URL / YINSI_EVENTS_SECRET: {exc}") from None
    return Yinsi(
        settings=settings,
        engine=engine,
        keyring=keyring,
        audit=audit,
        policy=holder,
        vault=vault,
        notifier=notifier,
        outbox=outbox,
        accounts=accounts,
        rights=rights,
        centre=PrivacyCentre(
            context,
            vault,
            accounts,
            rights,
            notifier,
            ledger=services.ledger,
            self_service=services.self_service,
            guardian_links=services.guardian_links,
            handovers=Handovers(context, accounts),
        ),
        services=services,
        api_keys=VerifiedKeys(services.keys),
        now=clock,
        checkpoints=checkpoints,
        events=events,
    )
