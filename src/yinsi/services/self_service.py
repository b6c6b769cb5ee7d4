"""What a person (or their guardian) may do to their own PI directly: correct, supplement, delete.

Correction replaces a value under the purposes it was collected for; a field
the spec marks immutable after registration is refused with that reason.
Deletion is refused, with the reason, where a legal retention applies: a
value kept to fulfil a legal obligation (real-name rules) goes only with the
account, and one under a statutory minimum period (network logs: six months)
only once the minimum has passed (PIPL Art. 47(2)).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC

from sqlalchemy import select

from yinsi.adapters.db.rows import PiValueRow, table_of
from yinsi.core.errors import BadRequest, NotFound, YinsiError
from yinsi.core.i18n import Msg
from yinsi.core.policy.compiled import CompiledPolicy
from yinsi.core.policy.vocabulary import LegalBasis
from yinsi.services.audit import AuditEvent
from yinsi.services.context import ServiceContext
from yinsi.services.unit_of_work import UnitOfWork
from yinsi.services.vault import Actor, Vault

_values = table_of(PiValueRow)


class LegalHold(YinsiError):
    code = "legal_retention_applies"


@dataclass(frozen=True, slots=True)
class Hold:
    field: str
    reason: Msg


class SelfService:
    """A person's own corrections and deletions (and a guardian's, a relative's, or a request's), always in the caller's transaction: each caller checks who may act there first."""

    def __init__(self, context: ServiceContext, vault: Vault) -> None:
        self._context = context
        self._vault = vault  # writes and deletes the values

    def correct_in(
        self, uow: UnitOfWork, *, subject: str, values: dict[str, str], actor: Actor, purpose: str | None = None
    ) -> list[str]:
        """Corrects existing values (under their purposes) or supplements missing ones (under ``purpose``)."""
        policy = self._context.policy
        rows = {
            r.field: list(r.purposes)
            for r in uow.connection.execute(
                select(_values.c.field, _values.c.purposes).where(
                    _values.c.subject_id == subject, _values.c.field.in_(list(values))
                )
            )
        }
        written: list[str] = []
        for field_id, value in values.items():
            if field_id not in policy.field_types:
                raise BadRequest(
                    Msg(f"隐私政策没有声明字段 {field_id}。", f"The policy declares no field {field_id}."),
                    field=field_id,
                )
            target = rows[field_id][0] if field_id in rows else purpose or _purpose_for(policy, field_id)
            self._vault.write_as_system(
                actor=actor,
                subject_id=subject,
                purpose=target,
                values={field_id: value},
                source=f"self-service:{actor.role}",
                uow=uow,
            )
            written.append(field_id)
        uow.record(AuditEvent("pi-corrected", actor.id, role=actor.role, subject=subject, requested=written))
        return written

    def holds_in(self, uow: UnitOfWork, subject: str, fields: list[str]) -> list[Hold]:
        """Why each of ``fields`` may not be deleted now (an empty list: all may go)."""
        policy = self._context.policy
        now = self._context.now()
        found: list[Hold] = []
        if policy.login is not None and policy.login[0] in fields:
            found.append(
                Hold(
                    policy.login[0],
                    Msg(
                        "登录用的手机号随账号保存：如要删除，请注销账号。",
                        "The phone number you log in with is kept as long as the account; to delete it, cancel the account.",
                    ),
                )
            )
        for row in uow.connection.execute(
            select(_values.c.field, _values.c.purposes, _values.c.collected_at).where(
                _values.c.subject_id == subject, _values.c.field.in_(fields)
            )
        ):
            for pid in row.purposes:
                purpose = policy.spec.purposes.get(pid)
                if purpose is None:
                    continue
                if purpose.legal_basis is LegalBasis.LEGAL_OBLIGATION:
                    law = purpose.legal_basis_note
                    found.append(
                        Hold(
                            row.field,
                            Msg(
                                f"{row.field} 依法需要保存（{law.get('zh-CN') if law else '法定义务'}），随账号注销一并删除。",
                                f"{row.field} is kept to meet a legal obligation ({law.get('en') if law else 'the law'}); "
                                "it goes when the account is cancelled.",
                            ),
                        )
                    )
                    break
                minimum = purpose.retention.legal_minimum
                if minimum is not None:
                    until = minimum.after(row.collected_at.astimezone(UTC))
                    if until > now:
                        source = purpose.retention.legal_minimum_source
                        found.append(
                            Hold(
                                row.field,
                                Msg(
                                    f"{row.field} 依法至少保存 {minimum}（{source.get('zh-CN') if source else '法律规定'}），"
                                    f"{until:%Y-%m-%d} 之后才能删除。",
                                    f"{row.field} must by law be kept at least {minimum} "
                                    f"({source.get('en') if source else 'the law'}); it can be deleted after {until:%Y-%m-%d}.",
                                ),
                            )
                        )
                        break
        return found

    def delete_in(self, uow: UnitOfWork, *, subject: str, fields: list[str], actor: Actor) -> list[str]:
        """Deletes the chosen fields at once, or refuses all of them naming the legal retention that applies."""
        unknown = [f for f in fields if f not in self._context.policy.field_types]
        if unknown:
            raise BadRequest(
                Msg(
                    f"隐私政策没有声明字段 {', '.join(unknown)}。",
                    f"The policy declares no field {', '.join(unknown)}.",
                ),
                field=unknown[0],
            )
        blocked = self.holds_in(uow, subject, fields)
        if blocked:
            first = blocked[0]
            raise LegalHold(first.reason, field=first.field)
        deleted = self._vault.delete_fields(uow, subject, fields)
        if not deleted:
            raise NotFound(Msg("这些字段没有保存任何值。", "None of these fields holds a value."))
        uow.record(AuditEvent("pi-deleted", actor.id, role=actor.role, subject=subject, requested=deleted))
        return deleted


def _purpose_for(policy: CompiledPolicy, field_id: str) -> str:
    candidates = [pid for pid, fields in policy.purpose_fields.items() if field_id in fields]
    if len(candidates) != 1:
        raise BadRequest(
            Msg(
                f"字段 {field_id} 用于多个目的，请说明补充的目的。",
                f"Field {field_id} serves several purposes; say which one this value is for.",
            ),
            field="purpose",
        )
    return candidates[0]
