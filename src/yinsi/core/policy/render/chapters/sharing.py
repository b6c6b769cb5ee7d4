"""Chapter 3: sharing, entrusted processing, transfer and public disclosure, recipient by recipient."""

from __future__ import annotations

from yinsi.core.policy import labels, law
from yinsi.core.policy.render.builder import (
    Builder,
    Draft,
    para,
    runs,
)
from yinsi.core.policy.render.document import (
    Block,
    Bullets,
    Inline,
    Run,
    Table,
)
from yinsi.core.policy.vocabulary import (
    LegalBasis,
    OpenListKind,
    RecipientKind,
)


def sharing(bld: Builder) -> tuple[list[Block], list[Draft]]:
    spec, stated = bld.spec, bld.spec.sharing
    children: list[Draft] = []

    if spec.recipients:
        rows = []
        details: list[Inline] = []
        for rid, recipient in spec.recipients.items():
            rows.append(
                (
                    runs(Run(bld.label(recipient.name), strong=True)),
                    runs(bld.enum(recipient.kind)),
                    bld.cell(bld.join([bld.purpose_label(p) for p in recipient.purposes])),
                    bld.fields_runs(recipient.fields) if recipient.fields else runs(bld.t(labels.NOT_STATED)),
                    runs(bld.recipient_region(recipient)),
                    bld.stated_yes_no(recipient, "agreement"),
                    bld.stated_yes_no(recipient, "deidentified"),
                    bld.separate_consent(
                        law.recipient_articles(spec, rid),
                        recipient.separate_consent or recipient.cross_border_consent,
                    ),
                )
            )
            parts = [bld.clause(bld.prose(recipient.description)) if recipient.description is not None else ""]
            if recipient.uses:
                uses = bld.join([bld.label(u) for u in recipient.uses.values()])
                parts.append(bld.t(labels.RECIPIENT_USES, uses=uses))
            if recipient.sdk_provider is not None:
                parts.append(bld.t(labels.RECIPIENT_SDK_PROVIDER, provider=bld.label(recipient.sdk_provider)))
            if recipient.contact is not None:
                parts.append(bld.t(labels.RECIPIENT_CONTACT, contact=labels.one_line(recipient.contact)))
            if recipient.delete_on_end:
                parts.append(bld.t(labels.RECIPIENT_DELETE_ON_END))
            if recipient.deletion_channel is not None:
                parts.append(
                    bld.t(labels.RECIPIENT_DELETION_CHANNEL, channel=labels.one_line(recipient.deletion_channel))
                )
            if recipient.cross_border_consent:
                parts.append(bld.t(labels.RECIPIENT_CROSS_BORDER))
            if recipient.transfer_mechanism is not None:
                parts.append(bld.t(labels.RECIPIENT_MECHANISM, mechanism=bld.enum(recipient.transfer_mechanism)))
            if recipient.deidentify:
                methods = [
                    bld.t(
                        labels.RECIPIENT_DEIDENTIFIED_ONE,
                        field=bld.label(bld.spec.fields[fid].label),
                        method=bld.enum(m),
                    )
                    for fid, m in recipient.deidentify.items()
                    if fid in bld.spec.fields
                ]
                parts.append(bld.t(labels.RECIPIENT_DEIDENTIFIED, methods=bld.join(methods)))
            text = bld.clauses(parts)
            if text:
                details.append(runs(Run(bld.label(recipient.name), strong=True), bld.t(labels.COLON), text))
        intro = [bld.t(labels.RECIPIENTS_INTRO)]
        if any(r.kind is RecipientKind.SDK for r in spec.recipients.values()):
            intro.append(bld.t(labels.RECIPIENTS_SDK))
        blocks: list[Block] = [
            para(bld.sentences(intro)),
            Table(tuple(bld.t(h) for h in labels.RECIPIENT_HEADERS), tuple(rows)),
        ]
        if any(r.agreement for r in spec.recipients.values()):
            blocks.append(para(bld.t(labels.AGREEMENT_EXPLAIN)))
        blocks += bld.open_lists(OpenListKind.RECIPIENTS, OpenListKind.SDKS)
        children.append(Draft("recipients", labels.SUB_RECIPIENTS, blocks))
        if details:
            children.append(Draft("recipient-details", labels.SUB_RECIPIENT_DETAILS, [Bullets(tuple(details))]))
    else:
        blocks = [para(bld.t(labels.NO_RECIPIENTS)), *bld.open_lists(OpenListKind.RECIPIENTS, OpenListKind.SDKS)]
        children.append(Draft("recipients", labels.SUB_RECIPIENTS, blocks))

    transfer: list[Block] = []
    if stated.transfer_with_explicit_consent is True:
        transfer.append(para(bld.t(labels.TRANSFER_CONSENT)))
    if stated.transfer_on_merger is True:
        steps = []
        if stated.merger_notice_recipient:
            steps.append(bld.t(labels.TRANSFER_MERGER_NOTICE))
        if stated.merger_reconsent is True:
            steps.append(bld.t(labels.TRANSFER_MERGER_BOUND))
        if steps:
            transfer += [para(bld.t(labels.TRANSFER_MERGER)), bld.enumerated(steps)]
        else:
            transfer.append(para(bld.t(labels.TRANSFER_MERGER_BARE)))
    else:
        transfer.append(para(bld.t(labels.TRANSFER_MERGER_UNSTATED)))
    children.append(Draft("transfer", labels.SUB_TRANSFER, transfer))

    disclosure: list[Block] = []
    declared = spec.public_disclosures
    if declared:
        disclosure += [para(bld.t(labels.DISCLOSURE_DECLARED)), disclosure_table(bld)]
    cases = []
    # "Only with your explicit consent" is never printed beside a disclosure that is on by default.
    on_by_default = any(d.default_on for d in declared.values())
    if stated.public_disclosure_with_consent is True and not on_by_default:
        cases.append(bld.t(labels.DISCLOSURE_CONSENT))
    if stated.public_disclosure_on_compulsion is True:
        cases.append(bld.t(labels.DISCLOSURE_COMPULSION))
    if cases and not declared:
        disclosure += [para(bld.t(labels.DISCLOSURE_INTRO)), bld.enumerated(cases)]
    elif cases:
        disclosure += [para(bld.t(labels.EXCEPTIONS_INTRO_OTHER)), bld.enumerated(cases)]
    elif not declared:
        disclosure.append(para(bld.t(labels.DISCLOSURE_UNSTATED)))
    disclosure += bld.open_lists(OpenListKind.DISCLOSURES)
    if stated.checks_legal_documents:
        disclosure.append(para(bld.t(labels.DISCLOSURE_DOCUMENTS)))
    children.append(Draft("disclosure", labels.SUB_DISCLOSURE, disclosure))

    if stated.exceptions:
        exceptions: list[Block] = [
            para(bld.t(labels.EXCEPTIONS_INTRO)),
            bld.enumerated([bld.enum(case) for case in stated.exceptions]),
        ]
    else:
        exceptions = [para(bld.t(labels.EXCEPTIONS_NONE))]
    children.append(Draft("exceptions", labels.SUB_EXCEPTIONS, exceptions))

    deidentified = []
    if stated.deidentified_without_notice:
        deidentified.append(bld.t(labels.DEIDENTIFIED_NO_NOTICE))
    if stated.anonymised_statistics:
        deidentified.append(bld.t(labels.ANONYMISED_STATISTICS))
    if stated.note is not None:
        deidentified.append(bld.prose(stated.note))
    if deidentified:
        children.append(Draft("deidentified", labels.SUB_DEIDENTIFIED, [para(p) for p in deidentified]))
    return [], children


def disclosure_table(bld: Builder) -> Table:
    spec = bld.spec
    rows = []
    for did, d in spec.public_disclosures.items():
        label = bld.label(d.label) + (bld.t(labels.DISCLOSURE_DEIDENTIFIED) if d.deidentified else "")
        default = {True: labels.DISCLOSURE_DEFAULT_ON, False: labels.DISCLOSURE_DEFAULT_OFF, None: labels.NOT_STATED}[
            d.default_on
        ]
        opt_out = [bld.prose(d.opt_out) if d.opt_out is not None else ""]
        if d.opt_out_via_third_party:
            opt_out.append(bld.t(labels.DISCLOSURE_VIA_THIRD_PARTY))
        rows.append(
            (
                runs(Run(label, strong=True)),
                bld.fields_runs(d.fields),
                bld.cell(bld.label(d.audience) if d.audience is not None else bld.t(labels.NOT_STATED)),
                runs(bld.t(default)),
                bld.cell(bld.t(labels.CLAUSE_SEP).join(p for p in opt_out if p)),
                bld.separate_consent(
                    law.disclosure_articles(spec, did), d.separate_consent, d.legal_basis is LegalBasis.CONSENT
                ),
            )
        )
    return Table(tuple(bld.t(h) for h in labels.DISCLOSURE_HEADERS), tuple(rows))
