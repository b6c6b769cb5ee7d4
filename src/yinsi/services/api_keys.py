"""API keys: how an operator's services authenticate, each key bound to one role of the spec.

A key is ``yk_<id>_<secret>`` with a 256-bit secret; only the SHA-256 of the
secret is stored (a slow password hash would add nothing to a random secret
of that size and cost every request), and the comparison is constant-time.
"""

from __future__ import annotations

import hmac
import secrets
import time
from dataclasses import dataclass
from threading import Lock

from sqlalchemy import bindparam, insert, select, update

from yinsi.adapters.db.rows import ApiKeyRow, table_of
from yinsi.core.errors import BadRequest, Unauthenticated
from yinsi.core.i18n import Msg
from yinsi.core.policy.vocabulary import RoleKind
from yinsi.core.sealing import secret_digest
from yinsi.services.audit import AuditEvent
from yinsi.services.context import ServiceContext

_keys = table_of(ApiKeyRow)
PREFIX = "yk_"


@dataclass(frozen=True, slots=True)
class IssuedKey:
    id: str
    role: str
    token: str  # shown once, never stored


@dataclass(frozen=True, slots=True)
class Caller:
    key_id: str
    role: str


INVALID_KEY = Msg("API 密钥无效或已被吊销。", "The API key is invalid or has been revoked.")


_KEY = select(_keys.c.secret_hash, _keys.c.role, _keys.c.revoked_at).where(_keys.c.id == bindparam("key_id"))


class ApiKeys:
    """The operator's services' keys: issued, revoked and checked, each in a transaction or read of its own."""

    def __init__(self, context: ServiceContext) -> None:
        self._context = context

    def create(self, *, role: str, label: str) -> IssuedKey:
        policy = self._context.policy
        spec_role = policy.spec.roles.get(role)
        if spec_role is not None and spec_role.kind is RoleKind.STAFF:
            raise BadRequest(
                Msg(
                    f"'{role}' 是员工角色：员工用账号和动态验证码登录（yinsi staff create），不使用 API 密钥。",
                    f"'{role}' is a staff role: staff log in with an account and a one-time code (yinsi staff "
                    "create), not an API key.",
                ),
                field="role",
            )
        if role not in policy.role_purposes:
            roles = ", ".join(policy.role_purposes) or "(none)"
            raise BadRequest(
                Msg(
                    f"角色 '{role}' 没有在隐私政策规范中声明；可用的角色：{roles}。",
                    f"Role '{role}' is not declared in the policy spec; declared roles: {roles}.",
                ),
                field="role",
            )
        key_id = secrets.token_hex(6)
        secret = secrets.token_urlsafe(32)
        with self._context.unit() as uow:
            uow.connection.execute(
                insert(_keys).values(
                    id=key_id,
                    secret_hash=secret_digest(secret),
                    role=role,
                    label=label[:120],
                    created_at=self._context.now(),
                )
            )
            uow.record(AuditEvent("api-key-created", "system", role="system", details={"key": key_id, "role": role}))
        return IssuedKey(key_id, role, f"{PREFIX}{key_id}_{secret}")

    def revoke(self, *, key_id: str) -> bool:
        """Whether a key was in force and now is not."""
        with self._context.unit() as uow:
            done = uow.connection.execute(
                update(_keys)
                .where(_keys.c.id == key_id, _keys.c.revoked_at.is_(None))
                .values(revoked_at=self._context.now())
            ).rowcount
            if done:
                uow.record(AuditEvent("api-key-revoked", "system", role="system", details={"key": key_id}))
                uow.after_commit(_revocations.bump)  # this process's caches forget every key at once
        return bool(done)

    def authenticate(self, *, token: str) -> Caller:
        if not token.startswith(PREFIX):
            raise Unauthenticated(INVALID_KEY)
        key_id, sep, secret = token[len(PREFIX) :].partition("_")
        if not sep or not key_id or not secret or len(token) > 200:
            raise Unauthenticated(INVALID_KEY)
        with self._context.connect() as connection:
            row = connection.execute(_KEY, {"key_id": key_id}).first()
        if (
            row is None
            or row.revoked_at is not None
            or not hmac.compare_digest(bytes(row.secret_hash), secret_digest(secret))
        ):
            raise Unauthenticated(INVALID_KEY)
        return Caller(key_id, str(row.role))


class _Revocations:
    """How many keys this process has revoked: a cached verification made before the last one is void."""

    def __init__(self) -> None:
        self.count = 0
        self._lock = Lock()

    def bump(self) -> None:
        with self._lock:
            self.count += 1


_revocations = _Revocations()


class VerifiedKeys:
    """API keys verified in the last ``ttl`` seconds, so a busy service's every call does not look its key up
    again (a look-up costs a connection, a query and a hand-over to a thread: more than the rest of a read).

    Only keys that verified are kept, under the SHA-256 of the whole token, never the token. A key revoked by
    this process stops working at once; one revoked by another process (``yinsi keys revoke``, another
    worker) within ``ttl``, half a second, inside the second that docs/operations.md promises.
    """

    def __init__(self, keys: ApiKeys, ttl: float = 0.5, size: int = 4096) -> None:
        self._keys = keys
        self._ttl = ttl
        self._size = size
        self._seen: dict[bytes, tuple[float, int, Caller]] = {}
        self._lock = Lock()

    def cached(self, token: str) -> Caller | None:
        found = self._seen.get(secret_digest(token))
        if found is None:
            return None
        verified_at, generation, caller = found
        if generation != _revocations.count or time.monotonic() - verified_at > self._ttl:
            return None
        return caller

    def verify(self, token: str) -> Caller:
        """Looks ``token`` up (``ApiKeys.authenticate``) and remembers it for ``ttl``. Call it holding no
        connection."""
        generation, started = _revocations.count, time.monotonic()  # before the look-up, never after
        caller = self._keys.authenticate(token=token)
        with self._lock:
            if len(self._seen) >= self._size:
                self._seen.clear()  # bounded; an operator has a handful of keys, not thousands
            self._seen[secret_digest(token)] = (started, generation, caller)
        return caller
