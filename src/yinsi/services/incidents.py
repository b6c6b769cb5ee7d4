"""Personal-information security incidents (PIPL Art. 57): record, draft the notice, tell people, report.

An incident is recorded with what happened and when, which fields, and which subjects it affects, chosen by
a query rather than a list: the subjects holding any of the fields, those whose PI was read in a time window
(optionally by one actor, such as a leaked API key), or those whose PI was provided to a recipient. yinsi then
drafts the notice from the incident and the spec, with every part the law asks for (the PI concerned, the
cause and possible harm, the measures taken, what the person can do, the operator's contact; PIPL Art. 57,
网数条例 Art. 11) and those the policy promises (``incidents.notice_contents``), in zh-CN and en. It is sent
through each person's channels the spec names for incidents (and to a minor's guardian too), or published as
an announcement where telling people one by one is impractical or the spec's fallback applies; the report
for the regulator is produced last. Each step is timestamped on the incident and audited; no event holds a
value of PI or the notice's free text.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import Connection, insert, select, update

from yinsi.adapters.db.rows import (
    AnnouncementRow,
    AuditEventRow,
    IncidentRow,
    IncidentSubjectRow,
    PiValueRow,
    ProvisionRow,
    table_of,
)
from yinsi.adapters.db.statements import older_than
from yinsi.core import pages
from yinsi.core.errors import BadRequest, Conflict, not_found
from yinsi.core.i18n import Msg
from yinsi.core.pages import Page
from yinsi.core.policy.model import PolicySpec
from yinsi.core.policy.vocabulary import Channel, ContactKind, IncidentNoticeContent
from yinsi.services.audit import AuditEvent, timestamp
from yinsi.services.context import ServiceContext
from yinsi.services.notices.to_people import PeopleNotices, direct_channels
from yinsi.services.vault import Actor

_incidents = table_of(IncidentRow)
_affected = table_of(IncidentSubjectRow)
_values = table_of(PiValueRow)
_events = table_of(AuditEventRow)
_provisions = table_of(ProvisionRow)
_announcements = table_of(AnnouncementRow)

TEXT_MAX = 2000
# The parts every notice has (PIPL Art. 57(1)); ``remedies`` too when the policy promises it.
REQUIRED = ("situation_and_impact", "cause", "measures_taken", "self_protection_advice")
PARTS = (*REQUIRED, "remedies")


class IncidentKind(StrEnum):
    LEAK = "leak"  # 泄露
    TAMPER = "tamper"  # 篡改
    LOSS = "loss"  # 丢失


class NoticeMethod(StrEnum):
    INDIVIDUAL = "individual"  # each person through their channels (announcement for those unreachable)
    ANNOUNCEMENT = "announcement"  # one public announcement: telling people one by one is impractical


@dataclass(frozen=True, slots=True)
class Selection:
    """Which subjects an incident affects: all of the given filters hold."""

    fields: Sequence[str] = ()
    accessed_from: datetime | None = None
    accessed_to: datetime | None = None
    accessed_by: str | None = None  # an actor id, such as key:0123abcd or staff:li.lei
    recipient: str | None = None

    def as_json(self) -> dict[str, Any]:
        return {
            "fields": list(self.fields),
            "accessed_from": self.accessed_from.isoformat() if self.accessed_from else None,
            "accessed_to": self.accessed_to.isoformat() if self.accessed_to else None,
            "accessed_by": self.accessed_by,
            "recipient": self.recipient,
        }


def _text(name: str, value: Mapping[str, str] | None, *, required: bool) -> dict[str, str] | None:
    if value is None or not any(v.strip() for v in value.values()):
        if required:
            raise BadRequest(
                Msg(f"事件通知缺少“{name}”一项（中文和英文）。", f"The incident notice needs its '{name}' part."),
                field=name,
            )
        return None
    zh, en = value.get("zh-CN", "").strip(), value.get("en", "").strip()
    if not zh or not en or len(zh) > TEXT_MAX or len(en) > TEXT_MAX:
        raise BadRequest(
            Msg(
                f"“{name}”需要中文和英文两种写法，各不超过 {TEXT_MAX} 个字符。",
                f"'{name}' needs a Chinese and an English text, each at most {TEXT_MAX} characters.",
            ),
            field=name,
        )
    return {"zh-CN": zh, "en": en}


class Incidents:
    """The incident workflow (record, complete, draft, notify, report), each step in a transaction of its own."""

    def __init__(self, context: ServiceContext, people: PeopleNotices) -> None:
        self._context = context
        self._people = people

    def record(
        self,
        *,
        kind: IncidentKind,
        confirmed: bool,
        discovered_at: datetime,
        occurred_at: datetime | None,
        selection: Selection,
        contents: Mapping[str, Mapping[str, str]],
        actor: Actor,
    ) -> dict[str, Any]:
        """Records an incident (a possible one too: ``confirmed=False`` still opens the workflow, INC-02) and the
        subjects its selection finds. The notice's parts may be completed later, before drafting."""
        policy = self._context.policy
        unknown = [f for f in selection.fields if f not in policy.field_types]
        if unknown or not selection.fields:
            raise BadRequest(
                Msg(
                    "请列出事件涉及的字段（规范中声明的字段）。",
                    "List the fields the incident concerns (fields the spec declares).",
                ),
                field="fields",
            )
        if selection.recipient is not None and selection.recipient not in policy.spec.recipients:
            raise BadRequest(Msg("规范中没有这个接收方。", "The spec declares no such recipient."), field="recipient")
        parts = {name: _text(name, contents.get(name), required=False) for name in PARTS}
        now = self._context.now()
        _not_in_future(discovered_at, now, "discovered_at", "发现时间", "discovery")
        if occurred_at is not None:
            _not_in_future(occurred_at, now, "occurred_at", "发生时间", "occurrence")
        incident_id = str(uuid.uuid4())
        with self._context.unit() as uow:
            connection = uow.connection
            subjects = self._select(connection, selection)
            connection.execute(
                insert(_incidents).values(
                    id=incident_id,
                    kind=kind.value,
                    confirmed=confirmed,
                    occurred_at=occurred_at,
                    discovered_at=discovered_at,
                    recorded_at=now,
                    recorded_by=actor.id,
                    fields=sorted(selection.fields),
                    selection=selection.as_json(),
                    affected=len(subjects),
                    contents={k: v for k, v in parts.items() if v is not None},
                    notified=0,
                )
            )
            if subjects:
                connection.execute(
                    insert(_affected), [{"incident_id": incident_id, "subject_id": s, "channels": []} for s in subjects]
                )
            uow.record(
                AuditEvent(
                    "incident-recorded",
                    actor.id,
                    role=actor.role,
                    requested=sorted(selection.fields),
                    details={
                        "incident": incident_id,
                        "kind": kind.value,
                        "confirmed": confirmed,
                        "affected": len(subjects),
                    },
                )
            )
        return self.show(incident_id=incident_id)

    def _select(self, connection: Connection, selection: Selection) -> list[str]:
        fields = list(selection.fields)
        if selection.recipient is not None:
            query = select(_provisions.c.subject_id, _provisions.c.fields).where(
                _provisions.c.recipient == selection.recipient
            )
            if selection.accessed_from is not None:
                query = query.where(_provisions.c.at >= selection.accessed_from)
            if selection.accessed_to is not None:
                query = query.where(_provisions.c.at <= selection.accessed_to)
            return sorted({r.subject_id for r in connection.execute(query) if set(r.fields) & set(fields)})
        if selection.accessed_from is not None or selection.accessed_to is not None or selection.accessed_by:
            query = select(_events.c.subject_id, _events.c.body).where(
                _events.c.action == "pi-read", _events.c.subject_id.is_not(None)
            )
            if selection.accessed_from is not None:
                query = query.where(_events.c.at >= timestamp(selection.accessed_from))
            if selection.accessed_to is not None:
                query = query.where(_events.c.at <= timestamp(selection.accessed_to))
            if selection.accessed_by:
                query = query.where(_events.c.actor == selection.accessed_by)
            found = set()
            for row in connection.execute(query):
                returned = json.loads(row.body).get("returned", {})
                if set(returned) & set(fields):
                    found.add(row.subject_id)
            return sorted(found)
        query = select(_values.c.subject_id).where(_values.c.field.in_(fields)).distinct()
        return sorted(connection.execute(query).scalars())

    def _row(self, connection: Connection, incident_id: str) -> Any:
        row = connection.execute(select(_incidents).where(_incidents.c.id == incident_id)).first()
        if row is None:
            raise not_found("这个安全事件", "incident")
        return row

    def show(self, *, incident_id: str) -> dict[str, Any]:
        with self._context.connect() as connection:
            row = self._row(connection, incident_id)
        return _view(row)

    def listing(self) -> list[dict[str, Any]]:
        """Every incident, newest first (the console and the CLI; the API pages them with ``listing_page``)."""
        with self._context.connect() as connection:
            rows = connection.execute(select(_incidents).order_by(_incidents.c.recorded_at.desc())).all()
        return [_view(r) for r in rows]

    def listing_page(self, *, limit: int, cursor: str | None = None) -> Page[dict[str, Any]]:
        """Incidents, newest recorded first, a page at a time."""
        after = pages.decode(cursor, 2)
        query = select(_incidents).order_by(_incidents.c.recorded_at.desc(), _incidents.c.id.desc()).limit(limit + 1)
        if after is not None:
            query = query.where(older_than(_incidents.c.recorded_at, _incidents.c.id, after))
        with self._context.connect() as connection:
            rows = connection.execute(query).all()
        return pages.cut([_view(r) for r in rows], limit, lambda v: (str(v["recorded_at"]), str(v["id"])))

    def complete(self, *, incident_id: str, contents: Mapping[str, Mapping[str, str]], actor: Actor) -> dict[str, Any]:
        """Adds or replaces parts of the notice (until it is sent)."""
        parts = {name: _text(name, contents.get(name), required=False) for name in PARTS if name in contents}
        with self._context.unit() as uow:
            row = self._row(uow.connection, incident_id)
            if row.notified_at is not None:
                raise Conflict(Msg("通知已发出，不能再修改。", "The notice has been sent; it can no longer change."))
            merged = {**dict(row.contents), **{k: v for k, v in parts.items() if v is not None}}
            uow.connection.execute(
                update(_incidents)
                .where(_incidents.c.id == incident_id)
                .values(contents=merged, notice=None, drafted_at=None)
            )
            uow.record(
                AuditEvent(
                    "incident-updated",
                    actor.id,
                    role=actor.role,
                    details={"incident": incident_id, "parts": sorted(parts)},
                )
            )
        return self.show(incident_id=incident_id)

    def draft(self, *, incident_id: str, actor: Actor) -> dict[str, str]:
        """The notice in zh-CN and en, from the incident and the spec; refused while a required part is missing."""
        spec = self._context.policy.spec
        with self._context.unit() as uow:
            row = self._row(uow.connection, incident_id)
            contents = dict(row.contents)
            promised = {c.value for c in spec.incidents.notice_contents}
            required = [*REQUIRED, *(["remedies"] if IncidentNoticeContent.REMEDIES.value in promised else [])]
            for name in required:
                _text(name, contents.get(name), required=True)
            contact = _contact(spec)
            notice = {lang: _compose(spec, row, contents, contact, lang) for lang in ("zh-CN", "en")}
            uow.connection.execute(
                update(_incidents)
                .where(_incidents.c.id == incident_id)
                .values(notice=notice, drafted_at=self._context.now())
            )
            uow.record(
                AuditEvent("incident-notice-drafted", actor.id, role=actor.role, details={"incident": incident_id})
            )
        return notice

    def notify(
        self,
        *,
        incident_id: str,
        method: NoticeMethod = NoticeMethod.INDIVIDUAL,
        actor: Actor,
    ) -> dict[str, Any]:
        """Tells the affected people: each through the spec's incident channels yinsi can reach them on (a minor's
        guardian too), or by one announcement. People who cannot be reached one by one are covered by an
        announcement where the spec's ``public_announcement_fallback`` allows it."""
        spec = self._context.policy.spec
        with self._context.connect() as connection:
            row = self._row(connection, incident_id)
            if row.notice is None:
                raise Conflict(Msg("请先起草通知（draft）。", "Draft the notice first."))
            if row.notified_at is not None:
                raise Conflict(Msg("这个事件的通知已经发出。", "This incident's notice has already been sent."))
            subjects = list(
                connection.execute(
                    select(_affected.c.subject_id).where(_affected.c.incident_id == incident_id)
                ).scalars()
            )
        channels = direct_channels([c.value for c in spec.incidents.channels])
        sent, reached, unreached = 0, 0, 0
        if method is NoticeMethod.INDIVIDUAL:
            if not channels and not spec.incidents.public_announcement_fallback:
                raise Conflict(
                    Msg(
                        "规范没有 yinsi 能直接送达的事件通知渠道（短信、电子邮件），也不允许以公告代替；请改用公告方式。",
                        "The spec names no incident channel yinsi can deliver on (SMS, e-mail) and no announcement "
                        "fallback; notify by announcement instead.",
                    )
                )
            sent, reached, unreached = self._tell_each(incident_id, subjects, channels, row.notice)
        announce = method is NoticeMethod.ANNOUNCEMENT or (
            unreached > 0 and bool(spec.incidents.public_announcement_fallback)
        )
        with self._context.unit() as uow:
            announcement_id = None
            if announce:
                announcement_id = int(
                    uow.connection.execute(
                        insert(_announcements)
                        .values(
                            kind="incident",
                            policy_version=None,
                            material=False,
                            channels=[Channel.ANNOUNCEMENT.value],
                            summary_zh=row.notice["zh-CN"],
                            summary_en=row.notice["en"],
                            created_at=self._context.now(),
                            recipients=0,
                        )
                        .returning(_announcements.c.id)
                    ).scalar_one()
                )
            used = (NoticeMethod.ANNOUNCEMENT if method is NoticeMethod.ANNOUNCEMENT else NoticeMethod.INDIVIDUAL).value
            uow.connection.execute(
                update(_incidents)
                .where(_incidents.c.id == incident_id)
                .values(
                    notice_method=used,
                    notified=reached,
                    notified_at=self._context.now(),
                    announcement_id=announcement_id,
                )
            )
            uow.record(
                AuditEvent(
                    "incident-notified",
                    actor.id,
                    role=actor.role,
                    details={
                        "incident": incident_id,
                        "method": used,
                        "messages": sent,
                        "reached": reached,
                        "unreached": unreached,
                        "announcement": announcement_id,
                    },
                )
            )
        return {"messages": sent, "reached": reached, "unreached": unreached, "announcement": announcement_id}

    def _tell_each(
        self, incident_id: str, subjects: list[str], channels: list[str], notice: dict[str, str]
    ) -> tuple[int, int, int]:
        told = self._people.tell(
            subjects=subjects,
            channels=channels,
            title="个人信息安全事件通知",
            text=notice,
            tags={"kind": "incident", "incident": incident_id},
        )
        if told.channels:
            with self._context.unit() as uow:
                for subject, used in told.channels.items():
                    uow.connection.execute(
                        update(_affected)
                        .where(_affected.c.incident_id == incident_id, _affected.c.subject_id == subject)
                        .values(notified_at=self._context.now(), channels=used)
                    )
        return told.messages, told.reached, len(told.unreached)

    def report(self, *, incident_id: str, actor: Actor) -> dict[str, Any]:
        """The report for the regulator (履行个人信息保护职责的部门): the incident, its scale, what was done, who
        was told and how, the operator and its contact. Recorded on the incident and audited."""
        spec = self._context.policy.spec
        now = self._context.now()  # one instant: the report says when it was made, exactly as the row records
        with self._context.unit() as uow:
            row = self._row(uow.connection, incident_id)
            fields = [
                {
                    "field": f,
                    "label": spec.fields[f].label.get("zh-CN"),
                    "category": spec.fields[f].category.value,
                    "sensitive": spec.fields[f].sensitivity.value == "sensitive",
                }
                for f in row.fields
                if f in spec.fields
            ]
            document = {
                "operator": spec.operator.name.get("zh-CN") if spec.operator.name else spec.policy.title.get("zh-CN"),
                "contact": _contact(spec),
                "incident": _view(row),
                "fields": fields,
                "sensitive_fields": sum(1 for f in fields if f["sensitive"]),
                "affected_subjects": row.affected,
                "notice_sent": row.notified_at is not None,
                "report_to_regulators_promised": spec.incidents.report_to_regulators,
                "deadline_note": {
                    "zh-CN": "较大及以上网络安全事件：一般网络运营者应在 4 小时内报告属地省级网信部门（《国家网络安全事件报告管理办法》）。",
                    "en": "Incidents classed 'major' or above: ordinary network operators report to the provincial CAC "
                    "within 4 hours (National Cybersecurity Incident Reporting Measures).",
                },
                "reported_at": now.isoformat(),
            }
            uow.connection.execute(
                update(_incidents).where(_incidents.c.id == incident_id).values(report=document, reported_at=now)
            )
            uow.record(AuditEvent("incident-reported", actor.id, role=actor.role, details={"incident": incident_id}))
        return document


def _not_in_future(moment: datetime, now: datetime, field: str, zh: str, en: str) -> None:
    """An incident is recorded after it was discovered (and after it happened): a time still to come is a typo
    (2030 for 2026), and a report that says so would mislead the regulator."""
    if (moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)) > now:
        raise BadRequest(
            Msg(
                f"{zh}不能晚于现在（{moment.date().isoformat()} 还没有到）。",
                f"The time of the {en} cannot be in the future ({moment.date().isoformat()} has not come yet).",
            ),
            field=field,
        )


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment is not None else None


def _view(row: Any) -> dict[str, Any]:
    return {
        "id": row.id,
        "kind": row.kind,
        "confirmed": row.confirmed,
        "occurred_at": _iso(row.occurred_at),
        "discovered_at": _iso(row.discovered_at),
        "recorded_at": _iso(row.recorded_at),
        "recorded_by": row.recorded_by,
        "fields": list(row.fields),
        "selection": dict(row.selection),
        "affected": row.affected,
        "contents": dict(row.contents),
        "notice": row.notice,
        "drafted_at": _iso(row.drafted_at),
        "notice_method": row.notice_method,
        "announcement_id": row.announcement_id,
        "notified": row.notified,
        "notified_at": _iso(row.notified_at),
        "reported_at": _iso(row.reported_at),
    }


def _contact(spec: PolicySpec) -> dict[str, str]:
    dpo = spec.contact.dpo
    parts_zh, parts_en = [], []
    if dpo is not None:
        who_zh, who_en = dpo.department.get("zh-CN"), dpo.department.get("en")
        parts_zh.append(f"{who_zh}{'（' + dpo.contact + '）' if dpo.contact else ''}")
        parts_en.append(f"{who_en}{' (' + dpo.contact + ')' if dpo.contact else ''}")
    for channel in spec.contact.channels:
        # A channel that repeats the officer's own contact, already named in brackets, is not printed twice.
        if dpo is not None and channel.value == dpo.contact:
            continue
        if channel.value and channel.kind in (ContactKind.PHONE, ContactKind.EMAIL):
            parts_zh.append(channel.value)
            parts_en.append(channel.value)
    if not parts_zh:
        raise Conflict(
            Msg(
                "规范没有写明联系方式（contact.dpo 或 contact.channels），事件通知必须包含联系方式。",
                "The spec gives no contact (contact.dpo or contact.channels), and an incident notice must include one.",
            )
        )
    return {"zh-CN": "；".join(parts_zh), "en": "; ".join(parts_en)}


_LABELS = {
    "zh-CN": {
        "title": "个人信息安全事件通知",
        "leak": "泄露",
        "tamper": "篡改",
        "loss": "丢失",
        "possible": "（可能发生，正在核实）",
        "what": "发生了什么及可能的影响",
        "fields": "涉及的个人信息种类",
        "cause": "原因",
        "measures_taken": "我们已采取的补救措施",
        "self_protection_advice": "您可以采取的措施",
        "remedies": "补救与救济",
        "contact": "联系我们",
        "when": "发生时间",
        "unknown": "尚不清楚",
    },
    "en": {
        "title": "Notice of a personal information security incident",
        "leak": "leak",
        "tamper": "tampering",
        "loss": "loss",
        "possible": " (possible, being verified)",
        "what": "What happened and its possible impact",
        "fields": "The personal information concerned",
        "cause": "Cause",
        "measures_taken": "What we have done",
        "self_protection_advice": "What you can do",
        "remedies": "Remedies",
        "contact": "Contact us",
        "when": "When",
        "unknown": "not yet known",
    },
}


def _compose(spec: PolicySpec, row: Any, contents: dict[str, Any], contact: dict[str, str], lang: str) -> str:
    t = _LABELS[lang]
    sep = "：" if lang == "zh-CN" else ": "
    fields = ("、" if lang == "zh-CN" else ", ").join(
        spec.fields[f].label.get(lang) for f in row.fields if f in spec.fields
    )
    operator = spec.operator.name.get(lang) if spec.operator.name else spec.policy.title.get(lang)
    lines = [f"{operator} {t['title']}{'' if row.confirmed else t['possible']}", ""]
    lines.append(
        f"{t['when']}{sep}{row.occurred_at.date().isoformat() if row.occurred_at else t['unknown']} ({t[row.kind]})"
    )
    lines.append(f"{t['fields']}{sep}{fields}")
    lines.append(f"{t['what']}{sep}{contents['situation_and_impact'][lang]}")
    for name in ("cause", "measures_taken", "self_protection_advice", "remedies"):
        if name in contents:
            lines.append(f"{t[name]}{sep}{contents[name][lang]}")
    lines.append(f"{t['contact']}{sep}{contact[lang]}")
    return "\n".join(lines)
