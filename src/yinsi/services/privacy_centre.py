"""The person's own use cases (我的 → 隐私): where they stand, their consents, their data, their access log,
guardianship. The HTTP API (/v1/me) and the privacy centre's pages both call these operations, so a use case
is orchestrated once.

Each operation opens its own transaction, takes keyword-only arguments and returns plain data; the caller
never hands over a connection. A person sees their own values masked, and a whole value only after
proving again who they are (an SMS code to their own number, or their password): a borrowed, unlocked
phone then shows no ID number in full.
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, select

from yinsi.adapters.db.rows import AccountRow, ExportRow, PolicyVersionRow, table_of
from yinsi.core import pages
from yinsi.core.errors import BadRequest, NotFound
from yinsi.core.i18n import Msg
from yinsi.core.masking import mask
from yinsi.core.pages import Page
from yinsi.core.policy.login import LoginMethod, login_scheme
from yinsi.core.policy.model import PolicySpec
from yinsi.core.policy.vocabulary import CookieCategory
from yinsi.core.requests import RequestType
from yinsi.services import handover, minors
from yinsi.services.accounts import PASSWORD_MIN, AccessEntry, Accounts, Login, PasswordRefused
from yinsi.services.audit import AuditEvent
from yinsi.services.consent import Action, ConsentAct, ConsentEntry, ConsentLedger, Kind
from yinsi.services.consent_state import POLICY_SCOPE
from yinsi.services.context import ServiceContext
from yinsi.services.handover import Handovers
from yinsi.services.minors import GuardianLinks
from yinsi.services.notifier import Notifier
from yinsi.services.passwords import verify_password
from yinsi.services.rights import RequestView, Rights
from yinsi.services.self_service import SelfService
from yinsi.services.vault import Actor, InvalidInput, StoredValue, Vault

_versions = table_of(PolicyVersionRow)
_accounts = table_of(AccountRow)
_exports = table_of(ExportRow)

REVEAL_PURPOSE = "reveal"  # the purpose of the SMS codes that re-verify before a whole value is shown
NO_PHONE = Msg("您的账号没有手机号。", "Your account has no phone number.")
NO_SUCH_VALUE = Msg("没有这项个人信息。", "There is no such item of personal information.")


@dataclass(frozen=True, slots=True)
class ConsentState:
    kind: str
    scope: str
    status: str
    entry_id: int


@dataclass(frozen=True, slots=True)
class Standing:
    """Where a person stands: the policy they accepted, and each consent, permission and setting now."""

    current_version: str
    accepted: bool
    reconsent_required: bool
    minor: str
    needs_guardian: bool
    states: list[ConsentState]

    def status_of(self, kind: str, scope: str) -> str | None:
        return next((s.status for s in self.states if s.kind == kind and s.scope == scope), None)


@dataclass(frozen=True, slots=True)
class DataItem:
    """One value held about the person, masked; ``whole`` only in the answer to ``reveal``."""

    field: str
    label: dict[str, str]
    masked: str = dataclasses.field(repr=False)
    purposes: list[str]
    collected_at: datetime
    retain_until: datetime | None


@dataclass(frozen=True, slots=True)
class PolicyVersion:
    version: str
    published_at: datetime
    material: bool
    changes: list[dict[str, Any]]  # each: zh, en, material (the kind, or None)


@dataclass(frozen=True, slots=True)
class RequestPage:
    view: RequestView
    export_id: str | None
    blockers: list[dict[str, Any]]


class PrivacyCentre:
    def __init__(
        self,
        context: ServiceContext,
        vault: Vault,
        accounts: Accounts,
        rights: Rights,
        notifier: Notifier,
        *,
        ledger: ConsentLedger,
        self_service: SelfService,
        guardian_links: GuardianLinks,
        handovers: Handovers,
    ) -> None:
        self.context = context
        self.vault = vault  # consents in force, opening and shredding PI, new subjects
        self.handovers = handovers
        self.guardian_links = guardian_links
        self.self_service = self_service
        self.ledger = ledger
        self.accounts = accounts
        self.rights = rights
        self.notifier = notifier

    # ------------------------------------------------------------------ consents

    def standing(self, *, subject: str) -> Standing:
        policy = self.context.policy
        with self.context.connect() as connection:
            snapshot = self.vault.consents.snapshot(connection, subject, policy)
            state = self.ledger.state_in(connection, subject)
            minor, _ = minors.subject_minor(connection, subject)
        return Standing(
            current_version=policy.version,
            accepted=snapshot.policy_accepted,
            reconsent_required=snapshot.reconsent_required,
            minor=minor,
            needs_guardian=minors.needs_guardian(policy, minor),
            states=[ConsentState(k, s, v[0], v[1]) for (k, s), v in sorted(state.items())],
        )

    def ward_standing(self, *, guardian: str, ward: str) -> Standing:
        with self.context.connect() as connection:
            minors.require_guardian_of(connection, guardian, ward, self.context.policy, "access")
        return self.standing(subject=ward)

    def consent_history(self, *, subject: str) -> list[ConsentEntry]:
        return self.ledger.history(subject_id=subject)

    def consent_history_page(self, *, subject: str, limit: int, cursor: str | None = None) -> Page[ConsentEntry]:
        """The person's acts of consent, oldest first, a page at a time."""
        after = pages.decode(cursor, 1)
        entries = self.ledger.history(
            subject_id=subject, after_id=_cursor_id(after) if after is not None else None, limit=limit + 1
        )
        return pages.cut(entries, limit, lambda e: (e.id,))

    def give(self, *, subject: str, act: ConsentAct, by: str | None = None) -> ConsentEntry:
        """Grant, refuse or withdraw one thing, by the person or (``by``) their linked guardian."""
        return self.ledger.give(subject_id=subject, act=act, by=by or subject)

    def may_ask(self, *, subject: str, kind: Kind, scope: str) -> tuple[bool, int]:
        return self.ledger.may_ask(subject_id=subject, kind=kind, scope=scope)

    def accept_policy(
        self,
        *,
        subject: str,
        policy_version: str | None,
        text_hash: str,
        language: str,
        channel: str,
        affirmative: bool,
    ) -> ConsentEntry:
        act = ConsentAct(
            Kind.POLICY, POLICY_SCOPE, Action.GRANT, channel, text_hash, language, affirmative, policy_version
        )
        return self.give(subject=subject, act=act)

    def set_personalisation(
        self, *, subject: str, enabled: bool, text_hash: str, language: str, channel: str
    ) -> ConsentEntry:
        act = ConsentAct(
            Kind.PERSONALISATION,
            "all",
            Action.GRANT if enabled else Action.WITHDRAW,
            channel,
            text_hash,
            language,
            affirmative=True,
        )
        return self.give(subject=subject, act=act)

    def record_cookie_choices(self, *, subject: str | None, granted: list[str], text_hash: str, language: str) -> str:
        """The cookie banner's answer: every non-essential cookie of the spec granted (if chosen) or refused,
        with the text shown, in one transaction. A visitor without an account (``subject`` None) gets a
        subject of their own, so that their choice is in the ledger like anyone's; its id is returned."""
        policy = self.context.policy
        with self.context.unit() as uow:
            if subject is None:
                subject = self.vault.create_subject_as_system(actor=Actor.system(), uow=uow)
            for cookie_id, cookie in policy.spec.cookies.items():
                if cookie.category is CookieCategory.ESSENTIAL:
                    continue
                chosen = cookie_id in granted
                act = ConsentAct(
                    Kind.COOKIE, cookie_id, Action.GRANT if chosen else Action.REFUSE, "web", text_hash, language, True
                )
                self.ledger.give_in(uow, subject_id=subject, act=act, by=subject, policy=policy)
        return subject

    # ------------------------------------------------------------------ the policy and its history

    def policy_versions(self) -> list[PolicyVersion]:
        """Every published version, newest first, each with what changed from the one before in plain words:
        the diff names fields, purposes and recipients by their ids, which the centre shows by their labels."""
        with self.context.connect() as connection:
            rows = connection.execute(
                select(_versions.c.version, _versions.c.published_at, _versions.c.material, _versions.c.changes)
                .order_by(_versions.c.id.desc())
                .limit(50)
            ).all()
        names = _names(self.context.policy.spec)
        return [
            PolicyVersion(r.version, r.published_at, bool(r.material), [_plain(c, names) for c in r.changes or []])
            for r in rows
        ]

    # ------------------------------------------------------------------ my data

    def my_data(self, *, subject: str) -> list[DataItem]:
        """Every value held about me, masked; the read is audited like any other."""
        with self.context.reading() as unit:
            stored = self.vault.stored_values(unit.connection, subject)
            unit.record(
                AuditEvent(
                    "pi-shown-to-subject",
                    f"subject:{subject}",
                    role="subject",
                    subject=subject,
                    returned={s.field: "masked" for s in stored},
                )
            )
        return self._items(stored)

    def ward_data(self, *, guardian: str, ward: str) -> list[DataItem]:
        """A minor's values, masked, for their linked guardian, who may correct and delete them from the
        ward's page (only where the spec lets guardians see them); audited as shown to the guardian."""
        with self.context.reading() as unit:
            minors.require_guardian_of(unit.connection, guardian, ward, self.context.policy, "access")
            stored = self.vault.stored_values(unit.connection, ward)
            unit.record(
                AuditEvent(
                    "pi-shown-to-guardian",
                    f"subject:{guardian}",
                    role="guardian",
                    subject=ward,
                    returned={s.field: "masked" for s in stored},
                )
            )
        return self._items(stored)

    def _items(self, stored: list[StoredValue]) -> list[DataItem]:
        policy = self.context.policy
        return [
            DataItem(
                s.field,
                _label(policy.spec.fields[s.field].label)
                if s.field in policy.spec.fields
                else {"zh": s.field, "en": s.field},
                mask(policy.field_types[s.field], s.value) if s.field in policy.field_types else "***",
                s.purposes,
                s.collected_at,
                s.retain_until,
            )
            for s in stored
        ]

    def send_reveal_code(self, *, subject: str, client: str) -> int:
        """Sends an SMS code to the person's own number (nothing but that one field is decrypted)."""
        phone = self._own_phone(subject)
        return self.accounts.request_code(phone=phone, client=client, purpose=REVEAL_PURPOSE).expires_in

    def reveal(
        self, *, subject: str, field: str, client: str, code: str | None = None, password: str | None = None
    ) -> str:
        """My own whole value of ``field``, after I proved again who I am: an SMS code where I log in by
        phone, my password where I log in by user name. The reveal is audited (the field, never the value)."""
        policy = self.context.policy
        if field not in policy.field_types:
            raise NotFound(NO_SUCH_VALUE, field="field")
        scheme = login_scheme(policy.spec)
        by_password = scheme is not None and scheme.method is LoginMethod.USERNAME_PASSWORD
        if by_password:
            self._check_own_password(subject, password or "")
        with self.context.unit() as uow:
            if not by_password:
                _, digest = self.accounts.phone_key(policy, self._own_phone(subject, uow.connection))
                self.accounts.check_code(
                    uow, phone_digest=digest, code=code or "", client=client, purpose=REVEAL_PURPOSE
                )
            value = self.vault.open_fields(uow.connection, subject, [field]).get(field)
            if value is None:
                raise NotFound(NO_SUCH_VALUE, field="field")
            uow.record(
                AuditEvent(
                    "pi-revealed-to-subject",
                    f"subject:{subject}",
                    role="subject",
                    subject=subject,
                    returned={field: "whole"},
                    details={"verified_by": "password" if by_password else "sms_code"},
                )
            )
        return value

    def _check_own_password(self, subject: str, password: str) -> None:
        with self.context.connect() as connection:
            stored = connection.execute(
                select(_accounts.c.password_hash).where(_accounts.c.subject_id == subject)
            ).scalar()
        if len(password) < PASSWORD_MIN or not verify_password(stored, password):
            raise PasswordRefused(Msg("密码不正确。", "The password is not correct."))

    def _own_phone(self, subject: str, connection: Connection | None = None) -> str:
        """Only the login field is decrypted, never the rest of the person's values."""
        policy = self.context.policy
        if policy.login is None:
            raise InvalidInput(Msg("没有可用于登录的手机号字段。", "No phone number field to log in with."))
        login_field, _ = policy.login
        if connection is None:
            with self.context.connect() as own:
                return self._own_phone(subject, own)
        phone = self.vault.open_fields(connection, subject, [login_field]).get(login_field)
        if phone is None:
            raise InvalidInput(NO_PHONE, field=login_field)
        return phone

    # ------------------------------------------------------------------ account

    def access_log(self, *, subject: str) -> list[AccessEntry]:
        return self.accounts.access_log(subject)

    def access_log_page(self, *, subject: str, limit: int, cursor: str | None = None) -> Page[AccessEntry]:
        """The person's access log, newest first, a page at a time."""
        after = pages.decode(cursor, 1)
        entries = self.accounts.access_log(
            subject, limit + 1, before_id=_cursor_id(after) if after is not None else None
        )
        return pages.cut(entries, limit, lambda e: (e.id,))

    def set_password(self, *, subject: str, password: str) -> None:
        self.accounts.set_password(subject=subject, password=password)

    def handover_code(self, *, subject: str) -> handover.Handover:
        """A one-time code the app hands to its web view to open the centre (see services.handover)."""
        return self.handovers.issue(subject=subject)

    def redeem_handover(self, *, code: str, client: str) -> Login:
        """The centre's own new session for a hand-over code; refuses an unknown, used or expired one."""
        return self.handovers.redeem(code=code, client=client)

    # ------------------------------------------------------------------ guardians and wards

    def request_guardian(self, *, subject: str, guardian_phone: str) -> int:
        """A minor names their guardian's phone; the guardian receives a code to confirm the link. Returns
        the seconds the code stays valid."""
        policy = self.context.policy
        canonical, digest = self.accounts.phone_key(policy, guardian_phone)
        return self.guardian_links.request(ward_id=subject, guardian_phone=canonical, guardian_phone_digest=digest)

    def confirm_ward(self, *, subject: str, code: str) -> list[str]:
        """The guardian confirms with the code sent to their phone (the number they log in with)."""
        policy = self.context.policy
        with self.context.unit() as uow:
            _, digest = self.accounts.phone_key(policy, self._own_phone(subject, uow.connection))
            self.guardian_links.confirm_in(uow, guardian_id=subject, guardian_phone_digest=digest, code=code)
            return minors.wards_of(uow.connection, subject)

    def wards(self, *, guardian: str) -> list[str]:
        with self.context.connect() as connection:
            return minors.wards_of(connection, guardian)

    def correct_ward_pi(self, *, guardian: str, ward: str, values: dict[str, str], purpose: str | None) -> list[str]:
        with self.context.unit() as uow:
            minors.require_guardian_of(uow.connection, guardian, ward, self.context.policy, "correct")
            return self.self_service.correct_in(
                uow,
                subject=ward,
                values=values,
                actor=Actor(f"subject:{guardian}", "guardian"),
                purpose=purpose,
            )

    def delete_ward_pi(self, *, guardian: str, ward: str, field: str) -> list[str]:
        with self.context.unit() as uow:
            minors.require_guardian_of(uow.connection, guardian, ward, self.context.policy, "delete")
            return self.self_service.delete_in(
                uow, subject=ward, fields=[field], actor=Actor(f"subject:{guardian}", "guardian")
            )

    # ------------------------------------------------------------------ requests

    def request(self, *, subject: str, request_id: str, lang: str) -> RequestPage:
        """One of my requests as its page shows it: the request, the copy to download (a self-service copy
        is made at once; its link lasts ``export_link_minutes``), and what blocks a cancellation."""
        view = self.rights.get(request_id=request_id, by=subject, lang=lang)
        export_id = None
        if view.type is RequestType.COPY and view.filed_by == "subject":
            with self.context.connect() as connection:
                export_id = connection.execute(
                    select(_exports.c.id)
                    .where(
                        _exports.c.request_id == request_id,
                        _exports.c.subject_id == subject,
                        _exports.c.expires_at > self.context.now(),
                    )
                    .order_by(_exports.c.created_at.desc())
                ).scalar()
        blockers = self.blockers(subject=subject) if view.type is RequestType.CANCEL_ACCOUNT else []
        return RequestPage(view, export_id, blockers)

    # ------------------------------------------------------------------ cancellation

    def blockers(self, *, subject: str) -> list[dict[str, Any]]:
        """What must be settled before my account can be cancelled, and what to do about each."""
        with self.context.connect() as connection:
            return self.rights.blockers(connection, subject)


_QUOTED_ID = re.compile(r"'([a-z][a-z0-9_.]*)'")


def _names(spec: PolicySpec) -> dict[str, tuple[str, str]]:
    """Ids of the spec's fields, purposes, recipients, permissions and cookies, with their labels (a field's
    label first, where a permission shares its id)."""
    names: dict[str, tuple[str, str]] = {}
    for group in (spec.fields, spec.purposes, spec.permissions, spec.cookies):
        for key, item in group.items():
            names.setdefault(key, (item.label.get("zh-CN"), item.label.get("en")))
    for key, recipient in spec.recipients.items():
        names.setdefault(key, (recipient.name.get("zh-CN"), recipient.name.get("en")))
    return names


def _plain(change: dict[str, Any], names: dict[str, tuple[str, str]]) -> dict[str, Any]:
    def named(text: str, index: int) -> str:
        return _QUOTED_ID.sub(lambda m: f"“{names[m.group(1)][index]}”" if m.group(1) in names else m.group(0), text)

    return {**change, "zh": named(str(change.get("zh", "")), 0), "en": named(str(change.get("en", "")), 1)}


def _label(text: Any) -> dict[str, str]:
    if text is None:
        return {"zh": "", "en": ""}
    return {"zh": text.get("zh-CN"), "en": text.get("en")}


def _cursor_id(key: list[str | int]) -> int:
    """The id a cursor of the consent ledger or the access log ends at; anything else is ``bad_request``."""
    if not isinstance(key[0], int):
        raise BadRequest(pages.BAD_CURSOR, field="cursor")
    return key[0]
