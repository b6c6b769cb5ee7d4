"""Accounts: register and log in with a phone number and an SMS code, optional passwords, sessions.

The phone number people log in with is a vault field like any other: sealed
under their own key and found through its blind index. One-time codes are six
digits, valid for five minutes, tried at most five times, and stored only as
HMACs keyed by a keystore secret (a plain hash of six digits is guessed in a
second). Sessions are opaque 256-bit tokens of which only a SHA-256 is kept.
Every login writes a network access log entry (网络安全法 Art. 21) whose client
address is sealed under the person's key, so it goes when they are shredded.
"""

from __future__ import annotations

import hmac
import secrets
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from hashlib import sha256

from sqlalchemy import Connection, bindparam, delete, insert, select, update

from yinsi.adapters.db.rows import AccessLogRow, AccountRow, LoginCodeRow, SessionRow, table_of
from yinsi.core.errors import BadRequest, Unauthenticated, YinsiError
from yinsi.core.i18n import Msg
from yinsi.core.policy.compiled import CompiledPolicy
from yinsi.core.policy.types import Duration, DurationUnit
from yinsi.core.policy.vocabulary import FieldType
from yinsi.core.ports import Message
from yinsi.core.sealing import open_value, seal_value, secret_digest
from yinsi.core.validation import InvalidValue, normalise_for_index, validate
from yinsi.services import consent, rate_limits
from yinsi.services.audit import AuditEvent
from yinsi.services.consent import Action, ConsentAct, Kind
from yinsi.services.notifier import Notifier
from yinsi.services.passwords import hash_password, verify_password
from yinsi.services.unit_of_work import UnitOfWork
from yinsi.services.vault import Actor, InvalidInput, Vault

_accounts = table_of(AccountRow)
_codes = table_of(LoginCodeRow)
_sessions = table_of(SessionRow)
_access = table_of(AccessLogRow)

CODE_TTL = timedelta(minutes=5)
CODE_ATTEMPTS = 5
SESSION_TTL = timedelta(days=30)
SESSION_PREFIX = "ys_"
PASSWORD_MIN, PASSWORD_MAX = 8, 128
SYSTEM = Actor("system", "system")

_LATEST_CODE = (
    select(_codes)
    .where(_codes.c.phone_digest == bindparam("phone"), _codes.c.purpose == bindparam("purpose"))
    .order_by(_codes.c.id.desc())
    .limit(1)
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


class PolicyAcceptanceRequired(YinsiError):
    code = "policy_acceptance_required"


class AccountsUnavailable(YinsiError):
    code = "accounts_unavailable"


WRONG_CODE = Msg("验证码不正确。", "The code is not correct.")
EXPIRED_CODE = Msg("验证码已过期，请重新获取。", "The code has expired; please ask for a new one.")
USED_CODE = Msg("这个验证码已经使用过，请重新获取。", "This code was used already; please ask for a new one.")
NO_CODE = Msg("请先获取验证码。", "Please ask for a code first.")
LOCKED_CODE = Msg("验证码错误次数过多，请重新获取。", "Too many wrong tries for this code; please ask for a new one.")
BAD_LOGIN = Msg("手机号或密码不正确。", "The phone number or password is not correct.")
SESSION_INVALID = Msg("登录已失效，请重新登录。", "Your session has expired or ended; please log in again.")


@dataclass(frozen=True, slots=True)
class CodeSent:
    expires_in: int


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
    def __init__(self, vault: Vault, notifier: Notifier) -> None:
        self.vault = vault
        self.notifier = notifier

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
            self.vault.keyring.secret("codes"), "phone", normalise_for_index(FieldType.MOBILE, canonical)
        )

    def _client(self, client: str) -> bytes:
        return rate_limits.digest(self.vault.keyring.secret("codes"), "client", client or "unknown")

    def _code_mac(self, phone_digest: bytes, code: str) -> bytes:
        return hmac.new(self.vault.keyring.secret("codes"), phone_digest + code.encode(), sha256).digest()

    # ------------------------------------------------------------------ SMS codes

    def request_code(self, *, phone: str, client: str, purpose: str = "login") -> CodeSent:
        """Sends a login code. The answer is the same whether or not the number is registered."""
        policy = self.vault.policy
        canonical, phone_digest = self.phone_key(policy, phone)
        now = self.vault.now()
        code = f"{secrets.randbelow(10**6):06d}"
        with self.vault.unit() as uow:
            connection = uow.connection
            client_key = self._client(client)
            limits = (
                (rate_limits.CODE_PER_PHONE_MINUTE, phone_digest),
                (rate_limits.CODE_PER_PHONE_HOUR, phone_digest),
                (rate_limits.CODE_PER_CLIENT_HOUR, client_key),
            )
            # Every limit is checked before any is counted, so a refused request uses up none of them.
            for limit, key in limits:
                rate_limits.check(connection, limit, key, now)
            for limit, key in limits:
                rate_limits.record(connection, limit, key, now)
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
            uow.record(AuditEvent("login-code-sent", "system", role="system", details={"purpose": purpose}))
            sender = _product_name(policy)
            message = Message(
                channel="sms",
                to=canonical,
                subject="验证码",
                body=f"【{sender}】您的验证码是 {code}，{int(CODE_TTL.total_seconds() // 60)} 分钟内有效。请勿泄露给他人。",
                tags={"kind": "login_code"},
            )
            uow.after_commit(lambda: self.notifier.send(message))
        return CodeSent(int(CODE_TTL.total_seconds()))

    def _check_code(self, uow: UnitOfWork, phone_digest: bytes, code: str, client: str, purpose: str) -> None:
        connection = uow.connection
        now = self.vault.now()
        client_key = self._client(client)
        rate_limits.check(connection, rate_limits.FAILED_LOGIN_PER_PHONE, phone_digest, now)
        rate_limits.check(connection, rate_limits.FAILED_LOGIN_PER_CLIENT, client_key, now)

        def refuse(message: Msg, count_attempt_on: int | None = None) -> LoginRefused:
            if count_attempt_on is not None:
                connection.execute(
                    update(_codes).where(_codes.c.id == count_attempt_on).values(attempts=_codes.c.attempts + 1)
                )
            rate_limits.record(connection, rate_limits.FAILED_LOGIN_PER_PHONE, phone_digest, now)
            rate_limits.record(connection, rate_limits.FAILED_LOGIN_PER_CLIENT, client_key, now)
            uow.record(AuditEvent("login-refused", "system", role="system", details={"reason": message.en}))
            return LoginRefused(message)

        if not (len(code) == 6 and code.isdigit()):
            raise refuse(WRONG_CODE)
        row = connection.execute(_LATEST_CODE, {"phone": phone_digest, "purpose": purpose}).first()
        if row is None:
            raise refuse(NO_CODE)
        matches = hmac.compare_digest(bytes(row.code_mac), self._code_mac(phone_digest, code))
        if row.consumed_at is not None:
            raise refuse(USED_CODE if matches else WRONG_CODE)
        if row.attempts >= CODE_ATTEMPTS:
            raise refuse(LOCKED_CODE)
        if row.expires_at <= now:
            raise refuse(EXPIRED_CODE)
        if not matches:
            raise refuse(WRONG_CODE, count_attempt_on=row.id)
        connection.execute(update(_codes).where(_codes.c.id == row.id).values(consumed_at=now))

    # ------------------------------------------------------------------ login

    def login_with_code(self, *, phone: str, code: str, client: str, acceptance: ConsentAct | None = None) -> Login:
        """Logs in, registering the number first if it is new (which needs the policy accepted)."""
        policy = self.vault.policy
        field, purpose = self._login_field(policy)
        canonical, phone_digest = self.phone_key(policy, phone)
        with self.vault.unit() as uow:
            found = self.vault.find_by(uow.connection, field, canonical)
            if not found and acceptance is None:
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
            new = not found
            if new:
                subject = self.vault.create_subject(actor=SYSTEM, uow=uow, check_access=False)
                self.vault.write(
                    actor=SYSTEM,
                    subject_id=subject,
                    purpose=purpose,
                    values={field: canonical},
                    source="registration",
                    uow=uow,
                    check_access=False,
                )
                uow.connection.execute(
                    insert(_accounts).values(subject_id=subject, status="active", created_at=self.vault.now())
                )
            else:
                subject = found[0]
            if acceptance is not None:
                consent.record(uow, policy, subject, acceptance, now=self.vault.now(), actor=f"subject:{subject}")
            return self._start_session(uow, subject, client, "sms_code", new)

    def login_with_password(self, *, phone: str, password: str, client: str) -> Login:
        policy = self.vault.policy
        field, _ = self._login_field(policy)
        canonical, phone_digest = self.phone_key(policy, phone)
        now = self.vault.now()
        client_key = self._client(client)
        limits = (
            (rate_limits.FAILED_LOGIN_PER_PHONE, phone_digest),
            (rate_limits.FAILED_LOGIN_PER_CLIENT, client_key),
        )

        def stored_hash(connection: Connection) -> tuple[str | None, str | None]:
            for limit, key in limits:
                rate_limits.check(connection, limit, key, now)
            found = self.vault.find_by(connection, field, canonical)
            if not found:
                return None, None
            stored = connection.execute(
                select(_accounts.c.password_hash).where(
                    _accounts.c.subject_id == found[0], _accounts.c.status == "active"
                )
            ).scalar()
            return found[0], stored

        # argon2id is verified between a reader and the writing transaction, never under the write lock; the
        # writer then checks again that nothing changed (the limits, the account, the hash) in between.
        with self.vault.engine.connect() as reader:
            subject, stored = stored_hash(reader)
        verified = verify_password(stored, password)
        with self.vault.unit() as uow:
            connection = uow.connection
            if stored_hash(connection) != (subject, stored):
                verified = False  # the account or its password changed while the hash was checked
            if not verified or subject is None:
                for limit, key in limits:
                    rate_limits.record(connection, limit, key, now)
                uow.record(AuditEvent("login-refused", "system", role="system", details={"reason": "password"}))
                raise PasswordRefused(BAD_LOGIN)
            return self._start_session(uow, subject, client, "password", False)

    def _start_session(self, uow: UnitOfWork, subject: str, client: str, method: str, new: bool) -> Login:
        connection = uow.connection
        now = self.vault.now()
        key = uow.created.get(subject) or self.vault.keyring.data_key(connection, subject)
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
        policy = self.vault.policy
        field, _ = self._login_field(policy)
        canonical, _ = self.phone_key(policy, phone)
        with self.vault.engine.connect() as connection:
            found = self.vault.find_by(connection, field, canonical)
        return found[0] if found else None

    # ------------------------------------------------------------------ sessions

    def authenticate(self, token: str, connection: Connection | None = None) -> str:
        """The subject a session token belongs to; refuses an expired, ended or unknown one."""
        if not token.startswith(SESSION_PREFIX) or len(token) > 100:
            raise Unauthenticated(SESSION_INVALID)
        if connection is None:
            with self.vault.engine.connect() as own:
                return self.authenticate(token, own)
        row = connection.execute(_SESSION, {"token_hash": secret_digest(token)}).first()
        if row is None or row.revoked_at is not None or row.expires_at <= self.vault.now() or row.status != "active":
            raise Unauthenticated(SESSION_INVALID)
        return str(row.subject_id)

    def logout(self, token: str) -> None:
        now = self.vault.now()
        with self.vault.unit() as uow:
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
        now = self.vault.now()
        return int(uow.connection.execute(_REVOKE_ALL, {"b_subject": subject, "now": now}).rowcount or 0)

    # ------------------------------------------------------------------ passwords

    def set_password(self, *, subject: str, password: str) -> None:
        if not PASSWORD_MIN <= len(password) <= PASSWORD_MAX:
            raise InvalidInput(
                Msg(
                    f"密码长度应为 {PASSWORD_MIN} 到 {PASSWORD_MAX} 个字符。",
                    f"A password must be {PASSWORD_MIN} to {PASSWORD_MAX} characters.",
                ),
                field="password",
            )
        hashed = hash_password(password)  # before the transaction: see services.passwords
        with self.vault.unit() as uow:
            uow.connection.execute(
                update(_accounts).where(_accounts.c.subject_id == subject).values(password_hash=hashed)
            )
            uow.record(AuditEvent("password-set", f"subject:{subject}", role="subject", subject=subject))

    # ------------------------------------------------------------------ access log

    def access_log(self, subject: str, limit: int = 100, connection: Connection | None = None) -> list[AccessEntry]:
        """The person's own network access log, addresses decrypted for them."""
        if connection is None:
            with self.vault.engine.connect() as own:
                return self.access_log(subject, limit, own)
        key = self.vault.keyring.data_key(connection, subject)
        rows = connection.execute(
            select(_access).where(_access.c.subject_id == subject).order_by(_access.c.id.desc()).limit(limit)
        ).all()
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


def _product_name(policy: CompiledPolicy) -> str:
    return policy.spec.sms_signature()  # operator.sms_signature, else a name never cut inside brackets


MIN_LOG_RETENTION = Duration(6, DurationUnit.MONTHS)


def access_log_cutoff(policy: CompiledPolicy, now: datetime) -> datetime:
    """Entries older than this go: the spec's period, but never less than six months (网络安全法 Art. 21)."""
    logs = policy.spec.access_logs
    period = logs.retention if logs is not None else MIN_LOG_RETENTION
    if period.approx_days() < MIN_LOG_RETENTION.approx_days():
        period = MIN_LOG_RETENTION
    return period.before(now.astimezone(UTC))


def sweep_access_logs(vault: Vault) -> int:
    """Deletes network access log entries past their retention; the sweep itself is audited."""
    cutoff = access_log_cutoff(vault.policy, vault.now())
    with vault.unit() as uow:
        deleted = int(uow.connection.execute(delete(_access).where(_access.c.login_at < cutoff)).rowcount or 0)
        uow.record(
            AuditEvent(
                "access-logs-swept", "system", role="system", details={"deleted": deleted, "before": cutoff.isoformat()}
            )
        )
    return deleted
