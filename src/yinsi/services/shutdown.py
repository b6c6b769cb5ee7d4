"""Shutting the service down (PIPL Art. 47(1)(2), RET-04): announce, stop collecting at the date, then erase.

``schedule`` refuses a date closer than the spec's ``shutdown.notice`` period, records the shutdown, publishes
an announcement and tells every person through the spec's shutdown channels. From the date on, the vault
refuses new subjects and new values (``CollectionGate``). The ``shutdown`` job then erases every subject's PI
(crypto-shredding: key, values, blind indexes; anonymised counts first where ``shutdown.after`` says
``anonymise``), in chunks any number of workers share; subjects under a legal hold keep their PI, restricted
to storage, and are named in the final record by count. The last chunk writes the final audit record,
``service-shut-down``. Until the date, ``cancel`` calls it all off.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import Connection, exists, func, insert, select, update

from yinsi.adapters.db.claim import Claim
from yinsi.adapters.db.rows import AnnouncementRow, LegalHoldRow, PiValueRow, ShutdownRow, SubjectRow, table_of
from yinsi.core.deadlines import midnight_in_china, today_in_china
from yinsi.core.errors import BadRequest, Conflict
from yinsi.core.i18n import Msg
from yinsi.core.policy import labels
from yinsi.core.policy.model import PolicySpec
from yinsi.core.policy.vocabulary import Channel, OnExpiry
from yinsi.services.audit import AuditEvent
from yinsi.services.context import ServiceContext
from yinsi.services.notices.to_people import PeopleNotices, Told
from yinsi.services.retention import Retention
from yinsi.services.vault import Actor, Vault

_shutdowns = table_of(ShutdownRow)
_subjects = table_of(SubjectRow)
_holds = table_of(LegalHoldRow)
_values = table_of(PiValueRow)
_announcements = table_of(AnnouncementRow)

CHUNK = 200
_HELD = exists().where(_holds.c.subject_id == _subjects.c.id, _holds.c.released_at.is_(None))
_TO_ERASE = Claim(
    select(_subjects.c.id).where(_subjects.c.status.in_(["active", "restricted"]), ~_HELD).limit(CHUNK),
    of=_subjects,
)
_OPEN = select(_shutdowns).where(_shutdowns.c.status == "scheduled").order_by(_shutdowns.c.id.desc()).limit(1)


def _in_force(connection: Connection) -> Any:
    return connection.execute(_OPEN).first()


class Shutdown:
    """Scheduling, cancelling and carrying out the end of the service."""

    def __init__(self, context: ServiceContext, vault: Vault, people: PeopleNotices, retention: Retention) -> None:
        self._context = context
        self._retention = retention
        self._vault = vault  # shreds each subject, and stops collection at the date
        self._people = people

    def state(self) -> dict[str, Any]:
        """The shutdown in force, if any: for the public API and the operator."""
        with self._context.connect() as connection:
            row = connection.execute(
                select(_shutdowns)
                .where(_shutdowns.c.status.in_(["scheduled", "completed"]))
                .order_by(_shutdowns.c.id.desc())
                .limit(1)
            ).first()
        if row is None:
            return {"scheduled": False, "effective_at": None, "status": None}
        return {
            "scheduled": row.status == "scheduled",
            "status": row.status,
            "effective_at": row.effective_at.isoformat(),
            "completed_at": row.completed_at.isoformat() if row.completed_at else None,
        }

    def schedule(self, *, at: datetime, actor: Actor, reason: str = "") -> dict[str, Any]:
        """Announces the shutdown at ``at`` and tells everyone; refused closer than the spec's notice period."""
        spec = self._context.policy.spec
        now = self._context.now()
        _check_date(spec, at, now)
        if len(reason) > 1000:
            raise BadRequest(
                Msg("停止运营说明不能超过 1000 个字符。", "The reason is at most 1000 characters."), field="reason"
            )
        text = _announcement(spec, at, reason)
        with self._context.unit() as uow:
            connection = uow.connection
            if _in_force(connection) is not None:
                raise Conflict(
                    Msg("已经安排了停止运营；请先取消。", "A shutdown is already scheduled; cancel it first.")
                )
            announcement_id = _insert_announcement(
                connection,
                kind="shutdown",
                channels=[c.value for c in spec.shutdown.channels] or [Channel.ANNOUNCEMENT.value],
                text=text,
                now=now,
            )
            shutdown_id = int(
                connection.execute(
                    insert(_shutdowns)
                    .values(
                        status="scheduled",
                        effective_at=at,
                        scheduled_at=now,
                        scheduled_by=actor.id,
                        announcement_id=announcement_id,
                        notified=0,
                        reason=reason,
                        summary={},
                    )
                    .returning(_shutdowns.c.id)
                ).scalar_one()
            )
            subjects = list(connection.execute(select(_subjects.c.id).where(_subjects.c.status == "active")).scalars())
            uow.record(
                AuditEvent(
                    "shutdown-scheduled",
                    actor.id,
                    role=actor.role,
                    details={"shutdown": shutdown_id, "effective_at": at.isoformat(), "announcement": announcement_id},
                )
            )
        self._vault.collection.forget()
        told = self._people.tell(
            subjects=subjects,
            channels=[c.value for c in spec.shutdown.channels],
            title="停止运营通知",
            text=text,
            tags={"kind": "shutdown", "shutdown": str(shutdown_id)},
        )
        self._record_told(shutdown_id, announcement_id, told, actor)
        return {
            "shutdown": shutdown_id,
            "effective_at": at.isoformat(),
            "announcement": announcement_id,
            "reached": told.reached,
            "unreached": len(told.unreached),
            "messages": told.messages,
        }

    def _record_told(self, shutdown_id: int, announcement_id: int, told: Told, actor: Actor) -> None:
        with self._context.unit() as uow:
            uow.connection.execute(
                update(_shutdowns).where(_shutdowns.c.id == shutdown_id).values(notified=told.reached)
            )
            uow.connection.execute(
                update(_announcements).where(_announcements.c.id == announcement_id).values(recipients=told.messages)
            )
            uow.record(
                AuditEvent(
                    "shutdown-announced",
                    actor.id,
                    role=actor.role,
                    details={
                        "shutdown": shutdown_id,
                        "messages": told.messages,
                        "reached": told.reached,
                        "unreached": len(told.unreached),
                    },
                )
            )

    def cancel(self, *, actor: Actor) -> int:
        """Calls off the scheduled shutdown; refused once its date has come."""
        now = self._context.now()
        with self._context.unit() as uow:
            row = _in_force(uow.connection)
            if row is None:
                raise Conflict(Msg("没有已安排的停止运营。", "No shutdown is scheduled."))
            if now >= row.effective_at:
                raise Conflict(
                    Msg(
                        "停止运营已经生效，不能再取消。",
                        "The shutdown has taken effect; it can no longer be cancelled.",
                    )
                )
            uow.connection.execute(
                update(_shutdowns).where(_shutdowns.c.id == row.id).values(status="cancelled", cancelled_at=now)
            )
            _insert_announcement(
                uow.connection,
                kind="shutdown_cancelled",
                channels=[Channel.ANNOUNCEMENT.value],
                text={
                    "zh-CN": "原定的停止运营已取消，服务照常提供。",
                    "en": "The announced shutdown is cancelled; the service continues.",
                },
                now=now,
            )
            uow.record(AuditEvent("shutdown-cancelled", actor.id, role=actor.role, details={"shutdown": row.id}))
        self._vault.collection.forget()
        return int(row.id)

    def carry_out(self, *, keep_alive: Callable[[], object] = lambda: None) -> dict[str, Any]:
        """The ``shutdown`` job: nothing before the date; from it, erases every subject's PI in chunks (sharing
        the work with other workers), then records the final audit event once. People were told when it was
        scheduled."""
        now = self._context.now()
        with self._context.connect() as connection:
            row = _in_force(connection)
        if row is None or now < row.effective_at:
            when = f" (takes effect {row.effective_at.isoformat()})" if row is not None else ""
            return {"erased": 0, "done": False, "line": f"no shutdown due{when}"}
        anonymise = self._context.policy.spec.shutdown.after is OnExpiry.ANONYMISE
        erased = 0
        while True:
            batch = self._erase_chunk(row.id, anonymise=anonymise)
            erased += batch
            keep_alive()
            if batch < CHUNK:
                break
        return self._finish(row.id, erased)

    def _erase_chunk(self, shutdown_id: int, *, anonymise: bool) -> int:
        vault = self._vault
        with self._context.unit() as uow:
            batch = [r.id for r in _TO_ERASE.take(uow.connection, {})]
            for subject in batch:
                if anonymise:
                    self._retention.count_subject_anonymously_in(uow.connection, subject)
                vault.shred_as_system(actor=Actor.system(), subject_id=subject, reason="service_shutdown", uow=uow)
            if batch:
                uow.record(
                    AuditEvent(
                        "shutdown-erased",
                        "system",
                        role="system",
                        details={"shutdown": shutdown_id, "subjects": len(batch), "anonymised": anonymise},
                    )
                )
        return len(batch)

    def _finish(self, shutdown_id: int, erased: int) -> dict[str, Any]:
        with self._context.unit() as uow:
            current = uow.connection.execute(
                select(_shutdowns.c.status).where(_shutdowns.c.id == shutdown_id).with_for_update()
            ).scalar_one()
            if current != "scheduled":  # another worker finished first
                return {
                    "erased": erased,
                    "done": True,
                    "line": f"erased {erased} subject(s); the shutdown is complete",
                }
            held = int(
                uow.connection.execute(
                    select(func.count(func.distinct(_holds.c.subject_id))).where(_holds.c.released_at.is_(None))
                ).scalar_one()
            )
            values_left = int(uow.connection.execute(select(func.count()).select_from(_values)).scalar_one())
            summary = {
                "subjects_erased_in_last_run": erased,
                "held_subjects": held,
                "values_left_under_hold": values_left,
            }
            uow.connection.execute(
                update(_shutdowns)
                .where(_shutdowns.c.id == shutdown_id)
                .values(status="completed", completed_at=self._context.now(), summary=summary)
            )
            uow.record(
                AuditEvent("service-shut-down", "system", role="system", details={"shutdown": shutdown_id, **summary})
            )
        line = f"erased {erased} subject(s); the service is shut down"
        return {"erased": erased, "done": True, "line": line, **summary}


def _check_date(spec: PolicySpec, at: datetime, now: datetime) -> None:
    notice = spec.shutdown.notice
    earliest = notice.after(now) if notice is not None else now
    if at <= now or at < earliest:
        first = first_date_from(earliest, now)
        period_zh = labels.duration(notice, "zh-CN") if notice is not None else "0 天"
        period_en = labels.duration(notice, "en") if notice is not None else "0 days"
        raise BadRequest(
            Msg(
                f"停止运营日期距今至少要有 {period_zh}（规范的 shutdown.notice），最早可定在 {first.isoformat()}"
                "（北京时间）。",
                f"The shutdown must be at least {period_en} away (the spec's shutdown.notice): "
                f"{first.isoformat()} (Beijing time) at the earliest.",
            ),
            field="at",
        )


def first_date_from(earliest: datetime, now: datetime) -> date:
    """The first Beijing date whose start is on or after ``earliest`` (and after ``now``): the date an operator
    can type and have accepted, so a refusal never names a date it would refuse too."""
    day = today_in_china(earliest)
    start = midnight_in_china(day)
    return day if start >= earliest and start > now else day + timedelta(days=1)


def _announcement(spec: PolicySpec, at: datetime, reason: str) -> dict[str, str]:
    operator = spec.operator.name or spec.policy.title
    fate_zh, fate_en = (
        ("匿名化处理", "anonymised") if spec.shutdown.after is OnExpiry.ANONYMISE else ("删除", "deleted")
    )
    return {
        "zh-CN": f"{operator.get('zh-CN')}将于 {at.date().isoformat()} 停止运营。自该日起我们不再收集您的个人信息，"
        f"并将{fate_zh}我们持有的您的全部个人信息。{reason}".strip(),
        "en": f"{operator.get('en')} will shut down on {at.date().isoformat()}. From that day we collect no "
        f"personal information, and all we hold about you will be {fate_en}.",
    }


def _insert_announcement(
    connection: Connection, *, kind: str, channels: list[str], text: dict[str, str], now: datetime
) -> int:
    return int(
        connection.execute(
            insert(_announcements)
            .values(
                kind=kind,
                policy_version=None,
                material=False,
                channels=channels,
                summary_zh=text["zh-CN"],
                summary_en=text["en"],
                created_at=now,
                recipients=0,
            )
            .returning(_announcements.c.id)
        ).scalar_one()
    )
