"""The only place that chooses adapters from configuration and wires the services together.

Entry points (the HTTP app, the CLI, jobs) call ``open_yinsi`` and get one
object holding the engine, the key ring, the audit log and the services.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import Engine

from yinsi.adapters.db.engine import make_engine
from yinsi.adapters.db.migrate import pending, upgrade
from yinsi.adapters.keys.env import EnvKeyProvider
from yinsi.adapters.keys.local_file import LocalFileKeyProvider
from yinsi.config import Settings
from yinsi.core.policy.compiled import CompiledPolicy
from yinsi.core.policy.load import load_policy_file
from yinsi.core.ports import KeyProvider
from yinsi.services.audit import AuditLog
from yinsi.services.consent_state import ConsentReader
from yinsi.services.keyring import KeyRing
from yinsi.services.vault import Vault

log = logging.getLogger(__name__)


class StartupError(Exception):
    """Something the operator must fix before yinsi can start; the message says what."""


def key_provider(settings: Settings) -> KeyProvider:
    if settings.master_key:
        return EnvKeyProvider(settings.master_key)
    return LocalFileKeyProvider(settings.resolved_master_key_file)


def engine_for(settings: Settings, *, pool: bool = True) -> Engine:
    return make_engine(settings.resolved_database_url, keystore_path=settings.resolved_keystore_path, pool=pool)


@dataclass
class PolicyHolder:
    """The policy in force; swapped atomically when a new version is published."""

    compiled: CompiledPolicy | None = None
    acceptable_versions: frozenset[str] | None = None

    def current(self) -> CompiledPolicy:
        if self.compiled is None:
            raise StartupError("no policy is loaded: pass --policy FILE or publish one with 'yinsi policy publish'")
        return self.compiled


@dataclass
class Yinsi:
    settings: Settings
    engine: Engine
    keyring: KeyRing
    audit: AuditLog
    policy: PolicyHolder
    vault: Vault
    now: Callable[[], datetime] = field(default=lambda: datetime.now(UTC))

    def close(self) -> None:
        self.engine.dispose()


def load_spec(path: Path) -> CompiledPolicy:
    result = load_policy_file(path)
    if result.spec is None:
        problems = "\n".join(p.format("en") for p in result.errors[:10])
        raise StartupError(f"the policy spec {path} is not valid:\n{problems}")
    return CompiledPolicy.from_spec(result.spec)


def open_yinsi(
    settings: Settings,
    *,
    migrate: bool = True,
    policy: CompiledPolicy | None = None,
    now: Callable[[], datetime] | None = None,
    pool: bool = True,
) -> Yinsi:
    """Connects, migrates (if asked), unwraps the secrets, loads the policy, and replays shreds."""
    clock = now or (lambda: datetime.now(UTC))
    engine = engine_for(settings, pool=pool)
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
    elif settings.policy_path is not None:
        holder.compiled = load_spec(settings.policy_path)
    consents = ConsentReader(lambda: holder.acceptable_versions)
    vault = Vault(engine, policy=holder.current, keyring=keyring, audit=audit, consents=consents, now=clock)
    replayed = vault.replay_shreds()
    if replayed:
        log.warning("purged %d shredded subject(s) found in the data store", len(replayed))
    return Yinsi(settings, engine, keyring, audit, holder, vault, clock)
