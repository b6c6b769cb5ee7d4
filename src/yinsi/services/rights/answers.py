"""Answering access, explanation and copy requests: what is held, why, for how long, and the take-away copy."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import timedelta
from typing import Any

from sqlalchemy import Connection, insert, select, update

from yinsi.adapters.db.rows import PublicDisclosureRow, table_of
from yinsi.core.errors import BadRequest, not_found
from yinsi.core.explain import explain_fields
from yinsi.core.export import (
    ExportAccess,
    ExportBundle,
    ExportConsent,
    ExportProvision,
    ExportRequest,
    ExportValue,
    build_export,
)
from yinsi.core.i18n import Msg
from yinsi.core.masking import mask
from yinsi.core.policy.compiled import CompiledPolicy
from yinsi.core.sealing import open_blob, seal_blob
from yinsi.services.accounts import Accounts
from yinsi.services.audit import AuditEvent
from yinsi.services.consent import ConsentLedger
from yinsi.services.rights.base import (
    EXPORTS,
    PROVISIONS,
    REQUESTS,
    RequestStore,
)
from yinsi.services.unit_of_work import UnitOfWork


class Answers:
    """What a request answers with: the person's data masked, the explanation, the take-away copy."""

    def __init__(
        self, store: RequestStore, accounts: Accounts, ledger: ConsentLedger, *, export_minutes: int = 15
    ) -> None:
        self.store = store
        self.ledger = ledger
        self.context = store.context
        self.vault = store.vault
        self.accounts = accounts
        self.export_minutes = export_minutes

    @property
    def policy(self) -> CompiledPolicy:
        return self.context.policy

    def access_answer(self, connection: Connection, subject: str, lang: str) -> dict[str, Any]:
        """Everything held about the person, masked as the privacy centre shows it, with why, how long, to whom."""
        spec = self.policy.spec
        items = []
        for stored in self.vault.stored_values(connection, subject):
            field_spec = spec.fields.get(stored.field)
            if field_spec is None:
                continue
            items.append(
                {
                    "field": stored.field,
                    "label": field_spec.label.get(lang),
                    "sensitive": field_spec.sensitivity.value == "sensitive",
                    "value": mask(field_spec.type, stored.value),
                    "collected_at": stored.collected_at.isoformat(),
                    "source": stored.source,
                    "purposes": [
                        {
                            "purpose": pid,
                            "label": spec.purposes[pid].label.get(lang),
                            "legal_basis": spec.purposes[pid].legal_basis.value,
                        }
                        for pid in stored.purposes
                        if pid in spec.purposes
                    ],
                    "retain_until": stored.retain_until.isoformat() if stored.retain_until else "account_cancellation",
                    "recipients": [spec.recipients[r].name.get(lang) for r in self.policy.recipients_of(stored.field)],
                }
            )
        return {"policy_version": self.policy.version, "fields": items}

    def explain_answer(self, fields: Sequence[str] | None, lang: str) -> dict[str, Any]:
        language = "en" if lang.startswith("en") else "zh-CN"
        try:
            explained = explain_fields(self.policy.spec, language, fields)  # type: ignore[arg-type]
        except ValueError:
            raise BadRequest(
                Msg("隐私政策没有声明其中某个字段。", "One of those fields is not declared in the policy."),
                field="fields",
            ) from None
        return {
            "policy_version": self.policy.version,
            "fields": [{"field": e.field, "label": e.label, "text": e.text} for e in explained],
        }

    def export(self, uow: UnitOfWork, request_id: str, subject: str) -> dict[str, Any]:
        """Builds the copy, sealed under the person's key, with a link that expires."""
        connection = uow.connection
        key = self.context.keyring.data_key(connection, subject)
        if key is None:
            raise not_found("这个账号", "account")
        data = build_export(self.bundle(connection, subject))
        export_id = str(uuid.uuid4())
        now = self.context.now()
        expires = now + timedelta(minutes=self.export_minutes)
        connection.execute(
            insert(EXPORTS).values(
                id=export_id,
                request_id=request_id,
                subject_id=subject,
                sealed_zip=seal_blob(key[0], subject, "export", key[1], data),
                key_version=key[1],
                created_at=now,
                expires_at=expires,
            )
        )
        uow.record(
            AuditEvent(
                "pi-exported",
                f"subject:{subject}",
                role="subject",
                subject=subject,
                details={"export": export_id, "bytes": len(data)},
            )
        )
        return {
            "export_id": export_id,
            "download": f"/v1/me/exports/{export_id}",
            "expires_at": expires.isoformat(),
            "bytes": len(data),
        }

    def bundle(self, connection: Connection, subject: str) -> ExportBundle:
        policy = self.policy
        values = [
            ExportValue(v.field, v.value, v.collected_at, v.source, v.purposes, v.retain_until)
            for v in self.vault.stored_values(connection, subject)
        ]
        consents = [
            ExportConsent(
                e.id, e.kind, e.scope, e.action, e.given_by, e.channel, e.policy_version, e.text_hash, e.language, e.at
            )
            for e in self.ledger.history_in(connection, subject)
        ]
        access = [
            ExportAccess(a.login_at, a.logout_at, a.method, a.address)
            for a in self.accounts.access_log(subject, limit=10_000, connection=connection)
        ]
        provisions = [
            ExportProvision(
                r.recipient,
                r.purpose,
                list(r.fields),
                r.at,
                r.actor,
                (r.details or {}).get("basis"),
                (r.details or {}).get("region"),
                (r.details or {}).get("mechanism"),
            )
            for r in connection.execute(select(PROVISIONS).where(PROVISIONS.c.subject_id == subject))
        ]
        # What was made public is listed with the provisions, as a recipient "public.<disclosure>" (PIPL Art. 25).
        published = table_of(PublicDisclosureRow)
        provisions += [
            ExportProvision(
                f"public.{r.disclosure}",
                "public_disclosure",
                list(r.fields),
                r.at,
                r.actor,
                (r.details or {}).get("basis"),
            )
            for r in connection.execute(select(published).where(published.c.subject_id == subject))
        ]
        requests = [
            ExportRequest(r.id, r.type, r.state, r.created_at, r.closed_at)
            for r in connection.execute(select(REQUESTS).where(REQUESTS.c.subject_id == subject))
        ]
        return ExportBundle(
            subject, self.context.now(), policy.version, policy.spec, values, consents, access, provisions, requests
        )

    def download(self, *, export_id: str, subject: str) -> bytes:
        """The export's bytes, until it expires (and never after the key is shredded), for whoever asked for
        it: the person, their guardian while still their guardian, or a relative whose request was approved."""
        gone = not_found("这个导出文件（或链接已过期）", "export (or the link has expired)")
        with self.context.unit() as uow:
            row = uow.connection.execute(
                select(EXPORTS, REQUESTS.c.filer_id, REQUESTS.c.filed_by)
                .join(REQUESTS, REQUESTS.c.id == EXPORTS.c.request_id)
                .where(EXPORTS.c.id == export_id)
            ).first()
            if row is None or row.filer_id != subject or row.expires_at <= self.context.now():
                raise gone
            owner = row.subject_id
            if row.filed_by == "guardian" and not self.store.may_act_as_guardian(
                uow.connection, subject, owner, "access"
            ):
                raise gone
            key = self.context.keyring.data_key(uow.connection, owner)
            if key is None:
                raise gone
            data = open_blob(key[0], owner, "export", row.key_version, bytes(row.sealed_zip))
            uow.connection.execute(
                update(EXPORTS).where(EXPORTS.c.id == export_id).values(downloaded_at=self.context.now())
            )
            uow.record(
                AuditEvent(
                    "export-downloaded",
                    f"subject:{subject}",
                    role=row.filed_by,
                    subject=owner,
                    details={"export": export_id},
                )
            )
        return data
