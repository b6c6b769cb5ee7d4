"""Accounts: register and log in with a phone number and an SMS code, optional passwords, sessions.

The phone number people log in with is a vault field like any other: sealed
under their own key and found through its blind index. One-time codes are six
digits (twelve for a number strangers keep guessing at), valid for five
minutes, tried at most five times from one address, and stored only as HMACs
keyed by a keystore secret (a plain hash of six digits is guessed in a
second). The limits are in services.rate_limits: none lets a stranger keep the
owner of a number out. Sessions are opaque 256-bit tokens of which only a SHA-256 is kept.
Every login writes a network access log entry (网络安全法 Art. 21) whose client
address is sealed under the person's key, so it goes when they are shredded.
"""

from __future__ import annotations

import hmac
import secrets
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from hashlib import sha256
from typing import Any

from sqlalchemy import Connection, bindparam, delete, insert, select, update

from yinsi.adapters.db.rows import (
    AccessLogRow,
    AccountRow,
    ExternalLoginRow,
    LoginCodeRow,
    SessionRow,
    SubjectRow,
    table_of,
)
from yinsi.core.errors import BadRequest, Unauthenticated, YinsiError
from yinsi.core.i18n import Msg
from yinsi.core.policy.compiled import CompiledPolicy
from yinsi.core.policy.login import LoginMethod, LoginScheme, login_scheme
from yinsi.core.policy.types import Duration, DurationUnit
from yinsi.core.policy.vocabulary import FieldType
from yinsi.core.ports import Message
from yinsi.core.sealing import external_login_digest, open_value, seal_value, secret_digest
from yinsi.core.validation import InvalidValue, normalise_for_index, validate
from yinsi.services import consent, rate_limits
from yinsi.services.audit import AuditEvent
from yinsi.services.consent import Action, ConsentAct, ConsentLedger, Kind
from yinsi.services.context import ServiceContext
from yinsi.services.notifier import Notifier
from yinsi.services.passwords import hash_password, verify_password
from yinsi.services.unit_of_work import UnitOfWork
from yinsi.services.vault import Actor, InvalidInput, Vault

_accounts = table_of(AccountRow)
_codes = table_of(LoginCodeRow)
_sessions = table_of(SessionRow)
_access = table_of(AccessLogRow)
_subjects = table_of(SubjectRow)
_logins = table_of(ExternalLoginRow)

CODE_TTL = timedelta(minutes=5)
LONG_CODE = 12  # digits of the codes a number gets while strangers guess at it (see rate_limits)
SESSION_TTL = timedelta(days=30)
SESSION_PREFIX = "ys_"
PASSWORD_MIN, PASSWORD_MAX = 8, 128
SYSTEM = Actor("system", "system")

_RECENT_CODES = (
    select(_codes)
    .where(_codes.c.phone_digest == bindparam("phone"), _codes.c.purpose == bindparam("purpose"))
    .order_by(_codes.c.id.desc())
    .limit(10)  # more than can be live at once: one a minute, each valid for five minutes
    .with_for_update()
)
_REVOKE_ALL = (
    update(_sessions)
    .where(_sessions.c.subject_id == bindparam("b_subject"), _sessions.c.revoked_at.is_(None))
    .values(revoked_at=bindparam("now"))
)
_SESSION = (
    select(_sessions.c.subject_id, _sessions.c.expires_at, _sessions.c.revoked_at, _accounts.c.status)
    .join(_accounts, _accounts.c.subject_id == _sessions.c.subject_id)
    .where(_sessions.c.token_hash == bindparam("token_hash"))
)


class LoginRefused(YinsiError):
    """A wrong, expired, used or exhausted code: refused, but the attempt is counted (committed)."""

    code = "code_invalid"
    keep_changes = True


class PasswordRefused(LoginRefused):
    code = "credentials_invalid"


class UsernameTaken(YinsiError):
    code = "conflict"


class PolicyAcceptanceRequired(YinsiError):
    code = "policy_acceptance_required"


class AccountsUnavailable(YinsiError):
    code = "accounts_unavailable"


WRONG_CODE = Msg("验证码不正确。", "The code is not correct.")
EXPIRED_CODE = Msg("验证码已过期，请重新获取。", "The code has expired; please ask for a new one.")
USED_CODE = Msg("这个验证码已经使用过，请重新获取。", "This code was used already; please ask for a new one.")
NO_CODE = Msg("请先获取验证码。", "Please ask for a code first.")
LOCKED_CODE = Msg("验证码错误次数过多，请重新获取。", "Too many wrong tries for this code; please ask for a new one.")
LONG_CODE_NEEDED = Msg(
    "这个号码近期收到过多错误的验证码，为安全起见请重新获取验证码（新的验证码为 12 位）。",
    "This number has had many wrong codes lately: for safety, ask for a new code (it will have 12 digits).",
)
BAD_LOGIN = Msg("手机号或密码不正确。", "The phone number or password is not correct.")
BAD_NAME_LOGIN = Msg("用户名或密码不正确。", "The user name or password is not correct.")
USERNAME_TAKEN = Msg("这个用户名已被使用，请换一个。", "This user name is taken; please choose another.")
SESSION_INVALID = Msg("登录已失效，请重新登录。", "Your session has expired or ended; please log in again.")


@dataclass(frozen=True, slots=True)
class CodeSent:
    expires_in: int
    digits: int = 6


@dataclass(frozen=True, slots=True)
class Login:
    token: str
    subject_id: str
    expires_at: datetime
    new_account: bool


@dataclass(frozen=True, slots=True)
class AccessEntry:
    id: int
    login_at: datetime
    logout_at: datetime | None
    method: str
    address: str = field(repr=False)


class Accounts:
    """Accounts, logins and sessions. The vault only finds a login, opens the account and writes its value; the
    units, keys, policy and clock come from the shared context."""

    def __init__(self, context: ServiceContext, vault: Vault, notifier: Notifier, *, ledger: ConsentLedger) -> None:
        self.context = context
        self.vault = vault
        self.notifier = notifier
        self.ledger = ledger

    # ------------------------------------------------------------------ helpers

    def _login_field(self, policy: CompiledPolicy) -> tuple[str, str]:
        if policy.login is None:
            raise AccountsUnavailable(
                Msg(
                    "隐私政策没有声明可用于登录的手机号字段。",
                    "The policy declares no phone number field to log in with.",
                )
            )
        return policy.login

    def phone_key(self, policy: CompiledPolicy, phone: str) -> tuple[str, bytes]:
        """The canonical number and its keyed digest (what codes, links and rate limits are keyed by)."""
        field, _ = self._login_field(policy)
        try:
            canonical = validate(field, FieldType.MOBILE, phone)
        except InvalidValue as exc:
            raise InvalidInput(exc.reason, field="phone") from None
        return canonical, rate_limits.digest(
            self.context.keyring.secret("codes"), "phone", normalise_for_index(FieldType.MOBILE, canonical)
        )

    def _scheme(self, policy: CompiledPolicy, method: LoginMethod) -> LoginScheme:
        scheme = login_scheme(policy.spec)
        if scheme is None or scheme.method is not method:
            raise AccountsUnavailable(
                Msg("隐私政策没有声明这种登录方式。", "The policy declares no such way to log in.")
            )
        return scheme

    def username_key(self, policy: CompiledPolicy, username: str) -> tuple[str, bytes]:
        """The canonical user name and its keyed digest (what rate limits are keyed by)."""
        scheme = self._scheme(policy, LoginMethod.USERNAME_PASSWORD)
        try:
            canonical = validate(scheme.field, FieldType.ACCOUNT, username)
        except InvalidValue as exc:
            raise InvalidInput(exc.reason, field="username") from None
        return canonical, rate_limits.digest(
            self.context.keyring.secret("codes"), "username", normalise_for_index(FieldType.ACCOUNT, canonical)
        )

    def _client(self, client: str) -> bytes:
        return rate_limits.digest(self.context.keyring.secret("codes"), "client", rate_limits.source(client))

    def _pair(self, phone_digest: bytes, client: str) -> bytes:
        return rate_limits.pair(self.context.keyring.secret("codes"), "phone_client", phone_digest, client)

    def _code_mac(self, phone_digest: bytes, code: str) -> bytes:
        return hmac.new(self.context.keyring.secret("codes"), phone_digest + code.encode(), sha256).digest()

    def _wrong_codes(self, connection: Connection, phone_digest: bytes, now: datetime) -> int:
        since = now - rate_limits.LONG_CODES_WINDOW
        return rate_limits.count_since(connection, rate_limits.WRONG_CODES_PER_PHONE, phone_digest, since)[0]

    # ------------------------------------------------------------------ SMS codes

    def request_code(self, *, phone: str, client: str, purpose: str = "login") -> CodeSent:
        """Sends a login code. The answer is the same whether or not the number is registered.

        Sending is limited by a one-minute cooldown per number and by caps per (number, address) and per address,
        never by a cap per number that strangers could fill: a code a stranger triggers goes to the owner's phone,
        so while the cooldown refuses, the owner holds a code less than a minute old.
        """
        policy = self.context.policy
        canonical, phone_digest = self.phone_key(policy, phone)
        now = self.context.now()
        with self.context.unit() as uow:
            connection = uow.connection
            limits = (
                (rate_limits.LOGIN_CODE_COOLDOWN, phone_digest),
                (rate_limits.CODE_PER_PHONE_CLIENT_HOUR, self._pair(phone_digest, client)),
                (rate_limits.CODE_PER_CLIENT_HOUR, self._client(client)),
            )
            # Every limit is checked before any is counted, so a refused request uses up none of them.
            for limit, key in limits:
                rate_limits.check(connection, limit, key, now)
            for limit, key in limits:
                rate_limits.record(connection, limit, key, now)
            # A number strangers keep guessing at gets codes no one can guess: 12 digits instead of 6.
            digits = (
                LONG_CODE if self._wrong_codes(connection, phone_digest, now) >= rate_limits.LONG_CODES_AFTER else 6
            )
            code = "".join(str(secrets.randbelow(10)) for _ in range(digits))
            connection.execute(
                insert(_codes).values(
                    phone_digest=phone_digest,
                    code_mac=self._code_mac(phone_digest, code),
                    purpose=purpose,
                    created_at=now,
                    expires_at=now + CODE_TTL,
                    attempts=0,
                )
            )
            uow.record(
                AuditEvent("login-code-sent", "system", role="system", details={"purpose": purpose, "digits": digits})
            )
            message = Message(  # signed 【…】 by the notifier, as every SMS
                channel="sms",
                to=canonical,
                subject="验证码",
                body=f"您的验证码是 {code}，{int(CODE_TTL.total_seconds() // 60)} 分钟内有效。请勿泄露给他人。",
                tags={"kind": "login_code"},
            )
            uow.after_commit(lambda: self.notifier.send(message))
        return CodeSent(int(CODE_TTL.total_seconds()), digits)

    def check_code(self, uow: UnitOfWork, *, phone_digest: bytes, code: str, client: str, purpose: str) -> None:
        """A code sent for ``purpose`` (re-verifying before a whole value is shown), checked in the caller's
        transaction under the same limits as a login code."""
        self._check_code(uow, phone_digest, code, client, purpose)

    def _check_code(self, uow: UnitOfWork, phone_digest: bytes, code: str, client: str, purpose: str) -> None:
        """Accepts any live code sent to the number, unless this address has used up its tries at it.

        Nothing here is keyed by the number alone: wrong tries are counted per (number, address), so a code
        dies only for the address that guessed at it, and the backoff slows only that address. What keeps a
        distributed guesser from getting anywhere is the code's length (see request_code).
        """
        connection = uow.connection
        now = self.context.now()
        pair = self._pair(phone_digest, client)
        last_sent = rate_limits.count_since(
            connection, rate_limits.CODE_PER_PHONE_CLIENT_HOUR.bucket, pair, now - rate_limits.LOGIN_BACKOFF.window
        )[2]
        rate_limits.check_backoff(connection, rate_limits.LOGIN_BACKOFF, pair, now, exempt_after=last_sent)

        def refuse(message: Msg, *, guessed: bool = False) -> LoginRefused:
            rate_limits.record(connection, rate_limits.LOGIN_BACKOFF, pair, now)
            if guessed:  # a guess that could have hit a live code: counts towards longer codes for the number
                rate_limits.record(connection, rate_limits.WRONG_CODES_PER_PHONE, phone_digest, now)
            uow.record(AuditEvent("login-refused", "system", role="system", details={"reason": message.en}))
            return LoginRefused(message)

        def tries_since(row: Any) -> int:
            since = row.created_at - timedelta(microseconds=1)
            return rate_limits.count_since(connection, rate_limits.LOGIN_BACKOFF.bucket, pair, since)[0]

        if not (len(code) in (6, LONG_CODE) and code.isdigit()):
            raise refuse(WRONG_CODE)
        rows = connection.execute(_RECENT_CODES, {"phone": phone_digest, "purpose": purpose}).all()
        if not rows:
            raise refuse(NO_CODE)
        mac = self._code_mac(phone_digest, code)
        live = [r for r in rows if r.consumed_at is None and r.expires_at > now]
        if not live:
            latest = rows[0]
            if latest.consumed_at is not None:
                raise refuse(USED_CODE if hmac.compare_digest(bytes(latest.code_mac), mac) else WRONG_CODE)
            raise refuse(EXPIRED_CODE)
        usable = [r for r in live if tries_since(r) < rate_limits.CODE_TRIES_PER_SOURCE]
        if not usable:
            raise refuse(LOCKED_CODE)
        if len(code) == 6 and self._wrong_codes(connection, phone_digest, now) >= rate_limits.LONG_CODES_AFTER:
            # Not compared with anything, so not a guess: refused, audited, and not counted.
            uow.record(AuditEvent("login-refused", "system", role="system", details={"reason": LONG_CODE_NEEDED.en}))
            raise LoginRefused(LONG_CODE_NEEDED)
        match = next((r for r in usable if hmac.compare_digest(bytes(r.code_mac), mac)), None)
        if match is None:
            raise refuse(WRONG_CODE, guessed=True)
        connection.execute(update(_codes).where(_codes.c.id == match.id).values(consumed_at=now))
        rate_limits.clear(connection, rate_limits.LOGIN_BACKOFF, pair)
        rate_limits.clear(connection, rate_limits.PASSWORD_PAUSE, phone_digest)  # the owner proved who they are

    # ------------------------------------------------------------------ login

    def _account_of(self, connection: Connection, found: list[str]) -> tuple[str | None, bool]:
        """Of the subjects holding the number, the one to log in as, and whether it already has an account.

        A subject with an account wins; otherwise the oldest one, which a service created and wrote the number
        to before the person first opened the app (service-first onboarding): logging in makes it theirs.
        """
        if not found:
            return None, False
        with_account = connection.execute(
            select(_accounts.c.subject_id).where(_accounts.c.subject_id.in_(found)).order_by(_accounts.c.created_at)
        ).first()
        if with_account is not None:
            return str(with_account.subject_id), True
        oldest = connection.execute(
            select(_subjects.c.id).where(_subjects.c.id.in_(found)).order_by(_subjects.c.created_at, _subjects.c.id)
        ).first()
        return (str(oldest.id) if oldest is not None else found[0]), False

    def login_with_code(
        self,
        *,
        phone: str,
        code: str,
        client: str,
        acceptance: ConsentAct | None = None,
        password: str | None = None,
    ) -> Login:
        """Logs in, opening an account first if the number has none (which needs the policy accepted).

        The number may be new, or held already by a subject that one of the operator's services created (it
        collected the number before the person opened the app): then the account is opened for that subject.
        ``password``: set on the new account, where the spec registers with a password too (seed 002).
        """
        policy = self.context.policy
        field, purpose = self._login_field(policy)
        canonical, phone_digest = self.phone_key(policy, phone)
        hashed = _hashed(password) if password is not None else None  # argon2id before the transaction
        with self.context.unit() as uow:
            found, has_account = self._account_of(uow.connection, self.vault.find_by(uow.connection, field, canonical))
            if not has_account and acceptance is None:
                raise PolicyAcceptanceRequired(
                    Msg(
                        "新用户注册前需要阅读并同意隐私政策。",
                        "A new account needs the privacy policy read and accepted first.",
                    )
                )
            if acceptance is not None and (acceptance.kind is not Kind.POLICY or acceptance.action is not Action.GRANT):
                raise BadRequest(
                    Msg(
                        "注册时的同意必须是对隐私政策的同意。",
                        "The consent given at registration must be the acceptance of the policy.",
                    )
                )
            if acceptance is not None:
                consent.validate_act(policy, acceptance)
            self._check_code(uow, phone_digest, code, client, "login")
            subject = found or self.vault.create_subject_as_system(actor=SYSTEM, uow=uow)
            if not has_account:
                # The number is now also held for the account (a service-first subject may hold it for a
                # service's purpose only); writing it again adds the purpose and keeps the value.
                self.vault.write_as_system(
                    actor=SYSTEM,
                    subject_id=subject,
                    purpose=purpose,
                    values={field: canonical},
                    source="registration",
                    uow=uow,
                )
                uow.connection.execute(
                    insert(_accounts).values(
                        subject_id=subject, status="active", created_at=self.context.now(), password_hash=hashed
                    )
                )
            if acceptance is not None:
                self.ledger.record_in(
                    uow, subject_id=subject, act=acceptance, actor=f"subject:{subject}", policy=policy
                )
            return self.start_session(uow, subject, client, "sms_code", not has_account)

    def register_with_username(self, *, username: str, password: str, client: str, acceptance: ConsentAct) -> Login:
        """Opens an account with a user name and a password (seed 003 registers that way). The name is a vault
        field like a phone number, found through its blind index; the password is kept only as argon2id."""
        policy = self.context.policy
        scheme = self._scheme(policy, LoginMethod.USERNAME_PASSWORD)
        canonical, _ = self.username_key(policy, username)
        hashed = _hashed(password)
        now = self.context.now()
        if acceptance.kind is not Kind.POLICY or acceptance.action is not Action.GRANT:
            raise BadRequest(
                Msg(
                    "注册时的同意必须是对隐私政策的同意。",
                    "The consent given at registration must be the acceptance of the policy.",
                )
            )
        consent.validate_act(policy, acceptance)
        with self.context.unit() as uow:
            # Registrations from one address count like codes sent from it: no address fills the store.
            rate_limits.check(uow.connection, rate_limits.CODE_PER_CLIENT_HOUR, self._client(client), now)
            rate_limits.record(uow.connection, rate_limits.CODE_PER_CLIENT_HOUR, self._client(client), now)
            if self.vault.find_by(uow.connection, scheme.field, canonical):
                raise UsernameTaken(USERNAME_TAKEN, field="username")
            subject = self.vault.create_subject_as_system(actor=SYSTEM, uow=uow)
            self.vault.write_as_system(
                actor=SYSTEM,
                subject_id=subject,
                purpose=scheme.purpose,
                values={scheme.field: canonical},
                source="registration",
                uow=uow,
            )
            uow.connection.execute(
                insert(_accounts).values(subject_id=subject, status="active", created_at=now, password_hash=hashed)
            )
            self.ledger.record_in(uow, subject_id=subject, act=acceptance, actor=f"subject:{subject}", policy=policy)
            return self.start_session(uow, subject, client, "password", True)

    def login_with_password(self, *, phone: str, password: str, client: str, code: str | None = None) -> Login:
        """Logs in with a phone number and a password (and, where the spec asks for it, an SMS code too: seed
        002). Wrong passwords slow the address that sends them; many of them, from anywhere, pause password
        login for the number until its owner logs in with an SMS code (which a stranger cannot stop), so a
        password is never guessed at without end and the owner never locked out."""
        policy = self.context.policy
        field, _ = self._login_field(policy)
        canonical, phone_digest = self.phone_key(policy, phone)
        return self._password_login(field, canonical, phone_digest, password, client, code, BAD_LOGIN)

    def login_with_username(self, *, username: str, password: str, client: str) -> Login:
        """Logs in with a user name and a password, under the same limits as a phone number and password."""
        policy = self.context.policy
        scheme = self._scheme(policy, LoginMethod.USERNAME_PASSWORD)
        canonical, name_digest = self.username_key(policy, username)
        return self._password_login(scheme.field, canonical, name_digest, password, client, None, BAD_NAME_LOGIN)

    def login_with_provider(
        self, *, provider: str, identifier: str, client: str, acceptance: ConsentAct | None = None
    ) -> Login:
        """Logs in with a third-party login (WeChat, Alipay) whose adapter has proved ``identifier``, the
        provider's id for the person. An id linked to no account opens one, which needs the policy accepted;
        the id is kept sealed under the person's key and found through its blind index, and released when the
        account is cancelled."""
        policy = self.context.policy
        digest = external_login_digest(self.context.keyring.secret("index"), provider, identifier)
        now = self.context.now()
        with self.context.unit() as uow:
            connection = uow.connection
            linked = connection.execute(
                select(_logins.c.subject_id)
                .join(_accounts, _accounts.c.subject_id == _logins.c.subject_id)
                .where(
                    _logins.c.provider == provider,
                    _logins.c.identifier_digest == digest,
                    _accounts.c.status == "active",
                )
            ).scalar()
            if linked is not None:
                return self.start_session(uow, str(linked), client, "third_party", False)
            if acceptance is None:
                raise PolicyAcceptanceRequired(
                    Msg(
                        "新用户注册前需要阅读并同意隐私政策。",
                        "A new account needs the privacy policy read and accepted first.",
                    )
                )
            if acceptance.kind is not Kind.POLICY or acceptance.action is not Action.GRANT:
                raise BadRequest(
                    Msg(
                        "注册时的同意必须是对隐私政策的同意。",
                        "The consent given at registration must be the acceptance of the policy.",
                    )
                )
            consent.validate_act(policy, acceptance)
            rate_limits.check(connection, rate_limits.CODE_PER_CLIENT_HOUR, self._client(client), now)
            rate_limits.record(connection, rate_limits.CODE_PER_CLIENT_HOUR, self._client(client), now)
            subject = self.vault.create_subject_as_system(actor=SYSTEM, uow=uow)
            data_key, version = uow.created[subject]
            connection.execute(insert(_accounts).values(subject_id=subject, status="active", created_at=now))
            connection.execute(
                insert(_logins).values(
                    subject_id=subject,
                    provider=provider,
                    key_version=version,
                    created_at=now,
                    sealed_identifier=seal_value(data_key, subject, f"external_login.{provider}", version, identifier),
                    identifier_digest=digest,
                )
            )
            uow.record(
                AuditEvent(
                    "third-party-login-linked",
                    f"subject:{subject}",
                    role="subject",
                    subject=subject,
                    details={"provider": provider},
                )
            )
            self.ledger.record_in(uow, subject_id=subject, act=acceptance, actor=f"subject:{subject}", policy=policy)
            return self.start_session(uow, subject, client, "third_party", True)

    def _password_login(
        self, field: str, canonical: str, key: bytes, password: str, client: str, code: str | None, refusal: Msg
    ) -> Login:
        now = self.context.now()
        pair = self._pair(key, client)
        limits = (
            (rate_limits.PASSWORD_PAUSE, key),
            (rate_limits.PASSWORD_FAIL_PER_CLIENT, self._client(client)),
        )

        def stored_hash(connection: Connection) -> tuple[str | None, str | None]:
            rate_limits.check_backoff(connection, rate_limits.LOGIN_BACKOFF, pair, now)
            for limit, limit_key in limits:
                rate_limits.check(connection, limit, limit_key, now)
            subject, has_account = self._account_of(connection, self.vault.find_by(connection, field, canonical))
            if subject is None or not has_account:
                return None, None
            stored = connection.execute(
                select(_accounts.c.password_hash).where(
                    _accounts.c.subject_id == subject, _accounts.c.status == "active"
                )
            ).scalar()
            return subject, stored

        # argon2id is verified between a reader and the writing transaction, never under the write lock; the
        # writer then checks again that nothing changed (the limits, the account, the hash) in between.
        with self.context.connect() as reader:
            subject, stored = stored_hash(reader)
        verified = verify_password(stored, password)
        with self.context.unit() as uow:
            connection = uow.connection
            if stored_hash(connection) != (subject, stored):
                verified = False  # the account or its password changed while the hash was checked
            if not verified or subject is None:
                rate_limits.record(connection, rate_limits.LOGIN_BACKOFF, pair, now)
                for limit, limit_key in limits:
                    rate_limits.record(connection, limit, limit_key, now)
                uow.record(AuditEvent("login-refused", "system", role="system", details={"reason": "password"}))
                raise PasswordRefused(refusal)
            if code is not None:  # the second factor, checked once the password is right
                self._check_code(uow, key, code, client, "login")
            rate_limits.clear(connection, rate_limits.LOGIN_BACKOFF, pair)
            return self.start_session(uow, subject, client, "password" if code is None else "password_code", False)

    def start_session(self, uow: UnitOfWork, subject: str, client: str, method: str, new: bool) -> Login:
        """A new session for ``subject`` in the caller's unit, with its access-log entry (every way in ends here:
        the login methods, and the hand-over of the app's H5 page)."""
        connection = uow.connection
        now = self.context.now()
        key = uow.created.get(subject) or self.context.keyring.data_key(connection, subject)
        if key is None:
            raise Unauthenticated(SESSION_INVALID)
        data_key, version = key
        entry_id = int(
            connection.execute(
                insert(_access)
                .values(
                    subject_id=subject,
                    sealed_address=seal_value(data_key, subject, "access_log.address", version, client or "unknown"),
                    key_version=version,
                    method=method,
                    login_at=now,
                )
                .returning(_access.c.id)
            ).scalar_one()
        )
        token = SESSION_PREFIX + secrets.token_urlsafe(32)
        expires = now + SESSION_TTL
        connection.execute(
            insert(_sessions).values(
                token_hash=secret_digest(token),
                subject_id=subject,
                created_at=now,
                expires_at=expires,
                access_log_id=entry_id,
            )
        )
        connection.execute(update(_accounts).where(_accounts.c.subject_id == subject).values(last_login_at=now))
        uow.record(
            AuditEvent(
                "subject-logged-in",
                f"subject:{subject}",
                role="subject",
                subject=subject,
                details={"method": method, "new_account": new},
            )
        )
        return Login(token, subject, expires, new)

    def find_subject_by_phone(self, phone: str) -> str | None:
        """The account registered with ``phone`` (through the blind index; nothing is decrypted)."""
        policy = self.context.policy
        field, _ = self._login_field(policy)
        canonical, _ = self.phone_key(policy, phone)
        with self.context.connect() as connection:
            subject, has_account = self._account_of(connection, self.vault.find_by(connection, field, canonical))
        return subject if has_account else None

    # ------------------------------------------------------------------ sessions

    def authenticate(self, token: str, connection: Connection | None = None) -> str:
        """The subject a session token belongs to; refuses an expired, ended or unknown one."""
        if not token.startswith(SESSION_PREFIX) or len(token) > 100:
            raise Unauthenticated(SESSION_INVALID)
        if connection is None:
            with self.context.connect() as own:
                return self.authenticate(token, own)
        row = connection.execute(_SESSION, {"token_hash": secret_digest(token)}).first()
        if row is None or row.revoked_at is not None or row.expires_at <= self.context.now() or row.status != "active":
            raise Unauthenticated(SESSION_INVALID)
        return str(row.subject_id)

    def logout(self, token: str) -> None:
        now = self.context.now()
        with self.context.unit() as uow:
            subject = self.authenticate(token, uow.connection)
            row = uow.connection.execute(
                select(_sessions.c.access_log_id).where(_sessions.c.token_hash == secret_digest(token))
            ).one()
            uow.connection.execute(
                update(_sessions).where(_sessions.c.token_hash == secret_digest(token)).values(revoked_at=now)
            )
            if row.access_log_id is not None:
                uow.connection.execute(update(_access).where(_access.c.id == row.access_log_id).values(logout_at=now))
            uow.record(AuditEvent("subject-logged-out", f"subject:{subject}", role="subject", subject=subject))

    def revoke_all(self, uow: UnitOfWork, subject: str) -> int:
        now = self.context.now()
        return int(uow.connection.execute(_REVOKE_ALL, {"b_subject": subject, "now": now}).rowcount or 0)

    # ------------------------------------------------------------------ passwords

    def set_password(self, *, subject: str, password: str) -> None:
        hashed = _hashed(password)  # before the transaction: see services.passwords
        with self.context.unit() as uow:
            uow.connection.execute(
                update(_accounts).where(_accounts.c.subject_id == subject).values(password_hash=hashed)
            )
            uow.record(AuditEvent("password-set", f"subject:{subject}", role="subject", subject=subject))

    # ------------------------------------------------------------------ access log

    def access_log(
        self, subject: str, limit: int = 100, connection: Connection | None = None, *, before_id: int | None = None
    ) -> list[AccessEntry]:
        """The person's own network access log, newest first, addresses decrypted for them; ``before_id`` reads
        the entries older than a page already shown."""
        if connection is None:
            with self.context.connect() as own:
                return self.access_log(subject, limit, own, before_id=before_id)
        key = self.context.keyring.data_key(connection, subject)
        query = select(_access).where(_access.c.subject_id == subject).order_by(_access.c.id.desc()).limit(limit)
        if before_id is not None:
            query = query.where(_access.c.id < before_id)
        rows = connection.execute(query).all()
        if key is None:
            return []
        data_key, _ = key
        return [
            AccessEntry(
                r.id,
                r.login_at,
                r.logout_at,
                r.method,
                open_value(data_key, subject, "access_log.address", r.key_version, bytes(r.sealed_address)),
            )
            for r in rows
        ]

    def sweep_access_logs(self) -> int:
        """Deletes network access log entries past their retention; the sweep itself is audited."""
        cutoff = access_log_cutoff(self.context.policy, self.context.now())
        with self.context.unit() as uow:
            deleted = int(uow.connection.execute(delete(_access).where(_access.c.login_at < cutoff)).rowcount or 0)
            uow.record(
                AuditEvent(
                    "access-logs-swept",
                    "system",
                    role="system",
                    details={"deleted": deleted, "before": cutoff.isoformat()},
                )
            )
        return deleted


def _hashed(password: str) -> str:
    if not PASSWORD_MIN <= len(password) <= PASSWORD_MAX:
        raise InvalidInput(
            Msg(
                f"密码长度应为 {PASSWORD_MIN} 到 {PASSWORD_MAX} 个字符。",
                f"A password must be {PASSWORD_MIN} to {PASSWORD_MAX} characters.",
            ),
            field="password",
        )
    return hash_password(password)


MIN_LOG_RETENTION = Duration(6, DurationUnit.MONTHS)


def access_log_cutoff(policy: CompiledPolicy, now: datetime) -> datetime:
    """Entries older than this go: the spec's period, but never less than six months (网络安全法 Art. 21)."""
    logs = policy.spec.access_logs
    period = logs.retention if logs is not None else MIN_LOG_RETENTION
    if period.approx_days() < MIN_LOG_RETENTION.approx_days():
        period = MIN_LOG_RETENTION
    return period.before(now.astimezone(UTC))
