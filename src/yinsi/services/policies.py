"""Publishing policy versions, and keeping every process on the version in force.

``publish`` stores a new version and compares it with the one in force. A
material change (one of the six kinds) moves the baseline: from then on a
person who accepted only an older version is asked again, and processing that
depends on their consent is refused until they accept (a distinct error,
``policy_reconsent_required``). A minor change is only announced. Either way
the person's own choices (their consents, permissions, personalisation
switch) are never changed by a new version.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from threading import Lock
from typing import NamedTuple

from sqlalchemy import Connection, Engine, insert, select, update

from yinsi.adapters.db.rows import AnnouncementRow, PolicyStateRow, PolicyVersionRow, table_of
from yinsi.core.errors import Conflict, YinsiError
from yinsi.core.i18n import Msg
from yinsi.core.periodic import Periodic
from yinsi.core.policy.compiled import CompiledPolicy
from yinsi.core.policy.diff import PolicyDiff, diff_policies
from yinsi.core.policy.load import load_policy_text
from yinsi.core.policy.model import PolicySpec
from yinsi.services import webhooks
from yinsi.services.audit import AuditEvent
from yinsi.services.context import ServiceContext
from yinsi.services.unit_of_work import UnitOfWork

_versions = table_of(PolicyVersionRow)
_state = table_of(PolicyStateRow)
_announcements = table_of(AnnouncementRow)


class InvalidPolicy(YinsiError):
    code = "invalid_policy"


@dataclass(frozen=True, slots=True)
class Published:
    id: int
    version: str
    material: bool
    diff: PolicyDiff | None  # None for the first version
    unchanged: bool = False
    announcement_id: int | None = None


def compile_text(text: str, name: str = "policy") -> CompiledPolicy:
    result = load_policy_text(text, name)
    if result.spec is None:
        first = "; ".join(p.format("en") for p in result.errors[:3])
        raise InvalidPolicy(Msg(f"规范无效：{first}", f"The spec is not valid: {first}"))
    return CompiledPolicy.from_spec(result.spec)


class Current(NamedTuple):
    id: int
    version: str
    spec_text: str
    digest: str


class PolicyVersions:
    """The policy versions: publishing one (diffed against the one in force, announced when it changes what
    people are told) and their history."""

    def __init__(self, context: ServiceContext) -> None:
        self._context = context

    def publish(self, *, text: str, actor: str, name: str = "policy") -> Published:
        """Stores ``text`` as the version in force; refuses an invalid spec or a reused version label."""
        with self._context.unit() as uow:
            return self.publish_in(uow, text=text, actor=actor, name=name)

    def in_force(self) -> Current | None:
        """The version in force, if any."""
        with self._context.connect() as connection:
            return self.current_in(connection)

    @staticmethod
    def current_in(connection: Connection, *, lock: bool = False) -> Current | None:
        """The version in force; ``lock`` holds the policy state until the transaction ends (a publisher's)."""
        query = (
            select(_versions.c.id, _versions.c.version, _versions.c.spec_text, _versions.c.digest)
            .join(_state, _state.c.current_id == _versions.c.id)
            .where(_state.c.id == 1)
        )
        row = connection.execute(query.with_for_update(of=_state) if lock else query).first()
        return Current(int(row.id), row.version, row.spec_text, row.digest) if row is not None else None

    def publish_in(self, uow: UnitOfWork, *, text: str, actor: str, name: str = "policy") -> Published:
        """``publish`` in the caller's transaction (a first start publishes only while nothing is)."""
        now = self._context.now()
        compiled = compile_text(text, name)
        connection = uow.connection
        digest = compiled.digest
        # Locked: two publishers take turns, so neither diffs against a version the other just replaced.
        previous = self.current_in(connection, lock=True)
        change: PolicyDiff | None = None
        if previous is not None:
            if previous.digest == digest:
                return Published(previous.id, previous.version, False, None, unchanged=True)
            change = diff_policies(compile_text(previous.spec_text, "current").spec, compiled.spec)
        taken = connection.execute(select(_versions.c.id).where(_versions.c.version == compiled.version)).first()
        if taken is not None:
            raise Conflict(
                Msg(
                    f"版本号 {compiled.version} 已经发布过；新的政策需要新的版本号（policy.version）。",
                    f"Version {compiled.version} was published already; a new policy needs a new policy.version.",
                )
            )
        material = change is not None and change.material
        kinds = [k.value for k in change.material_kinds] if change is not None else []
        version_id = int(
            connection.execute(
                insert(_versions)
                .values(
                    version=compiled.version,
                    digest=digest,
                    spec_text=text,
                    published_at=now,
                    material=material,
                    material_kinds=kinds,
                    changes=[
                        {
                            "path": list(map(str, c.path)),
                            "change": c.change,
                            "material": c.kind.value if c.kind else None,
                            "zh": c.summary.zh,
                            "en": c.summary.en,
                        }
                        for c in (change.changes if change is not None else [])
                    ],
                )
                .returning(_versions.c.id)
            ).scalar_one()
        )
        if previous is None:
            connection.execute(
                insert(_state).values(
                    id=1, current_version=compiled.version, current_id=version_id, baseline_id=version_id
                )
            )
        else:
            values: dict[str, object] = {"current_version": compiled.version, "current_id": version_id}
            if material:
                values["baseline_id"] = version_id
            connection.execute(update(_state).where(_state.c.id == 1).values(**values))
        announcement = _announce(uow, compiled.spec, change, now) if previous is not None else None
        webhooks.enqueue(
            connection,
            webhooks.POLICY_PUBLISHED,
            {
                "version": compiled.version,
                "previous_version": previous.version if previous is not None else None,
                "material": material,
                "material_kinds": kinds,
            },
            now=now,
        )
        uow.record(
            AuditEvent(
                "policy-published",
                actor,
                role="system",
                details={"version": compiled.version, "material": material, "kinds": kinds, "digest": digest},
            )
        )
        return Published(version_id, compiled.version, material, change, announcement_id=announcement)

    def history(self) -> list[dict[str, object]]:
        """Every version published, oldest first."""
        with self._context.connect() as connection:
            rows = connection.execute(
                select(
                    _versions.c.id,
                    _versions.c.version,
                    _versions.c.published_at,
                    _versions.c.material,
                    _versions.c.material_kinds,
                ).order_by(_versions.c.id)
            )
            return [dict(r._mapping) for r in rows]


def _announce(uow: UnitOfWork, spec: PolicySpec, change: PolicyDiff | None, now: datetime) -> int:
    material = change is not None and change.material
    kinds = ", ".join(k.value for k in change.material_kinds) if change is not None else ""
    zh = (
        f"隐私政策已更新至 {spec.policy.version}（重大变更：{kinds}），请阅读并确认后继续使用相关功能。"
        if material
        else f"隐私政策已更新至 {spec.policy.version}（一般变更）。"
    )
    en = (
        f"The privacy policy was updated to {spec.policy.version} (material change: {kinds}); please read and "
        "accept it to continue using the features that rely on your consent."
        if material
        else f"The privacy policy was updated to {spec.policy.version} (minor change)."
    )
    channels = [c.value for c in spec.changes.channels] or ["website"]
    return int(
        uow.connection.execute(
            insert(_announcements)
            .values(
                kind="policy-change",
                policy_version=spec.policy.version,
                material=material,
                channels=channels,
                summary_zh=zh,
                summary_en=en,
                created_at=now,
            )
            .returning(_announcements.c.id)
        ).scalar_one()
    )


class PolicySync:
    """Keeps a process's compiled policy equal to the version in force.

    A server follows the database from a background thread (``start``), every ``interval`` seconds, so a
    version published by ``yinsi policy publish`` is in force in every worker within a second, and asking
    for the policy in the middle of a use case never opens a connection (a request holding the write lock
    must never wait for a second one). Short-lived commands check once, when they open.
    """

    def __init__(self, engine: Engine, install: Callable[[CompiledPolicy], None], interval: float = 0.5) -> None:
        self._engine = engine
        self._install = install
        self._current_id: int | None = None
        self._lock = Lock()
        self._rounds = Periodic("policy-sync", interval, self.refresh)

    def refresh(self) -> bool:
        """Installs the version in force if it changed; True when it did. Call it holding no connection."""
        with self._lock, self._engine.connect() as connection:
            current_id = connection.execute(select(_state.c.current_id).where(_state.c.id == 1)).scalar()
            if current_id is None or current_id == self._current_id:
                return False
            row = PolicyVersions.current_in(connection)
        if row is None:
            return False
        compiled = compile_text(row.spec_text, row.version)
        with self._lock:
            self._install(compiled)
            self._current_id = row.id
        return True

    def start(self) -> None:
        self._rounds.start()

    def stop(self) -> None:
        self._rounds.stop()
