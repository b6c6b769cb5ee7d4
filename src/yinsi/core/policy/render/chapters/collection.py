"""Chapter 1: what is collected, for which purpose, on which legal basis and for how long; permissions,
personalisation and cookies."""

from __future__ import annotations

from yinsi.core.policy import labels, law
from yinsi.core.policy.model import Purpose, Retention
from yinsi.core.policy.render.builder import (
    Builder,
    Draft,
    bullets,
    para,
    runs,
)
from yinsi.core.policy.render.document import (
    Block,
    Facts,
    Inline,
    Run,
    Table,
)
from yinsi.core.policy.vocabulary import (
    LegalBasis,
    OpenListKind,
    RetentionEnd,
    RetentionStart,
    Sensitivity,
)


def retention_text(bld: Builder, ret: Retention) -> str:
    if ret.until is RetentionEnd.UNSTATED:
        # No period and no promise about what happens after one: only what the spec does say.
        parts = [bld.capital(bld.enum(ret.until))]
        if ret.legal_minimum is not None:
            parts.append(bld.t(labels.LEGAL_MINIMUM, period=bld.dur(ret.legal_minimum)))
        if ret.note is not None:
            parts.append(bld.clause(bld.prose(ret.note)))
        return bld.joined(parts)
    if ret.until is not None:
        period = bld.enum(ret.until)
    elif ret.period is not None:
        period = bld.dur(ret.period)
        if ret.after is not None and ret.after is not RetentionStart.COLLECTION:
            period = bld.t(labels.RETENTION_AFTER, start=bld.enum(ret.after), period=period)
    else:  # the model's validator forbids this; say so rather than crash
        period = bld.t(labels.NOT_STATED)
    parts = [bld.t(labels.RETENTION_THEN[ret.on_expiry], period=period)]
    if ret.legal_minimum is not None:
        if ret.legal_minimum_source is not None:
            parts.append(
                bld.t(
                    labels.LEGAL_MINIMUM_SOURCE,
                    period=bld.dur(ret.legal_minimum),
                    source=bld.label(ret.legal_minimum_source),
                )
            )
        else:
            parts.append(bld.t(labels.LEGAL_MINIMUM, period=bld.dur(ret.legal_minimum)))
    if ret.note is not None:
        parts.append(bld.clause(bld.prose(ret.note)))
    return bld.joined(parts)


def legal_basis(bld: Builder, purpose: Purpose) -> str:
    basis = bld.enum(purpose.legal_basis)
    if purpose.legal_basis_note is not None:
        basis += bld.paren(bld.label(purpose.legal_basis_note))
    return basis


def permission_label(bld: Builder, perm_id: str) -> str:
    permission = bld.spec.permissions.get(perm_id)
    return bld.label(permission.label) if permission is not None else perm_id


def cookie_label(bld: Builder, cookie_id: str) -> str:
    cookie = bld.spec.cookies.get(cookie_id)
    return bld.label(cookie.label) if cookie is not None else cookie_id


def collect(bld: Builder) -> tuple[list[Block], list[Draft]]:
    spec = bld.spec
    intro: list[Block] = [para(bld.t(labels.COLLECT_INTRO)), para(bld.t(labels.BASIC_ADDITIONAL))]
    children: list[Draft] = []

    rows = tuple(
        (
            runs(Run(bld.label(p.label), strong=True)),
            runs(bld.enum(p.function)),
            bld.fields_runs(p.fields),
            runs(legal_basis(bld, p)),
            runs(bld.capital(retention_text(bld, p.retention))),
            bld.cell(bld.join([permission_label(bld, x) for x in p.permissions])),
            bld.separate_consent(
                law.purpose_articles(spec, pid), p.separate_consent, p.legal_basis is LegalBasis.CONSENT
            ),
        )
        for pid, p in spec.purposes.items()
    )
    inventory = Table(tuple(bld.t(h) for h in labels.INVENTORY_HEADERS), rows)
    children.append(
        Draft(
            "inventory",
            labels.SUB_INVENTORY,
            [
                para(bld.t(labels.INVENTORY_INTRO)),
                inventory,
                *bld.open_lists(OpenListKind.PURPOSES, OpenListKind.FIELDS),
            ],
        )
    )

    items: list[Inline] = []
    for p in spec.purposes.values():
        notes = [bld.prose(p.description) if p.description is not None else ""]
        if p.personalisation:
            notes.append(bld.t(labels.PURPOSE_PERSONALISATION))
        if p.automated_decision:
            notes.append(bld.t(labels.PURPOSE_AUTOMATED))
        if p.deidentified_only:
            notes.append(bld.t(labels.PURPOSE_DEIDENTIFIED))
        if p.others_pi:
            notes.append(bld.t(labels.PURPOSE_OTHERS))
        if p.cookies:
            notes.append(bld.t(labels.PURPOSE_COOKIES, cookies=bld.join([cookie_label(bld, c) for c in p.cookies])))
        text = bld.sentences(notes)
        if text:
            items.append(runs(Run(bld.label(p.label), strong=True), bld.t(labels.COLON), text))
    if items:
        children.append(Draft("functions", labels.SUB_FUNCTIONS, [bullets(items)]))

    field_rows = []
    for field in spec.fields.values():
        notes = []
        if field.immutable:
            notes.append(bld.t(labels.FIELD_IMMUTABLE))
        if field.derived:
            notes.append(bld.t(labels.FIELD_DERIVED))
        sensitive = field.sensitivity is Sensitivity.SENSITIVE
        field_rows.append(
            (
                runs(Run(bld.label(field.label), strong=sensitive)),
                runs(bld.enum(field.category)),
                runs(Run(bld.enum(field.sensitivity), strong=sensitive)),
                runs(bld.join([bld.enum(s) for s in field.sources])),
                bld.cell(bld.t(labels.CLAUSE_SEP).join(notes)),
            )
        )
    fields_table = Table(tuple(bld.t(h) for h in labels.FIELDS_HEADERS), tuple(field_rows))
    children.append(Draft("fields", labels.SUB_FIELDS, [fields_table]))

    sensitive_fields = [f for f in spec.fields.values() if f.sensitivity is Sensitivity.SENSITIVE]
    if sensitive_fields:
        not_stated = bld.t(labels.NOT_STATED)
        sensitive_rows = tuple(
            (
                runs(Run(bld.label(f.label), strong=True)),
                runs(bld.prose(f.necessity) if f.necessity is not None else not_stated),
                runs(bld.prose(f.impact) if f.impact is not None else not_stated),
            )
            for f in sensitive_fields
        )
        sensitive_blocks: list[Block] = [
            para(bld.t(labels.SENSITIVE_INTRO)),
            Table(tuple(bld.t(h) for h in labels.SENSITIVE_HEADERS), sensitive_rows),
        ]
    else:
        sensitive_blocks = [para(bld.t(labels.NO_SENSITIVE))]
    children.append(Draft("sensitive", labels.SUB_SENSITIVE, sensitive_blocks))

    children.append(Draft("permissions", labels.SUB_PERMISSIONS, permissions(bld)))
    children.append(Draft("personalisation", labels.SUB_PERSONALISATION, personalisation(bld)))

    others = [bld.label(p.label) for p in spec.purposes.values() if p.others_pi]
    if others:
        text = bld.t(labels.OTHERS_TEXT, purposes=bld.join(others))
        children.append(Draft("others", labels.SUB_OTHERS, [para(text)]))

    consent = spec.consent
    consent_blocks: list[Block] = []
    lines = []
    if consent.new_purpose_opt_in is True:
        lines.append(bld.t(labels.CONSENT_NEW_PURPOSE))
    # The cooldown has a default the system always enforces; it is published only when the spec states it,
    # so a policy that never promised it is not rendered as if it had.
    if "refusal_cooldown" in consent.model_fields_set:
        lines.append(bld.t(labels.CONSENT_COOLDOWN, period=bld.dur(consent.refusal_cooldown)))
    lines.append(bld.t(labels.CONSENT_WITHDRAW_EFFECT))
    if consent.bundled_with_terms:
        lines.append(bld.t(labels.CONSENT_BUNDLED))
    consent_blocks.append(para(bld.sentences(lines)))
    if consent.how_to_withdraw is not None:
        consent_blocks.append(Facts(((bld.t(labels.CONSENT_WITHDRAW), runs(bld.prose(consent.how_to_withdraw))),)))
    children.append(Draft("consent", labels.SUB_CONSENT, consent_blocks))

    exceptions = spec.sharing.exceptions
    if exceptions:
        exception_blocks: list[Block] = [
            para(bld.t(labels.NO_CONSENT_INTRO)),
            bld.enumerated([bld.enum(case) for case in exceptions]),
        ]
    else:
        exception_blocks = [para(bld.t(labels.NO_CONSENT_NONE))]
    children.append(Draft("no-consent", labels.SUB_NO_CONSENT, exception_blocks))
    return intro, children


def permissions(bld: Builder) -> list[Block]:
    spec = bld.spec
    if not spec.permissions:
        return [para(bld.t(labels.NO_PERMISSIONS)), *bld.open_lists(OpenListKind.PERMISSIONS)]
    rows = []
    for perm_id, permission in spec.permissions.items():
        used_by = [bld.label(p.label) for p in spec.purposes.values() if perm_id in p.permissions]
        rows.append(
            (
                runs(Run(bld.label(permission.label), strong=True)),
                runs(bld.enum(permission.kind)),
                bld.cell(bld.join(used_by)),
                runs(bld.t(labels.PERMISSION_PROMPT[permission.prompt])),
                bld.cell(bld.prose(permission.description) if permission.description is not None else ""),
            )
        )
    return [
        para(bld.t(labels.PERMISSIONS_INTRO)),
        Table(tuple(bld.t(h) for h in labels.PERMISSIONS_HEADERS), tuple(rows)),
        *bld.open_lists(OpenListKind.PERMISSIONS),
    ]


def personalisation(bld: Builder) -> list[Block]:
    spec = bld.spec
    profiled = [bld.label(p.label) for p in spec.purposes.values() if p.personalisation]
    automated = [bld.label(p.label) for p in spec.purposes.values() if p.automated_decision]
    pers = spec.personalisation
    blocks: list[Block] = []
    if pers is not None and not pers.offered and not profiled:
        blocks.append(para(bld.t(labels.PERS_NOT_OFFERED)))
    elif profiled or pers is not None:
        lines = []
        if profiled:
            lines.append(bld.t(labels.PERS_PURPOSES, purposes=bld.join(profiled)))
        if pers is not None and pers.non_personalised_alternative is True:
            lines.append(bld.t(labels.PERS_ALTERNATIVE))
        if pers is not None and pers.profile_deletion:
            lines.append(bld.t(labels.PERS_PROFILE_DELETION))
        if pers is None or pers.opt_out is None:
            lines.append(bld.t(labels.PERS_NO_OPT_OUT))
        blocks.append(para(bld.sentences(lines)))
        rows: list[tuple[str, Inline]] = []
        if pers is not None and pers.opt_out is not None:
            rows.append((bld.t(labels.PERS_OPT_OUT), runs(bld.prose(pers.opt_out))))
        if pers is not None and pers.algorithm_disclosure is not None:
            rows.append((bld.t(labels.PERS_ALGORITHM), runs(bld.prose(pers.algorithm_disclosure))))
        if rows:
            blocks.append(Facts(tuple(rows)))
    if automated:
        blocks.append(para(bld.t(labels.AUTO_PURPOSES, purposes=bld.join(automated))))
    if not blocks:
        blocks.append(para(bld.t(labels.NO_PERSONALISATION)))
    return blocks


def cookies(bld: Builder) -> list[Block]:
    spec = bld.spec
    if not spec.cookies:
        return [para(bld.t(labels.NO_COOKIES))]
    rows = []
    for cookie_id, cookie in spec.cookies.items():
        used_by = [bld.label(p.label) for p in spec.purposes.values() if cookie_id in p.cookies]
        if cookie.expiry is None:
            expiry = bld.t(labels.NOT_STATED)
        elif cookie.expiry == "session":
            expiry = bld.t(labels.SESSION)
        else:
            expiry = bld.dur(cookie.expiry)
        rows.append(
            (
                runs(Run(bld.label(cookie.label), strong=True)),
                runs(bld.enum(cookie.category) if cookie.category is not None else bld.t(labels.NOT_STATED)),
                runs(bld.join([bld.enum(tech) for tech in cookie.technologies])),
                bld.cell(bld.prose(cookie.description) if cookie.description is not None else ""),
                runs(expiry),
                runs(bld.t(labels.COOKIE_THIRD_PARTY if cookie.third_party else labels.COOKIE_FIRST_PARTY)),
                bld.cell(bld.join(used_by)),
            )
        )
    blocks: list[Block] = [
        para(bld.t(labels.COOKIE_INTRO)),
        Table(tuple(bld.t(h) for h in labels.COOKIE_HEADERS), tuple(rows)),
        para(bld.t(labels.COOKIE_MANAGE)),
    ]
    return blocks
