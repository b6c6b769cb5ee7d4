"""The consent ledger: every act of consent, refusal and withdrawal, append-only, with its evidence.

Each entry records who acted (the person, or the guardian of a minor), when,
through which channel, under which policy version, and the SHA-256 of the
exact text shown with its language. Beside the ledger, a current-state view
keeps the latest entry per (subject, kind, scope), so "may I, now?" is one
primary-key read. The view only ever moves forward (an entry replaces the
state only if it is newer), so concurrent writers can never leave it
disagreeing with a replay of the ledger.

Consent must be an explicit act: a grant without an affirmative action (a
pre-ticked box) is refused. After a refusal, the same question is not asked
again within the spec's cool-down (网络数据安全管理条例 Art. 22).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from sqlalchemy import Connection, insert, select

from yinsi.adapters.db.rows import ConsentEntryRow, ConsentStateRow, table_of
from yinsi.adapters.db.upsert import upsert
from yinsi.core.access import STORAGE_SCOPE
from yinsi.core.errors import BadRequest, Forbidden, YinsiError
from yinsi.core.i18n import Msg
from yinsi.core.policy.compiled import CompiledPolicy
from yinsi.core.policy.types import DurationUnit
from yinsi.core.policy.vocabulary import LegalBasis
from yinsi.services import minors, webhooks
from yinsi.services.audit import AuditEvent
from yinsi.services.consent_state import POLICY_KIND, POLICY_SCOPE
from yinsi.services.context import ServiceContext
from yinsi.services.unit_of_work import UnitOfWork

_entries = table_of(ConsentEntryRow)
_state = table_of(ConsentStateRow)

HASH_RE = re.compile(r"^[0-9a-f]{64}$")
CHANNELS = frozenset({"app", "h5", "web", "wechat_mini_program", "alipay_mini_program", "api", "phone", "paper"})
LANGUAGES = frozenset({"zh-CN", "zh-TW", "en"})


class Kind(StrEnum):
    POLICY = POLICY_KIND
    PURPOSE = "purpose"
    SEPARATE = "separate"
    PERMISSION = "permission"
    COOKIE = "cookie"
    PERSONALISATION = "personalisation"


class Action(StrEnum):
    GRANT = "grant"
    REFUSE = "refuse"
    WITHDRAW = "withdraw"


STATUS = {Action.GRANT: "granted", Action.REFUSE: "refused", Action.WITHDRAW: "withdrawn"}


class ConsentError(YinsiError):
    code = "invalid_consent"


class NotAffirmative(YinsiError):
    code = "consent_not_affirmative"


@dataclass(frozen=True, slots=True)
class ConsentAct:
    """One act by a person (or their guardian), as the client captured it."""

    kind: Kind
    scope: str
    action: Action
    channel: str
    text_hash: str
    language: str
    affirmative: bool
    policy_version: str | None = None


@dataclass(frozen=True, slots=True)
class ConsentEntry:
    id: int
    subject_id: str
    kind: str
    scope: str
    action: str
    given_by: str
    guardian_id: str | None
    channel: str
    policy_version: str
    text_hash: str
    language: str
    at: datetime


def validate_act(policy: CompiledPolicy, act: ConsentAct) -> None:
    """Refuses an act that names nothing the policy declares, lacks evidence, or is not an explicit choice."""
    if act.action is Action.GRANT and not act.affirmative:
        raise NotAffirmative(
            Msg(
                "同意必须由个人主动作出：默认勾选或未经操作的同意无效。",
                "Consent must be an explicit act: a pre-ticked box or a default is not consent.",
            )
        )
    if not HASH_RE.match(act.text_hash):
        raise ConsentError(
            Msg(
                "text_hash 应是所展示文本的 SHA-256（64 位十六进制小写）。",
                "text_hash must be the SHA-256 of the text shown (64 lower-case hex digits).",
            ),
            field="text_hash",
        )
    if act.language not in LANGUAGES:
        raise ConsentError(
            Msg("language 应是 zh-CN、zh-TW 或 en。", "language must be zh-CN, zh-TW or en."), field="language"
        )
    if act.channel not in CHANNELS:
        raise ConsentError(
            Msg(
                f"channel 应是：{', '.join(sorted(CHANNELS))}。",
                f"channel must be one of: {', '.join(sorted(CHANNELS))}.",
            ),
            field="channel",
        )
    spec = policy.spec
    version = act.policy_version or policy.version
    if version != policy.version:
        raise ConsentError(
            Msg("同意针对的不是现行隐私政策版本。", "The consent refers to a policy version not in force."),
            field="policy_version",
        )
    scope = act.scope
    if act.kind is Kind.POLICY:
        valid = scope == POLICY_SCOPE
    elif act.kind is Kind.PURPOSE:
        purpose = spec.purposes.get(scope)
        valid = (
            purpose is not None and purpose.legal_basis is LegalBasis.CONSENT and scope not in policy.separate_purposes
        )
    elif act.kind is Kind.SEPARATE:
        purpose = spec.purposes.get(scope)
        recipient = spec.recipients.get(scope.removeprefix("recipient."))
        valid = (
            (purpose is not None and scope in policy.separate_purposes)
            or (
                scope.startswith("recipient.")
                and recipient is not None
                and scope.removeprefix("recipient.") in policy.separate_recipients
            )
            or (scope == STORAGE_SCOPE and policy.storage_abroad)
            or (scope.startswith("public.") and scope.removeprefix("public.") in policy.separate_disclosures)
        )
    elif act.kind is Kind.PERMISSION:
        valid = scope in spec.permissions
    elif act.kind is Kind.COOKIE:
        valid = scope in spec.cookies
    else:
        valid = scope == "all" and any(p.personalisation for p in spec.purposes.values())
    if not valid:
        raise ConsentError(
            Msg(
                f"隐私政策中没有可以对其表示同意的“{act.kind.value}: {scope}”。",
                f"The policy declares nothing to consent to as '{act.kind.value}: {scope}'.",
            ),
            field="scope",
        )


class ConsentLedger:
    """The consent ledger: every act appended, the current state moved forward with it, audited.

    The public operations open their own transaction or read; the ``*_in`` ones run in a caller's (a
    registration records the policy's acceptance in the transaction that creates the account).
    """

    def __init__(self, context: ServiceContext) -> None:
        self._context = context

    def give(self, *, subject_id: str, act: ConsentAct, by: str) -> ConsentEntry:
        """Records an act by ``by`` (a subject id): the person themselves, or their linked guardian."""
        with self._context.unit() as uow:
            return self.give_in(uow, subject_id=subject_id, act=act, by=by)

    def state(self, *, subject_id: str) -> dict[tuple[str, str], tuple[str, int]]:
        """The current state: (kind, scope) -> (status, the entry that set it)."""
        with self._context.connect() as connection:
            return self.state_in(connection, subject_id)

    def history(self, *, subject_id: str, after_id: int | None = None, limit: int | None = None) -> list[ConsentEntry]:
        """The person's acts of consent, oldest first; ``after_id`` and ``limit`` read one page of them."""
        with self._context.connect() as connection:
            return self.history_in(connection, subject_id, after_id=after_id, limit=limit)

    def may_ask(self, *, subject_id: str, kind: Kind, scope: str) -> tuple[bool, int]:
        """Whether the operator may ask again, and if not, how many seconds until it may (the cool-down)."""
        with self._context.connect() as connection:
            row = connection.execute(
                select(_state.c.status, _state.c.at).where(
                    _state.c.subject_id == subject_id, _state.c.kind == kind.value, _state.c.scope == scope
                )
            ).first()
        if row is None or row.status != "refused":
            return True, 0
        now = self._context.now()
        cooldown = self._context.policy.spec.consent.refusal_cooldown
        if cooldown.unit is DurationUnit.WORKING_DAYS:  # not worth the holiday calendar: a week is five of them
            until = row.at + timedelta(days=cooldown.approx_days())
        else:
            until = cooldown.after(row.at)
        if now >= until:
            return True, 0
        return False, int((until - now).total_seconds()) + 1

    # ------------------------------------------------------------------ in a caller's transaction

    def record_in(
        self,
        uow: UnitOfWork,
        *,
        subject_id: str,
        act: ConsentAct,
        actor: str,
        given_by: str = "subject",
        guardian_id: str | None = None,
        policy: CompiledPolicy | None = None,
    ) -> ConsentEntry:
        """Appends one act to the ledger and moves the current state forward, in the caller's transaction;
        ``policy``: the version the caller validated against (else the one in force)."""
        policy = policy or self._context.policy
        now = self._context.now()
        validate_act(policy, act)
        version = act.policy_version or policy.version
        row = {
            "subject_id": subject_id,
            "kind": act.kind.value,
            "scope": act.scope,
            "action": act.action.value,
            "given_by": given_by,
            "guardian_id": guardian_id,
            "channel": act.channel,
            "policy_version": version,
            "text_hash": act.text_hash,
            "language": act.language,
            "at": now,
        }
        entry_id = int(uow.connection.execute(insert(_entries).values(**row).returning(_entries.c.id)).scalar_one())
        webhooks.enqueue(
            uow.connection,
            webhooks.CONSENT_CHANGED,
            {
                "subject_id": subject_id,
                "kind": act.kind.value,
                "scope": act.scope,
                "action": act.action.value,
                "status": STATUS[act.action],
                "given_by": given_by,
                "entry_id": entry_id,
                "policy_version": version,
            },
            now=now,
        )
        upsert(
            uow.connection,
            _state,
            {
                "subject_id": subject_id,
                "kind": act.kind.value,
                "scope": act.scope,
                "status": STATUS[act.action],
                "given_by": given_by,
                "entry_id": entry_id,
                "policy_version": version,
                "at": now,
            },
            keys=("subject_id", "kind", "scope"),
            only_if_newer="entry_id",
        )
        uow.record(
            AuditEvent(
                f"consent-{STATUS[act.action]}",
                actor,
                role=given_by,
                subject=subject_id,
                details={
                    "entry": entry_id,
                    "kind": act.kind.value,
                    "scope": act.scope,
                    "channel": act.channel,
                    "policy_version": version,
                    "text_hash": act.text_hash,
                    "language": act.language,
                },
            )
        )
        return ConsentEntry(
            entry_id,
            subject_id,
            act.kind.value,
            act.scope,
            act.action.value,
            given_by,
            guardian_id,
            act.channel,
            version,
            act.text_hash,
            act.language,
            now,
        )

    def give_in(
        self, uow: UnitOfWork, *, subject_id: str, act: ConsentAct, by: str, policy: CompiledPolicy | None = None
    ) -> ConsentEntry:
        """``give`` in the caller's transaction (``policy`` as for ``record_in``).

        A minor who needs a guardian under the spec's rule cannot consent alone
        (PIPL Art. 31); a guardian acts only for their own linked wards.
        """
        policy = policy or self._context.policy
        minor, guardian = minors.subject_minor(uow.connection, subject_id)
        if by == subject_id:
            if minors.needs_guardian(policy, minor) and act.action is Action.GRANT:
                raise minors.GuardianRequired(
                    Msg(
                        "未成年人的个人信息处理需要监护人同意：请由已关联的监护人操作。",
                        "Processing a minor's PI needs a guardian's consent: the linked guardian must give it.",
                    )
                )
            return self.record_in(uow, subject_id=subject_id, act=act, actor=f"subject:{subject_id}", policy=policy)
        if guardian != by:
            raise Forbidden(
                Msg(
                    "只有本人或已关联的监护人可以作出同意。",
                    "Only the person or their linked guardian can give this consent.",
                )
            )
        return self.record_in(
            uow,
            subject_id=subject_id,
            act=act,
            actor=f"subject:{by}",
            given_by="guardian",
            guardian_id=by,
            policy=policy,
        )

    @staticmethod
    def state_in(connection: Connection, subject_id: str) -> dict[tuple[str, str], tuple[str, int]]:
        rows = connection.execute(
            select(_state.c.kind, _state.c.scope, _state.c.status, _state.c.entry_id).where(
                _state.c.subject_id == subject_id
            )
        ).all()
        return {(r.kind, r.scope): (r.status, int(r.entry_id)) for r in rows}

    @staticmethod
    def replay_in(connection: Connection, subject_id: str) -> dict[tuple[str, str], tuple[str, int]]:
        """The state the ledger implies, recomputed from every entry (to check the view, and for audits)."""
        state: dict[tuple[str, str], tuple[str, int]] = {}
        rows = connection.execute(
            select(_entries.c.id, _entries.c.kind, _entries.c.scope, _entries.c.action)
            .where(_entries.c.subject_id == subject_id)
            .order_by(_entries.c.id)
        )
        for row in rows:
            state[(row.kind, row.scope)] = (STATUS[Action(row.action)], int(row.id))
        return state

    @staticmethod
    def history_in(
        connection: Connection, subject_id: str, *, after_id: int | None = None, limit: int | None = None
    ) -> list[ConsentEntry]:
        """``history`` in the caller's read (a copy of everything held about the person)."""
        query = select(_entries).where(_entries.c.subject_id == subject_id).order_by(_entries.c.id)
        if after_id is not None:
            query = query.where(_entries.c.id > after_id)
        if limit is not None:
            query = query.limit(limit)
        rows = connection.execute(query)
        return [
            ConsentEntry(
                int(r.id),
                r.subject_id,
                r.kind,
                r.scope,
                r.action,
                r.given_by,
                r.guardian_id,
                r.channel,
                r.policy_version,
                r.text_hash,
                r.language,
                r.at,
            )
            for r in rows
        ]


def kind_of(value: str) -> Kind:
    """The consent kind named by ``value``, or a clear refusal naming the kinds there are."""
    try:
        return Kind(value)
    except ValueError:
        kinds = ", ".join(k.value for k in Kind)
        raise BadRequest(
            Msg(f"同意的种类应是：{kinds}。", f"The kind of consent must be one of: {kinds}."), field="consent_kind"
        ) from None
