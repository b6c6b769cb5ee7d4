"""Minors: age from what a person provides, the spec's rule applied, and guardians linked and acting.

Age is learnt when an ID number (its birth date), a birth date or an age is
written to the vault. Then the spec's rule applies (PIPL Art. 31, 未成年人网络保护条例):

- adults only: the write is refused and the minor's PI is deleted at once
  (crypto-shredded), as seed 001 promises;
- guardian consent under 14 (or 18): from then on only consents given by a
  linked guardian count, the minor's own are refused, and the guardian may
  see, correct and delete the minor's PI.

A guardian is linked by a one-time code sent to the guardian's own phone: the
minor names the number, the guardian (logged in with that number) confirms.
"""

from __future__ import annotations

import hmac
import secrets
from datetime import date, timedelta
from hashlib import sha256

from sqlalchemy import Connection, bindparam, insert, select, update

from yinsi.adapters.db.rows import GuardianLinkRow, SubjectRow, table_of
from yinsi.core.errors import Forbidden, YinsiError, not_found
from yinsi.core.i18n import Msg
from yinsi.core.policy.compiled import CompiledPolicy
from yinsi.core.policy.vocabulary import FieldType, MinorsRule
from yinsi.core.ports import Message
from yinsi.core.validation import age_on, birth_date_from_id
from yinsi.services import rate_limits
from yinsi.services.audit import AuditEvent
from yinsi.services.context import ServiceContext
from yinsi.services.notifier import Notifier
from yinsi.services.unit_of_work import UnitOfWork

_subjects = table_of(SubjectRow)
_links = table_of(GuardianLinkRow)

# Only a change is written: most writes of an ID number confirm what is known already.
_SET_MINOR = (
    update(_subjects)
    .where(_subjects.c.id == bindparam("subject"), _subjects.c.minor != bindparam("age_class"))
    .values(minor=bindparam("age_class"))
)

BIRTH_DATE_FIELDS = frozenset({"date_of_birth", "birth_date", "birthday"})
AGE_FIELDS = frozenset({"age"})
LINK_TTL = timedelta(minutes=30)
LINK_ATTEMPTS = 5


class MinorNotAllowed(YinsiError):
    """Adults only: a minor's write is refused (and their PI deleted); the refusal stays in the audit trail."""

    code = "minor_not_allowed"
    audited = True

    def __init__(self, subject_id: str) -> None:
        super().__init__(
            Msg(
                "本服务只面向成年人：检测到未成年人，已拒绝并删除其个人信息。",
                "This service is for adults only: a minor was detected, so the data was refused and their PI deleted.",
            )
        )
        self.subject_id = subject_id


class GuardianRequired(YinsiError):
    code = "guardian_consent_required"


class GuardianLinkFailed(YinsiError):
    code = "guardian_link_invalid"
    keep_changes = True


def age_class(age: int) -> str:
    return "under_14" if age < 14 else "under_18" if age < 18 else "adult"


def age_from(field_id: str, field_type: FieldType, canonical: str, today: date) -> int | None:
    """The age a value reveals, if it reveals one."""
    if field_type is FieldType.ID_NUMBER:
        return age_on(birth_date_from_id(canonical), today)
    if field_type is FieldType.DATE and field_id in BIRTH_DATE_FIELDS:
        return age_on(date.fromisoformat(canonical), today)
    if field_type is FieldType.INTEGER and field_id in AGE_FIELDS:
        return int(canonical)
    return None


def needs_guardian(policy: CompiledPolicy, minor: str) -> bool:
    rule = policy.spec.minors
    if rule is None or rule.rule is not MinorsRule.GUARDIAN_CONSENT:
        return False
    return minor == "under_14" or (rule.guardian_consent_under == 18 and minor == "under_18")


def apply_age(
    connection: Connection, policy: CompiledPolicy, subject_id: str, values: dict[str, str], today: date
) -> None:
    """Records the age class a write reveals; raises MinorNotAllowed under an adults-only rule."""
    ages = [
        age
        for field_id, value in values.items()
        if (age := age_from(field_id, policy.field_types[field_id], value, today)) is not None
    ]
    if not ages:
        return
    minor = age_class(min(ages))
    rule = policy.spec.minors
    if rule is not None and rule.rule is MinorsRule.ADULTS_ONLY and minor != "adult":
        raise MinorNotAllowed(subject_id)
    connection.execute(_SET_MINOR, {"subject": subject_id, "age_class": minor})


def subject_minor(connection: Connection, subject_id: str) -> tuple[str, str | None]:
    row = connection.execute(
        select(_subjects.c.minor, _subjects.c.guardian_id).where(_subjects.c.id == subject_id)
    ).first()
    if row is None:
        raise not_found("这个人", "person")
    return str(row.minor), row.guardian_id


def wards_of(connection: Connection, guardian_id: str) -> list[str]:
    return list(
        connection.execute(
            select(_subjects.c.id)
            .where(_subjects.c.guardian_id == guardian_id, _subjects.c.status == "active")
            .order_by(_subjects.c.created_at)
        ).scalars()
    )


def require_guardian_of(
    connection: Connection,
    guardian_id: str,
    ward_id: str,
    policy: CompiledPolicy | None = None,
    action: str | None = None,
) -> None:
    """Refuses anyone but the minor's linked guardian, and (when the spec lists what guardians may do,
    ``minors.guardian_may``) any action it does not list."""
    try:
        _, guardian = subject_minor(connection, ward_id)
    except YinsiError:
        guardian = None
    if guardian is None or guardian != guardian_id:
        raise Forbidden(Msg("您不是这个未成年人已关联的监护人。", "You are not the linked guardian of this minor."))
    allowed = policy.spec.minors.guardian_may if policy is not None and policy.spec.minors is not None else []
    if action is not None and allowed and action not in allowed:
        verb = {"access": "查阅", "correct": "更正", "delete": "删除"}.get(action, action)
        raise Forbidden(
            Msg(
                f"隐私政策没有规定监护人可以代为{verb}未成年人的个人信息。",
                f"The policy does not let guardians {action} a minor's PI.",
            )
        )


def _link_mac(secret: bytes, guardian_phone_digest: bytes, code: str) -> bytes:
    return hmac.new(secret, b"guardian\x00" + guardian_phone_digest + code.encode(), sha256).digest()


class GuardianLinks:
    """Linking a minor to their guardian: the minor names the guardian's phone, the guardian confirms with the
    code sent to it."""

    def __init__(self, context: ServiceContext, notifier: Notifier) -> None:
        self._context = context
        self._notifier = notifier

    def request(self, *, ward_id: str, guardian_phone: str, guardian_phone_digest: bytes) -> int:
        """Creates a pending link and sends the guardian its code once committed; returns the seconds the code
        stays valid."""
        now = self._context.now()
        codes_secret = self._context.keyring.secret("codes")
        with self._context.unit() as uow:
            rate_limits.consume(uow.connection, rate_limits.CODE_PER_PHONE_MINUTE, guardian_phone_digest, now)
            rate_limits.consume(uow.connection, rate_limits.CODE_PER_PHONE_HOUR, guardian_phone_digest, now)
            code = f"{secrets.randbelow(10**6):06d}"
            uow.connection.execute(
                insert(_links).values(
                    ward_id=ward_id,
                    guardian_phone_digest=guardian_phone_digest,
                    code_mac=_link_mac(codes_secret, guardian_phone_digest, code),
                    created_at=now,
                    expires_at=now + LINK_TTL,
                    attempts=0,
                )
            )
            uow.record(AuditEvent("guardian-link-requested", f"subject:{ward_id}", role="subject", subject=ward_id))
            message = Message(  # signed 【…】 by the notifier, as every SMS
                channel="sms",
                to=guardian_phone,
                subject="监护人确认",
                body=f"有未成年人申请将您设为监护人。如同意，请登录后输入确认码 {code}（30 分钟内有效）。",
                tags={"kind": "guardian_link"},
            )
            uow.after_commit(lambda: self._notifier.send(message))
        return int(LINK_TTL.total_seconds())

    def confirm_in(self, uow: UnitOfWork, *, guardian_id: str, guardian_phone_digest: bytes, code: str) -> str:
        """Links the guardian to the minor whose pending request carries ``code``, in the caller's transaction
        (which has just read the guardian's own phone); returns the ward's id."""
        connection = uow.connection
        now = self._context.now()
        codes_secret = self._context.keyring.secret("codes")
        guardian_minor, _ = subject_minor(connection, guardian_id)
        if guardian_minor in ("under_14", "under_18"):
            raise Forbidden(Msg("监护人必须是成年人。", "A guardian must be an adult."))
        row = connection.execute(
            select(_links)
            .where(
                _links.c.guardian_phone_digest == guardian_phone_digest,
                _links.c.confirmed_at.is_(None),
                _links.c.expires_at > now,
            )
            .order_by(_links.c.id.desc())
            .limit(1)
            .with_for_update()
        ).first()
        invalid = Msg("确认码不正确或已过期。", "The confirmation code is wrong or has expired.")
        if row is None or row.attempts >= LINK_ATTEMPTS:
            raise GuardianLinkFailed(invalid)
        if not hmac.compare_digest(bytes(row.code_mac), _link_mac(codes_secret, guardian_phone_digest, code)):
            connection.execute(update(_links).where(_links.c.id == row.id).values(attempts=_links.c.attempts + 1))
            raise GuardianLinkFailed(invalid)
        if row.ward_id == guardian_id:
            raise Forbidden(Msg("不能成为自己的监护人。", "Nobody can be their own guardian."))
        connection.execute(update(_links).where(_links.c.id == row.id).values(confirmed_at=now))
        connection.execute(update(_subjects).where(_subjects.c.id == row.ward_id).values(guardian_id=guardian_id))
        uow.record(
            AuditEvent(
                "guardian-linked",
                f"subject:{guardian_id}",
                role="guardian",
                subject=row.ward_id,
                details={"guardian": guardian_id},
            )
        )
        return str(row.ward_id)
