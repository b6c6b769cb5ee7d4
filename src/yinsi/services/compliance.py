"""What only the running system can show about compliance: the store half of ``yinsi check``.

Each check reads the store through the tables the other services write and
returns findings under the same numbered requirements as the spec checks of
``core.policy.compliance``. Evidence gives counts and dates, never a value or
a subject's id: the report may be pasted into a ticket.
"""

from __future__ import annotations

import stat
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path

from sqlalchemy import func, select

from yinsi.adapters.db.rows import (
    AccessLogRow,
    AuditAnchorRow,
    AuditEventRow,
    ConsentStateRow,
    PiValueRow,
    PolicyStateRow,
    PolicyVersionRow,
    RecipientNoticeRow,
    RightsRequestRow,
    SubjectRow,
    table_of,
)
from yinsi.config import Settings
from yinsi.core.access import GRANTED
from yinsi.core.i18n import Msg
from yinsi.core.policy.check import SIX_MONTHS
from yinsi.core.policy.compliance import REQUIREMENTS, ComplianceFinding, ComplianceReport, Status, compliance_report
from yinsi.core.policy.load import LoadResult, load_policy_text
from yinsi.core.policy.model import PolicySpec
from yinsi.core.policy.vocabulary import MinorsRule
from yinsi.core.requests import FINAL
from yinsi.services.context import ServiceContext
from yinsi.services.policies import PolicyVersions

ANCHOR_MAX_AGE = timedelta(days=7)
"""An anchor older than this leaves a week of events whose deletion from the end would go unnoticed."""
BACKUP_MAX_AGE = timedelta(days=30)
NOTICE_GRACE = timedelta(days=1)
"""A notice to a recipient still pending after a day means the delivery job is not running or keeps failing."""
SWEEP_GRACE = timedelta(days=1)
"""Retention and log sweeps run at least daily: anything older than its end by more than this was missed."""

_anchor = table_of(AuditAnchorRow)
_events = table_of(AuditEventRow)
_values = table_of(PiValueRow)
_subjects = table_of(SubjectRow)
_logs = table_of(AccessLogRow)
_requests = table_of(RightsRequestRow)
_consent = table_of(ConsentStateRow)
_versions = table_of(PolicyVersionRow)
_policy_state = table_of(PolicyStateRow)
_notices = table_of(RecipientNoticeRow)


def _finding(rid: str, status: Status, zh: str, en: str, check: str) -> ComplianceFinding:
    return ComplianceFinding(REQUIREMENTS[rid], status, Msg(zh, en), f"store:{check}")


class Compliance:
    """The compliance checks that need the store: each opens its own read, and none writes."""

    def __init__(self, context: ServiceContext, settings: Settings) -> None:
        self._context = context
        self._settings = settings  # where the store's files are, for their modes

    def store_report(
        self,
        *,
        given: LoadResult | None = None,
        files: list[ComplianceFinding] | None = None,
    ) -> ComplianceReport | None:
        """The whole report for a store: the spec ``given`` (else the version in force) and the store's findings,
        which are always judged against the version in force. None when there is no spec at all to check. The
        console shows this; ``yinsi check`` prints it, with ``files`` as ``file_findings`` saw them before it
        opened the store (opening a SQLite store makes its files the owner's alone)."""
        with self._context.connect() as connection:
            in_force = PolicyVersions.current_in(connection)
        in_force_result = (
            load_policy_text(in_force.spec_text, f"policy {in_force.version} (in force)")
            if in_force is not None
            else None
        )
        result = given if given is not None else in_force_result
        if result is None:
            return None
        store_spec = in_force_result.spec if in_force_result is not None else result.spec
        store = self.check_store(spec=store_spec, files=files) if store_spec is not None else []
        return compliance_report(result, store, store_checked=True)

    def check_store(self, *, spec: PolicySpec, files: list[ComplianceFinding] | None = None) -> list[ComplianceFinding]:
        """Every store finding for the policy ``spec`` in force, as of now (UTC)."""
        now = self._context.now()
        return [
            *self._audit_chain(now),
            *self._retention(now),
            *self._access_logs(spec, now),
            *self._requests_due(now),
            *self._policy_accepted(),
            *self._minors(spec),
            *self._backups(now),
            *(files if files is not None else file_findings(self._settings)),
            *self._recipient_notices(now),
        ]

    def _audit_chain(self, now: datetime) -> Iterator[ComplianceFinding]:
        result = self._context.audit.verify(self._context.engine)
        if not result.ok:
            yield _finding(
                "SEC-06",
                Status.FAIL,
                f"审计链在第 {result.first_bad_seq} 号事件附近断开（{result.problem}）：有人修改或删除了审计记录。",
                f"The audit chain is broken near event {result.first_bad_seq} ({result.problem}): audit records were "
                "changed or deleted.",
                "audit_chain",
            )
            return
        with self._context.connect() as connection:
            anchored = connection.execute(select(func.max(_anchor.c.at))).scalar()
        if result.checked and anchored is None:
            yield _finding(
                "SEC-06",
                Status.WARN,
                f"审计链完整（{result.checked} 个事件），但从未锚定：删除最新的事件不会被发现。请运行 yinsi audit anchor。",
                f"The audit chain verifies ({result.checked} events) but was never anchored: deleting the newest events "
                "would go unnoticed. Run yinsi audit anchor.",
                "audit_anchor",
            )
        elif anchored is not None and now - anchored > ANCHOR_MAX_AGE:
            yield _finding(
                "SEC-06",
                Status.WARN,
                f"审计链完整（{result.checked} 个事件），但最近一次锚定在 {_days(now - anchored)} 天前（应不超过 7 天）。",
                f"The audit chain verifies ({result.checked} events), but it was last anchored {_days(now - anchored)} "
                "days ago (at most 7 is expected).",
                "audit_anchor",
            )
        else:
            yield _finding(
                "SEC-06",
                Status.PASS,
                f"审计链完整（{result.checked} 个事件），并在 7 天内锚定。",
                f"The audit chain verifies ({result.checked} events) and was anchored within 7 days.",
                "audit_chain",
            )

    def _retention(self, now: datetime) -> Iterator[ComplianceFinding]:
        cutoff = now - SWEEP_GRACE
        with self._context.connect() as connection:
            late = connection.execute(
                select(func.count())
                .select_from(_values)
                .where(_values.c.retain_until.is_not(None), _values.c.retain_until < cutoff)
            ).scalar_one()
        if late:
            yield _finding(
                "RET-02",
                Status.FAIL,
                f"有 {late} 个值已超过保存期限一天以上仍未删除：保存期限清理（yinsi jobs）没有运行。",
                f"{late} values are more than a day past their retention and still held: the retention sweep "
                "(yinsi jobs) is not running.",
                "retention",
            )
        else:
            yield _finding(
                "RET-02", Status.PASS, "没有超过保存期限的值。", "No value is past its retention.", "retention"
            )

    def _access_logs(self, spec: PolicySpec, now: datetime) -> Iterator[ComplianceFinding]:
        logs = spec.access_logs
        if logs is None or not logs.kept:
            yield _finding(
                "SEC-06",
                Status.NOT_APPLICABLE,
                "政策不保存网络日志。",
                "The policy keeps no access logs.",
                "access_logs",
            )
            return
        kept_days = logs.retention.approx_days()
        with self._context.connect() as connection:
            oldest = connection.execute(select(func.min(_logs.c.login_at))).scalar()
        if kept_days < SIX_MONTHS.approx_days():
            yield _finding(
                "SEC-06",
                Status.FAIL,
                f"网络日志只保存 {logs.retention}，少于法定的六个月。",
                f"Access logs are kept for {logs.retention}, less than the six months the law requires.",
                "access_logs",
            )
        elif oldest is not None and (now - oldest).total_seconds() / 86400 > kept_days + SWEEP_GRACE.days:
            yield _finding(
                "SEC-06",
                Status.FAIL,
                f"最早的网络日志已有 {_days(now - oldest)} 天，超过政策所说的 {logs.retention}：日志清理没有运行。",
                f"The oldest access log is {_days(now - oldest)} days old, longer than the {logs.retention} the policy "
                "states: the log sweep is not running.",
                "access_logs",
            )
        else:
            yield _finding(
                "SEC-06",
                Status.PASS,
                f"网络日志保存 {logs.retention}（不少于六个月），没有更早的日志。",
                f"Access logs are kept for {logs.retention} (at least six months) and none is older.",
                "access_logs",
            )

    def _requests_due(self, now: datetime) -> Iterator[ComplianceFinding]:
        from yinsi.core.deadlines import today_in_china  # noqa: PLC0415 - loads the holiday calendar

        today = today_in_china(now)
        with self._context.connect() as connection:
            overdue = connection.execute(
                select(func.count())
                .select_from(_requests)
                .where(_requests.c.state.not_in([s.value for s in FINAL]), _requests.c.due_on < today)
            ).scalar_one()
            open_ = connection.execute(
                select(func.count()).select_from(_requests).where(_requests.c.state.not_in([s.value for s in FINAL]))
            ).scalar_one()
        if overdue:
            yield _finding(
                "RGT-03",
                Status.FAIL,
                f"有 {overdue} 个权利请求已过答复期限（共 {open_} 个未结）。",
                f"{overdue} rights requests are past their deadline ({open_} open in all).",
                "requests",
            )
        else:
            yield _finding(
                "RGT-03",
                Status.PASS,
                f"没有逾期的权利请求（{open_} 个未结）。",
                f"No rights request is overdue ({open_} open).",
                "requests",
            )

    def _policy_accepted(self) -> Iterator[ComplianceFinding]:
        with self._context.connect() as connection:
            baseline = connection.execute(select(_policy_state.c.baseline_id).where(_policy_state.c.id == 1)).scalar()
            if baseline is None:
                yield _finding(
                    "CON-03",
                    Status.NOT_APPLICABLE,
                    "存储中还没有发布的政策。",
                    "No policy is published in the store yet.",
                    "policy_accepted",
                )
                return
            accepted = (
                select(_consent.c.subject_id, _versions.c.id.label("version_id"))
                .outerjoin(_versions, _versions.c.version == _consent.c.policy_version)
                .where(_consent.c.kind == "policy", _consent.c.scope == "current", _consent.c.status == GRANTED)
                .subquery()
            )
            rows = connection.execute(
                select(
                    func.count().label("subjects"),
                    func.count(accepted.c.subject_id).label("accepted"),
                    func.count(accepted.c.subject_id)
                    .filter((accepted.c.version_id < baseline) | accepted.c.version_id.is_(None))
                    .label("stale"),
                )
                .select_from(_subjects.outerjoin(accepted, accepted.c.subject_id == _subjects.c.id))
                .where(_subjects.c.status == "active")
            ).one()
        subjects, granted, stale = int(rows.subjects), int(rows.accepted), int(rows.stale or 0)
        never = subjects - granted
        if never:
            yield _finding(
                "CON-03",
                Status.WARN,
                f"{subjects} 人中有 {never} 人从未接受隐私政策（基于同意的处理对其都会被拒绝）；"
                f"{granted - stale} 人已接受现行版本，{stale} 人在重大变更后已标记为待重新征求同意。",
                f"{never} of {subjects} people never accepted the policy (processing on consent is refused for them); "
                f"{granted - stale} accepted the version in force and {stale} are marked to be asked again after a "
                "material change.",
                "policy_accepted",
            )
        else:
            yield _finding(
                "CON-03",
                Status.PASS,
                f"{subjects} 人中 {granted - stale} 人已接受现行版本，{stale} 人在重大变更后已标记为待重新征求同意。",
                f"Of {subjects} people, {granted - stale} accepted the version in force and {stale} are marked to be "
                "asked again after a material change.",
                "policy_accepted",
            )

    def _minors(self, spec: PolicySpec) -> Iterator[ComplianceFinding]:
        minors = spec.minors
        if minors is None or minors.rule is not MinorsRule.ADULTS_ONLY:
            return
        with self._context.connect() as connection:
            found = connection.execute(
                select(func.count())
                .select_from(_subjects)
                .where(_subjects.c.status == "active", _subjects.c.minor.in_(["under_14", "under_18"]))
            ).scalar_one()
        if found:
            yield _finding(
                "CON-09",
                Status.FAIL,
                f"政策只面向成年人，存储中却有 {found} 个未成年人的个人信息。",
                f"The policy is for adults only, yet the store holds the PI of {found} minors.",
                "minors",
            )
        else:
            yield _finding(
                "CON-09",
                Status.PASS,
                "政策只面向成年人，存储中没有已知的未成年人。",
                "The policy is for adults only and the store holds no known minor.",
                "minors",
            )

    def _backups(self, now: datetime) -> Iterator[ComplianceFinding]:
        with self._context.connect() as connection:
            last = connection.execute(
                select(func.max(_events.c.at)).where(_events.c.action == "keystore-backed-up")
            ).scalar()
        if last is None:
            yield _finding(
                "SEC-01",
                Status.WARN,
                "密钥库从未备份：丢失密钥即丢失全部个人信息。请运行 yinsi keys backup。",
                "The keystore was never backed up: losing the keys loses every value. Run yinsi keys backup.",
                "keystore_backup",
            )
        elif now - last > BACKUP_MAX_AGE:
            yield _finding(
                "SEC-01",
                Status.WARN,
                f"密钥库最近一次备份在 {_days(now - last)} 天前（应不超过 30 天）。",
                f"The keystore was last backed up {_days(now - last)} days ago (at most 30 is expected).",
                "keystore_backup",
            )
        else:
            yield _finding(
                "SEC-01",
                Status.PASS,
                f"密钥库在 {_days(now - last)} 天前备份过。",
                f"The keystore was backed up {_days(now - last)} days ago.",
                "keystore_backup",
            )

    def _recipient_notices(self, now: datetime) -> Iterator[ComplianceFinding]:
        with self._context.connect() as connection:
            late = connection.execute(
                select(func.count())
                .select_from(_notices)
                .where(_notices.c.status.in_(["pending", "sending", "failed"]), _notices.c.at < now - NOTICE_GRACE)
            ).scalar_one()
            waiting = connection.execute(
                select(func.count())
                .select_from(_notices)
                .where(_notices.c.status.in_(["pending", "sending", "failed"]))
            ).scalar_one()
        if late:
            yield _finding(
                "RET-06",
                Status.FAIL,
                f"有 {late} 个给接收方的删除或更正通知超过一天仍未送达。",
                f"{late} notices telling recipients to delete or correct have not been delivered after a day.",
                "recipient_notices",
            )
        else:
            yield _finding(
                "RET-06",
                Status.PASS,
                f"需要通知接收方的都已通知（{waiting} 个在一天内待发）。",
                f"Every recipient told to delete or correct has been told ({waiting} waiting less than a day).",
                "recipient_notices",
            )


def _days(delta: timedelta) -> int:
    return max(0, delta.days)


def file_findings(settings: Settings) -> list[ComplianceFinding]:
    """Whether the key file and the stores are the owner's alone, as they are now (before a store is opened)."""
    return list(_files(settings))


def _files(settings: Settings) -> Iterator[ComplianceFinding]:
    paths: list[Path] = [settings.resolved_keystore_path]
    if settings.master_key_file is not None or settings.resolved_master_key_file.exists():
        paths.append(settings.resolved_master_key_file)
    if settings.is_sqlite:
        paths.append(Path(settings.resolved_database_url.removeprefix("sqlite:///")))
    open_to_others = []
    for path in paths:
        try:
            mode = path.stat().st_mode
        except OSError:
            continue
        if mode & (stat.S_IRWXG | stat.S_IRWXO):
            open_to_others.append(f"{path.name} ({stat.filemode(mode)})")
    if open_to_others:
        names = ", ".join(open_to_others)
        yield _finding(
            "SEC-01",
            Status.FAIL,
            f"以下文件可被其他用户读取或写入：{names}。请改为只有所有者可访问（chmod 600）。",
            f"Other users can read or write these files: {names}. Make them the owner's alone (chmod 600).",
            "file_modes",
        )
    else:
        yield _finding(
            "SEC-01",
            Status.PASS,
            "密钥文件和存储只有所有者可以访问。",
            "The key file and the stores are the owner's alone.",
            "file_modes",
        )
