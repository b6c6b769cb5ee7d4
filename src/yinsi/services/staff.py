"""Staff: the privacy officer and colleagues log in with a password (argon2id) and a TOTP code.

Staff roles are the spec's roles of kind ``staff``, so what a member of staff
may see and do is declared in the policy like everything else. TOTP seeds are
sealed under a keystore secret; a code is accepted once (replays of the same
30-second step are refused).
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

import pyotp
from sqlalchemy import Connection, insert, select, update

from yinsi.adapters.db.rows import StaffRow, StaffSessionRow, table_of
from yinsi.core.errors import BadRequest, Conflict, Forbidden, RateLimited, Unauthenticated, YinsiError
from yinsi.core.i18n import Msg
from yinsi.core.policy.compiled import CompiledPolicy
from yinsi.core.policy.vocabulary import Operation, RoleKind
from yinsi.core.sealing import open_with_secret, seal_with_secret, secret_digest
from yinsi.services import rate_limits
from yinsi.services.audit import AuditEvent
from yinsi.services.context import ServiceContext
from yinsi.services.passwords import hash_password, verify_password
from yinsi.services.unit_of_work import UnitOfWork
from yinsi.services.vault import Actor

_staff = table_of(StaffRow)
_sessions = table_of(StaffSessionRow)

USERNAME = re.compile(r"^[a-z][a-z0-9._-]{1,63}$")
SESSION_PREFIX = "ss_"
SESSION_TTL = timedelta(hours=8)


BAD_LOGIN = Msg("用户名、密码或动态验证码不正确。", "The username, password or one-time code is not correct.")
STAFF_SESSION_INVALID = Msg("员工登录已失效，请重新登录。", "Your staff session has ended; please log in again.")


class StaffLoginRefused(YinsiError):
    code = "staff_login_refused"
    keep_changes = True


@dataclass(frozen=True, slots=True)
class StaffMember:
    username: str
    role: str

    @property
    def actor(self) -> Actor:
        return Actor(f"staff:{self.username}", self.role)


@dataclass(frozen=True, slots=True)
class NewStaff:
    username: str
    role: str
    totp_secret: str  # shown once, to put in an authenticator app
    provisioning_uri: str


class Staff:
    """The staff's accounts and sessions, each operation in a transaction of its own."""

    def __init__(self, context: ServiceContext) -> None:
        self._context = context

    def create(self, *, username: str, role: str, password: str, issuer: str) -> NewStaff:
        policy = self._context.policy
        spec_role = policy.spec.roles.get(role)
        if spec_role is None or spec_role.kind is not RoleKind.STAFF:
            staff_roles = ", ".join(r for r, v in policy.spec.roles.items() if v.kind is RoleKind.STAFF) or "(none)"
            raise BadRequest(
                Msg(
                    f"'{role}' 不是隐私政策规范中的员工角色；可用：{staff_roles}。",
                    f"'{role}' is not a staff role of the policy spec; staff roles: {staff_roles}.",
                ),
                field="role",
            )
        if not USERNAME.match(username):
            raise BadRequest(
                Msg(
                    "用户名只能用小写字母、数字和 . _ -，以字母开头。",
                    "A username uses lower-case letters, digits and . _ -, starting with a letter.",
                ),
                field="username",
            )
        _check_password(password)
        with self._context.unit() as uow:
            connection = uow.connection
            if connection.execute(select(_staff.c.username).where(_staff.c.username == username)).first() is not None:
                raise Conflict(Msg("这个用户名已存在。", "This username exists already."), field="username")
            seed = pyotp.random_base32()
            connection.execute(
                insert(_staff).values(
                    username=username,
                    role=role,
                    password_hash=hash_password(password),
                    sealed_totp=self._seal_seed(seed),
                    created_at=self._context.now(),
                )
            )
            uow.record(
                AuditEvent("staff-created", "system", role="system", details={"username": username, "role": role})
            )
        uri = pyotp.TOTP(seed).provisioning_uri(name=username, issuer_name=issuer)
        return NewStaff(username, role, seed, uri)

    def _seal_seed(self, seed: str) -> bytes:
        return seal_with_secret(self._context.keyring.secret("codes"), "totp", seed.encode())

    def login(self, *, username: str, password: str, code: str, client: str) -> tuple[str, StaffMember]:
        """A staff session, after the password and a fresh TOTP code both check out.

        Failures slow only the address that makes them, for that username (exponential backoff per (account,
        address)); there is no lock on the account as a whole, so nobody can keep the privacy officer out by
        typing wrong passwords under their name. Guessing stays hopeless because it needs the password
        (argon2id) and the current code of the member's authenticator app together.
        """
        now = self._context.now()
        secret = self._context.keyring.secret("codes")
        pair = rate_limits.pair(secret, "staff_client", username, client)

        def stored_hash(connection: Connection) -> str | None:
            rate_limits.check_backoff(connection, rate_limits.STAFF_BACKOFF, pair, now)
            return connection.execute(select(_staff.c.password_hash).where(_staff.c.username == username)).scalar()

        # The password is verified between a reader and the writing transaction, never under the write lock.
        with self._context.connect() as reader:
            stored = stored_hash(reader)
        ok = verify_password(stored, password)
        with self._context.unit() as uow:
            connection = uow.connection
            if stored_hash(connection) != stored:
                ok = False  # the password changed while it was checked
            row = connection.execute(select(_staff).where(_staff.c.username == username).with_for_update()).first()
            step = None
            if ok and row is not None and row.disabled_at is None:
                # The password was right: what remains is a six-digit code, which must not be guessed at without
                # end. Wrong codes are counted per account (only the password's holder can cause them); while the
                # account must wait, the code is not compared, and the answer is the same refusal as for a wrong
                # password.
                account = rate_limits.digest(secret, "staff_account", username)
                try:
                    rate_limits.check_backoff(connection, rate_limits.STAFF_CODE_BACKOFF, account, now)
                except RateLimited:
                    ok = False  # not compared, and not counted: waiting out the doubling is always enough
                else:
                    seed = open_with_secret(secret, "totp", bytes(row.sealed_totp)).decode()
                    step = _totp_step(seed, code, now)
                    ok = step is not None and (row.last_totp_step is None or step > row.last_totp_step)
                    if ok:
                        rate_limits.clear(connection, rate_limits.STAFF_CODE_BACKOFF, account)
                    else:
                        rate_limits.record(connection, rate_limits.STAFF_CODE_BACKOFF, account, now)
                        details = {"username": username}
                        uow.record(AuditEvent("staff-code-refused", "system", role="system", details=details))
            else:
                ok = False
            if not ok or row is None:
                rate_limits.record(connection, rate_limits.STAFF_BACKOFF, pair, now)
                # An unknown name is often a password typed in the wrong box: it is not kept in the audit trail.
                known = username if row is not None else "(unknown)"
                uow.record(AuditEvent("staff-login-refused", "system", role="system", details={"username": known}))
                raise StaffLoginRefused(BAD_LOGIN)
            rate_limits.clear(connection, rate_limits.STAFF_BACKOFF, pair)
            token = SESSION_PREFIX + secrets.token_urlsafe(32)
            connection.execute(update(_staff).where(_staff.c.username == username).values(last_totp_step=step))
            connection.execute(
                insert(_sessions).values(
                    token_hash=secret_digest(token), username=username, created_at=now, expires_at=now + SESSION_TTL
                )
            )
            uow.record(AuditEvent("staff-logged-in", f"staff:{username}", role=row.role))
            return token, StaffMember(username, row.role)

    def authenticate(self, *, token: str) -> StaffMember:
        """The member of staff a session token belongs to, while it is valid."""
        if not token.startswith(SESSION_PREFIX) or len(token) > 100:
            raise Unauthenticated(STAFF_SESSION_INVALID)
        with self._context.connect() as connection:
            return self._session_member(connection, token)

    def _session_member(self, connection: Connection, token: str) -> StaffMember:
        row = connection.execute(
            select(
                _sessions.c.username,
                _sessions.c.expires_at,
                _sessions.c.revoked_at,
                _staff.c.role,
                _staff.c.disabled_at,
            )
            .join(_staff, _staff.c.username == _sessions.c.username)
            .where(_sessions.c.token_hash == secret_digest(token))
        ).first()
        now = self._context.now()
        if row is None or row.revoked_at is not None or row.expires_at <= now or row.disabled_at is not None:
            raise Unauthenticated(STAFF_SESSION_INVALID)
        return StaffMember(row.username, row.role)

    def logout(self, *, token: str) -> None:
        if not token.startswith(SESSION_PREFIX) or len(token) > 100:
            raise Unauthenticated(STAFF_SESSION_INVALID)
        with self._context.unit() as uow:
            member = self._session_member(uow.connection, token)
            uow.connection.execute(
                update(_sessions)
                .where(_sessions.c.token_hash == secret_digest(token))
                .values(revoked_at=self._context.now())
            )
            uow.record(AuditEvent("staff-logged-out", f"staff:{member.username}", role=member.role))

    def active_member(self, *, username: str) -> StaffMember | None:
        """An active member of staff by name, or None (a disabled one is not)."""
        with self._context.connect() as connection:
            return self.member_in(connection, username)

    def member_in(self, connection: Connection, username: str) -> StaffMember | None:
        """``active_member`` inside a caller's transaction (assigning a request checks the assignee there)."""
        row = connection.execute(
            select(_staff.c.username, _staff.c.role).where(
                _staff.c.username == username, _staff.c.disabled_at.is_(None)
            )
        ).first()
        return StaffMember(row.username, row.role) if row is not None else None

    def disable(self, *, username: str) -> None:
        """Stops a member of staff at once: their sessions end and they cannot log in again."""
        with self._context.unit() as uow:
            now = self._context.now()
            done = uow.connection.execute(
                update(_staff)
                .where(_staff.c.username == username, _staff.c.disabled_at.is_(None))
                .values(disabled_at=now)
            ).rowcount
            if not done:
                raise _no_such_staff(username)
            self._end_sessions(uow, username, now)
            uow.record(AuditEvent("staff-disabled", "system", role="system", details={"username": username}))

    def reset_totp(self, *, username: str, issuer: str) -> NewStaff:
        """A new TOTP secret for a member of staff (a lost phone); their sessions end."""
        with self._context.unit() as uow:
            row = uow.connection.execute(
                select(_staff.c.role).where(_staff.c.username == username, _staff.c.disabled_at.is_(None))
            ).first()
            if row is None:
                raise _no_such_staff(username)
            seed = pyotp.random_base32()
            uow.connection.execute(
                update(_staff)
                .where(_staff.c.username == username)
                .values(sealed_totp=self._seal_seed(seed), last_totp_step=None)
            )
            self._end_sessions(uow, username, self._context.now())
            uow.record(AuditEvent("staff-totp-reset", "system", role="system", details={"username": username}))
        return NewStaff(username, row.role, seed, pyotp.TOTP(seed).provisioning_uri(name=username, issuer_name=issuer))

    def reset_password(self, *, username: str, password: str) -> None:
        """A new password for a member of staff (a forgotten one); their sessions end."""
        _check_password(password)
        with self._context.unit() as uow:
            done = uow.connection.execute(
                update(_staff)
                .where(_staff.c.username == username, _staff.c.disabled_at.is_(None))
                .values(password_hash=hash_password(password))
            ).rowcount
            if not done:
                raise _no_such_staff(username)
            self._end_sessions(uow, username, self._context.now())
            uow.record(AuditEvent("staff-password-reset", "system", role="system", details={"username": username}))

    @staticmethod
    def _end_sessions(uow: UnitOfWork, username: str, now: datetime) -> None:
        """A member of staff whose credentials changed (or who left) is logged out everywhere at once."""
        uow.connection.execute(
            update(_sessions)
            .where(_sessions.c.username == username, _sessions.c.revoked_at.is_(None))
            .values(revoked_at=now)
        )


def _totp_step(seed: str, code: str, now: datetime) -> int | None:
    """The 30-second step ``code`` belongs to (this one or a neighbour, for clock drift), or None."""
    if not (len(code) == 6 and code.isdigit()):
        return None
    totp = pyotp.TOTP(seed)
    current = int(now.timestamp()) // totp.interval
    for step in (current, current - 1, current + 1):
        if secrets.compare_digest(totp.at(step * totp.interval), code):
            return step
    return None


def _check_password(password: str) -> None:
    if len(password) < 12:
        raise BadRequest(
            Msg("员工密码至少 12 个字符。", "A staff password needs at least 12 characters."), field="password"
        )


def require(policy: CompiledPolicy, member: StaffMember, operation: Operation) -> None:
    """Refuses a staff action the member's role does not have (the role's operations in the spec)."""
    require_role(policy, member.role, operation)


def require_role(policy: CompiledPolicy, role: str, operation: Operation) -> None:
    if operation not in policy.role_operations.get(role, frozenset()):
        raise Forbidden(
            Msg(
                f"角色 {role} 没有“{operation.value}”权限。",
                f"Role {role} may not {operation.value.replace('_', ' ')}.",
            )
        )


def _no_such_staff(username: str) -> BadRequest:
    return BadRequest(
        Msg(f"没有名为 {username} 的在职员工。", f"No active member of staff is called {username}."), field="username"
    )
