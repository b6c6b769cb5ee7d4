"""The privacy officer's console: the staff's use cases behind /console, each one operation.

Every operation takes the member of staff first and refuses what their role may not do (the role's
``operations`` in the spec), so a page cannot forget the check; it opens its own transaction, takes
keyword-only arguments and returns plain data. What staff read about a person is recorded in the audit
trail as the staff API records it: opening a request (what the person wrote), a look-up, a view of the
audit trail, a verification of it.

Finding the person behind a request (someone who phoned or wrote) goes through the blind index: the
look-up names the field, never decrypts anything and returns subject ids. It is part of handling requests
(PIPL Art. 50 obliges the operator to handle them), so it needs ``view_requests``, not the ``lookup``
operation a service needs to find its customers; the look-up is audited all the same. Values are shown only
through the vault's own read, for a purpose the member's role has, and then always masked.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import func, select

from yinsi.adapters.db.rows import ConsentEntryRow, ConsentStateRow, PolicyVersionRow, StaffRow, table_of
from yinsi.config import Settings
from yinsi.core.errors import BadRequest
from yinsi.core.i18n import Msg
from yinsi.core.masking import mask
from yinsi.core.pages import Page
from yinsi.core.policy.diff import PolicyDiff, diff_policies
from yinsi.core.policy.vocabulary import Operation
from yinsi.core.requests import SYSTEM_REASONS, RequestType, State
from yinsi.core.validation import InvalidValue
from yinsi.services import entrustments, policies, staff
from yinsi.services.audit import AuditEvent, VerifyResult, require_subject_id
from yinsi.services.compliance import Compliance
from yinsi.services.context import ServiceContext
from yinsi.services.entrustments import Entrustments
from yinsi.services.incidents import IncidentKind, Incidents, NoticeMethod, Selection
from yinsi.services.notices.announcements import Announcements
from yinsi.services.notifier import Notifier
from yinsi.services.policies import PolicyVersions
from yinsi.services.provisions import ProvisionRecord, Provisions
from yinsi.services.rights import Filing, RequestView, Rights
from yinsi.services.rights.base import GROUND_NAMES
from yinsi.services.staff import Staff, StaffMember
from yinsi.services.vault import InvalidInput, Vault
from yinsi.services.webhooks import AttemptView, EventDelivery, EventView

_staff = table_of(StaffRow)
_consent_state = table_of(ConsentStateRow)
_consent_entries = table_of(ConsentEntryRow)
_versions = table_of(PolicyVersionRow)

# What staff may file for a person who asked by phone or letter. Access, explanations, corrections and
# deletions are carried out when staff complete them (after verifying who asked); copies are not offered (the
# download link works only in the person's own session, so they ask for it there).
STAFF_FILED = (
    RequestType.ACCESS,
    RequestType.EXPLAIN,
    RequestType.CORRECT,
    RequestType.DELETE,
    RequestType.RESTRICT,
    RequestType.COMPLAIN,
    RequestType.CANCEL_ACCOUNT,
)
CHANNELS = ("phone", "letter", "email", "in_person")
NOT_A_LOOKUP_FIELD = Msg("这个字段不能用于查找个人。", "This field cannot be used to look a person up.")


@dataclass(frozen=True, slots=True)
class Opened:
    """One request as staff open it: the request, and what the person wrote (decrypted for this view)."""

    view: RequestView
    payload: dict[str, Any] = field(repr=False)


@dataclass(frozen=True, slots=True)
class Person:
    """A person found by a look-up: the subject id and what the console may say about them (no PI)."""

    subject_id: str
    status: str
    open_requests: int
    requests: int


@dataclass(frozen=True, slots=True)
class MaskedRead:
    purpose: str
    values: dict[str, str] = field(repr=False)  # always masked
    denied: dict[str, str]


@dataclass(frozen=True, slots=True)
class Statistics:
    """Counts only: requests by type and state, overdue ones, and consents by what they are about."""

    requests: dict[str, dict[str, int]]
    overdue: int
    consents: list[tuple[str, str, str, int]]  # kind, scope, status, people
    ledger: dict[str, int]  # action -> entries


@dataclass(frozen=True, slots=True)
class Preview:
    """What publishing a spec would change, before anything is stored."""

    version: str
    current: str | None
    diff: PolicyDiff | None
    unchanged: bool
    taken: bool  # the version label was published already


@dataclass(frozen=True, slots=True)
class RecipientsOverview:
    """The spec's recipients as plain data (whether the law or the policy asks a separate consent included),
    and every ended entrustment with the state of the deletion demand and its confirmation."""

    recipients: list[dict[str, Any]]
    endings: list[entrustments.Ending]


NO_EVENTS = Msg("这个服务器没有启用事件投递。", "Event delivery is not set up on this server.")


class Console:
    def __init__(
        self,
        context: ServiceContext,
        vault: Vault,
        rights: Rights,
        notifier: Notifier,
        refresh: Callable[[], object] | None = None,
        *,
        settings: Settings | None = None,
        events: EventDelivery | None = None,
        staff: Staff,
        incidents: Incidents,
        announcements: Announcements,
        entrustments: Entrustments,
        compliance: Compliance,
        policies: PolicyVersions,
        provisions: Provisions,
    ) -> None:
        self.context = context
        self.vault = vault  # lookups, masked reads and the disclosure record's audited look
        self.staff = staff
        self._incidents = incidents
        self._announcements = announcements
        self._entrustments = entrustments
        self._compliance = compliance
        self._policies = policies
        self._provisions = provisions
        self.rights = rights
        self.notifier = notifier
        self.refresh = refresh  # makes this process follow a newly published version at once
        self.settings = settings  # the compliance report checks the store's files as configured
        self.events = events

    # ------------------------------------------------------------------ who is acting

    def login(self, *, username: str, password: str, code: str, client: str) -> tuple[str, StaffMember]:
        return self.staff.login(username=username, password=password, code=code, client=client)

    def authenticate(self, *, token: str) -> StaffMember:
        return self.staff.authenticate(token=token)

    def logout(self, *, token: str) -> None:
        self.staff.logout(token=token)

    def operations(self, member: StaffMember) -> frozenset[Operation]:
        """What the member's role may do now (the spec in force decides; a new version applies at once)."""
        return frozenset(self.context.policy.role_operations.get(member.role, frozenset()))

    def require(self, member: StaffMember, operation: Operation) -> None:
        staff.require(self.context.policy, member, operation)

    # ------------------------------------------------------------------ the queue

    def queue(
        self,
        *,
        member: StaffMember,
        kind: RequestType | None = None,
        state: State | None = None,
        due_before: date | None = None,
        overdue: bool = False,
        assigned_to: str | None = None,
        subject: str | None = None,
    ) -> list[RequestView]:
        self.require(member, Operation.VIEW_REQUESTS)
        return self.rights.queue(
            kind=kind.value if kind else None,
            state=state.value if state else None,
            due_before=due_before.isoformat() if due_before else None,
            overdue=overdue,
            assigned_to=assigned_to or None,
            subject=subject,
        )

    def open_request(self, *, member: StaffMember, request_id: str) -> Opened:
        """One request with what the person wrote; reading it is itself recorded (as the staff API does)."""
        self.require(member, Operation.VIEW_REQUESTS)
        view, payload = self.rights.staff_view(request_id, with_payload=True)
        with self.context.unit() as uow:
            uow.record(
                AuditEvent(
                    "request-viewed",
                    member.actor.id,
                    role=member.role,
                    subject=view.subject_id,
                    details={"request": request_id},
                )
            )
        return Opened(view, {k: v for k, v in payload.items() if v})

    def handlers(self, *, member: StaffMember) -> list[str]:
        """The active members of staff a request can be assigned to (their role handles requests)."""
        self.require(member, Operation.HANDLE_REQUESTS)
        operations = self.context.policy.role_operations
        with self.context.connect() as connection:
            rows = connection.execute(
                select(_staff.c.username, _staff.c.role)
                .where(_staff.c.disabled_at.is_(None))
                .order_by(_staff.c.username)
            ).all()
        return [r.username for r in rows if Operation.HANDLE_REQUESTS in operations.get(r.role, frozenset())]

    def assign(self, *, member: StaffMember, request_id: str, to: str) -> RequestView:
        self.require(member, Operation.HANDLE_REQUESTS)
        return self.rights.assign(request_id=request_id, to=to, actor=member.actor)

    def act(
        self,
        *,
        member: StaffMember,
        request_id: str,
        action: str,
        ground: str | None = None,
        decision: str | None = None,
    ) -> RequestView:
        """Verify, start, complete or refuse; a next-of-kin decision also needs ``decide_next_of_kin``."""
        self.require(member, Operation.HANDLE_REQUESTS)
        return self.rights.act(
            request_id=request_id, action=action, actor=member.actor, ground=ground or None, decision=decision
        )

    def refusal_grounds(self) -> list[tuple[str, Msg]]:
        """The grounds a refusal may give: the spec's, then yinsi's own reasons; each with its words."""
        spec_grounds = [g.value for g in self.context.policy.spec.requests.refusal_grounds]
        codes = spec_grounds + [g for g in SYSTEM_REASONS if g not in spec_grounds]
        return [(code, GROUND_NAMES.get(code, Msg(code, code))) for code in codes]

    def file_for(
        self, *, member: StaffMember, subject: str, kind: RequestType, channel: str, filing: Filing
    ) -> RequestView:
        """A request the person made by phone, letter or in person, filed by staff for them. It waits in the
        queue unverified: who called must be checked (``verify``) before it can be completed."""
        self.require(member, Operation.HANDLE_REQUESTS)
        if kind not in STAFF_FILED:
            raise BadRequest(
                Msg(
                    "员工只能代为提交查阅、解释、更正、删除、限制处理、投诉和注销申请。",
                    "Staff can file access, explanation, correction, deletion, restriction, complaint and "
                    "cancellation requests only.",
                ),
                field="type",
            )
        if channel not in CHANNELS:
            raise BadRequest(Msg("请选择个人提出申请的方式。", "Say how the person made the request."), field="channel")
        if kind in (RequestType.CORRECT, RequestType.DELETE):
            fields = filing.fields
            if len(fields) != 1 or fields[0] not in self.context.policy.spec.fields:
                raise BadRequest(
                    Msg("请选择要更正或删除的信息。", "Choose the item to correct or delete."), field="field"
                )
            if kind is RequestType.CORRECT and not filing.values.get(fields[0]):
                raise BadRequest(Msg("请填写正确的内容。", "Give the correct value."), field="value")
        return self.rights.file(
            subject=subject,
            kind=kind,
            filing=filing,
            by=subject,
            filed_by="staff",
            actor=member.actor.id,
            channel=channel,
        )

    def statistics(self, *, member: StaffMember) -> Statistics:
        """Counts for reporting (网络数据安全管理条例 Art. 44): nothing that names a person."""
        self.require(member, Operation.VIEW_REQUESTS)
        figures = self.rights.statistics()
        with self.context.connect() as connection:
            consents = connection.execute(
                select(_consent_state.c.kind, _consent_state.c.scope, _consent_state.c.status, func.count())
                .group_by(_consent_state.c.kind, _consent_state.c.scope, _consent_state.c.status)
                .order_by(_consent_state.c.kind, _consent_state.c.scope, _consent_state.c.status)
            ).all()
            ledger = connection.execute(
                select(_consent_entries.c.action, func.count()).group_by(_consent_entries.c.action)
            ).all()
        return Statistics(
            requests=figures["by_type"],
            overdue=figures["overdue"],
            consents=[(k, s, st, int(n)) for k, s, st, n in consents],
            ledger={a: int(n) for a, n in ledger},
        )

    # ------------------------------------------------------------------ people

    def lookup_fields(self) -> list[str]:
        return [f for f in self.context.policy.spec.fields if f in self.context.policy.lookup_fields]

    def find_people(self, *, member: StaffMember, field: str, value: str) -> list[Person]:
        """Who has this phone number or ID number, through the blind index; nothing is decrypted."""
        self.require(member, Operation.VIEW_REQUESTS)
        if field not in self.context.policy.lookup_fields:
            raise BadRequest(NOT_A_LOOKUP_FIELD, field="field")
        with self.context.reading() as uow:
            try:
                found = self.vault.find_by(uow.connection, field, value)
            except InvalidValue as exc:
                raise InvalidInput(exc.reason, field=field) from None
            uow.record(
                AuditEvent(
                    "subject-looked-up",
                    member.actor.id,
                    role=member.role,
                    decision="allowed",
                    requested=[field],
                    details={"matches": len(found), "for": "rights-requests"},
                )
            )
        return [self._person(subject) for subject in found]

    def person(self, *, member: StaffMember, subject: str) -> tuple[Person, list[RequestView]]:
        """A person's standing (no PI) and every request about them, newest first."""
        self.require(member, Operation.VIEW_REQUESTS)
        found = self._person(subject)
        views = self.rights.queue(subject=subject, include_closed=True, newest_first=True)
        return found, views

    def _person(self, subject: str) -> Person:
        with self.context.connect() as connection:
            status = self.vault.subject_status(connection, subject)
        views = self.rights.queue(subject=subject, include_closed=True)
        still_open = sum(1 for v in views if v.state not in (State.COMPLETED, State.REFUSED, State.WITHDRAWN))
        return Person(subject, status, still_open, len(views))

    def read_masked(self, *, member: StaffMember, subject: str, purpose: str) -> MaskedRead:
        """The values the member's role may read for ``purpose`` (the vault decides and audits), masked even
        where the role may see them whole: the console shows enough to confirm who is asking, no more."""
        self.require(member, Operation.VIEW_REQUESTS)
        result = self.vault.read(actor=member.actor, subject_id=subject, purpose=purpose)
        types = self.context.policy.field_types
        return MaskedRead(
            purpose,
            {f: mask(types[f], v) for f, v in result.values.items()},
            {f: d.value for f, d in result.denied.items()},
        )

    def readable_purposes(self, member: StaffMember) -> list[str]:
        """The purposes the member's role may read for (none without the ``read`` operation)."""
        policy = self.context.policy
        role = policy.spec.roles.get(member.role)
        if role is None or Operation.READ not in policy.role_operations.get(member.role, frozenset()):
            return []
        return list(role.purposes)

    # ------------------------------------------------------------------ the audit trail

    def audit_events(
        self, *, member: StaffMember, subject: str | None = None, action: str | None = None, limit: int = 100
    ) -> list[dict[str, Any]]:
        """Events, newest first (they name fields, purposes and roles, never values); the look is recorded."""
        self.require(member, Operation.VIEW_AUDIT)
        if subject:
            require_subject_id(subject)
        events = self.context.audit.events(
            self.context.engine, subject=subject or None, action=action or None, limit=limit
        )
        with self.context.unit() as uow:
            uow.record(
                AuditEvent(
                    "audit-viewed",
                    member.actor.id,
                    role=member.role,
                    subject=subject or None,
                    details={"action": action or None, "count": len(events)},
                )
            )
        return events

    def verify_audit(self, *, member: StaffMember) -> VerifyResult:
        """Walks every chain of the trail (as ``yinsi audit verify``); the check is recorded too."""
        self.require(member, Operation.VIEW_AUDIT)
        result = self.context.audit.verify(self.context.engine)
        with self.context.unit() as uow:
            uow.record(
                AuditEvent(
                    "audit-verified",
                    member.actor.id,
                    role=member.role,
                    details={"ok": result.ok, "checked": result.checked, "problem": result.problem},
                )
            )
        return result

    # ------------------------------------------------------------------ policy versions

    def policy_versions(self, *, member: StaffMember) -> list[dict[str, Any]]:
        """Every published version, newest first, with what changed from the one before in plain words."""
        self.require(member, Operation.PUBLISH_POLICY)
        with self.context.connect() as connection:
            rows = connection.execute(
                select(
                    _versions.c.id,
                    _versions.c.version,
                    _versions.c.published_at,
                    _versions.c.material,
                    _versions.c.material_kinds,
                    _versions.c.changes,
                ).order_by(_versions.c.id.desc())
            ).all()
        current = self.context.policy.version
        return [
            {
                "version": r.version,
                "published_at": r.published_at,
                "material": bool(r.material),
                "kinds": list(r.material_kinds or []),
                "changes": list(r.changes or []),
                "first": index == len(rows) - 1,
                "current": r.version == current,
            }
            for index, r in enumerate(rows)
        ]

    def preview_policy(self, *, member: StaffMember, text: str) -> Preview:
        """What publishing ``text`` would change; nothing is stored. An invalid spec is refused, naming why."""
        self.require(member, Operation.PUBLISH_POLICY)
        compiled = policies.compile_text(text, "console")
        with self.context.connect() as connection:
            current = PolicyVersions.current_in(connection)
            taken = (
                connection.execute(select(_versions.c.id).where(_versions.c.version == compiled.version)).first()
                is not None
            )
        if current is None:
            return Preview(compiled.version, None, None, False, taken)
        if current.digest == compiled.digest:
            return Preview(compiled.version, current.version, None, True, taken)
        change = diff_policies(policies.compile_text(current.spec_text, "current").spec, compiled.spec)
        return Preview(compiled.version, current.version, change, False, taken)

    def publish_policy(self, *, member: StaffMember, text: str) -> policies.Published:
        """Puts the spec in force (as ``yinsi policy publish``) and announces the change to people."""
        self.require(member, Operation.PUBLISH_POLICY)
        done = self._policies.publish(text=text, actor=member.actor.id, name="console")
        if self.refresh is not None:
            self.refresh()
        if done.announcement_id is not None:
            self._announcements.deliver(announcement_id=done.announcement_id)
        return done

    # ------------------------------------------------------------------ the compliance report

    def compliance_report(self, *, member: StaffMember) -> dict[str, Any] | None:
        """The report of ``yinsi check`` for this store (the spec in force and the running system), as plain
        data; None before any version is published. Looking at it is recorded, as a view of the audit is."""
        self.require(member, Operation.VIEW_AUDIT)
        if self.settings is None:
            raise BadRequest(Msg("这个工作台没有配置数据存储。", "This console has no store configured."))
        report = self._compliance.store_report()
        shown = report.to_dict() if report is not None else None
        with self.context.unit() as uow:
            uow.record(
                AuditEvent(
                    "compliance-report-viewed",
                    member.actor.id,
                    role=member.role,
                    details={"counts": shown["counts"] if shown is not None else None},
                )
            )
        return shown

    # ------------------------------------------------------------------ recipients and provisions

    def recipients(self, *, member: StaffMember) -> RecipientsOverview:
        """Who PI goes to under the spec in force, and the entrustments that ended."""
        self.require(member, Operation.VIEW_AUDIT)
        policy = self.context.policy
        shown = [
            {
                "id": rid,
                "kind": r.kind.value,
                "name": {"zh-CN": r.name.get("zh-CN"), "en": r.name.get("en")},
                "fields": list(r.fields),
                "purposes": list(r.purposes),
                "uses": {u: {"zh-CN": t.get("zh-CN"), "en": t.get("en")} for u, t in r.uses.items()},
                "region": r.region,
                "agreement": r.agreement,
                "deidentify": {f: d.value for f, d in r.deidentify.items()},
                "deidentified": r.deidentified,
                "transfer_mechanism": r.transfer_mechanism.value if r.transfer_mechanism is not None else None,
                "separate_consent": rid in policy.separate_recipients,
                "delete_on_end": r.delete_on_end,
            }
            for rid, r in policy.spec.recipients.items()
        ]
        return RecipientsOverview(shown, self._entrustments.endings())

    def provision_records(
        self, *, member: StaffMember, subject: str | None = None, recipient: str | None = None
    ) -> list[ProvisionRecord]:
        """The provisions to one recipient or about one person, newest first (fields named, never values);
        the look is audited by the vault."""
        self.require(member, Operation.VIEW_AUDIT)
        return self._provisions.records(actor=member.actor, subject_id=subject or None, recipient=recipient or None)

    # ------------------------------------------------------------------ security incidents

    def incidents(self, *, member: StaffMember) -> list[dict[str, Any]]:
        self.require(member, Operation.MANAGE_INCIDENTS)
        return self._incidents.listing()

    def incident(self, *, member: StaffMember, incident_id: str) -> dict[str, Any]:
        self.require(member, Operation.MANAGE_INCIDENTS)
        return self._incidents.show(incident_id=incident_id)

    def record_incident(
        self,
        *,
        member: StaffMember,
        kind: IncidentKind,
        confirmed: bool,
        discovered_at: datetime,
        occurred_at: datetime | None,
        selection: Selection,
        contents: Mapping[str, Mapping[str, str]],
    ) -> dict[str, Any]:
        """Records an incident and the people its selection finds (as the staff API does)."""
        self.require(member, Operation.MANAGE_INCIDENTS)
        return self._incidents.record(
            kind=kind,
            confirmed=confirmed,
            discovered_at=discovered_at,
            occurred_at=occurred_at,
            selection=selection,
            contents=contents,
            actor=member.actor,
        )

    def complete_incident(
        self, *, member: StaffMember, incident_id: str, contents: Mapping[str, Mapping[str, str]]
    ) -> dict[str, Any]:
        self.require(member, Operation.MANAGE_INCIDENTS)
        return self._incidents.complete(incident_id=incident_id, contents=contents, actor=member.actor)

    def draft_notice(self, *, member: StaffMember, incident_id: str) -> dict[str, str]:
        self.require(member, Operation.MANAGE_INCIDENTS)
        return self._incidents.draft(incident_id=incident_id, actor=member.actor)

    def notify_incident(self, *, member: StaffMember, incident_id: str, method: NoticeMethod) -> dict[str, Any]:
        self.require(member, Operation.MANAGE_INCIDENTS)
        return self._incidents.notify(incident_id=incident_id, method=method, actor=member.actor)

    def report_incident(self, *, member: StaffMember, incident_id: str) -> dict[str, Any]:
        self.require(member, Operation.MANAGE_INCIDENTS)
        return self._incidents.report(incident_id=incident_id, actor=member.actor)

    # ------------------------------------------------------------------ webhook deliveries

    def _events(self) -> EventDelivery:
        if self.events is None:
            raise BadRequest(NO_EVENTS)
        return self.events

    def webhook_events(
        self, *, member: StaffMember, state: str | None = None, limit: int = 50, cursor: str | None = None
    ) -> tuple[bool, Page[EventView]]:
        """Whether an endpoint is configured, and the events newest first (pending, delivered, failed)."""
        self.require(member, Operation.VIEW_AUDIT)
        events = self._events()
        return events.configured, events.page(state=state, limit=limit, cursor=cursor)

    def webhook_event(self, *, member: StaffMember, event_id: str) -> tuple[EventView, list[AttemptView]]:
        self.require(member, Operation.VIEW_AUDIT)
        return self._events().get(event_id)

    def replay_webhook(self, *, member: StaffMember, event_id: str) -> EventView:
        """Sends a delivered or failed event again at the next round; the service audits it."""
        self.require(member, Operation.VIEW_AUDIT)
        return self._events().replay(event_id, actor=member.actor.id, role=member.role)
